"""The matcher's fast path against a straightforward reference, on many generated texts.

``Gazetteer.match`` folds a text word by word and works out offsets only for
the names it finds (``FoldedWords``), resolves overlaps name by name, and drops
lone lowercase words one at a time. The reference here folds the whole text
with ``fold_with_offsets``, tries every run of whole words of the key against
the index, and takes the longest names first, as the rules say. Any text on
which the two differ fails.
"""

from __future__ import annotations

import dataclasses
import pickle
import random
import re

import pytest

from conflictmap.gazetteer import Gazetteer, fold_with_offsets, names
from conflictmap.gazetteer.core import _ASIDE, Match, _LowerWords, _match, _opens_sentence
from conflictmap.gazetteer.matcher import NameIndex, index_names
from conflictmap.gazetteer.names import FoldedWords, name_variants

# Pieces a desk writes: diacritics, apostrophes and ʿayn, hyphens, Arabic and Cyrillic
# letters, doubled letters and digraphs, capitals, digits, possessives, quotes.
_WORDS = ["Raqqa", "Raqqah's", "RAQQA", "raqqa", "Ar-Raqqah", "al-Naim", "Na'im", "Naʿim", "El-Neîmî",
          "Şêx", "Maqsud", "Sheikh", "Deir ez-Zor", "Djarablous", "Lastotchkyne", "Naeem", "Mishtanoor",
          "الرقة", "مدينة", "أبو", "الطبقة", "Ракка", "Лисичанськ", "Авдіївка", "café", "Ḥasakah",
          "said", "the", "The", "of", "An", "Ur", "IS", "Is", "is", "U.S.", "UK", "mobile", "city",
          "square", "Square", "UK", "U.K.", "usa", "Usa", "USA", "u.s.", "roundabout",
          "district", "old", "1100", "93", "thht", "ddj", "Shhh",
          "ʾ", "'", "’", "-", "—", "\u0301", "\u200b", "ﬁ", "ß", "İ", "½", "™", "Ⓐ", "x", "h", "s"]
_GLUE = [" ", " ", " ", "  ", ", ", ". ", "\n", "-", "'s ", "’s ", " (", ") ", "“", "” ", "'", "ʿ", "", "\t"]


def _names(gaz: Gazetteer, rng: random.Random, n: int) -> list[str]:
    """Names and aliases of the gazetteer: all the theatre's, a sample of the world's."""
    f = gaz.places
    theatre, world = [], []
    for layer, name, aliases in zip(f["layer"], f["name"], f["aliases"], strict=True):
        (theatre if layer == "theatre" else world).extend([name, *aliases])
    return theatre + rng.sample(world, min(n, len(world)))


def _texts(gaz: Gazetteer, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    names = _names(gaz, rng, 400)
    out = []
    for i in range(count):
        pieces = []
        for _ in range(rng.randint(0, 14)):
            pool = names if rng.random() < 0.5 else _WORDS
            word = rng.choice(pool)
            if rng.random() < 0.1:
                word = word.upper() if rng.random() < 0.5 else word.lower()
            pieces += [word, rng.choice(_GLUE)]
        if i % 3 == 0 and pieces:
            pieces.pop()  # a name at the very end
        out.append("".join(pieces))
    return out


def _word_runs(key: str, longest: int) -> list[tuple[int, int]]:
    """Every run of at most ``longest`` whole words of a key, as a slice."""
    words = [m.span() for m in re.finditer(r"[^ ]+", key)]
    return [(words[i][0], words[j][1]) for i in range(len(words))
            for j in range(i, min(len(words), i + longest))]


def reference_spans(index: NameIndex, text: str, longest: int, drop=None):
    """What ``NameIndex.find_spans`` should return, worked out the slow and plain way."""
    folded = fold_with_offsets(text)
    key = folded.key
    found = [(s, e) for s, e in _word_runs(key, longest) if index.get(key[s:e])]
    # The longest first, then the latest; a name overlapping one taken goes, and so does an
    # abbreviation not written as the file writes it.
    found.sort(key=lambda h: (h[0] - h[1], -h[0]))
    chosen: list[tuple[int, int]] = []
    for s, e in found:
        if any(s < ce and cs < e for cs, ce in chosen):
            continue
        forms = index._exact_case.get(key[s:e])
        if forms is not None and text[slice(*folded.span(s, e))] not in forms:
            continue
        chosen.append((s, e))
    out = []
    for s, e in sorted(chosen):
        start, end = folded.span(s, e)
        if drop is None or not drop(text[start:end]):
            out.append((start, end, text[start:end], index.get(key[s:e])))
    return out


def _lone_lowercase(written: str) -> bool:
    return not any(ch == " " or ch.isupper() or (ch.isalpha() and not ch.isascii()) for ch in written)


def reference_match(gaz: Gazetteer, text: str, longest: int) -> list[Match]:
    """What ``Gazetteer.match`` should return: its rules, one name at a time."""
    world = {pid for pid, i in gaz._pos.items() if gaz._layer[i] == "world"}
    lower = _LowerWords(text)
    out = []
    for start, end, written, keys in reference_spans(gaz._index, text, longest, _lone_lowercase):
        all_world = all(k in world for k in keys)
        if " " in written and all_world and not any(
                ch.isupper() or (ch.isalpha() and not ch.isascii()) for ch in written):
            continue
        if " " not in written and _opens_sentence(text, start):
            if len(written) <= 3 and all_world:
                continue
            if written.lower() in lower:
                continue
        out.append(Match(start, end, written, tuple(sorted(keys))))
    spanning = []
    for a in _ASIDE.finditer(text):
        s, e = a.span()
        lo, hi = max(0, s - 60), min(len(text), e + 60)
        window = text[lo:s] + " " * (e - s) + text[e:hi]
        for start, end, _, keys in reference_spans(gaz._index, window, longest):
            if start < s - lo and e - lo < end and not all(k in world for k in keys):
                spanning.append(Match(lo + start, lo + end, text[lo + start:lo + end], tuple(sorted(keys))))
    if not spanning:
        return out
    kept = [m for m in out if not any(m.start < w.end and w.start < m.end for w in spanning)]
    return sorted([*kept, *spanning], key=lambda m: (m.start, m.end))


@pytest.fixture(scope="module")
def longest(gaz) -> int:
    """The most words in one key of the index."""
    return max(k.count(" ") + 1 for k in gaz._index.keys())


def test_the_word_fold_is_the_whole_text_fold(gaz):
    for text in _texts(gaz, 1500, seed=1):
        folded, fast = fold_with_offsets(text), FoldedWords(text)
        assert fast.key == folded.key, text
        runs = _word_runs(folded.key, 4)
        assert fast.spans(runs) == [folded.span(s, e) for s, e in runs], text


def test_the_word_fold_forgets_words_and_stays_right(gaz, monkeypatch):
    # A text of more new words than the caches keep: they are emptied as its key is made.
    monkeypatch.setattr(names, "_MAX_WORDS", 3)
    for text in _texts(gaz, 200, seed=5):
        folded, fast = fold_with_offsets(text), FoldedWords(text)
        runs = _word_runs(folded.key, 2)
        assert (fast.key, fast.spans(runs)) == (folded.key, [folded.span(s, e) for s, e in runs]), text
    assert len(names._WORD_KEYS) <= 3 and len(names._LAST_OFFSETS) <= 3


def test_a_match_made_without_init_is_the_one_init_makes():
    made, fast = Match(3, 9, "Raqqa", ("raqqa",)), _match(3, 9, "Raqqa", ("raqqa",))
    assert fast == made and hash(fast) == hash(made) and repr(fast) == repr(made)
    assert vars(fast) == vars(made) and dataclasses.asdict(fast) == dataclasses.asdict(made)
    assert pickle.loads(pickle.dumps(fast)) == made
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.start = 0  # type: ignore[misc]
    # _match skips __init__: a check added to Match must be added to _match too.
    assert not hasattr(Match, "__post_init__")


def test_find_spans_is_the_reference(gaz, longest):
    index = gaz._index
    for text in _texts(gaz, 1500, seed=2):
        assert index.find_spans(text) == reference_spans(index, text, longest), text


def test_a_small_index_with_abbreviations_finds_the_reference():
    # Chains of names that overlap two by two, and abbreviations that are also words.
    names = ["IS", "Islamic State", "Islamic", "State", "US", "Raqqa", "Raqqa city", "city", "old city",
             "Old Raqqa", "al-Naim", "Naim square", "al-Naim square", "square", "A B", "B C", "C D"]
    index = index_names(((n, f"id{i}") for i, n in enumerate(names)), lambda n, _: name_variants(n))
    rng = random.Random(4)
    pool = [*names, "is", "Is", "us", "U.S.", "the", "A", "B", "C", "D", "Ar-Raqqah", "Raqqah's"]
    for _ in range(3000):
        text = "".join(rng.choice(pool) + rng.choice(_GLUE) for _ in range(rng.randint(0, 10)))
        assert index.find_spans(text) == reference_spans(index, text, 4), text


def test_match_is_the_reference(gaz, longest):
    texts = _texts(gaz, 2500, seed=3)
    # An aside between capitalised words, for the second look around it.
    texts += ["the Palmyra (Tadmur) Triangle fell", "Al-Naim (Paradise) Square and Raqqa (الرقة) City"]
    for text in texts:
        assert gaz.match(text) == reference_match(gaz, text, longest), text


def test_the_generated_texts_reach_the_hard_cases(gaz):
    # The comparison above means something only if its texts hold what the fast path shortcuts.
    texts = _texts(gaz, 2500, seed=3)
    index = gaz._index
    spans = [index.find_spans(t) for t in texts]
    assert sum(len(s) for s in spans) > 2000
    assert any(s and s[0][0] == 0 for s in spans)  # a name opening the text
    assert any(s and s[-1][1] == len(t) for s, t in zip(spans, texts, strict=True))  # and ending it
    assert any(mark in written for s in spans for _, _, written, _ in s for mark in "'’ʿ")
    assert any(not written.isascii() for s in spans for _, _, written, _ in s)
    # Names that overlap others: the automaton finds more than the longest-first choice keeps.
    assert any(len(list(index._automaton.iter(f" {FoldedWords(t).key} "))) > len(s)
               for s, t in zip(spans, texts, strict=True))
    # Abbreviations matched only as written: the texts write some so, and some not.
    as_written = set()
    for t in texts:
        folded = FoldedWords(t)
        for end, slot in index._automaton.iter(f" {folded.key} "):
            if slot in index._exact_slots:
                s = end - 1 - index._lengths[slot]
                forms = index._exact_case[folded.key[s:end - 1]]
                as_written.add(t[slice(*folded.span(s, end - 1))] in forms)
    assert as_written == {True, False}
