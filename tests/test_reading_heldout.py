"""Reading patterns found on held-out wire reports, each with sentences written for the test."""

import pytest
from conftest import read_claims as _claims


def _counted(claims, site):
    return [(c.type, c.actor, c.taker) for c in claims if c.counts and c.site == f"raqqa-{site}"]


@pytest.mark.parametrize("text,site", [
    ("SDF units moved to within 5 km (3 miles) of the Old City on Tuesday.", "old-city"),
    ("Kurdish-led forces advanced to within two kilometres (1.2 miles) of the National Hospital.",
     "national-hospital"),
])
def test_a_bracketed_conversion_does_not_hide_how_far_from_the_site(gaz, actors, tmp_path, text, site):
    # "within 5 km (3 miles) of X" is outside X: pressure on it, not an entry into it.
    got = _counted(_claims(gaz, actors, tmp_path, text), site)
    assert got and all(t == "siege" for t, _, _ in got)


@pytest.mark.parametrize("text,site", [
    ("SDF fighters briefly captured the Al-Mishlab district before Islamic State suicide bombers "
     "pushed them out on Saturday.", "al-mishlab"),
    ("The SDF briefly entered the Old City on Monday but were pushed back.", "old-city"),
    ("SDF fighters briefly stormed the municipal stadium on Sunday, only to be driven out hours later.",
     "municipal-stadium"),
])
def test_a_brief_taking_undone_in_its_sentence_ends_with_the_other_side(gaz, actors, tmp_path, text,
                                                                          site):
    claims = [c for c in _claims(gaz, actors, tmp_path, text) if c.counts and c.site == f"raqqa-{site}"]
    (loss,) = [c for c in claims if c.type == "loss"]
    assert loss.actor == "SDF" and loss.taker == "IS"
    # The loss comes after the brief taking in the day's order.
    assert all(loss.order > c.order for c in claims if c is not loss)


def test_a_taking_that_was_not_brief_is_not_undone(gaz, actors, tmp_path):
    text = "The SDF captured the Old City before pushing on to the clock tower."
    assert ("capture", "SDF", None) in _counted(_claims(gaz, actors, tmp_path, text), "old-city")
    assert not [c for c in _claims(gaz, actors, tmp_path, text) if c.type == "loss"]


@pytest.mark.parametrize("text,taken,beside", [
    ("SDF fighters seized the hill above the National Hospital.", "tell-al-bia", "national-hospital"),
    ("The SDF seized the clock tower, located above the Old City.", "clock-tower", "old-city"),
    ("SDF fighters took the hill beneath the clock tower on Tuesday.", "tell-al-bia", "clock-tower"),
])
def test_a_place_above_or_beneath_a_site_is_not_the_site(gaz, actors, tmp_path, text, taken, beside):
    claims = _claims(gaz, actors, tmp_path, text)
    assert not [t for t, _, _ in _counted(claims, beside) if t in ("capture", "full_control")]
    assert ("capture", "SDF", None) in _counted(claims, taken)


@pytest.mark.parametrize("text,site", [
    ("Earlier it was reported that the SDF had already captured the National Hospital, but that "
     "proved premature.", "national-hospital"),
    ("Reports that the SDF had seized the clock tower turned out to be false.", "clock-tower"),
    ("The SDF captured the National Hospital on Monday, a commander said. That later proved premature.",
     "national-hospital"),
    ("SDF fighters took the clock tower on Monday. Fighting went on. Reports that the SDF had taken "
     "the clock tower turned out to be premature, residents said.", "clock-tower"),
])
def test_a_taking_the_report_calls_premature_or_false_is_denied(gaz, actors, tmp_path, text, site):
    claims = [c for c in _claims(gaz, actors, tmp_path, text) if c.site == f"raqqa-{site}"]
    assert claims and all(c.status == "denied" and not c.counts for c in claims)


def test_a_taking_stands_when_only_other_reports_proved_false(gaz, actors, tmp_path):
    text = "The SDF took the clock tower after reports that it had fallen proved false."
    assert ("capture", "SDF", None) in _counted(_claims(gaz, actors, tmp_path, text), "clock-tower")


@pytest.mark.parametrize("text,whole", [
    ("The SDF drove the jihadists out of the Old City on Tuesday.", True),
    ("The SDF drove the jihadists out of parts of the Old City on Tuesday.", False),
])
def test_driving_the_enemy_out_of_a_site_leaves_all_of_it_to_the_actor(gaz, actors, tmp_path, text, whole):
    claims = [c for c in _claims(gaz, actors, tmp_path, text) if c.counts and c.site == "raqqa-old-city"]
    assert [(c.type, c.actor, c.loser, c.part) for c in claims] == [("capture", "SDF", "IS", not whole)]
    # Left whole, as after a withdrawal from it: to the actor.
    assert [(c.withdrawal, c.taker) for c in claims] == [(True, "SDF") if whole else (False, None)]


@pytest.mark.parametrize("text,plain,site", [
    ("The SDF seized districts north of the Old City on Tuesday.",
     "The SDF seized the Old City on Tuesday.", "old-city"),
    ("SDF units took two villages east of the National Hospital overnight.",
     "SDF units took the National Hospital overnight.", "national-hospital"),
    ("The SDF captured the road linking the Old City to the clock tower.",
     "The SDF captured the Old City.", "old-city"),
    ("Kurdish-led forces seized the main highway connecting the National Hospital with the stadium.",
     "Kurdish-led forces seized the National Hospital.", "national-hospital"),
])
def test_what_is_taken_beside_a_site_says_nothing_of_who_holds_it(gaz, actors, tmp_path, text, plain,
                                                                   site):
    # Not a siege either: a siege hands the site to the taker's enemy, who may not hold it.
    assert not [c for c in _claims(gaz, actors, tmp_path, text) if c.site == f"raqqa-{site}" and c.counts]
    # Taken outright, the same site is taken.
    assert [c for c in _claims(gaz, actors, tmp_path, plain) if c.site == f"raqqa-{site}" and c.counts]


def test_two_northern_neighbourhoods_of_a_city_are_part_of_it(gaz, actors, tmp_path):
    text = "The SDF took two northern neighbourhoods of Raqqa on Tuesday."
    (claim,) = [c for c in _claims(gaz, actors, tmp_path, text) if c.counts and c.site == "raqqa"]
    assert claim.type == "capture" and claim.actor == "SDF" and claim.part
    # A plural before a list of names names them.
    listed = "The SDF took the neighbourhoods of Al-Mishlab and Al-Sinaa on Tuesday."
    got = {c.site: c.part for c in _claims(gaz, actors, tmp_path, listed) if c.counts}
    assert got == {"raqqa-al-mishlab": False, "raqqa-al-sinaa": False}


def test_a_site_excepted_from_a_taking_is_not_taken(gaz, actors, tmp_path):
    text = "The SDF captured most of Raqqa on Tuesday, except the National Hospital."
    claims = [c for c in _claims(gaz, actors, tmp_path, text) if c.counts]
    assert [(c.site, c.type, c.part) for c in claims if c.site == "raqqa"] == [("raqqa", "capture", True)]
    assert not [c for c in claims if c.site == "raqqa-national-hospital"]


def test_a_sentence_opening_on_it_is_the_side_of_the_sentence_before(gaz, actors, tmp_path):
    text = "The SDF said on Monday its fighters had pushed into the Old City. It also seized the clock tower."
    assert ("capture", "SDF", None) in _counted(_claims(gaz, actors, tmp_path, text), "clock-tower")
    # "It was ..." is a dummy subject, no side.
    dummy = "The SDF pushed into the Old City. It was unclear who held the clock tower."
    assert not [c for c in _claims(gaz, actors, tmp_path, dummy) if c.site == "raqqa-clock-tower" and c.actor]


@pytest.mark.parametrize("text,site,status", [
    ("The SDF aim to storm the Old City this week, bringing them full control of Raqqa.", "raqqa",
     "intent"),
    ("Commanders plan to take the clock tower, giving the SDF control of the Old City.",
     "raqqa-old-city", "intent"),
    ("The SDF stormed the Old City on Tuesday, bringing them full control of Raqqa.", "raqqa",
     "asserted"),
])
def test_a_consequence_clause_is_as_doubtful_as_what_it_follows(gaz, actors, tmp_path, text, site, status):
    got = {c.status for c in _claims(gaz, actors, tmp_path, text) if c.site == site
           and c.type in ("full_control", "hold")}
    assert got == {status}


@pytest.mark.parametrize("text,day", [
    ("The SDF entered the Old City on Monday. By evening SDF fighters had taken the clock tower.",
     "2017-10-16"),
    ("SDF fighters stormed the Old City on Sunday. Hours later they seized the clock tower, the SDF said.",
     "2017-10-15"),
    # A day of its own wins.
    ("The SDF entered the Old City on Monday. Later, SDF fighters captured the clock tower on Tuesday.",
     "2017-10-17"),
])
def test_a_later_that_day_sentence_takes_the_day_of_the_one_before(gaz, actors, tmp_path, text, day):
    (claim,) = [c for c in _claims(gaz, actors, tmp_path, text) if c.site == "raqqa-clock-tower"
                and c.type == "capture"]
    assert claim.date.isoformat() == day


@pytest.mark.parametrize("text,site", [
    ("Islamic State militants attacked SDF troops in the Old City on Tuesday.", "old-city"),
    ("The jihadists shelled SDF troops inside the National Hospital overnight.", "national-hospital"),
    ("Islamic State attacks on SDF units in the Al-Mishlab district killed five fighters.", "al-mishlab"),
])
def test_an_attack_on_a_side_in_a_site_says_that_side_is_in_it(gaz, actors, tmp_path, text, site):
    got = _counted(_claims(gaz, actors, tmp_path, text), site)
    assert ("presence", "SDF", None) in got
    # Pressure, if any, is the attacker's on the side inside, never the attacked side's.
    assert not [a for t, a, _ in got if t == "siege" and a == "SDF"]


def test_an_attack_on_a_site_is_still_pressure_on_it(gaz, actors, tmp_path):
    text = "SDF fighters attacked the Old City on Tuesday."
    assert ("siege", "SDF", None) in _counted(_claims(gaz, actors, tmp_path, text), "old-city")


@pytest.mark.parametrize("header", ["Thursday, April 18, 2024", "Saturday, 4 May 2024"])
def test_the_pages_own_date_line_is_not_a_day_of_the_report(gaz, actors, tmp_path, header):
    # A scraped page that opens with the day it was saved on: the report's days are its own.
    text = (f"{header}\n\nSDF fighters recaptured the Al-Mishlab district on Sunday, a commander said.\n\n"
            "The SDF said it had also seized the clock tower.")
    claims = [c for c in _claims(gaz, actors, tmp_path, text) if c.counts and c.type == "capture"]
    assert {(c.site, c.date.isoformat()) for c in claims} == {
        ("raqqa-al-mishlab", "2017-10-15"), ("raqqa-clock-tower", "2017-10-17")}


@pytest.mark.parametrize("text,held", [
    # The hold's own object is outside the place "where" stands for.
    ("Clashes went on around the Old City, where Islamic State militants are still in control of a "
     "cement plant outside the district.", False),
    ("The SDF surrounded the Old City, where Islamic State militants still hold several hundred "
     "civilians.", False),
    # With no object of its own, the hold is of that place.
    ("The SDF surrounded the Old City, which Islamic State militants still hold.", True),
])
def test_a_hold_with_its_own_object_in_a_where_clause_is_not_of_the_place(gaz, actors, tmp_path, text,
                                                                          held):
    got = _counted(_claims(gaz, actors, tmp_path, text), "old-city")
    assert got and (("hold", "IS", None) in got) == held


@pytest.mark.parametrize("text,parts", [
    # The plural noun closing the list heads both names: half of each.
    ("The SDF retook more than half of the Al-Mishlab and Al-Sinaa districts on Sunday.",
     {"raqqa-al-mishlab": True, "raqqa-al-sinaa": True}),
    # Without it, the part is the first name's only.
    ("The SDF seized most of Al-Mishlab and the clock tower on Sunday.",
     {"raqqa-al-mishlab": True, "raqqa-clock-tower": False}),
])
def test_a_part_before_a_list_that_shares_its_noun_is_of_each_place(gaz, actors, tmp_path, text, parts):
    got = {c.site: c.part for c in _claims(gaz, actors, tmp_path, text) if c.counts and c.type == "capture"}
    assert got == parts


def test_a_place_the_site_owns_is_taken_in_it_not_the_site(gaz, actors, tmp_path):
    text = "The SDF also retook the city's sugar factory on Monday."
    (claim,) = [c for c in _claims(gaz, actors, tmp_path, text) if c.counts and c.site == "raqqa"]
    assert claim.type == "capture" and claim.actor == "SDF" and claim.part
    # A claim noun after the possessive is the site's own taking.
    assert not [c for c in _claims(gaz, actors, tmp_path, "The SDF celebrated Raqqa's liberation on Tuesday.")
                if c.counts and c.site == "raqqa" and c.part]


@pytest.mark.parametrize("text,day", [
    ("The capture of the clock tower by the SDF was the biggest gain of the offensive launched on "
     "October 2.", "2017-10-17"),
    ("SDF fighters took the clock tower, in an operation that began on Sunday.", "2017-10-17"),
    # The phrase's own date stands.
    ("SDF fighters took the clock tower on Sunday.", "2017-10-15"),
])
def test_the_day_something_else_was_launched_is_not_the_day_of_the_claim(gaz, actors, tmp_path, text, day):
    (claim,) = [c for c in _claims(gaz, actors, tmp_path, text) if c.site == "raqqa-clock-tower"
                and c.type == "capture"]
    assert claim.date.isoformat() == day
