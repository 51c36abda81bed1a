"""The paper of goods and of voids, read back as a person reads it (issue 9 parts 1 and 2):
a gift in kind prints as a biên bản nhận hiện vật, never as a phiếu thu; a voided voucher
says ĐÃ HỦY with the reversal's number and the reason; a reversal prints as a cancellation
record, never as a receipt or payment with "Đã nhận đủ số tiền"."""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.fund import EntryInput, EntryKind, GoodsIssueInput
from desktop_app.core.money import amount_in_words
from desktop_app.services.fund import FundInput
from desktop_app.services.workspace import Workspace

YEAR = dt.date.today().year
DAY = dt.date.today()


def text_of(pdf: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")
    return " ".join(out.split())


def rows_of(pdf: Path) -> list[str]:
    """Each line as laid out (a table row on one line), spaces collapsed."""
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")
    return [" ".join(line.split()) for line in out.splitlines() if line.strip()]


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    workspace = Workspace.open(tmp_path / "centre.sqlite3", create=True)
    workspace.fund.create(FundInput("Quỹ Khuyến học xã", 2_000_000, dt.date(YEAR - 1, 1, 1)))
    yield workspace
    workspace.close()


def fund_id(ws: Workspace) -> str:
    return ws.fund.funds()[0].id


def test_a_gift_in_kind_prints_as_a_goods_receipt_record(ws: Workspace, tmp_path: Path) -> None:
    entry = ws.fund.record(
        EntryInput(
            fund_id(ws), EntryKind.DONATION_IN_KIND, DAY, 3_500_000, "Nhà sách Minh Khai",
            reason="Ủng hộ sách cho học sinh", in_kind="Sách giáo khoa lớp 4", quantity=28,
            unit="bộ",
        )
    ).value  # fmt: skip
    ws.fund_documents.print_voucher(entry.voucher, tmp_path / "nk.pdf")
    text = text_of(tmp_path / "nk.pdf")
    assert "BIÊN BẢN NHẬN HIỆN VẬT" in text
    assert f"Số: NK-0001/{YEAR}" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Nhà sách Minh Khai" in text
    assert "1 Sách giáo khoa lớp 4 bộ 28 3.500.000" in rows_of(tmp_path / "nk.pdf")
    assert amount_in_words(3_500_000) in text
    assert "NGƯỜI GIAO" in text and "NGƯỜI NHẬN" in text and "THỦ QUỸ" in text
    assert "PHIẾU THU" not in text and "Đã nhận đủ số tiền" not in text


def test_goods_handed_out_print_with_who_received_them(ws: Workspace, tmp_path: Path) -> None:
    lot = ws.fund.record(
        EntryInput(
            fund_id(ws), EntryKind.DONATION_IN_KIND, DAY, 2_800_000, "Dòng họ Lê",
            reason="Ủng hộ", in_kind="Bộ sách giáo khoa", quantity=28, unit="bộ",
        )
    ).value  # fmt: skip
    out = ws.fund.goods_issue(
        GoodsIssueInput(fund_id(ws), lot.id, 2, "Nguyễn Văn An; Trần Thị Bích", DAY, "Tặng")
    ).value
    ws.fund_documents.print_voucher(out.voucher, tmp_path / "xk.pdf")
    text = text_of(tmp_path / "xk.pdf")
    assert "BIÊN BẢN BÀN GIAO HIỆN VẬT" in text and f"XK-0001/{YEAR}" in text
    assert lot.voucher in text and "Nguyễn Văn An" in text and "Trần Thị Bích" in text
    assert "Ký nhận" in text and "200.000" in text and amount_in_words(200_000) in text
    assert "PHIẾU CHI" not in text and "Đã nhận đủ số tiền" not in text


def test_a_voided_voucher_and_its_reversal_print_as_what_they_are(
    ws: Workspace, tmp_path: Path
) -> None:
    paid = ws.fund.record(
        EntryInput(fund_id(ws), EntryKind.DONATION_CASH, DAY, 105_000, "Ông Lê Văn Cường",
                   reason="Ủng hộ quỹ")
    ).value  # fmt: skip
    reversal = ws.fund.void(paid.id, "Ghi trùng với phiếu trước").value
    ws.fund_documents.print_voucher(paid.voucher, tmp_path / "voided.pdf")
    voided = text_of(tmp_path / "voided.pdf")
    assert "PHIẾU THU" in voided and "ĐÃ HỦY" in voided
    assert f"bởi {reversal.voucher}" in voided
    assert "Ghi trùng với phiếu trước" in voided

    ws.fund_documents.print_voucher(reversal.voucher, tmp_path / "reversal.pdf")
    record = text_of(tmp_path / "reversal.pdf")
    assert "BIÊN BẢN HỦY CHỨNG TỪ" in record and reversal.voucher in record
    assert f"phiếu thu số {paid.voucher}" in record and "Ghi trùng với phiếu trước" in record
    assert "105.000" in record
    assert "PHIẾU THU" not in record and "PHIẾU CHI" not in record
    assert "Đã nhận đủ số tiền" not in record


def test_disclosure_and_donor_list_show_goods_apart_from_cash(
    ws: Workspace, tmp_path: Path
) -> None:
    fund = fund_id(ws)
    ws.fund.record(
        EntryInput(fund, EntryKind.DONATION_CASH, DAY, 500_000, "Ông An", reason="Ủng hộ")
    )
    lot = ws.fund.record(
        EntryInput(
            fund, EntryKind.DONATION_IN_KIND, DAY, 3_500_000, "Nhà sách Minh Khai",
            reason="Ủng hộ sách", in_kind="Sách giáo khoa lớp 4", quantity=28, unit="bộ",
        )
    ).value  # fmt: skip
    ws.fund.goods_issue(GoodsIssueInput(fund, lot.id, 8, "Học sinh lớp 4A", DAY))
    data = ws.fund_documents.disclosure(fund, YEAR)
    assert sum(a for _, a in data.receipts_by_kind) == 500_000  # the goods are not cash
    assert data.closing == 2_500_000
    ws.fund_documents.print_disclosure(fund, YEAR, tmp_path / "d.pdf")
    sheet = text_of(tmp_path / "d.pdf")
    goods = sheet[sheet.index("V. Hiện vật") :]
    assert "không tính vào quỹ tiền mặt" in goods
    assert "Nhà sách Minh Khai" in goods and "Sách giáo khoa lớp 4 (28 bộ)" in goods
    assert "Học sinh lớp 4A" in goods and "1.000.000" in goods
    assert f"{data.goods_closing_label}: 2.500.000 đồng" in goods
    assert f"VI. {data.closing_label}: 2.500.000 đồng" in sheet

    ws.fund_documents.print_donors(fund, YEAR, tmp_path / "donors.pdf")
    donors = text_of(tmp_path / "donors.pdf")
    cash, _, kind = donors.partition("II. Ủng hộ bằng hiện vật")
    assert "I. Ủng hộ bằng tiền" in cash and "Ông An" in cash and "Minh Khai" not in cash
    assert "Nhà sách Minh Khai" in kind and "3.500.000" in kind


def test_the_workbooks_show_goods_apart_too(ws: Workspace, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    fund = fund_id(ws)
    ws.fund.record(
        EntryInput(
            fund, EntryKind.DONATION_IN_KIND, DAY, 3_500_000, "Nhà sách Minh Khai",
            reason="Ủng hộ sách", in_kind="Sách giáo khoa lớp 4", quantity=28, unit="bộ",
        )
    )  # fmt: skip
    for name, write in (
        ("d.xlsx", lambda out: ws.fund_documents.print_disclosure(fund, YEAR, out, xlsx=True)),
        ("n.xlsx", lambda out: ws.fund_documents.print_donors(fund, YEAR, out, xlsx=True)),
    ):
        write(tmp_path / name)
        sheet = load_workbook(tmp_path / name).active
        cells = [str(c) for row in sheet.iter_rows(values_only=True) for c in row if c is not None]
        assert any("hiện vật" in c.casefold() and "không tính vào quỹ tiền mặt" in c for c in cells)
        assert "Sách giáo khoa lớp 4 (28 bộ)" in cells and "3500000" in cells, name


def test_a_voided_goods_record_is_stamped_and_its_cancellation_names_the_goods(
    ws: Workspace, tmp_path: Path
) -> None:
    lot = ws.fund.record(
        EntryInput(
            fund_id(ws), EntryKind.DONATION_IN_KIND, DAY, 600_000, "Bà Trần Thị Hoa",
            reason="Ủng hộ", in_kind="Gạo", quantity=3, unit="bao",
        )
    ).value  # fmt: skip
    reversal = ws.fund.void(lot.id, "Ghi nhầm người ủng hộ").value
    assert reversal.voucher == f"NK-0002/{YEAR}"
    ws.fund_documents.print_voucher(lot.voucher, tmp_path / "nk.pdf")
    stamped = text_of(tmp_path / "nk.pdf")
    assert "ĐÃ HỦY" in stamped and f"Hủy bởi {reversal.voucher}" in stamped
    assert "Lý do: Ghi nhầm người ủng hộ" in stamped
    ws.fund_documents.print_voucher(reversal.voucher, tmp_path / "huy.pdf")
    record = text_of(tmp_path / "huy.pdf")
    assert "BIÊN BẢN HỦY CHỨNG TỪ" in record
    assert f"biên bản nhận hiện vật số {lot.voucher}" in record
    assert "3 bao Gạo" in record and "600.000" in record
    assert "tiền mặt" not in record  # goods: nothing about the cash book
