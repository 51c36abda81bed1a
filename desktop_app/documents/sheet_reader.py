"""Reading the lists a centre already keeps: xlsx, xls, ods (through python-calamine) and csv.

The format is told from the bytes, not from the name: old government portals hand out ".xls"
files that are really CSV or web pages, and an ".xlsx" protected by a password is not a ZIP at
all but an OLE file holding an "EncryptionInfo" stream. Every failure is a `SheetError` whose
`code` says what kind of failure it was and whose message tells the user what to do.

Rows come as the user sees them in Excel: row 0 is the sheet's row 1 and column 0 its column A,
leading blank rows and columns included, so a row number in a message matches what she sees.
Cells are normalised only where that cannot lose anything: an empty or blank string and an
error value ("#N/A", "#DIV/0!", LibreOffice's "Err:502") become None; numbers stay as the file
has them (a whole number typed into Excel comes back as a float, 1985.0), and dates as
`datetime.date`/`datetime` where the cell is formatted as a date. The parsers decide the rest.

Nothing is ever written: the file is read once into memory, hashed and parsed from that copy,
so the SHA-256 recorded for an import is the one of the bytes that were read.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import posixpath
import re
import struct
import unicodedata
import xml.etree.ElementTree as ElementTree
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import cast

import python_calamine
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

from desktop_app.core.problems import N_, UserError

__all__ = [
    "MAX_CELLS",
    "MAX_FILE_BYTES",
    "Cell",
    "SheetError",
    "SheetInfo",
    "Workbook",
    "iter_rows",
    "open_workbook",
    "read_rows",
]

Cell = str | int | float | bool | dt.date | dt.datetime | dt.time | dt.timedelta | None

# A 200,000-row roster is about 12 MB as xlsx; past these the user gets "too-large" rather than
# a PC that swaps for minutes (calamine holds the whole sheet in memory, then so do we).
MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_CELLS = 10_000_000

# What Excel and LibreOffice show in a cell whose formula failed; as data they mean "no value".
_ERROR_TEXTS = frozenset(
    {
        "#N/A",
        "#DIV/0!",
        "#VALUE!",
        "#REF!",
        "#NAME?",
        "#NUM!",
        "#NULL!",
        "#SPILL!",
        "#CALC!",
        "#FIELD!",
        "#BLOCKED!",
        "#CONNECT!",
        "#BUSY!",
        "#UNKNOWN!",
        "#GETTING_DATA",
    }
)

_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ODS_MIMETYPES = (
    b"application/vnd.oasis.opendocument.spreadsheet",
    b"application/vnd.oasis.opendocument.spreadsheet-template",
)
# What zipfile raises on a damaged or odd archive (RuntimeError: an encrypted member).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    KeyError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    OSError,
)
_CSV_DELIMITERS = (",", ";", "\t")
_SNIFF_LINES = 50


class SheetError(UserError):
    """A file or sheet that cannot be read; nothing was changed.

    `code` is one of MISSING, FOLDER, UNREADABLE, NOT_A_SPREADSHEET, PASSWORD, DAMAGED, EMPTY,
    NO_SUCH_SHEET, TOO_LARGE, for callers that react to the kind (the CLI's JSON, tests).
    """

    MISSING = "missing"
    FOLDER = "folder"
    UNREADABLE = "unreadable"  # exists, but the OS refused to read it (permissions, a failing disk)
    NOT_A_SPREADSHEET = "not-a-spreadsheet"
    PASSWORD = "password"
    DAMAGED = "damaged"
    EMPTY = "empty"
    NO_SUCH_SHEET = "no-such-sheet"
    TOO_LARGE = "too-large"

    def __init__(
        self, code: str, message: str, params: Mapping[str, str | int] | None = None
    ) -> None:
        super().__init__(message, params)
        self.code = code


@dataclass(frozen=True)
class SheetInfo:
    name: str
    rows: int | None  # None for workbooks: counting would mean reading the whole sheet
    visible: bool  # False for sheets hidden in Excel; the wizard may still offer them


@dataclass(frozen=True)
class Workbook:
    path: Path
    format: str  # "xlsx", "xls", "ods", "csv" (and "xlsb", which calamine reads as well)
    sha256: str
    size: int  # bytes
    sheets: tuple[SheetInfo, ...]  # worksheets in workbook order; chart sheets left out


def open_workbook(path: Path) -> Workbook:
    """The file's format, hash and sheets. Raises SheetError; never writes."""
    data = _read_file(path)
    fmt = _detect_format(path, data)
    digest = hashlib.sha256(data).hexdigest()
    if fmt == "csv":
        rows = _csv_rows(path, data)
        sheets: tuple[SheetInfo, ...] = (SheetInfo(path.stem, len(rows), True),)
    else:
        with _open_calamine(path, data) as book:
            sheets = tuple(
                SheetInfo(meta.name, None, meta.visible == SheetVisibleEnum.Visible)
                for meta in _metadata(path, book)
                if meta.typ == SheetTypeEnum.WorkSheet
            )
        if not sheets:
            raise _empty_file(path)
    return Workbook(path, fmt, digest, len(data), sheets)


def read_rows(path: Path, sheet: str, *, limit: int | None = None) -> list[list[Cell]]:
    """The sheet's rows from its row 1 (at most `limit`), trailing blank rows left out.

    Raises SheetError: besides the file's own errors, "no-such-sheet" for a name the file does
    not have and "empty" for a sheet with no value in any cell.
    """
    return list(iter_rows(path, sheet, limit=limit))


def iter_rows(path: Path, sheet: str, *, limit: int | None = None) -> Iterator[list[Cell]]:
    """read_rows, one row at a time, for callers that convert as they go. The file is read and
    the sheet parsed on the first `next()`, in full: calamine cannot stop early (only `limit`
    saves the conversion of the rows past it)."""
    if limit is not None and limit < 0:
        raise ValueError(limit)
    data = _read_file(path)
    fmt = _detect_format(path, data)
    if fmt == "csv":
        if sheet != path.stem:
            raise _no_such_sheet(path, sheet, [path.stem])
        rows = _csv_rows(path, data)
        if not rows:
            raise _empty_sheet(path, sheet)
        yield from islice(rows, limit)
        return
    if fmt == "xlsx":
        _check_xlsx_extent(path, data, sheet)
    yield from _workbook_rows(path, data, sheet, limit)


# Reading the file and telling its format


def _read_file(path: Path) -> bytes:
    params = {"path": str(path), "name": path.name}
    try:
        if path.is_dir():
            raise SheetError(
                SheetError.FOLDER,
                N_("{path} is a folder, not a file: open it and choose the spreadsheet in it."),
                params,
            )
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise SheetError(
                SheetError.TOO_LARGE,
                N_(
                    "The file {name} is too large to import ({size} MB, at most {limit} MB): "
                    "split the list into smaller files and import them one after the other."
                ),
                {**params, "size": size // 2**20, "limit": MAX_FILE_BYTES // 2**20},
            )
        data = path.read_bytes()
    except FileNotFoundError:
        raise SheetError(
            SheetError.MISSING,
            N_(
                "The file {path} does not exist (any more): check that the USB stick is in, "
                "or choose the file again."
            ),
            params,
        ) from None
    except IsADirectoryError:
        raise SheetError(
            SheetError.FOLDER,
            N_("{path} is a folder, not a file: open it and choose the spreadsheet in it."),
            params,
        ) from None
    except OSError as error:
        raise SheetError(
            SheetError.UNREADABLE,
            N_(
                "The file {name} cannot be read ({reason}): copy it to the Documents folder "
                "and import the copy."
            ),
            {**params, "reason": error.strerror or type(error).__name__},
        ) from None
    if not data.strip():
        raise _empty_file(path)
    return data


def _detect_format(path: Path, data: bytes) -> str:
    if data.startswith((_ZIP_MAGIC, _EMPTY_ZIP_MAGIC)):
        return _zip_format(path, data)
    if data.startswith(_OLE_MAGIC):
        return _ole_format(path, data)
    head = _decode_head(data)
    if head is None:
        raise _not_a_spreadsheet(path)
    if head.lstrip("\ufeff \t\r\n").startswith("<"):
        lowered = head.lower()
        if "<html" in lowered or "<table" in lowered or "<!doctype html" in lowered:
            raise SheetError(
                SheetError.NOT_A_SPREADSHEET,
                N_(
                    "The file {name} is a web page with a spreadsheet's name, as some portals "
                    "export lists: open it in Excel, save it as an Excel Workbook (.xlsx) and "
                    "import that file."
                ),
                {"name": path.name},
            )
        if "urn:schemas-microsoft-com:office:spreadsheet" in lowered:
            raise SheetError(
                SheetError.NOT_A_SPREADSHEET,
                N_(
                    "The file {name} is an old Excel 2003 XML spreadsheet: open it in Excel, "
                    "save it as an Excel Workbook (.xlsx) and import that file."
                ),
                {"name": path.name},
            )
    return "csv"


def _zip_format(path: Path, data: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            mimetype = archive.read("mimetype").strip() if "mimetype" in names else b""
    except _ZIP_ERRORS:
        raise _damaged(path) from None
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if mimetype in _ODS_MIMETYPES:
        return "ods"
    # A Word document, an OpenDocument text, a zipped folder: a ZIP, but no spreadsheet.
    raise _not_a_spreadsheet(path)


def _ole_format(path: Path, data: bytes) -> str:
    try:
        ole = _Ole(data)
        streams = {name.casefold(): (start, size) for name, start, size in ole.streams()}
        # Excel 2007+ encrypts the whole xlsx into an OLE file with these two streams.
        if "encryptioninfo" in streams or "encryptedpackage" in streams:
            raise _password(path)
        book = streams.get("workbook") or streams.get("book")  # BIFF8 (97-2003), BIFF5 (95)
        if book is None:
            raise _not_a_spreadsheet(path)  # a .doc, a .ppt, an .msg
        _check_biff(path, ole.read(*book, limit=MAX_FILE_BYTES))
    except (struct.error, ValueError, IndexError):
        raise _damaged(path) from None
    return "xls"


class _Ole:
    """Just enough of an OLE (Compound File Binary, [MS-CFB]) reader to list its streams and
    read the start of one. Raises ValueError, IndexError or struct.error on damage."""

    _MARKERS = 0xFFFFFFFA  # every sector id from here up ends a chain or marks a special sector
    _MINI_CUTOFF = 4096  # smaller streams live in the mini stream, which we never need to read

    def __init__(self, data: bytes) -> None:
        self.data = data
        shift = struct.unpack_from("<H", data, 30)[0]
        if shift not in (9, 12):
            raise ValueError(shift)
        self.size = 1 << shift
        per_sector = self.size // 4
        fat_count, self.first_dir = struct.unpack_from("<II", data, 44)
        first_difat, difat_count = struct.unpack_from("<II", data, 68)
        limit = len(data) // self.size + 1  # no chain is longer than the file; loops are damage
        fat_sectors = list(struct.unpack_from("<109I", data, 76))
        sid = first_difat
        for _ in range(min(difat_count, limit)):
            if sid >= self._MARKERS:
                break
            entries = struct.unpack(f"<{per_sector}I", self._sector(sid))
            fat_sectors.extend(entries[:-1])
            sid = entries[-1]
        self.fat: list[int] = []
        for fat_sid in fat_sectors[: min(fat_count, limit)]:
            if fat_sid < self._MARKERS:
                self.fat.extend(struct.unpack(f"<{per_sector}I", self._sector(fat_sid)))

    def _sector(self, sid: int) -> bytes:
        start = (sid + 1) * self.size
        if sid >= self._MARKERS or start + self.size > len(self.data):
            raise ValueError(sid)  # a cut file: the directory or the FAT is not all there
        return self.data[start : start + self.size]

    def _chain(self, sid: int) -> Iterator[int]:
        seen: set[int] = set()
        while sid < self._MARKERS:
            if sid in seen or sid >= len(self.fat):
                raise ValueError(sid)
            seen.add(sid)
            yield sid
            sid = self.fat[sid]

    def streams(self) -> list[tuple[str, int, int]]:
        """(name, first sector, size) of every stream and storage."""
        found = []
        for sid in self._chain(self.first_dir):
            block = self._sector(sid)
            for offset in range(0, self.size, 128):
                length, kind = struct.unpack_from("<HB", block, offset + 64)
                if kind in (1, 2) and 2 <= length <= 64:
                    name = block[offset : offset + length - 2].decode("utf-16-le", errors="replace")
                    start, size = struct.unpack_from("<IQ", block, offset + 116)
                    found.append((name, start, size))
        return found

    def read(self, start: int, size: int, *, limit: int) -> bytes:
        if size < self._MINI_CUTOFF:
            return b""
        out = bytearray()
        for sid in self._chain(start):
            out += self._sector(sid)
            if len(out) >= min(size, limit):
                break
        return bytes(out[: min(size, limit)])


def _check_biff(path: Path, stream: bytes) -> None:
    """Raise for what calamine cannot be trusted with in a Workbook stream.

    A password: calamine says "password" only when it picks its reader by the extension (from
    the bytes it says "cannot detect file format"), so the FILEPASS record is looked for here.
    A sheet's DIMENSIONS out of BIFF's bounds: calamine allocates the sheet from them before
    reading a cell, and one flipped byte there (a damaged file) aborts the whole process."""
    offset, sheets = 0, []
    while offset + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, offset)
        if kind == 0x002F:  # FILEPASS: a password to open (one only to modify is not this)
            raise _password(path)
        if kind == 0x0085:  # BOUNDSHEET: where the sheet's substream starts
            sheets.append(struct.unpack_from("<I", stream, offset + 4)[0])
        if kind == 0x000A:  # EOF of the globals
            break
        offset += 4 + length
    for start in sheets:
        offset = start
        while offset + 4 <= len(stream):
            kind, length = struct.unpack_from("<HH", stream, offset)
            if kind == 0x0200:
                if length >= 14:  # BIFF8: rows as 32 bits
                    first_row, end_row, first_col, end_col = struct.unpack_from(
                        "<IIHH", stream, offset + 4
                    )
                else:  # BIFF5
                    first_row, end_row, first_col, end_col = struct.unpack_from(
                        "<HHHH", stream, offset + 4
                    )
                if first_row > end_row or first_col > end_col or end_row > 65536 or end_col > 256:
                    raise ValueError(start)
                break
            if kind == 0x000A or (offset > start and kind == 0x0809):
                break
            offset += 4 + length


def _decode_head(data: bytes) -> str | None:
    """The first 64 KB as text, or None when it looks binary (control characters, NULs)."""
    head = data[: 64 * 1024]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="ignore")
    text = head.decode("utf-8", errors="ignore") if _is_utf8(head) else _cp1258(head)
    controls = sum(1 for ch in text if ch < " " and ch not in "\t\r\n\f\v\x1a")
    return None if controls else text


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        # A 64 KB head may cut a character in two; only an error before the last 3 bytes counts.
        return error.start >= len(data) - 3 and error.reason == "unexpected end of data"
    return True


def _cp1258(data: bytes) -> str:
    # cp1258 writes most toned vowels as a base letter plus a combining tone mark; NFC composes
    # them, so the text compares and folds like text typed in Unicode.
    return unicodedata.normalize("NFC", data.decode("cp1258", errors="replace"))


# CSV


def _csv_text(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return _cp1258(data[len(codecs.BOM_UTF8) :])
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _cp1258(data)


def _sniff_delimiter(text: str) -> str:
    """The one of , ; TAB that splits the first lines into the same number (> 1) of fields most
    often; csv.Sniffer guesses letters and spaces too, and fails on one-column files."""
    sample = [line for line in islice(io.StringIO(text, newline=""), 4 * _SNIFF_LINES)]
    best, best_score = ",", (0, 0)
    for delimiter in _CSV_DELIMITERS:
        try:
            counts = [
                len(fields)
                for fields in islice(csv.reader(sample, delimiter=delimiter), _SNIFF_LINES)
                if any(field.strip() for field in fields)
            ]
        except csv.Error:
            continue
        widths = [count for count in counts if count > 1]
        if not widths:
            continue
        modal = max(set(widths), key=widths.count)
        score = (widths.count(modal), modal)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(path: Path, data: bytes) -> list[list[Cell]]:
    text = _csv_text(data)
    delimiter = _sniff_delimiter(text)
    rows: list[list[Cell]] = []
    try:
        for fields in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append([_text_cell(field) for field in fields])
    except csv.Error:
        raise _damaged(path) from None
    while rows and all(cell is None for cell in rows[-1]):
        rows.pop()
    width = max((len(row) for row in rows), default=0)
    if len(rows) * width > MAX_CELLS:
        raise _too_many_cells(path, path.stem, len(rows) * width)
    for row in rows:
        row.extend([None] * (width - len(row)))
    return rows


def _text_cell(value: str) -> str | None:
    if not value or value.isspace() or value in _ERROR_TEXTS or _is_libreoffice_error(value):
        return None
    return value


def _is_libreoffice_error(value: str) -> bool:
    # LibreOffice shows a failed formula as "Err:" and a number, e.g. Err:502.
    return len(value) == 7 and value.startswith("Err:") and value[4:].isdigit()


# Workbooks (calamine)


def _open_calamine(path: Path, data: bytes) -> CalamineWorkbook:
    # From the bytes already read (and hashed), not from the path: calamine would pick the
    # reader by the file's extension, and a renamed file is common.
    try:
        return CalamineWorkbook.from_filelike(io.BytesIO(data))
    except BaseException as error:
        raise _calamine_error(path, error) from None


def _metadata(path: Path, book: CalamineWorkbook) -> list[python_calamine.SheetMetadata]:
    try:
        return list(book.sheets_metadata)
    except BaseException as error:
        raise _calamine_error(path, error) from None


def _workbook_rows(path: Path, data: bytes, name: str, limit: int | None) -> Iterator[list[Cell]]:
    with _open_calamine(path, data) as book:
        sheets = [meta.name for meta in _metadata(path, book)]
        if name not in sheets:
            raise _no_such_sheet(path, name, sheets)
        try:
            sheet = book.get_sheet_by_name(name)
            end = sheet.end
            if end is None:
                raise _empty_sheet(path, name)
            height, width = end[0] + 1, end[1] + 1
            if height * width > MAX_CELLS:
                raise _too_many_cells(path, name, height * width)
            if limit == 0:  # calamine 0.37 panics on nrows=0
                return
            # Not iter_rows: it starts at the first used column but at row 1, a quirk of
            # python-calamine 0.9 we would depend on. skip_empty_area=False gives the sheet from
            # A1, so indexes are Excel's.
            # (cast: calamine's own list type is a narrower union, and lists are invariant)
            raw = cast(list[list[Cell]], sheet.to_python(skip_empty_area=False, nrows=limit))
        except BaseException as error:
            raise _calamine_error(path, error) from None
    rows = 0
    # Blank rows at the end of a window that stops short of the sheet's end are not its end.
    for row in _normalised(raw, keep_trailing=limit is not None and limit < height):
        rows += 1
        yield row
    # Cells that hold only "" or an error make a range but no list; a limit may stop short of
    # the first value.
    if not rows and (limit is None or len(raw) < limit):
        raise _empty_sheet(path, name)


def _normalised(rows: list[list[Cell]], *, keep_trailing: bool) -> Iterator[list[Cell]]:
    """Rows with empty, blank and error texts as None, changed in place (a 50,000-row sheet is
    half a million cells: no second copy). Blank rows are held back until a filled row follows,
    which drops the trailing ones (a sheet formatted down to row 5000 but filled to row 40)."""
    pending: list[list[Cell]] = []
    errors = _ERROR_TEXTS
    for row in rows:
        filled = False
        for index, value in enumerate(row):
            if type(value) is str:
                if not value or value.isspace() or value in errors or _is_libreoffice_error(value):
                    row[index] = None
                    continue
            elif value is None:
                continue
            filled = True
        if not filled:
            pending.append(row)
            continue
        if pending:
            yield from pending
            pending = []
        yield row
    if keep_trailing:
        yield from pending


_ROW_NUMBER = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"')
_VALUE_CELL = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})(\d{1,7})"[^>]*?(/?)>')
_WIDE_REFS = ((re.compile(rb' r="[A-Z]{3}[0-9]'), 16384), (re.compile(rb' r="[A-Z]{2}[0-9]'), 702))
_CHUNK = 4 * 1024 * 1024


def _check_xlsx_extent(path: Path, data: bytes, name: str) -> None:
    """Refuse a sheet whose used range is too large before calamine sees it.

    calamine allocates every cell of the range from A1 to the last filled cell at once: one
    stray "x" typed in XFD1048576 asks for 512 GB and aborts the process (no exception), a
    value in ZZ200000 takes 4 GB. A bound from the last row and the longest column letters
    costs a fast scan; the exact extent (cells with a value only, as calamine counts) is
    computed only when the bound is over the limit. Any surprise in the ZIP is left to
    calamine, which reports it as damage."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            part = _xlsx_sheet_part(archive, name)
            if part is None:
                return
            last_row, columns = 0, 26
            for chunk in _chunks(archive, part):
                rows = _ROW_NUMBER.findall(chunk[-65536:])
                if rows:
                    last_row = max(last_row, int(rows[-1]))
                for pattern, width in _WIDE_REFS:
                    if width > columns and pattern.search(chunk):
                        columns = width
            if last_row * columns <= MAX_CELLS:
                return
            end_row = end_col = 0
            for chunk in _chunks(archive, part):
                for letters, row, closed in _VALUE_CELL.findall(chunk):
                    if not closed:
                        end_row = max(end_row, int(row))
                        end_col = max(end_col, _column_number(letters))
    except (*_ZIP_ERRORS, ElementTree.ParseError):
        return
    if end_row * end_col > MAX_CELLS:
        raise _too_many_cells(path, name, end_row * end_col)


def _xlsx_sheet_part(archive: zipfile.ZipFile, name: str) -> str | None:
    """The ZIP member holding sheet `name`, through workbook.xml and its relationships."""
    target_id = None
    for element in ElementTree.fromstring(archive.read("xl/workbook.xml")).iter():
        if element.tag.rsplit("}", 1)[-1] == "sheet" and element.get("name") == name:
            target_id = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for element in rels.iter():
        if element.get("Id") == target_id and target_id is not None:
            target = element.get("Target", "")
            if target.startswith("/"):
                return target.lstrip("/")
            return posixpath.normpath(posixpath.join("xl", target))
    return None


def _chunks(archive: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    # Overlapping, so that no reference is cut in two; the XML of a 200,000-row sheet is 100 MB.
    with archive.open(part) as stream:
        tail = b""
        while block := stream.read(_CHUNK):
            yield tail + block
            tail = block[-256:]


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _calamine_error(path: Path, error: BaseException) -> BaseException:
    """The SheetError for an exception out of calamine; Ctrl+C and exits pass through.

    Calamine's messages ("Could not find EOCD") mean nothing to a secretary, and a Rust panic
    on a malformed file arrives as pyo3's PanicException, a BaseException."""
    if isinstance(error, KeyboardInterrupt | SystemExit | GeneratorExit):
        return error
    if isinstance(error, SheetError):
        return error
    if isinstance(error, python_calamine.PasswordError):
        return _password(path)
    if isinstance(error, MemoryError):
        return _too_many_cells(path, path.name, MAX_CELLS)
    return _damaged(path)


# Messages


def _password(path: Path) -> SheetError:
    return SheetError(
        SheetError.PASSWORD,
        N_(
            "The file {name} is protected by a password: open it in Excel, remove the password "
            "(File > Info > Protect Workbook), save, and import it again."
        ),
        {"name": path.name},
    )


def _damaged(path: Path) -> SheetError:
    return SheetError(
        SheetError.DAMAGED,
        N_(
            "The file {name} is damaged or incomplete and cannot be read: open it in Excel or "
            "LibreOffice and, if it opens, save it again as .xlsx and import the new file; "
            "if not, import an earlier copy."
        ),
        {"name": path.name},
    )


def _not_a_spreadsheet(path: Path) -> SheetError:
    return SheetError(
        SheetError.NOT_A_SPREADSHEET,
        N_(
            "The file {name} is not a spreadsheet: choose an Excel (.xlsx, .xls), "
            "LibreOffice (.ods) or .csv file, or save the list in one of these formats first."
        ),
        {"name": path.name},
    )


def _empty_file(path: Path) -> SheetError:
    return SheetError(
        SheetError.EMPTY,
        N_("The file {name} is empty: choose the file that holds the list."),
        {"name": path.name},
    )


def _empty_sheet(path: Path, sheet: str) -> SheetError:
    return SheetError(
        SheetError.EMPTY,
        N_("The sheet {sheet} of {name} is empty: choose the sheet that holds the list."),
        {"name": path.name, "sheet": sheet},
    )


def _no_such_sheet(path: Path, sheet: str, sheets: list[str]) -> SheetError:
    return SheetError(
        SheetError.NO_SUCH_SHEET,
        N_("The file {name} has no sheet {sheet}; its sheets are: {sheets}."),
        {"name": path.name, "sheet": sheet, "sheets": ", ".join(sheets)},
    )


def _too_many_cells(path: Path, sheet: str, cells: int) -> SheetError:
    return SheetError(
        SheetError.TOO_LARGE,
        N_(
            "The sheet {sheet} of {name} is too large to import ({cells} cells, at most "
            "{limit}): split the list into smaller files, or delete the empty columns and rows "
            "at its end, and import again."
        ),
        {"name": path.name, "sheet": sheet, "cells": cells, "limit": MAX_CELLS},
    )
