"""Reading patterns of wire copy, round four: how reporters write, in our own sentences.

As in round three: a test of what must be read fails for a reader that returns nothing,
and a test of what must not be read asks, where it can, that the claim it is about is there.
"""

import pytest
from conftest import read_claims as _claims


def _counted(claims, site):
    return {(c.type, c.actor) for c in claims if c.site == site and c.counts}


@pytest.mark.parametrize("text", [
    # A site given over is taken by the side it goes to, however the noun is built.
    "The handover of the National Hospital to the SDF was completed on Tuesday, officials said.",
    "Local officials confirmed the transfer of the National Hospital to SDF forces.",
    "The transition of the National Hospital under the control of the SDF was announced on Tuesday.",
    "Residents watched the handover of the National Hospital into the hands of the SDF.",
])
def test_a_site_handed_over_is_taken_by_the_side_it_goes_to(gaz, actors, tmp_path, text):
    assert _counted(_claims(gaz, actors, tmp_path, text), "raqqa-national-hospital") == {("capture", "SDF")}


@pytest.mark.parametrize("text", [
    # no side it goes to: the transfer of people or goods to a place takes nothing
    "The transfer of the wounded to the National Hospital continued through the night.",
    "The handover of aid to the National Hospital was delayed by shelling, the SDF said.",
])
def test_a_transfer_to_a_site_takes_nothing(gaz, actors, tmp_path, text):
    assert not _counted(_claims(gaz, actors, tmp_path, text), "raqqa-national-hospital")


def test_a_deal_to_hand_a_site_over_is_not_its_handover(gaz, actors, tmp_path):
    text = "IS fighters agreed to the handover of the National Hospital to the SDF, a mediator said."
    claims = [c for c in _claims(gaz, actors, tmp_path, text)
              if c.site == "raqqa-national-hospital" and c.type == "capture"]
    assert claims and not any(c.counts for c in claims)


def test_what_is_said_after_the_names_is_still_no_list(gaz, actors, tmp_path):
    # a sentence that goes on about the places after naming them is not the list
    text = ("SDF units took Tabqa and a number of nearby villages on Monday.\n\n"
            "They include Al-Hamrat, where IS fighters still hold the school, residents said.")
    claims = _claims(gaz, actors, tmp_path, text)
    assert ("capture", "SDF") in _counted(claims, "tabqa")
    assert ("capture", "SDF") not in _counted(claims, "raqqa-hamrat")


@pytest.mark.parametrize("text,claim", [
    # a side letting go of its hold loses the place; a hold held sway is a hold
    ("IS lost its grip on Tabqa on Tuesday after a week of fighting.", ("loss", "IS")),
    ("The militants lost their hold over Tabqa, activists said.", ("loss", "IS")),
    ("The SDF now holds sway over Tabqa, residents said.", ("hold", "SDF")),
    # mopping up a place's last resistance is taking it
    ("SDF fighters mopped up the last pockets of resistance in Tabqa on Tuesday.", ("capture", "SDF")),
    # a place back in a side's hands was taken back
    ("Tabqa was back in SDF hands on Tuesday, a spokesman said.", ("capture", "SDF")),
    ("After two days of fighting, Tabqa is back under SDF control.", ("capture", "SDF")),
])
def test_grip_sway_mopping_up_and_back_in_hands(gaz, actors, tmp_path, text, claim):
    got = _counted(_claims(gaz, actors, tmp_path, text), "tabqa")
    assert claim in got
    if claim[0] == "loss":
        assert ("hold", "IS") not in got  # "lost its grip on" is not IS's grip


@pytest.mark.parametrize("text", [
    # a short sentence opening on "By" and a time is a sentence, not a byline
    "By Tuesday, Tabqa had fallen to the SDF.",
    "By evening the SDF had captured Tabqa.",
])
def test_a_sentence_opening_on_by_and_a_time_is_read(gaz, actors, tmp_path, text):
    assert ("capture", "SDF") in _counted(_claims(gaz, actors, tmp_path, text), "tabqa")


def test_a_byline_is_still_a_byline(tmp_path):
    from conflictmap.geo.articles import read_article

    path = tmp_path / "r.txt"
    path.write_text(" date 2017-10-17\nSDF takes Tabqa\n\n"
                    "By John Smith and Ellen Francis, updated 2 hours ago\n\n"
                    "The SDF captured Tabqa on Tuesday, officials said.\n", encoding="utf-8")
    body = [s.text for s in read_article(path).sentences if s.role == "body"]
    assert body == ["The SDF captured Tabqa on Tuesday, officials said."]
