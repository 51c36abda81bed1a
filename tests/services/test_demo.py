"""The demo centre: realistic, valid and deterministic."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter
from contextlib import closing
from pathlib import Path

import pytest

from desktop_app.core.cccd import validate_cccd
from desktop_app.core.people import validate_person
from desktop_app.core.problems import UserError
from desktop_app.core.progress import Cancelled
from desktop_app.services.demo import create_demo, create_demo_database
from desktop_app.services.workspace import Workspace


def test_demo_is_realistic_and_valid(tmp_path: Path) -> None:
    summary = create_demo_database(tmp_path / "demo.sqlite3", people=3000, seed=7)
    assert summary.people == 3000
    with Workspace.open(tmp_path / "demo.sqlite3") as ws:
        profile = ws.centre.profile()
        assert profile.is_set and profile.commune_name == summary.commune_name
        assert len(ws.centre.hamlets()) == summary.hamlets
        assert ws.people.count() == 3000
        rows = ws.people.page(limit=3000)
        families = Counter(k.row.full_name.split()[0] for k in rows)
        assert families.most_common(1)[0][0] == "Nguyễn"
        assert 0.25 < families["Nguyễn"] / 3000 < 0.5
        sexes = Counter(k.row.sex for k in rows)
        assert min(sexes.values()) > 1000
        year_only = sum(1 for k in rows if k.row.birth and not k.row.birth.has_full_date)
        assert year_only > 0
        today = dt.date.today()
        hamlets = frozenset(h.id for h in ws.centre.hamlets())
        with_cccd = 0
        for k in rows[:800]:
            person = ws.people.get(k.row.id)
            _, problems = validate_person(person.to_input(), today, hamlets)
            assert problems == [], (person, problems)
            if person.cccd:
                with_cccd += 1
                assert (
                    validate_cccd(person.cccd, person.sex, person.birth and person.birth.year) == []
                )
        assert with_cccd > 300
        assert ws.households.members(rows[0].row.household_id or "")


def test_same_seed_same_people(tmp_path: Path) -> None:
    create_demo_database(tmp_path / "a.sqlite3", people=500, seed=3)
    create_demo_database(tmp_path / "b.sqlite3", people=500, seed=3)
    create_demo_database(tmp_path / "c.sqlite3", people=500, seed=4)

    def people(name: str) -> list[tuple[str, str, str | None]]:
        with Workspace.open(tmp_path / name) as ws:
            return [
                (k.row.full_name, k.row.birth.iso() if k.row.birth else "", k.row.phone)
                for k in ws.people.page(limit=1000)
            ]

    assert people("a.sqlite3") == people("b.sqlite3")
    assert people("a.sqlite3") != people("c.sqlite3")

    def records(name: str) -> list[tuple[object, ...]]:
        """Classes and their learners, households, members and the fund's entries."""
        with closing(sqlite3.connect(tmp_path / name)) as db:
            return [
                *db.execute(
                    "SELECT c.title, c.partner, c.venue, c.funding, c.start_date, p.full_name"
                    " FROM course c JOIN enrolment e ON e.course_id = c.id"
                    " JOIN person p ON p.id = e.person_id ORDER BY c.start_date, p.full_name"
                ),
                *db.execute(
                    "SELECT p.full_name, p.household_relation, p.birth FROM person p"
                    " ORDER BY p.rowid"
                ),
                *db.execute(
                    "SELECT l.seq, l.party_name, l.party_address, l.school, l.grade, l.amount"
                    " FROM ledger_entry l ORDER BY l.seq"
                ),
            ]

    assert records("a.sqlite3") == records("b.sqlite3")
    assert records("a.sqlite3") != records("c.sqlite3")


def test_demo_refuses_an_existing_file_and_a_database_with_data(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite3"
    create_demo_database(path, people=10)
    before = path.stat().st_size
    with pytest.raises(UserError):
        create_demo_database(path, people=10)
    with Workspace.open(path) as ws, pytest.raises(UserError):
        create_demo(ws, people=10)
    assert path.stat().st_size == before


def test_cancelled_demo_keeps_nothing(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "x.sqlite3", create=True) as ws:
        with pytest.raises(Cancelled):
            create_demo(ws, people=50_000, progress=lambda done, total: False)
        assert ws.people.count() == 0
        assert not ws.centre.profile().is_set
