"""What the base layout shows on every page, worked out once per process where it never changes."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

ID_SLOT = 2**31 - 1  # the id url_for fills in for `url_with_id`, each row's id put in its place
# What site_header's kept header holds in the place of each request's own: no address or label has them.
USERNAME_SLOT, TOKEN_SLOT = "\x1eusername\x1e", "\x1ecsrf\x1e"


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

    headers: dict[tuple[str, str | None, bool, bool], str] = {}

    @app.template_global()
    def site_header() -> Markup:
        """The site's header and its menus (`_site_header.html`), the same on every view of one page but for the
        signed-in learner's name and CSRF token: rendered once per page, script root and kind of visitor, and
        those two put in their slots (rendering it took a sixth of a small page's time)."""
        signed_in = bool(current_user.is_authenticated)
        instructor = signed_in and bool(current_user.is_instructor)
        key = (request.script_root, request.endpoint, signed_in, instructor)
        made = headers.get(key)
        if made is None:
            made = headers[key] = render_template("_site_header.html", signed_in=signed_in, instructor=instructor,
                                                  username=USERNAME_SLOT, csrf=TOKEN_SLOT)
        if signed_in:
            made = made.replace(USERNAME_SLOT, escape(current_user.username)).replace(TOKEN_SLOT, generate_csrf())
        return Markup(made)

    @app.template_global()
    def url_with_id(endpoint: str, name: str, **values: object) -> Callable[[int], str]:
        """url_for of an address that rows of a list share but for one id (`name`), made once per list: each row's
        address is its id put in the place of ID_SLOT (url_for per row was 40% of the card list's time)."""
        head, _, tail = url_for(endpoint, **{name: ID_SLOT}, **values).partition(str(ID_SLOT))
        return lambda row_id: f"{head}{int(row_id)}{tail}"
