"""The Python heap while a build makes its objects: the cycle collector paused where it finds nothing."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["collector_paused", "long_lived", "settle"]


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector for a block that makes many objects and no garbage cycles.

    Decoding readings, or making a build's tables from them, makes hundreds
    of thousands of objects that live on; the collector, started every few
    hundred new objects, would walk the growing heap again and again and free
    nothing. A full walk of a 5,000-report reading takes 0.2 s, and it was
    half the time of decoding one. Reference counting still frees what is
    dropped; cycles made in the block are collected after it. The collector's
    state is restored however the block ends.

    Examples
    --------
    >>> import gc
    >>> with collector_paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# Whether a long_lived() block is open that may freeze the heap (none froze it before).
_OWNER: list[bool] = []


@contextlib.contextmanager
def long_lived() -> Iterator[None]:
    """Open a block in which :func:`settle` takes the objects made so far out of the collector's walks.

    A build decodes millions of objects (claims, mentions) that live until
    it ends; every full collection after that walks them all and frees
    nothing (a third of a second each at 10,000 reports). Frozen
    (:func:`gc.freeze`), they are left out of its walks; when the block
    ends they are unfrozen, and collected as usual. A process that froze
    objects of its own before is left as it was: nothing is frozen then.

    Examples
    --------
    >>> import gc
    >>> with long_lived():
    ...     settle()
    ...     gc.get_freeze_count() > 0
    True
    >>> gc.get_freeze_count()
    0
    """
    _OWNER.append(not _OWNER and gc.get_freeze_count() == 0)
    try:
        yield
    finally:
        if _OWNER.pop():
            gc.unfreeze()


def settle() -> None:
    """Freeze the objects alive now, inside the outermost :func:`long_lived` block (else nothing)."""
    if _OWNER and _OWNER[0]:
        gc.freeze()
