"""Stage 3: the roles of a claim phrase, from the structure of its clause.

For each phrase the reader finds the site it is about and the sides that
play a part: the subject before it (skipping sides that belong to a
preposition or a participle: "troops *pursuing rebel units* seized the
bridge"), the agent after "by" in a passive, the loser after "from" or in
the gap of "drove * out of", the side glued to "-held". A clause with no
subject of its own borrows its host's; a relative clause is about its
antecedent.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cached_property, lru_cache
from itertools import accumulate

from ..mentions import Mention
from .clauses import Clause
from .language import Language, PhraseHit
from .spans import Side
from .tokens import Token

__all__ = ["Roles", "Context", "read_roles", "destination"]

# Most words between a verb and its object site ("the strategic northern town of").
_OBJECT_WORDS = 9


@dataclass(frozen=True)
class Context:
    """What the role search needs of a sentence: its text, tokens, clauses, sites, sides."""

    text: str
    tokens: Sequence[Token]
    clauses: Sequence[Clause]
    sites: Sequence[Mention]
    sides: Sequence[Side]
    hits: Sequence[PhraseHit]

    def clause_of(self, pos: int) -> int:
        """Index of the clause holding offset ``pos``."""
        starts = self._clause_starts
        if starts is not None:
            # Clauses in order, none overlapping: the only one that can hold it.
            k = bisect_right(starts, pos) - 1
            return k if k >= 0 and pos < self.clauses[k].end else len(self.clauses) - 1
        for n, c in enumerate(self.clauses):
            if c.start <= pos < c.end:
                return n
        return len(self.clauses) - 1

    @cached_property
    def _clause_starts(self) -> list[int] | None:
        cs = self.clauses
        if all(a.start < a.end <= b.start for a, b in zip(cs, cs[1:], strict=False)) and \
                all(c.start < c.end for c in cs):
            return [c.start for c in cs]
        return None

    def clause_start(self, pos: int) -> int:
        """Where the clause holding ``pos`` starts (a main clause resumed counts from its host)."""
        c = self.clauses[self.clause_of(pos)]
        while c.kind == "resume" and c.host is not None:
            c = self.clauses[c.host]
        return c.start

    def token_at(self, pos: int) -> int:
        """Index of the first token starting at or after ``pos``."""
        return bisect_left(self._token_starts, pos)

    @cached_property
    def _token_starts(self) -> list[int]:
        starts = [t.start for t in self.tokens]
        # Tokens come in text order; a running maximum keeps the search exact if one did not.
        return list(accumulate(starts, max))

    @cached_property
    def objects_of(self) -> dict[int, str]:
        """For each token start inside a verb phrase (not "be", not a noun), the first such phrase's lemma."""
        out: dict[int, str] = {}
        starts = self._token_starts
        for h in self.hits:
            if h.phrase.be or h.phrase.form == "noun":
                continue
            for n in range(bisect_left(starts, h.start), len(starts)):
                if self.tokens[n].start >= h.end:
                    break
                if self.tokens[n].start >= h.start:
                    out.setdefault(self.tokens[n].start, h.phrase.lemma)
        return out


@dataclass(frozen=True)
class Roles:
    """Who and what a phrase is about.

    Attributes
    ----------
    site : Mention
        The site (the first one, when several are coordinated).
    more : tuple of Mention
        Sites coordinated with it or listed after "including".
    actor : Side or None
        The subject or agent: the winner of a capture, the loser of a loss,
        the holder of a hold, the attacker of an entry or siege.
    other : Side or None
        The other side, when named: the loser of a capture (after "from",
        or in the gap of "drove * out of"), the taker of a loss (after "by").
    passive : bool
    inside : bool or None
        For fighting and movement: inside the site (True) or around it (False).
    how : str
        How the roles were read (for ``claims.csv``'s ``reason``).
    beside : bool
        The object taken stands beside the site ("a position south of X").
    origin : bool
        The site is where a move starts from ("advancing from X").
    target : bool
        The actor is the side attacked in the site ("attacks on troops in X"): it is there.
    """

    site: Mention
    more: tuple[Mention, ...]
    actor: Side | None
    other: Side | None
    passive: bool
    inside: bool | None
    how: str
    beside: bool = False
    origin: bool = False
    target: bool = False


def _governed(lang: Language, ctx: Context, start: int) -> bool:
    """Whether a span starting at ``start`` is the object of a preposition or participle."""
    return _governor(lang, ctx, start) is not None


def _governor(lang: Language, ctx: Context, start: int) -> str | None:
    """Return the preposition or participle a span starting at ``start`` is the object of, if any."""
    i = ctx.token_at(start) - 1
    skipped = 0
    while i >= 0 and skipped < 3:
        t = ctx.tokens[i]
        if t.low in lang.determiners and t.low not in ("of", "was", "is", "once", "what", "that"):
            i -= 1
            skipped += 1
            continue
        if t.low in ("(", "'", '"'):
            i -= 1
            continue
        break
    if i < 0:
        return None
    t = ctx.tokens[i]
    if t.low == "of" and i > 0 and ctx.tokens[i - 1].low in lang.words("roles.naming"):
        return None  # "the city of Raqqa", "the town of X": the name, not a part of it
    if t.low in lang.governing:
        return t.low
    # "drove IS militants out of X": the object of another claim phrase.
    if t.start in ctx.objects_of:
        return ctx.objects_of[t.start]
    if t.low in ("and", "or"):
        return _governor(lang, ctx, t.start)
    # "battling IS", "backed by", "pursuing rebel units": a participle's object.
    if t.word and t.low.endswith(("ing", "ed")) and t.low not in lang.words("roles.not_participles") \
            and t.low not in lang.reporting:
        return t.low
    return None


def _sides_between(ctx: Context, lo: int, hi: int) -> list[Side]:
    return [s for s in ctx.sides if lo <= s.start and s.end <= hi]


def _clause_subject(lang: Language, ctx: Context, side: Side, hit: PhraseHit, gov: str | None) -> str | None:
    """Return ``gov``, or None where it is a conjunction whose clause the side is the subject of.

    "IS fighters retreated, after the army seized X": "after" starts the army's
    clause, it does not govern it, when the phrase follows the side at once
    (an auxiliary, an adverb or a time between).
    """
    if gov is None or gov not in lang.words("roles.subordinators"):
        return gov
    between = ctx.text[side.end:hit.start].split()
    return None if len(between) <= 3 and not any(s.start >= side.end and s.end <= hit.start
                                                 for s in ctx.sides) else gov


def _subject(lang: Language, ctx: Context, hit: PhraseHit, n: int, exclude: set[str] | None = None
             ) -> Side | None:
    """Return the subject of the phrase: the nearest free side before it in its clause, or its host's."""
    clause = ctx.clauses[n]
    within = [s for s in _sides_between(ctx, clause.start, hit.start)
              if not (exclude and s.actor in exclude)
              # "the Kurdish enclave": a people's word names the side of its own noun only.
              and s.how != "name head"
              # A side in parentheses restates the one before it: "Islamic State (IS)".
              and not ctx.text[max(0, s.start - 1):s.start] == "("]
    # "the IS fighters still inside X": a noun then "still" before the phrase is its subject,
    # whatever governs it ("troops pursuing rebel units seized X" is the troops' capture).
    if within and re.fullmatch(r"\s*(?:(?:still|now|remaining|left|who\s+are|who\s+were|that\s+are)\s+)+",
                               ctx.text[within[-1].end:hit.start]):
        return within[-1]
    # "..., with some police surrendering to the militants and others retreating to X": the
    # phrase's subject is "others", of a group the sentence does not say is a side's.
    other = lang.rx("roles.other_subject").search(ctx.text[clause.start:hit.start])
    if other:
        # "Some SDF units stayed ... and the rest pushed into X": the rest of a side is the side.
        at = clause.start + other.start()
        group = [s for s in ctx.sides if s.end <= at]
        if group and lang.rx("roles.some_of").search(ctx.text[max(0, group[-1].start - 20):group[-1].start]):
            return group[-1]
        return None
    # "The SDF say most of the jihadists were pushed out": a speaker is not the subject.
    speakers = [s for s in within if lang.rx("roles.speaks").match(ctx.text[s.end:s.end + 60])]
    within = [s for s in within if s not in speakers]
    govs = [_clause_subject(lang, ctx, s, hit, _governor(lang, ctx, s.start)) for s in within]
    cands = [s for s, g in zip(within, govs, strict=True) if g is None]
    if cands:
        return cands[-1]
    # "carriers full of soldiers moved into X", "fighters of the Hashd entered X".
    of = [s for s, g in zip(within, govs, strict=True) if g == "of"]
    if of and not any(g not in (None, "of") for g in govs[govs.index("of"):]):
        return of[0]
    # "the alliance said it controlled X", "forces reported seizing X": the speaker speaks of
    # itself, or of its own deed.
    for s in reversed(speakers):
        m = lang.rx("roles.speaks").match(ctx.text[s.end:s.end + 60])
        if m is None:
            continue
        if lang.rx("roles.self").match(ctx.text[s.end + m.end():]):
            return s
        deed = lang.rx("roles.self_deed").match(ctx.text[s.end + m.end():hit.start])
        if deed and (deed.group("perfect") or re.match(r"\w+ing\b", hit.text)):
            return s
    if clause.kind == "relative" and clause.antecedent is not None:
        ante = [s for s in ctx.sides if s.end <= clause.antecedent and
                not ctx.text[s.end:clause.antecedent].strip(" )")]
        if ante:
            return ante[-1]
        return None
    if clause.host is not None and clause.kind in (
            "adjunct", "participle", "coordinate", "resume", "subordinate"):
        host = ctx.clauses[clause.host]
        frees = [s for s in _sides_between(ctx, host.start, host.end)
                 if not _governed(lang, ctx, s.start) and not (exclude and s.actor in exclude)]
        # "troops were on alert as IS regrouped after seizing X": the side of the clause a
        # conjunction opens just before the adjunct is the one seizing, not the main subject.
        opened = [s for s in _sides_between(ctx, host.start, clause.start)
                  if _opens_clause(lang, ctx, s) and not (exclude and s.actor in exclude)]
        if opened:
            return opened[-1]
        if frees:
            return frees[0]
    return None


def _opens_clause(lang: Language, ctx: Context, side: Side) -> bool:
    """Whether a conjunction opens a clause right before the side ("as IS used", "while the army")."""
    before = re.findall(r"[\w'’-]+", ctx.text[max(0, side.start - 30):side.start].lower())
    if before and before[-1] in lang.determiners:
        before = before[:-1]
    return bool(before) and before[-1] in lang.words("roles.clause_openers")


def _passive(lang: Language, ctx: Context, hit: PhraseHit) -> bool:
    """Whether the phrase's verb is passive: "was taken", "X, retaken by troops", "the liberated X"."""
    p = hit.phrase
    if p.form not in ("participle", "past") or p.frame in ("fall", "adjective") or p.be:
        return False
    i = hit.i - 1
    while i >= 0 and lang.rx("roles.adverb").match(ctx.tokens[i].low):
        i -= 1
    if i >= 0 and ctx.tokens[i].low in lang.words("roles.be") and not _named_side(ctx, ctx.tokens[i].start):
        return True  # "was taken"; not "IS seized X", where the word is a side's name
    # A reduced relative: "X, retaken by troops on Monday," / "X captured by IS".
    after = ctx.text[hit.end:hit.end + 40]
    if re.match(r"\s+(?:\w+\s+){0,3}?by\b", after) and not _site_after(lang, ctx, hit):
        return True
    return False


def _named_side(ctx: Context, at: int) -> bool:
    """Whether a side's name starts at ``at`` (the abbreviation "IS", not the verb)."""
    return any(s.start == at for s in ctx.sides)


def _attributive(lang: Language, ctx: Context, hit: PhraseHit) -> bool:
    """Whether the phrase is an adjective before a noun: "the surrounding streets", "the besieged town"."""
    i = hit.i - 1
    while i >= 0 and lang.rx("roles.adverb").match(ctx.tokens[i].low):
        i -= 1
    if i < 0:
        return False
    t = ctx.tokens[i]
    return hit.phrase.form in ("ing", "participle", "past") and len(hit.phrase.words) == 1 and (
        t.low in ("the", "a", "an", "its", "their", "his", "her", "this", "that", "our", "whose")
        or t.low.endswith("'s") or t.low == "'s")


def _between_ok(lang: Language, ctx: Context, lo: int, hi: int, *, locative: bool) -> bool:
    """Whether only modifiers stand between a phrase (ending at ``lo``) and its site (at ``hi``)."""
    gap = lang.rx("roles.bracketed").sub("", ctx.text[lo:hi])  # "(1.2 miles)": no full stop
    if re.search(r"[;:.!?”]|\"(?!\s*$)", gap):
        return False  # an opening quote may stand before the site: captured "Paradise Square"
    # The noun the adjectives qualify may open the site's name ("neighborhood of X").
    adjectives = lang.rx("roles.adjectives_of_kind").match(ctx.text, lo, hi + 40)
    if adjectives and adjectives.end() >= hi and "," not in ctx.text[hi:adjectives.end()]:
        gap = gap.replace(",", " ")
    words = re.findall(r"[\w'’-]+|,", gap)
    if not locative and "," in words:
        return _listed(lang, gap)
    if len(words) > (_OBJECT_WORDS + 5 if locative else _OBJECT_WORDS):
        return False
    if locative:
        return "," not in words
    if lang.partitive_regex()[0].search(gap):
        return True  # "confined to less than one square kilometre of the Old City"
    for w in words:
        low = w.lower()
        if low in lang.governing and low not in ("of", "including"):
            return False
        if low in lang.words("roles.be") or low in lang.words("roles.aux"):
            return False
    return True


def _new_verb(lang: Language, gap: str) -> bool:
    """Whether a gap between a phrase and a site opens a verb of its own ("and are withdrawing from")."""
    be, aux = lang.words("roles.be"), lang.words("roles.aux")
    return any(w in be or w in aux for w in re.findall(r"[\w'’-]+", gap.lower()))


# A list before the site: "took the silos, as well as a bakery, X and Y" (X is in the object).
_LIST_SEP = re.compile(r"\s*(?:,\s*(?:and\s+|as\s+well\s+as\s+)?|\s+and\s+|\s+as\s+well\s+as\s+)",
                       re.IGNORECASE)


def _listed(lang: Language, gap: str, *, opens: bool = True) -> bool:
    """Whether a gap is list items the gazetteer lacks, closed by a site.

    Opening the list, before its first site ("took the silos, a bakery, X"),
    or between two of its sites (``opens=False``: "X, Dahret Awad, Juret Awad,
    and Y").
    """
    parts = _LIST_SEP.split(gap.strip() if opens else gap)
    if not opens:
        if len(parts) < 3 or parts[0].strip():
            return False  # between two sites the gap starts with a separator
        parts = parts[1:]
    items, tail = parts[:-1], parts[-1]
    return 1 <= len(items) <= (4 if opens else 6) and tail.strip().lower() in ("", "the") \
        and _nouns(lang, items)


def _nouns(lang: Language, items: Sequence[str]) -> bool:
    """Whether each item is a short noun phrase: a few words, no verb of being, no preposition."""
    for item in items:
        words = item.split()
        if not 1 <= len(words) <= 5 or words[0].lower().endswith("ing"):
            return False  # "killing dozens": a clause of its own, not a noun
        for w in words:
            low = w.lower().strip("'’")
            if (low in lang.governing and low != "of") or low in lang.words("roles.be") \
                    or low in lang.words("roles.aux") or not re.fullmatch(r"[\w'’-]+", w):
                return False
    return True


def _site_after(lang: Language, ctx: Context, hit: PhraseHit, *, locative: bool = False) -> Mention | None:
    n = ctx.clause_of(hit.start)
    hi = ctx.clauses[n].end
    # A site's clause may run on past a relative pronoun ("took X, which ...").
    for m in ctx.sites:
        if m.start < hit.end:
            continue
        if m.start >= hi:
            # Past the clause's comma only as the close of a list of objects ("took the silos,
            # a bakery and X").
            listed = not locative and "," in ctx.text[hit.end:m.start] and (_listed(
                lang, ctx.text[hit.end:m.start]) or bool(lang.rx("roles.including").fullmatch(
                    ctx.text[hit.end:m.start])))
            return m if listed else None
        if _between_ok(lang, ctx, hit.end, m.start, locative=locative):
            return m
        if not locative:
            return None  # only the first site after a verb can be its object
    return None


def antecedent(lang: Language, ctx: Context, clause: Clause) -> Mention | None:
    """Return the site a relative clause is about: the noun before its comma ("the complex, which ...").

    A site that only says where the noun is ("the Sarb quarter in the north of
    the city, which ...") gives way to the noun it locates.
    """
    if clause.antecedent is None:
        return None
    ante = [m for m in ctx.sites if m.end <= clause.antecedent and
            not ctx.text[m.end:clause.antecedent].strip(" )\"”")]
    if not ante:
        # "Raya Madaya, a lakeside village where ...": the name the apposition restates.
        ante = [m for m in ctx.sites if m.end <= clause.antecedent and re.fullmatch(
            r",\s+(?:a|an|the)\s+(?:[\w'’-]+\s+){0,3}[\w'’-]+\s*", ctx.text[m.end:clause.antecedent])]
    if not ante:
        return None
    near = ante[-1]
    before = ctx.text[max(0, near.start - 40):near.start]
    if lang.rx("roles.where_of").search(before) or (
            lang.rx("roles.locative").search(before) and not before.rstrip().endswith("of")):
        head = [m for m in ctx.sites if m.end <= near.start and m.start >= ctx.clause_start(near.start)
                and not re.search(r"[,;]", ctx.text[m.end:near.start])]
        if head:
            return head[-1]
    return near


def _site_before(lang: Language, ctx: Context, hit: PhraseHit, n: int) -> Mention | None:
    clause = ctx.clauses[n]
    rel = re.search(r"([\w'’-]+)\s+(?:that|which|who)\s+$", ctx.text[clause.start:hit.start])
    if rel and not any(m.start <= clause.start + rel.start(1) < m.end for m in ctx.sites):
        return None  # "streets that changed hands": the subject is the noun before "that"
    cands = [m for m in ctx.sites if clause.start <= m.start and m.end <= hit.start]
    free = [m for m in cands if not _governed(lang, ctx, m.start)]
    if free:
        return free[-1]
    if clause.kind == "relative":
        ante = antecedent(lang, ctx, clause)
        if ante is not None:
            return ante
    if clause.kind in ("resume", "coordinate", "participle") and clause.host is not None:
        host = ctx.clauses[clause.host]
        free = [m for m in ctx.sites if host.start <= m.start and m.end <= host.end
                and not _governed(lang, ctx, m.start)]
        if free and clause.kind == "resume":
            return free[0]
    # "parts of the city remained under IS control": the part's whole, governed by "of".
    of = [m for m in cands if _governor(lang, ctx, m.start) == "of"]
    return of[-1] if of and clause.kind != "main" else None


def _place_of(lang: Language, ctx: Context, hit: PhraseHit, site: Mention) -> bool | None:
    """Inside (True) or around (False) the site, from the words between phrase and site.

    The preposition nearest the site decides ("clashes for the fourth day in
    the vicinity of X": around); a longer one ending at the same place wins.
    """
    # A bracketed aside is no place word: "to within 5 km (3 miles) of X" is "km of X".
    gap = lang.rx("roles.bracketed").sub("", ctx.text[hit.end:site.start])
    best: tuple[int, int, bool] | None = None
    for words, inside in ((lang.around, False), (lang.inside, True)):
        for m in words.finditer(gap):
            key = (m.end(), m.end() - m.start(), inside)
            if best is None or key[:2] > best[:2]:
                best = key
    return None if best is None else best[2]


def _coordinated(lang: Language, ctx: Context, site: Mention) -> list[Mention]:
    """Sites joined to ``site`` by "and", commas or "including" ("X, Y and Z", "X, including Y")."""
    ordered = sorted(ctx.sites, key=lambda m: m.start)
    i = next(k for k, m in enumerate(ordered) if m is site)
    out = []
    j = i
    joiner = re.compile(
        r"^(?:\s+[a-z][\w'’-]*){0,2}?\s*"
        r"(?:,\s*(?:and|or|as well as|including|in addition to|along with|with)?|"
        r"and|or|&|as well as|"
        r"plus|along with|together with|in addition to|,?\s*including|,?\s*as well as)\s+"
        r"(?:the\s+|both\s+|also\s+)?(?P<mods>(?:[\w'’-]+\s+){0,3}?)$", re.IGNORECASE)

    def joined(gap: str) -> bool:
        m = joiner.match(gap)
        # "X, just south-east of the Y" is no list: a preposition says where X is.
        if m is not None and not any(w.lower() in lang.governing or w.lower() in ("just", "about")
                                     for w in (m.group("mods") or "").split()):
            return True
        return _listed(lang, gap, opens=False)  # "X, Dahret Awad, and Y": names it lacks between
    while j + 1 < len(ordered):
        gap = ctx.text[ordered[j].end:ordered[j + 1].start]
        if not joined(gap) or any(ordered[j].end <= s.start < ordered[j + 1].start
                                  for s in ctx.sides):
            break
        j += 1
        out.append(ordered[j])
    j = i
    while j > 0:
        gap = ctx.text[ordered[j - 1].end:ordered[j].start]
        if not re.match(r"^\s*(?:,|and|or|&|,\s*and|,\s*or)\s+(?:the\s+)?$", gap, re.IGNORECASE):
            break
        j -= 1
        out.append(ordered[j])
    return [m for m in out if m.place != site.place]


@lru_cache(maxsize=16)
def _governed_by(preps: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{preps})\s+(?:[\w'’.-]+\s+){{0,3}}$", re.IGNORECASE)


def _agent(lang: Language, ctx: Context, hit: PhraseHit, preps: str, through_phrases: bool = False
           ) -> Side | None:
    """Return the first side after the phrase governed by one of ``preps`` ("by", "from", "to").

    With ``through_phrases``, a claim phrase in between may be the preposition's own
    ("the transfer of X under the control of Y": "control of").
    """
    n = ctx.clause_of(hit.start)
    hi = ctx.clauses[n].end
    start = hit.end
    rx = _governed_by(preps)
    for s in ctx.sides:
        if s.start >= start and s.end <= hi and rx.search(ctx.text[start:s.start]):
            # Not "... and cleared the mines left behind by the gangs": another verb's agent.
            between = ctx.text[start:s.start]
            if re.search(r"\b(?:and|but|then|which|who|that)\b", between) or not through_phrases and any(
                    start <= h.start < s.start for h in ctx.hits if h is not hit):
                return None
            return s
    return None


def _gap_side(ctx: Context, hit: PhraseHit) -> Side | None:
    if not hit.gap:
        return None
    lo, hi = ctx.tokens[hit.gap[0]].start, ctx.tokens[hit.gap[1] - 1].end
    inside = [s for s in ctx.sides if lo <= s.start and s.end <= hi]
    return inside[0] if inside else None


def _glued_side(ctx: Context, hit: PhraseHit) -> Side | None:
    """Return the side written right before the phrase ("IS-held", "IS capture of", "Russia's capture of")."""
    before = ctx.text[:hit.start]
    for s in reversed(ctx.sides):
        if s.end <= hit.start:
            gap = before[s.end:]
            if re.fullmatch(r"(?:['’]s?)?\s*(?:(?:[a-z-]+\s+){0,2})?", gap) and len(gap) <= 22:
                return s
            return None
    return None


def read_roles(lang: Language, ctx: Context, hit: PhraseHit) -> Roles | None:
    """Find the site and sides of one phrase.

    Parameters
    ----------
    lang : Language
    ctx : Context
        The sentence.
    hit : PhraseHit

    Returns
    -------
    Roles or None
        None when the phrase names no site of the gazetteer (or its site is
        outside the theatre's map), or is an adjective ("the surrounding
        countryside").
    """
    p = hit.phrase
    n = ctx.clause_of(hit.start)
    if p.form == "ing" and _attributive(lang, ctx, hit):
        return None  # "the surrounding streets", "the advancing troops"
    nxt = re.match(r"\s+([\w'’-]+)", ctx.text[hit.end:])
    if p.form == "noun" and nxt and nxt.group(1) in lang.compounds:
        return None  # "assault groups", "attack helicopters": the noun modifies another
    stop = lang.exceptions.get(p.lemma.split()[0])
    if stop is not None and stop.search(ctx.text[hit.end:min(ctx.clauses[n].end, hit.end + 60)]):
        return None  # "clearing the mosque of booby traps", "secured the release of"
    if len(p.words) == 1 and p.form != "noun" and nxt and nxt.group(1) in lang.particles \
            and p.type not in ("move", "fight"):
        return None  # "took part", "taken hostage"
    passive = _passive(lang, ctx, hit)
    attributive = p.form in ("participle", "past") and _attributive(lang, ctx, hit)
    if attributive and p.lemma in lang.words("roles.state_participles"):
        return None  # "the occupied city of X": a state, not news of its fall
    actor = other = None
    site = None
    inside = None
    how = ""
    if p.frame == "adjective":
        actor = _glued_side(ctx, hit)
        site = _site_after(lang, ctx, hit)
        how = "side glued to the phrase"
    elif p.frame == "fall":
        site = _site_before(lang, ctx, hit, n)
        actor = _gap_side(ctx, hit) or _first_after(lang, ctx, hit)
        how = "site before the phrase, side after it"
    elif p.frame == "epithet":
        found = _epithet(lang, ctx, hit, n)
        if found is None:
            return None
        site, actor = found
        how = "the place the epithet is said of"
    elif p.frame == "locative":
        site = _site_after(lang, ctx, hit, locative=True)
        if site is None and n > 0 and ctx.clauses[0].kind == "adjunct":
            # "In the nearby Farouq district, troops were battling house to house": where the
            # fronted phrase says.
            fronted = ctx.text[:ctx.clauses[0].end]
            where = re.match(r"\s*(in|inside|within|around|near|outside|on the outskirts of|at)\s", fronted,
                             re.IGNORECASE)
            fronted_sites = [m for m in ctx.sites if m.end <= ctx.clauses[0].end]
            # Not for a phrase in a clause of its own: "... since the offensive began".
            own = re.search(r"\b(?:since|after|before|when|because|until|while|unless)\b",
                            ctx.text[ctx.clauses[0].end:hit.start], re.IGNORECASE)
            if where and fronted_sites and not own:
                inside = where.group(1).lower() in ("in", "inside", "within", "at")
                actor = _subject(lang, ctx, hit, n)
                return Roles(fronted_sites[0], (), actor, None, False, inside, "site of the fronted phrase")
        if site is not None:
            inside = _place_of(lang, ctx, hit, site)
            if inside is None and p.type == "move" and p.words[-1] in lang.around:
                inside = False  # "heading for X", "advanced towards X": the phrase says where
            if inside is None:
                if p.form == "noun" or not _between_ok(lang, ctx, hit.end, site.start, locative=False):
                    return None
                inside = True  # "stormed X", "entered X": the site is the object
        if p.form == "noun" and p.type == "fight" and not re.search(r"attack|assault|offensive|raid",
                                                                      p.lemma):
            actor = None  # "clashes in X": fighting, whoever is named around it
        else:
            # "IS attacks on X", "troops initiated a new push into X": the side pressing in.
            actor = (_glued_side(ctx, hit) if p.form == "noun" else None) or _subject(lang, ctx, hit, n)
        how = "site after the phrase"
    elif p.form == "noun":
        if p.type in ("hold", "full_control", "capture") and re.search(
                r"\b(?:for|over)\s+(?:the\s+)?(?:\w+\s+)?$", ctx.text[max(0, hit.start - 25):hit.start],
                re.IGNORECASE):
            return None  # "fighting over the complete control of X": the fight is the claim
        site = _site_after(lang, ctx, hit)
        if site is None and p.type in ("capture", "full_control") and not re.match(r"\s+of\b",
                                                                                   ctx.text[hit.end:]):
            site = _site_before(lang, ctx, hit, n)  # "Kastani is on the verge of capture"
            owner = re.search(r"['’]s\s+(?:[\w-]+\s+)?$", ctx.text[max(0, hit.start - 30):hit.start])
            if site is not None and owner and site.end != hit.start - len(owner.group()):
                site = None  # "the city's liberation": the city's, not a site named before it
        given_over = p.lemma in lang.words("roles.given_over")
        if given_over:
            # "the handover of X to Y": no side it is handed to, no claim (the transfer of the wounded)
            actor = _agent(lang, ctx, hit, lang.rx("roles.given_to").pattern, through_phrases=True)
            if actor is None:
                return None
        else:
            actor = _agent(lang, ctx, hit, "by|to" if p.lemma == "fall" else "by") or _glued_side(ctx, hit)
        if actor is None and p.type in ("capture", "full_control", "hold") and _announced(lang, ctx, hit, n):
            # "the army announced the recapture of X"; "the occupiers announced the evacuation of X"
            actor = _subject(lang, ctx, hit, n)
        if actor is None and p.type == "loss" and lang.rx("roles.conceded").search(
                ctx.text[ctx.clauses[n].start:hit.start]):
            actor = _subject(lang, ctx, hit, n)  # "the ministry acknowledged the loss of X": its own
        other = _agent(lang, ctx, hit, "from")
        how = "site after the noun"
    elif passive or attributive:
        site = _site_after(lang, ctx, hit) if attributive else _site_before(lang, ctx, hit, n)
        if site is None and not attributive:
            site = _site_after(lang, ctx, hit)
        if p.frame == "expel":
            actor = _subject(lang, ctx, hit, n)  # the side driven out
            other = _agent(lang, ctx, hit, "by")
            site = _site_after(lang, ctx, hit, locative=True) or site
        else:
            actor = _agent(lang, ctx, hit, "by")
            other = _agent(lang, ctx, hit, "from")
        how = "passive: site before the phrase, agent after 'by'"
    else:
        if p.frame == "expel":
            other = _gap_side(ctx, hit)
            if other is None:
                return None  # "forces pushed out of the centre": movement, not an expulsion
            site = _site_after(lang, ctx, hit, locative=True)
            actor = _subject(lang, ctx, hit, n, exclude={other.actor})
        else:
            # Being in a place may say where with any preposition: "holding hostages inside X".
            site = _site_after(lang, ctx, hit, locative=p.type == "presence")
            if site is not None and p.type == "presence" and _new_verb(lang, ctx.text[hit.end:site.start]):
                site = None  # "are in complete disarray and are withdrawing from X": X is the next verb's
            actor = _subject(lang, ctx, hit, n)
            if "flag" in p.words and "*" in p.words:
                if lang.rx("roles.surrender_flag").search(hit.text):
                    return None  # "raised a white flag at X": a surrender, not a taking
                # "raised the Ukrainian flag over X": the side whose flag it is, whoever raised it.
                actor = _gap_side(ctx, hit) or actor
            other = _agent(lang, ctx, hit, "from")
            if site is None and p.type in ("hold", "presence") and p.frame == "transitive":
                # "The Citadel, which government troops have held": the antecedent.
                clause = ctx.clauses[n]
                if clause.kind == "relative" and not lang.rx("roles.own_object").match(ctx.text, hit.end):
                    site = _site_before(lang, ctx, hit, n)
            if site is None and re.match(r"\s+it\b", ctx.text[hit.end:]) and p.type != "siege":
                site = _pronoun(lang, ctx, hit)  # "... but Ukrainian troops still hold it"
            if site is None and p.type == "loss" and p.frame == "leave" and actor is not None:
                site = _left_behind(lang, ctx, hit, actor)  # "after briefly taking X, IS retreated"
        how = "subject before the phrase, site after it"
    if site is None and p.type == "siege":
        target = _target_in(lang, ctx, hit)
        if target is not None:
            # "attacked troops in X", "attacks on SDF units inside X": the side attacked is in X.
            return Roles(target[0], (), target[1], None, False, True, "the side attacked is in the site",
                         target=True)
    clause = ctx.clauses[n]
    if site is None and clause.kind == "relative" and p.type in ("hold", "presence", "fight", "move") \
            and ctx.text[clause.start:clause.start + 8].lower().lstrip(", ").startswith("where") \
            and not (p.type in ("hold", "presence") and lang.rx("roles.own_object").match(ctx.text, hit.end)):
        # "Raya Madaya, a village where the militants keep their hostages": where is the antecedent.
        site = antecedent(lang, ctx, clause)
        actor = actor or _subject(lang, ctx, hit, n)
        inside = True if p.type in ("fight", "move") else inside
    if site is None and p.type in ("hold", "presence") and not ctx.text[hit.end:].strip(" .,'\"”’"):
        # "... saying IS fighters are still holed up inside.": inside the place named last.
        before = [m for m in ctx.sites if m.end <= hit.start and hit.start - m.end <= 150]
        site = before[-1] if before else None
        actor = actor or _subject(lang, ctx, hit, n)
    if site is None:
        return None
    if site.start >= hit.end and lang.rx("roles.between").search(
            ctx.text[max(hit.end, site.start - 40):site.start]):
        return None  # "made gains in the area between X and Y": neither X nor Y
    beside = p.type in ("capture", "full_control", "hold", "presence") and site.start >= hit.end \
        and _beside(lang, ctx.text[hit.end:site.start])
    if beside:
        # "took a position south of X", "holds the hills overlooking X": X itself is not taken.
        # Areas taken beside it ("seized districts north of X", "the road linking X to Y") say
        # nothing of who holds X (the taker may hold it already): no claim at all.
        if p.type in ("hold", "presence") or lang.rx("roles.area_beside").search(
                ctx.text[hit.end:site.start]):
            return None
        how += "; the object is beside the site"
    # "the main force advances from the citadel": where the movers are.
    origin = p.type == "move" and site.start >= hit.end and bool(
        re.search(r"\bfrom\s+(?:the\s+)?(?:[\w'’-]+\s+)?$", ctx.text[hit.end:site.start], re.IGNORECASE))
    return Roles(site, tuple(_coordinated(lang, ctx, site)), actor, other, passive or attributive,
                 inside, how, beside, origin)


def _target_in(lang: Language, ctx: Context, hit: PhraseHit) -> tuple[Mention, Side] | None:
    """Return the site and side of an attack on a side in a site ("attacked troops in X")."""
    for side in ctx.sides:
        if side.start < hit.end:
            continue
        if not lang.rx("roles.before_target").fullmatch(ctx.text, hit.end, side.start):
            return None  # only the phrase's own object: "attacked the troops in X"
        where = lang.rx("roles.target_in").match(ctx.text, side.end)
        if where is None:
            return None
        site = next((m for m in ctx.sites if m.start == where.end()), None)
        return (site, side) if site is not None else None
    return None


def destination(lang: Language, ctx: Context, hit: PhraseHit, roles: Roles) -> Roles | None:
    """Return the roles of where a move from a site goes: "from X towards Y" (Y), or None."""
    if not roles.origin:
        return None
    clause_end = ctx.clauses[ctx.clause_of(hit.start)].end
    for m in ctx.sites:
        if roles.site.end <= m.start < clause_end and m.site:
            gap = ctx.text[roles.site.end:m.start]
            where = re.fullmatch(r"\s*(?:,\s*)?(?P<prep>towards?|to|into|on|in\s+the\s+direction\s+of)\s+"
                                 r"(?:the\s+)?(?:[\w'’-]+\s+){0,2}", gap, re.IGNORECASE)
            if where:
                inside = where.group("prep").lower() == "into"
                return replace(roles, site=m, more=(), origin=False, inside=inside,
                               how=roles.how + "; where the move goes")
            return None
    return None


def _beside(lang: Language, gap: str) -> bool:
    """Whether a place word ending the gap before a site puts the object beside it."""
    tail = re.sub(r"(?:\s+the)?\s*$", "", lang.rx("roles.bracketed").sub("", gap))
    return any(m.end() == len(tail) for m in lang.near.finditer(tail))


def _epithet(lang: Language, ctx: Context, hit: PhraseHit, n: int) -> tuple[Mention, Side | None] | None:
    """Return the site and side of "X, the last IS stronghold" / "X is the militants' bastion"."""
    text = ctx.text
    # The noun phrase opens at its determiner: "the last remaining ISIL stronghold".
    head = re.search(r"(?:\b(?:the|a|an|its|their|one\s+of(?:\s+the)?)\s+)((?:[\w'’-]+\s+){0,4})$",
                     text[max(0, hit.start - 60):hit.start], re.IGNORECASE)
    np_start = hit.start - (len(text[max(0, hit.start - 60):hit.start]) - head.start()) if head \
        else hit.start
    holder = next((s for s in ctx.sides if np_start <= s.start and s.end <= hit.start), None)
    of = re.match(r"\s+of\s+(?:the\s+)?", text[hit.end:])
    if holder is None and of:
        holder = next((s for s in ctx.sides if s.start == hit.end + of.end()), None)
    if of:
        after = next((m for m in ctx.sites if m.start == hit.end + of.end()), None)
        if after is not None:
            return after, holder
    clause = ctx.clauses[n]
    before = text[clause.start:np_start]
    link = re.search(r"(?:,|\b(?:is|was|remains|remained|became|as|be|been|being))\s*$", before)
    # "as an offensive against IS stronghold ...": the epithet is a preposition's object, said
    # of the place it names next, not of the sentence's subject.
    governed = head is not None and any(w.lower() in lang.governing for w in head.group(1).split())
    if link and not governed:
        # "X, one of IS's last positions" (an apposition to any noun); "X is the last bastion"
        # (the subject).
        comma = link.group().strip() == ","
        cands = [m for m in ctx.sites if clause.start <= m.start and m.end <= np_start - len(link.group())
                 and (comma or not _governed(lang, ctx, m.start))]
        if comma:
            cands = [m for m in cands if not ctx.text[m.end:np_start - len(link.group())].strip()]
        if cands:
            return cands[-1], holder
    if clause.kind == "relative":
        ante = antecedent(lang, ctx, clause)
        if ante is not None:
            return ante, holder
    return None


def _pronoun(lang: Language, ctx: Context, hit: PhraseHit) -> Mention | None:
    """Return the site "it" stands for after a claim verb.

    The last site before it that is not only where something else is
    ("Lastochkyne, a village west of the coke plant, ... hold it").
    """
    before = [m for m in ctx.sites if m.end <= hit.start]
    for m in reversed(before):
        if not (lang.rx("roles.where_of").search(ctx.text[max(0, m.start - 40):m.start]) or re.search(
                r"\b(?:of|in|at|near|from|to|toward|towards)\s+(?:the\s+)?$",
                ctx.text[max(0, m.start - 20):m.start], re.IGNORECASE)):
            return m
    return None


def _left_behind(lang: Language, ctx: Context, hit: PhraseHit, actor: Side) -> Mention | None:
    """Where a side retreating from no named place was: the site it took or entered just before."""
    for h in reversed([h for h in ctx.hits if h.end <= hit.start and h.phrase.type in
                       ("capture", "full_control", "entry", "move", "presence")]):
        roles = read_roles(lang, ctx, h)
        if roles is not None and roles.actor is not None and roles.actor.actor == actor.actor:
            return roles.site
    return None


def _announced(lang: Language, ctx: Context, hit: PhraseHit, n: int) -> bool:
    """Whether a capture noun is what its clause's subject announces or completes."""
    lo = ctx.clauses[n].start
    return bool(re.search(r"\b(?:announced|announces|declared|declares|confirmed|completed|"
                          r"completes|claimed|claims|celebrated|celebrates|reported|marked)\s+"
                          r"(?:\w+\s+){0,3}$", ctx.text[lo:hit.start], re.IGNORECASE))


def _first_after(lang: Language, ctx: Context, hit: PhraseHit) -> Side | None:
    n = ctx.clause_of(hit.start)
    hi = ctx.clauses[n].end
    for s in ctx.sides:
        if s.start >= hit.end and s.end <= hi and s.start - hit.end <= 40:
            return s
    return None
