"""Cash book, public disclosure and donor list, read back as a treasurer or a villager would."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from desktop_app.core.money import amount_in_words
from desktop_app.documents.fund_reports import (
    CashBookLine,
    DisclosureData,
    ReportHeader,
    check_cash_book,
    format_cell_amount,
    render_cash_book,
    render_disclosure,
    render_donor_list,
)

needs_poppler = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in ("pdftotext", "pdffonts", "pdfinfo")),
    reason="poppler-utils (pdftotext, pdffonts, pdfinfo) is not installed; run `make deps`",
)

HEADER = ReportHeader(
    unit_parent="UBND xã Đông Hòa",
    unit="Hội Khuyến học xã Đông Hòa",
    title="Sổ quỹ tiền mặt",
    subtitle="Quỹ Khuyến học xã — Năm 2026",
    place_date="Xã Đông Hòa, ngày 31 tháng 12 năm 2026",
    signers=(
        ("Người ghi sổ", "Phạm Thị Hoa"),
        ("Kế toán", "Lê Hữu Phước"),
        ("TM. Ban Thường vụ\nChủ tịch", "Trần Thị Ánh"),
    ),
)
OPENING = 5_000_000
DONORS = ("Nguyễn Văn Đặng", "Trần Thị Ánh", "Công ty TNHH Phước Lộc", "Đỗ Thị Ngọc Ẩn")


def _lines(count: int) -> list[CashBookLine]:
    lines = []
    balance = OPENING
    for i in range(count):
        receipt = i % 3 != 0
        amount_in = 500_000 + i * 1_000 if receipt else 0
        amount_out = 0 if receipt else 200_000
        balance += amount_in - amount_out
        lines.append(
            CashBookLine(
                day=date(2026, 1, 2) + timedelta(days=3 * i),
                receipt_no=f"PT-{i + 1:04d}/2026" if receipt else "",
                payment_no="" if receipt else f"PC-{i + 1:04d}/2026",
                description=(
                    f"{DONORS[i % 4]} ủng hộ quỹ" if receipt else "Chi thưởng học sinh giỏi"
                )
                + (" năm học 2025-2026 theo danh sách kèm theo" * (i % 3)),
                amount_in=amount_in,
                amount_out=amount_out,
                balance=balance,
                note="Hiện vật quy ra tiền" if i % 10 == 5 else "",
            )
        )
    return lines


def _text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *pages, str(pdf), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")
    return " ".join(out.split())


def _rows(pdf: Path) -> str:
    """The text with table rows kept on one line each (pdftotext -layout), then joined."""
    return " ".join(" ".join(line.split()) for line in _raw_lines(pdf))


def _raw_lines(pdf: Path, page: int | None = None) -> list[str]:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", *pages, str(pdf), "-"],
        check=True,
        capture_output=True,
    ).stdout.decode("utf-8")
    return [line.strip() for line in out.splitlines() if line.strip()]


def _info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    return {k.strip(): v.strip() for k, v in (ln.split(":", 1) for ln in out.stdout.splitlines())}


def _fonts_ok(pdf: Path) -> None:
    out = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True)
    rows = [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]
    assert rows, out.stdout
    assert all(row[0].split("+")[-1].startswith("LiberationSerif") for row in rows), out.stdout
    assert all(row[-5] == "yes" for row in rows), out.stdout


_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)<')


def _words(pdf: Path) -> list[tuple[float, float, str]]:
    out = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")
    return [(float(a), float(b), w) for a, b, w in _WORD.findall(out)]


@pytest.fixture(scope="module")
def cash_book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, list[CashBookLine]]:
    lines = _lines(70)
    path = tmp_path_factory.mktemp("fund") / "so_quy.pdf"
    pages = render_cash_book(HEADER, OPENING, lines, path)
    return path, pages, lines


@needs_poppler
def test_cash_book_pages_header_and_numbers(
    cash_book: tuple[Path, int, list[CashBookLine]],
) -> None:
    pdf, pages, _ = cash_book
    info = _info(pdf)
    assert pages > 1
    assert info["Pages"] == str(pages)
    width, height = map(float, re.findall(r"[\d.]+", info["Page size"])[:2])
    assert width > height  # landscape
    assert info["Title"] == "Sổ quỹ tiền mặt"
    _fonts_ok(pdf)
    for page in range(1, pages + 1):
        text = _text(pdf, page)
        # The table's header rows repeat on every page.
        for heading in ("Ngày tháng", "Số hiệu chứng từ", "Diễn giải", "Số tiền", "Ghi chú"):
            assert heading in text, (page, heading)
        first_line = _raw_lines(pdf, page)[0]
        if page == 1:
            assert "SỔ QUỸ TIỀN MẶT" in text
            assert "UBND XÃ ĐÔNG HÒA" in text and "HỘI KHUYẾN HỌC XÃ ĐÔNG HÒA" in text
            assert not first_line.isdigit()
        else:
            # Decree 30: page numbers from page 2, in the top margin.
            assert first_line == str(page)


@needs_poppler
def test_cash_book_rows_and_totals(cash_book: tuple[Path, int, list[CashBookLine]]) -> None:
    pdf, _, lines = cash_book
    text = _text(pdf)
    rows = _rows(pdf)
    total_in = sum(line.amount_in for line in lines)
    total_out = sum(line.amount_out for line in lines)
    closing = OPENING + total_in - total_out
    assert "Quỹ Khuyến học xã — Năm 2026" in text
    assert "Số dư đầu kỳ 5.000.000" in rows
    assert f"Cộng phát sinh {format_cell_amount(total_in)} {format_cell_amount(total_out)}" in rows
    assert f"Số dư cuối kỳ {format_cell_amount(closing)}" in rows
    for line in lines:
        assert line.receipt_no in text and line.payment_no in text
        assert f"{line.balance:,}".replace(",", ".") in text
    for name in DONORS:
        assert name in text
    for signer in ("Người ghi sổ", "Kế toán", "TM. Ban Thường vụ", "Chủ tịch", "Trần Thị Ánh"):
        assert signer in text
    assert "Xã Đông Hòa, ngày 31 tháng 12 năm 2026" in text
    assert "(Ký, họ tên, đóng dấu)" in text


@needs_poppler
def test_cash_book_amounts_are_right_aligned(
    cash_book: tuple[Path, int, list[CashBookLine]],
) -> None:
    pdf, _, lines = cash_book
    totals = {sum(line.amount_in for line in lines), sum(line.amount_out for line in lines)}
    balances = {
        f"{line.balance:,}".replace(",", ".") for line in lines if line.balance not in totals
    }
    right_edges = {round(x1) for _, x1, word in _words(pdf) if word in balances}
    assert len(right_edges) == 1, right_edges


def test_cash_book_that_does_not_add_up_is_refused(tmp_path: Path) -> None:
    lines = _lines(5)
    lines[3] = dataclasses.replace(lines[3], balance=lines[3].balance + 1)
    with pytest.raises(ValueError, match="line 4"):
        check_cash_book(OPENING, lines)
    with pytest.raises(ValueError):
        render_cash_book(HEADER, OPENING, lines, tmp_path / "bad.pdf")
    assert list(tmp_path.iterdir()) == []


@needs_poppler
def test_empty_cash_book(tmp_path: Path) -> None:
    pdf = tmp_path / "empty.pdf"
    assert render_cash_book(HEADER, OPENING, [], pdf) == 1
    text = _rows(pdf)
    assert "Số dư đầu kỳ 5.000.000" in text
    assert "Số dư cuối kỳ 5.000.000" in text


AWARDS = [
    ("Nguyễn Thị Ngọc Ánh", "Trường THCS Đông Hòa", "8A", "Học sinh giỏi cấp tỉnh", 1_000_000),
    ("Lê Văn Cường", "Trường Tiểu học Đông Hòa", "5B", "Học sinh nghèo vượt khó", 500_000),
    ("Phạm Thị Hoa", "Trường THPT Đông Hòa", "11C", "Đỗ thủ khoa", 2_000_000),
]
RECEIPTS = [("Hội viên đóng góp", 20_000_000), ("Tổ chức, cá nhân ủng hộ", 35_500_000)]
PAYMENTS = [("Học bổng, phần thưởng", 30_000_000), ("Chi hành chính", 1_500_000)]
CLOSING = 12_500_000 + 55_500_000 - 31_500_000
DISCLOSURE = DisclosureData(
    header=dataclasses.replace(
        HEADER, title="Bảng công khai thu chi Quỹ Khuyến học", subtitle="Năm 2026"
    ),
    year=2026,
    opening=12_500_000,
    receipts_by_kind=RECEIPTS,
    payments_by_kind=PAYMENTS,
    awards=AWARDS,
    closing=CLOSING,
    closing_words=amount_in_words(CLOSING),
)


@needs_poppler
def test_disclosure_reads_back(tmp_path: Path) -> None:
    pdf = tmp_path / "cong_khai.pdf"
    pages = render_disclosure(DISCLOSURE, pdf)
    info = _info(pdf)
    assert info["Pages"] == str(pages)
    width, height = map(float, re.findall(r"[\d.]+", info["Page size"])[:2])
    assert height > width  # portrait
    _fonts_ok(pdf)
    text = _rows(pdf)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "UBND XÃ ĐÔNG HÒA",
        "HỘI KHUYẾN HỌC XÃ ĐÔNG HÒA",
        "Xã Đông Hòa, ngày 31 tháng 12 năm 2026",
        "BẢNG CÔNG KHAI THU CHI QUỸ KHUYẾN HỌC",
        "I. Số dư đầu năm 2026: 12.500.000 đồng",
        "II. Thu trong năm 2026",
        "Hội viên đóng góp 20.000.000",
        "Tổ chức, cá nhân ủng hộ 35.500.000",
        "Cộng 55.500.000",
        "III. Chi trong năm 2026",
        "Cộng 31.500.000",
        "IV. Danh sách học sinh được nhận học bổng, phần thưởng",
        "Cộng: 3 người 3.500.000",
        "V. Số dư cuối năm 2026: 36.500.000 đồng",
        "(Bằng chữ: Ba mươi sáu triệu năm trăm nghìn đồng)",
        "Trần Thị Ánh",
    ):
        assert expected in text, f"{expected!r} not in pdftotext output:\n{text}"
    plain = _text(pdf)  # cells that wrap read back whole in reading order, not in layout mode
    for name, school, grade, reason, _ in AWARDS:
        for part in (name, school, grade, reason):
            assert part in plain


@needs_poppler
def test_disclosure_without_awards(tmp_path: Path) -> None:
    pdf = tmp_path / "no_awards.pdf"
    render_disclosure(dataclasses.replace(DISCLOSURE, awards=[]), pdf)
    assert "(Không có)" in _text(pdf)


@pytest.mark.parametrize(
    "changes",
    [
        {"closing": CLOSING + 1, "closing_words": amount_in_words(CLOSING + 1)},
        {"closing_words": amount_in_words(CLOSING - 1)},
    ],
)
def test_disclosure_that_does_not_add_up_is_refused(
    tmp_path: Path, changes: dict[str, object]
) -> None:
    with pytest.raises(ValueError):
        render_disclosure(dataclasses.replace(DISCLOSURE, **changes), tmp_path / "bad.pdf")  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


@needs_poppler
def test_donor_list(tmp_path: Path) -> None:
    donors = [
        (
            DONORS[i % 4],
            f"Thôn {i % 5 + 1}, xã Đông Hòa",
            date(2026, 3, i % 28 + 1),
            "10 bao gạo" if i % 2 else "Tiền mặt",
            (i + 1) * 100_000,
        )
        for i in range(60)
    ]
    header = dataclasses.replace(HEADER, title="Danh sách ủng hộ Quỹ Khuyến học")
    pdf = tmp_path / "ung_ho.pdf"
    pages = render_donor_list(header, donors, pdf)
    assert pages >= 2
    assert _info(pdf)["Pages"] == str(pages)
    _fonts_ok(pdf)
    text = _text(pdf)
    assert "DANH SÁCH ỦNG HỘ QUỸ KHUYẾN HỌC" in text
    for name in DONORS:
        assert name in text
    assert "10 bao gạo" in text and "Tiền mặt" in text
    assert "01/03/2026" in text
    total = sum(d[4] for d in donors)
    assert f"Tổng cộng {format_cell_amount(total)}" in _rows(pdf)
    assert "Họ và tên" in _text(pdf, 2)  # header row repeated


def test_format_cell_amount() -> None:
    assert format_cell_amount(0) == ""
    assert format_cell_amount(1_250_000) == "1.250.000"
