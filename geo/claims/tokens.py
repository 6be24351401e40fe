"""Words of a sentence, with their offsets: what the claim reader's stages walk over."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Token", "tokenize", "norm"]

# A word (letters and digits, inner apostrophes kept: "Na'im", "haven't"), a
# possessive "'s" on its own, or one mark of punctuation.
_TOKEN = re.compile(r"[^\W_]+(?=['’]s\b)|['’]s\b|[^\W_]+(?:['’][^\W_]+)*|[^\w\s]")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'})


def norm(word: str) -> str:
    """Return the lookup form of a word: lower case, straight apostrophes.

    >>> norm("Took’s")
    "took's"
    """
    return word.translate(_QUOTES).lower()


@dataclass(frozen=True)
class Token:
    """One word or mark: its offsets in the sentence, as written and as looked up.

    ``glued`` is true when no space separates it from the token before
    ("IS-held": the "-" and "held" are glued).
    """

    start: int
    end: int
    text: str
    low: str
    glued: bool

    @property
    def word(self) -> bool:
        """Whether the token is a word rather than punctuation."""
        return self.text[:1].isalnum()


def tokenize(text: str) -> list[Token]:
    """Split a sentence into tokens.

    >>> [t.text for t in tokenize("IS-held Raqqa's centre, still")]
    ['IS', '-', 'held', 'Raqqa', "'s", 'centre', ',', 'still']
    """
    out: list[Token] = []
    prev_end = -1
    for m in _TOKEN.finditer(text):
        out.append(Token(m.start(), m.end(), m.group(), norm(m.group()), m.start() == prev_end))
        prev_end = m.end()
    return out
