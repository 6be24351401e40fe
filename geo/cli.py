"""The ``conflictmap`` command."""

from __future__ import annotations

import os
import signal
import sys
from types import TracebackType
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:  # only for annotations: the command imports the gazetteer when it needs it
    from conflictmap.gazetteer import Gazetteer


class _Terminated(BaseException):
    """SIGTERM, raised where the program is, so that its clean-ups (temporary folders) run."""


def _on_sigterm(signum: int, frame: object) -> NoReturn:
    raise _Terminated


def _stop_line(kind: type[BaseException]) -> tuple[str, int]:
    # What an interrupted run says and its status: 128 + the signal's number, as shells do.
    if issubclass(kind, _Terminated):
        return "conflictmap: terminated", 128 + signal.SIGTERM
    return "conflictmap: interrupted", 128 + signal.SIGINT


_previous_excepthook = sys.excepthook


def _excepthook(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
    # Ctrl-C or SIGTERM before main() runs, while the modules load: one line, no traceback.
    if not issubclass(kind, (KeyboardInterrupt, _Terminated)):
        _previous_excepthook(kind, value, tb)
        return
    line, status = _stop_line(kind)
    try:
        print(line, file=sys.stderr, flush=True)
    finally:
        os._exit(status)


def _as_program() -> bool:
    # Run as `conflictmap` or `python -m conflictmap`, not imported by another program.
    parts = os.path.normpath(sys.argv[0] if sys.argv else "").split(os.sep)
    return parts[-1] == "conflictmap" or parts[-2:] == ["conflictmap", "__main__.py"]


if _as_program():
    sys.excepthook = _excepthook
    signal.signal(signal.SIGTERM, _on_sigterm)

import argparse  # noqa: E402 - after the guard above, so that Ctrl-C while loading is one line
import datetime as dt  # noqa: E402
import difflib  # noqa: E402
import re  # noqa: E402
import time  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from pathlib import Path  # noqa: E402

from conflictmap.gazetteer.formats import describe as describe_gazetteers  # noqa: E402
from conflictmap.maps.formats import DEFAULT_FORMATS  # noqa: E402
from conflictmap.maps.formats import describe as describe_outputs  # noqa: E402

from .errors import InputError  # noqa: E402

__all__ = ["main", "one_line"]


def _date_option(value: str) -> tuple[str, dt.date]:
    path, sep, day = value.rpartition("=")
    if not sep or not path:
        raise argparse.ArgumentTypeError(f"expected PATH=YYYY-MM-DD, got {value!r}")
    return path, _day_option(day)


def _day_option(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _jobs_option(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of processes, got {value!r}") from None
    if not 1 <= jobs <= 1024:
        raise argparse.ArgumentTypeError(f"expected 1 to 1024 processes, got {jobs}")
    return jobs


def _tiles_option(value: str) -> str:
    from conflictmap.maps.html import tile_source

    try:
        tile_source(value)  # what the page's policy would let in: refused here, before any reading
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return value


def one_line(message: str) -> str:
    r"""Return ``message`` with line breaks and other control characters escaped.

    A file name or a value from a user's file may hold them; an error stays one line.

    >>> one_line("a\nb.txt: bad\x00")
    'a\\nb.txt: bad\\x00'
    """
    return "".join(ch if ch.isprintable() or ch == " " else repr(ch)[1:-1] for ch in message)


def _demo_title() -> str:
    from importlib import resources

    import yaml

    data = resources.files("conflictmap.geo").joinpath("data/raqqa/theatre.yaml").read_text("utf-8")
    return str(yaml.safe_load(data)["title"])


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line: the command, the problem, where help is."""

    def error(self, message: str) -> NoReturn:
        options = [o for a in self._actions for o in a.option_strings if o.startswith("--")]
        typos = re.findall(r"(?<![\w-])(--?[\w-]+)", message) if "unrecognized" in message else []
        near = [m for t in typos for m in difflib.get_close_matches(t.split("=")[0], options, n=1)]
        hint = f" (did you mean {near[0]}?)" if near else ""
        self.exit(2, f"{self.prog}: error: {one_line(message)}{hint}; see '{self.prog} --help'\n")


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("conflictmap")
    except metadata.PackageNotFoundError:  # run from a source tree that is not installed
        return "unknown"


def _parser() -> _Parser:
    parser = _Parser(
        prog="conflictmap",
        description="Day-by-day control maps of urban battles from news reports.",
    )
    parser.add_argument("--version", action="version", version=f"conflictmap {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--out", default=None, metavar="DIR",
                       help="output folder (default: ./out, or a project's own out/); only the "
                            "files a build writes are replaced")
        p.add_argument("--tiles", metavar="URL", default=None, type=_tiles_option,
                       help="basemap tile URL template; by default the page loads no tiles "
                            "and works offline")
        p.add_argument("--format", metavar="LIST", default=None,
                       help=f"what to write, comma-separated, or 'all': {describe_outputs()} "
                            f"(default: {','.join(DEFAULT_FORMATS)})")
        p.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
        # The default is geo.timeline.MAX_DAYS, not imported here: it would load the reader.
        p.add_argument("--max-days", type=int, default=None, metavar="N",
                       help="the most days the reports' dates may span (default: 1096, three "
                            "years); a report dated further out is refused before any reading")
        p.add_argument("--from", dest="start", type=_day_option, default=None, metavar="YYYY-MM-DD",
                       help="the first day mapped (default: the reports' first, or a day their "
                            "claims speak of just before it)")
        p.add_argument("--until", dest="end", type=_day_option, default=None, metavar="YYYY-MM-DD",
                       help="the last day mapped (default: the last report's); each site's state "
                            "carries on to it, and claims of later days do not move the map "
                            "(claims.csv still lists them)")
        p.add_argument("--jobs", "-j", type=_jobs_option, default=None, metavar="N",
                       help="processes reading the reports (default: every core, for builds "
                            "large enough to gain from them); the outputs do not depend on it")
        p.add_argument("--engine", choices=("local", "dask"), default="local",
                       help="where the reports are read: this machine (default) or a "
                            "dask.distributed cluster (pip install 'conflictmap[dask]')")
        p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                       help="with --engine dask: the scheduler to use (tcp://host:8786); "
                            "default: a local cluster of --jobs workers")

    b = sub.add_parser(
        "build", help="read articles and write the map and feeds",
        description="Read news articles, find the sites they name, work out who held each "
                    "site on each day, and write the formats --format asks for (by default "
                    "index.html, control.geojson, control.geojsonl, days/YYYY-MM-DD.geojson, "
                    "conflictmap.gpkg, claims.csv, events.csv and mentions.csv).",
    )
    b.add_argument("articles", nargs="*", metavar="ARTICLE",
                   help="article text files, or folders of .txt files")
    b.add_argument("--gazetteer", action="append", default=[], metavar="PATH",
                   help="gazetteer file (repeatable; later files override earlier ids; "
                        f"default: the bundled demo theatre's gazetteer): {describe_gazetteers()}")
    b.add_argument("--actors", metavar="PATH", help="actors YAML (default: the demo theatre's actors)")
    b.add_argument("--date", action="append", default=[], type=_date_option,
                   metavar="PATH=YYYY-MM-DD",
                   help="publication date of an article without a date line (repeatable)")
    common(b)
    title = _demo_title()
    d = sub.add_parser(
        "demo", help=f"build the bundled demo theatre ({title})",
        description=f"Build the map of {title} from the dispatches bundled with "
                    "conflictmap.",
    )
    common(d)
    from .cli_project import add_parsers

    add_parsers(sub, _date_option)
    e = sub.add_parser(
        "eval", help="score the reading of articles against gold annotations or a truth table",
        description="Read articles and print toponym and claim precision/recall/F1, "
                    "not-claim violations and per-day control-cell accuracy against a gold "
                    "YAML file or a truth table (site,date,accept CSV), with every miss and the "
                    "evidence behind the wrong state. With --corpus DIR, score every battle "
                    "folder of DIR (truth.csv, articles/, gazetteer.geojson, actors.yaml) and "
                    "the whole corpus. Exit 0 whatever the score.",
    )
    e.add_argument("gold", metavar="GOLD", nargs="?",
                   help="gold annotations (YAML) or a truth table (CSV)")
    e.add_argument("--corpus", metavar="DIR",
                   help="a folder of battle folders, each with truth.csv, articles/, "
                        "gazetteer.geojson and actors.yaml")
    e.add_argument("--battle", action="append", default=[], metavar="NAME",
                   help="with --corpus: only this battle folder (repeatable)")
    e.add_argument("--articles", nargs="+", action="extend", default=[], metavar="PATH",
                   help="article text files, or folders of .txt files")
    e.add_argument("--gazetteer", nargs="+", action="extend", default=[], metavar="PATH",
                   help="gazetteer file (default: the bundled demo theatre's gazetteer)")
    e.add_argument("--actors", metavar="PATH", help="actors YAML (default: the demo theatre's actors)")
    e.add_argument("--date", nargs="+", action="extend", default=[], type=_date_option,
                   metavar="PATH=YYYY-MM-DD",
                   help="publication date of an article (overrides the gold's 'dates')")
    e.add_argument("--json", action="store_true", help="print the report as JSON")
    _gazetteer_commands(sub)
    return parser


def _gazetteer_options(p: argparse.ArgumentParser, paths_required: bool = False) -> None:
    if paths_required:
        p.add_argument("paths", nargs="+", metavar="PATH",
                       help=f"gazetteer files: {describe_gazetteers()}")
    else:
        p.add_argument("--gazetteer", action="append", default=[], metavar="PATH", dest="paths",
                       help="gazetteer file (repeatable; default: the bundled demo theatre's "
                            f"gazetteer): {describe_gazetteers()}")
    p.add_argument("--countries", metavar="CC,...", type=_codes,
                   help="GeoNames dumps: keep these ISO country codes only (e.g. SY,IQ)")
    p.add_argument("--feature-classes", metavar="X,...", type=_codes,
                   help="GeoNames dumps: keep these feature classes only (e.g. P,S)")
    p.add_argument("--no-world", dest="world", action="store_false",
                   help="leave out the bundled world layer of countries and large cities")


def _codes(value: str) -> list[str]:
    codes = [c.strip().upper() for c in value.split(",") if c.strip()]
    if not codes:
        raise argparse.ArgumentTypeError(f"expected a comma-separated list, got {value!r}")
    return codes


def _gazetteer_commands(sub: argparse._SubParsersAction[_Parser]) -> None:
    g = sub.add_parser(
        "geocode", help="look a place name up in the gazetteer",
        description="Print the places a name may stand for, best first, with their id, kind, "
                    "longitude/latitude, score and the reason for the rank. Offline.",
    )
    g.add_argument("query", metavar="NAME", help="a place name in any spelling")
    g.add_argument("--near", metavar="PLACE", help="rank places inside this place first (id or name)")
    g.add_argument("--limit", type=int, default=10, help="most candidates to print (default 10)")
    g.add_argument("--json", action="store_true", help="print JSON instead of a table")
    _gazetteer_options(g)
    z = sub.add_parser("gazetteer", help="check or describe gazetteer files",
                       description="Check gazetteer files, or print what they hold.")
    zsub = z.add_subparsers(dest="action", required=True, metavar="ACTION")
    c = zsub.add_parser(
        "check", help="list every problem; exit 2 if there is an error",
        description="Check gazetteer files: missing names or ids, duplicate ids, unknown "
                    "parents, parent cycles, coordinates out of range or swapped, empty or "
                    "invalid geometry (errors); places far from their parent and names shared "
                    "by two places of one kind in one city (warnings).",
    )
    _gazetteer_options(c, paths_required=True)
    s = zsub.add_parser("stats", help="count places, names, kinds and layers",
                        description="Print counts of places, names, kinds, layers and sites.")
    _gazetteer_options(s, paths_required=True)
    s.add_argument("--json", action="store_true", help="print JSON")


def _load_gazetteer(args: argparse.Namespace) -> Gazetteer:
    from conflictmap.gazetteer import Gazetteer

    return Gazetteer.from_files(args.paths, world=args.world, countries=args.countries,
                                feature_classes=args.feature_classes)


def _geocode(args: argparse.Namespace) -> int:
    import json

    gaz = _load_gazetteer(args)
    cands = gaz.candidates(args.query, near=args.near, limit=args.limit)
    rows = [{"name": c.place.name, "id": c.place.id, "kind": c.place.kind,
             "lon": None if c.place.lon is None else round(c.place.lon, 6),
             "lat": None if c.place.lat is None else round(c.place.lat, 6),
             "score": c.score, "why": c.why} for c in cands]
    if args.json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    elif not rows:
        print(f"no place found for {args.query!r}")
    else:
        print(_table(rows, ["name", "id", "kind", "lon", "lat", "score", "why"]))
    return 0 if rows else 1


def _table(rows: list[dict[str, Any]], cols: list[str]) -> str:
    cells = [[("" if r[c] is None else str(r[c])) for c in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)).rstrip()]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    return "\n".join(lines)


def _gazetteer(args: argparse.Namespace) -> int:
    import json

    from conflictmap.gazetteer import check_files

    if args.action == "check":
        problems = check_files(args.paths, world=args.world, countries=args.countries,
                               feature_classes=args.feature_classes)
        for p in problems:
            print(f"{p.level}: {p}")
        errors = sum(p.level == "error" for p in problems)
        print(f"{len(args.paths)} file(s): {errors} error(s), {len(problems) - errors} warning(s)",
              file=sys.stderr)
        return 2 if errors else 0
    stats = _load_gazetteer(args).stats()
    if args.json:
        print(json.dumps(stats, indent=2, ensure_ascii=False))
    else:
        for key, value in stats.items():
            if isinstance(value, dict):
                value = ", ".join(f"{k} {v}" for k, v in value.items())
            elif isinstance(value, list):
                value = ", ".join(value)
            print(f"{key}: {value}")
    return 0


def _eval(args: argparse.Namespace) -> int:
    import json

    from .errors import InputError
    from .evaluate import evaluate, evaluate_corpus, format_corpus, format_report

    if args.corpus:
        # A corpus brings each battle's articles, gazetteer and actors: nothing else applies.
        mixed = [flag for flag, given in (("GOLD", args.gold), ("--articles", args.articles),
                                          ("--gazetteer", args.gazetteer), ("--actors", args.actors),
                                          ("--date", args.date)) if given]
        if mixed:
            raise InputError("eval", f"--corpus takes no {', '.join(mixed)}: each battle folder has its own")
        reports = evaluate_corpus(args.corpus, args.battle or None)
        if args.json:
            print(json.dumps({name: r.as_dict() for name, r in reports.items()}, indent=2,
                             ensure_ascii=False))
        else:
            print(format_corpus(reports), end="")
        return 0
    if args.battle:
        raise InputError("eval", "--battle needs --corpus DIR")
    if not args.gold or not args.articles:
        raise InputError("eval", "give GOLD and --articles, or --corpus DIR")
    report = evaluate(args.gold, args.articles, gazetteer=args.gazetteer, actors=args.actors,
                      dates=dict(args.date))
    if args.json:
        print(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        print(format_report(report), end="")
    return 0


def _project_build(args: argparse.Namespace) -> bool:
    """Whether ``build`` names one project folder (and no files of its own)."""
    # The settings file, not the project module: a plain build should not load the store.
    if args.command != "build" or len(args.articles) != 1:
        return False
    try:
        if not (Path(args.articles[0]) / "conflictmap.toml").is_file():
            return False
    except OSError:  # a folder we may not look into: the build says why, naming what it reads
        return False
    if args.gazetteer or args.actors or args.date:
        raise InputError(args.articles[0], "a project has its own gazetteer, actors and dates: "
                                           "give only the folder")
    return True


def _run(args: argparse.Namespace) -> int:
    from .pipeline import build, bundled_theatre

    if args.command == "eval":
        return _eval(args)
    if args.command == "geocode":
        return _geocode(args)
    if args.command == "gazetteer":
        return _gazetteer(args)
    from .cli_project import COMMANDS, run

    if args.command in COMMANDS:
        return run(args)
    t0 = time.perf_counter()
    if _project_build(args):
        from . import project as pj

        proj = pj.Project.open(args.articles[0])
        built = pj.build(proj, args.out, formats=args.format, jobs=args.jobs, engine=args.engine,
                         scheduler=args.scheduler, max_days=args.max_days, tiles=args.tiles,
                         start=args.start, end=args.end)
        reading = built.reading
        args.out = str(args.out or proj.out)
        for w in built.warnings:
            print(f"conflictmap: warning: {w}", file=sys.stderr)
        if not args.quiet:
            worked, mapped = built.site_days
            sites = len(reading.timeline.sites)
            timeline = (f"all {sites:,} sites' days worked out" if len(built.recomputed) == sites else
                    f"{len(built.recomputed):,} of {sites:,} sites worked out again "
                    f"({worked:,} of {mapped:,} site-days), the rest kept from the last build")
            print(f"conflictmap: {built.read:,} report{'s' * (built.read != 1)} read, "
                  f"{built.reused:,} from the store; {timeline}")
    elif args.command == "demo":
        theatre = bundled_theatre()
        args.out = args.out or "out"
        reading = build(theatre["articles"], out_dir=args.out, tiles=args.tiles,
                        formats=args.format, max_days=args.max_days,
                        jobs=args.jobs, engine=args.engine, scheduler=args.scheduler,
                        start=args.start, end=args.end)
    else:
        if not args.articles:
            raise InputError("(arguments)", "no articles given: conflictmap build ARTICLE ...")
        args.out = args.out or "out"
        reading = build(args.articles, gazetteer=args.gazetteer, actors=args.actors,
                        dates=dict(args.date), out_dir=args.out, tiles=args.tiles,
                        formats=args.format, max_days=args.max_days,
                        jobs=args.jobs, engine=args.engine, scheduler=args.scheduler,
                        start=args.start, end=args.end)
    # Said once the build has succeeded: a failed build says only its error line.
    for art in reading.articles:
        for warning in art.warnings:
            print(f"conflictmap: warning: {warning}", file=sys.stderr)
    if not args.quiet:
        days = reading.timeline.days
        print(f"conflictmap: {len(reading.articles)} articles, {len(reading.claims)} claims, "
              f"{len(reading.timeline.sites)} sites, {days[0]} to {days[-1]} "
              f"-> {args.out}/ ({time.perf_counter() - t0:.1f} s)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        Arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 2 on bad input or an output that cannot be written,
        130 on Ctrl-C, 143 on SIGTERM (each failure one line on stderr, no
        traceback).
    """
    previous = _catch_sigterm()
    try:
        return _main(argv)
    except (KeyboardInterrupt, _Terminated) as exc:
        line, status = _stop_line(type(exc))
        print(line, file=sys.stderr, flush=True)
        if _as_program():
            # An interrupt that passed through C code (an extension loading) makes Python
            # kill itself with SIGINT at exit, whatever we return: leave with our status now.
            try:
                sys.stdout.flush()
            finally:
                os._exit(status)
        return status
    finally:
        if previous is not None and _as_program():
            # The work is done or said: a late signal would only break the interpreter's exit.
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        elif previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _catch_sigterm() -> Any:
    # SIGTERM becomes an exception for the time of main(), so that temporary folders go;
    # returns the handler to put back (None: leave it).
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None  # only the main thread may set handlers
    return signal.signal(signal.SIGTERM, _on_sigterm)


def _main(argv: Sequence[str] | None) -> int:
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra:
        # Said by the subcommand, whose usage and options the user needs.
        _subparser(parser, args).error(f"unrecognized arguments: {' '.join(extra)}")
    from conflictmap.gazetteer import GazetteerError  # after parsing: --help need not load geopandas

    try:
        return _run(args)
    except (InputError, GazetteerError) as exc:
        print(f"conflictmap: error: {one_line(str(exc))}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        # The reader of our output went away (`| head`): not an error of ours.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - so that the exit flush is silent
        return 0
    except OSError as exc:
        # A file the system refused that no reader turned into an InputError: still one line.
        where = exc.filename if exc.filename is not None else "(system)"
        print(f"conflictmap: error: {one_line(f'{where}: {exc.strerror or exc}')}", file=sys.stderr)
        return 2


def _subparser(parser: argparse.ArgumentParser, args: argparse.Namespace) -> argparse.ArgumentParser:
    for name in ("command", "action"):
        choices = next((a.choices for a in parser._actions
                        if isinstance(a, argparse._SubParsersAction)), None)
        value = getattr(args, name, None)
        if not isinstance(choices, dict) or value not in choices:
            break
        parser = choices[value]
    return parser


if __name__ == "__main__":
    sys.exit(main())
