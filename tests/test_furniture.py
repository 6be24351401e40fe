"""Page furniture: what a stored news page carries around its report, and live blogs.

The pages are written here in the way aggregator and agency pages are stored:
navigation, the headline twice, a byline, a read-time counter, a caption with a
photo credit, related links and a last sentence cut off.
"""

import datetime as dt

import pytest
from conftest import invented_theatre

from conflictmap.gazetteer import Gazetteer
from conflictmap.geo.actors import Actors
from conflictmap.geo.articles import read_article
from conflictmap.geo.claims import extract_claims
from conflictmap.geo.furniture import dateline_end, page_lines
from conflictmap.geo.mentions import find_mentions

PAGE = """Skip to content
Menu
Army Retakes Kastani District After Week Of Street Fighting
Army Retakes Kastani District After Week Of Street Fighting
By Lena Marsh
4 min read
VELMORA (Wire) - Government forces said on Tuesday they had retaken the Kastani district of
Velmora after a week of street fighting, pushing the insurgents back towards the river.
Soldiers rest in a courtyard in Dorrel on Monday. (AFP)
"We moved street by street," a captain said, adding that engineers were clearing the area.
Related: Velmora's long siege explained
Five things to know about the river front
Insurgents still control Dorrel, where the army has made little progress since the"""


def _roles(text):
    return [(text[ln.start:ln.end].split("\n")[0][:30], ln.role) for ln in page_lines(text)]


def test_every_line_of_a_page_has_its_role():
    roles = [r for _, r in _roles(PAGE)]
    assert roles == ["navigation", "navigation", "headline", "duplicate", "byline", "navigation",
                     "body", "caption", "body", "navigation", "navigation", "body"]


def test_a_hard_wrapped_paragraph_is_one_line():
    body = [ln for ln in page_lines(PAGE) if ln.role == "body"][0]
    assert PAGE[body.start:body.end].endswith("towards the river.")


def test_the_page_cut_off_mid_sentence_is_marked():
    lines = page_lines(PAGE)
    assert lines[-1].truncated and not any(ln.truncated for ln in lines[:-1])


def test_a_line_in_another_language_is_foreign():
    text = ("Troops entered the town on Monday.\n\n"
            "Les forces gouvernementales sont entrées dans la ville lundi après des combats "
            "violents selon des sources locales.")
    assert [r for _, r in _roles(text)] == ["body", "foreign"]


@pytest.mark.parametrize("para,end", [
    ("VELMORA (Wire) - Troops took the bridge.", 17),
    ("Velmora, Dravia – Troops took the bridge.", 18),
    ("March 9 (UPI) -- Troops took the bridge.", 17),
    ("Troops took the bridge near Velmora - officials said.", 0),
])
def test_datelines(para, end):
    assert dateline_end(para) == end


BLOG = """Velmora live: the battle for the river districts

WEDNESDAY 10 MARCH

21:15
Government forces have taken the Iron Bridge, an army spokesman said.

14:02 GMT
Fighting is raging around the Iron Bridge, residents say.

TUESDAY 9 MARCH

18:30
Rebels shelled Kastani through the evening."""


def test_a_live_blog_gives_each_entry_its_time_and_day():
    entries = {BLOG[ln.start:ln.end][:20]: ln for ln in page_lines(BLOG) if ln.role == "body"}
    assert entries["Government forces ha"].clock == 21 * 60 + 15
    assert entries["Fighting is raging a"].clock == 14 * 60 + 2
    assert entries["Government forces ha"].day == "WEDNESDAY 10 MARCH"
    assert entries["Rebels shelled Kasta"].day == "TUESDAY 9 MARCH"
    assert {ln.role for ln in page_lines(BLOG)} >= {"headline", "dayline", "stamp", "body"}


# --- reading a page -------------------------------------------------------------------

PLACES = [("vel", "Velmora", "city", None, 30.0, 40.0),
          ("vel-north", "Kastani", "district", "vel", 30.0, 40.02),
          ("vel-south", "Dorrel", "district", "vel", 30.0, 39.98),
          ("vel-bridge", "Iron Bridge", "bridge", "vel", 30.02, 40.0)]


@pytest.fixture(scope="module")
def theatre(tmp_path_factory):
    d = tmp_path_factory.mktemp("page")
    gaz, actors = invented_theatre(d, PLACES)
    return d, Gazetteer.from_files([gaz], world=False), Actors.load(actors)


def _read(theatre, name, text):
    d, gaz, actors = theatre
    path = d / name
    path.write_text(text)
    art = read_article(path, dt.date(2021, 3, 10))
    return art, extract_claims(art, find_mentions(gaz, art), actors)


def test_a_page_stored_a_paragraph_a_line_is_not_joined():
    text = ("Ukrainian brigade says it can no longer hold the town alone as help arrives\n"
            "By A. Writer and B. Writer Associated Wire Updated 4:51 PM GMT\n"
            + "The brigade said its positions on the eastern edge had come under attack, and that "
              "reinforcements had reached the town overnight, a spokesman said on Tuesday.\n" * 3)
    roles = [ln.role for ln in page_lines(text)]
    assert roles[:2] == ["headline", "byline"], roles


def test_furniture_is_read_but_counted_once(theatre):
    _, claims = _read(theatre, "page.txt", PAGE)
    kastani = [c for c in claims if c.site == "vel-north" and c.type == "capture"]
    # The headline and its copy are read as furniture; the report's sentence counts once.
    assert {c.status for c in kastani} >= {"headline", "asserted"}
    assert sum(c.counts for c in kastani) == 1
    # The caption's "in Dorrel on Monday" is no claim of the day; the truncated hold is kept,
    # marked, and counts for less.
    dorrel = [c for c in claims if c.site == "vel-south" and c.type == "hold"]
    assert dorrel and all(c.actor == "INS" for c in dorrel)


def test_a_live_blog_read_newest_first_ends_the_day_on_its_last_entry(theatre):
    _, claims = _read(theatre, "blog.txt", BLOG)
    bridge = sorted((c for c in claims if c.site == "vel-bridge" and c.counts), key=lambda c: c.moment)
    # The 14:02 entry (fighting around it) comes before the 21:15 one (taken), whatever the page order.
    assert bridge and bridge[0].type == "siege" and bridge[-1].type == "capture", \
        [(c.type, c.clock) for c in bridge]
    assert bridge[0].clock == 14 * 60 + 2 and bridge[-1].clock == 21 * 60 + 15
    assert all(c.date == dt.date(2021, 3, 10) for c in bridge)
    shelled = [c for c in claims if c.site == "vel-north" and c.counts]
    assert shelled and all(c.date == dt.date(2021, 3, 9) for c in shelled)
