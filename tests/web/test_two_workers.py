"""Two gunicorn workers each hold the bank in memory: a sync by the CLI is seen by both on their next request."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from flask import Flask

from tests.conftest import DATA, ROOT

REQUESTS = 40


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(app: Flask, database_url: str, tmp_path: Path) -> Iterator[tuple[str, dict[str, str], Path]]:
    """gunicorn -w 2 on the app's database (the test bank synced); its address, environment and access log."""
    questions = tmp_path / "questions"
    shutil.copytree(DATA / "bank", questions)
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "two-workers", "STUDYAPP_QUESTIONS_DIR": str(questions),
           "STUDYAPP_SOURCE_TEXT": ""}
    port, log = _free_port(), tmp_path / "access.log"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "--access-logfile", str(log),
         "--access-logformat", "%(p)s %(U)s", "wsgi:app"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while len(_workers_of(log, "/healthz")) < 2:  # both booted (each imports the app on its own)
            assert time.monotonic() < deadline, "gunicorn's two workers did not both answer"
            try:
                _pages(base, "/healthz", 8)
            except OSError:
                time.sleep(0.2)
        yield base, env, log
    finally:
        server.terminate()
        server.wait(timeout=30)


def _pages(base: str, path: str, count: int = REQUESTS) -> list[str]:
    """A page, asked by 8 clients at once (one at a time, one idle worker could take them all)."""
    with ThreadPoolExecutor(8) as clients:
        return list(clients.map(lambda _: urllib.request.urlopen(f"{base}{path}", timeout=10).read().decode(), range(count)))


def _workers_of(log: Path, path: str) -> set[str]:
    lines = log.read_text().splitlines() if log.exists() else []
    return {line.split()[0] for line in lines if line.split()[1:] == [path]}


def test_a_cli_sync_is_seen_by_every_worker(served: tuple[str, dict[str, str], Path]) -> None:
    base, env, log = served
    assert all("<h2" in page and "Founding" in page and "Founded anew" not in page for page in _pages(base, "/decks"))
    assert len(_workers_of(log, "/decks")) == 2, "both workers hold the bank before the sync"
    bank_file = Path(env["STUDYAPP_QUESTIONS_DIR"]) / "founding.yaml"
    bank_file.write_text(bank_file.read_text(encoding="utf-8").replace("title: Founding", "title: Founded anew"), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "studyapp", "questions", "sync"], cwd=ROOT, env=env,
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert all("Founded anew" in page for page in _pages(base, "/decks"))
