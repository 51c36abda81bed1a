"""`tthtcd models register | status | clans | units`: exit codes, messages and the JSON keys."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_app.services.workspace import Workspace

Run = Callable[..., tuple[int, str, str]]
MODELS = ["family", "clan", "community", "unit", "citizen"]
THIS_YEAR = dt.date.today().year


@pytest.fixture
def db(demo_copy: Callable[..., Path]) -> Path:
    return demo_copy(150, 4)


@pytest.fixture
def run(run_en: Run) -> Run:
    return run_en


def _unregistered_household(db: Path, year: int) -> tuple[str, str]:
    """(household id, head's id) of a household not registered for `year`."""
    with Workspace.open(db, read_only=True) as ws:
        taken = {r.subject_id for r in ws.models.registrations("family", year)}
        for p in ws.people.roster():
            if p.household_id and p.household_id not in taken:
                return p.household_id, p.id
    raise AssertionError("every household is registered")


def test_status_json_has_the_issues_keys(db: Path, run: Run) -> None:
    code, out, err = run("models", "status", "--db", str(db), "--year", str(THIS_YEAR), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"year", "models"} and data["year"] == THIS_YEAR
    assert list(data["models"]) == MODELS
    with Workspace.open(db, read_only=True) as ws:
        status = ws.models.status(THIS_YEAR)
        hamlets = [h.name for h in ws.centre.hamlets()]
    for model, entry in data["models"].items():
        assert set(entry) == {
            "registered", "assessed", "passed", "recognised", "target_rate", "by_hamlet",
        }  # fmt: skip
        assert entry["registered"] == status[model].registered
        s = status[model]
        assert (entry["assessed"], entry["passed"], entry["recognised"]) == (
            s.assessed, s.passed, s.recognised,
        )  # fmt: skip
        assert sum(c["recognised"] for c in entry["by_hamlet"].values()) == s.recognised
        assert set(hamlets) <= set(entry["by_hamlet"])
        for counts in entry["by_hamlet"].values():
            assert set(counts) == {"registered", "eligible", "assessed", "passed", "recognised"}
        assert sum(c["registered"] for c in entry["by_hamlet"].values()) == entry["registered"]
    # The demo registers a realistic share of households for the last two years.
    family = status["family"]
    assert 0.45 < family.registered / family.eligible < 0.75
    assert status["community"].registered >= len(hamlets) // 2
    assert data["models"]["family"]["target_rate"] == 0.70
    # Last year's registrations were all assessed in November and those passed recognised
    # in December (this year's too once that time has come).
    with Workspace.open(db, read_only=True) as ws:
        last = ws.models.status(THIS_YEAR - 1)
    for model in ("family", "citizen"):
        s = last[model]
        assert s.assessed == s.registered and s.recognised == s.passed
        assert 0.5 < s.passed / s.registered < 1, (model, s)


def test_citizen_target_by_year(db: Path, run: Run) -> None:
    rates = {}
    for year in (2025, 2026):
        code, out, _ = run("models", "status", "--db", str(db), "--year", str(year), "--json")
        assert code == 0
        rates[year] = json.loads(out)["models"]["citizen"]["target_rate"]
    assert rates == {2025: 0.40, 2026: 0.70}


def test_status_on_screen(db: Path, run: Run) -> None:
    code, out, err = run("models", "status", "--db", str(db), "--year", str(THIS_YEAR))
    assert code == 0, err
    assert "Gia đình học tập" in out and "Công dân học tập" in out
    assert "registered" in out and "target 70.0 %" in out


def test_register_a_household_then_refuse_it_again(db: Path, run: Run) -> None:
    year = THIS_YEAR + 1
    household, head = _unregistered_household(db, year)
    args = ("models", "register", "--db", str(db), "--model", "family", "--year", str(year))
    code, out, err = run(*args, "--household", household, "--on", "05/01/2026",
                         "--by", "Nguyễn Văn An", "--json")  # fmt: skip
    assert code == 0, err
    data = json.loads(out)
    assert data["subject_id"] == household and data["registered_on"] == "2026-01-05"
    with Workspace.open(db, read_only=True) as ws:
        (reg,) = [r for r in ws.models.registrations("family", year) if r.id == data["id"]]
        assert reg.registered_by == "Nguyễn Văn An"
    code, _, err = run(*args, "--household", household)
    assert code == 1 and "already registered for Gia đình học tập" in err
    code, _, err = run(*args, "--person", head)
    assert code == 1 and "is a person, not a household" in err


def test_register_a_hamlet_by_name_and_a_person(db: Path, run: Run) -> None:
    year = THIS_YEAR + 1
    with Workspace.open(db, read_only=True) as ws:
        hamlet = ws.centre.hamlets()[0].name
    base = ("models", "register", "--db", str(db), "--year", str(year))
    code, out, err = run(*base, "--model", "community", "--hamlet", hamlet.upper())
    assert code == 0, err
    assert f"{hamlet}: registered for Cộng đồng học tập {year}" in out
    code, _, err = run(*base, "--model", "community", "--hamlet", "Nowhere")
    assert code == 1 and "no hamlet called Nowhere" in err
    _, head = _unregistered_household(db, year)
    code, _, err = run(*base, "--model", "citizen", "--person", head)
    assert code == 0, err
    code, _, err = run(*base, "--model", "citizen", "--person", "no-such-id")
    assert code == 1 and "no person with the id no-such-id" in err


def test_register_usage_errors_exit_2(db: Path, run: Run) -> None:
    base = ("models", "register", "--db", str(db), "--year", "2026")
    household, _ = _unregistered_household(db, THIS_YEAR + 1)
    assert run(*base, "--model", "family")[0] == 2  # no subject
    assert run(*base, "--model", "nope", "--household", household)[0] == 2
    assert run(*base, "--model", "family", "--household", household, "--person", "x")[0] == 2
    assert run(*base, "--model", "family", "--household", household, "--on", "31/02/2026")[0] == 2
    assert run("models", "register", "--model", "family", "--year", "2026",
               "--household", household)[0] == 2  # fmt: skip
    assert run("models", "--db", str(db))[0] == 2
    assert run("models", "clans", "--db", str(db))[0] == 2
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).strftime("%d/%m/%Y")
    code, _, err = run(*base, "--model", "family", "--household", household, "--on", tomorrow)
    assert code == 1 and "in the future" in err


def test_clans_and_units_add_list_and_register(db: Path, run: Run) -> None:
    with Workspace.open(db, read_only=True) as ws:
        hamlet = ws.centre.hamlets()[1].name
    code, out, err = run("models", "clans", "add", "--db", str(db), "--name", "Dòng họ Vương",
                         "--hamlet", hamlet, "--json")  # fmt: skip
    assert code == 0, err
    clan = json.loads(out)["id"]
    code, _, err = run("models", "clans", "add", "--db", str(db), "--name", "dòng họ vương")
    assert code == 1 and "already a clan called" in err
    code, out, _ = run("models", "clans", "list", "--db", str(db), "--json")
    assert code == 0
    (row,) = [c for c in json.loads(out) if c["id"] == clan]
    assert row == {"id": clan, "name": "Dòng họ Vương", "head": "", "hamlet": hamlet,
                   "households": 0}  # fmt: skip
    code, out, err = run("models", "units", "add", "--db", str(db), "--name", "Trường THPT Mới",
                         "--kind", "school")  # fmt: skip
    assert code == 0, err
    unit = out.strip()
    code, out, _ = run("models", "units", "list", "--db", str(db))
    assert code == 0 and "Trường THPT Mới  (school, 0 members)" in out
    assert run("models", "units", "add", "--db", str(db), "--name", "X", "--kind", "farm")[0] == 2
    year = str(THIS_YEAR + 1)
    base = ("models", "register", "--db", str(db), "--year", year)
    assert run(*base, "--model", "clan", "--clan", clan)[0] == 0
    assert run(*base, "--model", "unit", "--unit", unit)[0] == 0
    code, _, err = run(*base, "--model", "unit", "--clan", clan)
    assert code == 1 and "Dòng họ Vương is not a unit" in err


def test_clan_households_and_unit_members_join_and_leave(db: Path, run: Run) -> None:
    code, out, err = run(
        "models", "clans", "add", "--db", str(db), "--name", "Dòng họ Vũ (thử)", "--json"
    )
    assert code == 0, err
    clan = json.loads(out)["id"]
    with Workspace.open(db, read_only=True) as ws:
        household, person = ws.db.conn.execute(
            "SELECT id, head_id FROM household WHERE deleted = 0 AND id NOT IN"
            " (SELECT household_id FROM clan_household WHERE deleted = 0) LIMIT 1"
        ).fetchone()
    code, out, err = run(
        "models", "clans", "join", "--db", str(db), "--clan", clan, "--household", household
    )
    assert code == 0, err
    assert "Dòng họ Vũ (thử): 1 household" in out
    code, out, _ = run("models", "clans", "households", "--db", str(db), "--clan", clan, "--json")
    assert [h["id"] for h in json.loads(out)] == [household]
    # Twice is refused with the reason; a person's id is not a household's.
    code, _, err = run(
        "models", "clans", "join", "--db", str(db), "--clan", clan, "--household", household
    )
    assert code == 1 and "already in Dòng họ Vũ (thử)" in err
    code, _, err = run(
        "models", "clans", "join", "--db", str(db), "--clan", clan, "--household", person
    )
    assert code == 1 and "no household" in err
    code, out, err = run(
        "models", "clans", "leave", "--db", str(db), "--clan", clan, "--household", household
    )
    assert code == 0 and "0 households" in out, err
    code, out, _ = run("models", "clans", "households", "--db", str(db), "--clan", clan)
    assert "None yet" in out

    code, out, err = run(
        "models", "units", "add", "--db", str(db), "--name", "Trường THCS Thử", "--kind",
        "school", "--json",
    )  # fmt: skip
    unit = json.loads(out)["id"]
    code, out, err = run(
        "models", "units", "join", "--db", str(db), "--unit", unit, "--person", person
    )
    assert code == 0 and "Trường THCS Thử: 1 member" in out, err
    code, out, _ = run("models", "units", "members", "--db", str(db), "--unit", unit, "--json")
    assert [m["id"] for m in json.loads(out)] == [person]
    code, _, err = run("models", "units", "members", "--db", str(db), "--unit", "nope")
    assert code == 1 and "no unit with the id nope" in err
    code, out, err = run(
        "models", "units", "leave", "--db", str(db), "--unit", unit, "--person", person
    )
    assert code == 0 and "0 members" in out, err
