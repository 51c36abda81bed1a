"""Importing a list of people kept in Excel, through ImportService, on real xlsx files written
with openpyxl and a real database: the header found past the titles, the mapping guessed, TCVN3
and VNI columns converted, every row classified, all or nothing, the same file refused, undo."""

from __future__ import annotations

import datetime as dt
import sqlite3
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path

import openpyxl
import pytest

from desktop_app.core.courses import CourseInput
from desktop_app.core.legacy_text import Encoding
from desktop_app.core.people import HamletKind, PersonInput, Sex
from desktop_app.core.problems import UserError
from desktop_app.services.imports import (
    DUPLICATE,
    IGNORED,
    MATCH,
    NEW,
    REJECTED,
    ImportOptions,
)
from desktop_app.services.workspace import Workspace
from tests.core.test_legacy_text import encode_tcvn3, encode_vni

TODAY = dt.date(2026, 12, 1)


def write_xlsx(path: Path, rows: Sequence[Sequence[object]], merge_title: bool = True) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Danh sách"
    for row in rows:
        sheet.append(list(row))
    if merge_title:
        sheet.merge_cells("A2:H2")
    book.save(path)
    return path


HEADER = ("STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "Số điện thoại", "Thôn/Ấp",
          "Dân tộc")  # fmt: skip


def roster(rows: Sequence[Sequence[object]], header: Sequence[str] = HEADER) -> list[list[object]]:
    """A real list: the commune's name, a merged title, a blank row, the header on row 5, a
    numbering row, the people, a blank row and the signature block."""
    return [
        ["UBND XÃ ĐÔNG HÒA"],
        ["DANH SÁCH HỌC VIÊN LỚP XÓA MÙ CHỮ NĂM 2026"],
        [],
        [],
        list(header),
        [f"({i})" for i in range(1, len(header) + 1)],
        *[list(r) for r in rows],
        [],
        [None, "Người lập biểu", None, None, None, "Đông Hòa, ngày 01 tháng 12 năm 2026"],
    ]


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace.open(tmp_path / "centre.sqlite3", create=True) as ws:
        for name in ("Thôn Đông", "Thôn Tây"):
            with ws.ops.op("hamlet.add") as op:
                from desktop_app.storage.people import insert_hamlet

                insert_hamlet(op.tx, name, HamletKind.THON)
        yield ws


def hamlet(ws: Workspace, name: str) -> str:
    from desktop_app.storage.people import list_hamlets

    return next(h.id for h in list_hamlets(ws.db) if h.name == name)


def people(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT full_name, birth, sex, cccd, phone, deleted FROM person ORDER BY full_name"
        ).fetchall()
    finally:
        conn.close()


def test_a_real_list_is_read_and_classified(ws: Workspace, tmp_path: Path) -> None:
    ws.people.add(PersonInput("Lê Văn Cường", Sex.MALE, "1975", cccd="034075001234"))
    ws.people.add(PersonInput("Phạm Thị Hoa", Sex.FEMALE, "03/02/1988"))
    nfd = unicodedata.normalize("NFD", "Hoàng Thị Ước")
    file = write_xlsx(
        tmp_path / "list.xlsx",
        roster(
            [
                (
                    1,
                    "Trần Thị Bích",
                    dt.datetime(1990, 5, 12),
                    "Nữ",
                    "",
                    "0912 345 678",
                    "Thôn Đông",
                    "Kinh",
                ),
                (2, "lê văn cường", "1975", "Nam", 34075001234, "", "Thôn Tây", "Kinh"),
                (3, "Phạm Thị Hoa", "3/2/88", "nữ", "", "", "Đông", "Tày"),
                (4, nfd, 32234, "NỮ", "", "", "Thôn Đông", "Kinh"),
                (5, "Nguyễn Văn An", "31/02/1960", "Nam", "", "", "Thôn Tây", "Kinh"),
                (6, "Trần Thị Bích", "12-05-1990", "Nữ", "", "", "Thôn Đông", "Kinh"),
                (7, "Đặng Văn Ước", "1999", "M", "", "", "Xóm Bãi", "Kinh"),
            ]
        ),
    )
    plan = ws.imports.plan(file)
    assert plan.sheet == "Danh sách" and plan.header_row == 5
    fields = {c.header: c.field for c in plan.columns}
    assert fields["Họ và tên"] == "full_name" and fields["Ngày sinh"] == "birth"
    assert fields["Số CCCD"] == "cccd" and fields["Thôn/Ấp"] == "hamlet"
    by_row = {r.row: r for r in plan.rows}
    assert by_row[7].status == NEW and by_row[7].fields is not None
    assert by_row[7].fields.phone == "0912345678"
    # The same CCCD (Excel had dropped its leading zero): certain.
    assert by_row[8].status == MATCH and by_row[8].match_certain
    # The same name and birth: shown for confirmation; "Đông" is Thôn Đông.
    assert by_row[9].status == MATCH and not by_row[9].match_certain
    # An Excel serial date and a decomposed name.
    assert by_row[10].status == NEW and by_row[10].fields is not None
    assert by_row[10].fields.full_name == "Hoàng Thị Ước"
    assert by_row[10].fields.birth is not None and by_row[10].fields.birth.iso() == "1988-04-01"
    # No 31 February: rejected, with the reason the person form gives.
    assert by_row[11].status == REJECTED
    assert [p.field for p in by_row[11].problems] == ["birth"]
    assert by_row[12].status == DUPLICATE and by_row[12].duplicate_of == 7
    # A hamlet the centre does not have.
    assert by_row[13].status == REJECTED and plan.unknown_hamlets == ("Xóm Bãi",)
    # The signature block is no person.
    assert [r.status for r in plan.rows if r.row > 13] == [IGNORED]
    assert plan.counts == {
        "new": 2, "match": 2, "duplicate": 1, "rejected": 2, "ignored": 1, "rows": 7,
    }  # fmt: skip


def test_all_or_nothing_then_history_and_the_same_file_refused(
    ws: Workspace, tmp_path: Path
) -> None:
    file = write_xlsx(
        tmp_path / "list.xlsx",
        roster(
            [
                (1, "Trần Thị Bích", "12/05/1990", "Nữ", "", "", "Thôn Đông", "Kinh"),
                (2, "Nguyễn Văn An", "31/02/1960", "Nam", "", "", "Thôn Tây", "Kinh"),
            ]
        ),
    )
    plan = ws.imports.plan(file)
    with pytest.raises(UserError):
        ws.imports.apply(plan)
    assert people(ws.db.path) == []
    result = ws.imports.apply(plan, ImportOptions(skip_rejected=True))
    assert result.counts["created"] == 1
    assert [p[0] for p in people(ws.db.path)] == ["Trần Thị Bích"]
    (batch,) = ws.imports.history()
    assert batch.id == result.import_id and batch.file_name == "list.xlsx"
    assert batch.sha256 == plan.file.sha256 and batch.sheet == "Danh sách"
    again = ws.imports.open_file(file)
    assert again.already is not None and again.already.id == result.import_id
    with pytest.raises(UserError):
        ws.imports.apply(ws.imports.plan(file), ImportOptions(skip_rejected=True))
    assert len(people(ws.db.path)) == 1


def test_new_hamlets_are_created_when_asked_and_undo_removes_everything(
    ws: Workspace, tmp_path: Path
) -> None:
    file = write_xlsx(
        tmp_path / "list.xlsx",
        roster(
            [
                (1, "Trần Thị Bích", "12/05/1990", "Nữ", "", "", "Xóm Bãi", "Kinh"),
                (2, "Lê Văn Cường", "1975", "Nam", "", "", "Thôn Tây", "Kinh"),
            ]
        ),
    )
    options = ImportOptions(create_hamlets=True)
    plan = ws.imports.plan(file, options=options)
    assert plan.count(NEW) == 2
    result = ws.imports.apply(plan, options)
    assert result.counts["hamlets_created"] == 1
    from desktop_app.storage.people import list_hamlets

    assert "Xóm Bãi" in {h.name for h in list_hamlets(ws.db)}
    undone = ws.imports.undo(result.import_id)
    assert undone.removed == 2
    assert all(p[5] == 1 for p in people(ws.db.path))
    assert "Xóm Bãi" not in {h.name for h in list_hamlets(ws.db)}
    # Undone, the same file may come in again.
    assert ws.imports.open_file(file).already is None
    with pytest.raises(UserError):
        ws.imports.undo(result.import_id)


def test_undo_is_refused_when_a_later_record_uses_an_imported_person(
    ws: Workspace, tmp_path: Path
) -> None:
    file = write_xlsx(
        tmp_path / "list.xlsx",
        roster([(1, "Trần Thị Bích", "12/05/1990", "Nữ", "", "", "Thôn Đông", "Kinh")]),
    )
    result = ws.imports.apply(ws.imports.plan(file))
    (person_id,) = [r.id for r in ws.people.roster()]
    course = ws.courses.create(
        CourseInput("cd_nong_nghiep", "Trồng lúa", start=TODAY), [TODAY]
    ).value
    ws.courses.enrol(course, [person_id])
    with pytest.raises(UserError) as err:
        ws.imports.undo(result.import_id)
    assert "Trần Thị Bích" in str(err.value.params)
    assert people(ws.db.path)[0][5] == 0


def test_fill_and_update_of_matched_people_are_undone_to_the_old_values(
    ws: Workspace, tmp_path: Path
) -> None:
    pid = ws.people.add(PersonInput("Lê Văn Cường", Sex.MALE, "1975")).value
    file = write_xlsx(
        tmp_path / "list.xlsx",
        roster([(1, "Lê Văn Cường", "1975", "Nam", "", "0912345678", "Thôn Tây", "Kinh")]),
    )
    options = ImportOptions(on_match="fill")
    plan = ws.imports.plan(file, options=options)
    assert plan.count(MATCH) == 1
    result = ws.imports.apply(plan, options)
    assert result.counts["updated"] == 1 and result.counts["created"] == 0
    person = ws.people.get(pid)
    assert person.phone == "0912345678" and person.hamlet_id == hamlet(ws, "Thôn Tây")
    assert [r.id for r in ws.people.search("0912345678")] == [pid]
    ws.imports.undo(result.import_id)
    person = ws.people.get(pid)
    assert person.phone is None and person.hamlet_id is None
    assert ws.people.search("0912345678") == []


def test_tcvn3_and_vni_columns_and_headers_are_converted(ws: Workspace, tmp_path: Path) -> None:
    header = [encode_tcvn3(h) for h in ("STT", "Họ và tên", "Năm sinh", "Giới tính")]
    rows = [
        (1, encode_tcvn3("Nguyễn Thị Hoà"), 1985, encode_tcvn3("Nữ")),
        (2, encode_tcvn3("Đặng Văn Ước"), 1970, "Nam"),
        (3, encode_tcvn3("Phạm Minh Đức"), 2001, "Nam"),
    ]
    file = write_xlsx(tmp_path / "tcvn3.xlsx", roster(rows, header), merge_title=False)
    plan = ws.imports.plan(file)
    names = {c.field: c for c in plan.columns}
    assert names["full_name"].encoding is Encoding.TCVN3
    assert names["full_name"].header == "Họ và tên"
    assert names["full_name"].sample  # the converted sample is shown before import
    assert [r.fields.full_name for r in plan.rows if r.fields] == [
        "Nguyễn Thị Hoà", "Đặng Văn Ước", "Phạm Minh Đức",
    ]  # fmt: skip
    vni_names = ("Trần Thị Bích", "Lê Văn Cường", "Phạm Thị Hoa", "Nguyễn Văn Đức")
    vni_rows = [(i, encode_vni(n), 1990, "Nữ") for i, n in enumerate(vni_names, 1)]
    file = write_xlsx(tmp_path / "vni.xlsx", roster(vni_rows, (*HEADER[:3], "Giới tính")))
    plan = ws.imports.plan(file, mapping={"C": "birth"})
    assert {c.field: c.encoding for c in plan.columns}["full_name"] is Encoding.VNI
    assert [r.fields.full_name for r in plan.rows if r.fields] == list(vni_names)
    # The user may say a column is plain Unicode after all: nothing is converted then.
    plan = ws.imports.plan(file, encodings={"B": Encoding.UNICODE})
    first = next(r for r in plan.rows if r.person)
    assert first.person is not None and first.person.full_name == encode_vni("Trần Thị Bích")


def test_households_from_a_relation_column(ws: Workspace, tmp_path: Path) -> None:
    header = ("STT", "Họ và tên", "Năm sinh", "Quan hệ với chủ hộ", "Thôn")
    rows = [
        (1, "Lê Văn Cường", 1965, "Chủ hộ", "Thôn Đông"),
        (2, "Phạm Thị Hoa", 1968, "Vợ", "Thôn Đông"),
        (3, "Lê Minh Đức", 1995, "Con", "Thôn Đông"),
        (4, "Trần Văn Tư", 1950, "Chủ hộ", "Thôn Tây"),
    ]
    file = write_xlsx(tmp_path / "households.xlsx", roster(rows, header), merge_title=False)
    result = ws.imports.apply(ws.imports.plan(file))
    assert result.counts["households_created"] == 2
    conn = sqlite3.connect(ws.db.path)
    try:
        got = conn.execute(
            "SELECT p.full_name, p.household_relation, h.full_name FROM person p"
            " JOIN household hh ON hh.id = p.household_id JOIN person h ON h.id = hh.head_id"
            " ORDER BY p.full_name"
        ).fetchall()
    finally:
        conn.close()
    assert got == [
        ("Lê Minh Đức", "Con", "Lê Văn Cường"),
        ("Lê Văn Cường", "Chủ hộ", "Lê Văn Cường"),
        ("Phạm Thị Hoa", "Vợ", "Lê Văn Cường"),
        ("Trần Văn Tư", "Chủ hộ", "Trần Văn Tư"),
    ]


def test_the_confirmed_mapping_is_offered_again_for_the_same_headers(
    ws: Workspace, tmp_path: Path
) -> None:
    header = ("STT", "Tên học viên", "Sinh năm", "Ghi chú")
    first = write_xlsx(
        tmp_path / "a.xlsx", roster([(1, "Trần Thị Bích", 1990, "Lớp A")], header), False
    )
    mapping = {"Tên học viên": "full_name", "Sinh năm": "birth", "Ghi chú": ""}
    plan = ws.imports.plan(first, mapping=mapping)
    ws.imports.apply(plan)
    second = write_xlsx(
        tmp_path / "b.xlsx", roster([(1, "Lê Văn Cường", 1975, "Lớp B")], header), False
    )
    again = ws.imports.plan(second)
    assert {c.header: c.field for c in again.columns}["Ghi chú"] is None
    assert {c.header: c.field for c in again.columns}["Tên học viên"] == "full_name"


def test_bad_files_get_a_clear_message_and_nothing_is_written(
    ws: Workspace, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    no_header = write_xlsx(tmp_path / "no-header.xlsx", [["a", "b"], [1, 2]], False)
    no_name = write_xlsx(
        tmp_path / "no-name.xlsx", roster([(1, "1990", "Nữ")], ("STT", "Ngày sinh", "Giới tính"))
    )
    for file in (empty, no_header, no_name, tmp_path / "missing.xlsx"):
        with pytest.raises(UserError) as err:
            ws.imports.plan(file)
        assert err.value.message
    assert ws.imports.history() == []
    assert people(ws.db.path) == []
    assert not (tmp_path / "missing.xlsx").exists()


def test_the_rejected_rows_are_saved_to_fix_and_import_again(ws: Workspace, tmp_path: Path) -> None:
    file = write_xlsx(
        tmp_path / "list.xlsx",
        roster(
            [
                (1, "Trần Thị Bích", "12/05/1990", "Nữ", "", "", "Thôn Đông", "Kinh"),
                (2, "Nguyễn Văn An", "31/02/1960", "Nam", "", "", "Thôn Tây", "Kinh"),
            ]
        ),
    )
    plan = ws.imports.plan(file)
    out = ws.imports.save_rejected(plan, tmp_path / "rejected.xlsx")
    book = openpyxl.load_workbook(out)
    rows = list(book.active.iter_rows(values_only=True))  # type: ignore[union-attr]
    assert rows[0][:3] == ("STT", "Họ và tên", "Ngày sinh")
    assert rows[0][-2:] == ("Lý do không nhập được", "Dòng trong tệp gốc")
    (bad,) = rows[1:]
    assert bad[1] == "Nguyễn Văn An" and bad[2] == "31/02/1960" and bad[-1] == 8
    assert bad[-2]  # the reason, in the language of the app
    with pytest.raises(UserError):
        ws.imports.save_rejected(plan, ws.db.path)


def test_a_unicode_header_over_tcvn3_names_stays_as_it_is(ws: Workspace, tmp_path: Path) -> None:
    names = ("Ngô Thị Mai", "Lê Văn Cường", "Đỗ Văn Tú")
    rows = [(i, encode_tcvn3(n), 1980, "Nam", "", "", "Thôn Đông", "Kinh") for i, n in
            enumerate(names, 1)]  # fmt: skip
    plan = ws.imports.plan(write_xlsx(tmp_path / "mixed.xlsx", roster(rows)))
    name = next(c for c in plan.columns if c.field == "full_name")
    assert (name.header, name.encoding) == ("Họ và tên", Encoding.TCVN3)
    assert [r.fields.full_name for r in plan.rows if r.fields] == list(names)


def test_a_registry_changed_since_the_check_is_checked_again_at_import(
    ws: Workspace, tmp_path: Path
) -> None:
    file = write_xlsx(
        tmp_path / "list.xlsx",
        roster(
            [
                (1, "Trần Thị Bích", "12/05/1990", "Nữ", "", "", "Thôn Đông", "Kinh"),
                (2, "Nguyễn Văn An", "31/02/1960", "Nam", "", "", "Thôn Tây", "Kinh"),
                (3, "Lê Văn Cường", "1975", "Nam", "", "", "Thôn Tây", "Kinh"),
            ]
        ),
    )
    options = ImportOptions(skip_rejected=True)
    plan = ws.imports.plan(file, options=options)
    assert plan.count(NEW) == 2
    # Someone types Lê Văn Cường in meanwhile: the import finds him held, adds one person.
    ws.people.add(PersonInput("Lê Văn Cường", Sex.MALE, "1975"))
    result = ws.imports.apply(plan, options)
    assert (result.counts["created"], result.counts["match"], result.counts["rejected"]) == (
        1,
        1,
        1,
    )
    from desktop_app.services.imports import _unclassified

    again = ws.imports._classify(  # the same reasons once, not twice, when checked again
        plan.__class__(**{**plan.__dict__, "rows": tuple(_unclassified(plan.rows))}), options
    )
    (bad,) = [r for r in again.rows if r.status == REJECTED]
    assert [p.field for p in bad.problems] == ["birth"]


def test_a_unicode_signature_block_does_not_hide_a_tcvn3_column(
    ws: Workspace, tmp_path: Path
) -> None:
    names = ("Nguyễn Thị Hoà", "Trần Thị Bích", "Lê Thị Ước")
    rows = [(i, encode_tcvn3(n), 1980 + i, "Nữ", "", "", "Thôn Đông", "Kinh") for i, n in
            enumerate(names, 1)]  # fmt: skip
    rows.append((4, "Phạm Văn Đức", 1970, "Nam", "", "", "Thôn Đông", "Kinh"))  # typed later
    plan = ws.imports.plan(write_xlsx(tmp_path / "mixed.xlsx", roster(rows)))
    # roster() ends with "Người lập biểu" in the name column, in Unicode.
    assert {c.field: c.encoding for c in plan.columns}["full_name"] is Encoding.TCVN3
    assert [r.fields.full_name for r in plan.rows if r.fields][:3] == list(names)
