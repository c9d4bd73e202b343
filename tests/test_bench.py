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
    for measure in ("/review with", "/progress with", "export: peak memory", "bank: load + validate", "bank: sync with no change"):
        assert measure in table, measure
