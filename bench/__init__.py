"""Benchmarks: each prints its figure as a ratio against a reference measured in the same run."""
