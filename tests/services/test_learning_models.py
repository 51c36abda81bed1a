"""Learning models: clans and units, yearly registration and its refusals, the status per
model and hamlet, and the registrations travelling to the office in a bundle."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from desktop_app.core.learning_subjects import UnitKind, target_rate
from desktop_app.core.people import PersonInput
from desktop_app.core.problems import UserError
from desktop_app.i18n import set_language, user_error_text
from desktop_app.services.workspace import Workspace
from tests.services.sync_helpers import make_pair, rows_of

ON = dt.date(2026, 1, 10)


def person(ws: Workspace, name: str, hamlet_id: str, birth: str = "1980") -> str:
    return ws.people.add(PersonInput(full_name=name, birth=birth, hamlet_id=hamlet_id)).value


def household(ws: Workspace, name: str, hamlet_id: str) -> tuple[str, str]:
    head = person(ws, name, hamlet_id)
    return ws.households.create(head).value, head


def audit_count(ws: Workspace) -> int:
    return int(ws.db.conn.execute("SELECT count(*) FROM audit").fetchone()[0])


def registrations(ws: Workspace) -> int:
    return int(ws.db.conn.execute("SELECT count(*) FROM model_registration").fetchone()[0])


def test_clans_group_households_one_clan_each(ws: Workspace, hamlets: dict[str, str]) -> None:
    h1, head = household(ws, "Nguyễn Văn An", hamlets["Thôn 1"])
    h2, _ = household(ws, "Nguyễn Văn Bình", hamlets["Thôn 1"])
    clan = ws.models.add_clan("Dòng họ Nguyễn Văn", head, hamlets["Thôn 1"]).value
    other = ws.models.add_clan("Dòng họ Trần").value
    ws.models.add_clan_household(clan, h1)
    ws.models.add_clan_household(clan, h2)
    (listed, _) = sorted(ws.models.clans(), key=lambda c: c.name)
    assert (listed.name, listed.head_name, listed.hamlet_name, listed.households) == (
        "Dòng họ Nguyễn Văn", "Nguyễn Văn An", "Thôn 1", 2,
    )  # fmt: skip
    with pytest.raises(UserError, match="already in"):
        ws.models.add_clan_household(clan, h1)
    with pytest.raises(UserError, match="remove it from there first"):
        ws.models.add_clan_household(other, h1)
    with pytest.raises(UserError, match="already a clan"):
        ws.models.add_clan("dòng họ nguyễn văn")
    ws.models.remove_clan_household(clan, h1)
    assert ws.models.clan(clan).households == 1
    # Removed, it may join another clan; put back, its old link row is reused.
    ws.models.add_clan_household(other, h1)
    ws.models.remove_clan_household(other, h1)
    ws.models.add_clan_household(clan, h1)
    assert ws.models.clan(clan).households == 2
    assert [s.id for s in ws.models.clan_households(clan)] == [h1, h2]  # by the head's name
    rows = ws.db.conn.execute(
        "SELECT count(*) FROM clan_household WHERE clan_id = ? AND household_id = ?", (clan, h1)
    ).fetchone()[0]
    assert rows == 1
    ws.models.rename_clan(clan, "Dòng họ Nguyễn Văn (chi trưởng)")
    assert ws.models.clan(clan).name == "Dòng họ Nguyễn Văn (chi trưởng)"


def test_units_have_member_people(ws: Workspace, hamlets: dict[str, str]) -> None:
    a = person(ws, "Lê Thị Hoa", hamlets["Thôn 2"])
    b = person(ws, "Phạm Văn Nam", hamlets["Thôn 2"])
    unit = ws.models.add_unit("Trường Tiểu học Đông Hòa", UnitKind.SCHOOL, hamlets["Thôn 2"]).value
    ws.models.add_unit_member(unit, a)
    ws.models.add_unit_member(unit, b)
    with pytest.raises(UserError, match="already a member"):
        ws.models.add_unit_member(unit, a)
    ws.models.remove_unit_member(unit, b)
    (listed,) = ws.models.units()
    assert (listed.kind, listed.hamlet_name, listed.members) == (UnitKind.SCHOOL, "Thôn 2", 1)
    assert [m.name for m in ws.models.unit_members(unit)] == ["Lê Thị Hoa"]
    with pytest.raises(UserError, match="no person"):
        ws.models.add_unit_member(unit, "nobody")
    with pytest.raises(UserError, match="already a unit"):
        ws.models.add_unit("trường tiểu học đông hòa")


def test_each_model_registers_its_own_kind_of_subject(
    ws: Workspace, hamlets: dict[str, str]
) -> None:
    home, head = household(ws, "Nguyễn Văn An", hamlets["Thôn 1"])
    clan = ws.models.add_clan("Dòng họ Nguyễn", hamlet_id=hamlets["Thôn 1"]).value
    unit = ws.models.add_unit("UBND xã Đông Hòa", UnitKind.AGENCY).value
    subjects = {
        "family": home, "clan": clan, "community": hamlets["Thôn 2"], "unit": unit,
        "citizen": head,
    }  # fmt: skip
    for model, subject in subjects.items():
        ws.models.register(model, 2026, subject, on=ON, by="Nguyễn Văn An")
    (reg,) = ws.models.registrations("family", 2026)
    assert (reg.subject_kind, reg.subject_name, reg.hamlet_name, reg.registered_on) == (
        "household", "Nguyễn Văn An", "Thôn 1", ON,
    )  # fmt: skip
    assert reg.registered_by == "Nguyễn Văn An"
    assert [r.subject_name for r in ws.models.registrations("community", 2026)] == ["Thôn 2"]
    assert ws.models.registrations("family", 2025) == []
    # Another year is another registration.
    ws.models.register("family", 2027, home, on=ON)
    assert len(ws.models.registrations("family", 2027)) == 1


def test_refusals_write_nothing_and_say_why(ws: Workspace, hamlets: dict[str, str]) -> None:
    home, head = household(ws, "Nguyễn Văn An", hamlets["Thôn 1"])
    ws.models.register("family", 2026, home, on=ON)
    before = (audit_count(ws), registrations(ws))
    set_language("en")
    cases = {
        ("family", home): "already registered for Gia đình học tập 2026 (on 10/01/2026)",
        ("family", head): "is a person, not a household",
        ("citizen", home): "is the household of Nguyễn Văn An, not a person",
        ("community", head): "is not a hamlet",
        ("clan", "no-such-id"): "There is no clan with the id no-such-id",
        ("unit", hamlets["Thôn 1"]): "Thôn 1 is not a unit",
        ("nothing", home): "There is no learning model nothing",
    }
    for (model, subject), expected in cases.items():
        with pytest.raises(UserError) as caught:
            ws.models.register(model, 2026, subject, on=ON)
        assert expected in user_error_text(caught.value), (model, subject)
    with pytest.raises(UserError, match="in the future"):
        ws.models.register("citizen", 2026, head, on=dt.date.today() + dt.timedelta(days=1))
    with pytest.raises(UserError):
        ws.models.register("citizen", 3000, head, on=ON)
    assert (audit_count(ws), registrations(ws)) == before


def test_unregister_leaves_a_tombstone_and_allows_a_new_registration(
    ws: Workspace, hamlets: dict[str, str]
) -> None:
    home, _ = household(ws, "Nguyễn Văn An", hamlets["Thôn 1"])
    first = ws.models.register("family", 2026, home, on=ON).value
    gone = ws.models.unregister("family", 2026, home)
    assert gone.value == first and gone.changes.ids_of("model_registration") == {first}
    assert ws.models.registrations("family", 2026) == []
    with pytest.raises(UserError, match="not registered"):
        ws.models.unregister("family", 2026, home)
    again = ws.models.register("family", 2026, home, on=ON).value
    assert again != first
    deleted = ws.db.conn.execute(
        "SELECT deleted FROM model_registration WHERE id = ?", (first,)
    ).fetchone()[0]
    assert deleted == 1


def test_a_registration_is_one_operation_with_its_audit(
    ws: Workspace, hamlets: dict[str, str]
) -> None:
    home, _ = household(ws, "Nguyễn Văn An", hamlets["Thôn 1"])
    result = ws.models.register("family", 2026, home, on=ON)
    assert result.changes.op == "model.register"
    assert result.changes.ids == {"model_registration": frozenset({result.value})}
    row = ws.db.conn.execute(
        "SELECT action, entity, record_id FROM audit ORDER BY rowid DESC LIMIT 1"
    ).fetchone()
    assert tuple(row) == ("model.register", "model_registration", result.value)


def test_status_counts_registered_of_eligible_per_hamlet(
    ws: Workspace, hamlets: dict[str, str]
) -> None:
    homes = [household(ws, f"Nguyễn Văn {g}", hamlets["Thôn 1"]) for g in ("An", "Bình")]
    homes += [household(ws, "Trần Văn Cường", hamlets["Thôn 2"])]
    child = person(ws, "Nguyễn Thị Bé", hamlets["Thôn 1"], birth="2015")  # 11 in 2026
    teen = person(ws, "Nguyễn Văn Tư", hamlets["Thôn 1"], birth="2011")  # 15 in 2026
    unknown = ws.people.add(PersonInput(full_name="Lê Văn Không")).value  # no birth, no hamlet
    ws.models.register("family", 2026, homes[0][0], on=ON)
    ws.models.register("family", 2026, homes[2][0], on=ON)
    ws.models.register("citizen", 2026, teen, on=ON)
    ws.models.register("citizen", 2026, unknown, on=ON)
    ws.models.register("community", 2026, hamlets["Thôn 10"], on=ON)
    ws.models.register("family", 2025, homes[1][0], on=ON)
    status = ws.models.status(2026)
    assert list(status) == ["family", "clan", "community", "unit", "citizen"]
    family = status["family"]
    assert (family.registered, family.eligible, family.target_rate) == (2, 3, 0.70)
    assert family.by_hamlet["Thôn 1"].registered == 1
    assert family.by_hamlet["Thôn 1"].eligible == 2
    assert family.by_hamlet["Thôn 2"].rate == 1.0
    assert family.by_hamlet["Thôn 10"].eligible == 0
    citizen = status["citizen"]
    # The three heads (1980) and the 15-year-old are adults; the child and the person with no
    # birth year are not counted as eligible; a registration is counted all the same.
    assert (citizen.registered, citizen.eligible) == (2, 4)
    assert citizen.by_hamlet[""].registered == 1 and citizen.by_hamlet[""].eligible == 0
    assert child not in {r.subject_id for r in ws.models.registrations("citizen", 2026)}
    community = status["community"]
    assert (community.registered, community.eligible) == (1, 3)
    assert community.rate == pytest.approx(1 / 3)
    assert status["clan"].eligible == 0 and status["clan"].rate is None
    # A deleted subject is counted neither as registered nor as eligible.
    ws.people.delete(teen)
    after = ws.models.status(2026)["citizen"]
    assert (after.registered, after.eligible) == (1, 3)


def test_target_rates_follow_the_national_decisions_by_year() -> None:
    assert target_rate("family", 2026) == 0.70
    assert target_rate("clan", 2026) == 0.50
    assert target_rate("community", 2026) == 0.60
    assert target_rate("unit", 2026) == 0.50
    assert target_rate("citizen", 2024) == 0.40
    assert target_rate("citizen", 2025) == 0.40
    assert target_rate("citizen", 2026) == 0.70
    assert target_rate("citizen", 2030) == 0.70


def test_registrations_clans_and_units_travel_to_the_office(tmp_path: Path) -> None:
    pair = make_pair(tmp_path)
    try:
        c, o = pair.centre, pair.office
        from desktop_app.core.people import HamletKind

        hamlet = c.centre.add_hamlet("Thôn 1", HamletKind.THON).value
        head = c.people.add(PersonInput(full_name="Nguyễn Văn An", birth="1970")).value
        home = c.households.create(head).value
        clan = c.models.add_clan("Dòng họ Nguyễn", head, hamlet).value
        c.models.add_clan_household(clan, home)
        unit = c.models.add_unit("Trường THCS Đông Hòa", UnitKind.SCHOOL).value
        c.models.add_unit_member(unit, head)
        registration = c.models.register("family", 2026, home, on=ON, by="Nguyễn Văn An").value
        c.models.register("clan", 2026, clan, on=ON)
        result = c.sync.export(pair.stick)
        for table in ("clan", "clan_household", "learning_unit", "unit_member"):
            assert result.rows[table] == 1, table
        assert result.rows["model_registration"] == 2
        (outcome,) = o.sync.import_files([result.file], ack_to=pair.back)
        assert outcome.status == "applied", outcome.reason
        assert outcome.tables["model_registration"].new == 2
        held = rows_of(o.path, c.db.site_id)
        assert held == rows_of(c.path, c.db.site_id)
        assert any(registration in row for row in held["model_registration"])
        # The office sees the centre's registrations as its own status.
        assert o.models.status(2026)["family"].registered == 1
        # An unregistration travels as a tombstone.
        c.models.unregister("family", 2026, home)
        (outcome,) = o.sync.import_files([c.sync.export(pair.stick).file])
        assert outcome.status == "applied", outcome.reason
        assert o.models.status(2026)["family"].registered == 0
    finally:
        pair.close()


def test_registrations_of_one_hamlet_in_vietnamese_name_order(
    ws: Workspace, hamlets: dict[str, str]
) -> None:
    names = {"Trần Văn Bình": "Thôn 1", "Nguyễn Thị An": "Thôn 1", "Lê Văn Ân": "Thôn 2"}
    for name, hamlet in names.items():
        ws.models.register("family", 2026, household(ws, name, hamlets[hamlet])[0], on=ON)
    loose = ws.households.create(ws.people.add(PersonInput(full_name="Phạm Văn Cường")).value)
    ws.models.register("family", 2026, loose.value, on=ON)
    # By given name: An, Bình (not by the family name's first letter).
    got = [r.subject_name for r in ws.models.registrations("family", 2026, "Thôn 1")]
    assert got == ["Nguyễn Thị An", "Trần Văn Bình"]
    assert [r.subject_name for r in ws.models.registrations("family", 2026, "Thôn 2")] == [
        "Lê Văn Ân"
    ]
    assert [r.subject_name for r in ws.models.registrations("family", 2026, "")] == [
        "Phạm Văn Cường"
    ]
    assert ws.models.registrations("family", 2026, "Thôn không có") == []
    # The whole list is the hamlets' lists one after the other.
    every = ws.models.registrations("family", 2026)
    assert len(every) == 4
    by_hamlet = {
        name: c.registered for name, c in ws.models.status(2026)["family"].by_hamlet.items()
    }
    assert by_hamlet["Thôn 1"] == 2 and by_hamlet[""] == 1
