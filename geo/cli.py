"""The ``conflictmap`` command."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Sequence

from gazetteer import GazetteerError

from .errors import InputError

__all__ = ["main"]


def _date_option(value: str) -> tuple[str, dt.date]:
    path, sep, day = value.rpartition("=")
    if not sep or not path:
        raise argparse.ArgumentTypeError(f"expected PATH=YYYY-MM-DD, got {value!r}")
    try:
        return path, dt.date.fromisoformat(day)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{day!r} is not a date (YYYY-MM-DD)") from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="conflictmap",
        description="Day-by-day control maps of urban battles from news reports.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--out", default="out", metavar="DIR",
                       help="output folder (default: ./out); only the files a build writes "
                            "are replaced")
        p.add_argument("--tiles", metavar="URL", default=None,
                       help="basemap tile URL template; by default the page loads no tiles "
                            "and works offline")
        p.add_argument("--format", metavar="LIST", default=None,
                       help="what to write, comma-separated, or 'all': html, geojson, gpkg, csv, "
                            "png, gif (default: html,geojson,gpkg,csv)")
        p.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")

    b = sub.add_parser(
        "build", help="read articles and write the map and feeds",
        description="Read news articles, find the sites they name, work out who held each "
                    "site on each day, and write index.html, control.geojson, "
                    "days/YYYY-MM-DD.geojson, claims.csv and mentions.csv.",
    )
    b.add_argument("articles", nargs="*", metavar="ARTICLE",
                   help="article text files, or folders of .txt files")
    b.add_argument("--gazetteer", action="append", default=[], metavar="PATH",
                   help="gazetteer GeoJSON (repeatable; later files override earlier ids; "
                        "default: the bundled Raqqa gazetteer)")
    b.add_argument("--actors", metavar="PATH", help="actors YAML (default: the bundled Raqqa actors)")
    b.add_argument("--date", action="append", default=[], type=_date_option,
                   metavar="PATH=YYYY-MM-DD",
                   help="publication date of an article without a date line (repeatable)")
    common(b)
    d = sub.add_parser(
        "demo", help="build the bundled Raqqa theatre (October 2017)",
        description="Build the map of the battle for Raqqa, 14-17 October 2017, from the "
                    "dispatches bundled with conflictmap.",
    )
    common(d)
    return parser


def _run(args: argparse.Namespace) -> int:
    from .pipeline import build, bundled_theatre

    t0 = time.perf_counter()
    if args.command == "demo":
        theatre = bundled_theatre()
        reading = build(theatre["articles"], out_dir=args.out, tiles=args.tiles,
                        formats=args.format)
    else:
        if not args.articles:
            raise InputError("(arguments)", "no articles given: conflictmap build ARTICLE ...")
        reading = build(args.articles, gazetteer=args.gazetteer, actors=args.actors,
                        dates=dict(args.date), out_dir=args.out, tiles=args.tiles,
                        formats=args.format)
    if not args.quiet:
        days = reading.timeline.days
        print(f"conflictmap: {len(reading.articles)} articles, {len(reading.claims)} claims, "
              f"{len(reading.timeline.sites)} sites, {days[0]} to {days[-1]} "
              f"-> {args.out}/index.html ({time.perf_counter() - t0:.1f} s)")
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
        0 on success, 2 on bad input (one line on stderr, no traceback).
    """
    args = _parser().parse_args(argv)
    try:
        return _run(args)
    except (InputError, GazetteerError) as exc:
        print(f"conflictmap: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
