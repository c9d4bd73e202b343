"""Configuration: defaults, then instance/config.py, then the environment (or a test dict)."""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def shipped(name: str) -> Path:
    """A folder the wheel carries inside the package (migrations, questions); in a checkout, at its top."""
    inside = Path(__file__).resolve().parent / name
    return inside if inside.is_dir() else PROJECT_ROOT / name


def defaults(app: Flask) -> dict[str, object]:
    """Settings that hold until something overrides them."""
    source = PROJECT_ROOT.parent / "shared" / "source" / "society-for-rallying-comrades.txt"
    return {
        "DATABASE_URL": f"sqlite:///{Path(app.instance_path) / 'studyapp.sqlite'}",
        "QUESTIONS_DIR": str(shipped("questions")),
        "SOURCE_TEXT": str(source) if source.exists() else "",
        "SOURCE_FOOTER_LINES": 3,  # the shipped text ends with its web page's footer: not part of the article
        "QUIZ_DEFAULT_LENGTH": 10,
        "QUIZ_MAX_LENGTH": 50,
        "FSRS_FUZZ": True,
        "BANK_AUTO_SYNC": False,
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,  # the largest body: a learner's data import
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,  # set STUDYAPP_SESSION_COOKIE_SECURE=true behind HTTPS
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "LOGIN_MAX_FAILURES": 5,  # free wrong passwords for an account from one address; then growing waits
        "LOGIN_ADDRESS_MAX_FAILURES": 20,  # free wrong passwords from one address across accounts
        "LOGIN_LOCK_MINUTES": 15,  # the longest wait
        "SIGNUPS_PER_HOUR": 10,  # new accounts from one address
        "WTF_CSRF_ENABLED": True,
        # Tokens live as long as the session they are bound to: a review tab left open over lunch still posts.
        "WTF_CSRF_TIME_LIMIT": None,
        # Reverse proxies in front of the app whose X-Forwarded-For/Proto/Host/Port headers are to be believed.
        "TRUSTED_PROXIES": 0,
    }


def load(app: Flask, test_config: dict[str, object] | None) -> None:
    """Fill app.config in order; a test_config skips the file and the environment."""
    app.config.from_mapping(defaults(app))
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        if "DATABASE_URL" in os.environ:
            app.config["DATABASE_URL"] = os.environ["DATABASE_URL"]
        if "SECRET_KEY" in os.environ:
            app.config["SECRET_KEY"] = os.environ["SECRET_KEY"]
        typed = {key: value for key, value in app.config.items() if isinstance(value, (bool, int))}
        app.config.from_prefixed_env("STUDYAPP")
        app.config.update(typed_env(os.environ, typed))
    else:
        app.config.from_mapping(test_config)
    app.config["DATABASE_URL"] = clean_database_url(str(app.config["DATABASE_URL"]))
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = instance_secret(Path(app.instance_path))
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]


class ConfigError(ValueError):
    """A setting that cannot be used; the message names the variable and what it accepts."""


TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")


def typed_env(environ: Mapping[str, str], typed: Mapping[str, object], prefix: str = "STUDYAPP_") -> dict[str, object]:
    """The STUDYAPP_* variables of boolean and integer settings (typed: their defaults), parsed strictly.

    Flask's from_prefixed_env reads JSON, so "False" stayed a (true) string and "1" an int; raises ConfigError.
    """
    parsed: dict[str, object] = {}
    for name, raw in environ.items():
        key = name[len(prefix):]
        if not name.startswith(prefix) or key not in typed:
            continue
        if isinstance(typed[key], bool):
            parsed[key] = parse_bool(name, raw)
        else:
            parsed[key] = parse_int(name, raw)
    return parsed


def parse_bool(name: str, raw: str) -> bool:
    """1/true/yes/on or 0/false/no/off, in any case; raises ConfigError naming the variable."""
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean: use one of {'/'.join(TRUE_WORDS)} or {'/'.join(FALSE_WORDS)}.")


def parse_int(name: str, raw: str) -> int:
    """A whole number in decimal; raises ConfigError naming the variable."""
    if re.fullmatch(r"[+-]?[0-9]+", raw.strip()) is None:
        raise ConfigError(f"{name}={raw!r} is not a whole number.")
    return int(raw)


def clean_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever the URL's spelling (postgres://, postgresql://)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def instance_secret(instance: Path) -> str:
    """The secret kept in the instance folder, made on first use (readable by the owner only)."""
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key
