"""The phrasing data that claims are read with (``geo/data/lexicon.yaml``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

__all__ = ["Lexicon", "Pattern", "PhraseHit"]


@dataclass(frozen=True)
class Pattern:
    """One way of phrasing a claim: its type, phrases and where its roles stand."""

    type: str
    phrases: tuple[str, ...]
    site: str
    roles: dict[str, str]
    passive: bool
    nominal: bool
    near: int
    regex: re.Pattern[str]


@dataclass(frozen=True)
class PhraseHit:
    """A phrase of a pattern found in a sentence (offsets within the sentence)."""

    pattern: Pattern
    start: int
    end: int
    text: str
    gap: tuple[int, int] | None


def _phrase_regex(phrase: str, n: int) -> str:
    parts = []
    for word in phrase.split():
        if word == "*":
            # Lazy: the gap ends at the phrase's next word, not at a later one.
            parts.append(rf"(?P<gap{n}>(?:[\w'’.-]+\s+){{0,3}}?[\w'’.-]+)")
        else:
            parts.append(re.escape(word).replace("'", "['’]"))
    return r"\s+".join(parts)


def _words_regex(words: list[str]) -> re.Pattern[str]:
    alts = sorted((re.escape(w).replace(r"\ ", r"\s+").replace("'", "['’]") for w in words),
                  key=len, reverse=True)
    return re.compile(r"(?<![\w'’])(?:" + "|".join(alts) + r")(?![\w'’])", re.IGNORECASE)


class Lexicon:
    """Claim patterns, doubt cues and clause boundaries.

    Parameters
    ----------
    data : dict
        The parsed lexicon file (see ``geo/data/lexicon.yaml`` for its form).
    """

    def __init__(self, data: dict[str, Any]) -> None:
        self.patterns: list[Pattern] = []
        for p in data["patterns"]:
            roles = {r: p[r] for r in ("winner", "loser", "holder", "attacker") if r in p}
            phrases = tuple(p["phrases"])
            rx = "|".join(
                _phrase_regex(ph, n) for n, ph in enumerate(sorted(phrases, key=len, reverse=True))
            )
            self.patterns.append(
                Pattern(p["type"], phrases, p.get("site", "after"), roles,
                        bool(p.get("passive")), bool(p.get("nominal")), int(p.get("near", 120)),
                        re.compile(rf"(?:(?<![\w'’-])|(?<=\w)(?=-))(?:{rx})(?![\w'’-])",
                                   re.IGNORECASE))
            )
        # "n't" is glued to its verb ("haven't"): match it as a suffix.
        self.doubt = {
            status: re.compile(
                _words_regex([w for w in words if w != "n't"]).pattern
                + (r"|n['’]t\b" if "n't" in words else ""),
                re.IGNORECASE,
            )
            for status, words in data["doubt"].items()
        }
        self.past = _words_regex(data["past"])
        self.reporting = _words_regex(data["reporting"])
        self.third_party = _words_regex(data["third_party"])
        self.boundaries = tuple(data["boundaries"])

    @classmethod
    def load(cls, path: str | Path | None = None) -> Lexicon:
        """Read a lexicon file (the bundled English one by default)."""
        if path is None:
            return _bundled()
        return cls(yaml.safe_load(Path(path).read_text("utf-8")))

    def phrases(self, sentence: str) -> list[PhraseHit]:
        """Return the claim phrases of a sentence, longest first where they overlap."""
        found = []
        for order, pat in enumerate(self.patterns):
            for m in pat.regex.finditer(sentence):
                gaps = [m.span(g) for g, v in m.groupdict().items() if v]
                gap = gaps[0] if gaps else None
                found.append((-(m.end() - m.start()), order, m.start(), m.end(), pat, gap))
        found.sort(key=lambda f: (f[0], f[1], f[2]))
        taken: list[tuple[int, int]] = []
        hits = []
        for _, _, s, e, pat, gap in found:
            if any(s < te and ts < e for ts, te in taken):
                continue
            taken.append((s, e))
            hits.append(PhraseHit(pat, s, e, sentence[s:e], gap))
        return sorted(hits, key=lambda h: h.start)

    def clause(self, sentence: str, start: int, end: int) -> tuple[int, int]:
        """Return the bounds of the clause holding ``sentence[start:end]``."""
        lo, hi = 0, len(sentence)
        low = sentence.lower()
        for b in self.boundaries:
            i = low.rfind(b, 0, start)
            if i >= 0:
                if b in _ASIDES and "," in low[i + len(b):start]:
                    pass  # "X, which ..., captured Y": the aside closed, X is still the subject
                else:
                    lo = max(lo, i + len(b))
                    if b in _ASIDES:
                        # Inside the aside: it ends at its closing comma.
                        c = low.find(",", end)
                        hi = min(hi, c) if c >= 0 else hi
            j = low.find(b, end)
            if j >= 0:
                hi = min(hi, j)
        return lo, hi


# Relative clauses that a comma may close again ("X, which IS held, fell").
_ASIDES = (", which", ", where", ", who")


@lru_cache(maxsize=1)
def _bundled() -> Lexicon:
    text = resources.files("geo").joinpath("data/lexicon.yaml").read_text("utf-8")
    return Lexicon(yaml.safe_load(text))
