"""Spreadsheets written by other software: one table of truth written with openpyxl, then
re-saved by LibreOffice (headless) as xlsx, xls and ods, and as a UTF-8 and a Windows-1258 csv.
Each file, imported into its own new database, gives exactly the people of the table."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
import unicodedata
from pathlib import Path

import openpyxl
import pytest

from desktop_app.services.imports import DUPLICATE, REJECTED
from desktop_app.services.workspace import Workspace
from tests.core.test_legacy_text import encode_tcvn3, encode_vni

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")

# The table of truth: (name as stored, birth as stored, sex as stored, how each is typed).
TRUTH = [
    ("Trần Thị Bích", "1990-05-12", "F"),
    ("Lê Văn Cường", "1975", "M"),
    ("Hoàng Thị Ước", "1988-04-01", "F"),
    ("Nguyễn Thị Hoà", "1985-02-05", "F"),
    ("Đặng Văn Ước", "2001-11-20", "M"),
    ("Phạm Minh Đức", "1960-07-03", "M"),
]


def _typed_rows() -> list[list[object]]:
    """The same people as a secretary's list has them: dates in four styles, an NFD name, a
    TCVN3 note column and a VNI hamlet column, a duplicate row and a rejected one."""
    return [
        [1, "Trần Thị Bích", dt.datetime(1990, 5, 12), "Nữ", encode_tcvn3("Học lớp xoá mù chữ")],
        [2, "Lê Văn Cường", "1975", "Nam", encode_tcvn3("Hội viên")],
        [3, unicodedata.normalize("NFD", "Hoàng Thị Ước"), "01/04/1988", "nữ",
         encode_tcvn3("Con bà Bích")],
        [4, "Nguyễn Thị Hoà", "5/2/85", "NỮ", encode_tcvn3("Chuyển đến năm 2020")],
        [5, "Đặng Văn Ước", "20-11-2001", "Nam", encode_tcvn3("Đi làm xa")],
        [6, "Phạm Minh Đức", "03.07.1960", "Nam", encode_tcvn3("Thương binh")],
        [7, "Trần Thị Bích", "12/05/1990", "Nữ", ""],
        [8, "Nguyễn Văn Sai", "31/02/1970", "Nam", ""],
    ]  # fmt: skip


def _write_truth(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "DS"
    sheet.append(["UBND XÃ ĐÔNG HÒA"])
    sheet.append(["DANH SÁCH HỌC VIÊN NĂM 2026"])
    sheet.merge_cells("A2:E2")
    sheet.append([])
    sheet.append(["STT", "Họ và tên", "Ngày sinh", "Giới tính", encode_tcvn3("Ghi chú")])
    sheet.append([])
    for row in _typed_rows():
        sheet.append(row)
    book.save(path)
    return path


def _convert(source: Path, fmt: str, out: Path, profile: Path) -> Path:
    assert SOFFICE is not None
    out.mkdir(exist_ok=True)
    subprocess.run(
        [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={profile.as_uri()}",
         "--convert-to", fmt, "--outdir", str(out), str(source)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    (made,) = [p for p in out.iterdir() if p.stem == source.stem]
    return made


def _people(db: Path) -> list[tuple[str, str, str]]:
    conn = sqlite3.connect(db)
    try:
        return sorted(
            (str(n), str(b), str(s))
            for n, b, s in conn.execute("SELECT full_name, birth, sex FROM person")
        )
    finally:
        conn.close()


def _notes(db: Path) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        return {str(r[0]) for r in conn.execute("SELECT notes FROM person WHERE notes != ''")}
    finally:
        conn.close()


def _windows_1258(text: str) -> bytes:
    """Text as Windows-1258 stores it: â ê ô ă ơ ư đ precomposed, the five tones as combining
    marks after the letter (what Word and Excel write in that code page)."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        shape = "".join(m for m in parts[1:] if m in "\u0302\u0306\u031b")
        tones = "".join(m for m in parts[1:] if m not in shape)
        out.append(unicodedata.normalize("NFC", parts[0] + shape) + tones)
    return "".join(out).encode("cp1258")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is installed by `make deps`")
def test_files_resaved_by_libreoffice_import_the_same_people(tmp_path: Path) -> None:
    truth = _write_truth(tmp_path / "truth.xlsx")
    profile = tmp_path / "lo-profile"
    files = {
        "openpyxl xlsx": truth,
        "LibreOffice xlsx": _convert(truth, "xlsx:Calc MS Excel 2007 XML", tmp_path / "x", profile),
        "LibreOffice xls": _convert(truth, "xls", tmp_path / "b", profile),
        "LibreOffice ods": _convert(truth, "ods", tmp_path / "o", profile),
    }
    want = sorted(TRUTH)
    for label, file in files.items():
        db = tmp_path / f"{label.replace(' ', '-')}.sqlite3"
        with Workspace.open(db, create=True) as ws:
            plan = ws.imports.plan(file)
            assert plan.header_row == 4, label
            assert plan.count(DUPLICATE) == 1 and plan.count(REJECTED) == 1, label
            notes = {c.field: c for c in plan.columns}["notes"]
            assert notes.encoding.value == "tcvn3" and notes.header == "Ghi chú", label
            from desktop_app.services.imports import ImportOptions

            ws.imports.apply(plan, ImportOptions(skip_rejected=True))
        assert _people(db) == want, label
        assert "Thương binh" in _notes(db), label


def test_csv_in_utf8_with_bom_and_in_windows_1258(tmp_path: Path) -> None:
    lines = ["STT;Họ và tên;Năm sinh;Giới tính"]
    lines += [f"{i};{n};{b[:4]};{'Nữ' if s == 'F' else 'Nam'}" for i, (n, b, s) in
              enumerate(TRUTH, 1)]  # fmt: skip
    text = "\r\n".join(lines) + "\r\n"
    bom = tmp_path / "bom.csv"
    bom.write_bytes(text.encode("utf-8-sig"))
    ansi = tmp_path / "ansi.csv"
    # Windows-1258 writes most tones as combining marks: the import composes them again.
    ansi.write_bytes(_windows_1258(text))
    for file in (bom, ansi):
        db = tmp_path / f"{file.stem}.sqlite3"
        with Workspace.open(db, create=True) as ws:
            ws.imports.apply(ws.imports.plan(file))
        assert [(n, b[:4], s) for n, b, s in _people(db)] == sorted(
            (n, b[:4], s) for n, b, s in TRUTH
        ), file.name


def test_a_vni_column_resaved_by_libreoffice(tmp_path: Path) -> None:
    if SOFFICE is None:
        pytest.skip("LibreOffice is installed by `make deps`")
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["STT", encode_vni("Họ và tên"), encode_vni("Năm sinh")])
    for i, (name, birth, _sex) in enumerate(TRUTH, 1):
        sheet.append([i, encode_vni(name), int(birth[:4])])
    source = tmp_path / "vni.xlsx"
    book.save(source)
    ods = _convert(source, "ods", tmp_path / "o", tmp_path / "lo-profile")
    db = tmp_path / "vni.sqlite3"
    with Workspace.open(db, create=True) as ws:
        plan = ws.imports.plan(ods)
        assert {c.field: c.encoding.value for c in plan.columns}["full_name"] == "vni"
        ws.imports.apply(plan)
    assert sorted(n for n, _b, _s in _people(db)) == sorted(n for n, _b, _s in TRUTH)
