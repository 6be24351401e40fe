"""The closed sets of words a claim is made of: its type and its status.

Both are :class:`enum.StrEnum`: a member is the very string it stands for, so
it compares equal to that string, hashes as it does, and is written out as it
(CSV, GeoJSON, GeoPackage) with no conversion.  Plain strings read from a file
(a gold table, language data) turn into members with ``ClaimType(text)``.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["ClaimType", "Status"]


class ClaimType(StrEnum):
    """What a claim says about a site, after ACLED's territorial sub-events and the state model.

    Examples
    --------
    >>> ClaimType.FULL_CONTROL == "full_control"
    True
    >>> ClaimType("siege")
    <ClaimType.SIEGE: 'siege'>
    >>> f"{ClaimType.CAPTURE} of the stadium"
    'capture of the stadium'
    """

    #: A side takes the site (it changes hands).
    CAPTURE = "capture"
    #: A side has all of the site: the other side holds none of it.
    FULL_CONTROL = "full_control"
    #: A side loses the site (to a side named or not).
    LOSS = "loss"
    #: A side holds the site, with no change of hands.
    HOLD = "hold"
    #: A side is in the site (weaker than a hold).
    PRESENCE = "presence"
    #: A side goes into the site: fighting inside it.
    ENTRY = "entry"
    #: Fighting inside the site, no side said to hold it.
    CONTESTED = "contested"
    #: A side presses on the site from outside: fighting around it.
    SIEGE = "siege"


class Status(StrEnum):
    """Whether a claim counts; where it does not, why.

    Only :attr:`ASSERTED` moves the map.  The first ten
    (:data:`geo.claims.doubt.STATUSES`) say how the text hedges or undoes a
    claim; a claim also gets :attr:`NO_SIDE` when it names no side, or the
    role of the page furniture it stands in (a headline, a caption ...).

    Examples
    --------
    >>> Status("no side") is Status.NO_SIDE
    True
    >>> {"asserted": 1}[Status.ASSERTED]  # the same hash as its string
    1
    """

    #: Said as a fact: it counts.
    ASSERTED = "asserted"
    #: Corrected since ("an earlier version of this story said ...").
    SUPERSEDED = "superseded"
    #: A side denies it ("the SDF denied reports that it lost X").
    DENIED = "denied"
    #: Said not to have happened ("have not entered").
    NEGATED = "negated"
    #: Only if something else happens ("if the town falls").
    CONDITIONAL = "conditional"
    #: Planned or under way, not done ("preparing to storm").
    INTENT = "intent"
    #: Reported second-hand, unconfirmed ("reportedly seized").
    HEDGED = "hedged"
    #: About no day's event ("every metre the invaders take").
    GENERIC = "generic"
    #: The name of the war, not an event ("the fight over the city has killed thousands").
    BACKGROUND = "background"
    #: The page stops right after it: its last words may undo it.
    TRUNCATED = "truncated"
    #: No side is named where the type needs one ("civilians are still inside X").
    NO_SIDE = "no side"
    #: Page furniture, read but never on the map: a headline ...
    HEADLINE = "headline"
    #: ... a subheading ...
    SUBHEAD = "subhead"
    #: ... a picture's caption ...
    CAPTION = "caption"
    #: ... or a sentence the page repeats (or a reprint of a story already read).
    DUPLICATE = "duplicate"
    #: An analyst rejected it (``conflictmap reject``): kept in the feeds, never on the map.
    REJECTED = "rejected"
