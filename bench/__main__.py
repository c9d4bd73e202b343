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
TARGETS = {"load_rps": 0.5, "load_p99": 3.0, "scale": 2.0, "bank": 1.5, "lint": 1.0, "sync_s": 0.5, "export_memory": 1.2}


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
                print(f"[{kind}] pages under load: gunicorn -w 2 and wrk -t2 -c16 on loopback")
                figures = load.run(database_url(kind, "load", workdir), seconds=1 if args.quick else 5,
                                   rounds=1 if args.quick else 3)
                for name, page, bare in figures:
                    ratio, p99 = page.rps / bare.rps, page.p99_ms / bare.p99_ms
                    rows.append((kind, f"{name}: req/s vs bare route", f"{page.rps:,.0f} / {bare.rps:,.0f}",
                                 f"{ratio:.2f}", f">= {TARGETS['load_rps']} {verdict(ratio >= TARGETS['load_rps'])}"))
                    rows.append((kind, f"{name}: p50 / p99 ms (bare {bare.p50_ms:.1f} / {bare.p99_ms:.1f})",
                                 f"{page.p50_ms:.1f} / {page.p99_ms:.1f}", f"{p99:.2f}",
                                 f"p99 <= {TARGETS['load_p99']}x {verdict(p99 <= TARGETS['load_p99'])}"))
            if "scale" in parts:
                learners = 50 if args.quick else 10_000
                print(f"[{kind}] scale: {learners:,} learners against a 1,000-card database")
                for page, (large, small) in scale.scale(database_url(kind, "small", workdir),
                                                        database_url(kind, "large", workdir), learners).items():
                    ratio = large / small
                    rows.append((kind, f"{page} with {learners * 100:,} cards / {learners * 500:,} logs vs 1,000 cards (ms)",
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
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if "postgresql" in kinds:
            drop_schemas()
    print_table(rows)


def print_table(rows: list[tuple[str, str, str, str, str]]) -> None:
    header = ("db", "measure", "figures", "ratio", "target")
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(5)]
    line = " | ".join(h.ljust(w) for h, w in zip(header, widths, strict=True))
    print("\n" + line + "\n" + "-+-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))


if __name__ == "__main__":
    main()
