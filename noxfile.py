"""Sessions: tests, lint, and the benchmark (not part of CI)."""

import nox

nox.options.sessions = ["tests", "lint"]


@nox.session
def tests(session):
    session.install("-e", ".[test]")
    session.run("pytest", "-q", *session.posargs)


@nox.session
def lint(session):
    session.install("ruff")
    session.run("ruff", "check", "gazetteer", "geo", "maps", "tests", "benchmarks", "noxfile.py")


@nox.session
def bench(session):
    session.install("-e", ".[test]")
    session.run("python", "benchmarks/build.py")
    # A GeoNames-scale gazetteer: 1M names (GAZETTEER_BENCH_NAMES=100000 for a quick run).
    session.run("python", "benchmarks/gazetteer.py")
    # Maps and feeds at 10,000 sites x 365 days (drives the system Chromium).
    session.run("python", "benchmarks/maps.py", *session.posargs)
