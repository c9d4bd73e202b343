"""The benchmark runs (on tiny sizes): it is checked to work here, never timed."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT


def test_benchmark_prints_its_table_on_tiny_sizes() -> None:
    result = subprocess.run([sys.executable, "-m", "bench", "--quick", "--db", "sqlite", "--only", "scale,bank,export"],
                            cwd=ROOT, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    table = result.stdout.split("db     | measure")[1]
    for measure in ("/review: 4,000 cards vs 100", "/cards: 4,000 cards vs 100", "export: peak memory", "bank: load + validate",
                    "bank: sync with no change"):
        assert measure in table, measure


def test_the_reference_page_has_the_tutorials_shape(tmp_path) -> None:
    """The page every page is measured against: the user by id, one join of 10 posts, a layout; a POST inserts."""
    import sqlalchemy as sa

    from bench import reference

    reference.prepare(f"sqlite:///{tmp_path / 'reference.sqlite'}")
    app = reference.create_app(f"sqlite:///{tmp_path / 'reference.sqlite'}")
    client = app.test_client()
    client.get("/login")
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'reference.sqlite'}")  # a second engine sees the same rows
    page = client.get("/")
    assert page.status_code == 200 and page.text.count('<article class="post">') == 10 and "reader" in page.text
    assert client.post("/create", data={"title": "New", "body": "b"}).status_code == 302
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM reference_post")) == 11
    engine.dispose()
