"""Stage 4: the claim type, from the phrase, its roles and the words around its site.

A phrase's type (``predicates.yaml``) is refined here: a move or a fight
inside a site is an entry or fighting in it, around it a siege; a claim on
part of a site ("most of the city", "the city's eastern districts", "40
percent of the town") is a partial claim; a hold said to be over ("no
longer controls") is a loss; a hold said to be complete ("fully in the hands
of") is full control; the passive of "drove Z out of X" is Z's loss.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..mentions import Mention
from .enums import ClaimType
from .language import Language, PhraseHit
from .roles import Roles

__all__ = ["Kind", "classify", "partitive"]

#: How each claim type bears on fighting at the site.
FIGHTING = {ClaimType.CONTESTED: "inside", ClaimType.ENTRY: "inside", ClaimType.SIEGE: "around"}


@dataclass(frozen=True)
class Kind:
    """The claim a phrase makes: its type, whether it is about part of the site, and why."""

    type: ClaimType
    part: bool
    ended: bool
    note: str


def partitive(lang: Language, text: str, site: Mention, lo: int, *, taken: bool = False) -> bool:
    """Whether the words around ``site`` make a claim about part of it only.

    Parameters
    ----------
    lang : Language
    text : str
        The sentence.
    site : Mention
    lo : int
        Where the claim's phrase ends (the part named before the site stands after it).
    taken : bool
        The claim takes or leaves the site: its last parts taken or left are all of it.

    Returns
    -------
    bool
    """
    of, after, whole = lang.partitive_regex()
    before = text[max(lo, site.start - 70):site.start]
    if lang.rx("classify.a_part_of").search(before):
        return True  # "one of the last districts in X", "a central neighbourhood of X"
    if whole.search(before) or (taken and (lang.rx("classify.last_of").search(before)
                                           or lang.rx("classify.all_parts_of").search(before))):
        return False  # "all of X"; "withdrew from the last parts of X"; "took the districts of X"
    if of.search(before) and not (site.how == "name" and lang.rx("classify.naming_of").search(before)
                                  and lang.rx("classify.list_follows").match(text, site.end)):
        # but "the villages of Krasna Hora and Pidhorodne" names them; a plural before one name
        # does not ("two northern neighbourhoods of X" are in X)
        return True
    return bool(after.match(text[site.end:site.end + 40]))

def _edge(lang: Language, text: str, site: Mention, lo: int) -> bool:
    """Whether the part of the site named is its edge ("entered the outskirts of X")."""
    return bool(lang.rx("classify.edge").search(text[max(lo, site.start - 60):site.start]))


def classify(lang: Language, text: str, hit: PhraseHit, roles: Roles, clause_end: int) -> Kind:
    """Return the claim one phrase makes about its site.

    Parameters
    ----------
    lang : Language
    text : str
        The sentence.
    hit : PhraseHit
    roles : Roles
    clause_end : int
        Where the phrase's clause ends.

    Returns
    -------
    Kind
        Its type one of :class:`ClaimType`: a phrase's ``move`` and ``fight`` are resolved here.
    """
    p = hit.phrase
    kind = p.type
    note = ""
    if kind == "siege" and roles.target:
        kind, note = "presence", "attacked where it is: inside the site"
    elif kind in ("capture", "full_control") and roles.beside:
        kind, note = "siege", "taken beside the site, not in it"
    elif kind == "move" and roles.origin:
        kind, note = "presence", "the move starts from the site"
    elif kind == "move":
        owned = roles.site.start >= hit.end and lang.rx("classify.next_verb").search(
            text, hit.end, roles.site.start)
        kind = "entry" if roles.inside and not owned else "siege"
    elif kind == "fight":
        kind = "contested" if roles.inside else "siege"
    elif p.frame == "expel" and roles.passive:
        kind, note = "loss", "the side driven out is the subject"
    site_lo = hit.end if roles.site.start >= hit.end else max(0, roles.site.start - 70)
    part = kind != "siege" and partitive(lang, text, roles.site, site_lo,
                                         taken=kind in ("capture", "loss", "full_control"))
    if not part and kind in ("capture", "full_control", "loss", "hold") and roles.site.start >= hit.end:
        owned = lang.rx("classify.owned").match(text, roles.site.end)
        if owned and not any(w in lang.claim_heads for w in owned.group(1).lower().split()):
            part = True  # "retook the city's medicine college": a place in the city, not all of it
    if kind == "loss" and roles.actor is not None and \
            lang.rx("classify.some_of").search(text[:roles.actor.start]):
        part = True  # "most of the jihadists were pushed out of the town": some are still in it
    if kind == "loss" and roles.site.start >= hit.end and \
            lang.rx("classify.some_units").search(text[hit.end:roles.site.start]):
        part = True  # "IS withdrew most of its fighters from X": the rest are still in it
    if part and kind in ("entry", "contested") and _edge(lang, text, roles.site, site_lo):
        kind, part, note = "siege", False, "at the edge of the site, not in it"
    ended = False
    if kind in ("hold", "presence"):
        window = text[max(0, hit.start - 30):min(clause_end, hit.end + 60)]
        if lang.ended.search(window):
            kind, ended, note = "loss", True, "a hold said to be over"
        elif kind == "hold" and not part and roles.actor is not None and roles.actor.how == "first person" \
                and lang.rx("classify.not_held").search(text[max(0, hit.start - 20):hit.start]) \
                and not lang.rx("classify.not_held_whole").search(
                    text[hit.start:min(clause_end, hit.end + 40)]):
            # "We do not control X": a side saying it does not hold a place has lost it (not
            # "do not fully control X" or "all of X", which say it holds part; not a third
            # party's "the army does not control X", which says nothing of when).
            kind, ended, note = "loss", True, "a hold the side says it does not have"
        elif lang.complete.search(text[max(0, hit.start - 25):hit.end + 25]) and not part:
            kind = "full_control"
    if part and kind == "full_control":
        kind = "capture"
    if part:
        note = (note + "; " if note else "") + "about part of the site"
    # Every phrase type but move and fight is a claim type; those two were resolved above.
    return Kind(ClaimType(kind), part, ended, note)
