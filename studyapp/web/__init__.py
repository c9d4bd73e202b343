"""Web adapters: blueprints that parse a request, call one service and render."""

from datetime import datetime, timezone


def utcnow() -> datetime:
    """The request's one reading of the clock, in UTC."""
    return datetime.now(timezone.utc)
