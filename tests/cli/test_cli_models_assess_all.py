"""`tthtcd models assess --all`: the counts by level without saving, `--save` saves the
unsaved and keeps the hand-edited, `--replace` overwrites them; bad combinations exit 2."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from desktop_app.core.learning_models import ItemValue
from desktop_app.services.workspace import Workspace
from tests.cli.test_cli_models_assess import Run, db

__all__ = ["db"]  # the fixture, used by name


@pytest.fixture
def run(run_en: Run) -> Run:
    return run_en


def saved(path: Path) -> dict[str, float]:
    with Workspace.open(path, read_only=True) as ws:
        return {s: v.total for s, v in ws.assessments.saved_summaries("family", 2026).items()}


def test_assess_all_counts_then_saves(db: tuple[Path, str, str], run: Run) -> None:
    path, home, other = db
    with Workspace.open(path) as ws:
        ws.models.register("family", 2026, other, on=dt.date(2026, 1, 6))
        hand = {"1.2": ItemValue(10, source="hand")}
        ws.assessments.save_assessment("family", 2026, other, hand)
    kept = saved(path)[other]
    args = ("models", "assess", "--db", str(path), "--model", "family", "--year", "2026", "--all")
    code, out, err = run(*args, "--json")
    assert code == 0, err
    data = json.loads(out)
    assert (data["assessed"], data["passed"], data["failed"], data["saved"]) == (2, 0, 2, 0)
    assert data["levels"] == {"Chưa đạt": 2}
    assert set(saved(path)) == {other}

    code, out, err = run(*args, "--save")
    assert code == 0, err
    assert "2 registered assessed from the records, 0 passed, 2 not passed" in out
    assert "Saved: 1; those already saved were kept." in out
    totals = saved(path)
    assert set(totals) == {home, other} and totals[other] == kept
    # 1.1 (no child) 10, 2.1 (literate) 10; 2.2 one adult of two attended: 0 (100% needed).
    assert totals[home] == 20.0

    code, out, err = run(*args, "--save", "--replace", "--json")
    assert code == 0, err
    assert json.loads(out)["saved"] == 2
    assert saved(path)[other] == kept - 10  # the hand value of 1.2 is gone


def test_assess_all_refuses_bad_combinations(db: tuple[Path, str, str], run: Run) -> None:
    path, home, _ = db
    base = ("models", "assess", "--db", str(path), "--model", "family", "--year", "2026")
    assert run(*base, "--all", "--replace")[0] == 2
    assert run(*base, "--all", "--set", "1.2=10")[0] == 2
    assert run(*base, "--all", "--subject", home)[0] == 2
    assert run(*base, "--subject", home, "--replace")[0] == 2
    assert run(*base)[0] == 2
    assert saved(path) == {}
