"""The app as gunicorn serves it, plus the bare route every page is measured against."""

from studyapp import create_app

app = create_app()


@app.get("/_bare")
def bare() -> str:
    """The ceiling of the stack: a Flask route returning a short string."""
    return "ok"
