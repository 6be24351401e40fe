"""The error every bad input becomes: one line, naming the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["InputError", "read_yaml"]


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


def read_yaml(path: str | Path, what: str) -> Any:
    """Read a YAML file (as :func:`geo.actors.load_yaml`, with its limits); failures are one line.

    Parameters
    ----------
    path : str or Path
    what : str
        What the file is, for the message ("actors file", "gold file").

    Returns
    -------
    object
        The parsed document.
    """
    from .actors import load_yaml  # the one YAML reader with limits for strangers' files

    return load_yaml(path, what)
