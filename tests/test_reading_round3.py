"""Reading patterns of wire copy, round three: how reporters write, in our own sentences.

Each test states the pattern and what the reader must make of it. A test of what
must be read fails for a reader that returns nothing; a test of what must not be read
asks, where it can, that the claim it is about is there (``claims and not ...``), and
otherwise stands beside the test of the rule it guards.
"""

import pytest
from conftest import read_claims as _claims


def _counted(claims, site):
    return {(c.type, c.actor, c.loser) for c in claims if c.site == site and c.counts}


@pytest.mark.parametrize("text,taker,loser", [
    # Taking down the other side's flag is taking the place: the remover takes it, the
    # side whose flag it was loses it.
    ("SDF fighters removed the Islamic State flag from Al-Naim Square on Tuesday, replacing it "
     "with their own.", "SDF", "IS"),
    ("Government troops tore down the black IS flags from Al-Naim Square.", "SYR", "IS"),
    ("Militants of the Islamic State took down the SDF flag from Al-Naim Square.", "IS", "SDF"),
    # and raising one's own flag "at" a place is as "over" it
    ("IS fighters hoisted their flag at Al-Naim Square.", "IS", None),
])
def test_a_flag_taken_down_or_raised_takes_the_place(gaz, actors, tmp_path, text, taker, loser):
    got = _counted(_claims(gaz, actors, tmp_path, text), "raqqa-al-naim-square")
    assert ("capture", taker, loser) in got


def test_a_flag_seen_from_afar_takes_nothing(gaz, actors, tmp_path):
    text = "Residents could see the Islamic State flag flying from Al-Naim Square, a witness said."
    assert not _counted(_claims(gaz, actors, tmp_path, text), "raqqa-al-naim-square")


@pytest.mark.parametrize("text,side", [
    # The pronoun of a reported clause is the side speaking, named before its verb of saying.
    ("The SDF said on Wednesday, after a night of clashes, that they had retaken the National "
     "Hospital.", "SDF"),
    ("Islamic State claimed in a statement that it had recaptured the National Hospital.", "IS"),
])
def test_they_in_a_reported_clause_is_the_speaker(gaz, actors, tmp_path, text, side):
    got = {(c.type, c.actor) for c in _claims(gaz, actors, tmp_path, text)
           if c.site == "raqqa-national-hospital"}
    assert got == {("capture", side)}



def test_an_epithet_a_preposition_governs_is_not_said_of_the_subject(gaz, actors, tmp_path):
    # "... as an offensive against IS stronghold west of ..." names another place: the
    # district the troops pushed into is not called IS's by it.
    text = ("SDF fighters advanced deeper into the city's eastern Al-Mishlab district on Tuesday "
            "as an offensive against IS "
            "stronghold east of the river entered its second week. Tabqa, one of the last IS "
            "strongholds in the region, was quiet.")
    claims = _claims(gaz, actors, tmp_path, text)
    holds = {c.site for c in claims if c.type == "hold" and c.actor == "IS"}
    assert "raqqa-al-mishlab" not in holds
    # the apposition is still said of its place
    assert "tabqa" in holds


@pytest.mark.parametrize("text", [
    # Adjectives of one noun with a comma between them are still the verb's object.
    "SDF fighters recaptured the large, central neighbourhood of Al-Mishlab on Tuesday.",
    "SDF fighters recaptured the sprawling, densely built district of Al-Mishlab on Tuesday.",
])
def test_adjectives_with_a_comma_before_the_site_are_its_modifiers(gaz, actors, tmp_path, text):
    assert ("capture", "SDF", None) in _counted(_claims(gaz, actors, tmp_path, text), "raqqa-al-mishlab")



@pytest.mark.parametrize("text,counts", [
    # A gerund after "on" is an aim, not an event: "focused on capturing X".
    ("The Islamic State has concentrated all its forces on capturing Tabqa, the SDF said.", False),
    ("Islamic State commanders are focused on retaking Tabqa.", False),
    ("IS insisted on storming Tabqa before the winter.", False),
    # "went on capturing" is a going on
    ("IS fighters went on capturing Tabqa and its dam.", True),
])
def test_a_gerund_after_on_is_an_aim(gaz, actors, tmp_path, text, counts):
    claims = [c for c in _claims(gaz, actors, tmp_path, text)
              if c.site == "tabqa" and c.type in ("capture", "entry")]
    assert claims
    assert any(c.counts for c in claims) is counts


@pytest.mark.parametrize("text", [
    # Translated ministry copy: "taken under control" is a taking, the list after it too.
    "SDF units have taken under control Tabqa, the National Hospital and the stadium, the command said.",
    "Tabqa was taken under full control by SDF units on Tuesday.",
])
def test_taken_under_control_is_a_taking(gaz, actors, tmp_path, text):
    got = _counted(_claims(gaz, actors, tmp_path, text), "tabqa")
    assert {(t, a) for t, a, _ in got} & {("capture", "SDF"), ("full_control", "SDF")}


@pytest.mark.parametrize("restated", [
    "The largest of them are Al-Hamrat, the village of Al-Kasrat and Hawi al-Hawa.",
    "Among them are Al-Hamrat, Al-Kasrat and Hawi al-Hawa.",
    "They include Al-Hamrat, Al-Kasrat and Hawi al-Hawa.",
    # a list its speaker closes is still only the list
    "They include Al-Hamrat, Al-Kasrat and Hawi al-Hawa, the SDF said.",
    "Among them are Al-Hamrat, Al-Kasrat and Hawi al-Hawa, according to a statement.",
])
def test_places_named_among_those_a_taking_counted_are_taken(gaz, actors, tmp_path, restated):
    # A taking of places it does not name, then a sentence that only names them: they are
    # taken as the first sentence says, by its side, on its day.
    text = f"SDF units took Tabqa and a number of nearby villages on Monday.\n\n{restated}"
    claims = _claims(gaz, actors, tmp_path, text)
    for site in ("raqqa-hamrat", "raqqa-kasrat", "raqqa-hawi-al-hawa"):
        got = [c for c in claims if c.site == site and c.counts]
        assert [(c.type, c.actor, c.date.isoformat()) for c in got] == [("capture", "SDF", "2017-10-16")]


@pytest.mark.parametrize("text", [
    # not a list of the places counted
    "SDF units took several villages on Monday. These villages are 10 km from Tabqa.",
    # the places counted were held, not taken
    "IS still holds a number of nearby villages. Among them are Tabqa and Al-Hamrat.",
])
def test_a_sentence_that_only_speaks_of_the_places_counted_takes_nothing(gaz, actors, tmp_path, text):
    claims = _claims(gaz, actors, tmp_path, text)
    assert not [c for c in claims if c.site in ("tabqa", "raqqa-hamrat") and c.type == "capture"]


@pytest.mark.parametrize("text", [
    # What a taking would bring is no taking: "By seizing X, they would ...".
    "By seizing Tabqa as well, the SDF would effectively cut the road to the west.",
    # a noun of taking that something is said of ahead: "its capture is seen as a stepping stone"
    "Tabqa had a population of 70,000 and its capture is seen as key to the whole campaign.",
    "The capture of Tabqa is crucial to the whole campaign, SDF commanders say.",
])
def test_what_a_taking_would_bring_is_no_taking(gaz, actors, tmp_path, text):
    claims = _claims(gaz, actors, tmp_path, text)
    assert [c for c in claims if c.site == "tabqa" and c.type == "capture"]
    assert not _counted(claims, "tabqa")


@pytest.mark.parametrize("text", [
    # looking back at a taking is no aim: these took Tabqa
    "The SDF's capture of Tabqa on Monday is seen as a major blow to IS.",
    "By seizing Tabqa on Monday, the SDF cut the main road, which IS may try to reopen.",
    "The defence minister congratulated the SDF on capturing Tabqa on Monday.",
])
def test_a_taking_looked_back_on_is_a_taking(gaz, actors, tmp_path, text):
    got = _counted(_claims(gaz, actors, tmp_path, text), "tabqa")
    assert {(t, a) for t, a, _ in got} & {("capture", "SDF"), ("capture", None)}


def test_a_noun_of_taking_owned_by_another_noun_is_not_a_taking_of_the_site_before(gaz, actors, tmp_path):
    # "... the dam ... for the city's liberation": the city's, not the dam's
    text = ("Although most of it is destroyed, engineers are on standby to repair Tabqa Dam in order "
            "for it to serve as a supply post for the western part of the city's liberation.")
    claims = _claims(gaz, actors, tmp_path, text)
    assert not [c for c in claims if c.site == "tabqa-dam" and c.type == "capture"]


def test_the_occupied_city_is_a_state_not_a_fall(gaz, actors, tmp_path):
    # "the occupied city of X" names who holds it in one side's words; it reports no capture
    text = "SDF units advanced north of the occupied city of Tabqa over several days."
    claims = _claims(gaz, actors, tmp_path, text)
    assert not [c for c in claims if c.site == "tabqa" and c.type == "capture"]
    # the verb is still a taking
    text = "IS fighters occupied Tabqa on Monday."
    assert ("capture", "IS", None) in _counted(_claims(gaz, actors, tmp_path, text), "tabqa")


@pytest.mark.parametrize("text,kind,side", [
    # The side whose flag goes up takes the place, whoever raised it.
    ("Then the commander of the fallen defenders raised the SDF flag over the National Hospital.",
     "capture", "SDF"),
    # the flag raised, said of the flag
    ("The SDF flag was raised over the National Hospital on Tuesday.", "capture", "SDF"),
    ("The SDF flag hoisted above the National Hospital was filmed on Tuesday.", "capture", "SDF"),
    # a flag still flying says who holds it
    ("The black IS flag still flies over the National Hospital, residents said.", "hold", "IS"),
])
def test_a_side_s_flag_over_a_place_is_that_side_s(gaz, actors, tmp_path, text, kind, side):
    got = _counted(_claims(gaz, actors, tmp_path, text), "raqqa-national-hospital")
    assert {(t, a) for t, a, _ in got} == {(kind, side)}


@pytest.mark.parametrize("text", [
    # A side owning up to a loss loses the place.
    "The insurgents on Tuesday acknowledged the loss of Dorrel.",
    "The rebels admitted the loss of Dorrel after a week of fighting.",
])
def test_a_side_acknowledging_a_loss_loses_the_place(velmora, tmp_path, text):
    gaz, actors = velmora
    got = _counted(_claims(gaz, actors, tmp_path, text), "vel-south")
    assert {(t, a) for t, a, _ in got} == {("loss", "INS")}


def test_a_side_saying_it_does_not_hold_a_place_has_lost_it(velmora, tmp_path):
    gaz, actors = velmora
    text = '"We do not control Dorrel," the rebels told reporters on Tuesday.'
    got = _counted(_claims(gaz, actors, tmp_path, text), "vel-south")
    assert {(t, a) for t, a, _ in got} == {("loss", "INS")}
    # "not fully": it holds part, it has not lost it
    text = '"We do not fully control Dorrel," the rebels said.'
    assert ("loss", "INS", None) not in _counted(_claims(gaz, actors, tmp_path, text), "vel-south")


@pytest.mark.parametrize("opener", ["Although", "Even though", "Because"])
def test_the_subject_of_a_fronted_subordinate_clause_is_not_the_main_clause_s(velmora, tmp_path, opener):
    # "Although the army hopes to hold on to X, a car bombing targeting Y ...": the bombing is
    # nobody named; the army is the subject of the clause "although" opens, not of the bombing.
    gaz, actors = velmora
    text = (f"{opener} the army wants to hold on to Velmora, a car bombing on Monday targeting "
            "Dorrel killed dozens.")
    sieges = [c for c in _claims(gaz, actors, tmp_path, text) if c.site == "vel-south"]
    assert sieges
    assert not any(c.actor == "GOV" for c in sieges)


def test_fighting_near_a_site_by_no_side_named_is_pressed_by_the_attacker(velmora, tmp_path):
    gaz, actors = velmora
    text = ("The rebels launched an offensive on Velmora on Sunday. Clashes are under way near Dorrel, "
            "a lawmaker said on Monday.")
    sieges = [c for c in _claims(gaz, actors, tmp_path, text) if c.site == "vel-south" and c.type == "siege"]
    assert sieges and {c.actor or c.guess for c in sieges} == {"INS"}


@pytest.mark.parametrize("text,part", [
    # "nearly all of X" is most of it: the loser still holds some of it
    ("The monitor said on Saturday that the rebels had lost nearly all of Velmora to the army.", True),
    ("The rebels had lost almost all of Velmora by Saturday.", True),
    ("The rebels had lost all of Velmora by Saturday.", False),
])
def test_nearly_all_of_a_place_is_part_of_it(velmora, tmp_path, text, part):
    gaz, actors = velmora
    losses = [c for c in _claims(gaz, actors, tmp_path, text) if c.site == "vel" and c.type == "loss"]
    assert losses and {c.part for c in losses} == {part}


def test_the_others_of_a_group_are_not_the_side_named_before(velmora, tmp_path):
    # "..., with some police surrendering to the rebels and others retreating to X": "others"
    # are of a group the sentence does not name as a side; the rebels are not in X.
    gaz, actors = velmora
    text = ("By Thursday the rebels had taken the city, with some policemen surrendering to the "
            "militants and others retreating to Dorrel.")
    assert not [c for c in _claims(gaz, actors, tmp_path, text)
                if c.site == "vel-south" and c.actor == "INS" and c.counts]


@pytest.mark.parametrize("text,kind,side", [
    # An object that names some of its places: each named one is the verb's object.
    ("SDF fighters captured several villages, including Al-Hamrat, on Tuesday.", "capture", "SDF"),
    ("IS fighters held on to key positions, including Al-Hamrat and Al-Kasrat, on Tuesday.", "hold", "IS"),
])
def test_places_a_verb_s_object_includes_are_its_objects(gaz, actors, tmp_path, text, kind, side):
    assert (kind, side, None) in _counted(_claims(gaz, actors, tmp_path, text), "raqqa-hamrat")


@pytest.mark.parametrize("text", [
    # A report denied is denied however far its claim stands from the verb of denial.
    "The regional governor also denied the information about the transition of the settlements of "
    "Al-Hamrat and Al-Kasrat near the river under the control of SDF formations.",
    "IS rejected claims that in the course of the night its fighters had been driven out of Al-Hamrat "
    "by the SDF.",
])
def test_a_report_denied_is_denied_however_long(gaz, actors, tmp_path, text):
    claims = [c for c in _claims(gaz, actors, tmp_path, text) if c.site == "raqqa-hamrat"]
    assert claims and not any(c.counts for c in claims)


@pytest.mark.parametrize("text", [
    # "If confirmed, ..." doubts the main clause: its subordinate clause is not cut off
    "If confirmed, SDF fighters have taken full control of Tabqa.",
    "If the reports are true, IS fighters have recaptured Tabqa.",
])
def test_if_confirmed_still_doubts_the_main_clause(gaz, actors, tmp_path, text):
    claims = [c for c in _claims(gaz, actors, tmp_path, text) if c.site == "tabqa"]
    assert claims and not any(c.counts for c in claims)


@pytest.mark.parametrize("text", [
    # a third party's "does not control" and "not all of" are no loss
    "The Syrian army does not control Tabqa, which has been held by the SDF since May.",
    '"We do not control all of Tabqa yet," an SDF commander said.',
])
def test_not_controlling_said_of_others_or_of_all_is_no_loss(gaz, actors, tmp_path, text):
    claims = [c for c in _claims(gaz, actors, tmp_path, text) if c.site == "tabqa"]
    assert claims and not [c for c in claims if c.type == "loss" and c.counts]


@pytest.mark.parametrize("text", [
    # fighting near another noun the site only locates presses nobody on the site
    "The SDF launched an offensive on Raqqa on Sunday. Heavy fighting was reported in villages near Tabqa.",
    "The SDF launched an offensive on Raqqa on Sunday. Thousands of civilians fled fighting near Tabqa.",
])
def test_fighting_near_another_noun_presses_nobody_on_the_site(gaz, actors, tmp_path, text):
    claims = [c for c in _claims(gaz, actors, tmp_path, text) if c.site == "tabqa"]
    assert claims and not any(c.guess or c.actor for c in claims)


@pytest.mark.parametrize("text", [
    # the pronoun of a reported clause is not the other side the subject speaks of
    "The SDF accused IS of using civilians as human shields and said that it had captured Tabqa.",
    "Doctors treating wounded IS fighters said that they had evacuated Tabqa.",
])
def test_they_in_a_reported_clause_is_not_a_side_the_speaker_names(gaz, actors, tmp_path, text):
    claims = [c for c in _claims(gaz, actors, tmp_path, text) if c.site == "tabqa"]
    assert claims and not any(c.actor == "IS" for c in claims)


def test_the_area_between_two_places_is_neither(gaz, actors, tmp_path):
    text = "SDF units made gains in the area between Tabqa and Ain Issa on Tuesday."
    claims = _claims(gaz, actors, tmp_path, text)
    assert not [c for c in claims if c.site in ("tabqa", "raqqa-ain-issa") and c.counts]
    # the same gains in one of them are in it
    text = "SDF units made gains in Tabqa on Tuesday."
    assert [c for c in _claims(gaz, actors, tmp_path, text) if c.site == "tabqa" and c.counts]


def test_a_denial_in_a_fronted_concessive_clause_is_the_main_clause_s(gaz, actors, tmp_path):
    text = "Although denied by the SDF, IS said it had recaptured Tabqa."
    claims = [c for c in _claims(gaz, actors, tmp_path, text) if c.site == "tabqa" and c.type == "capture"]
    assert claims and not any(c.counts for c in claims)
