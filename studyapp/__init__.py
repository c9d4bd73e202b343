"""studyapp: quizzes and flashcards for learning one text, from a curated YAML bank."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from studyapp import autosync, config, db


def create_app(test_config: dict[str, object] | None = None) -> Flask:
    """Build the app: config, instance folder, database, blueprints, CLI and error pages."""
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    config.load(app, test_config)
    db.init_app(app)

    from studyapp import cli
    from studyapp.web import auth, decks, errors, instructor, review, security, study

    auth.init_app(app)
    app.register_blueprint(decks.bp)
    app.register_blueprint(study.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(review.bp)
    app.register_blueprint(instructor.bp)
    app.register_blueprint(security.bp)
    security.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    autosync.init_app(app)
    return app
