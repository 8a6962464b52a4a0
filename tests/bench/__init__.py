"""Benchmarks, run by `make bench` (`python -m tests.bench`); they measure and never assert time."""
