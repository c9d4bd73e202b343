"""Error pages: services' errors become 404/400 pages with a message, never a stack trace."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from studyapp.db import get_session
from studyapp.errors import InvalidInput, NotFound


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(NotFound)
    def not_found(error: NotFound) -> tuple[str, int]:
        return render_template("error.html", title="Not found", message=str(error)), 404

    @app.errorhandler(InvalidInput)
    def invalid(error: InvalidInput) -> tuple[str, int]:
        return render_template("error.html", title="That did not work", message=str(error)), 400

    @app.errorhandler(CSRFError)
    def csrf(error: CSRFError) -> tuple[str, int]:
        message = "The form had expired or was sent from elsewhere. Go back, reload the page and try again."
        return render_template("error.html", title="Form refused", message=message), 400

    if not app.testing:  # tests see the exception itself

        @app.errorhandler(Exception)
        def unexpected(error: Exception) -> tuple[str, int]:
            if isinstance(error, HTTPException):
                return http(error)
            app.logger.exception("unhandled error")
            # A failed flush leaves the session unusable; the page itself (the signed-in learner) needs it.
            get_session().rollback()
            message = "Something went wrong on our side; nothing was half-saved. Try again in a moment."
            return render_template("error.html", title="Server error", message=message), 500

    @app.errorhandler(HTTPException)
    def http(error: HTTPException) -> tuple[str, int]:
        return render_template("error.html", title=error.name, message=error.description), error.code or 500
