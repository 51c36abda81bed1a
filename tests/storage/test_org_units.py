"""The org_unit table (migration 0010) and the centres' places."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.problems import StoreError
from desktop_app.storage import org_units as repo
from desktop_app.storage.db import Database, open_database
from desktop_app.storage.schema import known_migration_names, travelling_tables
from desktop_app.storage.tx import Writer


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "office.sqlite3", create=True)
    try:
        yield database
    finally:
        database.close()


def _unit(code: str = "00097", name: str = "Phường Hồng Hà", **kw: object) -> repo.UnitRow:
    values: dict[str, object] = {
        "id": f"commune:{code}:2025-07-01",
        "code": code,
        "level": "commune",
        "name": name,
        "parent_code": "01",
        "valid_from": "2025-07-01",
        "valid_to": None,
        "merged_into": (),
    }
    values.update(kw)
    return repo.UnitRow(**values)  # type: ignore[arg-type]


def test_the_migration_adds_a_travelling_table_after_the_others(db: Database) -> None:
    names = known_migration_names()
    assert names.index("0010_org_units") == names.index("0009_sync") + 1
    assert "org_unit" in travelling_tables(db.conn)  # type: ignore[arg-type]
    indexes = {r[1] for r in db.conn.execute("PRAGMA index_list(org_unit)")}
    assert {"org_unit_owner_version", "org_unit_code"} <= indexes
    assert repo.stamp(db) == (0, 0)


def test_units_are_put_once_and_changed_only_when_they_differ(db: Database) -> None:
    writer = Writer(db)
    with writer.write("org_units.seed", "test") as tx:
        assert repo.put_units(tx, [_unit(), _unit("00004", "Phường Ba Đình")]) == (2, 0)
    with writer.write("org_units.seed", "test") as tx:
        assert repo.put_units(tx, [_unit(), _unit("00004", "Phường Ba Đình")]) == (0, 0)
    with writer.write("org_units.save", "test") as tx:
        moved = _unit(valid_to="2026-01-01", merged_into=("00004",), basis="NQ")
        assert repo.put_units(tx, [moved]) == (0, 1)
    rows = {r.code: r for r in repo.unit_rows(db)}
    assert rows["00097"].merged_into == ("00004",) and rows["00097"].basis == "NQ"
    assert rows["00097"].owner_site == db.site_id
    with writer.write("org_units.remove", "test") as tx:
        assert repo.delete_unit(tx, rows["00097"].id) is True
        assert repo.delete_unit(tx, "commune:99999:") is False
    assert {r.code: r.deleted for r in repo.unit_rows(db)} == {"00097": True, "00004": False}
    assert repo.stamp(db)[0] == 2


def test_another_sites_units_are_not_overwritten(db: Database) -> None:
    db.conn.execute(
        "INSERT INTO org_unit (id, owner_site, version, updated_at, code, level, name)"
        " VALUES ('commune:00097:2025-07-01', 'office', 3, 'x', '00097', 'commune', 'Theirs')"
    )
    with Writer(db).write("org_units.seed", "test") as tx:
        assert repo.put_units(tx, [_unit()]) == (0, 0)
    assert [r.name for r in repo.unit_rows(db)] == ["Theirs"]


def test_a_period_that_ends_before_it_starts_is_refused(db: Database) -> None:
    with pytest.raises(StoreError):
        db.conn.execute(
            "INSERT INTO org_unit (id, owner_site, version, updated_at, code, level, name,"
            " valid_from, valid_to) VALUES ('x', 's', 1, 'x', '00001', 'commune', 'A',"
            " '2025-07-01', '2025-07-01')"
        )


def test_the_latest_profile_of_each_site_is_its_place(db: Database) -> None:
    for row_id, site, day, name in (
        ("c1", "site-a", "2024-01-01", "Phường Phúc Xá"),
        ("c2", "site-a", "2026-01-01", "Phường Hồng Hà"),
        ("c3", "site-b", "2025-01-01", "Xã Bát Tràng"),
    ):
        db.conn.execute(
            "INSERT INTO centre (id, owner_site, version, updated_at, name, commune_name)"
            " VALUES (?, ?, 1, ?, ?, ?)",
            (row_id, site, day, f"TTHTCĐ {name}", name),
        )
    places = {p.site_id: p for p in repo.centre_places(db)}
    assert places["site-a"].commune_name == "Phường Hồng Hà"
    assert [p.site_id for p in repo.centre_places(db, ["site-b"])] == ["site-b"]
    assert repo.centre_places(db, []) == []
