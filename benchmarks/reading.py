"""Reading one long report (mentions and claims), as ratios against a baseline measured in the same run.

Baseline: one ``str.count`` of a word over the text (a pass no reader can beat).
Sizes: 1 and 10 MB (``--big`` adds 50 MB). The article is a long report of the
bundled Raqqa battle, written here paragraph by paragraph: sites named and
described, sides, quotes, dates, doubts. Prints MB/s per size and how time
grows with size (1.0 = linear), and writes ``benchmarks/results/reading.json``.

    python benchmarks/reading.py [--big] [--sizes 1,10]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import time
from pathlib import Path

from conflictmap.gazetteer import Gazetteer
from conflictmap.geo.actors import Actors
from conflictmap.geo.articles import Article
from conflictmap.geo.claims import extract_claims
from conflictmap.geo.mentions import find_mentions, focus_city
from conflictmap.geo.pipeline import bundled_theatre

PUBLISHED = dt.date(2017, 10, 17)

# Paragraphs of a long battle report; {a} and {b} are sites, {day} a weekday, {n} a number.
PARAGRAPHS = (
    "U.S.-backed Syrian Democratic Forces captured {a} on {day}, leaving Islamic State militants "
    "holed up near {b}, a spokesman for the alliance said.",
    "\"We have taken full control of {a},\" Mustafa Bali, an SDF spokesman, told reporters on {day}. "
    "\"The remaining fighters are surrounded in {b}.\"",
    "Fighting raged for a third straight day around {a}, where about {n} militants were still "
    "holding out, according to the Syrian Observatory for Human Rights.",
    "The militants pulled out of {a} overnight after two days of heavy street fighting, the "
    "observatory said, though there was no independent confirmation of the claim.",
    "Islamic State still controls {b} and parts of {a}, the group's Amaq news agency said on {day}; "
    "the SDF denied that it had lost the hospital.",
    "Coalition aircraft struck positions in {a} on {day} night. The stadium and the hospital "
    "remained in militant hands, residents who fled the city said.",
    "SDF fighters entered {a} early on {day} and advanced towards {b}, a commander said, adding "
    "that troops were preparing to storm the last district held by the militants.",
    "Civilians trapped in {b} described shelling throughout the night; about {n} families fled "
    "towards {a} on {day}, aid workers said.",
)
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def long_report(size: int, names: list[str]) -> str:
    """Return a report of at least ``size`` characters: the paragraphs in turn over the sites."""
    parts = [f"RAQQA, Syria (AP) — {PUBLISHED:%B} {PUBLISHED.day}, {PUBLISHED.year}\n"]
    total, k = len(parts[0]), 0
    while total < size:
        text = PARAGRAPHS[k % len(PARAGRAPHS)].format(
            a=names[k % len(names)], b=names[(7 * k + 3) % len(names)],
            day=DAYS[k % len(DAYS)], n=10 + k % 90)
        parts.append(text + "\n\n")
        total += len(text) + 2
        k += 1
    return "".join(parts)


def read(gaz: Gazetteer, actors: Actors, article: Article) -> tuple[dict[str, float], int, int]:
    """Read mentions and claims as the pipeline does; return each stage's time and how many of each.

    Stages: ``sentences`` (paragraph roles and sentence splitting), ``names``
    (the gazetteer's name index), ``mentions`` (spellings no file lists,
    descriptions, pronouns), ``claims``.
    """
    took: dict[str, float] = {}
    t = time.perf_counter()
    article.sentences  # noqa: B018 - a cached property: split here, once
    took["sentences"] = time.perf_counter() - t
    t = time.perf_counter()
    matches = gaz.match(article.text)
    took["names"] = time.perf_counter() - t
    t = time.perf_counter()
    ms = find_mentions(gaz, article, focus_city(gaz, article, matches), matches)
    took["mentions"] = time.perf_counter() - t
    t = time.perf_counter()
    claims = extract_claims(article, ms, actors)
    took["claims"] = time.perf_counter() - t
    return took, len(ms), len(claims)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", action="store_true", help="also read a 50 MB report")
    parser.add_argument("--sizes", default=None, help="sizes in MB, comma separated (default 1,10)")
    args = parser.parse_args()
    sizes = [float(s) for s in args.sizes.split(",")] if args.sizes else [1.0, 10.0, *([50.0] * args.big)]
    theatre = bundled_theatre()
    gaz = Gazetteer.from_files(theatre["gazetteer"])
    actors = Actors.load(theatre["actors"])
    names = [gaz[p].name for p in gaz.sites()]
    gaz.match("Raqqa")  # build the name index outside the timings
    rows = []
    for mb in sizes:
        text = long_report(int(mb * 1_000_000), names)
        article = Article("long.txt", "long.txt", text, PUBLISHED, "option")
        t = time.perf_counter()
        text.count("Raqqa")
        base = time.perf_counter() - t
        stages, n_mentions, n_claims = read(gaz, actors, article)
        took = sum(stages.values())
        rows.append({"mb": mb, "chars": len(text), "seconds": round(took, 3),
                     "stages": {k: round(v, 3) for k, v in stages.items()},
                     "baseline_seconds": round(base, 5), "ratio": round(took / base, 1),
                     "mb_per_s": round(mb / took, 3), "mentions": n_mentions, "claims": n_claims})
        print(f"{mb:5g} MB: {took:8.2f} s, {mb / took:6.3f} MB/s, {took / base:10.0f} x str.count; "
              f"{n_mentions} mentions, {n_claims} claims; "
              + ", ".join(f"{k} {v:.2f} s" for k, v in stages.items()), flush=True)
    for small, large in zip(rows, rows[1:], strict=False):
        # 1.0: time grows as the text does; 2.0: with its square.
        grow = {k: math.log(large["stages"][k] / small["stages"][k]) / math.log(large["mb"] / small["mb"])
                for k in small["stages"] if small["stages"][k] > 0 and large["stages"][k] > 0}
        print(f"{small['mb']:g} -> {large['mb']:g} MB: time grows as size^"
              + ", ".join(f"{v:.2f} ({k})" for k, v in grow.items()))
    out = Path(__file__).resolve().parent / "results" / "reading.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(rows, indent=1) + "\n")
    print(f"-> {out}")


if __name__ == "__main__":
    main()
