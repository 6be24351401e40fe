"""Each phrasing and each form of doubt: a sentence that must give a claim, a near miss that must not.

The theatre is invented (a city, its quarters and sites, two sides) so the
rules are tested apart from any real battle's names.
"""

import datetime as dt

import pytest
from conftest import invented_theatre

from conflictmap.gazetteer import Gazetteer
from conflictmap.geo.actors import Actors
from conflictmap.geo.articles import Article
from conflictmap.geo.claims import extract_claims
from conflictmap.geo.mentions import find_mentions

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
    gaz, actors = invented_theatre(tmp_path_factory.mktemp("velmora"), PLACES,
                                   gov=["the military", "Velmoran troops"],
                                   ins=["rebel", "gunmen", "Dravish fighters"])
    return Gazetteer.from_files([gaz], world=True), Actors.load(actors)


def read(theatre, text):
    gaz, actors = theatre
    art = Article("t.txt", "t.txt", text, PUB, "header")
    return extract_claims(art, find_mentions(gaz, art), actors)


def claims(theatre, text):
    return [c for c in read(theatre, text) if c.counts]


def facts(theatre, text):
    """(site, type, side, day) of each counting claim; a claim on part of a site is "part"."""
    return {(c.site, "part" if c.part else c.type, c.actor, c.date.isoformat())
            for c in claims(theatre, text)}


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
    # Fighting around a site, a siege, shelling: pressure from outside ("siege").
    ("Clashes raged around the Iron Bridge on Tuesday.", ("vel-bridge", "siege", None, "2021-03-09")),
    ("Troops besieged Velmora General Hospital.", ("vel-hospital", "siege", "GOV", "2021-03-10")),
    ("Shelling continued on Kastani on Tuesday.", ("vel-north", "siege", None, "2021-03-09")),
    ("Troops advanced towards Dorrel.", ("vel-south", "siege", "GOV", "2021-03-10")),
    # Going in, fighting inside: both sides are in it.
    ("Soldiers stormed Dorrel on Monday.", ("vel-south", "entry", "GOV", "2021-03-08")),
    ("Troops broke into Kastani overnight.", ("vel-north", "entry", "GOV", "2021-03-10")),
    ("Street fighting raged in Dorrel on Tuesday.", ("vel-south", "contested", None, "2021-03-09")),
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
     ("vel", "part", "GOV", "2021-03-10")),
    # A progressive is not a passive: "were fighting in" still finds the site after it.
    ("Rebels were fighting in Dorrel on Tuesday.", ("vel-south", "contested", "INS", "2021-03-09")),
    # Fronted adjunct clauses: the taker is the subject after them; every object is taken.
    ("Having secured the Iron Bridge, the army pushed on towards the city centre.",
     ("vel-bridge", "capture", "GOV", "2021-03-10")),
    ("After taking Kastani and Dorrel, troops advanced on the Great Mosque.",
     ("vel-south", "capture", "GOV", "2021-03-10")),
    # The side inside the subject: the head, not the object of its participle.
    ("Government troops pursuing rebel units seized the Iron Bridge.",
     ("vel-bridge", "capture", "GOV", "2021-03-10")),
    # A list after "including": each member is held, the whole only in part.
    ("Rebels control a quarter of Velmora, including the Iron Bridge and the Great Mosque.",
     ("vel-bridge", "hold", "INS", "2021-03-10")),
    ("Rebels control a quarter of Velmora, including the Iron Bridge and the Great Mosque.",
     ("vel", "part", "INS", "2021-03-10")),
    # A description of a site's past role is no hold of it.
    ("Troops took the Great Mosque, once the rebels' main arsenal.",
     ("vel-mosque", "capture", "GOV", "2021-03-10")),
    # Sides named by description: pejoratives through the speaker, first person in a quote.
    ("The terrorists still hold Dorrel, an army spokesman said.", ("vel-south", "hold", "INS", "2021-03-10")),
    ('"Our fighters took Kastani at dawn," a rebel commander said.',
     ("vel-north", "capture", "INS", "2021-03-10")),
    # Keeping hostages inside a building holds it.
    ("Gunmen are holding dozens of hostages inside Velmora General Hospital.",
     ("vel-hospital", "presence", "INS", "2021-03-10")),
    # An epithet says whose a place is.
    ("Dorrel, the last rebel stronghold in the city, was shelled again.",
     ("vel-south", "hold", "INS", "2021-03-10")),
    # Where a side retreats to is where it is now.
    ("The rebels retreated to Dorrel.", ("vel-south", "presence", "INS", "2021-03-10")),
    # A brief capture, then a retreat from it: both, the capture first.
    ("Rebels briefly took the Iron Bridge before they were forced to retreat.",
     ("vel-bridge", "capture", "INS", "2021-03-10")),
    # A hold said to be over is a loss.
    ('"We no longer control Kastani," a rebel commander said.', ("vel-north", "loss", "INS", "2021-03-10")),
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
    # A people's word that opens one side's names is that side, glued or before a claim noun.
    ("Dravish-held parts of Kastani were shelled overnight.", ("vel-north", "part", "INS", "2021-03-10")),
    ("Velmoran attacks on Dorrel went on for a second day on Tuesday.",
     ("vel-south", "siege", "GOV", "2021-03-09")),
    # Areas "in" a site are a part of it, like areas "of" it.
    ("Troops regained control over two more neighbourhoods in Velmora on Tuesday.",
     ("vel", "part", "GOV", "2021-03-09")),
    # The front line running through a site: both sides are in it.
    ("The front line now runs through the middle of Kastani.", ("vel-north", "part", None, "2021-03-10")),
    # A move from a place puts the side in it, and towards another presses on that one.
    ("Troops advanced from Dorrel towards Kastani on Tuesday.",
     ("vel-south", "presence", "GOV", "2021-03-09")),
    ("Troops advanced from Dorrel towards Kastani on Tuesday.", ("vel-north", "siege", "GOV", "2021-03-09")),
    # "two days after": that many days before the sentence's day.
    ("Troops entered Kastani on Tuesday, two days after they captured Dorrel.",
     ("vel-south", "capture", "GOV", "2021-03-07")),
    # Translated copy: "in the hand of".
    ("Kastani is in the hand of the insurgents since last week.",
     ("vel-north", "hold", "INS", "2021-03-10")),
    # The people of a side's names: "the Velmorans" are the army (its names say "Velmoran troops").
    ("The Velmorans were in the cellars of the Great Mosque.",
     ("vel-mosque", "presence", "GOV", "2021-03-10")),
    # "the villages of X and Y" names them: each is held whole, not in part.
    ("Rebels still hold the villages of Kastani and Dorrel.", ("vel-north", "hold", "INS", "2021-03-10")),
    ("Rebels still hold the villages of Kastani and Dorrel.", ("vel-south", "hold", "INS", "2021-03-10")),
    # Within some distance of a site is around it.
    ("Troops fought their way to within 50 metres of the Great Mosque.",
     ("vel-mosque", "siege", "GOV", "2021-03-10")),
    # A position taken beside a site is pressure on it, not a part of it.
    ("Troops captured a fortified hilltop south of Dorrel on Tuesday.",
     ("vel-south", "siege", "GOV", "2021-03-09")),
])
def test_phrasing_gives_the_claim(theatre, text, fact):
    assert fact in facts(theatre, text)


@pytest.mark.parametrize("text,site,status", [
    # negation, intent and future, hedging, denial: read, kept, never counted
    ("Government forces have not yet entered Kastani.", "vel-north", "negated"),
    ("The army aims to capture Kastani within days.", "vel-north", "intent"),
    ("Troops are preparing to wrest back Dorrel.", "vel-south", "intent"),
    ("Kastani is on the verge of capture.", "vel-north", "intent"),
    ("The fall of the Iron Bridge is inevitable, commanders say.", "vel-bridge", "intent"),
    ("Rebels reportedly seized the Iron Bridge.", "vel-bridge", "hedged"),
    ("The army denied that insurgents had retaken Dorrel.", "vel-south", "denied"),
    ("Insurgents claimed to have captured the Iron Bridge.", "vel-bridge", "hedged"),
    ("If Dorrel falls to the army, the road north will open.", "vel-south", "conditional"),
    ("Attempts to enter Kastani were repulsed, officers said.", "vel-north", "intent"),
    ("An earlier version of this story said troops had taken Dorrel.", "vel-south", "superseded"),
    ("Recapturing Kastani would be a major victory for the army.", "vel-north", "intent"),
    ("Troops who take Dorrel find the road north open.", "vel-south", "generic"),
    ("Kastani is at risk of falling to the rebels, officials warned.", "vel-north", "intent"),
    ("There was no independent confirmation of reports that troops had entered Kastani.",
     "vel-north", "hedged"),
    ("Pro-government media said troops had taken the Iron Bridge. There was no independent "
     "confirmation of the claim.", "vel-bridge", "hedged"),
    ("The fighting had not yet moved inside Kastani, a monitor said.", "vel-north", "negated"),
    ("The hardest fighting will come in Dorrel itself.", "vel-south", "intent"),
    # a temporal clause in the present speaks of the future
    ("Once Dorrel is cleared, the army is expected to turn north.", "vel-south", "conditional"),
    ("When the rebels take the Iron Bridge, the road will close.", "vel-bridge", "conditional"),
    ("Dorrel is in danger of being overrun by the insurgents.", "vel-south", "intent"),
    # the war's name, not a claim of the day
    ("The fight over Velmora has killed thousands.", "vel", "background"),
    # not about control: no side holds what civilians are in or fled
    ("Civilians are still inside Kastani.", "vel-north", "no side"),
    ("Hundreds of families fled Dorrel.", "vel-south", "no side"),
    # page furniture: a headline and a caption are read, never counted
    ("Army Takes Kastani\n\nSoldiers patrol in Dorrel. (AFP)\n\nThe army said little on Monday.",
     "vel-north", "headline"),
    ("Army Takes Kastani\n\nSoldiers raise a flag after capturing Dorrel on Sunday. (AFP)\n\n"
     "The army said little on Monday.", "vel-south", "caption"),
])
def test_near_miss_is_read_with_its_status(theatre, text, status, site):
    got = [c for c in read(theatre, text) if c.site == site]
    assert got, f"nothing read about {site} in {text!r}"
    assert status in {c.status for c in got}, [(c.status, c.reason) for c in got]
    assert not any(c.counts for c in got if c.type in ("capture", "hold", "full_control", "loss",
                                                        "presence", "entry")), text


@pytest.mark.parametrize("text,site", [
    # history, not today's map: dated to a month or a year
    ("Militants seized Kastani in 2014.", "vel-north"),
    ("Rebels captured Dorrel last month.", "vel-south"),
    ("Rebels captured Kastani three decades ago.", "vel-north"),
    ("The army overran Dorrel in the autumn.", "vel-south"),
    # undated, but before the report
    ("The rebels have looted the Great Mosque since they seized Dorrel.", "vel-south"),
    ("Troops retook Kastani on Tuesday, ten months after the rebels overran Dorrel.", "vel-south"),
    ("The army liberated Dorrel in previous operations, officials said.", "vel-south"),
])
def test_history_is_read_but_not_of_the_day(theatre, text, site):
    got = [c for c in read(theatre, text) if c.site == site]
    assert got and all(c.historical and not c.counts for c in got), \
        [(c.date_precision, c.reason) for c in got]


@pytest.mark.parametrize("text,site", [
    ("Soldiers took part in a parade in Kastani.", "vel-north"),
    ("Engineers are clearing the Great Mosque of booby traps.", "vel-mosque"),
    ("A soldier monitors his surrounding in a street in Dorrel.", "vel-south"),
    ("Troops were besieging Dorrel, just south of the Iron Bridge.", "vel-bridge"),
    ("Rebels hold the ridges overlooking Dorrel.", "vel-south"),
    ("Rebels control most villages in the countryside of Velmora.", "vel"),
    ("Heavy fighting raged in the Velmora countryside on Monday.", "vel"),
])
def test_words_that_are_no_claim(theatre, text, site):
    assert not [c for c in claims(theatre, text) if c.site == site], text


@pytest.mark.parametrize("text,site", [
    # A state the sentence puts in the past is read, in the past tense, and the map ignores it.
    ("Soldiers took the last corner of Dorrel, where the rebels had been holding out.", "vel-south"),
    ("Velmora was once almost entirely controlled by the insurgents.", "vel"),
])
def test_states_of_the_past_are_past(theatre, text, site):
    states = [c for c in read(theatre, text) if c.site == site and c.actor == "INS"]
    assert states and all(c.tense == "past" for c in states), [(c.type, c.tense) for c in states]


def test_a_peoples_word_is_no_subject(theatre):
    # "Dravish" names the side of its own noun ("enclave"), not the shelling after it.
    got = facts(theatre, "Artillery near the Dravish enclave of Kastani shelled Dorrel on Tuesday.")
    assert not any(f[0] == "vel-south" and f[2] == "INS" for f in got), got


def test_partial_control_is_contested_on_the_map(theatre):
    got = [c for c in claims(theatre, "Rebels still control a strip of Kastani along the river.")
           if c.site == "vel-north"]
    assert got and all(c.part and c.fighting == "inside" for c in got)


def test_outskirts_are_around_the_site(theatre):
    got = facts(theatre, "Troops entered the outskirts of Dorrel on Tuesday.")
    assert ("vel-south", "siege", "GOV", "2021-03-09") in got


def test_a_list_of_unknown_districts_of_the_town_does_not_land_on_it(theatre):
    # "the Zuhur and Amal districts of Velmora" names no site of the map: no capture of the city.
    got = facts(theatre, "Troops took the Zuhur and Amal districts of Velmora on Tuesday.")
    assert not any(f[0] == "vel" and f[1] == "capture" for f in got), got


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
