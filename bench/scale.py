"""Scale, bank and export figures, measured in-process."""

from __future__ import annotations

import gc
import io
import statistics
import tempfile
import time
import tracemalloc
from pathlib import Path

import yaml

from bench import data
from studyapp import create_app, db
from studyapp.anki import formats
from studyapp.anki import service as anki
from studyapp.bank import lint, load, sync

try:
    from yaml import CSafeLoader as Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as Loader  # type: ignore[assignment]


def timed(action, repeat: int = 5) -> float:
    """Median seconds of `repeat` runs."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def app_for(url: str, questions_dir: str | None = None):
    return create_app({"TESTING": True, "SECRET_KEY": "bench", "DATABASE_URL": url, "WTF_CSRF_ENABLED": False,
                       "QUESTIONS_DIR": questions_dir or "questions", "SOURCE_TEXT": ""})


# The pages whose cost could grow with a learner's cards (a quiz's pages read the quiz, not the cards).
PAGES = ("/", "/decks", "/decks/bench", "/review", "/progress", "/cards", "/settings")


def page_times(url: str, groups: dict[str, list[int]], repeat: int, rounds: int = 3) -> dict[str, dict[str, float]]:
    """Per group of learners, the median seconds to serve each page to them: the groups in alternation, page by
    page, `rounds` times (so that a slow moment of the machine falls on every group alike)."""
    app = app_for(url)
    client = app.test_client()
    samples: dict[str, dict[str, list[float]]] = {group: {page: [] for page in PAGES} for group in groups}
    for page in PAGES:
        for _ in range(rounds):
            for group, learners in groups.items():
                for learner in learners:
                    with client.session_transaction() as session:
                        session["_user_id"] = f"{learner}.0"  # Learner.get_id(): the id and the session epoch
                        session["_fresh"] = True
                    for _ in range(3):  # warm: the learner's rows in SQLite's cache, the statements prepared
                        warm = client.get(page)
                    if warm.status_code != 200:  # a signed-out redirect would time nothing real
                        raise RuntimeError(f"{page} for learner {learner} answered {warm.status_code}, not 200")
                    samples[group][page].append(timed(lambda: client.get(page), repeat))
    db.engine_of(app).dispose()
    return {group: {page: statistics.median(found) for page, found in pages.items()} for group, pages in samples.items()}


def scale(url: str, learners: int, heavy: int, progress=print, repeat: int = 15) -> dict[str, tuple[float, float]]:
    """Each page for a learner with `heavy` cards against ones with 100, in one database of `learners` more."""
    progress(f"  database: {learners:,} learners of 100 cards ({learners * 100:,} cards, about {learners * 500:,} review logs) "
             f"and one of {heavy:,} cards")
    data.fill(db.make_engine(url), learners=learners, questions=max(heavy, 10_000), cards_per_learner=100, logs_per_card=-1,
              progress=progress, heavy=heavy)
    times = page_times(url, {"large": [learners + 1], "small": [1, learners // 2, learners]}, repeat)
    return {page: (times["large"][page], times["small"][page]) for page in PAGES}


def bank_figures(questions: int, url: str, progress=print) -> dict[str, float]:
    """Loading and validating a generated bank against PyYAML's C loader alone; a sync with no change."""
    folder = data.write_bank(Path(tempfile.mkdtemp(prefix="studyapp-bank-")), questions)
    texts = [p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.yaml"))]
    parse = timed(lambda: [yaml.load(t, Loader=Loader) for t in texts], 3)
    loading = timed(lambda: load.load_bank(folder, "Society for Rallying Comrades"), 3)
    loaded = load.load_bank(folder)
    check = timed(lambda: lint.warnings_for(loaded), 3)  # what `questions check` adds: distractors for every question
    app = app_for(url, str(folder))
    with app.app_context():
        engine = db.engine_of(app)
        db.Base.metadata.drop_all(engine)
        db.Base.metadata.create_all(engine)
        session = db.get_session()
        sync.sync_bank(session, loaded, data.NOW)
        nochange = timed(lambda: sync.sync_bank(session, load.load_bank(folder), data.NOW), 3)
        sync_only = timed(lambda: sync.sync_bank(session, loaded, data.NOW), 3)
    engine.dispose()
    return {"parse": parse, "load": loading, "lint": check, "sync_nochange": nochange, "sync_only": sync_only}


def export_figures(url_small: str, url_large: str, small: int, large: int, progress=print) -> dict[str, float]:
    """Anki CSV export: cards per second at `large`, and peak memory at `small` and `large` questions."""
    results = {}
    for label, url, count in (("small", url_small, small), ("large", url_large, large)):
        data.fill(db.make_engine(url), learners=0, questions=count, cards_per_learner=0, logs_per_card=0, progress=None)
        app = app_for(url)
        with app.app_context():
            session = db.get_session()
            sink = io.StringIO()

            def export() -> int:
                sink.seek(0)
                sink.truncate()
                written = 0
                for chunk in formats.iter_csv(anki.notes_for_export(session, anki.ExportFilter())):
                    written += len(chunk)  # a network socket would take the chunk; keep nothing
                return written

            export()
            seconds = timed(export, 3)
            gc.collect()
            tracemalloc.start()
            export()
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
        db.engine_of(app).dispose()
        results[f"{label}_peak_mb"] = peak / 2**20
        results[f"{label}_cards_per_s"] = count / seconds
    return results
