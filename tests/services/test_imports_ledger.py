"""Importing a fund's ledger kept in Excel ("Sổ quỹ"), through ImportService, on real xlsx files
written with openpyxl and a real database: each row a receipt or a payment recorded through the
fund's own path (its voucher numbers, chain and seal), the kind told by its words, a scholarship
matched to its pupil, goods and overdrafts rejected, the fund's entries matched, the balance
after the import exactly the file's, undo voiding every entry, the same file refused."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

from desktop_app.core.fund import Book, EntryInput, EntryKind, book_of
from desktop_app.core.people import PersonInput, Sex
from desktop_app.core.problems import UserError
from desktop_app.services.fund import FundInput, LedgerFilter
from desktop_app.services.imports import (
    DUPLICATE,
    IGNORED,
    MATCH,
    NEW,
    REJECTED,
    ImportOptions,
)
from desktop_app.services.workspace import Workspace
from tests.services.test_imports import write_xlsx

OPENING = 1_000_000
HEADER = ("STT", "Ngày", "Số phiếu", "Người nộp/nhận", "Nội dung", "Loại", "Số tiền", "Ghi chú")
# A receipt the fund holds already (row 10 of the file is the same).
HELD = (dt.date(2025, 1, 8), 700_000, "Hoàng Văn Em")


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    with Workspace.open(tmp_path / "centre.sqlite3", create=True) as ws:
        yield ws


def open_fund(ws: Workspace, name: str = "Quỹ Khuyến học xã") -> str:
    return ws.fund.create(FundInput(name, OPENING, dt.date(2025, 1, 1))).value


def ledger_file(path: Path, rows: Sequence[Sequence[object]], header: Sequence[object] = HEADER,
                under: Sequence[object] | None = None) -> Path:  # fmt: skip
    """A real ledger: the association's name, a merged title, a blank row, the header on row 4
    (and a second header row when given), the entries, the totals and the signature block."""
    return write_xlsx(
        path,
        [
            ["HỘI KHUYẾN HỌC XÃ ĐÔNG HÒA"],
            ["SỔ QUỸ KHUYẾN HỌC NĂM 2025"],
            [],
            list(header),
            *([list(under)] if under else []),
            *[list(r) for r in rows],
            [None, "Tổng cộng", None, None, None, None, 3_000_000],
            [],
            [None, None, None, "Người lập biểu", None, "Thủ quỹ"],
        ],
    )


def kind_column_rows() -> list[tuple[object, ...]]:
    return [
        (1, "05/01/2025", "PT01", "Trần Văn Bình", "Ủng hộ quỹ khuyến học", "Thu", 2_000_000, ""),
        (2, dt.datetime(2025, 1, 10), "PT02", "Chi hội Thôn Đông", "Nộp hội phí năm 2025", "Thu",
         "1.250.000", ""),
        (3, "15/01/2025", "PC01", "Lê Thị Mai", "Học bổng học sinh giỏi", "Chi", 500_000, ""),
        (4, "16/01/2025", "PC02", "Phạm Văn Tư", "Học bổng cho em Phạm Văn Nam", "Chi",
         "300,000 đ", "bố nhận thay"),
        (5, "20/01/2025", "PT03", "Công ty Sách", "Ủng hộ hiện vật: 50 bộ sách", "Thu", 5_000_000,
         ""),
        (6, "05/01/2025", "PT01", "Trần Văn Bình", "Ủng hộ quỹ khuyến học", "Thu", 2_000_000, ""),
        (7, "25/01/2025", "PC03", "Nguyễn Văn Chi", "Chi hoạt động thường xuyên", "Chi",
         99_000_000, ""),
        (8, "28/01/2025", "PT04", "Ngân hàng NN&PTNT", "Lãi tiền gửi tháng 1", "Thu", "12.500 đ",
         ""),
        (9, "30/01/2025", "PT05", "Ông Đỗ Văn Khải", "Ủng hộ", "Thu", None, ""),
        (10, "08/01/2025", "PT06", "Hoàng Văn Em", "Ủng hộ quỹ", "Thu", "700.000", ""),
        (11, "31/01/2025", "PC04", "Lê Văn Phúc", "Phần thưởng học sinh giỏi", "Chi", 200_000,
         ""),
    ]  # fmt: skip


def setup_fund(ws: Workspace) -> str:
    fund_id = open_fund(ws)
    ws.people.add(PersonInput("Lê Thị Mai", Sex.FEMALE, "2005"))
    ws.people.add(PersonInput("Phạm Văn Nam", Sex.MALE, "12/03/2014"))
    held = EntryInput(fund_id, EntryKind.DONATION_CASH, HELD[0], HELD[1], HELD[2],
                      reason="Ủng hộ quỹ")  # fmt: skip
    ws.fund.record(held, today=dt.date(2025, 1, 8))
    return fund_id


def vouchers(ws: Workspace, fund_id: str) -> list[tuple[str, str, int, str | None]]:
    return [
        (e.voucher, e.kind.value, e.effect, e.person_id)
        for e in ws.fund.entries(LedgerFilter(fund_id=fund_id))
    ]


def test_a_ledger_with_a_kind_column_is_read_and_classified(ws: Workspace, tmp_path: Path) -> None:
    fund_id = setup_fund(ws)
    plan = ws.imports.plan(ledger_file(tmp_path / "so-quy.xlsx", kind_column_rows()), "ledger")
    assert plan.header_row == 4
    fields = {c.header: c.field for c in plan.columns}
    assert fields == {
        "STT": "row_number", "Ngày": "date", "Số phiếu": "voucher", "Người nộp/nhận": "payer",
        "Nội dung": "reason", "Loại": "kind", "Số tiền": "amount", "Ghi chú": "notes",
    }  # fmt: skip
    rows = {r.row: r for r in plan.rows}
    entry = {row: r.entry for row, r in rows.items()}
    assert rows[5].status == NEW and rows[5].voucher == "PT01"
    assert entry[5] is not None and entry[5].fund_id == fund_id
    assert (entry[5].kind, entry[5].amount, entry[5].entry_date, entry[5].party_name) == (
        EntryKind.DONATION_CASH, 2_000_000, dt.date(2025, 1, 5), "Trần Văn Bình",
    )  # fmt: skip
    # "1.250.000" as text, the kind from the reason's words.
    assert entry[6] is not None and (entry[6].kind, entry[6].amount) == (EntryKind.DUES, 1_250_000)
    # A scholarship paid to a pupil of the people list; one paid to the father of the pupil
    # the reason names.
    mai = ws.people.search("Lê Thị Mai")[0].id
    nam = ws.people.search("Phạm Văn Nam")[0].id
    assert entry[7] is not None and (entry[7].kind, entry[7].person_id) == (
        EntryKind.SCHOLARSHIP, mai,
    )  # fmt: skip
    assert entry[8] is not None and (entry[8].person_id, entry[8].amount) == (nam, 300_000)
    # Goods are not imported.
    assert rows[9].status == REJECTED and [p.field for p in rows[9].problems] == ["kind"]
    assert rows[10].status == DUPLICATE and rows[10].duplicate_of == 5
    # More than the cash holds, with the fund's own reason.
    assert rows[11].status == REJECTED and [p.field for p in rows[11].problems] == ["amount"]
    assert "cash holds only" in rows[11].problems[0].message
    assert entry[12] is not None and (entry[12].kind, entry[12].amount) == (
        EntryKind.INTEREST, 12_500,
    )  # fmt: skip
    assert rows[13].status == REJECTED and [p.field for p in rows[13].problems] == ["amount"]
    # The entry the fund holds already: shown with its voucher, never booked again.
    assert rows[14].status == MATCH and rows[14].match_name == "PT-0001/2025"
    # A prize for a pupil nobody in the people list is called: add them, or change the kind.
    assert rows[15].status == REJECTED and [p.field for p in rows[15].problems] == ["payer"]
    assert rows[16].status == rows[18].status == IGNORED  # Tổng cộng, the signatures
    assert plan.counts == {
        "new": 5, "match": 1, "duplicate": 1, "rejected": 4, "ignored": 2, "rows": 11,
    }  # fmt: skip
    assert {c.field: c.note for c in plan.columns}["notes"]


def test_apply_books_the_file_exactly_and_undo_voids_it(ws: Workspace, tmp_path: Path) -> None:
    fund_id = setup_fund(ws)
    file = ledger_file(tmp_path / "so-quy.xlsx", kind_column_rows())
    plan = ws.imports.plan(file, "ledger")
    with pytest.raises(UserError):
        ws.imports.apply(plan)  # rows are rejected
    assert ws.fund.balance(fund_id) == OPENING + HELD[1]
    options = ImportOptions(skip_rejected=True)
    result = ws.imports.apply(plan, options)
    receipts = 2_000_000 + 1_250_000 + 12_500
    payments = 500_000 + 300_000
    assert result.counts["entries"] == 5
    assert (result.counts["receipts_total"], result.counts["payments_total"]) == (
        receipts, payments,
    )  # fmt: skip
    # The money adds up: the opening, the entry held, and the file's totals.
    assert ws.fund.balance(fund_id) == OPENING + HELD[1] + receipts - payments == 4_162_500
    # The app's own vouchers, numbered as recorded; the chain and the seal are whole.
    assert [v[:3] for v in vouchers(ws, fund_id)] == [
        ("PT-0002/2025", "donation_cash", 2_000_000),  # 05/01, after the one held (08/01)
        ("PT-0001/2025", "donation_cash", 700_000),
        ("PT-0003/2025", "dues", 1_250_000),
        ("PC-0001/2025", "scholarship", -500_000),
        ("PC-0002/2025", "scholarship", -300_000),
        ("PT-0004/2025", "interest", 12_500),
    ]
    assert ws.fund.verify().ok
    batch = ws.imports.history()[0]
    assert (batch.kind, batch.target_id) == ("ledger", fund_id)
    conn = sqlite3.connect(ws.path)
    try:
        sql = "SELECT before FROM import_effect WHERE batch_id = ?"
        befores = [str(r[0]) for r in conn.execute(sql, (result.import_id,))]
    finally:
        conn.close()
    assert any('"voucher": "PT01"' in b and '"recorded": "PT-0002/2025"' in b for b in befores)
    # The same file again is refused.
    assert ws.imports.open_file(file, "ledger").already is not None
    with pytest.raises(UserError):
        ws.imports.apply(ws.imports.plan(file, "ledger", options=options), options)
    undone = ws.imports.undo(result.import_id)
    assert undone.voided == 5
    assert ws.fund.balance(fund_id) == OPENING + HELD[1]
    entries = ws.fund.entries(LedgerFilter(fund_id=fund_id))
    assert sum(1 for e in entries if e.kind is EntryKind.REVERSAL) == 5
    assert all(e.reversed_by for e in entries if e.kind is not EntryKind.REVERSAL and e.seq > 1)
    assert "so-quy.xlsx" in entries[-1].reason
    assert ws.fund.verify().ok
    with pytest.raises(UserError, match="undone already"):
        ws.imports.undo(result.import_id)
    # Undone, the file can come in again: the voided entries are no match.
    again = ws.imports.plan(file, "ledger", options=options)
    assert again.count(NEW) == 5
    ws.imports.apply(again, options)
    assert ws.fund.balance(fund_id) == 4_162_500


def test_a_cash_book_with_thu_chi_and_balance_columns(ws: Workspace, tmp_path: Path) -> None:
    fund_id = open_fund(ws)
    header = ("Ngày", "Số phiếu", "Người nộp/nhận", "Diễn giải", "Số tiền", None, None)
    under = (None, None, None, None, "Thu", "Chi", "Tồn")
    rows = [
        (None, None, None, "Số dư đầu kỳ", None, None, OPENING),
        ("03/02/2025", "01", "Trần Văn Bình", "Ủng hộ quỹ", 500_000, None, 1_500_000),
        ("04/02/2025", "02", "Nguyễn Thị Hạnh", "Phần thưởng cho học sinh", None, "200.000",
         1_300_000),
        ("05/02/2025", "03", "Lê Văn Cường", "Công tác phí", 0, 100_000, 1_250_000),
        ("06/02/2025", "04", "Hội viên chi hội", "Thu hội phí", "50.000", "-", 1_300_000),
    ]  # fmt: skip
    file = ledger_file(tmp_path / "so-quy-tien-mat.xlsx", rows, header, under)
    plan = ws.imports.plan(file, "ledger")
    assert {c.letter: c.field for c in plan.columns if c.field} == {
        "A": "date", "B": "voucher", "C": "payer", "D": "reason", "E": "amount_in",
        "F": "amount_out", "G": "balance",
    }  # fmt: skip
    by_row = {r.row: r for r in plan.rows}
    assert by_row[6].status == IGNORED  # the balance brought forward
    kinds = {r.row: (r.entry.kind, r.entry.amount) for r in plan.rows if r.entry}
    assert kinds == {
        7: (EntryKind.DONATION_CASH, 500_000),
        # "phần thưởng" (a prize), a payment: an award, which needs a pupil; "Công tác phí"
        # is an expense (not a total, though it begins with "Công").
        8: (EntryKind.AWARD, 200_000),
        9: (EntryKind.EXPENSE, 100_000),
        10: (EntryKind.DUES, 50_000),
    }
    assert by_row[8].status == REJECTED and by_row[8].problems[0].field == "payer"
    # The file's balance is checked: off by 50.000 after row 9 (a warning, still imported).
    assert by_row[9].status == NEW and by_row[9].problems[0].warning
    assert by_row[9].problems[0].field == "balance"
    assert by_row[10].status == NEW and not by_row[10].problems
    result = ws.imports.apply(plan, ImportOptions(skip_rejected=True))
    assert (result.counts["receipts_total"], result.counts["payments_total"]) == (550_000, 100_000)
    assert ws.fund.balance(fund_id) == OPENING + 550_000 - 100_000
    assert [v[0] for v in vouchers(ws, fund_id)] == ["PT-0001/2025", "PC-0001/2025", "PT-0002/2025"]


def test_a_minor_pupil_does_not_sign_for_the_money(ws: Workspace, tmp_path: Path) -> None:
    open_fund(ws)
    ws.people.add(PersonInput("Phạm Văn Nam", Sex.MALE, "12/03/2014"))
    rows = [(1, "05/01/2025", "PC1", "Phạm Văn Nam", "Học bổng", "Chi", 100_000, "")]
    plan = ws.imports.plan(ledger_file(tmp_path / "hb.xlsx", rows), "ledger")
    row = plan.rows[0]
    # The form's own reason: the parent or guardian receives it and signs.
    assert row.status == REJECTED and [p.field for p in row.problems] == ["payer"]
    assert "under 18" in row.problems[0].message


def test_a_list_of_donations_without_a_kind_column(ws: Workspace, tmp_path: Path) -> None:
    # No kind column, no Thu/Chi columns: the reason's words or the voucher tell the way.
    fund_id = open_fund(ws)
    rows = [
        (1, "02/03/2025", None, "Trần Văn Bình", "Ủng hộ quỹ khuyến học", 300_000),
        (2, "02/03/2025", "PC-07", "Nguyễn Thị Hạnh", "Mua sổ sách", 50_000),
        (3, "03/03/2025", None, "Cộng đồng thôn Đông", "Ủng hộ xây dựng", "1.000.000"),
        (4, "04/03/2025", None, "Lê Văn Cường", "Tiền mặt", 20_000),
        (None, "Cộng:", None, None, None, 1_370_000),
    ]
    header = ("STT", "Ngày", "Số phiếu", "Họ và tên", "Lý do", "Số tiền")
    plan = ws.imports.plan(ledger_file(tmp_path / "ung-ho.xlsx", rows, header), "ledger")
    got = {r.row: (r.status, r.entry.kind if r.entry else None) for r in plan.rows}
    assert got == {
        5: (NEW, EntryKind.DONATION_CASH),
        6: (NEW, EntryKind.EXPENSE),  # PC: a payment
        7: (NEW, EntryKind.DONATION_CASH),  # "Cộng đồng" (a community) is no total
        8: (REJECTED, None),  # neither the words nor the voucher say
        9: (IGNORED, None),
        10: (IGNORED, None),
        12: (IGNORED, None),
    }
    assert [p.field for p in next(r for r in plan.rows if r.row == 8).problems] == ["kind"]
    ws.imports.apply(plan, ImportOptions(skip_rejected=True))
    assert ws.fund.balance(fund_id) == OPENING + 300_000 - 50_000 + 1_000_000


def test_the_fund_is_the_only_one_or_the_one_named(ws: Workspace, tmp_path: Path) -> None:
    file = ledger_file(tmp_path / "so-quy.xlsx", kind_column_rows()[:1])
    with pytest.raises(UserError, match="no fund yet"):
        ws.imports.plan(file, "ledger")
    first = open_fund(ws)
    second = open_fund(ws, "Quỹ học bổng")
    with pytest.raises(UserError, match="several funds"):
        ws.imports.plan(file, "ledger")
    with pytest.raises(UserError, match="no fund"):
        ws.imports.plan(file, "ledger", options=ImportOptions(fund_id="nope"))
    plan = ws.imports.plan(file, "ledger", options=ImportOptions(fund_id=second))
    ws.imports.apply(plan, ImportOptions(fund_id=second))
    assert (ws.fund.balance(first), ws.fund.balance(second)) == (OPENING, OPENING + 2_000_000)


def test_dates_the_fund_refuses_and_a_closed_year(ws: Workspace, tmp_path: Path) -> None:
    fund_id = open_fund(ws)
    rows = [
        (1, "31/12/2024", "PT1", "Trần Văn Bình", "Ủng hộ", "Thu", 100_000, ""),
        (2, "02/01/2025", "PT2", "Trần Văn Bình", "Ủng hộ", "Thu", 100_000, ""),
        (3, "02/01/2025", "PT3", "", "Ủng hộ", "Thu", 100_000, ""),
        (4, "02/01/2099", "PT4", "Lê Văn Cường", "Ủng hộ", "Thu", 100_000, ""),
        (5, "03/01/2025", "PT5", "Lê Văn Cường", "Ủng hộ", "Quà", 100_000, ""),
    ]
    plan = ws.imports.plan(ledger_file(tmp_path / "a.xlsx", rows), "ledger")
    reasons = {r.row: [p.field for p in r.problems] for r in plan.rows if r.status == REJECTED}
    # Before the fund opened; no payer (the form's message); in the future.
    assert reasons == {5: ["date"], 7: ["payer"], 8: ["date"]}
    # "Quà" in the kind column: a gift, a payment.
    gift = next(r for r in plan.rows if r.row == 9)
    assert gift.entry is not None and book_of(gift.entry.kind) is Book.PAYMENT
    ws.imports.apply(plan, ImportOptions(skip_rejected=True))
    ws.fund.close_year(fund_id, 2025, today=dt.date(2026, 1, 5))
    closed = ws.imports.plan(ledger_file(tmp_path / "b.xlsx", rows[1:2]), "ledger")
    assert [p.field for p in closed.rows[0].problems] == ["date"]
    # Entries in a closed year stay: the import cannot be undone.
    with pytest.raises(UserError, match="closed"):
        ws.imports.undo(ws.imports.history()[0].id)


def test_a_dry_plan_writes_nothing(ws: Workspace, tmp_path: Path) -> None:
    fund_id = setup_fund(ws)
    before = ws.db.conn.execute("SELECT count(*) FROM ledger_entry").fetchone()[0]
    plan = ws.imports.plan(ledger_file(tmp_path / "so-quy.xlsx", kind_column_rows()), "ledger")
    assert plan.count(NEW) == 5
    assert ws.db.conn.execute("SELECT count(*) FROM ledger_entry").fetchone()[0] == before
    assert ws.imports.history() == [] and ws.fund.balance(fund_id) == OPENING + HELD[1]


def test_undo_is_refused_once_an_entry_was_voided(ws: Workspace, tmp_path: Path) -> None:
    fund_id = open_fund(ws)
    file = ledger_file(tmp_path / "a.xlsx", kind_column_rows()[:2])
    result = ws.imports.apply(ws.imports.plan(file, "ledger"))
    first = ws.fund.find_voucher("PT-0001/2025", fund_id)
    ws.fund.void(first.id, "Ghi nhầm")
    with pytest.raises(UserError, match="voided since") as refused:
        ws.imports.undo(result.import_id)
    assert refused.value.params["vouchers"] == "PT-0001/2025"
    assert ws.fund.balance(fund_id) == OPENING + 1_250_000


def test_a_fund_changed_since_the_check_is_checked_again(ws: Workspace, tmp_path: Path) -> None:
    fund_id = open_fund(ws)
    file = ledger_file(tmp_path / "a.xlsx", kind_column_rows()[:2])
    plan = ws.imports.plan(file, "ledger")
    # Meanwhile the first row's receipt is recorded with the form: it is a match now.
    ws.fund.record(
        EntryInput(fund_id, EntryKind.DONATION_CASH, dt.date(2025, 1, 5), 2_000_000,
                   "Trần Văn Bình", reason="Ủng hộ quỹ khuyến học"),
        today=dt.date(2025, 1, 5),
    )  # fmt: skip
    with pytest.raises(UserError, match="changed since"):
        ws.imports.apply(plan)
    assert ws.fund.balance(fund_id) == OPENING + 2_000_000 and ws.imports.history() == []
    fresh = ws.imports.plan(file, "ledger")
    assert (fresh.count(MATCH), fresh.count(NEW)) == (1, 1)
    ws.imports.apply(fresh)
    assert ws.fund.balance(fund_id) == OPENING + 2_000_000 + 1_250_000


def test_buying_the_prizes_is_an_expense_paying_one_is_an_award(
    ws: Workspace, tmp_path: Path
) -> None:
    open_fund(ws)
    ws.people.add(PersonInput("Lê Văn Phúc", Sex.MALE, "1990"))
    rows = [
        (1, "04/02/2025", "PC01", "Cửa hàng Minh Tâm", "Chi mua phần thưởng cho học sinh giỏi",
         "Chi", 1_200_000, ""),
        (2, "05/02/2025", "PC02", "Nhà in Hòa Bình", "In ấn giấy khen học bổng", "Chi", 300_000,
         ""),
        (3, "06/02/2025", "PC03", "Lê Văn Phúc", "Phần thưởng học sinh giỏi", "Chi", 200_000, ""),
        (4, "07/02/2025", "PC04", "", "Học bổng học sinh nghèo", "Chi", 500_000, ""),
    ]  # fmt: skip
    plan = ws.imports.plan(ledger_file(tmp_path / "chi.xlsx", rows), "ledger")
    by_row = {r.row: r for r in plan.rows}
    assert by_row[5].entry is not None and by_row[5].entry.kind is EntryKind.EXPENSE
    assert by_row[6].entry is not None and by_row[6].entry.kind is EntryKind.EXPENSE
    assert by_row[7].entry is not None and by_row[7].entry.kind is EntryKind.AWARD
    assert by_row[7].status == NEW and by_row[7].entry.person_id is not None
    # A scholarship that names no pupil: one reason, saying where to put the name.
    assert by_row[8].status == REJECTED
    assert [p.field for p in by_row[8].problems] == ["payer"]
    assert "Học bổng cho em" in by_row[8].problems[0].message


def test_a_ledger_without_a_payer_column_is_refused_with_what_to_do(
    ws: Workspace, tmp_path: Path
) -> None:
    open_fund(ws)
    header = ("STT", "Ngày", "Số phiếu", "Nội dung", "Loại", "Số tiền")
    rows = [(1, "05/01/2025", "PT01", "Ông Bình ủng hộ quỹ", "Thu", 2_000_000)]
    file = ledger_file(tmp_path / "khong-nguoi-nop.xlsx", rows, header)
    with pytest.raises(UserError, match="Người nộp/nhận"):
        ws.imports.plan(file, "ledger")
    with Workspace.open(ws.db.path, read_only=True) as other:
        assert not other.imports.history()
