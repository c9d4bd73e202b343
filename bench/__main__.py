"""`python -m bench`: build data, measure on loopback, print every figure as a ratio against a baseline.

Options: --db sqlite,postgresql (default both), --only load,scale,bank,export (default all),
--quick (tiny sizes and short runs, to check that the benchmark works).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import tempfile
from pathlib import Path

import sqlalchemy as sa

from bench import load, scale

PG_SERVER = os.environ.get("STUDYAPP_BENCH_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
TARGETS = {"load_rps": 0.75, "post_rps": 0.6, "load_p99": 1.5, "scale": 1.5, "bank": 1.5, "lint": 1.0, "sync_s": 0.5, "export_memory": 1.2}


def database_url(kind: str, name: str, workdir: Path) -> str:
    """A fresh, empty database of this kind for one measurement."""
    if kind == "sqlite":
        return f"sqlite:///{workdir / (name + '.sqlite')}"
    schema = f"studyapp_bench_{name}"
    engine = sa.create_engine(PG_SERVER)
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    return f"{PG_SERVER}?options=-csearch_path%3D{schema}"


def drop_schemas() -> None:
    engine = sa.create_engine(PG_SERVER)
    with engine.begin() as conn:
        for (schema,) in conn.execute(sa.text("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'studyapp_bench_%'")):
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--db", default="sqlite,postgresql")
    parser.add_argument("--only", default="load,scale,bank,export")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    kinds, parts = args.db.split(","), args.only.split(",")
    workdir = Path(tempfile.mkdtemp(prefix="studyapp-bench-"))
    rows: list[tuple[str, str, str, str, str]] = []
    print(f"studyapp benchmark on {platform.node()}: {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{'quick' if args.quick else 'full'} sizes")
    try:
        for kind in kinds:
            if "load" in parts:
                print(f"[{kind}] pages under load: gunicorn -w 2 and wrk -t2 -c16 on loopback, against the reference app")
                figures = load.run(database_url(kind, "load", workdir), database_url(kind, "reference", workdir),
                                   seconds=1 if args.quick else 5, rounds=1 if args.quick else 3)
                for name, found, anchor in figures:
                    rows.extend(load_rows(kind, name, found, anchor))
            if "scale" in parts:
                learners, heavy = (50, 4_000) if args.quick else (10_000, 40_000)
                print(f"[{kind}] scale: a learner with {heavy:,} cards against learners with 100")
                for page, (large, small) in scale.scale(database_url(kind, "scale", workdir), learners, heavy).items():
                    ratio = large / small
                    rows.append((kind, f"{page}: {heavy:,} cards vs 100, of {learners * 100 + heavy:,} cards (ms)",
                                 f"{large * 1000:.1f} / {small * 1000:.1f}", f"{ratio:.2f}",
                                 f"<= {TARGETS['scale']} {verdict(ratio <= TARGETS['scale'])}"))
            if "export" in parts:
                small, large = (1_000, 10_000) if args.quick else (10_000, 100_000)
                print(f"[{kind}] Anki export of {small:,} and {large:,} cards")
                figures = scale.export_figures(database_url(kind, "export_small", workdir),
                                               database_url(kind, "export_large", workdir), small, large)
                ratio = figures["large_peak_mb"] / figures["small_peak_mb"]
                rows.append((kind, f"export: peak memory {large:,} vs {small:,} cards (MB)",
                             f"{figures['large_peak_mb']:.1f} / {figures['small_peak_mb']:.1f}", f"{ratio:.2f}",
                             f"<= {TARGETS['export_memory']} {verdict(ratio <= TARGETS['export_memory'])}"))
                rows.append((kind, f"export: cards per second ({large:,} cards)", f"{figures['large_cards_per_s']:,.0f}", "", ""))
            if "bank" in parts:
                questions = 1_000 if args.quick else 10_000
                print(f"[{kind}] bank of {questions:,} questions")
                figures = scale.bank_figures(questions, database_url(kind, "bank", workdir))
                ratio = figures["load"] / figures["parse"]
                rows.append((kind, "bank: load + validate vs PyYAML C loader alone (s)",
                             f"{figures['load']:.2f} / {figures['parse']:.2f}", f"{ratio:.2f}",
                             f"<= {TARGETS['bank']} {verdict(ratio <= TARGETS['bank'])}"))
                ratio = figures["lint"] / figures["load"]
                rows.append((kind, "bank: lint (distractors for every question) vs load + validate (s)",
                             f"{figures['lint']:.2f} / {figures['load']:.2f}", f"{ratio:.2f}",
                             f"<= {TARGETS['lint']} {verdict(ratio <= TARGETS['lint'])}"))
                rows.append((kind, "bank: sync with no change, files read again (s)", f"{figures['sync_nochange']:.2f}",
                             "", f"< {TARGETS['sync_s']}s {verdict(figures['sync_nochange'] < TARGETS['sync_s'])}"))
                rows.append((kind, "bank: sync with no change, database part only (s)", f"{figures['sync_only']:.2f}", "", ""))
    finally:  # what was measured is printed even when a later part fails
        shutil.rmtree(workdir, ignore_errors=True)
        if "postgresql" in kinds:
            drop_schemas()
        print_table(rows)


def load_rows(kind: str, name: str, found: load.Figures, anchor: load.Figures) -> list[tuple[str, str, str, str, str]]:
    """A page's (or POST's) req/s and p99 rows against what it is measured by (the reference's against the bare route)."""
    ratio, p99 = found.rps / anchor.rps, found.p99_ms / anchor.p99_ms
    if name.startswith("reference"):
        return [(kind, f"{name}: req/s vs bare route ({anchor.rps:,.0f}/s, p99 {anchor.p99_ms:.1f} ms)",
                 f"{found.rps:,.0f} / {anchor.rps:,.0f}", f"{ratio:.2f}", f"p99 {found.p99_ms:.1f} ms")]
    target = TARGETS["post_rps"] if "POST" in name else TARGETS["load_rps"]
    against = "reference POST" if "POST" in name else "reference page"
    return [(kind, f"{name}: req/s vs {against}", f"{found.rps:,.0f} / {anchor.rps:,.0f}", f"{ratio:.2f}",
             f">= {target} {verdict(ratio >= target)}"),
            (kind, f"{name}: p99 ms vs {against}", f"{found.p99_ms:.1f} / {anchor.p99_ms:.1f}", f"{p99:.2f}",
             f"<= {TARGETS['load_p99']} {verdict(p99 <= TARGETS['load_p99'])}")]


def print_table(rows: list[tuple[str, str, str, str, str]]) -> None:
    header = ("db", "measure", "figures", "ratio", "target")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(5)]
    line = " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    print("\n" + line + "\n" + "-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
