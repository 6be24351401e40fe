"""A seeded synthetic corpus of battle reports about the bundled Raqqa theatre, for scale benchmarks.

Each report is a stored web page as a desk saves it: ``source:`` and
``title:`` header lines and a date line, then the headline (again), a
byline, a dateline and a lede that claims control of a site, quotes from
commanders and residents, background, intentions, hedges, denials, photo
captions and navigation links. Several outlets write on the same day about
the same fighting and disagree. The sentences come from this module's own
grammar; the names come from the bundled gazetteer (names and aliases) and
the bundled actors file.

The same ``n`` and ``seed`` give byte-identical files::

    python benchmarks/corpus.py 10000 /tmp/reports [--seed 1]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from conflictmap.gazetteer import Gazetteer
from conflictmap.geo.pipeline import bundled_theatre

__all__ = ["generate", "Vocabulary", "vocabulary", "report"]

FIRST_DAY = dt.date(2017, 8, 20)
N_DAYS = 60
#: Mean length of a report's body in characters (+-40 %; about 3.5 KB a file with its header).
MEAN_CHARS = 3_300

OUTLETS = ("Euphrates Wire", "Levant Desk", "North Syria Monitor", "Frontline Daily",
           "The Gulf Courier", "Desert Dispatch", "Crescent Newswire", "Riverbank Post",
           "Observer of the Steppe", "Mesopotamia Today")
REPORTERS = ("Lina Haddad", "Omar Khalil", "Sarah Whitfield", "Karim Nasser", "Hevi Ahmed",
             "Jonas Berger", "Rania Saleh", "Tom Avery", "Dilan Yusuf", "Maya Costa")
COMMANDERS = ("Commander Rojhat Afrin", "Colonel Adnan Hamdan", "field commander Abu Layla",
              "spokesman Kino Gabriel", "Brig. Gen. Faisal Diab", "commander Jihan Shexo",
              "spokeswoman Nisreen Omar", "Lt. Col. Mark Dillon")
RESIDENTS = ("a shopkeeper who fled last week", "a teacher sheltering in a basement",
             "a father of four who reached a camp", "a nurse at a field clinic",
             "a farmer from the eastern outskirts", "a student who left with her family")
MONITORS = ("a war monitor based abroad", "an activist network inside the city",
            "a local council official", "the coalition's press office", "medical workers")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SEIZE = ("seized", "captured", "took", "took control of", "overran", "wrested control of")
LOSE = ("withdrew from", "pulled out of", "abandoned", "were driven out of", "fell back from")
FIGHT = ("Fighting raged around", "Clashes continued near", "Heavy shelling hit",
         "Air strikes pounded", "Snipers pinned down advancing units in")


@dataclass(frozen=True)
class Vocabulary:
    """The names a report may use.

    Attributes
    ----------
    sites : list of list of str
        Each theatre site's spellings (its name first, then Latin-script aliases).
    actors : list of tuple of (str, list of str)
        Each actor's id and the names reports give it (capitalised ones first).
    """

    sites: list[list[str]]
    actors: list[tuple[str, list[str]]]


def vocabulary() -> Vocabulary:
    """Read the bundled gazetteer's sites and the bundled actors into a :class:`Vocabulary`.

    Returns
    -------
    Vocabulary
        In a fixed order (the files' order), so that a seed always draws the same names.
    """
    theatre = bundled_theatre()
    gaz = Gazetteer.from_files(theatre["gazetteer"])
    sites = []
    for pid in sorted(gaz.sites()):
        place = gaz[pid]
        # Reports in English rarely print Arabic script: keep one such alias in ten sites.
        latin = [a for a in place.aliases if a.isascii()]
        other = [a for a in place.aliases if not a.isascii()][:1] if len(sites) % 10 == 0 else []
        sites.append([place.name, *latin, *other])
    data = yaml.safe_load(Path(theatre["actors"]).read_text(encoding="utf-8"))
    actors = []
    for a in data["actors"]:
        names = [n for n in (a["name"], *a.get("aliases", ())) if n[:1].isupper()]
        actors.append((a["id"], names))
    return Vocabulary(sites, actors)


def _site(rng: random.Random, v: Vocabulary, k: int | None = None) -> str:
    spellings = v.sites[rng.randrange(len(v.sites)) if k is None else k]
    # Most reports use the common name; one in three another spelling.
    return spellings[0] if rng.random() < 0.67 else rng.choice(spellings)


def _actor(rng: random.Random, v: Vocabulary, k: int) -> str:
    return rng.choice(v.actors[k][1])


def _day(d: dt.date) -> str:
    return f"{d:%B} {d.day}"


def report(rng: random.Random, v: Vocabulary, day: dt.date, outlet: str, story: random.Random
           ) -> tuple[str, str]:
    """Return one report's title and body.

    Parameters
    ----------
    rng : random.Random
        This report's draws.
    v : Vocabulary
    day : datetime.date
        The publication date.
    outlet : str
    story : random.Random
        Draws shared by every report of that day (the day's main site and sides),
        so that the outlets write about the same fighting and disagree on it.

    Returns
    -------
    tuple of str
        The title and the body text.
    """
    main = story.randrange(len(v.sites))
    winner = story.randrange(len(v.actors))
    loser = (winner + 1 + story.randrange(len(v.actors) - 1)) % len(v.actors)
    # This outlet may tell the day the other way round: the other side holds the site.
    if rng.random() < 0.25:
        winner, loser = loser, winner
    weekday = WEEKDAYS[(day - dt.timedelta(days=1 + rng.randrange(2))).weekday()]
    site = _site(rng, v, main)
    near = _site(rng, v)
    win, lose = _actor(rng, v, winner), _actor(rng, v, loser)
    monitor = rng.choice(MONITORS)
    title = rng.choice((
        f"{win} say they {rng.choice(SEIZE)} {site}",
        f"{site} changes hands as battle for Raqqa grinds on",
        f"Battle for {site}: {lose} {rng.choice(LOSE)} key positions",
        f"{win} push into {site}, {lose} deny losing ground",
    ))
    parts = [title, "", title, "", f"By {rng.choice(REPORTERS)}", "",
             f"Photo: Smoke rises over {near} on {weekday}. ({outlet})", ""]
    dateline = rng.choice(("RAQQA, Syria", "AIN ISSA, Syria", "Beirut", "QAMISHLI, Syria"))
    parts.append(f"{dateline} ({outlet}) — {win} {rng.choice(SEIZE)} {site} on {weekday} after "
                 f"{rng.choice(('two days', 'a week', 'hours', 'three nights'))} of street fighting, "
                 f"{rng.choice(('a commander said', 'officials said', 'according to ' + monitor))}.")
    target = int(MEAN_CHARS * (0.6 + 0.8 * rng.random()))

    def at() -> str:  # a fresh site for each paragraph
        return _site(rng, v)

    def num(lo: int, hi: int) -> int:
        return rng.randrange(lo, hi)

    grammar = (
        lambda: (f"\"We will take {at()} within days,\" said {rng.choice(COMMANDERS)}. "
                 f"\"They have left mines in every street they {rng.choice(LOSE)}.\""),
        lambda: (f"\"Our units reached the edge of {at()} at dawn and the enemy is collapsing,\" "
                 f"{rng.choice(COMMANDERS)} told {outlet} by telephone."),
        lambda: (f"{rng.choice(FIGHT)} {at()} through the night, {rng.choice(MONITORS)} said, and "
                 f"about {num(20, 400)} fighters were still holding out near {at()}."),
        lambda: (f"{lose} denied losing {site}. A statement carried by {rng.choice(OUTLETS)} said "
                 f"its men still held {at()} and had repelled {num(2, 9)} assaults since {weekday}."),
        lambda: (f"There was no independent confirmation of the claim, and {rng.choice(OUTLETS)} "
                 f"reported that parts of {site} remained contested late on {weekday}."),
        lambda: (f"\"I saw the fighters run towards {at()},\" said {rng.choice(RESIDENTS)}, who "
                 f"asked not to be named. \"Then the shelling started again and we hid until morning.\""),
        lambda: (f"\"Nobody knows who is in {at()} now,\" said {rng.choice(RESIDENTS)}. "
                 f"\"One day it is one flag, the next day another.\""),
        lambda: (f"{at()} was one of the first districts the militants took when they swept into "
                 f"the province in {rng.choice(('2013', '2014'))}, and it was long used as a "
                 f"depot and a prison for those who crossed them."),
        lambda: (f"Before the war about {num(2, 90)},000 people lived around {at()}, most of them "
                 f"traders and farmers who sold their crops at the market near {at()}."),
        lambda: (f"{win} are preparing to advance on {at()} next, {rng.choice(COMMANDERS)} said, "
                 f"adding that {num(100, 900)} families were expected to leave through {at()} "
                 f"once a corridor opened."),
        lambda: (f"Commanders have said they intend to encircle {at()} before the end of the "
                 f"month, though similar pledges about {at()} slipped by weeks."),
        lambda: (f"It is not clear who controls {at()}: some residents said {lose} fled on "
                 f"{weekday}, while others said the fighters only moved into the cellars."),
        lambda: (f"{lose} may still have fighters around {at()}, {rng.choice(MONITORS)} cautioned, "
                 f"and the claim could not be verified because reporters cannot reach the area."),
        lambda: (f"The coalition said it carried out {num(5, 60)} strikes near {at()} and {at()} "
                 f"over the past week, hitting fighting positions and vehicles."),
        lambda: (f"{rng.choice(OUTLETS)}, citing sources on the ground, gave a different account: "
                 f"it said {lose} had retaken {at()} in a counter-attack on {weekday}."),
        lambda: f"Photo: Fighters walk past a ruined building in {at()}. ({rng.choice(OUTLETS)})",
        lambda: f"Read more: Who holds what in {rng.choice(('Raqqa', 'the Old City', at()))}",
    )
    size = sum(len(p) for p in parts)
    last = -1
    while size < target:
        k = rng.randrange(len(grammar))
        if k == last:  # no paragraph twice in a row
            continue
        last = k
        para = grammar[k]()
        parts.append("")
        parts.append(para)
        size += len(para) + 2
    parts += ["", "Related", f"{win} and {lose} trade blame over {near}",
              "Share this article", "Read more", ""]
    return title, "\n".join(parts)


def generate(n: int, seed: int, folder: str | Path) -> list[Path]:
    """Write ``n`` reports as ``.txt`` files into ``folder``.

    Parameters
    ----------
    n : int
        How many reports.
    seed : int
        The same ``n`` and seed give byte-identical files.
    folder : str or Path
        Created if missing; files ``r000000.txt`` ... are (over)written.

    Returns
    -------
    list of Path
        The files written, in order.
    """
    v = vocabulary()
    rng = random.Random(seed)
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        day = FIRST_DAY + dt.timedelta(days=rng.randrange(N_DAYS))
        outlet = rng.choice(OUTLETS)
        # The day's story depends on the seed and the day only: outlets of one day share it.
        story = random.Random(seed * 100_003 + day.toordinal())
        title, body = report(random.Random(rng.getrandbits(64)), v, day, outlet, story)
        path = out / f"r{i:06d}.txt"
        path.write_text(f"source: {outlet}\ntitle: {title}\n date {day.isoformat()}\n{body}",
                        encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("folder")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    t = time.perf_counter()
    paths = generate(args.n, args.seed, args.folder)
    size = sum(p.stat().st_size for p in paths)
    print(f"{len(paths)} reports, {size / 1e6:.1f} MB ({size / len(paths):.0f} bytes each) "
          f"in {time.perf_counter() - t:.1f} s -> {args.folder}")


if __name__ == "__main__":
    main()
