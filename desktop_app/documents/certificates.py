"""Certificates (Giấy chứng nhận, Giấy khen): landscape A4 pages laid out by a template.

One merged PDF for printing, or a ZIP with one PDF per person for sending. The layout comes
from resources/templates/<kind>.json (see templates.py); this module fits the text, draws the
border and the QR code and writes the file.

Speed (DESIGN.md section 8: 1,000 certificates in at most twice the time of 1,000 plain text
pages) decides four things here:
- everything that is the same on every page (border, national title, the certificate's title)
  is drawn once into a PDF form and only referenced by each page;
- the QR code is encoded by a fast path that produces exactly the symbol reportlab's
  QrCodeWidget would (same encoder tables, same mask choice; tests compare them module by
  module), because the widget's pure-Python mask search costs about 50 ms a code: 50 s for
  1,000 certificates against about 1 s for the plain pages;
- the QR modules go to the page as one small inline image mask (see _qr_operators);
- streams are written binary, without reportlab's default ASCII85 armour (see _binary_streams).
"""

from __future__ import annotations

import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.graphics.barcode.qrencoder import (
    EXP_TABLE,
    LOG_TABLE,
    QRCode,
    QRErrorCorrectLevel,
    QRRSBlock,
    QRUtil,
)
from reportlab.pdfbase.pdfmetrics import getDescent, stringWidth
from reportlab.pdfgen.canvas import Canvas

from desktop_app import __version__
from desktop_app.core.progress import Cancelled
from desktop_app.core.text import fold
from desktop_app.documents.fonts import REGULAR, register_fonts
from desktop_app.documents.official import is_place, phrases
from desktop_app.documents.output import atomic_output, write_failed
from desktop_app.documents.templates import (
    ABSOLUTE_MIN_SIZE,
    PLACEHOLDER_FIELDS,
    CertificateTemplate,
    TextElement,
    load_template,
)

__all__ = [
    "CertificatePage",
    "FittedText",
    "fit_text",
    "qr_rows",
    "render_certificates",
    "render_certificates_zip",
    "write_certificates",
    "zip_member_name",
]

Progress = Callable[[int, int], bool]

KIND_TITLES = {
    "completion": "Giấy chứng nhận",
    "commendation": "Giấy khen",
    "recognition": "Giấy công nhận",
}

_RULE_WIDTH = 0.6
_RULE_GAP = 2.0  # points between the lowest marks (ộ, ạ) and a rule under the text
_ELLIPSIS = "…"
# Joins the words of a phrase that a line must not break inside; printed as a space.
KEEP = "\u00a0"
# Whitespace a line may break at: every kind but KEEP.
_BREAKS = re.compile(r"[^\S\u00a0]+")
# The names of bodies, which wrap only between whole phrases ("TRUNG TÂM / HỌC TẬP").
_NAMES = ("issuer", "issuer_parent")


@cache  # the same one or two names on every page of a batch
def keep_phrases(name: str) -> str:
    """A body's name with KEEP inside its phrases (official.phrases), so a line breaks
    only between them; with a place at its end, only before the place ('TRUNG TÂM HỌC TẬP
    CỘNG ĐỒNG / PHƯỜNG THỦY XUÂN'), as official.phrase_lines does."""
    pieces = phrases(name)
    if len(pieces) > 1 and is_place(pieces[-1]):
        pieces = [" ".join(pieces[:-1]), pieces[-1]]
    return " ".join(piece.replace(" ", KEEP) for piece in pieces)


@dataclass(frozen=True)
class CertificatePage:
    """What one certificate prints. Every text is printed as given (after NFC); an empty field
    prints nothing. `kind` names the template ("completion", "commendation", "recognition")."""

    kind: str
    serial: str  # "12/2026"
    full_name: str
    birth: str  # "07/03/1985" or "1985"
    hamlet: str
    course_title: str
    course_dates: str
    result: str  # "Khá"
    place_date: str  # "Xã Đông Hòa, ngày 05 tháng 02 năm 2026"
    issuer_parent: str  # "UBND XÃ ĐÔNG HÒA"
    issuer: str  # "TRUNG TÂM HỌC TẬP CỘNG ĐỒNG"
    signer_title: str  # "GIÁM ĐỐC"
    signer_name: str
    qr_payload: str  # signed text, see desktop_app.core.certificates.build_payload
    reprint: bool = False
    # A preview: the numbers are not registered yet, so the page says so across its middle
    # and carries no QR code (nothing on it can be verified).
    preview: bool = False
    salutation: str = "Ông/Bà"  # "Ông", "Bà"
    birth_label: str = "Sinh ngày"  # or "Sinh năm" before a year alone
    hamlet_label: str = "Thôn"  # "Ấp", "Tổ dân phố"...
    achievement: str = ""  # "Đã đạt thành tích học tập loại Giỏi trong khóa học:"
    decision: str = ""  # "Theo Quyết định số 12/QĐ-TTHTCĐ, ngày 20/05/2026"
    # A Giấy công nhận: the title recognised ("Gia đình học tập năm 2026") and the line above
    # the signer's title when the body signs through its head ("TM. ỦY BAN NHÂN DÂN").
    model_title: str = ""
    signer_for: str = ""

    def values(self) -> dict[str, str]:
        values = {name: getattr(self, name) or "" for name in PLACEHOLDER_FIELDS}
        for name in _NAMES:
            values[name] = keep_phrases(values[name])
        return values

    @property
    def has_qr(self) -> bool:
        return bool(self.qr_payload) and not self.preview


# --------------------------------------------------------------------------------------------
# Fitting text into its line


Piece = tuple[str, str]  # text, font name
Run = tuple[str, str, float]  # text, font name, width at the fitted size


@dataclass(frozen=True)
class FittedText:
    """Text laid out for one element: its size and, per line, runs of one font each."""

    size: float
    lines: tuple[tuple[Run, ...], ...]
    widths: tuple[float, ...]  # of each line, at `size`


# Width of a word at size 1, per font. Vietnamese text is made of a few thousand syllables
# that recur on every certificate, and reportlab measures TrueType text one character at a
# time in Python; remembering words halves the time spent laying out a page. Widths add up
# exactly (reportlab applies no kerning), so a line is the sum of its words and spaces.
_WIDTHS: dict[Piece, float] = {}
_WIDTHS_LIMIT = 200_000


def _unit_width(text: str, font: str) -> float:
    key = (text, font)
    width = _WIDTHS.get(key)
    if width is None:
        if len(_WIDTHS) >= _WIDTHS_LIMIT:
            _WIDTHS.clear()
        width = _WIDTHS[key] = float(stringWidth(text, font, 1.0))
    return width


def _squeeze(text: str) -> str:
    """Each run of whitespace (newlines, tabs, double spaces) as one space, keeping whether the
    text starts or ends with one: that is what separates it from the next span."""
    parts = _BREAKS.split(text)
    inner = " ".join(part for part in parts if part)
    if not inner:
        return " " if text else ""
    return (" " if not parts[0] else "") + inner + (" " if not parts[-1] else "")


def _words(pieces: Sequence[Piece]) -> list[list[Piece]]:
    """Split into words; a word may change font inside ("Số:" + "12/2026" without a space)."""
    words: list[list[Piece]] = []
    current: list[Piece] = []
    for text, font in pieces:
        for number, token in enumerate(_squeeze(text).split(" ")):
            if number and current:  # a space came before this token
                words.append(current)
                current = []
            if token:
                current.append((token, font))
    if current:
        words.append(current)
    return words


def _line(words: Sequence[list[Piece]], size: float) -> tuple[tuple[Run, ...], float]:
    """Words as runs of one font each (the space after a word goes in that word's font), with
    the line's width at `size`."""
    runs: list[list[Any]] = []
    last = len(words) - 1
    for i, word in enumerate(words):
        for j, (text, font) in enumerate(word):
            text = text.replace(KEEP, " ")
            width = _unit_width(text, font)
            if i < last and j == len(word) - 1:
                text += " "
                width += _unit_width(" ", font)
            if runs and runs[-1][1] == font:
                runs[-1][0] += text
                runs[-1][2] += width
            else:
                runs.append([text, font, width])
    out = tuple((text, font, width * size) for text, font, width in runs)
    return out, sum(run[2] for run in out)


def _truncate(line: tuple[Run, ...], size: float, width: float) -> tuple[tuple[Run, ...], float]:
    """Cut the end of a line so that it and an ellipsis fit `width`: the last resort for text
    that would not fit even at the smallest size."""
    pieces = [[text, font] for text, font, _ in line]
    while pieces:
        text, font = pieces[-1]
        widths = [float(stringWidth(t, f, size)) for t, f in pieces]
        if sum(widths) + float(stringWidth(_ELLIPSIS, font, size)) <= width:
            pieces[-1][0] = text.rstrip() + _ELLIPSIS
            runs = tuple((t, f, float(stringWidth(t, f, size))) for t, f in pieces)
            return runs, sum(run[2] for run in runs)
        if len(text) > 1:
            pieces[-1][0] = text[:-1]
        else:
            pieces.pop()
    return (), 0.0


def _floor(size: float) -> float:
    # Rounding down keeps a fitted line from exceeding its width by a rounding error.
    return math.floor(size * 100) / 100


def fit_text(pieces: Sequence[Piece], size: float, min_size: float, max_width: float) -> FittedText:
    """Lay out text within `max_width`: one line at `size` if it fits; else one line shrunk,
    but not below `min_size`; else two balanced lines, as large as they fit up to `size` (a
    120-letter course title then keeps the size of the lines around it), and below `min_size`
    only if they must, down to ABSOLUTE_MIN_SIZE, where they are cut with an ellipsis.

    Runs of spaces (and other whitespace) print as one space.
    """
    register_fonts()
    words = _words(pieces)
    if not words:
        return FittedText(size=size, lines=(), widths=())
    unit_runs, one_line = _line(words, 1.0)

    if one_line * size <= max_width:
        # The usual case: one line at full size, measured once.
        runs = tuple((text, font, width * size) for text, font, width in unit_runs)
        return FittedText(size=size, lines=(runs,), widths=(one_line * size,))
    if one_line * min_size <= max_width:
        chosen, splits = _floor(max_width / one_line), [words]
    elif len(words) == 1:
        chosen, splits = max(ABSOLUTE_MIN_SIZE, _floor(max_width / one_line)), [words]
    else:
        # The split that makes the longer of the two lines as short as possible.
        best_split, best_width = 1, math.inf
        for k in range(1, len(words)):
            longer = max(_line(words[:k], 1.0)[1], _line(words[k:], 1.0)[1])
            if longer < best_width:
                best_split, best_width = k, longer
        chosen = max(ABSOLUTE_MIN_SIZE, min(size, _floor(max_width / best_width)))
        splits = [words[:best_split], words[best_split:]]

    lines: list[tuple[Run, ...]] = []
    widths: list[float] = []
    for part in splits:
        runs, width = _line(part, chosen)
        if width > max_width:
            runs, width = _truncate(runs, chosen, max_width)
        lines.append(runs)
        widths.append(width)
    return FittedText(size=chosen, lines=tuple(lines), widths=tuple(widths))


def _element_pieces(element: TextElement, values: Mapping[str, str]) -> list[Piece]:
    pieces = []
    for span in element.spans:
        text = unicodedata.normalize("NFC", span.resolve(values))
        if element.upper:
            text = unicodedata.normalize("NFC", text.upper())
        pieces.append((text, span.font))
    return pieces


@dataclass
class _PageState:
    """What is set on the canvas, so unchanged fonts and colours are not set again."""

    font: tuple[str, float] | None = None
    fill: tuple[float, float, float] | None = None


def _draw_element(
    canvas: Canvas,
    element: TextElement,
    values: Mapping[str, str],
    page_height: float,
    shift: float,
    state: _PageState,
) -> float:
    """Draw one element `shift` points below its place; return how much lower it ended than a
    one-line element would (what the rest of its group moves down)."""
    fitted = fit_text(
        _element_pieces(element, values), element.size, element.min_size, element.max_width
    )
    if not fitted.lines:
        return 0.0
    size = fitted.size
    step = size * element.leading
    first = page_height - element.y - shift
    if state.fill != element.colour:
        canvas.setFillColorRGB(*element.colour)
        state.fill = element.colour
    for number, (line, width) in enumerate(zip(fitted.lines, fitted.widths, strict=True)):
        if element.align == "left":
            x = element.x
        elif element.align == "right":
            x = element.x - width
        else:
            x = element.x - width / 2
        baseline = first - number * step
        for text, font, run_width in line:
            if state.font != (font, size):
                canvas.setFont(font, size)
                state.font = (font, size)
            canvas.drawString(x, baseline, text)
            x += run_width
    if element.rule is not None:
        widest = max(fitted.widths)
        length = widest if element.rule == 0 else element.rule
        offset = {"left": 0.0, "right": widest}.get(element.align, widest / 2)
        centre = element.x - offset + widest / 2
        last_font = fitted.lines[-1][-1][1]
        y = first - (len(fitted.lines) - 1) * step + float(getDescent(last_font, size)) - _RULE_GAP
        canvas.setStrokeColorRGB(*element.colour)
        canvas.setLineWidth(_RULE_WIDTH)
        canvas.line(centre - length / 2, y, centre + length / 2, y)
    return (len(fitted.lines) - 1) * step


# --------------------------------------------------------------------------------------------
# QR code
#
# Byte mode, error correction M, the text as UTF-8 behind an ECI 26 ("this is UTF-8")
# designator: without it a reader is free to take the bytes as Latin-1 and print "Nguyá»…n".
# reportlab's encoder supplies the tables (block structure, generator polynomials, function
# patterns, data placement, format bits) and is the reference the tests compare against; what
# is replaced is the arithmetic: Reed-Solomon with a precomputed table per generator, and the
# eight mask penalties on the whole symbol as one big integer (bit operations instead of
# Python loops over modules). The penalty rules are reportlab's, quirks included (its
# finder-pattern rule only ever matches in rows), so the chosen mask and the symbol are the
# same as QrCodeWidget's.

_QR_LEVEL = QRErrorCorrectLevel.M
_ECI_UTF8 = 26
_FINDER_LIKE = (1, 0, 1, 1, 1, 0, 1, 0, 0, 0, 0)


@dataclass(frozen=True)
class _QrLayout:
    """Everything about a QR version that does not depend on the text."""

    version: int
    n: int
    blocks: tuple[tuple[int, int], ...]  # (data codewords, error correction codewords)
    data_codewords: int
    place: Any  # itemgetter: bit stream -> modules in row-major order
    data_modules: int
    function_test: int  # function patterns with format/version areas light (penalty scoring)
    function_final: tuple[int, ...]  # ... with the format bits for each mask
    masks: tuple[int, ...]  # per mask, the data modules it inverts
    full: int
    not_last_col: int
    not_last_row: int
    finder_starts: int


def _modules_int(modules: Sequence[Sequence[bool]]) -> int:
    # Row-major, top-left module as the most significant bit.
    return int("".join("1" if dark else "0" for row in modules for dark in row), 2)


def _data_bits_needed(version: int, length: int) -> int:
    # ECI header (4 + 8 bits), byte mode indicator (4), count (8 or 16 bits), the bytes.
    return 4 + 8 + 4 + (8 if version < 10 else 16) + 8 * length


# Data codewords each version holds at level M.
_QR_CAPACITY = tuple(
    sum(b.dataCount for b in QRRSBlock.getRSBlocks(version, _QR_LEVEL)) for version in range(1, 41)
)


def _qr_version(length: int) -> int:
    for version, capacity in enumerate(_QR_CAPACITY, start=1):
        if _data_bits_needed(version, length) <= capacity * 8:
            return version
    raise ValueError(f"QR payload of {length} bytes is too long for a QR code")


@cache
def _generator_table(ec_count: int) -> tuple[int, ...]:
    """For each leading byte, the generator polynomial times that byte, as one integer."""
    generator = QRUtil.getErrorCorrectPolynomial(ec_count).num
    logs = [LOG_TABLE[g] for g in generator[1:]]
    table = [0]
    for factor in range(1, 256):
        log_factor = LOG_TABLE[factor]
        value = 0
        for log_g in logs:
            value = (value << 8) | EXP_TABLE[(log_g + log_factor) % 255]
        table.append(value)
    return tuple(table)


@cache
def _qr_layout(version: int) -> _QrLayout:
    n = version * 4 + 17
    size = n * n
    blocks = tuple(
        (b.dataCount, b.totalCount - b.dataCount) for b in QRRSBlock.getRSBlocks(version, _QR_LEVEL)
    )
    qr = QRCode(version, _QR_LEVEL)
    qr.makeImpl(True, 0)
    positions: list[tuple[int, int]] = list(qr.dataPosIterator())
    modules = [list(row) for row in qr.modules]
    for col, row in positions:
        modules[row][col] = False
    function_test = _modules_int(modules)
    function_final = []
    masks = []
    for mask in range(8):
        qr.modules = [list(row) for row in modules]
        qr.setupTypeInfo(False, mask)
        if version >= 7:
            qr.setupTypeNumber(False)
        function_final.append(_modules_int(qr.modules))
        inverts = QRUtil.getMask(mask)
        pattern = [[False] * n for _ in range(n)]
        for col, row in positions:
            pattern[row][col] = bool(inverts(row, col))
        masks.append(_modules_int(pattern))
    # Non-data modules pick the "0" appended after the data bits.
    order = [len(positions)] * size
    for index, (col, row) in enumerate(positions):
        order[row * n + col] = index
    full = (1 << size) - 1
    return _QrLayout(
        version=version,
        n=n,
        blocks=blocks,
        data_codewords=sum(d for d, _ in blocks),
        place=itemgetter(*order),
        data_modules=len(positions),
        function_test=function_test,
        function_final=tuple(function_final),
        masks=tuple(masks),
        full=full,
        not_last_col=full ^ int(("0" * (n - 1) + "1") * n, 2),
        not_last_row=full ^ ((1 << n) - 1),
        finder_starts=int(("1" * (n - 11) + "0" * 11) * n, 2),
    )


def _codewords(data: bytes, layout: _QrLayout) -> bytes:
    """Data and error correction codewords, interleaved as they are placed."""
    count_bits = 8 if layout.version < 10 else 16
    bits = f"0111{_ECI_UTF8:08b}0100{len(data):0{count_bits}b}"
    if data:
        bits += format(int.from_bytes(data, "big"), f"0{8 * len(data)}b")
    if len(bits) + 4 <= layout.data_codewords * 8:
        bits += "0000"
    bits += "0" * (-len(bits) % 8)
    used = len(bits) // 8
    padding = bytes((0xEC, 0x11) * (layout.data_codewords - used))[: layout.data_codewords - used]
    stream = int(bits, 2).to_bytes(used, "big") + padding
    data_blocks: list[bytes] = []
    ec_blocks: list[bytes] = []
    offset = 0
    for data_count, ec_count in layout.blocks:
        block = stream[offset : offset + data_count]
        offset += data_count
        table = _generator_table(ec_count)
        shift = 8 * (ec_count - 1)
        keep = (1 << (8 * ec_count)) - 1
        remainder = 0
        for byte in block:
            remainder = ((remainder << 8) & keep) ^ table[(remainder >> shift) ^ byte]
        data_blocks.append(block)
        ec_blocks.append(remainder.to_bytes(ec_count, "big"))
    out = bytearray()
    for blocks in (data_blocks, ec_blocks):
        # Column by column across the blocks; later blocks may be one codeword longer.
        shortest = min(len(b) for b in blocks)
        out.extend(chain.from_iterable(zip(*blocks, strict=False)))
        for i in range(shortest, max(len(b) for b in blocks)):
            out.extend(b[i] for b in blocks if i < len(b))
    return bytes(out)


def _penalty(x: int, layout: _QrLayout) -> int:
    """reportlab's mask penalty (QRUtil.getLostPoint) on a symbol held as one integer."""
    n, full = layout.n, layout.full
    # Runs of five or more modules of one colour: 3 points, plus 1 per module past five. A run
    # of length L has L-4 windows of five and one start, so the score is windows + 2 * starts.
    same_right = (full ^ (x ^ (x << 1))) & layout.not_last_col
    windows = same_right & (same_right << 1) & (same_right << 2) & (same_right << 3)
    score = windows.bit_count() + 2 * (windows & ~(windows >> 1)).bit_count()
    same_below = (full ^ (x ^ (x << n))) & layout.not_last_row
    windows = same_below & (same_below << n) & (same_below << 2 * n) & (same_below << 3 * n)
    score += windows.bit_count() + 2 * (windows & ~(windows >> n)).bit_count()
    # 2x2 blocks of one colour.
    score += 3 * (same_right & same_below & (same_below << 1)).bit_count()
    # 1011101 followed by four light modules, in rows only (see the module comment).
    light = full ^ x
    found = layout.finder_starts
    for k, dark in enumerate(_FINDER_LIKE):
        found &= (x if dark else light) << k
    score += 40 * found.bit_count()
    # Balance of dark and light.
    score += 10 * (abs(100 * x.bit_count() // (n * n) - 50) // 5)
    return score


def _qr_symbol(text: str) -> tuple[int, int]:
    """(modules per side, symbol as an integer: row-major, top-left most significant)."""
    data = text.encode("utf-8")
    layout = _qr_layout(_qr_version(len(data)))
    codewords = _codewords(data, layout)
    bits = format(int.from_bytes(codewords, "big"), f"0{8 * len(codewords)}b")
    # Remainder bits after the last codeword are light, as in reportlab's mapData.
    bits = bits[: layout.data_modules].ljust(layout.data_modules, "0") + "0"
    data_image = int("".join(layout.place(bits)), 2)
    best_mask, best_score = 0, -1
    for mask in range(8):
        score = _penalty(data_image ^ layout.masks[mask] | layout.function_test, layout)
        if best_score < 0 or score < best_score:
            best_mask, best_score = mask, score
    return layout.n, data_image ^ layout.masks[best_mask] | layout.function_final[best_mask]


def qr_rows(text: str) -> list[str]:
    """The QR symbol for `text` as rows of '1' (dark) and '0' (light), without quiet zone."""
    n, symbol = _qr_symbol(text)
    flat = format(symbol, f"0{n * n}b")
    return [flat[i : i + n] for i in range(0, n * n, n)]


def _qr_operators(text: str, x: float, y: float, size: float) -> str:
    """PDF operators painting the symbol with its lower-left corner at (x, y), `size` wide.

    The symbol is an inline 1-bit image mask, one sample per module, scaled to `size` and
    painted in black: about 600 bytes for a whole code. Measured against the alternatives
    (bench/certificates.py), one filled path of run rectangles costs four times as much per
    page, mostly in formatting a thousand rectangles and compressing them, and reportlab's
    QrCodeWidget a hundred times as much. A mask is not interpolated (PDF's default), so the
    modules stay sharp at any scale and print as solid squares.
    """
    n, symbol = _qr_symbol(text)
    pad = -n % 8
    flat = format(symbol, f"0{n * n}b")
    tail = "0" * pad
    row_bytes = (n + pad) // 8
    data = b"".join(
        int(flat[i : i + n] + tail, 2).to_bytes(row_bytes, "big") for i in range(0, n * n, n)
    )
    # /D [1 0]: a 1 bit (dark module) is painted, a 0 bit leaves the paper blank.
    return (
        f"q 0 g {size:.3f} 0 0 {size:.3f} {x:.3f} {y:.3f} cm "
        f"BI /W {n} /H {n} /BPC 1 /IM true /D [1 0] /F /AHx ID {data.hex()}> EI Q"
    )


# --------------------------------------------------------------------------------------------
# Pages


@dataclass(frozen=True)
class _Prepared:
    """A template split into what every page shares (drawn once, as a form) and the rest."""

    template: CertificateTemplate
    form: str
    fixed: tuple[TextElement, ...]
    variable: tuple[TextElement, ...]
    # Per element of a group: how far below it the group's next line is, which is how far
    # the rest of the group moves up when it is left out (an empty field, say).
    gaps: Mapping[int, float]


def _prepare(kind: str, template_dir: Path | None) -> _Prepared:
    template = load_template(kind, template_dir=template_dir)
    fixed: list[TextElement] = []
    variable: list[TextElement] = []
    moving_groups: set[str] = set()
    for element in template.elements:
        # A line can be shared by all pages only if nothing above it in its group can wrap
        # and push it down.
        shared = (
            not element.fields
            and element.only_if is None
            and (element.group is None or element.group not in moving_groups)
        )
        if shared:
            fixed.append(element)
        else:
            variable.append(element)
            if element.group is not None:
                moving_groups.add(element.group)
    gaps: dict[int, float] = {}
    last_of_group: dict[str, TextElement] = {}
    for element in template.elements:
        if element.group is None:
            continue
        above = last_of_group.get(element.group)
        if above is not None:
            gaps[above.index] = element.y - above.y
        last_of_group[element.group] = element
    return _Prepared(
        template=template,
        form=f"certificate-{kind}",
        fixed=tuple(fixed),
        variable=tuple(variable),
        gaps=gaps,
    )


def _left_out(element: TextElement, page: CertificatePage, values: Mapping[str, str]) -> bool:
    """Whether the page leaves the element out: its condition (see templates.py) is not met."""
    condition = element.only_if
    if condition is None:
        return False
    if condition == "reprint":
        return not page.reprint
    if condition == "qr":
        return not page.has_qr
    return not values.get(condition, "").strip()  # no "Thôn:" with nothing after it


def _draw_border(canvas: Canvas, template: CertificateTemplate) -> None:
    border = template.border
    width, height = template.page_width, template.page_height
    canvas.setStrokeColorRGB(*border.colour)
    canvas.setFillColorRGB(*border.colour)
    for inset, line_width in (
        (border.outer_inset, border.outer_width),
        (border.inner_inset, border.inner_width),
    ):
        if line_width > 0:
            canvas.setLineWidth(line_width)
            canvas.rect(inset, inset, width - 2 * inset, height - 2 * inset, stroke=1, fill=0)
    if border.corner > 0:
        # Small squares centred on the inner corners, all in one path.
        path = canvas.beginPath()
        half = border.corner / 2
        inset = border.inner_inset
        for cx in (inset, width - inset):
            for cy in (inset, height - inset):
                path.rect(cx - half, cy - half, border.corner, border.corner)
        canvas.drawPath(path, stroke=0, fill=1)


@dataclass
class _Document:
    """A canvas and what has been set up on it."""

    canvas: Canvas
    page_size: tuple[float, float]
    forms: set[str]


def _binary_streams() -> None:
    """Write PDF streams compressed and binary, without reportlab's default ASCII85 layer.

    ASCII85 keeps a PDF 7-bit clean for mail systems of the 1990s; every reader takes binary
    streams, and reportlab's pure-Python encoder (the C accelerator is not installed) was a
    quarter of the time spent per certificate. It is a process-wide reportlab setting, read
    when a stream is written, so it is set and not restored: later PDFs are binary too.
    """
    rl_config.useA85 = 0


class _Writer:
    """Draws certificate pages; templates are read once per batch."""

    def __init__(self, pages: Sequence[CertificatePage], template_dir: Path | None) -> None:
        register_fonts()
        _binary_streams()
        self.prepared = {
            kind: _prepare(kind, template_dir) for kind in dict.fromkeys(p.kind for p in pages)
        }

    def open(self, target: str | io.BytesIO, pages: Sequence[CertificatePage]) -> _Document:
        first = self.prepared[pages[0].kind].template
        size = (first.page_width, first.page_height)
        canvas = Canvas(
            target,
            pagesize=size,
            # Without this reportlab declares Helvetica on every page: a font we do not embed.
            initialFontName=REGULAR,
            pageCompression=1,
        )
        titles = sorted({KIND_TITLES.get(p.kind, p.kind) for p in pages})
        canvas.setTitle(" - ".join(titles))
        canvas.setAuthor(unicodedata.normalize("NFC", pages[0].issuer))
        canvas.setCreator(f"tthtcd {__version__}")
        canvas.setSubject("certificates")
        return _Document(canvas=canvas, page_size=size, forms=set())

    def draw(self, document: _Document, page: CertificatePage) -> None:
        """Draw one page and close it."""
        canvas = document.canvas
        prepared = self.prepared[page.kind]
        template = prepared.template
        size = (template.page_width, template.page_height)
        if document.page_size != size:
            canvas.setPageSize(size)
            document.page_size = size
        if prepared.form not in document.forms:
            canvas.beginForm(prepared.form)
            _draw_border(canvas, template)
            form_state = _PageState()
            for element in prepared.fixed:
                _draw_element(canvas, element, {}, template.page_height, 0.0, form_state)
            canvas.endForm()
            document.forms.add(prepared.form)
        canvas.doForm(prepared.form)

        values = page.values()
        state = _PageState()
        shifts: dict[str, float] = {}
        for element in prepared.variable:
            if _left_out(element, page, values):
                if element.group:
                    gap = prepared.gaps.get(element.index, 0.0)
                    shifts[element.group] = shifts.get(element.group, 0.0) - gap
                continue
            shift = shifts.get(element.group, 0.0) if element.group else 0.0
            extra = _draw_element(canvas, element, values, template.page_height, shift, state)
            if element.group:
                shifts[element.group] = shift + extra

        if page.preview:
            _draw_preview_mark(canvas, template.page_width, template.page_height)
        elif page.qr_payload:
            qr = template.qr
            bottom = template.page_height - qr.top - qr.size
            canvas.addLiteral(_qr_operators(page.qr_payload, qr.x, bottom, qr.size))
        canvas.showPage()


PREVIEW_MARK = "BẢN XEM TRƯỚC"


def _draw_preview_mark(canvas: Canvas, width: float, height: float) -> None:
    """The preview mark in large grey letters across the middle of the page (level, so that
    it reads as one phrase when the PDF's text is extracted)."""
    text = unicodedata.normalize("NFC", PREVIEW_MARK)
    size = 0.8 * width / max(stringWidth(text, REGULAR, 1), 1)
    canvas.saveState()
    canvas.setFillColorRGB(0.6, 0.6, 0.6, alpha=0.35)
    canvas.setFont(REGULAR, size)
    canvas.drawCentredString(width / 2, height / 2 - size / 3, text)
    canvas.restoreState()


def _keep_going(progress: Progress | None, done: int, total: int) -> None:
    # Only an explicit False cancels, so a callback that forgets to return does not.
    if progress is not None and progress(done, total) is False:
        raise Cancelled()


def _check_pages(pages: Sequence[CertificatePage]) -> None:
    if not pages:
        raise ValueError("no certificates to render")


def render_certificates(
    pages: Sequence[CertificatePage],
    out: Path,
    *,
    progress: Progress | None = None,
    template_dir: Path | None = None,
) -> int:
    """Write all certificates into one PDF, one page each; return the page count.

    `progress(done, total)` is called before the first page and after each one; returning
    False stops with Cancelled. The file appears at `out` only when complete.
    Raises TemplateError (from templates.py) before writing anything if a template is bad.
    """
    _check_pages(pages)
    writer = _Writer(pages, template_dir)
    with atomic_output(out) as part:
        _write_pdf(writer, pages, part, progress)
    return len(pages)


def write_certificates(
    pages: Sequence[CertificatePage],
    path: Path,
    *,
    as_zip: bool = False,
    progress: Progress | None = None,
    template_dir: Path | None = None,
) -> int:
    """Write the PDF (or ZIP) straight into `path`, with no rename: for a caller that renames
    it itself once something else is done (see documents.output.PendingOutput)."""
    _check_pages(pages)
    writer = _Writer(pages, template_dir)
    try:
        if as_zip:
            _write_zip(writer, pages, path, progress)
        else:
            _write_pdf(writer, pages, path, progress)
    except OSError as exc:
        raise write_failed(path, exc) from exc
    return len(pages)


def _write_pdf(
    writer: _Writer, pages: Sequence[CertificatePage], path: Path, progress: Progress | None
) -> None:
    total = len(pages)
    _keep_going(progress, 0, total)
    document = writer.open(str(path), pages)
    for done, page in enumerate(pages, start=1):
        writer.draw(document, page)
        _keep_going(progress, done, total)
    document.canvas.save()


def zip_member_name(page: CertificatePage) -> str:
    """'012-2026_Nguyen_Van_An.pdf': the register number, then the name without marks."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", page.serial)
    if match:
        serial = f"{int(match.group(1)):03d}-{match.group(2)}"
    else:
        serial = "-".join(fold(page.serial).split()) or "so"
    name = "_".join(word.capitalize() for word in fold(page.full_name).split())
    return f"{serial}_{name}.pdf" if name else f"{serial}.pdf"


def render_certificates_zip(
    pages: Sequence[CertificatePage],
    out_zip: Path,
    *,
    progress: Progress | None = None,
    template_dir: Path | None = None,
) -> int:
    """Write a ZIP with one PDF per certificate (see zip_member_name); return the count.

    Progress, cancelling and the .part file work as in render_certificates.
    """
    _check_pages(pages)
    writer = _Writer(pages, template_dir)
    with atomic_output(out_zip) as part:
        _write_zip(writer, pages, part, progress)
    return len(pages)


def _write_zip(
    writer: _Writer, pages: Sequence[CertificatePage], path: Path, progress: Progress | None
) -> None:
    total = len(pages)
    used: set[str] = set()
    _keep_going(progress, 0, total)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, page in enumerate(pages, start=1):
            buffer = io.BytesIO()
            document = writer.open(buffer, [page])
            writer.draw(document, page)
            document.canvas.save()
            name = zip_member_name(page)
            stem, counter = name[:-4], 2
            # Two certificates for one person in the same batch must not overwrite.
            while name in used:
                name = f"{stem}-{counter}.pdf"
                counter += 1
            used.add(name)
            archive.writestr(name, buffer.getvalue())
            _keep_going(progress, done, total)
