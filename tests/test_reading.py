"""The reader: date lines, encodings, relative dates, claims and doubt."""

import datetime as dt

import pytest
from conftest import read_claims as _claims

from conflictmap.geo.articles import read_article, split_sentences
from conflictmap.geo.dates import find_dates
from conflictmap.geo.errors import InputError

TUE = dt.date(2017, 10, 17)


@pytest.mark.parametrize("raw,date,body", [
    (b" date 2017-10-17 Text on the same line.", "2017-10-17", "Text on the same line."),
    (b" date 2017-10-14 - ITV Report\nHeadline", "2017-10-14", "ITV Report\nHeadline"),
    (b"date: 2017-10-16\nNext line.", "2017-10-16", "Next line."),
    (b"\xef\xbb\xbf date 2017-10-16\r\nBOM and CRLF \xe2\x80\x9cquoted\xe2\x80\x9d.\r\n", "2017-10-16",
     "BOM and CRLF “quoted”.\n"),
])
def test_date_line_forms(tmp_path, raw, date, body):
    path = tmp_path / "a.txt"
    path.write_bytes(raw)
    art = read_article(path)
    assert art.published == dt.date.fromisoformat(date)
    assert art.text.strip() == body.strip()
    assert art.date_source == "header"


def test_date_option_overrides_and_missing_date_fails(tmp_path):
    path = tmp_path / "nodate.txt"
    path.write_text("RAQA - Fighting went on.")
    assert read_article(path, dt.date(2017, 10, 16)).date_source == "option"
    with pytest.raises(InputError) as err:
        read_article(path)
    assert str(path) in str(err.value) and "--date" in str(err.value)


@pytest.mark.parametrize("content", [b"", b" date 2017-10-17   \n  ", b" date 2017-13-40 text"])
def test_unusable_articles(tmp_path, content):
    path = tmp_path / "x.txt"
    path.write_bytes(content)
    with pytest.raises(InputError, match="x.txt"):
        read_article(path)


def test_sentences_keep_abbreviations_and_offsets():
    text = 'Brig. Gen. Talib Omar told the U.S. desk on Tuesday. "We won," he said. Then quiet.'
    sents = split_sentences(text)
    assert [s.text for s in sents][0].startswith("Brig. Gen.")
    assert len(sents) == 3
    for s in sents:
        assert text[s.start:s.end] == s.text


@pytest.mark.parametrize("phrase,pub,expected,precision", [
    ("on Tuesday", TUE, "2017-10-17", "day"),          # same weekday as the report
    ("on Monday", TUE, "2017-10-16", "day"),
    ("Saturday", dt.date(2017, 10, 14), "2017-10-14", "day"),
    ("on Sunday", dt.date(2017, 10, 16), "2017-10-15", "day"),
    ("Overnight", dt.date(2017, 10, 16), "2017-10-16", "night"),
    ("over the weekend", dt.date(2017, 10, 16), "2017-10-15", "range"),
    ("earlier this week", dt.date(2017, 10, 19), "2017-10-18", "week"),
    ("on Sunday (October 8th)", dt.date(2017, 10, 10), "2017-10-08", "day"),
    ("on 12 October", TUE, "2017-10-12", "day"),
    ("last month", TUE, "2017-10-17", "month"),
    ("in early 2014", TUE, "2017-10-17", "year"),
    ("two days ago", TUE, "2017-10-15", "day"),
    # A month and a year is history, not a day of the month: "June 2015" is not June 20.
    ("in June 2015", TUE, "2017-10-17", "month"),
    ("in October 2016", TUE, "2017-10-17", "month"),
    ("on October 12, 2017", TUE, "2017-10-12", "day"),
])
def test_relative_dates(phrase, pub, expected, precision):
    (ref,) = find_dates(f"Fighters moved {phrase} into the area.", pub)
    assert ref.date.isoformat() == expected and ref.precision == precision


def _asserted(claims):
    return {(c.site.removeprefix("raqqa-"), c.type, c.actor) for c in claims if c.counts}


# Each phrasing: a sentence that must yield the claim (site, type, side).
@pytest.mark.parametrize("text,claim", [
    ("SDF fighters seized the Al-Mishlab district on Tuesday.", ("al-mishlab", "capture", "SDF")),
    ("Kurdish-led forces retook Al-Sinaa after heavy fighting.", ("al-sinaa", "capture", "SDF")),
    ("The SDF wrested control of the clock tower from Islamic State.",
     ("clock-tower", "capture", "SDF")),
    ("Islamic State militants were driven out of Al-Rumaila.", ("al-rumaila", "loss", "IS")),
    ("Al-Nahda fell to the Syrian Democratic Forces on Monday.", ("al-nahda", "capture", "SDF")),
    ("The stadium remains in the hands of Islamic State.",
     ("municipal-stadium", "hold", "IS")),
    ("The SDF drove the jihadists out of the Old City.", ("old-city", "capture", "SDF")),
    ("The hospital was captured by the SDF on Tuesday.",
     ("national-hospital", "capture", "SDF")),
    ("Militants are holed up in the National Hospital.",
     ("national-hospital", "presence", "IS")),
    ("The SDF besieged the municipal stadium.", ("municipal-stadium", "siege", "SDF")),
    ("With the fall of Al-Tayar to the SDF, the militants lost their last depot.",
     ("al-tayar", "capture", "SDF")),
    ("The city of Raqqa has been liberated from Islamic State, an SDF commander said.",
     ("raqqa", "capture", "SDF")),
    ("The stadium, which the jihadists used as a jail, is still under militant control.",
     ("municipal-stadium", "hold", "IS")),
    ("The Old City, where fighting raged for weeks, remains in the hands of the SDF.",
     ("old-city", "hold", "SDF")),
    # A side reporting its own deed: the speaker is the taker.
    ("The Kurdish-led alliance reported seizing the Al-Mishlab district on Tuesday.",
     ("al-mishlab", "capture", "SDF")),
    ("The SDF reported on Tuesday having retaken the municipal stadium.",
     ("municipal-stadium", "capture", "SDF")),
    ("Islamic State announced having retaken Al-Rumaila.", ("al-rumaila", "capture", "IS")),
    # A list with names the gazetteer lacks between its sites: the last is listed too.
    ("The SDF took full control of Al-Mishlab, Dahret Awad, Juret Awad, Karam Beik, and the clock tower.",
     ("clock-tower", "full_control", "SDF")),
    # The subject of a clause a conjunction starts is its own, not the main clause's.
    ("Islamic State fighters pulled back overnight, after the SDF seized Al-Mishlab.",
     ("al-mishlab", "capture", "SDF")),
    ("The jihadists were regrouping as Kurdish-led forces had retaken Al-Sinaa on Monday.",
     ("al-sinaa", "capture", "SDF")),
    # "IS" as a side's name, not the verb of a passive.
    ("IS seized the clock tower on Tuesday.", ("clock-tower", "capture", "IS")),
    # A list of objects whose first ones the gazetteer lacks: the sites that close it are taken.
    ("The SDF retook the silos, as well as a bakery, the Al-Mishlab district and the clock tower.",
     ("al-mishlab", "capture", "SDF")),
    ("The SDF retook the silos, as well as a bakery, the Al-Mishlab district and the clock tower.",
     ("clock-tower", "capture", "SDF")),
])
def test_phrasings_yield_claims(gaz, actors, tmp_path, text, claim):
    assert claim in _asserted(_claims(gaz, actors, tmp_path, text))


# Near misses: the same sites and verbs, but nothing happened (yet).
@pytest.mark.parametrize("text,status", [
    ("We haven't entered the hospital yet, a fighter said.", "negated"),
    ("Our aim is to clear the stadium today.", "intent"),
    ("The SDF is preparing to storm Al-Mishlab.", "intent"),
    ("Al-Sinaa was on the verge of capture as the SDF closed in.", None),
    ("The SDF reportedly captured Al-Rumaila overnight.", "hedged"),
    ("The SDF denied reports that it had lost Al-Dariya.", "denied"),
    ("Islamic State claimed to have retaken Al-Dariya.", "hedged"),
    ("Islamic State will never capture the National Hospital.", "negated"),
    ("Officials said no unit had yet entered the Old City.", "negated"),  # nobody did
])
def test_doubt_is_never_a_plain_capture(gaz, actors, tmp_path, text, status):
    claims = _claims(gaz, actors, tmp_path, text)
    assert not [c for c in claims if c.counts and c.type in ("capture", "loss")]
    if status:
        assert status in {c.status for c in claims}


def test_historical_and_outside_places_do_not_count(gaz, actors, tmp_path):
    text = ("IS captured Raqqa in 2014. It was driven from Mosul in July. "
            "Observers at the Britain-based monitor said fighting went on in Deir Ezzor.")
    claims = _claims(gaz, actors, tmp_path, text)
    assert all(not c.counts for c in claims)
    assert all(c.site.startswith("raqqa") for c in claims)


def test_same_day_weekday_in_claim(gaz, actors, tmp_path):
    (claim,) = [c for c in _claims(gaz, actors, tmp_path,
                                   "The SDF captured the hospital on Tuesday.") if c.counts]
    assert claim.date == TUE and claim.date_precision == "day"
    assert "captured" in claim.reason and claim.sentence.startswith("The SDF")


def test_spokesman_attribution(gaz, actors, tmp_path):
    text = ("Mustafa Bali, a spokesman for the SDF, said Islamic State fighters are still "
            "holed up inside the stadium.")
    (claim,) = _claims(gaz, actors, tmp_path, text)
    assert claim.asserted_by == "SDF" and claim.actor == "IS"


@pytest.mark.parametrize("text,part", [
    ("The SDF seized the remaining pockets of the Old City on Tuesday.", False),  # the last of it: all
    ("Islamic State withdrew from the last districts of the Old City.", False),
    ("The SDF seized most of the Old City on Tuesday.", True),
    ("Islamic State still holds the last parts of the Old City.", True),  # a hold of what is left
])
def test_the_last_parts_of_a_site_taken_or_left_are_all_of_it(gaz, actors, tmp_path, text, part):
    (claim,) = [c for c in _claims(gaz, actors, tmp_path, text) if c.counts]
    assert claim.site == "raqqa-old-city" and claim.part is part


@pytest.mark.parametrize("text,kind", [
    ("SDF fighters battled Islamic State for control of the stadium on Tuesday.", "contested"),
    ("SDF fighters battled Islamic State for the control of the Old City.", "contested"),
    ("SDF fighters battled Islamic State near the stadium on Tuesday.", "siege"),  # around it
])
def test_fighting_for_control_of_a_site_is_in_it(gaz, actors, tmp_path, text, kind):
    assert kind in {c.type for c in _claims(gaz, actors, tmp_path, text) if c.counts}


@pytest.mark.parametrize("text,days", [
    ("The SDF drove Islamic State out of Al-Mishlab on Tuesday after two days of street fighting.", 2),
    ("The SDF retook Al-Mishlab on Tuesday after 95 days of fighting.", 0),  # the campaign's length
])
def test_days_of_fighting_before_a_capture_are_fought_in(gaz, actors, tmp_path, text, days):
    before = sorted(c.date for c in _claims(gaz, actors, tmp_path, text) if c.derived == "duration")
    assert before == [TUE - dt.timedelta(days=k) for k in range(days, 0, -1)]


@pytest.mark.parametrize("text,counts", [
    # A clause that describes the site tells how it came to be, before the report ...
    ("Troops are closing in on the National Hospital, which was also seized by Islamic State.", False),
    # ... unless it gives the day.
    ("Troops cleared the stadium, which was seized by the SDF on Tuesday.", True),
])
def test_a_which_was_clause_is_history_unless_dated(gaz, actors, tmp_path, text, counts):
    seized = [c for c in _claims(gaz, actors, tmp_path, text) if c.phrase == "seized"]
    assert seized and all(c.counts is counts for c in seized)


@pytest.mark.parametrize("text", [
    "The SDF had taken one of the last districts in central Raqqa.",
    "The SDF retook a central neighbourhood of Raqqa on Tuesday.",
    "The SDF captured a major district of Raqqa.",
])
def test_one_part_of_a_city_named_by_its_kind_is_part_of_it(gaz, actors, tmp_path, text):
    (claim,) = [c for c in _claims(gaz, actors, tmp_path, text) if c.counts and c.site == "raqqa"]
    assert claim.part
