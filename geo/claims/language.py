"""The language data the claim reader works with: phrases by lemma, cue words, furniture.

Everything English lives in ``geo/data/en/`` (``predicates.yaml``,
``verbs.yaml``, ``cues.yaml``, ``grammar.yaml``); another language is another
folder of the same files. This module turns the data into lookups: every inflected form
of every phrase in one index keyed by its first word, and each cue list as
one whole-word regular expression.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from conflictmap.gazetteer.names import alternation

from .enums import Status
from .tokens import Token, norm

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable  # Python 3.11+; only named in a hint

__all__ = ["Language", "Phrase", "PhraseHit", "WordSet", "inflections", "FORMS"]

#: Verb forms, in the order of ``verbs.yaml``'s irregular lists (after the base form).
FORMS = ("base", "s", "past", "participle", "ing")
_BE = {"base": ("be",), "s": ("is", "are", "am"), "past": ("was", "were"), "participle": ("been",),
       "ing": ("being",)}
_VOWELS = set("aeiou")
# Words a phrase may open with that are not its verb ("fully liberate", "still hold").
_ADVERB_OPENERS = {"fully", "completely", "entirely", "totally", "still", "now", "wholly"}
_BE_FORMS = frozenset(w for forms in _BE.values() for w in forms)


def _regular(lemma: str) -> dict[str, str]:
    """Return the regular forms of an English verb (``capture``: captures, captured, capturing)."""
    if lemma.endswith(("s", "x", "z", "ch", "sh")):
        s = lemma + "es"
    elif lemma.endswith("y") and lemma[-2:-1] not in _VOWELS:
        s = lemma[:-1] + "ies"
    else:
        s = lemma + "s"
    if lemma.endswith("e"):
        past = lemma + "d"
    elif lemma.endswith("y") and lemma[-2:-1] not in _VOWELS:
        past = lemma[:-1] + "ied"
    else:
        past = lemma + "ed"
    if lemma.endswith("ie"):
        ing = lemma[:-2] + "ying"
    elif lemma.endswith("e") and not lemma.endswith(("ee", "ye", "oe")):
        ing = lemma[:-1] + "ing"
    else:
        ing = lemma + "ing"
    return {"base": lemma, "s": s, "past": past, "participle": past, "ing": ing}


def inflections(lemma: str, irregular: dict[str, Sequence[str]] | None = None
                ) -> dict[str, tuple[str, ...]]:
    """Return the forms of a verb, by form name.

    Parameters
    ----------
    lemma : str
    irregular : dict, optional
        Lemma to its third person, past, past participle and -ing forms.

    Returns
    -------
    dict of str to tuple of str
        Keys of :data:`FORMS`.

    >>> inflections("seize")["ing"]
    ('seizing',)
    >>> inflections("take", {"take": ["takes", "took", "taken", "taking"]})["participle"]
    ('taken',)
    """
    if lemma == "be":
        return dict(_BE)
    forms = irregular.get(lemma) if irregular else None
    if forms:
        s, past, part, ing = forms
        return {"base": (lemma,), "s": (s,), "past": (past,), "participle": (part,), "ing": (ing,)}
    return {k: (v,) for k, v in _regular(lemma).items()}


@dataclass(frozen=True)
class Phrase:
    """One written form of a claim phrase.

    Attributes
    ----------
    type : str
        The claim type of ``predicates.yaml`` (capture, loss, hold, ...).
    frame : str
        Where its site and sides stand (transitive, expel, leave, fall,
        adjective, epithet, locative).
    words : tuple of str
        Lookup forms; ``"*"`` is a gap for a side.
    lemma : str
        The phrase as the data file gives it.
    form : str
        ``noun`` or one of :data:`FORMS` (the form of its verb).
    be : bool
        Whether the phrase opens with a form of "to be" in the data
        ("be held by"), so that it may also stand without it.
    whole : bool
        The phrase says the whole site changed hands ("withdrew from X").
    """

    type: str
    frame: str
    words: tuple[str, ...]
    lemma: str
    form: str
    be: bool = False
    whole: bool = False


@dataclass(frozen=True)
class PhraseHit:
    """A phrase found in a sentence: token indexes ``[i, j)``, character offsets, the gap."""

    phrase: Phrase
    i: int
    j: int
    start: int
    end: int
    text: str
    gap: tuple[int, int] | None


class WordSet:
    """A list of cue words and phrases, matched as whole words, case-insensitive.

    >>> WordSet(["no longer", "n't"]).search("they haven't") is not None
    True
    """

    def __init__(self, words: Iterable[str]) -> None:
        words = [str(w) for w in words]
        self.words = tuple(words)
        glued = "n't" in words
        alts = sorted((re.escape(w).replace(r"\ ", r"\s+").replace("'", "['’]")
                       for w in words if w != "n't"), key=len, reverse=True)
        body = r"(?<![\w'’-])(?:" + "|".join(alts) + r")(?![\w'’])" if alts else r"(?!x)x"
        self.regex = re.compile(body + (r"|n['’]t\b" if glued else ""), re.IGNORECASE)
        self._set = frozenset(norm(w) for w in words)

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        """Return the first cue in ``text[pos:endpos]``, or None."""
        return self.regex.search(text, pos, len(text) if endpos is None else endpos)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Iterate over the cues of ``text``."""
        return self.regex.finditer(text)

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and norm(word) in self._set


def _phrase_forms(lemma: str, kind: str, frame: str, irregular: dict[str, Sequence[str]]
                  ) -> list[tuple[tuple[str, ...], str, bool]]:
    """Every written form of one data phrase: (words, form, opens with be)."""
    if lemma.startswith("-"):
        # "-held": a participle glued to the side before it.
        return [(tuple(norm(w) for w in lemma.replace("-", "- ").split()), "participle", False)]
    words = tuple(norm(w) for w in lemma.split())
    if kind == "noun":
        return [(words, "noun", False)]
    k = 1 if words[0] in _ADVERB_OPENERS and len(words) > 1 else 0
    # "edge[past,ing]": only these forms ("edges" is a noun far more often than a verb).
    only = None
    m = re.fullmatch(r"(.+)\[([a-z,]+)\]", words[k])
    if m:
        words = words[:k] + (m.group(1),) + words[k + 1:]
        only = set(m.group(2).split(","))
    out = []
    for form, spellings in inflections(words[k], irregular).items():
        if only is not None and form not in only:
            continue
        for sp in spellings:
            out.append((words[:k] + (sp,) + words[k + 1:], form, False))
    if words[0] == "be" and len(words) > 1:
        out = [(w, f, True) for w, f, _ in out]
        if frame in ("fall", "leave") and len(words) > 2:
            # "X, in the hands of IS since 2014", "militants holed up in X": without the verb.
            out.append((words[1:], "participle" if words[1].endswith(("ed", "en")) else "base", True))
    return out


class Language:
    """The claim phrases and cue words of one language.

    Parameters
    ----------
    predicates, verbs, cues, grammar : dict
        The parsed ``predicates.yaml``, ``verbs.yaml``, ``cues.yaml`` and
        ``grammar.yaml`` (the stages' patterns and word lists, which the
        stages need; without it only the phrase lookups work).
    """

    # Cue word lists of cues.yaml, one attribute each (read by the stages named in the file).
    earlier_events: WordSet
    unverified: WordSet
    ended: WordSet
    past: WordSet
    now: WordSet
    brief: WordSet
    early: WordSet
    late: WordSet
    reporting: WordSet
    third_party: WordSet
    spokesman: WordSet
    complete: WordSet
    asides: WordSet
    adjunct_openers: WordSet
    governing: WordSet
    determiners: WordSet
    no_gap_start: WordSet
    share_of_units: WordSet

    def __init__(self, predicates: dict[str, Any], verbs: dict[str, Any], cues: dict[str, Any],
                 grammar: dict[str, Any] | None = None) -> None:
        grammar = grammar or {}
        self._patterns: dict[str, re.Pattern[str]] = {}
        for key, spec in (grammar.get("patterns") or {}).items():
            pattern, case = (spec["pattern"], bool(spec.get("case"))) if isinstance(spec, dict) \
                else (spec, False)
            self._patterns[str(key)] = re.compile(str(pattern), 0 if case else re.IGNORECASE)
        self._words = {str(k): frozenset(str(w) for w in v) for k, v in (grammar.get("words") or {}).items()}
        irregular: dict[str, Sequence[str]] = {str(k): tuple(str(w) for w in v)
                                               for k, v in (verbs.get("irregular") or {}).items()}
        self.phrases: list[Phrase] = []
        for entry in predicates["predicates"]:
            for kind in ("verbs", "nouns"):
                for lemma in entry.get(kind) or ():
                    for words, form, be in _phrase_forms(str(lemma), kind[:-1], entry["frame"],
                                                         irregular):
                        self.phrases.append(Phrase(entry["type"], entry["frame"], words, str(lemma),
                                                   form, be, bool(entry.get("whole"))))
        self._first: dict[str, list[Phrase]] = {}
        # A total order: equal words from two entries ("be holed up in", "hole up in") must
        # resolve the same way in every run; the phrase that carries its "be" wins.
        for p in sorted(set(self.phrases), key=lambda p: (-len(p.words), p.words, p.type, p.frame,
                                                            not p.be, p.lemma, p.form)):
            self._first.setdefault(p.words[0], []).append(p)
        # One pattern of every phrase's first word: a sentence without any holds no phrase,
        # so the reader's later stages (tokens, sides, speakers) are spared it.
        # Curly apostrophes are read as straight ones (tokens.norm): the pattern takes all three.
        alternatives = alternation((w for w in self._first if w != "-"),
                                   lambda ch: "['’‘]" if ch == "'" else re.escape(ch))
        self._trigger = re.compile(rf"(?<![^\W_])(?:{alternatives})(?![^\W_])"
                                   + ("|-" if "-" in self._first else ""), re.IGNORECASE)
        places = predicates.get("places") or {}
        self.inside = WordSet(places.get("inside", ()))
        self.around = WordSet(places.get("around", ()))
        self.near = WordSet(places.get("near", ()))
        self.particles = WordSet(predicates.get("particles", ()))
        self.gap_particles = WordSet(predicates.get("gap_particles", ()))
        self.compounds = WordSet(predicates.get("compounds", ()))
        self.exceptions = {str(k): WordSet(v) for k, v in (predicates.get("exceptions") or {}).items()}
        self.doubt = {str(status): WordSet(words) for status, words in cues["doubt"].items()}
        # Each key is the status a cue after the phrase gives: a word that is none fails here.
        self.doubt_after = {Status(str(status)): WordSet(words)
                            for status, words in cues["doubt_after"].items()}
        # The cue lists declared above, one attribute each.
        for name, kind in Language.__annotations__.items():
            if kind == "WordSet":
                setattr(self, name, WordSet(cues[name]))
        self.boundaries = tuple(cues["boundaries"])
        self.sides = {role: WordSet(words) for role, words in cues["sides"].items()}
        self.numbers = {str(k).lower(): int(v) for k, v in (cues.get("numbers") or {}).items()}
        self.ordinals = {str(k).lower(): int(v) for k, v in (cues.get("ordinals") or {}).items()}
        self.fight_words = WordSet(cues.get("fight_words", ()))
        self.part_nouns = WordSet(cues.get("part_nouns", ()))
        part = cues["partitive"]
        self.partitive_of = WordSet(part["of"])
        self.partitive_possessive = WordSet(part["after_possessive"])
        self.partitive_in = WordSet(part.get("in", ()))
        self.partitive_amount = WordSet(part["amount"])
        self._partitive: tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]] | None = None
        #: First words of the claim nouns ("attacks", "capture", "advance"): a people's word
        #: before one names the side ("Russian attacks").
        self.claim_nouns = frozenset(p.words[0] for p in self.phrases if p.form == "noun")
        #: The head of each claim noun of an event ("liberation" of "complete liberation of",
        #: "assault" of "main assault on"): "X's liberation" is a claim on X, "X's main hospital"
        #: a place in it (a hold's nouns, "bastion", "command centre", are places).
        self.claim_heads = frozenset(
            next(w for w in reversed(p.words) if w not in self.governing and w != "*")
            for p in self.phrases if p.form == "noun" and p.type not in ("hold", "presence")
            and any(w not in self.governing and w != "*" for w in p.words))
        #: "held" of "-held", "controlled" of "-controlled".
        self.glued_participles = frozenset(p.words[1] for p in self.phrases
                                           if p.words[0] == "-" and len(p.words) > 1)

    def number(self, word: str) -> int:
        """Return the count a word or numeral says ("two", "a", "12"), 0 when none."""
        word = word.lower()
        return self.numbers.get(word) or (int(word) if word.isdigit() else 0)

    def rx(self, key: str) -> re.Pattern[str]:
        """Return a pattern of ``grammar.yaml`` ("roles.speaks"); a missing one is a clear error."""
        try:
            return self._patterns[key]
        except KeyError:
            raise KeyError(f"grammar.yaml has no pattern {key!r}") from None

    def words(self, key: str) -> frozenset[str]:
        """Return a word list of ``grammar.yaml`` ("roles.aux")."""
        try:
            return self._words[key]
        except KeyError:
            raise KeyError(f"grammar.yaml has no word list {key!r}") from None

    def partitive_regex(self) -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
        """Return the patterns of a part of a place and of the whole.

        Before it ("most of"), after a possessive ("'s eastern districts"), and of the
        whole ("all of", "the entire").
        """
        if self._partitive is None:
            words = "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in self.partitive_of.words),
                                    key=len, reverse=True))
            areas = "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in self.partitive_in.words),
                                    key=len, reverse=True))
            amount = "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+")
                                      for w in self.partitive_amount.words), key=len, reverse=True))
            of = re.compile(
                rf"\b(?:(?:more|less|fewer)\s+than\s+|about\s+|around\s+|almost\s+|nearly\s+|some\s+|"
                rf"over\s+|at\s+least\s+|roughly\s+|up\s+to\s+)?(?:(?:\d[\d.,]*|one|two|three|a)\s*"
                rf"(?:{amount})|(?:{words}))\s+of\s+"
                rf"(?:(?:the|this|that|its|their|what\s+(?:was|is|were|had\s+been)(?:\s+once)?)\s+)?"
                rf"(?:(?!(?:the|a|an)\s)[\w'’-]+\s+){{0,3}}$"
                # "two more neighbourhoods in X", "positions inside X": a part of it, too.
                rf"|\b(?:{areas})\s+(?:in|inside|within)\s+(?:the\s+)?(?:[\w'’-]+\s+){{0,2}}$",
                re.IGNORECASE)
            poss = "|".join(sorted((re.escape(w) for w in self.partitive_possessive.words), key=len,
                                   reverse=True))
            after = re.compile(rf"^['’]s?\s+(?:[\w-]+\s+){{0,2}}?(?:{poss})\b", re.IGNORECASE)
            # Not "nearly all of X", "almost the entire X": most of it, not all.
            whole = re.compile(r"(?<!nearly\s)(?<!almost\s)(?<!virtually\s)(?<!practically\s)"
                               r"\b(?:all|entire|entirety|whole|every|full|fully|completely|entirely)\b"
                               r"(?:\s+of)?\s+(?:the\s+)?(?:[\w'’-]+\s+){0,3}$", re.IGNORECASE)
            self._partitive = (of, after, whole)
        return self._partitive

    @classmethod
    def load(cls, folder: str | Path | None = None) -> Language:
        """Read a language folder (the bundled English one by default)."""
        if folder is None:
            return _bundled()
        return _read(Path(folder))

    def may_hold_phrase(self, text: str) -> bool:
        """Whether ``text`` has the first word of some claim phrase (else :meth:`find` finds none).

        Parameters
        ----------
        text : str

        Returns
        -------
        bool

        Examples
        --------
        >>> lang = Language.load()
        >>> lang.may_hold_phrase("Troops SEIZED the bridge."), lang.may_hold_phrase("It rained.")
        (True, False)
        """
        return self._trigger.search(text) is not None

    def _takes_units(self, tokens: Sequence[Token], gap: tuple[int, int], text: str) -> bool:
        """Whether a leaving phrase's gap ends on the side's units ("withdrew its troops from")."""
        if gap[0] == gap[1]:
            return False
        taken = text[tokens[gap[0]].start:tokens[gap[1] - 1].end]
        # "withdrew some of its fighters", "300 of its men": some stay, it is no leaving
        share = self.share_of_units.search(taken) is not None or any(ch.isdigit() for ch in taken)
        return self.rx("claims.own_units").search(taken) is not None and not share

    def find(self, tokens: Sequence[Token], text: str,
             gap_holds: Callable[[int, int], bool] | None = None) -> list[PhraseHit]:
        """Return the claim phrases among ``tokens``, longest first where they overlap.

        Parameters
        ----------
        tokens : sequence of Token
            A sentence's tokens.
        text : str
            The sentence.
        gap_holds : callable, optional
            ``gap_holds(start, end)``: whether the characters of an expulsion's
            gap ("drove * out of") hold the side driven out; one whose gap does
            not is no phrase ("the main force advances from").

        Returns
        -------
        list of PhraseHit
            In text order, without overlaps.
        """
        found: list[PhraseHit] = []
        for i, tok in enumerate(tokens):
            for p in self._first.get(tok.low, ()):
                hit = _match(p, tokens, i, text, self.no_gap_start)
                if hit and hit.gap and p.frame == "expel" and gap_holds is not None and not gap_holds(
                        tokens[hit.gap[0]].start, tokens[hit.gap[1] - 1].end):
                    continue
                if hit and hit.gap and p.type == "loss" and p.frame == "leave" \
                        and not self._takes_units(tokens, hit.gap, text):
                    continue  # "pulling their commanders out of X": a few men, not the side
                if hit:
                    found.append(hit)
        # Longest first; of equal ones, a noun ("fighting in X") before a verb form, but
        # not after "to be" ("were fighting in X").
        def noun_first(h: PhraseHit) -> bool:
            after_be = h.i > 0 and tokens[h.i - 1].low in _BE_FORMS
            return (h.phrase.form == "noun") == after_be

        # A spelling that is several forms ("overrun", "hit") is read as the past one.
        found.sort(key=lambda h: (-(h.j - h.i), h.i, noun_first(h), h.phrase.form == "base"))
        taken: list[tuple[int, int]] = []
        out = []
        for h in found:
            if any(h.i < b and a < h.j for a, b in taken):
                continue
            taken.append((h.i, h.j))
            out.append(h)
        return sorted(out, key=lambda h: h.i)


def _match(p: Phrase, tokens: Sequence[Token], i: int, text: str, no_gap_start: WordSet
           ) -> PhraseHit | None:
    k, n = i, len(tokens)
    gap = None
    words = p.words
    if words[0] == "-" and not (tokens[i].glued and i > 0):
        return None  # "-held" is glued to the side before it
    w = 0
    while w < len(words):
        word = words[w]
        if word == "*":
            # One to four words where a side stands; the phrase goes on after it.
            nxt = words[w + 1] if w + 1 < len(words) else None
            # No gap at all: "were driven out of X" (the passive of "drove IS out of X").
            if nxt is not None and k < n and tokens[k].low == nxt:
                gap = (k, k)
            for g in range(1, 5) if gap is None else ():
                end = k + g
                if end > n or not all(t.word or t.low in ("-", "'s", "'") for t in tokens[k:end]) \
                        or tokens[k].low in no_gap_start:
                    break
                if nxt is None or (end < n and tokens[end].low == nxt):
                    gap = (k, end)
                    break
            if gap is None:
                return None
            k = gap[1]
            w += 1
            continue
        if k >= n or tokens[k].low != word:
            return None
        k += 1
        w += 1
    start, end = tokens[i].start, tokens[k - 1].end
    return PhraseHit(p, i, k, start, end, text[start:end], gap)


def _read(root: Traversable) -> Language:
    return Language(*(yaml.safe_load(root.joinpath(f"{n}.yaml").read_text("utf-8"))
                      for n in ("predicates", "verbs", "cues", "grammar")))


@lru_cache(maxsize=1)
def _bundled() -> Language:
    return _read(resources.files("conflictmap.geo").joinpath("data/en"))
