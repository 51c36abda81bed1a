"""OrgUnitService on a real database: today's unit for old codes, centres rolled up under
today's units, the office's tree and its own copy of the units that travels down."""

from __future__ import annotations

import datetime as dt
import sqlite3
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.ids import new_id
from desktop_app.core.org_units import REFORM_2025, Level
from desktop_app.core.problems import UserError
from desktop_app.services import org_units as org_units_service
from desktop_app.services.centre import CentreProfile
from desktop_app.services.org_units import OrgUnitService
from desktop_app.services.workspace import Workspace
from desktop_app.storage import schema
from desktop_app.storage.schema import travelling_tables

BEFORE = dt.date(2024, 5, 1)
AFTER = dt.date(2025, 8, 1)


def _office(path: Path) -> Workspace:
    """A new database whose own site is an office of Hà Nội."""
    with Workspace.open(path, create=True) as ws:
        ws.db.conn.execute("UPDATE site SET role = 'office' WHERE is_local = 1")
    ws = Workspace.open(path)
    ws.centre.save_profile(
        CentreProfile(name="Sở GD&ĐT Hà Nội", province_code="1", commune_code="97")
    )
    return ws


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Workspace]:
    ws = _office(tmp_path / "office.sqlite3")
    yield ws
    ws.close()


def _held_centre(
    ws: Workspace,
    name: str,
    province_code: str,
    commune_code: str | None,
    commune_name: str,
    updated: str = "2026-03-01T08:00:00Z",
) -> str:
    """A centre's profile as an import from that centre leaves it: a row owned by its site."""
    site = new_id()
    conn = ws.db.conn
    conn.execute(
        "INSERT INTO site (id, name, role, created_at, is_local) VALUES (?, ?, 'centre', ?, 0)",
        (site, name, updated),
    )
    conn.execute(
        "INSERT INTO centre (id, owner_site, version, updated_at, name, province_code,"
        " commune_code, commune_name) VALUES (?, ?, 1, ?, ?, ?, ?, ?)",
        (new_id(), site, updated, name, province_code, commune_code, commune_name),
    )
    return site


# Today's unit ----------------------------------------------------------------------------


def test_a_commune_code_of_2024_resolves_to_todays_commune(ws: Workspace) -> None:
    units = OrgUnitService(ws.db, ws.ops)
    today = units.current_unit("00001", BEFORE)
    assert (today.code, today.name) == ("00097", "Phường Hồng Hà")
    assert units.current_unit("1", BEFORE, Level.COMMUNE) == today
    assert [u.name for u in units.path(today)] == ["Thành phố Hà Nội", "Phường Hồng Hà"]
    # A district of 2024 is under its province today.
    assert units.current_unit("001", BEFORE).name == "Thành phố Hà Nội"


def test_the_date_a_code_was_used_decides_the_unit(ws: Workspace) -> None:
    units = OrgUnitService(ws.db, ws.ops)
    # 00097 was Phường Tứ Liên until 30/06/2025: today it is part of Phường Hồng Hà too,
    # but through the merger, not because the code is the same.
    last_day = REFORM_2025 - dt.timedelta(days=1)
    assert units.catalogue().find("00097", last_day).name == "Phường Tứ Liên"  # type: ignore[union-attr]
    assert units.current_unit("00097", last_day).name == "Phường Hồng Hà"
    # 00073 was Phường Cửa Nam (Hoàn Kiếm) and names nothing since the reform.
    with pytest.raises(UserError) as caught:
        units.current_unit("00073", AFTER)
    assert caught.value.message == "No administrative unit had the code {code} on {date}."
    assert caught.value.params == {"code": "00073", "date": "01/08/2025"}
    with pytest.raises(UserError, match="is not the code"):
        units.current_unit("12a", AFTER)


def test_a_legacy_commune_or_district_is_looked_up_by_name_or_code(ws: Workspace) -> None:
    units = OrgUnitService(ws.db, ws.ops)
    [match] = units.lookup_legacy("phuc xa")
    assert [u.name for u in match.path] == ["Thành phố Hà Nội", "Quận Ba Đình", "Phường Phúc Xá"]
    assert [u.code for u in match.today] == ["00097"]
    assert match.today_province.name == "Thành phố Hà Nội"
    assert units.lookup_legacy("00001") == [match]
    # A common name: many; narrowed by the old district or province.
    many = units.lookup_legacy("Xã Hòa Bình")
    assert len(many) > 5
    in_province = units.lookup_legacy("Xã Hòa Bình", province="Hòa Bình")
    assert 0 < len(in_province) < len(many)
    assert all(m.path[0].name == "Hòa Bình" for m in in_province)
    # A district.
    [district] = units.lookup_legacy("Quận Ba Đình")
    assert district.unit.level is Level.DISTRICT
    assert district.today_province.code == "01"
    # A split commune: every part, the main one first.
    split = next(
        u for u in units.catalogue() if len(u.merged_into) > 2 and u.level is Level.COMMUNE
    )
    [m] = units.lookup_legacy(split.code)
    assert [u.code for u in m.today] == list(split.merged_into)
    with pytest.raises(UserError):
        units.lookup_legacy("  ")


# Centres under today's units -------------------------------------------------------------


def test_centres_roll_up_under_todays_province_and_commune(office: Workspace) -> None:
    units = OrgUnitService(office.db, office.ops)
    # Saved before the reform with its old ward (Phường Phúc Xá, 00001).
    old = _held_centre(office, "TTHTCĐ phường Phúc Xá", "1", "1", "Phường Phúc Xá", "2024-11-02")
    # Saved with today's code of the same commune.
    new = _held_centre(office, "TTHTCĐ phường Hồng Hà", "1", "97", "Phường Hồng Hà")
    # Saved with the draft code of June 2025 the profile picker offered (00073 for Cửa Nam).
    draft = _held_centre(office, "TTHTCĐ phường Cửa Nam", "1", "73", "Phường Cửa Nam")
    # Hà Giang (02) is part of Tuyên Quang (08) today.
    ha_giang = _held_centre(
        office, "TTHTCĐ phường Trần Phú", "2", "691", "Phường Trần Phú", "2023-05-05"
    )
    lost = _held_centre(office, "Nowhere", "1", None, "")
    roll = units.roll_up([old, new, draft, ha_giang, lost, "no-such-site"])
    assert roll.by_commune()["00097"] == (old, new)
    assert roll.by_commune()["00082"] == (draft,)
    by_province = roll.by_province()
    assert by_province["01"] == (draft, old, new)  # in commune code order: 00082, 00097
    assert by_province["08"] == (ha_giang,)
    assert roll.unplaced == (lost, "no-such-site")
    assert [g.province.name for g in roll.groups] == ["Thành phố Hà Nội"] * 2 + ["Tuyên Quang"]
    assert units.place_of(old) == units.place_of(new)
    assert units.place_of("no-such-site") is None


def test_the_offices_tree_holds_its_centres_under_todays_communes(office: Workspace) -> None:
    units = OrgUnitService(office.db, office.ops)
    old = _held_centre(office, "TTHTCĐ phường Phúc Xá", "1", "1", "Phường Phúc Xá", "2024-11-02")
    [province] = units.tree()
    assert province.unit.name == "Thành phố Hà Nội"
    assert len(province.communes) == 126  # Hanoi's communes and wards since 1/7/2025
    hong_ha = next(c for c in province.communes if c.unit.code == "00097")
    # The office's own profile (saved at commune 97) and the centre from 2024.
    assert {n.site_id for n in hong_ha.centres} == {old, office.db.site_id}
    # What it was before: old wards with their districts (the optional legacy level).
    formerly = {path[-1].name: path[1].name for path in hong_ha.formerly}
    assert formerly["Phường Phúc Xá"] == "Quận Ba Đình"
    assert formerly["Phường Tứ Liên"] == "Quận Tây Hồ"
    # Another province on request; its former provinces.
    [tuyen_quang] = units.tree("8")
    assert {p.name for p in tuyen_quang.formerly} == {"Hà Giang", "Tuyên Quang"}
    with pytest.raises(UserError, match="No province has the code"):
        units.tree("03")


# The office's own copy -------------------------------------------------------------------


def test_the_office_copies_its_provinces_units_once_and_they_travel(office: Workspace) -> None:
    units = OrgUnitService(office.db, office.ops)
    result = units.seed()
    assert 500 < result.value < 1500  # Hanoi: 1 + 126 communes, 30 districts, ~580 wards
    assert "org_unit" in result.changes.kinds
    assert "org_unit" in travelling_tables(office.db.conn)  # type: ignore[arg-type]
    owners = office.db.conn.execute(
        "SELECT DISTINCT owner_site FROM org_unit WHERE version > 0"
    ).fetchall()
    assert owners == [(office.db.site_id,)]
    assert units.seed().value == 0  # nothing new the second time
    # The catalogue is the same with the copy as without it.
    assert units.current_unit("00001", BEFORE).code == "00097"


def test_a_centre_does_not_keep_its_own_units(ws: Workspace) -> None:
    units = OrgUnitService(ws.db, ws.ops)
    with pytest.raises(UserError, match="Only an office"):
        units.seed("01")
    hong_ha = units.current_unit("00097", AFTER)
    with pytest.raises(UserError, match="Only an office"):
        units.save_unit(hong_ha._replace(name="X"))


def test_a_later_merger_recorded_by_the_office_is_followed(office: Workspace) -> None:
    units = OrgUnitService(office.db, office.ops)
    hong_ha = units.current_unit("00097", AFTER)
    ba_dinh = units.current_unit("00004", AFTER)
    centre = _held_centre(office, "TTHTCĐ phường Phúc Xá", "1", "1", "Phường Phúc Xá", "2024-11-02")
    merger = hong_ha._replace(valid_to=dt.date(2026, 1, 1), merged_into=("00004",))
    saved = units.save_unit(merger, basis="Nghị quyết (test)")
    assert saved.value == hong_ha.id
    # Phúc Xá (2024) -> Hồng Hà (2025) -> Ba Đình (2026).
    assert units.current_unit("00001", BEFORE) == ba_dinh
    assert units.current_unit("00097", AFTER) == ba_dinh
    assert units.roll_up([centre]).by_commune() == {"00004": (centre,)}
    # Withdrawn: the shipped unit is back.
    assert units.remove_unit(hong_ha.id).value is True
    assert units.current_unit("00097", AFTER) == hong_ha
    assert units.remove_unit(hong_ha.id).value is False


def test_a_centre_follows_the_units_its_office_sent(tmp_path: Path) -> None:
    """The office's rows, as an import at the centre leaves them (owned by the office)."""
    with Workspace.open(tmp_path / "centre.sqlite3", create=True) as ws:
        units = OrgUnitService(ws.db, ws.ops)
        hong_ha = units.current_unit("00097", AFTER)
        ws.db.conn.execute(
            "INSERT INTO org_unit (id, owner_site, version, updated_at, code, level, name,"
            " parent_code, valid_from, valid_to, merged_into)"
            " VALUES (?, 'the-office', 7, '2026-01-02T00:00:00Z', '00097', 'commune',"
            " 'Phường Hồng Hà', '01', '2025-07-01', '2026-01-01', '[\"00004\"]')",
            (hong_ha.id,),
        )
        assert units.current_unit("00097", AFTER).code == "00004"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"valid_to": dt.date(2026, 1, 1), "merged_into": ("99999",)}, "No unit has the code"),
        ({"valid_to": dt.date(2026, 1, 1)}, "Name the unit(s) it became"),
        ({"merged_into": ("00004",)}, "A unit that still exists"),
        ({"valid_to": dt.date(2025, 1, 1)}, "must come after"),
        ({"parent": "03"}, "The unit above it"),
        ({"code": "97"}, "is not a code of that level"),
        ({"name": " "}, "Type the unit's name"),
        ({"valid_from": dt.date(2025, 6, 1), "code": "00001"}, "Another unit has the code"),
    ],
)
def test_a_wrong_unit_is_refused_and_nothing_changes(
    office: Workspace, change: dict[str, object], message: str
) -> None:
    units = OrgUnitService(office.db, office.ops)
    hong_ha = units.current_unit("00097", AFTER)
    with pytest.raises(UserError) as caught:
        units.save_unit(hong_ha._replace(**change))
    assert message in caught.value.message
    assert office.db.conn.execute("SELECT count(*) FROM org_unit").fetchone()[0] == 0


# Start-up --------------------------------------------------------------------------------


def test_opening_a_database_does_not_read_the_units(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(org_units_service, "_shipped", None)
    Workspace.open(tmp_path / "a.sqlite3", create=True).close()
    Workspace.open(tmp_path / "a.sqlite3").close()
    assert org_units_service._shipped is None


def test_the_migration_costs_a_few_milliseconds_on_a_new_file(tmp_path: Path) -> None:
    """0010 adds one empty table and its indexes: timed on a fresh database."""
    from sqlite_utils import Database as UtilsDatabase

    Workspace.open(tmp_path / "a.sqlite3", create=True).close()
    conn = sqlite3.connect(tmp_path / "a.sqlite3", isolation_level=None)
    udb = UtilsDatabase(conn)
    times = []
    for _ in range(5):
        conn.execute("BEGIN")
        conn.execute("DROP TABLE org_unit")
        started = time.perf_counter()
        schema.org_units(udb)
        times.append(time.perf_counter() - started)
        conn.execute("ROLLBACK")
    conn.close()
    assert statistics.median(times) < 0.005, times
