"""What the base layout shows on every page, worked out once per process where it never changes."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, request, url_for

ID_SLOT = 2**31 - 1  # the id url_for fills in for `url_with_id`, each row's id put in its place


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

    @app.template_global()
    def url_with_id(endpoint: str, name: str, **values: object) -> Callable[[int], str]:
        """url_for of an address that rows of a list share but for one id (`name`), made once per list: each row's
        address is its id put in the place of ID_SLOT (url_for per row was 40% of the card list's time)."""
        head, _, tail = url_for(endpoint, **{name: ID_SLOT}, **values).partition(str(ID_SLOT))
        return lambda row_id: f"{head}{int(row_id)}{tail}"
