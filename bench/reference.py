"""The reference every page is measured against: a page shaped like Flask's tutorial app (flaskr).

Its index loads the signed-in user from the session by id (one query), runs one query of 10 posts joined
to their authors and renders a Jinja page extending a base layout; its create view inserts one row and
redirects. Same stack as studyapp (Flask, SQLAlchemy on the same database, gunicorn), our own code:
`gunicorn bench.reference:app` with REFERENCE_DATABASE_URL set.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

import jinja2
import sqlalchemy as sa
from flask import Flask, g, redirect, render_template, request, session, url_for
from werkzeug.wrappers import Response

metadata = sa.MetaData()
users = sa.Table("reference_user", metadata, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("username", sa.String(80), unique=True, nullable=False),
                 sa.Column("password", sa.String(200), nullable=False))
posts = sa.Table("reference_post", metadata, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("author_id", sa.ForeignKey("reference_user.id"), nullable=False),
                 sa.Column("created", sa.DateTime(timezone=True), nullable=False),
                 sa.Column("title", sa.String(200), nullable=False), sa.Column("body", sa.Text, nullable=False),
                 sa.Index("ix_reference_post_created", "created"))  # the POST runs add thousands of posts

BASE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{% block title %}{% endblock %} - Flaskr</title>
<link rel="stylesheet" href="{{ url_for('static', filename='style.css') }}"></head>
<body><nav><h1>Flaskr</h1><ul>
{% if g.user %}<li><span>{{ g.user['username'] }}</span><li><a href="{{ url_for('index') }}">Log Out</a>
{% else %}<li><a href="{{ url_for('index') }}">Register</a><li><a href="{{ url_for('index') }}">Log In</a>{% endif %}
</ul></nav>
<section class="content"><header>{% block header %}{% endblock %}</header>
{% for message in get_flashed_messages() %}<div class="flash">{{ message }}</div>{% endfor %}
{% block content %}{% endblock %}</section></body></html>"""

INDEX = """{% extends "base.html" %}
{% block header %}<h1>{% block title %}Posts{% endblock %}</h1>
{% if g.user %}<a class="action" href="{{ url_for('index') }}">New</a>{% endif %}{% endblock %}
{% block content %}
{% for post in posts %}<article class="post"><header><div><h1>{{ post['title'] }}</h1>
<div class="about">by {{ post['username'] }} on {{ post['created'].strftime('%Y-%m-%d') }}</div></div>
{% if g.user['id'] == post['author_id'] %}<a class="action" href="{{ url_for('index') }}">Edit</a>{% endif %}
</header><p class="body">{{ post['body'] }}</p></article>{% if not loop.last %}<hr>{% endif %}{% endfor %}
{% endblock %}"""


def prepare(url: str) -> None:
    """Make the reference app's two tables at `url` and fill them: one user, ten posts (before any worker starts)."""
    engine = sa.create_engine(url)
    metadata.create_all(engine)
    with engine.begin() as conn:
        if conn.scalar(sa.select(sa.func.count()).select_from(users)) == 0:
            conn.execute(users.insert(), [{"id": 1, "username": "reader", "password": "x"}])
            conn.execute(posts.insert(), [{"author_id": 1, "created": datetime(2026, 11, n, tzinfo=timezone.utc),
                                           "title": f"Post {n}", "body": f"The body of post {n}. " * 5} for n in range(1, 11)])
    engine.dispose()


def create_app(url: str) -> Flask:
    """The reference app on the database at `url` (made by `prepare`)."""
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "reference-secret"
    engine = sa.create_engine(url, pool_pre_ping=False)
    app.jinja_env.loader = jinja2.DictLoader({"base.html": BASE, "index.html": INDEX})

    @app.before_request
    def load_logged_in_user() -> None:  # flaskr's: one connection per request, the user by id from the session
        g.db = engine.connect()
        user_id = session.get("user_id")
        g.user = None if user_id is None else g.db.execute(users.select().where(users.c.id == user_id)).mappings().first()

    @app.teardown_request
    def close_db(exception: BaseException | None) -> None:
        connection = g.pop("db", None)
        if connection is not None:
            connection.close()

    @app.get("/")
    def index() -> str:
        rows = g.db.execute(sa.select(posts.c.id, posts.c.title, posts.c.body, posts.c.created, posts.c.author_id,
                                      users.c.username).join(users, posts.c.author_id == users.c.id)
                            .order_by(posts.c.created.desc()).limit(10)).mappings().all()
        return render_template("index.html", posts=rows)

    @app.post("/create")
    def create() -> Response:
        g.db.execute(posts.insert().values(author_id=g.user["id"], created=datetime.now(timezone.utc),
                                           title=request.form.get("title", "A title"), body=request.form.get("body", "")))
        g.db.commit()
        return redirect(url_for("index"))

    @app.get("/login")
    def login() -> Response:
        session.clear()
        session["user_id"] = 1
        return redirect(url_for("index"))

    @app.get("/_bare")
    def bare() -> str:
        return "ok"

    return app


app = create_app(os.environ["REFERENCE_DATABASE_URL"]) if "REFERENCE_DATABASE_URL" in os.environ else None
