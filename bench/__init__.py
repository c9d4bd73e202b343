"""Benchmarks for studyapp: `python -m bench` prints every figure as a ratio against a baseline of the same run."""
