"""The project commands: ``init``, ``add``, ``review``, ``accept``, ``reject``, ``set``, ``alias``.

``conflictmap build DIR`` on a project folder is the build command's
(:mod:`geo.cli`); the rest are here.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import InputError

__all__ = ["COMMANDS", "add_parsers", "run"]

#: The project commands, as the command line names them.
COMMANDS = ("init", "add", "review", "accept", "reject", "set", "alias")


def add_parsers(sub: Any, date_option: Callable[[str], tuple[str, dt.date]]) -> None:
    """Add the project commands to the ``conflictmap`` parser's subcommands.

    Parameters
    ----------
    sub : argparse subparsers action
        What ``ArgumentParser.add_subparsers`` returned.
    date_option : callable
        The ``--date PATH=YYYY-MM-DD`` parser of the build command.
    """
    p = sub.add_parser("init", help="make a project folder to follow a battle",
                       description="Make a project folder: its gazetteer and actors files, a "
                                   "reports/ folder, conflictmap.toml, an embedded store and "
                                   "review.csv for the analyst's decisions.")
    p.add_argument("project", metavar="DIR")
    p.add_argument("--gazetteer", action="append", default=[], metavar="PATH",
                   help="gazetteer file (repeatable; default: the bundled demo theatre's)")
    p.add_argument("--actors", metavar="PATH", help="actors YAML (default: the demo theatre's)")
    p = sub.add_parser("add", help="add reports to a project",
                       description="Add reports (files, folders, patterns, or CSV/Parquet tables "
                                   "of texts) to a project. A copy already there is skipped; a "
                                   "reprint of a report already there is linked to it and never "
                                   "counts as a second source.")
    p.add_argument("project", metavar="DIR")
    p.add_argument("reports", nargs="*", metavar="REPORT")
    p.add_argument("--demo", action="store_true",
                   help="add the bundled demo's reports, to try a project")
    p.add_argument("--date", action="append", default=[], type=date_option, metavar="PATH=YYYY-MM-DD",
                   help="publication date of a report without a date line (repeatable)")
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing on success")
    p = sub.add_parser("review", help="list what needs an analyst's eye",
                       description="List low-confidence and conflicting claims, contested "
                                   "cells, unresolved place names and sites whose state rests on "
                                   "one source.")
    p.add_argument("project", metavar="DIR")
    p.add_argument("--json", action="store_true", help="print JSON")
    for name, what in (("accept", "count a claim whatever the reader thought of it"),
                       ("reject", "keep a claim off the map")):
        p = sub.add_parser(name, help=what, description=f"{what[0].upper()}{what[1:]} "
                                                        "(its id is in claims.csv and in review).")
        p.add_argument("project", metavar="DIR")
        p.add_argument("claim", metavar="CLAIM_ID")
        p.add_argument("--note", default="", help="why (shown with the claim in every output)")
    p = sub.add_parser("set", help="say who held a site at the end of a day",
                       description="The analyst's own call: who held SITE at the end of DATE "
                                   "(an actor id, contested or unknown). It wins over the reports.")
    p.add_argument("project", metavar="DIR")
    p.add_argument("site", metavar="SITE")
    p.add_argument("date", metavar="DATE")
    p.add_argument("controller", metavar="CONTROLLER")
    p.add_argument("--note", required=True, help="why (shown in every output)")
    p = sub.add_parser("alias", help="teach the gazetteer another name for a site",
                       description="Another name for a place: the next build finds it.")
    p.add_argument("project", metavar="DIR")
    p.add_argument("name", metavar="NAME")
    p.add_argument("site", metavar="SITE_ID")


def run(args: argparse.Namespace) -> int:
    """Run a project command.

    Parameters
    ----------
    args : argparse.Namespace

    Returns
    -------
    int
        The exit status.
    """
    from . import project as pj

    if args.command == "init":
        made = pj.init(args.project, args.gazetteer, args.actors)
        print(f"conflictmap: project {made.root}/ made; add reports with "
              f"'conflictmap add {made.root} REPORT ...'")
        return 0
    proj = pj.Project.open(args.project)
    if args.command == "add":
        from .pipeline import bundled_theatre

        reports = [*args.reports, *(bundled_theatre()["articles"] if args.demo else [])]
        if not reports:
            raise InputError("(arguments)", "no reports given: conflictmap add DIR REPORT ... (or --demo)")
        added = pj.add(proj, reports, dict(args.date))
        if not args.quiet:
            print(f"conflictmap: {len(added.added)} reports added ({len(added.reprints)} reprints of "
                  f"reports already there), {len(added.copies)} already in {proj.root}/")
        return 0
    if args.command == "review":
        return _review(proj, args.json)
    return _decide(proj, args)


def _review(proj: object, as_json: bool) -> int:
    from . import project as pj
    from .review import format_review, needs_review, review_rows

    assert isinstance(proj, pj.Project)
    built = pj.read(proj)
    outlets = {a.name: a.outlet for a in built.reading.articles if a.outlet}
    items = needs_review(built.reading.claims, built.reading.timeline, built.reading.unresolved,
                         outlets=outlets)
    if as_json:
        print(json.dumps(review_rows(items), indent=2, ensure_ascii=False))
    else:
        print(format_review(items), end="")
    for w in built.warnings:
        print(f"conflictmap: warning: {w}", file=sys.stderr)
    return 0


def _decide(proj: object, args: argparse.Namespace) -> int:
    from . import project as pj
    from .actors import CONTESTED, UNKNOWN
    from .review import Decision, add_decision, claim_id

    assert isinstance(proj, pj.Project)
    if args.command in ("accept", "reject"):
        built = pj.read(proj)
        ids = {claim_id(c) for c in built.reading.claims}
        if args.claim not in ids:
            raise InputError(args.claim, "no such claim in this project (see claims.csv or "
                                         "'conflictmap review')")
        decision = Decision(args.command, claim=args.claim, note=args.note)
    elif args.command == "set":
        try:
            day = dt.date.fromisoformat(args.date)
        except ValueError:
            raise InputError(args.date, "not a date (YYYY-MM-DD)") from None
        built = pj.read(proj)  # after the cheap checks: it reads the store and the gazetteer
        if args.site not in built.reading.timeline.sites:
            raise InputError(args.site, "not a site of this project's map")
        sides = {a.id for a in built.actors}
        if args.controller not in sides | {CONTESTED, UNKNOWN}:
            raise InputError(args.controller, f"not an actor of this project "
                                              f"({', '.join(sorted(sides))}, contested or unknown)")
        decision = Decision("set", site=args.site, date=day.isoformat(), controller=args.controller,
                            note=args.note)
    else:
        from conflictmap.gazetteer import Gazetteer

        gaz = Gazetteer.from_files(proj.gazetteer)
        if args.site not in gaz:
            raise InputError(args.site, "not a place of this project's gazetteer")
        if not args.name.strip():
            raise InputError("NAME", "an alias needs a name")
        decision = Decision("alias", site=args.site, name=" ".join(args.name.split()))
    add_decision(Path(proj.review), decision)  # the checks above leave Decision nothing to refuse
    print(f"conflictmap: {args.command} recorded in {proj.review}; rebuild with "
          f"'conflictmap build {proj.root}'")
    return 0
