"""The real-report corpus (../shared/corpus): the reading's regression floor.

Forty real wire reports of four battles with sourced truth tables. The floors
are the last scores reached; raise them as the reading improves, never lower
them to make a change pass.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conflictmap.geo.evaluate import evaluate_corpus, format_corpus

ROOT = Path(__file__).resolve().parent.parent
# Cells right per battle (of 60, 96, 72 and 88) and over the corpus (of 316).
FLOORS = {"kobani": 60, "ramadi": 96, "severodonetsk": 72, "tal_afar": 87}
CORPUS_FLOOR = 315


@pytest.fixture(scope="module")
def corpus(corpus_root) -> Path:
    """The corpus folder (conftest's corpus_root); its absence is a failure, never a skip."""
    return corpus_root


@pytest.fixture(scope="module")
def reports(corpus):
    return evaluate_corpus(corpus)


def test_every_battle_is_scored(reports):
    assert set(reports) == set(FLOORS)
    assert sum(r.cells_total for r in reports.values()) == 316


@pytest.mark.parametrize("battle", sorted(FLOORS))
def test_battle_holds_its_floor(reports, battle):
    r = reports[battle]
    assert r.cells_correct >= FLOORS[battle], format_corpus({battle: r})
    assert r.cells_correct / r.cells_total >= 0.85


def test_corpus_holds_its_floor(reports):
    right = sum(r.cells_correct for r in reports.values())
    assert right >= CORPUS_FLOOR, format_corpus(reports)
    assert right / 316 >= 0.90


def test_the_corpus_scorer_agrees(corpus, reports):
    """The corpus's own scorer, building each battle with the CLI, gets the same cells."""
    exe = Path(sys.executable).with_name("conflictmap")
    if not exe.is_file():
        exe = Path(shutil.which("conflictmap") or "conflictmap")
    out = subprocess.run([sys.executable, str(corpus / "score.py"), "--quiet", "--conflictmap", str(exe)],
                         capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert out.returncode == 0, out.stderr
    theirs = {m.group(1): int(m.group(2))
              for m in re.finditer(r"^(\w+): (\d+)/\d+ cells right", out.stdout, re.MULTILINE)}
    assert theirs.pop("corpus") == sum(r.cells_correct for r in reports.values())
    assert theirs == {name: r.cells_correct for name, r in reports.items()}
