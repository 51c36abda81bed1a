"""Phiếu thu / phiếu chi, read back the way a treasurer (or a copy-paste) reads them."""

from __future__ import annotations

import dataclasses
import itertools
import re
import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from desktop_app.core.fund import (
    MAX_ADDRESS,
    MAX_FUND_NAME,
    MAX_IN_KIND,
    MAX_REASON,
)
from desktop_app.core.money import amount_in_words
from desktop_app.core.voucher_forms import INTERNAL, TT24_2024, TT107_2017
from desktop_app.documents.vouchers import (
    VoucherData,
    VoucherTooLong,
    render_voucher,
    render_vouchers,
)
from desktop_app.services.centre import MAX_BODY_NAME

needs_poppler = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in ("pdftotext", "pdffonts", "pdfinfo")),
    reason="poppler-utils (pdftotext, pdffonts, pdfinfo) is not installed; run `make deps`",
)

WORDS = "Một triệu hai trăm năm mươi nghìn đồng"
RECEIPT = VoucherData(
    kind="receipt",
    unit_parent="UBND XÃ ĐÔNG HÒA",
    unit="HỘI KHUYẾN HỌC XÃ ĐÔNG HÒA",
    fund_name="Quỹ Khuyến học xã",
    book="01",
    number="PT-0042/2026",
    day=date(2026, 2, 5),
    party_name="Nguyễn Văn Đặng",
    party_address="Thôn 1, xã Đông Hòa",
    reason="Ủng hộ Quỹ Khuyến học năm 2026",
    amount=1_250_000,
    amount_words=WORDS,
    attachments=2,
    place_date="Xã Đông Hòa, ngày 05 tháng 02 năm 2026",
    head_name="Trần Thị Ánh",
    accountant_name="Lê Hữu Phước",
    treasurer_name="Đỗ Thị Ngọc Ẩn",
    preparer_name="Phạm Thị Hoa",
)
PAYMENT = dataclasses.replace(
    RECEIPT,
    kind="payment",
    number="PC-0007/2026",
    party_name="Hoàng Minh Đức",
    reason="Chi học bổng cho học sinh nghèo vượt khó",
    amount=21_500_000,
    amount_words="Hai mươi mốt triệu năm trăm ngàn đồng chẵn",
    attachments=0,
    note="Hủy phiếu PT-0041/2026: ghi nhầm số tiền",
    copy_mark="Bản in lại",
)
LONG_REASON = (
    "Chi thưởng học sinh đạt giải trong kỳ thi học sinh giỏi cấp tỉnh năm học 2025-2026 "
    "theo Quyết định số 12/QĐ-KH của Ban Thường vụ Hội Khuyến học xã Đông Hòa, gồm các em "
    "ở các thôn Phước Lộc, Đông Yên, Hòa Bình và Xuân Đài, kèm danh sách có chữ ký nhận "
) * 3


def _text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", *pages, str(pdf), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")
    # Lines wrap where the layout decides; a reader sees words, not line breaks.
    return " ".join(out.split())


def _info(pdf: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    return {k.strip(): v.strip() for k, v in (ln.split(":", 1) for ln in out.stdout.splitlines())}


_WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def _boxes(pdf: Path) -> list[tuple[float, float, float, float, str]]:
    out = subprocess.run(
        ["pdftotext", "-bbox", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")
    return [(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in _WORD.findall(out)]


@pytest.fixture(scope="module")
def receipt_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("vouchers") / "receipt.pdf"
    render_voucher(RECEIPT, path)
    return path


@pytest.fixture(scope="module")
def payment_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("vouchers") / "payment.pdf"
    render_voucher(PAYMENT, path)
    return path


@needs_poppler
def test_receipt_reads_back(receipt_pdf: Path) -> None:
    text = _text(receipt_pdf)
    assert unicodedata.is_normalized("NFC", text)
    for expected in (
        "UBND XÃ ĐÔNG HÒA",
        "HỘI KHUYẾN HỌC XÃ ĐÔNG HÒA",
        "Quỹ Khuyến học xã",
        "Mẫu số C40-BB",
        "PHIẾU THU",
        "Ngày 05 tháng 02 năm 2026",
        "Quyển số: 01",
        "Số: PT-0042/2026",
        "Nợ:",
        "Có:",
        "Họ và tên người nộp tiền: Nguyễn Văn Đặng",
        "Địa chỉ: Thôn 1, xã Đông Hòa",
        "Nội dung: Ủng hộ Quỹ Khuyến học năm 2026",
        "Số tiền: 1.250.000 đồng",
        f"(Viết bằng chữ): {WORDS}",
        "Kèm theo: 02 chứng từ gốc",
        "Xã Đông Hòa, ngày 05 tháng 02 năm 2026",
        "Thủ trưởng đơn vị",
        "(Ký, họ tên, đóng dấu)",
        "Kế toán",
        "Người lập",
        "Người nộp tiền",
        "Thủ quỹ",
        "Trần Thị Ánh",
        "Lê Hữu Phước",
        "Phạm Thị Hoa",
        "Đỗ Thị Ngọc Ẩn",
        f"Đã nhận đủ số tiền (viết bằng chữ): {WORDS}",
    ):
        assert expected in text, f"{expected!r} not in pdftotext output:\n{text}"
    assert "PHIẾU CHI" not in text
    assert text.count("(Ký, họ tên)") == 4


@needs_poppler
def test_payment_reads_back(payment_pdf: Path) -> None:
    text = _text(payment_pdf)
    for expected in (
        "PHIẾU CHI",
        "Mẫu số C41-BB",
        "Số: PC-0007/2026",
        "Họ và tên người nhận tiền: Hoàng Minh Đức",
        "Nội dung: Chi học bổng cho học sinh nghèo vượt khó",
        "Số tiền: 21.500.000 đồng",
        "(Viết bằng chữ): Hai mươi mốt triệu năm trăm ngàn đồng chẵn",
        "Kèm theo: 00 chứng từ gốc",
        "Người nhận tiền",
        "Hủy phiếu PT-0041/2026: ghi nhầm số tiền",
        "Bản in lại",
    ):
        assert expected in text, f"{expected!r} not in pdftotext output:\n{text}"
    assert "người nộp tiền" not in text


@needs_poppler
def test_a5_landscape_with_embedded_liberation_serif(receipt_pdf: Path) -> None:
    info = _info(receipt_pdf)
    assert info["Pages"] == "1"
    width, height = map(float, re.findall(r"[\d.]+", info["Page size"])[:2])
    assert (round(width), round(height)) == (595, 420)  # 210 × 148 mm
    assert info["Title"] == "Phiếu thu PT-0042/2026"

    out = subprocess.run(["pdffonts", str(receipt_pdf)], check=True, capture_output=True, text=True)
    rows = [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]
    assert rows, out.stdout
    fonts = {row[0].split("+")[-1]: row[-5] for row in rows}
    assert all(name.startswith("LiberationSerif") for name in fonts), out.stdout
    assert all(emb == "yes" for emb in fonts.values()), out.stdout


@needs_poppler
def test_long_reason_wraps_inside_the_page(tmp_path: Path) -> None:
    voucher = dataclasses.replace(RECEIPT, reason=LONG_REASON, party_address="Thôn 3 " * 30)
    pdf = tmp_path / "long.pdf"
    render_voucher(voucher, pdf)
    assert _info(pdf)["Pages"] == "1"
    assert " ".join(LONG_REASON.split()) in _text(pdf)
    assert f"Đã nhận đủ số tiền (viết bằng chữ): {WORDS}" in _text(pdf)
    boxes = _boxes(pdf)
    assert boxes
    width, height = 595.28, 419.53
    for x0, y0, x1, y1, word in boxes:
        assert x0 >= 5 and x1 <= width - 5, word
        assert y0 >= 5 and y1 <= height - 5, word
    # The words of one line never run into each other: wrapping, not overprinting.
    lines: dict[float, list[tuple[float, float]]] = {}
    for x0, y0, x1, _, _ in boxes:
        lines.setdefault(round(y0), []).append((x0, x1))
    for spans in lines.values():
        spans.sort()
        for (_, end), (start, _) in itertools.pairwise(spans):
            assert start >= end - 0.5


def test_too_long_is_refused_and_leaves_no_file(tmp_path: Path) -> None:
    pdf = tmp_path / "too_long.pdf"
    with pytest.raises(VoucherTooLong):
        render_voucher(dataclasses.replace(RECEIPT, reason=LONG_REASON * 10), pdf)
    assert list(tmp_path.iterdir()) == []


@needs_poppler
def test_several_vouchers_one_per_page(tmp_path: Path) -> None:
    vouchers = [
        dataclasses.replace(
            RECEIPT,
            number=f"PT-{n:04d}/2026",
            amount=n * 10_000,
            amount_words=amount_in_words(n * 10_000),
        )
        for n in range(40, 45)
    ]
    pdf = tmp_path / "book.pdf"
    assert render_vouchers([*vouchers, PAYMENT], pdf) == 6
    assert _info(pdf)["Pages"] == "6"
    for page, voucher in enumerate(vouchers, start=1):
        text = _text(pdf, page)
        assert f"Số: {voucher.number}" in text
        assert f"(Viết bằng chữ): {voucher.amount_words}" in text
    assert "PHIẾU CHI" in _text(pdf, 6)


def test_decomposed_input_prints_composed(tmp_path: Path) -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Đặng")
    voucher = dataclasses.replace(RECEIPT, party_name=decomposed)
    pdf = tmp_path / "nfd.pdf"
    render_voucher(voucher, pdf)
    if shutil.which("pdftotext"):
        assert "Nguyễn Văn Đặng" in _text(pdf)


@pytest.mark.parametrize(
    "changes",
    [
        {"kind": "refund"},
        {"amount": 0, "amount_words": "Không đồng"},
        {"amount": -5, "amount_words": "Năm đồng"},
        {"attachments": -1},
        {"amount_words": "Một triệu hai trăm nghìn đồng"},  # figures and words disagree
    ],
)
def test_bad_vouchers_are_refused(changes: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        dataclasses.replace(RECEIPT, **changes)  # type: ignore[arg-type]


def test_empty_list_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        render_vouchers([], tmp_path / "none.pdf")
    assert list(tmp_path.iterdir()) == []


def test_labels_follow_the_kind() -> None:
    assert RECEIPT.party_label == "Họ và tên người nộp tiền"
    assert PAYMENT.party_label == "Họ và tên người nhận tiền"
    assert (RECEIPT.title, PAYMENT.title) == ("PHIẾU THU", "PHIẾU CHI")
    assert (RECEIPT.reason_label, PAYMENT.reason_label) == ("Nội dung", "Nội dung")
    internal = [dataclasses.replace(v, form_key=INTERNAL) for v in (RECEIPT, PAYMENT)]
    assert [v.reason_label for v in internal] == ["Lý do nộp", "Lý do chi"]


@needs_poppler
@pytest.mark.parametrize(
    ("form_key", "present", "absent"),
    [
        (
            TT24_2024,
            ["Mẫu số C40-BB", "Thông tư số 24/2024/TT-BTC", "Mã QHNS:", "Nội dung:",
             "Kế toán trưởng"],
            ["107/2017"],
        ),
        (
            TT107_2017,
            ["Mẫu số C40-BB", "Thông tư số 107/2017/TT-BTC", "Mã QHNS:", "Nội dung:",
             "Kế toán trưởng"],
            ["24/2024"],
        ),
        (
            INTERNAL,
            ["Lý do nộp:", "Chủ tịch Hội", "Kế toán"],
            ["Mẫu số", "Thông tư", "Mã QHNS", "Kế toán trưởng", "Nội dung:"],
        ),
    ],
)  # fmt: skip
def test_each_form_set_prints_its_own_wording(
    tmp_path: Path, form_key: str, present: list[str], absent: list[str]
) -> None:
    pdf = tmp_path / f"{form_key}.pdf"
    render_voucher(dataclasses.replace(RECEIPT, form_key=form_key), pdf)
    text = _text(pdf)
    for expected in present:
        assert expected in text, f"{expected!r} not in:\n{text}"
    for unexpected in absent:
        assert unexpected not in text, f"{unexpected!r} in:\n{text}"
    assert f"Đã nhận đủ số tiền (viết bằng chữ): {WORDS}" in text


COMPANY = "Công ty Trách nhiệm hữu hạn Thương mại và Dịch vụ Vận tải Hòa Bình Xanh"


def _name_sizes(pdf: Path, words: set[str]) -> list[float]:
    """The heights of the words of `words` as pdftotext places them (≈ font size)."""
    return [y1 - y0 for _, y0, _, y1, w in _boxes(pdf) if w in words]


@needs_poppler
@pytest.mark.parametrize("length", [60, 120, 200])
def test_a_long_party_name_prints_whole_and_readable(tmp_path: Path, length: int) -> None:
    name = (COMPANY + " " + COMPANY + " " + COMPANY)[:length].strip()
    assert len(name) >= length - 1
    for voucher in (
        dataclasses.replace(RECEIPT, party_name=name),
        dataclasses.replace(PAYMENT, party_name=name),
    ):
        pdf = tmp_path / f"{voucher.kind}-{length}.pdf"
        render_voucher(voucher, pdf)
        assert _info(pdf)["Pages"] == "1"
        text = _text(pdf)
        assert f"{voucher.party_label}: {name}" in text
        # The smallest word of the name is no smaller than 8 pt (pdftotext's box of a
        # Liberation Serif word is 0.89 of its size).
        sizes = _name_sizes(pdf, set(name.split()))
        assert sizes and min(sizes) >= 8.0 * 0.88, sizes


@needs_poppler
def test_everything_at_its_longest_still_fits_one_readable_page(tmp_path: Path) -> None:
    """The service's limits (core.fund) are what one page holds: nothing it accepts fails."""
    longest = 888_888_888_888_888
    voucher = dataclasses.replace(
        PAYMENT,
        unit_parent=("Hội Khuyến học tỉnh Bà Rịa - Vũng Tàu " * 5)[:MAX_BODY_NAME].upper(),
        unit="HỘI KHUYẾN HỌC PHƯỜNG VĂN MIẾU - QUỐC TỬ GIÁM",  # the longest commune
        fund_name=("Quỹ Khuyến học dòng họ Nguyễn Phước " * 5)[:MAX_FUND_NAME],
        party_address=("Thôn Phước Lộc, xã Đông Hòa " * 20)[:MAX_ADDRESS],
        reason=(LONG_REASON * 3)[:MAX_REASON] + " (" + ("20 bao gạo " * 30)[:MAX_IN_KIND] + ")",
        amount=longest,
        amount_words=amount_in_words(longest),
        pupil="Lê Văn Tám",
        school="Trường Trung học cơ sở Nguyễn Tri Phương",
        grade="8A",
        guardian=True,
    )
    pdf = tmp_path / "longest.pdf"
    render_voucher(voucher, pdf)
    assert _info(pdf)["Pages"] == "1"
    assert voucher.amount_words in _text(pdf)


@needs_poppler
def test_a_minors_scholarship_names_the_pupil_and_the_guardian_signs(tmp_path: Path) -> None:
    voucher = dataclasses.replace(
        PAYMENT,
        party_name="Lê Văn Hùng",
        pupil="Lê Thị Lan",
        school="Trường Tiểu học Đông Hòa",
        grade="4A",
        guardian=True,
        note="",
    )
    pdf = tmp_path / "scholarship.pdf"
    render_voucher(voucher, pdf)
    text = _text(pdf)
    assert "Họ và tên người nhận tiền: Lê Văn Hùng (cha, mẹ hoặc người giám hộ" in text
    assert "Học sinh: Lê Thị Lan; Trường: Trường Tiểu học Đông Hòa; Lớp: 4A" in text
    # The pupil's name is in the body only; under "Người nhận tiền" the guardian signs.
    assert text.count("Lê Thị Lan") == 1
    assert text.count("Lê Văn Hùng") == 2
