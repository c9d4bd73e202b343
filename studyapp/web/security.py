"""Response headers every page gets, and the health check for load balancers."""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from sqlalchemy import func, select, text

from studyapp.db import get_session
from studyapp.errors import InvalidInput
from studyapp.models import Question

bp = Blueprint("health", __name__)

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def init_app(app: Flask) -> None:
    """Refuse NUL characters in any request value; add the security headers to every response."""

    @app.before_request
    def refuse_nul_characters() -> None:
        # No field of ours takes a NUL, PostgreSQL's text cannot hold one, and SQLite would cut at it.
        if "\x00" in request.path:
            raise InvalidInput("The address contains a NUL character (%00), which no page accepts.")
        for where, values in (("query string", request.args), ("form", request.form)):
            for name, value in values.items(multi=True):
                if "\x00" in name or "\x00" in value:
                    raise InvalidInput(f"The {where} field “{name.replace(chr(0), '')}” contains a NUL character, "
                                       "which no field accepts.")

    @app.after_request
    def secure_headers(response: Response) -> Response:
        for name, value in HEADERS.items():
            response.headers.setdefault(name, value)
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
        return response


@bp.get("/favicon.ico")
def favicon() -> Response:
    """The icon, for clients that ask /favicon.ico without reading the page's <link rel="icon">."""
    return current_app.send_static_file("favicon.svg")


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """200 when the database answers and the bank is loaded; 503 otherwise."""
    try:
        session = get_session()
        session.execute(text("SELECT 1"))
        questions = session.scalar(select(func.count()).select_from(Question).where(Question.is_retired.is_(False))) or 0
    except Exception as error:  # noqa: BLE001 - any failure means: not healthy
        return jsonify(status="error", database="unreachable", error=type(error).__name__), 503
    if not questions:
        return jsonify(status="error", database="ok", questions=0, error="the bank is not loaded"), 503
    return jsonify(status="ok", database="ok", questions=questions), 200
