"""`tthtcd models assess`: the sheet as text and JSON (the issue's keys), --set with --reason,
--save, and exit 1 for a subject that did not register unless --register."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_app.core.courses import CourseInput
from desktop_app.core.people import HamletKind, PersonInput
from desktop_app.services.workspace import Workspace

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(run_en: Run) -> Run:
    return run_en


@pytest.fixture
def db(tmp_path: Path) -> tuple[Path, str, str]:
    """(database, a registered household of two adults, one attended a class in 2026; an
    unregistered one)."""
    path = tmp_path / "centre.sqlite3"
    with Workspace.open(path, create=True) as ws:
        hamlet = ws.centre.add_hamlet("Thôn 1", HamletKind.THON).value
        a = ws.people.add(PersonInput(full_name="Nguyễn Văn An", birth="1980", hamlet_id=hamlet))
        b = ws.people.add(PersonInput(full_name="Trần Thị Bích", birth="1985", hamlet_id=hamlet))
        c = ws.people.add(PersonInput(full_name="Lê Văn Cường", birth="1990", hamlet_id=hamlet))
        home = ws.households.create(a.value).value
        ws.households.add_member(home, b.value)
        other = ws.households.create(c.value).value
        day = dt.date(2026, 3, 2)
        cid = ws.courses.create(
            CourseInput(type_code="ky_nang_so", title="Lớp tin học", start=day), [day]
        ).value
        ws.courses.enrol(cid, [a.value])
        grid = ws.courses.grid(cid)
        ws.courses.set_attendance(cid, [(grid.enrolments[0].id, grid.sessions[0].id)], True)
        ws.models.register("family", 2026, home, on=dt.date(2026, 1, 5))
    return path, home, other


def test_assess_json_has_the_issues_keys(db: tuple[Path, str, str], run: Run) -> None:
    path, home, _ = db
    code, out, err = run("models", "assess", "--db", str(path), "--model", "family",
                         "--year", "2026", "--subject", home, "--json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {
        "model", "year", "subject", "set", "items", "total", "level", "passed", "saved",
    }  # fmt: skip
    assert (data["model"], data["year"], data["subject"], data["saved"]) == (
        "family", 2026, home, False,
    )  # fmt: skip
    assert data["set"] == "Tiêu chí Gia đình học tập"
    items = {i["code"]: i for i in data["items"]}
    assert all(
        set(i) == {"code", "title", "value", "source", "points", "max_points"}
        for i in data["items"]
    )
    assert items["2.2"]["value"] == 50.0
    assert items["2.2"]["source"] == (
        "1 of 2 adults attended a class in 2026 (Lớp tin học) (attendance)"
    )
    assert items["1.1"]["value"] == "n/a" and items["1.1"]["points"] == 10
    assert items["3.2"]["value"] is False
    assert (data["total"], data["level"], data["passed"]) == (20, "Chưa đạt", False)


def test_assess_text_set_reason_and_save(db: tuple[Path, str, str], run: Run) -> None:
    path, home, _ = db
    base = ["models", "assess", "--db", str(path), "--model", "family", "--year", "2026",
            "--subject", home]  # fmt: skip
    code, out, err = run(*base)
    assert code == 0, err
    assert "Nguyễn Văn An: Tiêu chí Gia đình học tập (2026)" in out
    assert "Not saved" in out
    # Replacing a computed value needs a reason.
    code, _, err = run(*base, "--set", "2.2=100")
    assert code == 1 and "give the reason" in err
    code, _, err = run(*base, "--set", "9.9=1")
    assert code == 2 and "9.9" in err
    code, out, err = run(*base, "--set", "2.2=100", "--set", "1.2=9", "--set", "3.2=có",
                         "--reason", "học ở huyện", "--save", "--json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    items = {i["code"]: i for i in data["items"]}
    assert items["2.2"]["source"] == (
        "Typed by hand: học ở huyện (instead of the records: 1 of 2 adults attended a class in "
        "2026 (Lớp tin học) (attendance))"
    )
    assert items["3.2"]["value"] is True and items["1.2"]["points"] == 9
    assert data["saved"] and data["total"] == 49
    code, out, _ = run("models", "status", "--db", str(path), "--year", "2026", "--json")
    family = json.loads(out)["models"]["family"]
    assert (family["assessed"], family["passed"]) == (1, 0)
    assert family["by_hamlet"]["Thôn 1"]["assessed"] == 1


def test_unregistered_subject_exit_1_unless_register(db: tuple[Path, str, str], run: Run) -> None:
    path, _, other = db
    base = ["models", "assess", "--db", str(path), "--model", "family", "--year", "2026",
            "--subject", other]  # fmt: skip
    code, _, err = run(*base)
    assert code == 1
    assert "Lê Văn Cường did not register for Gia đình học tập 2026" in err
    code, _, err = run(*base, "--save")
    assert code == 1
    code, out, err = run(*base, "--register", "--save", "--json")
    assert code == 0, err
    assert json.loads(out)["saved"] is True
    with Workspace.open(path, read_only=True) as ws:
        assert other in {r.subject_id for r in ws.models.registrations("family", 2026)}
        assert ws.assessments.saved("family", 2026, other) is not None
    code, _, err = run("models", "assess", "--db", str(path), "--model", "community",
                       "--year", "2026", "--subject", "thon 1")  # fmt: skip
    assert code == 1 and "Thôn 1 did not register" in err
