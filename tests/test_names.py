import pytest

from conflictmap.gazetteer import fold, fold_with_offsets, name_variants
from conflictmap.gazetteer.names import fold_many


@pytest.mark.parametrize("spelling", ["Raqqa", "Raqqah", "Raqa", "RAQA", "Rakka", "raqqa"])
def test_spellings_of_raqqa_fold_alike(spelling):
    assert fold(spelling) == fold("Raqqa")


@pytest.mark.parametrize("a,b", [("Na'im", "Naim"), ("Naeem", "Naim"), ("Al-Barid", "al Barid"),
                                 ("Deir ez-Zor", "Deir ez Zor"), ("Sinaa", "Sina'a")])
def test_transliteration_variants(a, b):
    assert fold(a) == fold(b)


def test_distinct_names_stay_distinct():
    assert fold("Mosul") != fold("Raqqa")
    assert fold("Tabqa") != fold("Raqqa")


def test_offsets_survive_length_changing_characters():
    text = "İİ İstanbul and Ar-Raqqah's square"
    f = fold_with_offsets(text)
    i = f.key.index("raka")
    s, e = f.span(i, i + len("raka"))
    assert text[s:e] == "Raqqah"
    j = f.key.index("istanbul")
    s, e = f.span(j, j + len("istanbul"))
    assert text[s:e] == "İstanbul"


def test_article_and_kind_word_variants():
    keys = name_variants("Al-Naim Square", {"square": ["square", "roundabout"]})
    assert fold("Naim roundabout") in keys
    assert fold("an-Naim Square") in keys
    assert fold("Naim Square") in keys
    assert fold("Naim") not in keys  # the bare word alone is not the square


@pytest.mark.parametrize("text", ["Ar-Raqqah's", "Na'im  Square", "İstanbul", "Straße", "eeee",
                                  "“Al-Barid”", "Rahh", "a\u0301bc", "'s", "٣٤ street", "  x  "])
def test_the_three_folds_agree(text):
    # Names are folded by string rules, texts by array operations, many names at once in bulk.
    assert fold(text) == fold_with_offsets(text).key == fold_many([text])[0]
