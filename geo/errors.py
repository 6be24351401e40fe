"""The error every bad input becomes: one line, naming the file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

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
    """Read a YAML file; every way it can fail becomes one :class:`InputError` line.

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
    spath = str(path)
    try:
        return yaml.safe_load(Path(path).read_text("utf-8-sig"))
    except OSError as exc:
        raise InputError(spath, f"cannot read {what} ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise InputError(spath, f"{what} is not UTF-8 text") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise InputError(spath, "not valid YAML" + (f" at line {mark.line + 1}" if mark else "")) \
            from None
