"""The fund reports as .xlsx, reopened with openpyxl the way Excel would read them."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from desktop_app.core.money import amount_in_words
from desktop_app.documents.fund_reports import CashBookLine, DisclosureData, ReportHeader
from desktop_app.documents.fund_xlsx import (
    AMOUNT_FORMAT,
    export_cash_book_xlsx,
    export_disclosure_xlsx,
    export_donors_xlsx,
)

HEADER = ReportHeader(
    unit_parent="UBND xã Đông Hòa",
    unit="Hội Khuyến học xã Đông Hòa",
    title="Sổ quỹ tiền mặt",
    subtitle="Quỹ Khuyến học xã — Năm 2026",
    place_date="Xã Đông Hòa, ngày 31 tháng 12 năm 2026",
    signers=(("Người ghi sổ", "Phạm Thị Hoa"), ("Chủ tịch", "Trần Thị Ánh")),
)
OPENING = 5_000_000


def _lines(count: int) -> list[CashBookLine]:
    lines = []
    balance = OPENING
    for i in range(count):
        amount_in, amount_out = (750_000, 0) if i % 2 else (0, 300_000)
        balance += amount_in - amount_out
        lines.append(
            CashBookLine(
                day=date(2026, 1, 5) + timedelta(days=7 * i),
                receipt_no=f"PT-{i:04d}/2026" if amount_in else "",
                payment_no=f"PC-{i:04d}/2026" if amount_out else "",
                description="Nguyễn Văn Đặng ủng hộ" if amount_in else "Chi thưởng học sinh giỏi",
                amount_in=amount_in,
                amount_out=amount_out,
                balance=balance,
            )
        )
    return lines


def _sheet(path: Path) -> Worksheet:
    ws = load_workbook(path).active
    assert ws is not None
    return ws


def _find(ws: Worksheet, value: str) -> int:
    """The row whose cells hold `value`."""
    for row in ws.iter_rows():
        if any(cell.value == value for cell in row):
            return int(row[0].row)
    raise AssertionError(f"{value!r} not found")


def _values(ws: Worksheet, row: int) -> list[Any]:
    return [cell.value for cell in ws[row]]


def test_cash_book(tmp_path: Path) -> None:
    lines = _lines(30)
    out = tmp_path / "so_quy.xlsx"
    export_cash_book_xlsx(HEADER, OPENING, lines, out)
    ws = _sheet(out)
    assert ws["A1"].value == "UBND XÃ ĐÔNG HÒA"
    assert ws["A2"].value == "HỘI KHUYẾN HỌC XÃ ĐÔNG HÒA"
    assert _find(ws, "SỔ QUỸ TIỀN MẶT")
    assert _find(ws, "Quỹ Khuyến học xã — Năm 2026")

    head = _find(ws, "Diễn giải")
    assert ws.cell(row=head, column=1).value == "Ngày tháng"
    assert ws.cell(row=head, column=1).font.bold
    assert _values(ws, head + 1)[4:7] == ["Thu", "Chi", "Tồn"]
    assert ws.freeze_panes == f"A{head + 2}"
    assert ws.column_dimensions["D"].width >= 30

    opening_row = _find(ws, "Số dư đầu kỳ")
    assert opening_row == head + 2
    assert ws.cell(row=opening_row, column=7).value == OPENING
    for offset, line in enumerate(lines, start=1):
        values = _values(ws, opening_row + offset)
        assert isinstance(values[0], datetime) and values[0].date() == line.day
        assert values[1] == (line.receipt_no or None)
        assert values[2] == (line.payment_no or None)
        assert values[3] == line.description
        assert values[4] == (line.amount_in or None)
        assert values[5] == (line.amount_out or None)
        assert values[6] == line.balance and type(values[6]) is int
        for column in (5, 6, 7):
            assert ws.cell(row=opening_row + offset, column=column).number_format == AMOUNT_FORMAT
        assert ws.cell(row=opening_row + offset, column=1).number_format == "dd/mm/yyyy"

    totals = _find(ws, "Cộng phát sinh")
    assert totals == opening_row + len(lines) + 1
    total_in = sum(line.amount_in for line in lines)
    total_out = sum(line.amount_out for line in lines)
    assert _values(ws, totals)[4:6] == [total_in, total_out]
    closing = _find(ws, "Số dư cuối kỳ")
    assert ws.cell(row=closing, column=7).value == OPENING + total_in - total_out
    assert _find(ws, "Trần Thị Ánh") > closing


def test_a_book_with_a_form_code_shows_it_top_right(tmp_path: Path) -> None:
    code = ("Mẫu số S12-H", "(Ban hành kèm theo Thông tư số 24/2024/TT-BTC")
    for parent in ("UBND xã Đông Hòa", ""):
        header = dataclasses.replace(
            HEADER, title="Sổ tiền gửi ngân hàng", form_code=code, unit_parent=parent
        )
        out = tmp_path / f"bank{len(parent)}.xlsx"
        export_cash_book_xlsx(header, OPENING, _lines(3), out)
        ws = _sheet(out)
        assert [ws.cell(row=r, column=8).value for r in (1, 2)] == list(code)
        assert _find(ws, "SỔ TIỀN GỬI NGÂN HÀNG") > 2


def test_cash_book_that_does_not_add_up_is_refused(tmp_path: Path) -> None:
    lines = _lines(4)
    lines[-1] = dataclasses.replace(lines[-1], balance=0)
    with pytest.raises(ValueError):
        export_cash_book_xlsx(HEADER, OPENING, lines, tmp_path / "bad.xlsx")
    assert list(tmp_path.iterdir()) == []


AWARDS = [
    ("Nguyễn Thị Ngọc Ánh", "Trường THCS Đông Hòa", "8A", "Học sinh giỏi cấp tỉnh", 1_000_000),
    ("Lê Văn Cường", "Trường Tiểu học Đông Hòa", "5B", "Học sinh nghèo vượt khó", 500_000),
]
DISCLOSURE = DisclosureData(
    header=dataclasses.replace(HEADER, title="Bảng công khai thu chi Quỹ Khuyến học"),
    year=2026,
    opening=12_500_000,
    receipts_by_kind=[("Hội viên đóng góp", 20_000_000), ("Ủng hộ", 35_500_000)],
    payments_by_kind=[("Học bổng, phần thưởng", 30_000_000)],
    awards=AWARDS,
    closing=38_000_000,
    closing_words=amount_in_words(38_000_000),
)


def test_disclosure(tmp_path: Path) -> None:
    out = tmp_path / "cong_khai.xlsx"
    export_disclosure_xlsx(DISCLOSURE, out)
    ws = _sheet(out)
    assert _find(ws, "BẢNG CÔNG KHAI THU CHI QUỸ KHUYẾN HỌC")
    opening = _find(ws, "I. Số dư đầu năm 2026")
    assert ws.cell(row=opening, column=6).value == 12_500_000
    receipts = _find(ws, "Nội dung thu")
    assert ws.cell(row=receipts, column=2).font.bold
    assert _values(ws, receipts + 1)[:3] == [1, "Hội viên đóng góp", 20_000_000]
    assert _values(ws, receipts + 3)[1:3] == ["Cộng", 55_500_000]
    payments = _find(ws, "Nội dung chi")
    assert _values(ws, payments + 2)[1:3] == ["Cộng", 30_000_000]
    awards = _find(ws, "Họ và tên")
    for offset, award in enumerate(AWARDS, start=1):
        assert _values(ws, awards + offset) == [offset, *award]
        assert ws.cell(row=awards + offset, column=6).number_format == AMOUNT_FORMAT
    assert ws.freeze_panes == f"A{awards + 1}"
    closing = _find(ws, "V. Số dư cuối năm 2026")
    assert ws.cell(row=closing, column=6).value == 38_000_000
    assert _find(ws, "(Bằng chữ: Ba mươi tám triệu đồng)") == closing + 1


def test_a_disclosure_before_the_year_is_over_says_to_which_day(tmp_path: Path) -> None:
    out = tmp_path / "cong_khai_tam.xlsx"
    export_disclosure_xlsx(dataclasses.replace(DISCLOSURE, as_of=date(2026, 11, 30)), out)
    ws = _sheet(out)
    assert _find(ws, "V. Số dư tính đến ngày 30/11/2026")


def test_disclosure_that_does_not_add_up_is_refused(tmp_path: Path) -> None:
    bad = dataclasses.replace(DISCLOSURE, closing=1, closing_words="Một đồng")
    with pytest.raises(ValueError):
        export_disclosure_xlsx(bad, tmp_path / "bad.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_donors(tmp_path: Path) -> None:
    donors = [
        (
            "Công ty TNHH Phước Lộc",
            "Thôn 2, xã Đông Hòa",
            date(2026, 3, 1),
            "10 bao gạo",
            3_000_000,
        ),
        ("Đỗ Thị Ngọc Ẩn", "Thôn 1, xã Đông Hòa", date(2026, 3, 8), "Tiền mặt", 500_000),
    ]
    out = tmp_path / "ung_ho.xlsx"
    export_donors_xlsx(
        dataclasses.replace(HEADER, title="Danh sách ủng hộ Quỹ Khuyến học"), donors, out
    )
    ws = _sheet(out)
    head = _find(ws, "Họ và tên")
    assert _values(ws, head) == [
        "STT",
        "Họ và tên",
        "Địa chỉ",
        "Ngày",
        "Nội dung",
        "Giá trị (đồng)",
    ]
    assert all(ws.cell(row=head, column=c).font.bold for c in range(1, 7))
    assert ws.freeze_panes == f"A{head + 1}"
    for offset, (name, address, day, description, value) in enumerate(donors, start=1):
        values = _values(ws, head + offset)
        assert values[:3] == [offset, name, address]
        assert values[3].date() == day
        assert values[4:] == [description, value] and type(values[5]) is int
    total = _find(ws, "Tổng cộng")
    assert ws.cell(row=total, column=6).value == 3_500_000
    assert ws.cell(row=total, column=6).number_format == AMOUNT_FORMAT
