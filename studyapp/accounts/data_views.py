"""My data: a learner downloads all of their data as JSON, or imports such a file into this account."""

from __future__ import annotations

import json

from flask import Blueprint, Response, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from studyapp.accounts import datafile, portability
from studyapp.accounts.forms import ImportForm
from studyapp.current import utcnow
from studyapp.db import get_session
from studyapp.errors import InvalidInput

bp = Blueprint("data", __name__, url_prefix="/auth")


@bp.get("/account")
@login_required
def account() -> str:
    """Download or import the learner's own data."""
    return render_template("accounts/account.html", form=ImportForm())


@bp.get("/account/export.json")
@login_required
def export_data() -> Response:
    """All of the learner's data as a JSON download."""
    data = portability.export_data(get_session(), current_user, utcnow())
    response = Response(json.dumps(data, ensure_ascii=False, indent=1), mimetype="application/json")
    response.headers["Content-Disposition"] = portability.attachment(f"studyapp-{current_user.username}-data.json")
    return response


@bp.post("/account/import")
@login_required
def import_data() -> str | Response | tuple[str, int]:
    """Merge a data file into this account."""
    form = ImportForm()
    if not form.validate_on_submit():
        return render_template("accounts/account.html", form=form), 400
    try:
        raw = datafile.parse_json(form.data_file.data.read())
        report = portability.import_data(get_session(), current_user, raw, utcnow(), form.take_settings.data)
    except InvalidInput as error:
        form.data_file.errors.append(str(error))
        return render_template("accounts/account.html", form=form), 400
    flash(report.summary(), "success")
    return redirect(url_for("data.account"))
