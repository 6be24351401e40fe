"""Names as reports spell them: transliterations no file lists, asides and heads.

An agency writes the same neighbourhood "al-Khasaniya", "Al-Xesaniyê" (Kurdish
Latin) or "Khassaniyé" (French house style); a junction is a "Triangle",
"roundabout" or "square"; a name carries an aside ("the Palmyra (Tadmur)
Triangle"). The theatre here is invented.
"""

import datetime as dt

import pytest
from conftest import invented_theatre

from conflictmap.gazetteer import Gazetteer, fold
from conflictmap.geo.articles import Article
from conflictmap.geo.mentions import find_mentions

PLACES = [
    ("vel", "Velmora", "city", None, 30.00, 40.00),
    ("khas", "al-Khasaniya", "neighbourhood", "vel", 30.00, 40.01),
    ("sheikh", "Sheikh Aqil", "neighbourhood", "vel", 30.01, 40.00),
    ("naimi", "al-Naimi", "neighbourhood", "vel", 30.02, 40.00),
    ("tri", "Velmora Triangle", "junction", "vel", 30.03, 40.00),
    ("cit", "Velmora Citadel", "citadel", "vel", 30.04, 40.00),
    ("old", "Old Velmora", "landmark", "vel", 30.05, 40.00),
    ("gov", "Velmora provincial government compound", "landmark", "vel", 30.06, 40.00),
    ("kast", "Kastani", "district", "vel", 30.07, 40.00),
    ("barid", "Al-Barid", "neighbourhood", "vel", 30.08, 40.00),
]


@pytest.fixture(scope="module")
def gaz(tmp_path_factory):
    gaz, _ = invented_theatre(tmp_path_factory.mktemp("names"), PLACES)
    return Gazetteer.from_files([gaz], world=False)


def _places(gaz, text):
    art = Article("t.txt", "t.txt", text, dt.date(2021, 3, 10), "header")
    return [(m.text, m.place) for m in find_mentions(gaz, art)]


@pytest.mark.parametrize("a,b", [
    ("Mishtenur", "MişteNûr"),        # Kurdish Latin ş, û
    ("Chechenie", "Tchétchénie"),     # French tch, é
    ("Jebel", "Djebel"),              # French dj
    ("Yarmuk", "Yarmouk"),            # ou for u
    ("Kamishli", "Qamishli"),         # q for k
    ("Avdiivka", "Avdiïvka"),         # a diaeresis
])
def test_transliterations_fold_alike(a, b):
    assert fold(a) == fold(b)


@pytest.mark.parametrize("written,place", [
    ("Al-Xesaniyê", "khas"),   # Kurdish Latin x for kh, ê for a
    ("Şêx Eqîl", "sheikh"),    # ş, ê, î; x for kh
    ("El-Neîmî", "naimi"),     # el- for al-, î for i
    ("Berîd", "barid"),        # short, but its letters mark it a name
])
def test_spellings_no_file_lists_are_found(gaz, written, place):
    assert (written, place) in _places(gaz, f"Fighters entered {written} on Monday.")


def test_a_bracketed_aside_inside_a_name(gaz):
    assert ("Velmora (Velmoret) Triangle", "tri") in _places(
        gaz, "Troops took the Velmora (Velmoret) Triangle overnight.")


def test_overlapping_names_go_to_the_head(gaz):
    # "Old Velmora" and "Velmora Citadel" overlap: the phrase's head is the citadel.
    assert ("Velmora Citadel", "cit") in _places(gaz, "Shells hit the Old Velmora Citadel on Monday.")


@pytest.mark.parametrize("text,described,place", [
    ("Troops entered Velmora. They took the old citadel of Velmora.", "the old citadel", "cit"),
    ("Troops entered Velmora. They took the hilltop castle.", "the hilltop castle", "cit"),
    ("Troops entered Velmora. Militants still hold the provincial government offices.",
     "the provincial government offices", "gov"),
])
def test_descriptions_find_their_site(gaz, text, described, place):
    assert (described, place) in _places(gaz, text)


def test_a_description_of_an_unknown_name_is_no_site(gaz):
    # "the refinery town of Beiji": Beiji is not in the gazetteer, and not Velmora either.
    got = _places(gaz, "Troops entered Velmora. Earlier they took the refinery town of Beiji.")
    assert not any(t.startswith("the refinery town") for t, _ in got), got
