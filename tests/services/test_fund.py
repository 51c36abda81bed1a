"""The fund ledger: append-only, gap-free numbers, reversals, closed years, tamper evidence."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
import threading
from pathlib import Path

import pytest

import desktop_app.i18n as i18n
from desktop_app.core.fund import EntryInput, EntryKind
from desktop_app.core.people import PersonInput
from desktop_app.core.problems import StoreError, UserError
from desktop_app.services.fund import FundInput, LedgerFilter
from desktop_app.services.workspace import Workspace

D = dt.date(2026, 3, 2)
TODAY = dt.date(2026, 11, 21)


def new_fund(ws: Workspace, opening: int = 0, **kw: object) -> str:
    data = FundInput("Quỹ Khuyến học xã", opening, dt.date(2024, 1, 1), **kw)  # type: ignore[arg-type]
    return ws.fund.create(data).value


def receipt(fund: str, amount: int, day: dt.date = D, **kw: object) -> EntryInput:
    return EntryInput(
        fund, EntryKind.DONATION_CASH, day, amount, party_name="Công ty Bình Minh",
        reason="Ủng hộ quỹ khuyến học", **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def payment(ws: Workspace, fund: str, amount: int, day: dt.date = D) -> EntryInput:
    given = "ABCDEGHKLMNPQRSTUVXY"[len(ws.fund.funds()) + amount % 17]
    pupil = ws.people.add(
        PersonInput(full_name=f"Lê Thị {given}", birth="2012"), confirmed_different=True
    ).value
    return EntryInput(
        fund, EntryKind.SCHOLARSHIP, day, amount, party_name="Lê Thị Học",
        reason="Học bổng học sinh nghèo vượt khó", person_id=pupil,
        school="Trường THCS Đông Hòa", grade="8A",
    )  # fmt: skip


def test_numbers_are_gap_free_per_book_and_year(ws: Workspace) -> None:
    fund = new_fund(ws)
    vouchers = [ws.fund.record(receipt(fund, 100_000), TODAY).value.voucher for _ in range(3)]
    vouchers.append(ws.fund.record(payment(ws, fund, 50_000), TODAY).value.voucher)
    vouchers.append(ws.fund.record(receipt(fund, 1, dt.date(2025, 5, 1)), TODAY).value.voucher)
    assert vouchers == ["PT-0001/2026", "PT-0002/2026", "PT-0003/2026", "PC-0001/2026",
                        "PT-0001/2025"]  # fmt: skip


def test_balance_at_any_date(ws: Workspace) -> None:
    fund = new_fund(ws, opening=1_000_000)
    ws.fund.record(receipt(fund, 500_000, dt.date(2026, 1, 10)), TODAY)
    ws.fund.record(payment(ws, fund, 300_000, dt.date(2026, 2, 10)), TODAY)
    assert ws.fund.balance(fund, dt.date(2025, 12, 31)) == 1_000_000
    assert ws.fund.balance(fund, dt.date(2026, 1, 10)) == 1_500_000
    assert ws.fund.balance(fund) == 1_200_000


@pytest.mark.parametrize("amount", [0, -5_000])
def test_zero_or_negative_amounts_are_refused(ws: Workspace, amount: int) -> None:
    fund = new_fund(ws)
    with pytest.raises(UserError) as info:
        ws.fund.record(receipt(fund, amount), TODAY)
    assert [p.field for p in info.value.problems] == ["amount"]
    assert ws.fund.entries(LedgerFilter(fund_id=fund)) == []


def test_a_payment_above_the_balance_is_refused(ws: Workspace) -> None:
    fund = new_fund(ws, opening=100_000)
    with pytest.raises(UserError) as info:
        ws.fund.record(payment(ws, fund, 100_001), TODAY)
    # The amount is given as Money, so each language shows it in its own format.
    assert info.value.params["balance"] == 100_000
    before = i18n.current_language()
    try:
        i18n.set_language("vi")
        assert "100.000 đ" in i18n.user_error_text(info.value)
        i18n.set_language("en")
        assert "100,000 VND" in i18n.user_error_text(info.value)
    finally:
        i18n.set_language(before)
    assert ws.fund.balance(fund) == 100_000
    allowed = new_fund(ws, allow_negative=True)
    ws.fund.record(payment(ws, allowed, 5_000), TODAY)
    assert ws.fund.balance(allowed) == -5_000


def test_a_scholarship_needs_a_person_of_the_registry(ws: Workspace) -> None:
    fund = new_fund(ws, opening=1_000_000)
    data = EntryInput(
        fund, EntryKind.SCHOLARSHIP, D, 200_000, party_name="Em Lan", reason="Học bổng"
    )
    with pytest.raises(UserError) as info:
        ws.fund.record(data, TODAY)
    assert [p.field for p in info.value.problems] == ["person_id"]


def test_void_appends_a_reversal_and_restores_the_balance(ws: Workspace) -> None:
    fund = new_fund(ws)
    entry = ws.fund.record(receipt(fund, 750_000), TODAY).value
    reversal = ws.fund.void(entry.id, "Ghi nhầm số tiền", D).value
    assert reversal.voucher == "PT-0002/2026"
    assert reversal.reason == "Hủy phiếu PT-0001/2026: Ghi nhầm số tiền"
    assert ws.fund.balance(fund) == 0
    assert ws.fund.entry(entry.id).reversed_by == reversal.id
    with pytest.raises(UserError):
        ws.fund.void(entry.id, "again", D)
    with pytest.raises(UserError):
        ws.fund.void(reversal.id, "undo the undo", D)
    assert len(ws.fund.entries(LedgerFilter(fund_id=fund))) == 2


def test_voiding_a_receipt_whose_money_was_spent_is_refused(ws: Workspace) -> None:
    fund = new_fund(ws)
    entry = ws.fund.record(receipt(fund, 100_000), TODAY).value
    ws.fund.record(payment(ws, fund, 80_000), TODAY)
    with pytest.raises(UserError):
        ws.fund.void(entry.id, "Nhầm", D)


def test_a_closed_year_refuses_entries(ws: Workspace) -> None:
    fund = new_fund(ws)
    ws.fund.record(receipt(fund, 100_000, dt.date(2025, 6, 1)), TODAY)
    ws.fund.close_year(fund, 2025, TODAY)
    with pytest.raises(UserError) as info:
        ws.fund.record(receipt(fund, 5_000, dt.date(2025, 12, 31)), TODAY)
    assert info.value.problems[0].field == "entry_date"
    with pytest.raises(UserError):
        ws.fund.record(receipt(fund, 5_000, dt.date(2024, 2, 1)), TODAY)
    ws.fund.record(receipt(fund, 5_000, dt.date(2026, 1, 1)), TODAY)
    with pytest.raises(UserError):
        ws.fund.close_year(fund, 2026, TODAY)  # not over yet
    with pytest.raises(UserError):
        ws.fund.close_year(fund, 2025, TODAY)


def test_entries_cannot_be_updated_or_deleted_with_sql(ws: Workspace) -> None:
    fund = new_fund(ws)
    ws.fund.record(receipt(fund, 100_000), TODAY)
    with pytest.raises(StoreError) as info:
        ws.db.conn.execute("UPDATE ledger_entry SET amount = 1")
    assert "append-only" in str(info.value.params["reason"])
    with pytest.raises(StoreError):
        ws.db.conn.execute("DELETE FROM ledger_entry")
    # The fund travels: it is marked deleted, never removed.
    with pytest.raises(StoreError) as info:
        ws.db.conn.execute("DELETE FROM fund")
    assert "never removed" in str(info.value.params["reason"])


def _tamper(path: Path, *sql: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER ledger_no_update")
    conn.execute("DROP TRIGGER ledger_no_delete")
    for table in ("fund", "fund_year_close"):
        conn.execute(f"DROP TRIGGER {table}_no_hard_delete")
    for statement in sql:
        conn.execute(statement)
    conn.commit()
    conn.close()


@pytest.fixture
def ledger(tmp_path: Path) -> tuple[Path, str]:
    path = tmp_path / "ledger.sqlite3"
    with Workspace.open(path, create=True) as ws:
        fund = new_fund(ws, opening=500_000)
        for i in range(1, 6):
            ws.fund.record(receipt(fund, i * 100_000), TODAY)
        assert ws.fund.verify().ok
    return path, fund


def verify_message(path: Path) -> str:
    with Workspace.open(path) as ws:
        report = ws.fund.verify()
    assert not report.ok
    problem = report.problems[0]
    return problem.what.format(**problem.params)


def test_verify_names_a_changed_entry(ledger: tuple[Path, str]) -> None:
    path, _ = ledger
    _tamper(path, "UPDATE ledger_entry SET amount = 900000, effect = 900000 WHERE number = 3")
    assert "PT-0003/2026 was changed" in verify_message(path)


def test_verify_names_a_removed_entry(ledger: tuple[Path, str]) -> None:
    path, _ = ledger
    _tamper(path, "DELETE FROM ledger_entry WHERE number = 2")
    assert "removed after PT-0001/2026" in verify_message(path)


def test_verify_notices_the_last_entry_removed(ledger: tuple[Path, str]) -> None:
    path, _ = ledger
    _tamper(path, "DELETE FROM ledger_entry WHERE number = 5")
    assert "removed from the end, after PT-0004/2026" in verify_message(path)


def test_verify_names_an_inserted_entry(ledger: tuple[Path, str]) -> None:
    path, _ = ledger
    _tamper(
        path,
        "INSERT INTO ledger_entry (id, owner_site, version, updated_at, fund_id, seq, book, year,"
        " number, entry_date, kind, amount, effect, prev_hash, hash)"
        " SELECT 'x', owner_site, 1, updated_at, fund_id, 6, 'PT', 2026, 6, entry_date, kind,"
        " 1000000, 1000000, hash, 'forged' FROM ledger_entry WHERE number = 5",
    )
    assert "PT-0006/2026 was added outside the app" in verify_message(path)


def test_verify_notices_a_changed_opening_balance(ledger: tuple[Path, str]) -> None:
    path, _ = ledger
    _tamper(path, "UPDATE fund SET opening_balance = 9000000")
    assert "opening balance" in verify_message(path)


def test_two_entries_saved_at_once_get_consecutive_numbers(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with Workspace.open(path, create=True) as ws:
        fund = new_fund(ws)
    errors: list[BaseException] = []

    def save(n: int) -> None:
        try:
            with Workspace.open(path) as own:
                for _ in range(n):
                    own.fund.record(receipt(fund, 10_000), TODAY)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=save, args=(10,)) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Workspace.open(path) as ws:
        numbers = sorted(e.number for e in ws.fund.entries(LedgerFilter(fund_id=fund)))
        assert numbers == list(range(1, 41))
        assert ws.fund.verify().ok


def test_find_a_voucher_by_number(ws: Workspace) -> None:
    fund = new_fund(ws)
    entry = ws.fund.record(receipt(fund, 100_000), TODAY).value
    assert ws.fund.find_voucher("pt-0001/2026").id == entry.id
    with pytest.raises(UserError):
        ws.fund.find_voucher("PT-0009/2026")
    with pytest.raises(UserError):
        ws.fund.find_voucher("42")


def test_carried_over_balance_needs_the_transfer_document(ws: Workspace) -> None:
    with pytest.raises(UserError) as info:
        ws.fund.create(FundInput("Quỹ xã mới", 3_000_000, D, carried_from="Quỹ huyện cũ"))
    assert [p.field for p in info.value.problems] == ["transfer_document"]
    ws.fund.create(
        FundInput("Quỹ xã mới", 3_000_000, D, carried_from="Quỹ huyện cũ",
                  transfer_document="Biên bản 12/BB-KH ngày 01/07/2025")
    )  # fmt: skip


def test_a_name_too_long_for_the_voucher_is_refused_before_anything_is_saved(
    ws: Workspace,
) -> None:
    from desktop_app.core.fund import MAX_PARTY_NAME

    fund = new_fund(ws)
    before = ws.fund.entries(LedgerFilter(fund_id=fund))
    with pytest.raises(UserError) as info:
        ws.fund.record(
            dataclasses.replace(receipt(fund, 100_000), party_name="A" * (MAX_PARTY_NAME + 1)),
            TODAY,
        )
    assert [p.field for p in info.value.problems] == ["party_name"]
    assert ws.fund.entries(LedgerFilter(fund_id=fund)) == before
    # At the limit it is saved and its voucher prints (tests/documents/test_vouchers.py).
    ws.fund.record(
        dataclasses.replace(receipt(fund, 100_000), party_name="An " * (MAX_PARTY_NAME // 3)),
        TODAY,
    )


def test_a_minors_scholarship_is_received_by_a_parent(ws: Workspace) -> None:
    fund = new_fund(ws, 1_000_000)
    pupil = ws.people.add(
        PersonInput(full_name="Lê Thị Lan", birth="03/04/2015"), confirmed_different=True
    ).value
    data = EntryInput(
        fund, EntryKind.SCHOLARSHIP, D, 300_000, party_name="Lê Thị Lan", reason="Học bổng",
        person_id=pupil, school="Trường Tiểu học Đông Hòa", grade="4A",
    )  # fmt: skip
    with pytest.raises(UserError) as info:
        ws.fund.record(data, TODAY)
    assert [p.field for p in info.value.problems] == ["party_name"]
    assert ws.fund.entries(LedgerFilter(fund_id=fund)) == []
    entry = ws.fund.record(dataclasses.replace(data, party_name="Lê Văn Hùng"), TODAY).value
    voucher = ws.fund_documents.voucher(entry)
    assert (voucher.pupil, voucher.school, voucher.grade) == (
        "Lê Thị Lan", "Trường Tiểu học Đông Hòa", "4A",
    )  # fmt: skip
    assert voucher.guardian and voucher.party_name == "Lê Văn Hùng"
    # The disclosure lists the pupil, not the parent who signed.
    awards = ws.fund_documents.disclosure(fund, 2026, today=TODAY).awards
    assert [a[0] for a in awards] == ["Lê Thị Lan"]


def test_cash_and_bank_entries_go_to_their_own_book(ws: Workspace) -> None:
    from desktop_app.core.fund import Account

    fund = new_fund(ws, 500_000)
    ws.fund.record(receipt(fund, 100_000), TODAY)
    ws.fund.record(receipt(fund, 2_000_000, account=Account.BANK), TODAY)
    _, cash_opening, cash = ws.fund_documents.cash_book(fund, dt.date(2026, 1, 1), TODAY)
    header, bank_opening, bank = ws.fund_documents.cash_book(
        fund, dt.date(2026, 1, 1), TODAY, Account.BANK
    )
    assert (cash_opening, [line.amount_in for line in cash]) == (500_000, [100_000])
    assert (bank_opening, [line.amount_in for line in bank]) == (0, [2_000_000])
    assert header.title == "SỔ TIỀN GỬI NGÂN HÀNG" and header.form_code[0] == "Mẫu số S12-H"
    assert ws.fund.balance(fund) == 2_600_000


def test_a_fund_name_or_void_reason_too_long_for_the_voucher_is_refused(ws: Workspace) -> None:
    from desktop_app.core.fund import MAX_FUND_NAME, MAX_VOID_REASON

    with pytest.raises(UserError) as info:
        ws.fund.create(FundInput("Quỹ " * MAX_FUND_NAME, 0, dt.date(2024, 1, 1)))
    assert [p.field for p in info.value.problems] == ["name"]
    fund = new_fund(ws)
    entry = ws.fund.record(receipt(fund, 100_000), TODAY).value
    with pytest.raises(UserError) as info:
        ws.fund.void(entry.id, "x" * (MAX_VOID_REASON + 1), TODAY)
    assert [p.field for p in info.value.problems] == ["reason"]
    assert ws.fund.entry(entry.id).reversed_by is None
    with pytest.raises(UserError):
        ws.fund.update_details(fund, "Quỹ " * MAX_FUND_NAME, False)


def test_the_disclosure_names_the_upstream_hoi_and_the_chair(ws: Workspace, tmp_path: Path) -> None:
    import subprocess

    from desktop_app.services.centre import CentreProfile, communes, provinces

    province = next(p for p in provinces() if p.name == "Thành phố Huế")
    commune = next(c for c in communes(province.code) if c.name == "Phường Thủy Xuân")
    ws.centre.save_profile(
        CentreProfile(
            name="Trung tâm học tập cộng đồng phường Thủy Xuân",
            province_code=province.code,
            commune_code=commune.code,
            hoi_chair="Trần Thị Ánh",
            accountant="Lê Hữu Phước",
            treasurer="Đỗ Thị Ngọc Ẩn",
        )
    )
    fund = new_fund(ws)
    ws.fund.record(receipt(fund, 100_000), TODAY)
    out = tmp_path / "cong_khai.pdf"
    ws.fund_documents.print_disclosure(fund, 2026, out)
    text = " ".join(
        subprocess.run(
            ["pdftotext", str(out), "-"], check=True, capture_output=True, text=True
        ).stdout.split()
    )
    for expected in (
        "HỘI KHUYẾN HỌC THÀNH PHỐ HUẾ",
        "HỘI KHUYẾN HỌC PHƯỜNG THỦY XUÂN",
        "Số: ……/BC-HKH",
        "TM. BAN CHẤP HÀNH",
        "CHỦ TỊCH",
        "Trần Thị Ánh",
        "Đỗ Thị Ngọc Ẩn",
        "Lê Hữu Phước",
    ):
        assert expected in text, f"{expected!r} not in:\n{text}"
    assert "UBND" not in text
    # The year is not over on the day it is printed (unless it is printed on 31/12).
    data = ws.fund_documents.disclosure(fund, 2026, today=dt.date(2026, 11, 21), number="05")
    assert data.as_of == dt.date(2026, 11, 21) and data.header.number == "05"
    assert "(tính đến ngày 21/11/2026)" in data.header.subtitle
    assert ws.fund_documents.disclosure(fund, 2026, today=dt.date(2027, 1, 5)).as_of is None


def test_an_old_entry_too_long_to_print_is_refused_with_a_message(
    ws: Workspace, tmp_path: Path
) -> None:
    """Entries saved before the voucher limits existed cannot be shortened (append-only):
    printing one says what to do instead of failing as an internal error."""
    from desktop_app.services.fund_documents import FundDocumentService, PreparedVoucher

    fund = new_fund(ws)
    entry = ws.fund.record(receipt(fund, 100_000), TODAY).value
    prepared = ws.fund_documents.prepare_voucher(entry.voucher)
    long = dataclasses.replace(prepared.data, reason="Ủng hộ quỹ khuyến học " * 200)
    out = tmp_path / "too_long.pdf"
    with pytest.raises(UserError) as info:
        FundDocumentService.render_voucher(PreparedVoucher(long, prepared.audit), out)
    assert info.value.params == {"voucher": entry.voucher}
    assert not out.exists()
