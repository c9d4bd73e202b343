"""Sign up, sign in and sign out with Flask-Login; CSRF protection for every form."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf.csrf import CSRFProtect

from studyapp.accounts import service as accounts
from studyapp.accounts.forms import LoginForm, RegisterForm
from studyapp.current import utcnow
from studyapp.db import get_session
from studyapp.errors import InvalidInput
from studyapp.models import Learner

bp = Blueprint("accounts", __name__, url_prefix="/auth")
login_manager = LoginManager()
csrf = CSRFProtect()


def init_app(app: Flask) -> None:
    """Attach Flask-Login and CSRF protection for every POST."""
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Sign in to see that page."
    csrf.init_app(app)
    app.before_request(_signed_in_first)


def _signed_in_first() -> None:
    """Read the signed-in learner before anything else: that one statement also brings the bank's version."""
    if request.endpoint != "static":
        current_user._get_current_object()  # noqa: SLF001  (Flask-Login's proxy loads on first use)


@login_manager.user_loader
def load_learner(session_id: str) -> Learner | None:
    """The signed-in learner of this request, unless the session was signed out since ("id.epoch")."""
    learner_id, _, epoch = session_id.partition(".")
    if not (learner_id.isdecimal() and epoch.isdecimal()) or not 0 < int(learner_id) < 2**31:
        return None
    return accounts.find_signed_in(get_session(), int(learner_id), int(epoch))


@bp.route("/register", methods=["GET", "POST"])
def register() -> str | Response:
    """Create an account and sign in."""
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            accounts.check_signup_allowed(get_session(), request.remote_addr or "unknown", utcnow(), _limits())
            learner = accounts.register(get_session(), form.username.data, form.password.data, utcnow(),
                                        form.timezone.data)
        except accounts.Throttled as error:
            form.username.errors.append(str(error))
            return render_template("accounts/register.html", form=form), 429
        except InvalidInput as error:
            form.username.errors.append(str(error))
        else:
            login_user(learner)
            flash(f"Welcome, {learner.username}. Your quizzes and scores are now saved. Your study day starts at "
                  f"{learner.day_starts_hour:02d}:00, {learner.timezone} time (change it in Settings).", "success")
            return redirect(url_for("decks.index"))
    return render_template("accounts/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    """Sign in."""
    form = LoginForm()
    if form.validate_on_submit():
        try:
            learner = accounts.authenticate(get_session(), form.username.data, form.password.data, utcnow(),
                                            request.remote_addr or "unknown", _limits())
        except accounts.Throttled as error:
            form.password.errors.append(str(error))
            return render_template("accounts/login.html", form=form), 429
        if learner is None:
            form.password.errors.append("That username and password do not match an account.")
        else:
            login_user(learner)
            flash(f"Signed in as {learner.username}.", "success")
            return redirect(_safe_next(request.args.get("next")))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@login_required
def logout() -> Response:
    """Sign out, here and wherever a copy of this session's cookie may be."""
    accounts.sign_out(get_session(), current_user.id)
    logout_user()
    flash("Signed out.", "info")
    return redirect(url_for("decks.index"))


def _limits() -> accounts.Limits:
    """The sign-in and sign-up limits this app is configured with (behind a proxy, per the address it believes)."""
    config = current_app.config
    return accounts.Limits(account_failures=int(config["LOGIN_MAX_FAILURES"]),
                           address_failures=int(config["LOGIN_ADDRESS_MAX_FAILURES"]),
                           signups_per_hour=int(config["SIGNUPS_PER_HOUR"]),
                           longest_wait=timedelta(minutes=int(config["LOGIN_LOCK_MINUTES"])))


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("decks.index")
