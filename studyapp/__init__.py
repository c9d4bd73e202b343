"""studyapp: quizzes and flashcards for learning one text, from a curated YAML bank."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from studyapp import config, db
from studyapp.bank import watch


class RowIdConverter(IntegerConverter):
    """`<id:name>`: a database row id, 1 to 2**31 - 1; any other number is a 404, not a query.

    PostgreSQL's INTEGER ends at 2**31 - 1, and a bigger number in a URL would otherwise reach
    the database as an out-of-range error (a 500) instead of "no such card".
    """

    def __init__(self, map: object) -> None:  # noqa: A002 - werkzeug's name
        super().__init__(map, min=1, max=2**31 - 1)


def create_app(test_config: dict[str, object] | None = None) -> Flask:
    """Build the app: config, instance folder, database, blueprints, CLI and error pages."""
    app = Flask(__name__, instance_relative_config=True)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    config.load(app, test_config)
    proxies = int(app.config["TRUSTED_PROXIES"])
    if proxies:  # behind nginx/Caddy: the client's scheme, host and address, as the proxy passed them on
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_port=proxies)  # type: ignore[method-assign]
    app.url_map.converters["id"] = RowIdConverter
    db.init_app(app)

    from studyapp import cli
    from studyapp.accounts import data_views
    from studyapp.accounts import views as accounts
    from studyapp.anki import views as anki
    from studyapp.flashcards import views as flashcards
    from studyapp.flashcards.views import cards, progress, review, settings
    from studyapp.instructor import views as instructor
    from studyapp.learn import views as learn
    from studyapp.quizzes import views as quizzes
    from studyapp.web import decks, errors, layout, reading, security, timeline

    accounts.init_app(app)
    flashcards.init_app(app)
    for blueprint in (decks.bp, reading.bp, quizzes.bp, learn.bp, accounts.bp, data_views.bp, review.bp, cards.bp, progress.bp,
                      settings.bp, anki.bp, instructor.bp, timeline.bp, security.bp):
        app.register_blueprint(blueprint)
    security.init_app(app)
    layout.init_app(app)
    errors.init_app(app)
    cli.init_app(app)
    watch.init_app(app)
    return app
