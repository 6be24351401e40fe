"""Properties of the name fold, the gazetteer matcher, the article reader and the dates.

Hypothesis runs derandomized (the same examples on every run), so that CI is
deterministic; each property has a regular test beside it for the bugs it found.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from conflictmap.gazetteer import Gazetteer, fold, fold_with_offsets
from conflictmap.gazetteer.names import fold_many
from conflictmap.geo.articles import NoDateError, Text, read_article, read_text
from conflictmap.geo.dates import PRECISIONS, find_dates
from conflictmap.geo.errors import InputError

# CONFLICTMAP_PROPERTY_EXAMPLES=5000 searches longer, and randomly, where a bug is suspected.
_DEEP = os.environ.get("CONFLICTMAP_PROPERTY_EXAMPLES")
FAST = settings(max_examples=int(_DEEP or 200), deadline=None, derandomize=not _DEEP,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
# Text a fold rule reads: the letters of its digraphs, doubled letters, apostrophes, hyphens.
RULE_LETTERS = st.text(st.sampled_from("dhjotcsekuai'’- \u0301\x02"), max_size=40)
ANY_TEXT = st.one_of(st.text(max_size=120), RULE_LETTERS)


# --- fold ------------------------------------------------------------------------------------

@FAST
@given(ANY_TEXT)
@example("thht")
@example("ddj")
def test_fold_is_idempotent(text):
    key = fold(text)
    assert fold(key) == key


@FAST
@given(ANY_TEXT)
@example("0:\x02")
def test_fold_with_offsets_agrees_with_fold(text):
    folded = fold_with_offsets(text)
    assert folded.key == fold(text) == fold_many([text])[0]
    starts = folded.starts.tolist()
    assert len(starts) == len(folded.key)
    assert all(0 <= s < len(text) for s in starts)
    assert all(a < b for a, b in pairwise(starts))


@FAST
@given(ANY_TEXT)
def test_a_folded_word_maps_back_to_text_that_folds_to_it(text):
    folded = fold_with_offsets(text)
    key = folded.key
    for m in re.finditer(r"[^ ]+", key):  # whole words of the key: the matcher's unit
        s, e = folded.span(m.start(), m.end())
        assert 0 <= s < e <= len(text)
        assert fold(text[s:e]) == m.group(), (text[s:e], m.group())


@pytest.mark.parametrize("text,key", [("thht", "t"), ("dhh", "d"), ("ddj", "j"), ("ttchh", "c")])
def test_fold_reaches_its_fixed_point(text, key):
    # One pass of the rules left "tht", "dh", "dj": letters a drop brought together.
    assert fold(text) == key == fold_with_offsets(text).key == fold_many([text])[0]


@pytest.mark.parametrize("text,key", [("the 'Raqqa's' streets", "te raka s strits"),
                                      ("Raqqa’s’ east", "raka s east"), ("Raqqa's''", "raka s"),
                                      ("0'S'", "0 s")])
def test_a_quoted_possessive_still_ends_the_name(text, key):
    # The quote after the s hid the possessive: "rakas", and Raqqa was not found.
    assert fold(text) == key == fold_with_offsets(text).key == fold_many([text])[0]


def test_a_quoted_possessive_name_is_matched(gaz):
    text = "Fighting reached the 'Raqqa's' old city."
    assert [m.text for m in gaz.match(text)][:1] == ["Raqqa"]


def test_a_control_character_folds_as_a_space_in_all_three_folds():
    # U+0002 was kept by fold and dropped by fold_with_offsets (it is fold_many's separator).
    assert fold("0:\x02") == fold_with_offsets("0:\x02").key == "0"
    assert fold("a\x02b") == fold_with_offsets("a\x02b").key == fold_many(["a\x02b"])[0] == "a b"
    assert fold_many(["a", "b\x02c"]) == ["a", "b c"]


def test_a_long_text_folds_as_its_words_do():
    # Longer than 256 characters: fold takes the array path, which passes only some words again.
    words = ["thht", "Raqqah's", "ddj", "Naeem", "Shhh", "Lastotchkyne"] * 20
    assert fold(" ".join(words)) == " ".join(fold(w) for w in words)


# --- the gazetteer matcher -------------------------------------------------------------------

_NAMES: list[tuple[str, str]] = []


def _theatre_names(gaz: Gazetteer) -> list[tuple[str, str]]:
    """(place id, a name or alias) of the theatre's places whose name the matcher finds alone."""
    if not _NAMES:
        places = gaz.places
        for pid, name, aliases in zip(places["id"], places["name"], places["aliases"], strict=True):
            if places.loc[places["id"] == pid, "layer"].iloc[0] != "theatre":
                continue
            for n in (name, *aliases):
                if [(m.start, m.end) for m in gaz.match(n)] == [(0, len(n))]:
                    _NAMES.append((pid, n))
    return _NAMES


# Words around the name: never letters or digits against it, so that it stays a word.
_FILLER = st.text(st.characters(blacklist_categories=("L", "M", "N", "Cs", "Cc", "Cf", "Pc")),
                  max_size=20)


@FAST
@given(st.data(), _FILLER, _FILLER)
def test_an_embedded_name_is_found_where_it_is(gaz, data, before, after):
    pid, name = data.draw(st.sampled_from(_theatre_names(gaz)))
    # A space each side, and a full stop first: the name opens no sentence of its own words.
    text = f"Reports {before} near {name} {after} said."
    at = text.index(f" {name} ") + 1
    found = [m for m in gaz.match(text) if m.start < at + len(name) and at < m.end]
    assert found, (text, name)
    m = found[0]
    assert text[m.start:m.end] == m.text
    # A longer name may take it in (a square named after the city): it then covers it.
    assert m.start <= at and at + len(name) <= m.end
    if (m.start, m.end) == (at, at + len(name)):
        assert pid in m.ids
        assert fold(m.text) == fold(name)


@FAST
@given(st.one_of(st.text(max_size=120),
                 st.lists(st.sampled_from(["Raqqa", "Raqqah's", "al-Barid", "Tabqa", "\u0301", "—", " ",
                                           "Ain Issa", "x", "\x02", "'"]), max_size=12).map("".join)))
def test_every_match_is_the_text_of_a_name_of_its_places(gaz, text):
    for m in gaz.match(text):
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start:m.end] == m.text
        key = fold(m.text)
        # The key is one under which the index holds these places: a variant of one of their names.
        assert set(m.ids) <= set(gaz._index.get(key)), (m, key)


# --- the article reader ----------------------------------------------------------------------

# Pieces of header blocks, good and bad, with line ends of every kind between them.
_HEADERISH = st.lists(st.one_of(st.sampled_from([
    " date 2017-10-16", "date: 2017-02-30", "DATE=2017-10-16 - ", "source: AP", "outlet: x", "title:",
    "url: https://example.org/a", "url: javascript:alert(1)", "author:\t", "\n", "\r\n", "\u2028",
    "\x0b", "\x00", " ", "Update: the army"]), st.text(max_size=12)), max_size=10).map("".join)


@FAST
@given(st.one_of(st.text(max_size=300), _HEADERISH))
def test_any_unicode_text_reads_as_an_article_or_the_documented_error(text):
    try:
        art = read_article(Text("x.txt", text, "utf-8"))
    except (InputError, NoDateError) as exc:
        assert "\n" not in str(exc) and str(exc).startswith("x.txt")
        return
    assert art.text.strip()


_BYTES = st.one_of(st.binary(max_size=400),
                   st.text(max_size=200).map(lambda t: (" date 2017-10-16\n" + t).encode("utf-8", "replace")))


@FAST
@given(_BYTES)
def test_any_bytes_read_as_text_or_the_documented_error(tmp_path_factory, raw):
    path = tmp_path_factory.mktemp("bytes") / "x.txt"
    path.write_bytes(raw)
    try:
        read = read_text(path)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    assert "\r" not in read.text and "\x00" not in read.text
    try:
        read_article(read)
    except InputError as exc:  # NoDateError is one
        assert "\n" not in str(exc)


@FAST
@given(st.text(max_size=400), st.sampled_from(["", "source: AP\n", "title: A title\n"]),
       st.sampled_from(["\n", " ", "\n\n"]))
def test_sentences_slice_the_text_exactly(body, field, gap):
    text = f"{field} date 2017-10-16{gap}{body}"
    # On the date line, blanks and a dash after the date are the line's (" date 2017-10-16 - BEIRUT").
    core = body.strip().removeprefix("-").strip() if gap == " " else body.strip()
    try:
        art = read_article(Text("x.txt", text, "utf-8"))
    except InputError as exc:
        assert not isinstance(exc, NoDateError)  # the date line is there
        assert not core or "url" in str(exc) or "given twice" in str(exc), exc
        return
    assert art.published == dt.date(2017, 10, 16)
    # The body is the text's end: the header is not in it.
    assert text.endswith(art.text) and core in art.text
    last = -1
    for s in art.sentences:
        assert last <= s.start < s.end <= len(art.text)
        assert s.text.strip() == s.text and s.text
        # The sentence as the page gives it is the slice; text only blanks links and markup out.
        assert art.text[s.start:s.end].replace("\n", " ") == s.evidence
        assert len(s.text) == len(s.evidence)
        last = s.end


# --- dates -----------------------------------------------------------------------------------

PUB = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31))


@FAST
@given(st.text(max_size=200), PUB)
@example("on 14 October yesterday last week", dt.date(2017, 10, 16))
def test_dates_in_any_text_slice_it_and_never_raise(text, published):
    last = -1
    for ref in find_dates(text, published):
        assert last <= ref.start < ref.end <= len(text)
        assert text[ref.start:ref.end] == ref.text
        assert ref.precision in PRECISIONS
        assert ref.first <= ref.date
        if ref.precision in ("day", "night"):
            assert ref.date <= published
        last = ref.end


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _ordinal(n: int) -> str:
    return "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _written(day: dt.date, published: dt.date, form: str) -> str:
    if form == "day month":
        return f"on {day.day} {_MONTHS[day.month - 1]}"
    if form == "month day":
        return f"on {_MONTHS[day.month - 1]} {day.day}"
    if form == "month day year":
        return f"on {_MONTHS[day.month - 1]} {day.day}, {day.year}"
    if form == "abbreviated":
        return f"on {_MONTHS[day.month - 1][:3]}. {day.day}"
    if form == "ordinal":
        return f"on {day.day}{_ordinal(day.day)} of {_MONTHS[day.month - 1]}"
    if form == "weekday":
        return f"on {_WEEKDAYS[day.weekday()]}"
    if form == "last weekday":
        return f"last {_WEEKDAYS[day.weekday()]}"
    if form == "yesterday":
        return "yesterday"
    if form == "days ago":
        return f"{(published - day).days} days ago"
    raise AssertionError(form)


@FAST
@given(PUB, st.integers(0, 6), st.sampled_from(["day month", "month day", "month day year", "weekday",
                                                "yesterday", "days ago", "abbreviated", "ordinal",
                                                "last weekday"]),
       st.sampled_from(["Clashes were reported", "Jets struck the town", "The army said it advanced"]))
def test_a_written_day_grounds_to_that_day(published, back, form, lead):
    if form == "yesterday":
        back = 1
    elif form == "days ago":
        back = max(back, 2)
    elif form == "last weekday":
        back += 1  # "last Monday" in a Monday report is the week before
    day = published - dt.timedelta(days=back)
    if form in ("day month", "month day", "abbreviated", "ordinal") and day.year != published.year:
        day = published  # without a year, dateparser takes the report's year
    words = _written(day, published, form)
    text = f"{lead} {words}."
    refs = find_dates(text, published)
    assert len(refs) == 1, (text, refs)
    ref = refs[0]
    assert ref.date == day and ref.precision == "day", (text, ref)
    assert text[ref.start:ref.end] == ref.text
    # The span is the date words (a trailing full stop is no part of them).
    assert ref.text.rstrip(".") == words


def test_unicode_nfkc_variants_never_raise():
    # Digits of other scripts and full-width letters reach the date rules through \d and \b.
    text = unicodedata.normalize("NFKD", "on ١٤ October, on １４ October, on 14\u00a0October")
    for ref in find_dates(text, dt.date(2017, 10, 16)):
        assert text[ref.start:ref.end] == ref.text
