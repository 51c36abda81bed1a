"""`tthtcd deadlines`: the JSON keys, sorted by date with the days left from today, and `set`,
`add`, `remove`, `reset` with their exit codes."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from desktop_app.services.workspace import Workspace
from tests.cli.conftest import Run

KEYS = {"key", "title", "date", "days_left", "report", "source", "day", "overdue", "custom"}


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "centre.sqlite3"
    Workspace.open(path, create=True).close()
    return path


def listed(run: Run, db: Path) -> list[dict[str, object]]:
    code, out, err = run("deadlines", "--db", str(db), "--json")
    assert (code, err) == (0, "")
    return json.loads(out)  # type: ignore[no-any-return]


def test_the_list_as_json(db: Path, run_en: Run) -> None:
    rows = listed(run_en, db)
    today = dt.date.today()
    assert len(rows) == 5
    assert all(set(r) == KEYS for r in rows)
    dates = [dt.datetime.strptime(str(r["date"]), "%d/%m/%Y").date() for r in rows]
    assert dates == sorted(dates)
    for r, d in zip(rows, dates, strict=True):
        assert r["days_left"] == (d - today).days
        assert -7 <= int(r["days_left"]) <= 366  # type: ignore[call-overload]
        assert r["overdue"] == (int(r["days_left"]) < 0)  # type: ignore[call-overload]
    by_key = {r["key"]: r for r in rows}
    assert by_key["khuyen_hoc_month"]["report"] == "khuyen_hoc_month"
    assert by_key["khuyen_hoc_month"]["title"] == "Khuyến học Month report"
    assert by_key["commune_report"]["day"] == "10-15/12"
    assert by_key["annual_report"]["report"] == "annual"
    assert str(by_key["khuyen_hoc_month"]["source"]).startswith("KH Tháng Khuyến học 2024")


def test_set_add_remove_reset(db: Path, run_en: Run) -> None:
    code, out, err = run_en("deadlines", "add", "--db", str(db), "--title", "Báo cáo quý",
                            "--day", "30/03", "--json")  # fmt: skip
    assert (code, err) == (0, "")
    added = json.loads(out)
    assert added["key"] == "custom-1" and added["title"] == "Báo cáo quý"
    assert added["date"].startswith("30/03/")
    code, out, err = run_en("deadlines", "set", "--db", str(db), "--key", "annual_report",
                            "--day", "5/11")  # fmt: skip
    assert code == 0 and "every year on 05/11" in out
    rows = {r["key"]: r for r in listed(run_en, db)}
    assert len(rows) == 6
    assert str(rows["annual_report"]["date"]).startswith("05/11/")
    assert rows["custom-1"]["custom"] is True and rows["custom-1"]["report"] == ""
    code, out, _err = run_en("deadlines", "remove", "--db", str(db), "--key", "custom-1")
    assert code == 0 and "custom-1" in out
    assert len(listed(run_en, db)) == 5
    code, out, _err = run_en("deadlines", "reset", "--db", str(db))
    assert code == 0
    assert str({r["key"]: r for r in listed(run_en, db)}["annual_report"]["date"]).startswith(
        "01/11/"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "--title", "X", "--day", "31/02"), "There is no 31 February."),
        (("add", "--title", "X", "--day", "29/02"), "cannot be on 29 February"),
        (("add", "--title", " ", "--day", "01/02"), "Give the deadline a title"),
        (("set", "--key", "nope", "--day", "01/02"), "There is no deadline with the key nope"),
        (("set", "--key", "annual_report", "--day", "1/13"), "There is no month 13"),
        (("set", "--key", "annual_report", "--day", "soon"), "Type the day as dd/mm"),
        (("remove", "--key", "annual_report"), "cannot be removed"),
    ],
)
def test_refusals_exit_1_and_change_nothing(
    db: Path, run_en: Run, args: tuple[str, ...], message: str
) -> None:
    before = listed(run_en, db)
    code, out, err = run_en("deadlines", args[0], "--db", str(db), *args[1:])
    assert (code, out) == (1, "")
    assert message in err
    assert listed(run_en, db) == before


def test_usage_errors_exit_2(db: Path, run_en: Run) -> None:
    code, _out, _err = run_en("deadlines", "frob", "--db", str(db))
    assert code == 2
    code, _out, err = run_en("deadlines")
    assert code == 2 and "--db" in err
    code, _out, _err = run_en("deadlines", "set", "--db", str(db), "--key", "annual_report")
    assert code == 2
