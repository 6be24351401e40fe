"""Each phrasing and each form of doubt: a sentence that must give a claim, a near miss that must not.

The theatre is invented (a city, its quarters and sites, two sides) so the
rules are tested apart from any real battle's names.
"""

import datetime as dt
import json

import pytest

from gazetteer import Gazetteer
from geo.actors import Actors
from geo.articles import Article
from geo.claims import extract_claims
from geo.mentions import find_mentions

PUB = dt.date(2021, 3, 10)  # a Wednesday
PLACES = [
    ("vel", "Velmora", "city", None, 30.00, 40.00, 10),
    ("vel-north", "Kastani", "neighbourhood", "vel", 30.00, 40.02, 0),
    ("vel-south", "Dorrel", "neighbourhood", "vel", 30.00, 39.98, 0),
    ("vel-hospital", "Velmora General Hospital", "hospital", "vel", 30.01, 40.00, 10),
    ("vel-mosque", "Great Mosque", "mosque", "vel", 29.99, 40.00, 10),
    ("vel-mosque-2", "Sarin Mosque", "mosque", "vel", 29.99, 40.01, 0),
    ("vel-bridge", "Iron Bridge", "bridge", "vel", 30.02, 40.00, 0),
]


@pytest.fixture(scope="module")
def theatre(tmp_path_factory):
    d = tmp_path_factory.mktemp("velmora")
    feats = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
              "properties": {"id": i, "name": n, "kind": k, "parent": p, "source": "invented",
                             "prominence": pr}}
             for i, n, k, p, lon, lat, pr in PLACES]
    (d / "g.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    (d / "a.yaml").write_text(
        "actors:\n"
        "  - {id: GOV, name: Army, colour: '#0072B2', enemies: [INS],\n"
        "     aliases: [army, troops, government forces, soldiers, the military]}\n"
        "  - {id: INS, name: Insurgents, colour: '#D55E00', enemies: [GOV],\n"
        "     aliases: [insurgents, rebels, rebel, militants, gunmen]}\n")
    return Gazetteer.from_files([d / "g.geojson"], world=True), Actors.load(d / "a.yaml")


def claims(theatre, text):
    gaz, actors = theatre
    art = Article("t.txt", "t.txt", text, PUB, "header")
    return [c for c in extract_claims(art, find_mentions(gaz, art), actors) if c.counts]


def facts(theatre, text):
    return {(c.site, c.type, c.actor, c.date.isoformat()) for c in claims(theatre, text)}


@pytest.mark.parametrize("text,fact", [
    ("Government forces captured Kastani on Tuesday.", ("vel-north", "capture", "GOV", "2021-03-09")),
    ("Troops seized the Iron Bridge on Monday.", ("vel-bridge", "capture", "GOV", "2021-03-08")),
    ("Kastani fell to the army overnight.", ("vel-north", "capture", "GOV", "2021-03-10")),
    ("Soldiers drove the rebels out of Dorrel.", ("vel-south", "capture", "GOV", "2021-03-10")),
    ("Dorrel was recaptured by government forces.", ("vel-south", "capture", "GOV", "2021-03-10")),
    ("The army's capture of Kastani ended the siege.", ("vel-north", "capture", "GOV", "2021-03-10")),
    ("Insurgents were pushed out of Dorrel on Sunday.", ("vel-south", "loss", "INS", "2021-03-07")),
    ("Kastani remains in the hands of the insurgents.", ("vel-north", "hold", "INS", "2021-03-10")),
    ("Militants are holed up in the Great Mosque.", ("vel-mosque", "presence", "INS", "2021-03-10")),
    ("Clashes raged around the Iron Bridge on Tuesday.", ("vel-bridge", "contested", None, "2021-03-09")),
    ("Troops besieged Velmora General Hospital.", ("vel-hospital", "contested", "GOV", "2021-03-10")),
    ("Soldiers stormed Dorrel on Monday.", ("vel-south", "contested", "GOV", "2021-03-08")),
    ("Shelling continued on Kastani on Tuesday.", ("vel-north", "contested", None, "2021-03-09")),
    ("Aid reached rebel-held Dorrel.", ("vel-south", "hold", "INS", "2021-03-10")),
    ("The Iron Bridge, which rebels have held for weeks, was quiet.",
     ("vel-bridge", "hold", "INS", "2021-03-10")),
    ("The army said Kastani was completely in the hands of government forces.",
     ("vel-north", "full_control", "GOV", "2021-03-10")),
    # Coordinated sites: each one is claimed.
    ("Troops recaptured the Sarin Mosque and the Iron Bridge.",
     ("vel-bridge", "capture", "GOV", "2021-03-10")),
    ("Troops recaptured the Sarin Mosque and the Iron Bridge.",
     ("vel-mosque-2", "capture", "GOV", "2021-03-10")),
    # A possessive city only qualifies the site after it.
    ("Soldiers captured Velmora's Iron Bridge.", ("vel-bridge", "capture", "GOV", "2021-03-10")),
    # "the mosque" is the mosque named just before, not the most prominent one.
    ("Troops fought near the Sarin Mosque as rebels dug in at the mosque.",
     ("vel-mosque-2", "presence", "INS", "2021-03-10")),
    # A name in apposition: the description is the site again.
    ("Dorrel, the last quarter held by the militants, fell to the army.",
     ("vel-south", "capture", "GOV", "2021-03-10")),
    # A date inside a relative clause dates that clause only.
    ("The Great Mosque, where gunmen paraded in 2014, is still held by the insurgents.",
     ("vel-mosque", "hold", "INS", "2021-03-10")),
    # "in May" is a month, not a modal.
    ("The hospital, which gunmen seized in May, remains under army control.",
     ("vel-hospital", "hold", "GOV", "2021-03-10")),
    # A hold before an aside belongs to the subject, not to the place inside the aside.
    ("The Iron Bridge, near the Sarin Mosque, remains in the hands of the insurgents.",
     ("vel-bridge", "hold", "INS", "2021-03-10")),
    # "the town of X": the name says which place.
    ("Supplies come from the rebel-held town of Dorrel.", ("vel-south", "hold", "INS", "2021-03-10")),
    # "the bulk of it": part of the site named before, said by the side the clause is about.
    ("The army, which entered Velmora in 2019 and now holds the bulk of it, is advancing.",
     ("vel", "contested", "GOV", "2021-03-10")),
    # A progressive is not a passive: "were fighting in" still finds the site after it.
    ("Rebels were fighting in Dorrel on Tuesday.", ("vel-south", "contested", "INS", "2021-03-09")),
    # "since" a date: still so on the day of the report.
    ("Troops have been fighting in Kastani since March 1.",
     ("vel-north", "contested", "GOV", "2021-03-10")),
    # A month opening the sentence is not a modal.
    ("March 9 saw government forces capture Dorrel.", ("vel-south", "capture", "GOV", "2021-03-09")),
    # A relative clause after the subject: the subject is still the side.
    ("The army, which had shelled it for weeks, captured Kastani on Tuesday.",
     ("vel-north", "capture", "GOV", "2021-03-09")),
    # "Once" opening a clause is "when", not "formerly".
    ("Once government forces captured Kastani on Tuesday, they moved on.",
     ("vel-north", "capture", "GOV", "2021-03-09")),
    # The loser's only enemy took the site.
    ("Velmora has been fully liberated from the insurgents, officials said.",
     ("vel", "full_control", "GOV", "2021-03-10")),
])
def test_phrasing_gives_the_claim(theatre, text, fact):
    assert fact in facts(theatre, text)


@pytest.mark.parametrize("text,site", [
    # negation, intent and future, hedging, denial
    ("Government forces have not yet entered Kastani.", "vel-north"),
    ("The army aims to capture Kastani within days.", "vel-north"),
    ("Troops are preparing to wrest back Dorrel.", "vel-south"),
    ("Kastani is on the verge of capture.", "vel-north"),
    ("Rebels reportedly seized the Iron Bridge.", "vel-bridge"),
    ("The army denied that insurgents had retaken Dorrel.", "vel-south"),
    ("Insurgents claimed to have captured the Iron Bridge.", "vel-bridge"),
    # history, not today's map
    ("Militants seized Kastani in 2014.", "vel-north"),
    ("Rebels captured Dorrel last month.", "vel-south"),
    # not about control
    ("Civilians are still inside Kastani.", "vel-north"),
    ("Hundreds of families fled Dorrel.", "vel-south"),
    ("Soldiers took part in a parade in Kastani.", "vel-north"),
    # part of a site is not the site
    ("Rebels still control a strip of Kastani along the river.", "vel-north"),
    # "decades" is not December
    ("Rebels captured Kastani three decades ago.", "vel-north"),
])
def test_near_miss_gives_no_plain_claim(theatre, text, site):
    for c in claims(theatre, text):
        assert not (c.site == site and c.type in ("capture", "hold", "full_control", "loss",
                                                  "presence")), (text, c.reason)


def test_partial_control_is_contested(theatre):
    got = facts(theatre, "Rebels still control a strip of Kastani along the river.")
    assert ("vel-north", "contested", "INS", "2021-03-10") in got


def test_short_world_names_do_not_open_sentences(theatre):
    gaz, _ = theatre
    art = Article("t.txt", "t.txt", "An army officer spoke. Troops left for Paris.", PUB, "header")
    assert [m.text for m in find_mentions(gaz, art)] == ["Paris"]


def test_surnames_are_not_places(theatre):
    gaz, _ = theatre
    art = Article("t.txt", "t.txt", "Col. Ronald Dijon, an army spokesman, said Paris was calm.",
                  PUB, "header")
    texts = [m.text for m in find_mentions(gaz, art)]
    assert "Dijon" not in texts and "Paris" in texts
