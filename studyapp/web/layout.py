"""What the base layout shows on every page, worked out once per process where it never changes."""

from __future__ import annotations

from flask import Flask, request, url_for


def init_app(app: Flask) -> None:
    """`fixed_url`: url_for of an address that takes no values from the request, made once per script root."""
    made: dict[tuple[str, str, tuple[tuple[str, str], ...]], str] = {}

    @app.template_global()
    def fixed_url(endpoint: str, **values: str) -> str:
        """The navigation's and static files' addresses: the same on every page (but for the script root,
        which a proxy may set per request), so each is made by url_for once, not about 25 times a page."""
        key = (request.script_root, endpoint, tuple(sorted(values.items())))
        found = made.get(key)
        if found is None:
            found = made[key] = url_for(endpoint, **values)
        return found
