"""Benchmarks of the connector against the Symbl sandbox: `python -m bench [--quick]` writes docs/benchmarks.md.

Not part of the test run. See bench/README.md."""
