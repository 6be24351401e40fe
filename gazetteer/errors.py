"""Errors raised while reading gazetteer files."""

from __future__ import annotations

__all__ = ["GazetteerError"]


class GazetteerError(ValueError):
    """A gazetteer file cannot be used.

    Parameters
    ----------
    path : str
        The file at fault.
    problem : str
        What is wrong, in one line, naming the feature or line where known.
    """

    def __init__(self, path: str, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")
