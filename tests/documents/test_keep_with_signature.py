"""No page holds only a signature: the last rows of the table go over with it, and the
books and the disclosure sheet carry the wording their forms ask for."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from desktop_app.core.money import amount_in_words
from desktop_app.documents.fund_reports import render_cash_book, render_disclosure
from desktop_app.documents.roster import render_roster

sys.path.insert(0, str(Path(__file__).parent))
from test_fund_reports import DISCLOSURE, HEADER, OPENING, _lines
from test_roster import HEADER as ROSTER_HEADER
from test_roster import _rows as roster_rows

needs_poppler = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in ("pdftotext", "pdfinfo")),
    reason="poppler-utils (pdftotext, pdfinfo) is not installed; run `make deps`",
)


def _pages(pdf: Path) -> list[str]:
    out = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")
    return [" ".join(page.split()) for page in out.split("\f") if page.strip()]


BOOK = dataclasses.replace(
    HEADER,
    title="SỔ QUỸ TIỀN MẶT",
    form_code=("Mẫu số S11-H", "(Ban hành kèm theo Thông tư số 24/2024/TT-BTC"),
    opened_on=date(2024, 1, 1),
)


@needs_poppler
@pytest.mark.parametrize("count", range(14, 40))
def test_the_cash_book_never_leaves_its_signature_alone(tmp_path: Path, count: int) -> None:
    lines = _lines(count)
    pdf = tmp_path / "book.pdf"
    pages = render_cash_book(BOOK, OPENING, lines, pdf)
    texts = _pages(pdf)
    assert len(texts) == pages
    last = texts[-1]
    assert "Phạm Thị Hoa" in last and "Số dư cuối kỳ" in last
    # At least one voucher row comes over with the totals and the signatures.
    assert re.search(r"P[TC]-\d{4}/2026", last), last
    # The book states its own page count and opening date (issue 9 part 5).
    assert f"Sổ này có {pages:02d} trang, đánh số từ trang 01 đến trang {pages:02d}." in last
    assert "Ngày mở sổ: 01/01/2024." in last
    assert "Mẫu số S11-H" in texts[0]


AWARD_NAMES = [f"Lê Văn Tí {i}" for i in range(60)]


@needs_poppler
@pytest.mark.parametrize("count", range(10, 40, 2))
def test_the_disclosure_keeps_the_last_awards_with_the_signature(
    tmp_path: Path, count: int
) -> None:
    awards = [
        (AWARD_NAMES[i], "Trường THCS Đông Hòa", "8A", "Học sinh giỏi", 100_000)
        for i in range(count)
    ]
    total = sum(a[4] for a in awards)
    closing = DISCLOSURE.opening + 55_500_000 - 31_500_000
    d = dataclasses.replace(
        DISCLOSURE,
        awards=awards,
        payments_by_kind=[("Học bổng, phần thưởng", 31_500_000)],
        closing=closing,
        closing_words=amount_in_words(closing),
        as_of=date(2026, 11, 30),
        header=dataclasses.replace(DISCLOSURE.header, number="05/BC-HKH"),
    )
    assert total
    pdf = tmp_path / "disclosure.pdf"
    render_disclosure(d, pdf)
    texts = _pages(pdf)
    last = texts[-1]
    assert "Trần Thị Ánh" in last
    assert any(name in last for name in AWARD_NAMES[:count]), last
    assert "Số: 05/BC-HKH" in texts[0]
    assert "V. Số dư tính đến ngày 30/11/2026" in last


@needs_poppler
@pytest.mark.parametrize("count", range(20, 60, 3))
def test_the_roster_keeps_its_last_learners_with_the_signature(tmp_path: Path, count: int) -> None:
    rows = roster_rows(count)
    pdf = tmp_path / "roster.pdf"
    render_roster(ROSTER_HEADER, rows, pdf)
    last = _pages(pdf)[-1]
    assert "Lê Thị Hoa" in last
    assert any(" ".join(r.full_name.split()) in last for r in rows[-2:]), last


@needs_poppler
@pytest.mark.parametrize("count", range(16, 40, 2))
def test_the_donor_list_keeps_its_last_donors_with_the_signature(
    tmp_path: Path, count: int
) -> None:
    from desktop_app.documents.fund_reports import render_donor_list

    donors = [
        (f"Lê Văn Tí {i}", "Thôn 1", date(2026, 3, 1), "Tiền mặt", 100_000) for i in range(count)
    ]
    pdf = tmp_path / "donors.pdf"
    render_donor_list(HEADER, donors, pdf)
    last = _pages(pdf)[-1]
    assert "Trần Thị Ánh" in last and "Tổng cộng" in last
    assert re.search(r"Lê Văn Tí \d+", last), last
