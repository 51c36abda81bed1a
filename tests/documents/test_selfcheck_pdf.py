"""The self-check PDF, read back the way a person (or a copy-paste) reads it."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from desktop_app.documents.official import MOTTO, NATIONAL_TITLE
from desktop_app.documents.selfcheck import CENTRE, NAMES, render_selfcheck_page

needs_poppler = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in ("pdftotext", "pdffonts", "pdfinfo")),
    reason="poppler-utils (pdftotext, pdffonts, pdfinfo) is not installed; run `make deps`",
)


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("selfcheck") / "selfcheck.pdf"
    render_selfcheck_page(path, day=dt.date(2026, 2, 5))
    return path


def _text(pdf: Path) -> str:
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], check=True, capture_output=True
    ).stdout.decode("utf-8")
    # Lines wrap where the layout decides; a reader sees words, not line breaks.
    return " ".join(out.split())


@needs_poppler
def test_is_one_a4_page(pdf: Path) -> None:
    out = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    info = dict(line.split(":", 1) for line in out.stdout.splitlines() if ":" in line)
    assert info["Pages"].strip() == "1"
    assert "(A4)" in info["Page size"], info["Page size"]
    assert info["Title"].strip() == "Kiểm tra in tiếng Việt"


@needs_poppler
def test_text_reads_back_exactly(pdf: Path) -> None:
    text = _text(pdf)
    for expected in (*NAMES, CENTRE, NATIONAL_TITLE, MOTTO):
        assert unicodedata.is_normalized("NFC", expected)
        assert expected in text, f"{expected!r} not in pdftotext output:\n{text}"
    assert "Xã Đông Hòa, ngày 05 tháng 02 năm 2026" in text
    assert "Số: 01/TB-TTHTCĐ" in text
    # Every name comes back composed, never as base letters plus combining marks.
    assert unicodedata.is_normalized("NFC", text)


@needs_poppler
def test_only_embedded_liberation_serif(pdf: Path) -> None:
    out = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True)
    rows = [line.split() for line in out.stdout.splitlines()[2:] if line.strip()]
    assert rows, out.stdout
    fonts = {row[0].split("+")[-1]: row[-5] for row in rows}  # name -> emb column
    assert any(name.startswith("LiberationSerif") for name in fonts), out.stdout
    not_embedded = [name for name, emb in fonts.items() if emb != "yes"]
    assert not not_embedded, f"fonts not embedded (would depend on the PC): {not_embedded}"
    assert all(name.startswith("LiberationSerif") for name in fonts), out.stdout
