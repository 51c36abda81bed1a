"""The import's reader on files written by other software: openpyxl for xlsx, hand-made ODS and
BIFF8 (xls) files, CSV in the encodings secretaries' PCs write, and every kind of bad file."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import struct
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desktop_app.core.problems import UserError
from desktop_app.documents import sheet_reader
from desktop_app.documents.selfcheck import check_spreadsheet_reading
from desktop_app.documents.sheet_reader import (
    Cell,
    SheetError,
    SheetInfo,
    iter_rows,
    open_workbook,
    read_rows,
)

# One table of truth: a real list as a commune writes it, row by row from Excel's row 1.
TITLE = "DANH SÁCH HỌC VIÊN LỚP KỸ THUẬT TRỒNG LÚA"
HEADER = ("STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số tiền", "Ghi chú")
PEOPLE: tuple[tuple[Any, ...], ...] = (
    (1, "Nguyễn Văn Ước", dt.date(1985, 2, 5), "Nam", 1250000, None),
    (2, "Đặng Thị Hoà", dt.datetime(1990, 1, 1, 10, 30), "Nữ", 1.5, "chuyển từ xã khác"),
    (3, "Lê Hữu Phước", "05/02/1985", "nam", "1.250.000", True),
)


def _read_back(path: Path, sheet: str, **kwargs: Any) -> list[list[Cell]]:
    before = path.read_bytes(), path.stat().st_mtime_ns, sorted(path.parent.iterdir())
    rows = read_rows(path, sheet, **kwargs)
    # Nothing is ever written: not the file, not a lock or temporary file next to it.
    assert (path.read_bytes(), path.stat().st_mtime_ns, sorted(path.parent.iterdir())) == before
    return rows


def _error(call: Any, *args: Any, **kwargs: Any) -> SheetError:
    with pytest.raises(SheetError) as caught:
        call(*args, **kwargs)
    error = caught.value
    assert isinstance(error, UserError)
    # A msgid with placeholders, filled only after translation.
    assert error.message.format(**error.params)
    assert "{" not in error.message.format(**error.params)
    return error


# xlsx


@pytest.fixture
def roster(tmp_path: Path) -> Path:
    """The title merged over B2:G2 on row 2, a blank row, the header on row 4 from column B,
    three people, two blank rows, a total with a formula openpyxl writes without a value."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Danh sách"
    sheet["B2"] = TITLE
    sheet.merge_cells("B2:G2")
    for column, text in enumerate(HEADER, start=2):
        sheet.cell(row=4, column=column, value=text)
    for row, person in enumerate(PEOPLE, start=5):
        for column, value in enumerate(person, start=2):
            sheet.cell(row=row, column=column, value=value)
    sheet["C10"] = "Tổng"
    sheet["F10"] = "=SUM(F5:F7)"
    sheet["G10"] = "#N/A"  # openpyxl stores this as an error cell, as Excel does for =NA()
    sheet["G11"] = "   "
    hidden = book.create_sheet("Cũ")
    hidden["A1"] = "x"
    hidden.sheet_state = "hidden"
    book.create_sheet("Trống")
    book.create_chartsheet("Biểu đồ")
    path = tmp_path / "danh sach.xlsx"
    book.save(path)
    return path


def _expected_roster() -> list[list[Cell]]:
    blank: list[Cell] = [None] * 7
    people: list[list[Cell]] = [
        [None, 1.0, "Nguyễn Văn Ước", dt.date(1985, 2, 5), "Nam", 1250000.0, None],
        [
            None,
            2.0,
            "Đặng Thị Hoà",
            dt.datetime(1990, 1, 1, 10, 30),
            "Nữ",
            1.5,
            "chuyển từ xã khác",
        ],
        [None, 3.0, "Lê Hữu Phước", "05/02/1985", "nam", "1.250.000", True],
    ]
    return [
        blank,
        [None, TITLE, None, None, None, None, None],  # a merged cell's value is in its first cell
        blank,
        [None, *HEADER],
        *people,
        blank,
        blank,
        # No cached value for the formula (openpyxl computes nothing): None, as for "#N/A".
        [None, None, "Tổng", None, None, None, None],
    ]


def test_xlsx_workbook(roster: Path) -> None:
    book = open_workbook(roster)
    assert book.path == roster
    assert book.format == "xlsx"
    assert book.size == roster.stat().st_size
    assert book.sha256 == hashlib.sha256(roster.read_bytes()).hexdigest()
    # The chart sheet is left out; the hidden one is there, marked.
    assert book.sheets == (
        SheetInfo("Danh sách", None, True),
        SheetInfo("Cũ", None, False),
        SheetInfo("Trống", None, True),
    )


def test_xlsx_rows_keep_excel_row_and_column_numbers(roster: Path) -> None:
    rows = _read_back(roster, "Danh sách")
    assert rows == _expected_roster()
    assert rows[3][2] == "Họ và tên"  # Excel's C4
    # Whole numbers come back as floats; the value parsers decide what they mean.
    assert type(rows[4][1]) is float
    assert type(rows[4][3]) is dt.date and type(rows[5][3]) is dt.datetime


def test_limit_and_iter_rows(roster: Path) -> None:
    everything = read_rows(roster, "Danh sách")
    assert read_rows(roster, "Danh sách", limit=5) == everything[:5]
    assert read_rows(roster, "Danh sách", limit=0) == []
    with pytest.raises(ValueError):
        read_rows(roster, "Danh sách", limit=-1)
    assert list(iter_rows(roster, "Danh sách")) == everything
    assert read_rows(roster, "Danh sách", limit=1000) == everything


def test_hidden_sheet_reads(roster: Path) -> None:
    assert read_rows(roster, "Cũ") == [["x"]]


def test_empty_and_unknown_sheets(roster: Path) -> None:
    error = _error(read_rows, roster, "Trống")
    assert (error.code, error.params["sheet"]) == ("empty", "Trống")
    error = _error(read_rows, roster, "Sheet1")
    assert error.code == "no-such-sheet"
    assert error.params["sheets"] == "Danh sách, Cũ, Trống, Biểu đồ"


def test_a_renamed_file_is_read_by_its_content(roster: Path, tmp_path: Path) -> None:
    for name in ("danh sach.xls", "danh sach.ods", "danh sach", "danh sach.csv"):
        copy = tmp_path / name
        copy.write_bytes(roster.read_bytes())
        assert open_workbook(copy).format == "xlsx"
        assert read_rows(copy, "Danh sách") == _expected_roster()


def test_leading_blank_rows_only(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["D7"] = "Họ tên"
    sheet["C9"] = "Nguyễn Thị Ánh"
    path = tmp_path / "late.xlsx"
    book.save(path)
    rows = read_rows(path, "Sheet")
    assert len(rows) == 9 and all(len(row) == 4 for row in rows)
    assert rows[6][3] == "Họ tên" and rows[8][2] == "Nguyễn Thị Ánh"
    assert read_rows(path, "Sheet", limit=3) == [[None] * 4] * 3


def test_too_many_cells(roster: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 11 rows by 7 columns: the blank text in G11 counts, as it does for calamine's memory.
    monkeypatch.setattr(sheet_reader, "MAX_CELLS", 7 * 11 - 1)
    error = _error(read_rows, roster, "Danh sách")
    assert (error.code, error.params["cells"]) == ("too-large", 77)
    assert read_rows(roster, "Cũ") == [["x"]]


def test_a_stray_value_far_away_is_too_large(tmp_path: Path, roster: Path) -> None:
    """calamine allocates the whole range from A1 to the last value: without the check before
    it, this file would abort the test process (a 512 GB allocation), not raise."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet["A1"] = "Họ và tên"
    sheet["XFD1048576"] = "x"
    far = tmp_path / "xa.xlsx"
    book.save(far)
    error = _error(read_rows, far, "Sheet")
    assert (error.code, error.params["cells"]) == ("too-large", 16384 * 1048576)
    # A far cell with a format but no value makes no range: the sheet reads.
    formatted = tmp_path / "formatted.xlsx"
    with zipfile.ZipFile(roster) as source, zipfile.ZipFile(formatted, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                far_row = b'<row r="1048576"><c r="XFD1048576" s="1"/></row></sheetData>'
                data = data.replace(b"</sheetData>", far_row)
            target.writestr(item, data)
    assert read_rows(formatted, "Danh sách") == _expected_roster()


def test_too_large_a_file(roster: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheet_reader, "MAX_FILE_BYTES", roster.stat().st_size - 1)
    assert _error(open_workbook, roster).code == "too-large"
    assert _error(read_rows, roster, "Danh sách").code == "too-large"


# ods: the smallest file LibreOffice and calamine accept, written by hand


def _ods(tmp_path: Path, tables: str, name: str = "danh sach.ods") -> Path:
    office = "urn:oasis:names:tc:opendocument:xmlns"
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<office:document-content xmlns:office="{office}:office:1.0" '
        f'xmlns:table="{office}:table:1.0" xmlns:text="{office}:text:1.0" office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<manifest:manifest xmlns:manifest="{office}:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as archive:
        # The mimetype first and stored, as the OpenDocument standard asks.
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("content.xml", content, compress_type=zipfile.ZIP_DEFLATED)
        archive.writestr("META-INF/manifest.xml", manifest)
    return path


def _cell(value: str, kind: str = "string", attrs: str = "") -> str:
    return (
        f'<table:table-cell office:value-type="{kind}" {attrs}><text:p>{value}</text:p>'
        "</table:table-cell>"
    )


def _row(*cells: str) -> str:
    return f"<table:table-row>{''.join(cells)}</table:table-row>"


ODS_TABLE = (
    '<table:table table:name="Danh sách">'
    '<table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>'
    + _row(
        _cell(TITLE, attrs='table:number-columns-spanned="3"'),
        '<table:covered-table-cell table:number-columns-repeated="2"/>',
    )
    + _row(_cell("Họ và tên"), _cell("Ngày sinh"), _cell("Số tiền"))
    + _row(
        _cell("Nguyễn Văn Ước"),
        _cell("05/02/1985", "date", 'office:date-value="1985-02-05"'),
        _cell("1250000", "float", 'office:value="1250000"'),
    )
    + _row(
        _cell("Đặng Thị Hoà"),
        _cell("x", "date", 'office:date-value="1990-01-01T10:30:00"'),
        _cell("TRUE", "boolean", 'office:boolean-value="true"'),
        # LibreOffice keeps a failed formula's text: "#DIV/0!", or "Err:502" for its own codes.
        _cell("#DIV/0!", attrs='table:formula="of:=1/0"'),
        _cell("Err:502"),
    )
    + '<table:table-row table:number-rows-repeated="3"><table:table-cell/></table:table-row>'
    + "</table:table>"
    '<table:table table:name="Trống"><table:table-row><table:table-cell/></table:table-row>'
    "</table:table>"
)


def test_ods(tmp_path: Path) -> None:
    path = _ods(tmp_path, ODS_TABLE)
    book = open_workbook(path)
    assert book.format == "ods"
    assert [sheet.name for sheet in book.sheets] == ["Danh sách", "Trống"]
    assert _read_back(path, "Danh sách") == [
        [None] * 5,
        [None] * 5,
        [TITLE, None, None, None, None],
        ["Họ và tên", "Ngày sinh", "Số tiền", None, None],
        ["Nguyễn Văn Ước", dt.date(1985, 2, 5), 1250000.0, None, None],
        ["Đặng Thị Hoà", dt.datetime(1990, 1, 1, 10, 30), True, None, None],
    ]
    assert _error(read_rows, path, "Trống").code == "empty"


def test_opendocument_text_is_not_a_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "thu moi.odt"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<x/>")
    assert _error(open_workbook, path).code == "not-a-spreadsheet"


# xls and encrypted files: OLE compound files written by hand ([MS-CFB], [MS-XLS])

_FREE, _END, _FAT_SECTOR, _NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def ole_file(streams: dict[str, bytes]) -> bytes:
    """A version 3 compound file: 512-byte sectors, sector 0 the FAT, then the directory, then
    every stream padded to 4096 bytes so that none goes to the mini stream."""
    size = 512
    # Siblings are a binary tree ordered by name length, then by upper-cased name; a chain of
    # right siblings in that order is a valid (if degenerate) tree.
    names = sorted(streams, key=lambda name: (len(name), name.upper()))
    entries = ["Root Entry", *names]
    dir_sectors = (len(entries) * 128 + size - 1) // size
    chains: list[tuple[int, int, int]] = []
    body = b""
    next_sector = 1 + dir_sectors
    for name in names:
        data = streams[name].ljust(4096, b"\0")
        count = (len(data) + size - 1) // size
        chains.append((next_sector, count, len(data)))
        body += data.ljust(count * size, b"\0")
        next_sector += count
    assert next_sector <= 128, "one FAT sector is enough for the files of these tests"
    fat = [_FAT_SECTOR, *range(2, 1 + dir_sectors), _END]
    for start, count, _ in chains:
        fat += [*range(start + 1, start + count), _END]
    fat += [_FREE] * (128 - len(fat))
    directory = b""
    for index, name in enumerate(entries):
        raw = (name + "\0").encode("utf-16-le")
        if index == 0:
            kind, child, right, start, length = 5, 1 if names else _NO_STREAM, _NO_STREAM, _END, 0
        else:
            start, _, length = chains[index - 1]
            kind, child = 2, _NO_STREAM
            right = index + 1 if index < len(names) else _NO_STREAM
        directory += (
            raw.ljust(64, b"\0")
            + struct.pack("<HBB", len(raw), kind, 1)
            + struct.pack("<III", _NO_STREAM, right, child)
            + b"\0" * 36
            + struct.pack("<IQ", start, length)
        )
    header = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<9I", 0, 1, 1, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<109I", 0, *([_FREE] * 108))
    )
    return header + struct.pack("<128I", *fat) + directory.ljust(dir_sectors * size, b"\0") + body


def _record(kind: int, payload: bytes) -> bytes:
    return struct.pack("<HH", kind, len(payload)) + payload


def _bof(substream: int) -> bytes:
    return _record(0x0809, struct.pack("<HHHHII", 0x0600, substream, 0x0DBB, 0x07CC, 0, 6))


def biff8(sheets: dict[str, list[list[str | float | None]]], *, password: bool = False) -> bytes:
    """A BIFF8 Workbook stream: globals (XFs, sheets, shared strings), then one substream per
    sheet with its text as LABELSST and its numbers as NUMBER records."""
    strings: list[str] = []
    bodies = []
    for rows in sheets.values():
        cells = b""
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, str):
                    if value not in strings:
                        strings.append(value)
                    cells += _record(0xFD, struct.pack("<HHHI", r, c, 15, strings.index(value)))
                elif value is not None:
                    cells += _record(0x203, struct.pack("<HHHd", r, c, 15, value))
        width = max((len(row) for row in rows), default=0)
        dimensions = _record(0x200, struct.pack("<IIHHH", 0, len(rows), 0, width, 0))
        bodies.append(_bof(0x10) + dimensions + cells + _record(0x0A, b""))
    shared = struct.pack("<II", len(strings), len(strings)) + b"".join(
        struct.pack("<HB", len(text), 1) + text.encode("utf-16-le") for text in strings
    )
    # 15 style XFs and one cell XF (index 15, "General"), the least Excel's readers expect.
    xf = "<HHHBBBBIIH"
    xfs = b"".join(
        _record(0xE0, struct.pack(xf, 0, 0, 0xFFF5 if i < 15 else 1, 0x20, 0, 0, 0, 0, 0, 0x20C0))
        for i in range(16)
    )

    def globals_(offsets: list[int]) -> bytes:
        out = _bof(0x05)
        if password:  # FILEPASS, RC4: what Excel writes for "Encrypt with Password"
            out += _record(0x2F, struct.pack("<HHH", 1, 1, 1) + b"\0" * 48)
        out += _record(0x42, struct.pack("<H", 1200)) + xfs
        for name, offset in zip(sheets, offsets, strict=True):
            out += _record(
                0x85,
                struct.pack("<IBBBB", offset, 0, 0, len(name), 1) + name.encode("utf-16-le"),
            )
        return out + _record(0xFC, shared) + _record(0x0A, b"")

    offsets, position = [], len(globals_([0] * len(sheets)))
    for body in bodies:
        offsets.append(position)
        position += len(body)
    return globals_(offsets) + b"".join(bodies)


XLS_ROWS: list[list[str | float | None]] = [
    [None, None],
    [TITLE],
    [None],
    ["Họ và tên", "Năm sinh"],
    ["Nguyễn Văn Ước", 1985],
    ["Đặng Thị Hoà", 1990.5],
]


def test_xls(tmp_path: Path) -> None:
    path = tmp_path / "danh sach.xls"
    path.write_bytes(ole_file({"Workbook": biff8({"Danh sách": XLS_ROWS, "Hai": [["x"]]})}))
    book = open_workbook(path)
    assert book.format == "xls"
    assert [sheet.name for sheet in book.sheets] == ["Danh sách", "Hai"]
    assert _read_back(path, "Danh sách") == [
        [None, None],
        [TITLE, None],
        [None, None],
        ["Họ và tên", "Năm sinh"],
        ["Nguyễn Văn Ước", 1985.0],
        ["Đặng Thị Hoà", 1990.5],
    ]
    renamed = tmp_path / "danh sach.xlsx"
    renamed.write_bytes(path.read_bytes())
    assert read_rows(renamed, "Hai") == [["x"]]


def test_xls_with_a_password(tmp_path: Path) -> None:
    for name in ("khoa.xls", "khoa.xlsx"):
        path = tmp_path / name
        path.write_bytes(ole_file({"Workbook": biff8({"Danh sách": XLS_ROWS}, password=True)}))
        error = _error(open_workbook, path)
        assert error.code == "password"
        assert "Protect Workbook" in error.message
        assert _error(read_rows, path, "Danh sách").code == "password"


def test_encrypted_xlsx_is_password(tmp_path: Path) -> None:
    # What Excel writes for File > Info > Protect Workbook > Encrypt with Password: an OLE file
    # whose EncryptedPackage is the whole xlsx, encrypted. The contents do not matter here.
    path = tmp_path / "khoa.xlsx"
    path.write_bytes(
        ole_file(
            {
                "EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00" + os.urandom(200),
                "EncryptedPackage": os.urandom(6000),
                "\x06DataSpaces": b"",
            }
        )
    )
    assert _error(open_workbook, path).code == "password"
    assert _error(read_rows, path, "Sheet1").code == "password"


def test_xls_dimensions_out_of_bounds_are_damage(tmp_path: Path) -> None:
    # Found by fuzzing: a first row of 0xC4000000 made calamine ask for 80 GB and abort.
    stream = bytearray(biff8({"Danh sách": XLS_ROWS}))
    at = stream.index(struct.pack("<HH", 0x200, 14)) + 4
    for first_row, end_row, end_col in ((0xC4000000, 6, 2), (0, 70000, 2), (0, 6, 300)):
        stream[at : at + 12] = struct.pack("<IIHH", first_row, end_row, 0, end_col)
        path = tmp_path / "hong.xls"
        path.write_bytes(ole_file({"Workbook": bytes(stream)}))
        assert _error(open_workbook, path).code == "damaged"


def test_other_ole_files(tmp_path: Path) -> None:
    doc = tmp_path / "cong van.xls"
    doc.write_bytes(ole_file({"WordDocument": b"\xec\xa5" + os.urandom(5000)}))
    assert _error(open_workbook, doc).code == "not-a-spreadsheet"
    whole = ole_file({"Workbook": biff8({"Danh sách": XLS_ROWS})})
    for cut in (8, 100, 511, 600, 1100, len(whole) - 3000):
        broken = tmp_path / f"cut{cut}.xls"
        broken.write_bytes(whole[:cut])
        assert _error(read_rows, broken, "Danh sách").code == "damaged", cut


# csv


def cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: a base letter (with its circumflex, breve or
    horn where the code page has one) followed by the tone as a combining mark."""
    tones = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
    out = b""
    for char in unicodedata.normalize("NFC", text):
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in tones))
            out += (base + "".join(p for p in parts if p in tones)).encode("cp1258")
    return out


CSV_ROWS = [
    ["Họ và tên", "Ngày sinh", "Địa chỉ", "Số tiền"],
    ["Nguyễn Văn Ước", "05/02/1985", "Thôn Đông; xã Đông Hòa", "1.250.000"],
    ["Đặng Thị Hoà", "", "Ấp 3, xã Mỹ Phước", "#N/A"],
    ["Trần Thị Ánh", "1990", 'có "ngoặc"\nvà hai dòng', "500000"],
]
CSV_EXPECTED: list[list[Cell]] = [
    ["Họ và tên", "Ngày sinh", "Địa chỉ", "Số tiền"],
    ["Nguyễn Văn Ước", "05/02/1985", "Thôn Đông; xã Đông Hòa", "1.250.000"],
    ["Đặng Thị Hoà", None, "Ấp 3, xã Mỹ Phước", None],
    ["Trần Thị Ánh", "1990", 'có "ngoặc"\nvà hai dòng', "500000"],
]


def _csv_text(delimiter: str, newline: str = "\r\n") -> str:
    def field(value: str) -> str:
        if any(ch in value for ch in (delimiter, '"', "\n", ",", ";")):
            return '"' + value.replace('"', '""') + '"'
        return value

    return "".join(delimiter.join(map(field, row)) + newline for row in CSV_ROWS) + newline


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [
        ("utf-8", ","),
        ("utf-8-sig", ";"),
        ("cp1258", ","),
        ("cp1258", "\t"),
        ("utf-8", "\t"),
        ("utf-16", "\t"),  # Excel's "Unicode Text (*.txt)"
    ],
)
def test_csv(tmp_path: Path, encoding: str, delimiter: str) -> None:
    text = _csv_text(delimiter)
    data = cp1258(text) if encoding == "cp1258" else text.encode(encoding)
    if encoding == "cp1258":
        assert b"\xcc" in data or b"\xec" in data  # a combining tone mark really is in the file
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
    path = tmp_path / "hoc vien.csv"
    path.write_bytes(data)
    book = open_workbook(path)
    assert (book.format, book.sheets) == ("csv", (SheetInfo("hoc vien", 4, True),))
    assert book.sha256 == hashlib.sha256(data).hexdigest()
    rows = _read_back(path, "hoc vien")
    assert rows == CSV_EXPECTED
    assert all(
        unicodedata.is_normalized("NFC", c) for row in rows for c in row if isinstance(c, str)
    )


def test_csv_details(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    # Old Mac line ends, ragged rows (padded), a one-column file, a .xls that is CSV.
    path.write_bytes("Họ tên;Năm\r\rAn;1990;x\rBình\r".encode())
    assert read_rows(path, "a") == [
        ["Họ tên", "Năm", None],
        [None, None, None],
        ["An", "1990", "x"],
        ["Bình", None, None],
    ]
    path.write_bytes("Họ và tên\nNguyễn Văn A\n\n\n".encode())
    assert read_rows(path, "a") == [["Họ và tên"], ["Nguyễn Văn A"]]
    portal = tmp_path / "tu cong.xls"
    portal.write_bytes("STT\tHọ và tên\n1\tLê Văn Tám\n".encode())
    assert open_workbook(portal).format == "csv"
    assert read_rows(portal, "tu cong", limit=1) == [["STT", "Họ và tên"]]
    assert _error(read_rows, portal, "Sheet1").code == "no-such-sheet"


def test_csv_of_blank_lines_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "trong.csv"
    path.write_bytes(b",,,\r\n , ,\r\n")
    assert open_workbook(path).sheets == (SheetInfo("trong", 0, True),)
    assert _error(read_rows, path, "trong").code == "empty"


# Files that are not what they say, or not there


def test_missing_folder_empty(tmp_path: Path) -> None:
    assert _error(open_workbook, tmp_path / "khong co.xlsx").code == "missing"
    assert _error(read_rows, tmp_path / "khong co.xlsx", "Sheet1").code == "missing"
    assert _error(open_workbook, tmp_path).code == "folder"
    for content in (b"", b" \r\n\t"):
        empty = tmp_path / "rong.xlsx"
        empty.write_bytes(content)
        assert _error(open_workbook, empty).code == "empty"


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root reads any file")
def test_unreadable(roster: Path) -> None:
    roster.chmod(0)
    try:
        assert _error(open_workbook, roster).code == "unreadable"
    finally:
        roster.chmod(0o644)


def test_damaged_xlsx(roster: Path, tmp_path: Path) -> None:
    whole = roster.read_bytes()
    for cut in (4, 30, len(whole) // 2, len(whole) - 10):
        broken = tmp_path / "hong.xlsx"
        broken.write_bytes(whole[:cut])
        assert _error(open_workbook, broken).code == "damaged", cut
    # A whole ZIP with one sheet's XML cut off: the workbook opens, that sheet does not.
    cut_sheet = tmp_path / "cut sheet.xlsx"
    with zipfile.ZipFile(roster) as source, zipfile.ZipFile(cut_sheet, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)
    assert len(open_workbook(cut_sheet).sheets) == 3
    assert _error(read_rows, cut_sheet, "Danh sách").code == "damaged"
    assert read_rows(cut_sheet, "Cũ") == [["x"]]


def test_not_spreadsheets(tmp_path: Path) -> None:
    cases = {
        "random.xlsx": os.urandom(3000),
        "photo.xls": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + os.urandom(500),
        "report.xlsx": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\x00\x01\x02",
        "docx.xlsx": b"",
    }
    with zipfile.ZipFile(tmp_path / "docx.xlsx", "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    for name, data in cases.items():
        path = tmp_path / name
        if data:
            path.write_bytes(data)
        assert _error(open_workbook, path).code == "not-a-spreadsheet", name


def test_web_pages_and_xml_spreadsheets_get_a_message_of_their_own(tmp_path: Path) -> None:
    page = tmp_path / "danh sach.xls"
    page.write_text(
        "\ufeff<html><head><meta charset='utf-8'></head><body><table><tr><td>Họ và tên</td>"
        "</tr></table></body></html>",
        encoding="utf-8",
    )
    error = _error(open_workbook, page)
    assert error.code == "not-a-spreadsheet" and "web page" in error.message
    xml = tmp_path / "cu.xls"
    xml.write_text(
        '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">'
        "</Workbook>",
        encoding="utf-8",
    )
    error = _error(read_rows, xml, "Sheet1")
    assert error.code == "not-a-spreadsheet" and "2003" in error.message


def test_every_message_is_a_plain_msgid() -> None:
    """Every message the reader raises is a literal in N_(): the catalogs can translate it."""
    source = Path(sheet_reader.__file__).read_text(encoding="utf-8")
    assert "N_(f" not in source and 'N_(\n            f"' not in source
    codes = {value for key, value in vars(SheetError).items() if key.isupper()}
    assert codes == {
        "missing",
        "folder",
        "unreadable",
        "not-a-spreadsheet",
        "password",
        "damaged",
        "empty",
        "no-such-sheet",
        "too-large",
    }


# Fuzzing: never anything but a SheetError, and what openpyxl wrote comes back


def _try(path: Path) -> None:
    try:
        book = open_workbook(path)
        for sheet in book.sheets:
            rows = read_rows(path, sheet.name, limit=50)
            assert all(len(row) == len(rows[0]) for row in rows)
    except SheetError:
        pass


_MAGIC = (b"", b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\xef\xbb\xbf")
# tmp_path is shared by a test's examples; each example overwrites the one file it uses.
_FIXTURE_OK = [HealthCheck.function_scoped_fixture]


@settings(max_examples=150, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(prefix=st.sampled_from(_MAGIC), data=st.binary(max_size=3000))
def test_random_bytes_never_crash(tmp_path: Path, prefix: bytes, data: bytes) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(prefix + data)
    _try(path)


@settings(max_examples=60, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(position=st.integers(min_value=0), byte=st.integers(min_value=0, max_value=255))
def test_flipped_bytes_never_crash(tmp_path: Path, position: int, byte: int) -> None:
    base = ole_file({"Workbook": biff8({"Danh sách": XLS_ROWS})})
    for name, whole in (("x.xls", base), ("x.ods", _ods(tmp_path, ODS_TABLE).read_bytes())):
        data = bytearray(whole)
        data[position % len(data)] = byte
        path = tmp_path / name
        path.write_bytes(bytes(data))
        _try(path)


_TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn")), max_size=30
).filter(lambda text: not text.startswith("="))
_VALUES = st.one_of(
    st.none(),
    _TEXT,
    st.integers(min_value=-(10**15), max_value=10**15),
    # openpyxl writes 16 significant digits, so only those come back (and no float near the
    # largest, which rounds up to infinity).
    st.floats(min_value=-1e300, max_value=1e300).map(lambda number: float(f"{number:.16g}")),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)).map(
        lambda moment: moment.replace(microsecond=0)
    ),
)


def _as_read(value: Cell) -> Cell:
    """What the reader gives for a value openpyxl wrote."""
    if isinstance(value, str):
        return sheet_reader._text_cell(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        return value.date()  # a datetime at midnight is a date to Excel
    return value


@settings(max_examples=40, deadline=None, suppress_health_check=_FIXTURE_OK)
@given(st.lists(st.lists(_VALUES, min_size=1, max_size=6), min_size=1, max_size=12))
def test_random_cells_come_back(tmp_path: Path, rows: list[list[Any]]) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row, start=1):
            if value is not None:
                sheet.cell(row=r, column=c).value = value
    path = tmp_path / "random.xlsx"
    book.save(path)
    expected = [[_as_read(value) for value in row] for row in rows]
    while expected and all(cell is None for cell in expected[-1]):
        expected.pop()
    width = max((len(row) for row in expected), default=0)
    expected = [[*row, *[None] * (width - len(row))] for row in expected]
    try:
        got = read_rows(path, "Sheet")
    except SheetError as error:
        assert error.code == "empty" and not expected
        return
    # Trailing columns that are all empty come back only as far as the last used one.
    got_width = len(got[0])
    assert got_width <= width
    assert got == [row[:got_width] for row in expected]
    assert all(cell is None for row in expected for cell in row[got_width:])


def test_selfcheck_reads_its_workbook(tmp_path: Path) -> None:
    check_spreadsheet_reading(tmp_path)
    assert read_rows(tmp_path / "selfcheck.xlsx", "Danh sách")[3][2] == 1250000.0
