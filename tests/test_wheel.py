"""The package as a newcomer installs it: a wheel, built from the checkout, in a new virtual environment."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from studyapp.bank import load
from tests.conftest import DATA, ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """(the wheel, a new virtual environment holding the app's lock and that wheel), outside the checkout."""
    where = tmp_path_factory.mktemp("wheel")
    # An sdist first, then the wheel from the unpacked sdist: what is built is what the sdist carries,
    # never a stale file of the checkout's own build/ folder.
    subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(where / "dist"), str(ROOT)],
                   check=True, capture_output=True)
    wheel = next((where / "dist").glob("studyapp-*.whl"))
    venv = where / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    subprocess.run([*pip, "--no-deps", "-r", str(ROOT / "requirements" / "app.txt")], check=True, capture_output=True)
    subprocess.run([*pip, "--no-deps", str(wheel)], check=True, capture_output=True)
    yield wheel, venv


def test_the_wheel_holds_every_package_migrations_and_the_bank(installed: tuple[Path, Path]) -> None:
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    packages = {path.parent.relative_to(ROOT).as_posix() for path in (ROOT / "studyapp").rglob("__init__.py")}
    assert {f"{package}/__init__.py" for package in packages} <= names
    revisions = {f"studyapp/migrations/versions/{path.name}" for path in (ROOT / "migrations" / "versions").glob("*.py")}
    assert revisions and revisions <= names and "studyapp/migrations/env.py" in names
    bank_files = {f"studyapp/questions/{path.name}" for path in (ROOT / "questions").glob("*.yaml")}
    assert bank_files and bank_files <= names and "studyapp/templates/base.html" in names


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _serve_and_check_health(venv: Path, cwd: Path, env: dict[str, str]) -> dict[str, object]:
    """Start `studyapp serve` from the virtual environment, return /healthz's answer, stop it."""
    port = _free_port()
    server = subprocess.Popen([str(venv / "bin" / "studyapp"), "serve", "--port", str(port)], cwd=cwd, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 60
    try:
        while server.poll() is None and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                    assert answer.status == 200
                    return json.loads(answer.read())
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    pytest.fail(f"studyapp serve did not answer /healthz:\n{output}")


def _clean_env(**extra: str) -> dict[str, str]:
    """This environment without anything that would point the installed app back at the checkout."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("STUDYAPP_", "PYTHON", "VIRTUAL_ENV")) and key not in ("DATABASE_URL", "SECRET_KEY")}
    return {**env, **extra}


def test_the_installed_wheel_serves_its_own_bank(installed: tuple[Path, Path], tmp_path: Path) -> None:
    _, venv = installed
    database = tmp_path / "app.sqlite"
    health = _serve_and_check_health(venv, tmp_path, _clean_env(DATABASE_URL=f"sqlite:///{database}"))
    assert health == {"status": "ok", "database": "ok", "questions": len(load.load_bank(ROOT / "questions").items)}
    assert database.stat().st_size > 0


def test_the_installed_wheel_serves_an_instructors_own_bank(installed: tuple[Path, Path], tmp_path: Path) -> None:
    _, venv = installed
    env = _clean_env(DATABASE_URL=f"sqlite:///{tmp_path / 'app.sqlite'}", STUDYAPP_QUESTIONS_DIR=str(DATA / "bank"))
    health = _serve_and_check_health(venv, tmp_path, env)
    assert health["questions"] == len(load.load_bank(DATA / "bank").items)
