"""The "Công dân học tập" tracker on a real database: statuses that only move forward, the
refusals (a child, a day in the future, a move backward), the corrections, the summary per
hamlet against the target on hand-made people, the list of adults still to register and its
xlsx export (read back with openpyxl: header order, sensitive columns, the audit row, the
database refused as the output), and the status rows travelling like the others."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from desktop_app.core.citizen_tracker import (
    PLATFORM_COLUMNS,
    CitizenRecord,
    CitizenStatus,
    advance,
    parse_platform_status,
    reached_by,
)
from desktop_app.core.people import PersonInput, Sex
from desktop_app.core.problems import UserError
from desktop_app.i18n import user_error_text
from desktop_app.services.centre import CentreProfile, communes, provinces
from desktop_app.services.workspace import Workspace

TODAY = dt.date.today()
YEAR = TODAY.year


def person(
    ws: Workspace, name: str, hamlet_id: str | None, birth: str = "1980", **more: object
) -> str:
    return ws.people.add(
        PersonInput(full_name=name, birth=birth, hamlet_id=hamlet_id, **more)  # type: ignore[arg-type]
    ).value


def set_profile(ws: Workspace) -> tuple[str, str]:
    province = next(p for p in provinces() if p.name == "Thành phố Hà Nội")
    commune = communes(province.code)[0]
    ws.centre.save_profile(
        CentreProfile(
            name="Trung tâm học tập cộng đồng " + commune.name,
            province_code=province.code,
            commune_code=commune.code,
        )
    )
    return province.name, commune.name


def audit_rows(ws: Workspace, action: str) -> list[tuple[str, str]]:
    rows = ws.db.conn.execute(
        "SELECT entity, detail FROM audit WHERE action = ? ORDER BY rowid", (action,)
    ).fetchall()
    return [(str(r[0]), str(r[1])) for r in rows]


# Status of one person ------------------------------------------------------------------------


def test_a_status_moves_forward_with_each_stages_day(
    ws: Workspace, hamlets: dict[str, str]
) -> None:
    a = person(ws, "Nguyễn Văn An", hamlets["Thôn 1"])
    assert ws.cdht.status_of(a).status is CitizenStatus.NOT_REGISTERED
    first = ws.cdht.set_status(a, "account", dt.date(2025, 3, 1))
    assert first.changes.touches("citizen_status")
    second = ws.cdht.set_status(a, CitizenStatus.SELF_ASSESSED, dt.date(2025, 4, 2), notes="x")
    assert second.value == first.value  # one live row per person, updated
    ws.cdht.set_status(a, "achieved", dt.date(2025, 11, 20))
    held = ws.cdht.status_of(a)
    assert held.status is CitizenStatus.ACHIEVED
    assert (held.account_on, held.self_assessed_on, held.achieved_on) == (
        dt.date(2025, 3, 1), dt.date(2025, 4, 2), dt.date(2025, 11, 20),
    )  # fmt: skip
    assert (held.notes, held.source, held.import_id) == ("x", "typed", None)
    rows = ws.db.conn.execute("SELECT count(*) FROM citizen_status").fetchone()[0]
    assert rows == 1
    # Straight to the title: the earlier stages' days stay unknown.
    b = person(ws, "Trần Thị Bình", hamlets["Thôn 1"])
    ws.cdht.set_status(b, "achieved")
    held_b = ws.cdht.status_of(b)
    assert (held_b.account_on, held_b.self_assessed_on, held_b.achieved_on) == (None, None, TODAY)


def test_refusals_change_nothing(ws: Workspace, hamlets: dict[str, str]) -> None:
    a = person(ws, "Nguyễn Văn An", hamlets["Thôn 1"])
    ws.cdht.set_status(a, "self_assessed", dt.date(2025, 5, 1))
    version = ws.db.conn.execute("SELECT version FROM citizen_status").fetchone()[0]
    with pytest.raises(UserError, match="only moves forward"):
        ws.cdht.set_status(a, "account")
    with pytest.raises(UserError, match="already"):
        ws.cdht.set_status(a, "self_assessed", dt.date(2025, 5, 2))
    with pytest.raises(UserError, match="in the future"):
        ws.cdht.set_status(a, "achieved", TODAY + dt.timedelta(days=1))
    with pytest.raises(UserError, match="before the day"):
        ws.cdht.set_status(a, "achieved", dt.date(2025, 4, 30))
    with pytest.raises(UserError, match="no status"):
        ws.cdht.set_status(a, "done")
    with pytest.raises(UserError, match="no person"):
        ws.cdht.set_status("nobody", "account")
    child = person(ws, "Lê Minh Khôi", hamlets["Thôn 1"], birth=str(YEAR - 12))
    with pytest.raises(UserError, match="adults aged") as info:
        ws.cdht.set_status(child, "account")
    assert info.value.params["age"] == 12
    assert ws.db.conn.execute("SELECT version FROM citizen_status").fetchone()[0] == version
    assert ws.db.conn.execute("SELECT count(*) FROM citizen_status").fetchone()[0] == 1
    # A person who turns 15 this year counts as an adult.
    teen = person(ws, "Lê Minh Khang", hamlets["Thôn 1"], birth=str(YEAR - 15))
    ws.cdht.set_status(teen, "account")


def test_a_correction_sets_back_and_clears_the_later_days(
    ws: Workspace, hamlets: dict[str, str]
) -> None:
    a = person(ws, "Nguyễn Văn An", hamlets["Thôn 1"])
    ws.cdht.set_status(a, "achieved", dt.date(2025, 6, 1))
    ws.cdht.set_status(a, "account", dt.date(2025, 2, 1), correct=True)
    held = ws.cdht.status_of(a)
    assert (held.status, held.account_on, held.achieved_on) == (
        CitizenStatus.ACCOUNT, dt.date(2025, 2, 1), None,
    )  # fmt: skip
    # The day of the status held, corrected.
    ws.cdht.set_status(a, "account", dt.date(2025, 1, 15), correct=True)
    assert ws.cdht.status_of(a).account_on == dt.date(2025, 1, 15)
    ws.cdht.set_status(a, "not_registered", correct=True)
    assert ws.cdht.status_of(a).dates() == {
        "account_on": None, "self_assessed_on": None, "achieved_on": None,
    }  # fmt: skip


def test_the_platforms_words_and_the_pure_rules() -> None:
    assert parse_platform_status("Đã tạo tài khoản") is CitizenStatus.ACCOUNT
    assert parse_platform_status("ĐÃ TỰ ĐÁNH GIÁ") is CitizenStatus.SELF_ASSESSED
    assert parse_platform_status("Đạt") is CitizenStatus.ACHIEVED
    assert parse_platform_status(" hoàn  thành ") is CitizenStatus.ACHIEVED
    assert parse_platform_status("self-assessed") is CitizenStatus.SELF_ASSESSED
    assert parse_platform_status("not_registered") is CitizenStatus.NOT_REGISTERED
    assert parse_platform_status("Xuất sắc") is None
    assert parse_platform_status("") is None
    held = CitizenRecord("p", CitizenStatus.ACCOUNT, account_on=dt.date(2025, 1, 5))
    # A list never moves anyone back, and keeps the day the centre holds.
    assert advance(held, CitizenStatus.ACCOUNT, {}, TODAY) is None
    moved = advance(
        held, CitizenStatus.ACHIEVED,
        {CitizenStatus.ACCOUNT: dt.date(2025, 2, 1), CitizenStatus.ACHIEVED: dt.date(2025, 9, 9)},
        TODAY,
    )  # fmt: skip
    assert moved is not None
    assert (moved.account_on, moved.self_assessed_on, moved.achieved_on) == (
        dt.date(2025, 1, 5), None, dt.date(2025, 9, 9),
    )  # fmt: skip
    with pytest.raises(UserError, match="before the day"):
        advance(held, CitizenStatus.ACHIEVED, {CitizenStatus.ACHIEVED: dt.date(2024, 1, 1)}, TODAY)
    # Reached by the end of a year: by the stage's day, else a later stage's, else counted.
    done = CitizenRecord("p", CitizenStatus.ACHIEVED, achieved_on=dt.date(2026, 3, 1))
    assert not reached_by(done, CitizenStatus.ACCOUNT, dt.date(2025, 12, 31))
    assert reached_by(done, CitizenStatus.ACCOUNT, dt.date(2026, 12, 31))
    assert reached_by(CitizenRecord("p", CitizenStatus.SELF_ASSESSED), CitizenStatus.ACCOUNT,
                      dt.date(2000, 12, 31))  # fmt: skip
    assert not reached_by(held, CitizenStatus.SELF_ASSESSED, dt.date(2030, 12, 31))


# Figures ---------------------------------------------------------------------------------


def test_summary_counts_by_hamlet_against_the_target(
    ws: Workspace, hamlets: dict[str, str]
) -> None:
    one, two = hamlets["Thôn 1"], hamlets["Thôn 2"]
    a = person(ws, "Nguyễn Văn An", one, "1970")
    b = person(ws, "Trần Thị Bình", one, "1985")
    c = person(ws, "Lê Văn Cường", one, "2010")  # 15 in 2025: an adult
    person(ws, "Lê Thị Dung", one, "2012")  # 13: not an adult
    d = person(ws, "Phạm Văn Đức", two, "1990")
    e = person(ws, "Vũ Thị Hoa", None, "1960")
    gone = person(ws, "Đỗ Văn Giang", two, "1950")
    person(ws, "Hồ Thị Lan", two, "")  # birth unknown: not counted
    ws.cdht.set_status(a, "achieved", dt.date(2025, 10, 1))
    ws.cdht.set_status(b, "self_assessed", dt.date(2025, 6, 1))
    ws.cdht.set_status(c, "account", dt.date(2025, 3, 1))
    ws.cdht.set_status(d, "account", dt.date(2025, 2, 1))
    ws.cdht.set_status(d, "achieved", dt.date(2026, 1, 5))  # achieved the next year
    ws.cdht.set_status(gone, "achieved", dt.date(2025, 5, 5))
    ws.people.delete(gone)
    s = ws.cdht.summary(2025)
    assert (s.year, s.adults, s.account, s.self_assessed, s.achieved) == (2025, 5, 4, 2, 1)
    assert s.target_rate == 0.40 and s.achieved_rate == pytest.approx(0.2)
    assert set(s.by_hamlet) == {"Thôn 1", "Thôn 2", "Thôn 10", ""}
    t1 = s.by_hamlet["Thôn 1"]
    assert (t1.adults, t1.account, t1.self_assessed, t1.achieved) == (3, 3, 2, 1)
    t2 = s.by_hamlet["Thôn 2"]
    assert (t2.adults, t2.account, t2.self_assessed, t2.achieved) == (1, 1, 0, 0)
    assert s.by_hamlet[""].adults == 1 and s.by_hamlet[""].account == 0
    assert s.by_hamlet["Thôn 10"].adults == 0
    later = ws.cdht.summary(2026)
    assert (later.achieved, later.by_hamlet["Thôn 2"].achieved) == (2, 1)
    assert later.target_rate == 0.70
    # Who still has to register: e has nothing held; the child is not listed.
    assert [r.person_id for r in ws.cdht.unregistered(2025)] == [e]


def test_the_summary_counted_in_sql_follows_reached_by(
    ws: Workspace, hamlets: dict[str, str]
) -> None:
    """Every pattern of known and unknown days, counted in SQL, as reached_by counts it."""
    one, two = hamlets["Thôn 1"], hamlets["Thôn 2"]
    d = dt.date
    moves: list[list[tuple[str, dt.date | None, bool]]] = [
        [("achieved", d(2024, 5, 1), False)],  # straight to the title: earlier days unknown
        [("self_assessed", d(2023, 2, 1), False), ("achieved", d(2025, 3, 1), False)],
        [("account", d(2022, 1, 1), False), ("achieved", d(2026, 1, 2), False)],
        [("account", d(2025, 12, 31), False)],
        [("achieved", d(2024, 1, 1), False), ("account", d(2024, 6, 1), True)],  # set back
        [("account", d(2023, 1, 1), False), ("not_registered", None, True)],
        [("self_assessed", d(2026, 1, 1), False)],
    ]
    for i, steps in enumerate(moves):
        name = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Em",
                "Vũ Thị Giang", "Đỗ Văn Hùng")[i]  # fmt: skip
        pid = person(ws, name, one if i % 2 else two, "1980")
        for status, on, correct in steps:
            ws.cdht.set_status(pid, status, on, correct=correct)
    person(ws, "Bùi Thị Lan", None, "1990")
    stages = (CitizenStatus.ACCOUNT, CitizenStatus.SELF_ASSESSED, CitizenStatus.ACHIEVED)
    for year in range(2022, 2028):
        s = ws.cdht.summary(year)
        records = [ws.cdht.status_of(pid) for pid in (p.id for p in ws.people.roster())]
        expected = [sum(reached_by(r, stage, d(year, 12, 31)) for r in records) for stage in stages]
        assert [s.account, s.self_assessed, s.achieved] == expected, year
        assert s.adults == 8


def test_the_adults_of_one_hamlet_with_their_statuses(
    ws: Workspace, hamlets: dict[str, str]
) -> None:
    one, two = hamlets["Thôn 1"], hamlets["Thôn 2"]
    a = person(ws, "Trần Văn Bảo", one, "1970")
    b = person(ws, "Nguyễn Thị An", one, "1985")
    person(ws, "Lê Văn Cường", one, "2012")  # 13 in 2025: not listed
    gone = person(ws, "Đỗ Văn Giang", one, "1950")
    person(ws, "Phạm Văn Đức", two, "1990")
    e = person(ws, "Vũ Thị Hoa", None, "1960")
    ws.cdht.set_status(a, "achieved", dt.date(2025, 10, 1), notes="Đạt đợt 1")
    ws.people.delete(gone)
    listed = ws.cdht.adults(2025, "Thôn 1")
    # Vietnamese order: by given name (An before Bảo).
    assert [x.person_id for x in listed] == [b, a]
    assert [x.full_name for x in listed] == ["Nguyễn Thị An", "Trần Văn Bảo"]
    assert listed[0].record == CitizenRecord(b) and listed[0].birth_year == 1985
    held = listed[1].record
    assert (held.status, held.achieved_on, held.notes) == (
        CitizenStatus.ACHIEVED, dt.date(2025, 10, 1), "Đạt đợt 1",
    )  # fmt: skip
    assert [x.person_id for x in ws.cdht.adults(2025, "")] == [e]
    assert ws.cdht.adults(2025, "Thôn 10") == []
    # The child is an adult three years later.
    assert len(ws.cdht.adults(2027, "Thôn 1")) == 3
    # The list agrees with the summary's count of each hamlet.
    s = ws.cdht.summary(2025)
    assert s.by_hamlet["Thôn 1"].adults == len(listed)
    assert s.by_hamlet["Thôn 1"].achieved == 1


# The export ------------------------------------------------------------------------------


def _sheet(path: Path) -> list[tuple[object, ...]]:
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet is not None and sheet.title == "Danh sách"
    return [tuple(r) for r in sheet.iter_rows(values_only=True)]


def test_the_export_lists_the_unregistered_in_the_platforms_order(
    ws: Workspace, hamlets: dict[str, str], tmp_path: Path
) -> None:
    province, commune = set_profile(ws)
    one, two = hamlets["Thôn 1"], hamlets["Thôn 2"]
    person(ws, "Trần Văn Bảo", two, "1980", sex=Sex.MALE, cccd="001080012345",
           ethnicity="Kinh", religion="Phật giáo")  # fmt: skip
    person(ws, "Lê Thị Ánh", one, "1975", sex=Sex.FEMALE, ethnicity="Tày")
    person(ws, "Nguyễn Văn Ánh", one, "01/02/1990", sex=Sex.MALE)
    person(ws, "Đặng Thị Ân", one, "1988", sex=Sex.FEMALE)
    done = person(ws, "Phạm Văn Cao", one, "1970")
    ws.cdht.set_status(done, "account")
    person(ws, "Vũ Bé Na", one, str(YEAR - 10))  # a child
    out = tmp_path / "cdht.xlsx"
    assert ws.cdht.export(out) == 4
    rows = _sheet(out)
    assert rows[0] == PLATFORM_COLUMNS == (
        "CCCD", "Họ tên", "Giới tính", "Năm sinh", "Dân tộc", "Tôn giáo", "Tỉnh/thành",
        "Phường/xã",
    )  # fmt: skip
    # By hamlet, then by given name, middle, family in Vietnamese order (Ánh < Ân: a before â;
    # Thị < Văn for the same given name); a person without CCCD is listed with an empty cell.
    assert [r[1] for r in rows[1:]] == [
        "Lê Thị Ánh", "Nguyễn Văn Ánh", "Đặng Thị Ân", "Trần Văn Bảo",
    ]  # fmt: skip
    assert rows[4] == ("001080012345", "Trần Văn Bảo", "Nam", 1980, None, None, province, commune)
    assert rows[3][:4] == (None, "Đặng Thị Ân", "Nữ", 1988)
    assert rows[2][3] == 1990
    assert all(r[4] is None and r[5] is None for r in rows[1:])
    assert audit_rows(ws, "cdht.export") == [("person", "rows=4 sensitive=no file=cdht.xlsx")]
    # With the sensitive fields, asked for.
    assert ws.cdht.export(out, include_sensitive=True) == 4
    rows = _sheet(out)
    assert rows[4][4:6] == ("Kinh", "Phật giáo")
    assert rows[1][4:6] == ("Tày", None)
    assert audit_rows(ws, "cdht.export")[-1] == (
        "person", "rows=4 sensitive=yes file=cdht.xlsx",
    )  # fmt: skip


def test_the_export_refuses_the_database_a_folder_and_a_missing_folder(
    ws: Workspace, tmp_path: Path
) -> None:
    before = ws.path.read_bytes()
    with pytest.raises(UserError, match="centre's database"):
        ws.cdht.export(ws.path)
    with pytest.raises(UserError, match="centre's database"):
        ws.cdht.export(Path(str(ws.path) + "-wal"))
    with pytest.raises(UserError, match="is a folder"):
        ws.cdht.export(tmp_path)
    with pytest.raises(UserError, match="does not exist"):
        ws.cdht.export(tmp_path / "nowhere" / "x.xlsx")
    assert ws.path.read_bytes() == before
    assert audit_rows(ws, "cdht.export") == []


def test_status_rows_travel_and_keep_one_live_row(ws: Workspace, hamlets: dict[str, str]) -> None:
    from desktop_app.storage.sync import travelling_tables_of

    a = person(ws, "Nguyễn Văn An", hamlets["Thôn 1"])
    ws.cdht.set_status(a, "account")
    assert "citizen_status" in travelling_tables_of(ws.db.conn)
    indexes = {str(r[1]) for r in ws.db.conn.execute("PRAGMA index_list(citizen_status)")}
    assert {"citizen_status_owner_version", "citizen_status_live"} <= indexes
    with pytest.raises(Exception):  # noqa: B017 (the trigger's abort, wrapped by the store)
        ws.db.conn.execute("DELETE FROM citizen_status")
    assert ws.db.conn.execute("SELECT count(*) FROM citizen_status").fetchone()[0] == 1


def test_a_refusal_names_the_status_in_the_users_language(
    ws: Workspace, hamlets: dict[str, str]
) -> None:
    from desktop_app.i18n import current_language, set_language

    pid = ws.people.add(PersonInput(full_name="Đỗ Thị Lan", birth="1980")).value
    ws.cdht.set_status(pid, "achieved", dt.date(2025, 5, 1))
    with pytest.raises(UserError) as info:
        ws.cdht.set_status(pid, "account", dt.date(2025, 6, 1))
    was = current_language()
    try:
        set_language("vi")
        text = user_error_text(info.value)
        # The statuses are words of the message, translated with it (“đạt”, not “achieved”).
        assert "“đạt”" in text and "achieved" not in text
        set_language("en")
        assert "“achieved” already, further than “account created”" in user_error_text(info.value)
    finally:
        set_language(was)
