"""Reading patterns of wire copy met on battles the corpus does not hold, in our own sentences.

Each test states how reporters write and what the reader must make of it;
each fails for a reader that returns nothing.
"""

import datetime as dt

import pytest
from conftest import read_claims as _claims

from conflictmap.geo.articles import Article
from conflictmap.geo.claims import extract_claims
from conflictmap.geo.mentions import find_mentions


def _about(gaz, actors, tmp_path, text, site, *types, counted=False):
    """The claims a report of ``text`` makes about ``site`` (of ``types``; only those that count)."""
    return [c for c in _claims(gaz, actors, tmp_path, text) if c.site == site
            and (not types or c.type in types) and (c.counts or not counted)]


def _counted(claims):
    return {(c.site.removeprefix("raqqa-"), c.type, c.actor) for c in claims if c.counts}


@pytest.mark.parametrize("text", [
    "Tabqa lies about 50 km west of SDF-held Raqqa.",
    "The dam lies only a few kilometres from SDF-held Raqqa, officials said.",
])
def test_a_town_that_lies_near_a_held_one_denies_nothing(gaz, actors, tmp_path, text):
    # "lies" as a verb places a town; only "lies" as a noun ("the reports are lies") denies.
    assert ("raqqa", "hold", "SDF") in _counted(_claims(gaz, actors, tmp_path, text))


@pytest.mark.parametrize("text", [
    "The Syrian Democratic Forces pressed on. The military said on Tuesday it had retaken the "
    "National Hospital, the last Islamic State stronghold in the city.",
    "SDF units advanced overnight. Officials said the National Hospital, an IS bastion for months, "
    "had been recaptured.",
])
def test_a_taking_of_a_sides_stronghold_is_by_its_enemy(gaz, actors, tmp_path, text):
    # No side is named for the taking, but the sentence says whose the site was: it was taken
    # from that side, by its enemy the report names; its hold comes before the fall.
    claims = _claims(gaz, actors, tmp_path, text)
    assert ("national-hospital", "capture", "SDF") in _counted(claims)
    hold = next(c for c in claims if c.type == "hold" and c.site.endswith("national-hospital"))
    capture = next(c for c in claims if c.type == "capture" and c.site.endswith("national-hospital"))
    assert hold.order < capture.order


@pytest.mark.parametrize("text,whole", [
    ("The SDF took full control of the neighbourhoods of Tabqa on Tuesday.", True),
    ("The SDF retook all the districts of the town of Tabqa on Tuesday.", True),
    ("The SDF pushed into Tabqa on Tuesday and took full control of its neighbourhoods.", True),
    ("The SDF pushed into Tabqa on Tuesday and took control of all of its districts.", True),
    ("The SDF pushed into Tabqa on Tuesday and took\u00a0full control of its\u00a0neighbourhoods.", True),
    ("The SDF seized the eastern neighbourhoods of Tabqa on Tuesday.", False),
    ("The SDF seized two of the districts of Tabqa on Tuesday.", False),
])
def test_all_of_a_places_parts_taken_are_all_of_it(gaz, actors, tmp_path, text, whole):
    # A place's parts by their plain plural, or "its" parts, are all of it; a number of them,
    # or those of one side of it, are part of it.
    takings = _about(gaz, actors, tmp_path, text, "tabqa", "capture", "full_control", counted=True)
    assert takings and takings[0].actor == "SDF"
    assert (not takings[0].part) is whole


@pytest.mark.parametrize("text,kind", [
    ("SDF fighters advanced westward and approached the village of Hawi al-Hawa.", "siege"),
    ("SDF units advanced and encircled the village of Hawi al-Hawa.", "siege"),
    ("SDF fighters advanced deep into Hawi al-Hawa on Tuesday.", "entry"),
])
def test_a_second_verb_between_a_move_and_its_site_owns_the_site(gaz, actors, tmp_path, text, kind):
    # "advanced westward and approached X": the move goes no further into X than the approach.
    moves = [c for c in _claims(gaz, actors, tmp_path, text)
             if c.site == "raqqa-hawi-al-hawa" and c.phrase.lower().startswith("advanced") and c.counts]
    assert moves and {c.type for c in moves} == {kind}


@pytest.mark.parametrize("text", [
    "The SDF took over lines of defence around Tabqa on Tuesday.",
    "The SDF captured positions surrounding Tabqa on Tuesday.",
])
def test_what_is_taken_around_a_site_is_not_the_site(gaz, actors, tmp_path, text):
    claims = _claims(gaz, actors, tmp_path, text)
    assert ("tabqa", "siege", "SDF") in _counted(claims)
    assert not any(c.site == "tabqa" and c.type in ("capture", "full_control") and c.counts for c in claims)


def test_what_it_was_possible_to_take_was_taken(gaz, actors, tmp_path):
    # A staff's "it was possible to liberate X" reports X taken, like "managed to liberate".
    text = ("SDF units pressed on. The SDF said that it was possible to liberate Tabqa and Ain Issa "
            "on Tuesday.")
    takings = [c for c in _claims(gaz, actors, tmp_path, text) if c.type == "capture" and c.counts]
    assert {c.site for c in takings} == {"tabqa", "raqqa-ain-issa"}


@pytest.mark.parametrize("text", [
    "During the offensive of the Syrian Democratic Forces on Tuesday, settlements were freed. "
    "Tabqa and Ain Issa were liberated, the staff said.",
    "The SDF's offensive went on. Tabqa and Ain Issa were liberated on Tuesday, the staff said.",
    # the side that took places the gazetteer does not name is the one on the offensive
    "The SDF have liberated five settlements. \"Tabqa and Ain Issa are liberated,\" a spokesman said.",
])
def test_a_taking_no_side_is_named_for_is_by_the_side_whose_offensive_it_is(gaz, actors, tmp_path, text):
    takings = [c for c in _claims(gaz, actors, tmp_path, text)
               if c.site in ("tabqa", "raqqa-ain-issa") and c.type == "capture" and c.counts]
    assert {c.site for c in takings} == {"tabqa", "raqqa-ain-issa"}
    assert {c.guess or c.actor for c in takings} == {"SDF"}


def _velmora(theatre, text):
    gaz, actors = theatre
    art = Article("t.txt", "t.txt", text, dt.date(2021, 3, 10), "header")
    return find_mentions(gaz, art), extract_claims(art, find_mentions(gaz, art), actors)


@pytest.mark.parametrize("text,named", [
    ("Fighting went on in the Velmora region.", False),
    ("Soldiers are in Dorrel, Velmora Oblast, a video showed.", False),
    ("Shells fell on Velmora province overnight.", False),
    ("Shells fell on Velmora overnight.", True),
])
def test_a_region_named_after_a_city_is_not_the_city(velmora, text, named):
    mentions, _ = _velmora(velmora, text)
    assert any(m.place == "vel" for m in mentions) is named


@pytest.mark.parametrize("text,claim", [
    ("The rebels withdrew their fighters from Dorrel on Wednesday.", ("vel-south", "loss", "INS")),
    ("The army has pulled its troops out of Dorrel.", ("vel-south", "loss", "GOV")),
    # "forces have withdrawn ... from" is no "force * from": a side's gap never opens on a verb
    ("Government forces have withdrawn their troops from Dorrel.", ("vel-south", "loss", "GOV")),
    # a capital outside the theatre that the actors file names as a side is that side
    ("Ankara withdrew from Dorrel on Wednesday.", ("vel-south", "loss", "GOV")),
])
def test_a_side_withdrawing_its_troops_loses_the_site(velmora, text, claim):
    _, claims = _velmora(velmora, text)
    counted = {(c.site, c.type, c.actor) for c in claims if c.counts}
    assert claim in counted
    assert not any(c.type in ("capture", "full_control") for c in claims if c.counts)


@pytest.mark.parametrize("text,side", [
    ("SDF units were keen to prevent further losses as IS used its momentum after seizing Tabqa.", "IS"),
    ("SDF units were on alert because IS fighters regrouped after seizing Tabqa.", "IS"),
    ("SDF units attacked IS positions after seizing Tabqa.", "SDF"),
])
def test_an_adjunct_takes_the_subject_of_the_clause_it_follows(gaz, actors, tmp_path, text, side):
    # "as IS used its momentum after seizing X": the side of the clause "as" opens is the one
    # seizing, not the sentence's subject; an object ("attacked IS positions") is no subject.
    takings = _about(gaz, actors, tmp_path, text, "tabqa", "capture")
    assert takings and {c.actor for c in takings} == {side}


@pytest.mark.parametrize("text,part", [
    ("The SDF retook Raqqa's main hospital on Tuesday.", True),
    ("IS fighters lost Raqqa's old cement plant on Tuesday.", True),
    ("The SDF announced Raqqa's liberation on Tuesday.", False),
    ("The SDF said Raqqa's full liberation was complete.", False),
])
def test_a_place_a_site_owns_is_in_it_its_own_fall_is_it(gaz, actors, tmp_path, text, part):
    # "X's main hospital" names a place in X (whatever word stands first); "X's liberation" is X's.
    takings = _about(gaz, actors, tmp_path, text, "raqqa", "capture", "loss")
    assert takings and all(c.part is part for c in takings)


@pytest.mark.parametrize("text,whole", [
    ("IS withdrew its fighters from Tabqa on Monday.", True),
    ("IS withdrew some of its fighters from Tabqa on Monday.", None),
    ("IS withdrew 300 fighters from Tabqa on Monday.", None),
    ("IS withdrew most of its fighters from Tabqa, keeping a rearguard in the town.", False),
])
def test_a_side_taking_out_a_share_of_its_men_keeps_the_rest_in(gaz, actors, tmp_path, text, whole):
    # All its fighters out: a loss of all of it; some or most of them: no loss, or of part of it.
    losses = _about(gaz, actors, tmp_path, text, "tabqa", "loss", counted=True)
    if whole is None:
        assert not losses
    else:
        assert losses and all(c.actor == "IS" and c.part is not whole for c in losses)


def test_a_share_of_its_districts_is_not_all_of_a_place(gaz, actors, tmp_path):
    text = "The SDF pushed into Tabqa on Tuesday and captured eleven of its districts."
    assert not any(c.site == "tabqa" and c.type in ("capture", "full_control") and not c.part and c.counts
                   for c in _claims(gaz, actors, tmp_path, text))


@pytest.mark.parametrize("text,status", [
    ("Reports said that SDF fighters entered Tabqa after IS militants were withdrawn from the town.",
     "asserted"),
    ("A statement said that the SDF had captured Tabqa, and IS claims of a counterattack were denied.",
     "asserted"),
    ("Reports that the SDF had seized Tabqa on Monday turned out to be false.", "denied"),
    ("Claims that the SDF had retaken Tabqa were later denied by the coalition.", "denied"),
])
def test_a_report_is_taken_back_only_by_a_verb_of_its_own(gaz, actors, tmp_path, text, status):
    # "were withdrawn" of troops, or a denial in another clause, takes nothing back.
    claims = [c for c in _claims(gaz, actors, tmp_path, text) if c.site == "tabqa" and c.actor == "SDF"]
    assert claims and {c.status for c in claims} == {status}


@pytest.mark.parametrize("text", [
    "The SDF pressed on. It seemed IS still controlled Tabqa.",
    "The SDF pressed on. It appeared the militants held Tabqa.",
])
def test_a_sentence_opening_it_seemed_is_not_the_side_before(gaz, actors, tmp_path, text):
    # "It seemed", "It appeared" are no subject standing for the side named before.
    holds = _about(gaz, actors, tmp_path, text, "tabqa", "hold")
    assert holds and all(c.actor != "SDF" for c in holds)


def test_a_side_that_repels_offensives_is_not_on_the_offensive(gaz, actors, tmp_path):
    text = "IS repelled offensives on three fronts. Tabqa was liberated on Tuesday, officials said."
    takings = _about(gaz, actors, tmp_path, text, "tabqa", "capture")
    assert takings and all("IS" not in (c.actor, c.guess) for c in takings)


@pytest.mark.parametrize("text,day", [
    ("The SDF captured 12 villages on Sunday. It was possible to liberate Tabqa and Ain Issa, it said.",
     "2017-10-15"),
    # more takings since the count are not the counted ones again
    ("The SDF captured 12 villages on Sunday. Since then, SDF fighters have also seized Tabqa and "
     "Ain Issa.", "2017-10-17"),
])
def test_a_list_restating_a_count_takes_its_day_new_takings_do_not(gaz, actors, tmp_path, text, day):
    takings = _about(gaz, actors, tmp_path, text, "tabqa", "capture")
    assert takings and {c.date.isoformat() for c in takings} == {day}
