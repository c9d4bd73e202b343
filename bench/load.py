"""Pages under load: gunicorn (2 workers) on loopback, driven by wrk, each page against the bare route."""

from __future__ import annotations

import http.cookiejar
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from werkzeug.security import generate_password_hash

from bench import data
from bench import reference as bench_reference
from studyapp import db
from studyapp.bank.items import Item
from studyapp.models import NEW_CARD_DUE
from studyapp.quizzes import generate

ROOT = Path(__file__).resolve().parent.parent
FINISHED = "benchquiz02999"  # the quiz prepare() leaves answered: its verdict and results pages
LUA_SEQUENCE = """
local threads = {}
function setup(thread)
  thread:set("index", #threads)
  table.insert(threads, thread)
end
function init(args)
  cookie = os.getenv("BENCH_COOKIE")
  prefix = os.getenv("BENCH_BODY_PREFIX")
  paths = {}
  for line in io.lines(args[1]) do table.insert(paths, line) end
  per = math.floor(#paths / tonumber(args[2]))
  counter = tonumber(args[3] or "0")
end
function request()
  local line = paths[index * per + (counter % per) + 1]
  counter = counter + 1
  local path = line:gsub("#.*$", "")
  return wrk.format("POST", path, {["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = cookie},
                    prefix .. (line:match("#(.*)$") or ""))
end
"""


@dataclass(frozen=True)
class Figures:
    """One wrk run."""

    rps: float
    p50_ms: float
    p99_ms: float
    requests: int


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(url: str, progress=print) -> dict:
    """A database with a bank, a learner with 40,000 new cards, and 3,000 stored quizzes."""
    engine = db.make_engine(url)
    data.fill(engine, learners=50, questions=40_000, cards_per_learner=200, logs_per_card=2, progress=None)
    meta = db.Base.metadata.tables
    rater = 51
    with engine.begin() as conn:
        conn.execute(sa.insert(meta["learners"]), [{
            "id": rater, "username": "bench", "password_hash": generate_password_hash("bench password"),
            "is_instructor": False, "created_at": data.NOW, "failed_logins": 0, "cards_synced_to": 1,
            "desired_retention": 0.9, "learning_steps": "1m 10m", "relearning_steps": "10m", "maximum_interval_days": 36500,
            "new_per_day": 20, "reviews_per_day": 200, "day_starts_hour": 4, "timezone": "UTC", "suspend_leeches": False}])
        conn.execute(sa.text(
            "INSERT INTO cards (learner_id, question_id, state, step, due, reps, lapses, is_suspended, is_leech, version) "
            "SELECT :l, id, 1, 0, :due, 0, 0, false, false, 0 FROM questions ORDER BY id"),
            {"l": rater, "due": NEW_CARD_DUE})
        first_card = conn.execute(sa.text("SELECT min(id) FROM cards WHERE learner_id = :l"), {"l": rater}).scalar()
        items = [Item.from_dict(data.item_data(n, "bench")) for n in range(300)]
        rng = random.Random(3)
        quizzes, quiz_items = [], []
        for number in range(3000):
            quizzes.append({"id": number + 1, "token": f"benchquiz{number:05d}", "learner_id": None, "seed": number,
                            "deck_key": None, "category": None, "length": 10, "created_at": data.NOW, "finished_at": None, "score": 0})
            for position, asked in enumerate(generate.build_quiz(items, items, 10, rng, with_order=False)):
                quiz_items.append({"quiz_id": number + 1, "position": position, "question_key": asked.keys[0],
                                   "payload": asked.to_dict(), "response": None, "is_correct": None, "feedback": None,
                                   "answered_at": None})
        quizzes[-1].update(finished_at=data.NOW, score=5)
        for asked in quiz_items[-10:]:
            asked.update(response="1", is_correct=asked["position"] % 2 == 0, feedback="", answered_at=data.NOW)
        conn.execute(sa.insert(meta["quizzes"]), quizzes)
        conn.execute(sa.insert(meta["quiz_items"]), quiz_items)
        if engine.dialect.name == "postgresql":
            conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('quizzes', 'id'), 3000)"))
            conn.execute(sa.text("SELECT setval(pg_get_serial_sequence('learners', 'id'), 51)"))
    with engine.begin() as conn:
        conn.execute(sa.text("ANALYZE"))  # planner statistics, as autovacuum would keep them
    engine.dispose()
    return {"first_card": first_card, "cards": 40_000, "quizzes": 3000}


class Server:
    """gunicorn with 2 sync workers serving a WSGI app on a loopback port (no access log)."""

    def __init__(self, target: str, env: dict[str, str], workdir: Path) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{self.port}", "--log-level", "warning", target],
            cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), **env})
        self.base = f"http://127.0.0.1:{self.port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{self.base}/_bare", timeout=1).read()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not start {target}")

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def reference_cookie(base: str) -> str:
    """The session cookie of the reference app's signed-in user."""
    jar = http.cookiejar.CookieJar()
    urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)).open(f"{base}/login").read()
    return "; ".join(f"{c.name}={c.value}" for c in jar)


def session_for(base: str, username: str | None) -> tuple[str, str]:
    """(Cookie header, CSRF token) of a signed-in learner, or of a visitor."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/auth/login").read().decode()
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    if username:
        body = urllib.parse.urlencode({"csrf_token": token, "username": username, "password": "bench password"}).encode()
        opener.open(f"{base}/auth/login", body).read()
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return cookie, token


def wrk(url: str, seconds: float, env: dict[str, str] | None = None, script: Path | None = None,
        script_args: list[str] | None = None) -> Figures:
    """One wrk run: 2 threads, 16 connections."""
    command = ["wrk", "-t2", "-c16", f"-d{max(seconds, 2):.0f}s", "--latency"]
    if env and "BENCH_COOKIE" in env and script is None:
        command += ["-H", f"Cookie: {env['BENCH_COOKIE']}"]
    if script:
        command += ["-s", str(script), url, "--", *(script_args or [])]
    else:
        command.append(url)
    out = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **(env or {})}, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    return Figures(rps, _latency(out, "50%"), _latency(out, "99%"), requests)


def _latency(out: str, label: str) -> float:
    value, unit = re.search(rf"{re.escape(label)}\s+([\d.]+)(us|ms|s)", out).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


# The pages under load, signed in as the bench learner (a quiz's pages as a visitor): name -> path.
PAGES = {
    "home": "/", "deck list": "/decks", "deck page": "/decks/bench", "review page": "/review", "progress": "/progress",
    "card list": "/cards", "settings": "/settings",
}
VISITOR_PAGES = {"quiz question": "/quiz/benchquiz00000", "quiz verdict": f"/quiz/{FINISHED}?answered=9",
                 "quiz results": f"/quiz/{FINISHED}/results"}


def run(url: str, reference_url: str, seconds: float = 5, rounds: int = 3,
        progress=print) -> list[tuple[str, Figures, Figures]]:
    """Median figures of each page and POST, and of the reference app's page, POST and bare route, in alternation.

    Returns (name, figures, what it is measured against): pages against the reference page, POSTs against
    the reference POST, and the two reference rows against the bare route.
    """
    if shutil.which("wrk") is None:
        raise RuntimeError("wrk is not installed: apt-get install wrk")
    workdir = Path(tempfile.mkdtemp(prefix="studyapp-load-"))
    progress("  preparing data (40,000 questions and cards, 3,000 quizzes)")
    info = prepare(url)
    server = Server("bench.wsgi_bench:app", {"DATABASE_URL": url, "SECRET_KEY": "bench-secret",
                                             "STUDYAPP_QUESTIONS_DIR": str(workdir)}, workdir)
    bench_reference.prepare(reference_url)
    reference = Server("bench.reference:app", {"REFERENCE_DATABASE_URL": reference_url}, workdir)
    try:
        cookie, token = session_for(server.base, "bench")
        visitor_cookie, visitor_token = session_for(server.base, None)
        reader = reference_cookie(reference.base)
        rate_paths = workdir / "rate.txt"
        rate_paths.write_text("\n".join(f"/review/{info['first_card'] + n}/rate" for n in range(info["cards"])) + "\n")
        answer_paths = workdir / "answer.txt"
        answer_paths.write_text("\n".join(f"/quiz/benchquiz{q:05d}/answer#{p}" for p in range(10)
                                          for q in range(info["quizzes"] - 1)) + "\n")
        create_paths = workdir / "create.txt"
        create_paths.write_text("/create#\n" * 64)
        offset = [0]
        script = workdir / "sequence.lua"
        script.write_text(LUA_SEQUENCE)

        def page(path: str, as_cookie: str) -> Callable[[], Figures]:
            return lambda: wrk(f"{server.base}{path}", seconds, {"BENCH_COOKIE": as_cookie})

        scenarios: dict[str, Callable[[], Figures]] = {
            "bare route": lambda: wrk(f"{reference.base}/_bare", seconds),
            "reference page": lambda: wrk(f"{reference.base}/", seconds, {"BENCH_COOKIE": reader}),
            "reference POST": lambda: wrk(reference.base, seconds, {"BENCH_COOKIE": reader, "BENCH_BODY_PREFIX": "title=t&body=b"},
                                          script, [str(create_paths), "2", "0"]),
            **{name: page(path, cookie) for name, path in PAGES.items()},
            **{name: page(path, visitor_cookie) for name, path in VISITOR_PAGES.items()},
            "rate a card (POST)": lambda: wrk(server.base, seconds, {"BENCH_COOKIE": cookie,
                                                                      "BENCH_BODY_PREFIX": f"csrf_token={token}&version=0&rating=3"},
                                              script, [str(rate_paths), "2", str(offset[0])]),
            "answer a question (POST)": lambda: wrk(server.base, seconds, {
                "BENCH_COOKIE": visitor_cookie, "BENCH_BODY_PREFIX": f"csrf_token={visitor_token}&response=1&position="},
                script, [str(answer_paths), "2", str(offset[0])]),
        }
        for warm in (f"{reference.base}/_bare", f"{server.base}/review"):
            wrk(warm, 2, {"BENCH_COOKIE": cookie})
        results: dict[str, list[Figures]] = {name: [] for name in scenarios}
        for round_number in range(rounds):
            offset[0] = round_number * 4000  # every run rates cards and answers questions no run has touched
            for name, scenario in scenarios.items():
                results[name].append(scenario())
                progress(f"\r  round {round_number + 1}/{rounds}: {name:<26}", end="", flush=True)
        progress("")
        engine = db.make_engine(url)
        with engine.connect() as conn:
            recorded = conn.execute(sa.text("SELECT count(*) FROM review_logs WHERE learner_id = 51")).scalar()
            answered = conn.execute(sa.text("SELECT count(*) FROM quiz_items WHERE answered_at IS NOT NULL")).scalar()
        engine.dispose()
        sent_ratings = sum(f.requests for f in results["rate a card (POST)"])
        sent_answers = sum(f.requests for f in results["answer a question (POST)"])
        progress(f"  ratings recorded: {recorded:,} of {sent_ratings:,} sent; answers stored: {answered - 10:,} of "
                 f"{sent_answers:,} sent")
    finally:
        server.stop()
        reference.stop()
    figures = {name: median(runs) for name, runs in results.items()}
    bare, anchor, post = figures.pop("bare route"), figures.pop("reference page"), figures.pop("reference POST")
    return [("reference page", anchor, bare), ("reference POST", post, bare),
            *((name, found, post if "POST" in name else anchor) for name, found in figures.items())]


def median(runs: list[Figures]) -> Figures:
    return Figures(statistics.median(f.rps for f in runs), statistics.median(f.p50_ms for f in runs),
                   statistics.median(f.p99_ms for f in runs), sum(f.requests for f in runs))
