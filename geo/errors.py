"""The error every bad input becomes: one line, naming the file."""

from __future__ import annotations

__all__ = ["InputError"]


class InputError(ValueError):
    """An input file cannot be used.

    Parameters
    ----------
    path : str
        The file at fault.
    problem : str
        What is wrong, in one line.
    """

    def __init__(self, path: str, problem: str) -> None:
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")
