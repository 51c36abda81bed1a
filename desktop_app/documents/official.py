"""The official Vietnamese document layout (Decree 30/2020/NĐ-CP, Appendix I) on a reportlab canvas.

Portrait A4: issuing body top left, national title and motto top right, document number and
the place-and-date line under them, signature block bottom right. Certificates reuse the
pieces (e.g. `draw_national_title` centred on a landscape page).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import getAscent, getDescent, stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from desktop_app.documents.fonts import BOLD, ITALIC, REGULAR, register_fonts

NATIONAL_TITLE = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

# Sizes within the decree's ranges: title 12-13, motto 13-14, issuer 12-13, the rest 13-14.
# The title takes the low end so it fits the right column with the decree's 30 mm left margin.
TITLE_SIZE = 12.0
MOTTO_SIZE = 13.0
ISSUER_SIZE = 12.0
TEXT_SIZE = 13.0
MIN_FIT_SIZE = 10.0

RULE_WIDTH = 0.6
_RULE_GAP = 2.0  # points between the descenders (dots below: ộ, ạ) and a rule
_LINE = 1.2  # line height as a multiple of the font size


@dataclass(frozen=True)
class Margins:
    """Page margins in points."""

    top: float
    bottom: float
    left: float
    right: float


# The decree's ranges are top/bottom 20-25 mm, left 30-35 mm, right 15-20 mm.
OFFICIAL_MARGINS = Margins(top=20 * mm, bottom=20 * mm, left=30 * mm, right=15 * mm)


@dataclass(frozen=True)
class Issuer:
    """The issuing body: e.g. parent 'UBND xã Đông Hòa', name 'Trung tâm học tập cộng đồng'.

    Both are printed in capitals (the parent regular, the issuer bold), however they are typed.
    """

    name: str
    parent: str = ""


@dataclass(frozen=True)
class HeaderLayout:
    """Where the header ended up, so the caller can place the title, body and signature."""

    left_centre: float
    right_centre: float
    bottom: float  # y below which the body may start


def nfc(text: str) -> str:
    """Composed Unicode: decomposed marks are drawn as separate, misplaced glyphs."""
    return unicodedata.normalize("NFC", text)


def upper(text: str) -> str:
    return nfc(nfc(text).upper())


def fit_size(
    text: str, font: str, size: float, width: float, min_size: float = MIN_FIT_SIZE
) -> float:
    """The largest size up to `size` at which `text` fits `width` (never below `min_size`)."""
    natural = float(stringWidth(nfc(text), font, size))
    if natural <= width:
        return size
    return max(min_size, size * width / natural)


def balanced_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """Wrap to `width` in as few lines as possible, with lines of similar length.

    Greedy wrapping leaves a lone word on the last line ('TRUNG TÂM HỌC TẬP CỘNG / ĐỒNG'),
    which looks wrong in a centred heading.
    """
    text = nfc(" ".join(text.split()))
    lines: list[str] = list(simpleSplit(text, font, size, width))
    if len(lines) <= 1:
        return lines
    low, high = 0.0, width
    for _ in range(20):
        middle = (low + high) / 2
        if len(simpleSplit(text, font, size, middle)) == len(lines):
            high = middle
        else:
            low = middle
    return list(simpleSplit(text, font, size, high))


# Syllables that make one word or one name together: a heading never breaks inside them
# ('TRUNG TÂM HỌC / TẬP CỘNG ĐỒNG' reads as nonsense). Longest first.
_PHRASES = (
    "ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN", "HỘI KHUYẾN HỌC", "TỔ DÂN PHỐ", "THÀNH PHỐ",
    "ĐẶC KHU", "THỊ TRẤN",
    "TRUNG TÂM", "HỌC TẬP", "CỘNG ĐỒNG", "KHUYẾN HỌC", "KHUYẾN TÀI", "NHÂN DÂN", "KHU PHỐ",
    "BAN CHẤP HÀNH", "THƯỜNG VỤ", "GIÁO DỤC", "ĐÀO TẠO", "HỘI ĐỒNG", "HỌC SINH",
)  # fmt: skip
# A unit word starts a place name that runs to the end of the text ('PHƯỜNG THỦY XUÂN').
_PLACE_UNITS = ("XÃ", "PHƯỜNG", "TỈNH", "THÀNH PHỐ", "ĐẶC KHU", "THỊ TRẤN", "HUYỆN", "QUẬN")
_MAX_EXACT = 14  # phrases: up to this many, every way of breaking is tried


def phrases(text: str) -> list[str]:
    """The text cut into the pieces a heading may break between (see _PHRASES)."""
    words = nfc(" ".join(text.split())).split(" ") if text.strip() else []
    upper_words = [w.upper() for w in words]
    out: list[str] = []
    i = 0
    while i < len(words):
        taken = 1
        for phrase in _PHRASES:
            n = phrase.count(" ") + 1
            if " ".join(upper_words[i : i + n]) == phrase:
                taken = n
                break
        piece = " ".join(upper_words[i : i + taken])
        # A place unit with the name after it stays whole (phrase_lines still breaks a place
        # too wide for one line between its own words).
        if piece in _PLACE_UNITS and len(words) - i - taken > 0:
            taken = len(words) - i
        out.append(" ".join(words[i : i + taken]))
        i += taken
    return out


def phrase_lines(text: str, font: str, size: float, width: float) -> list[str]:
    """Wrap a centred heading to `width` breaking only between phrases: as few lines as
    possible, then lines of similar length. A single phrase wider than `width` (no break
    could help) is wrapped by syllables, as balanced_lines does."""
    pieces: list[str] = []
    for piece in phrases(text):
        # A place name too wide for one line may break between its own words.
        too_wide = stringWidth(piece, font, size) > width
        pieces += piece.split(" ") if too_wide and " " in piece else [piece]
    if not pieces:
        return []
    if len(pieces) > _MAX_EXACT:
        return _greedy(pieces, font, size, width)
    place = [p.split(" ")[0].upper() in _PLACE_UNITS or p.upper() in _PLACE_UNITS for p in pieces]
    best: tuple[tuple[int, int, float], list[str]] | None = None
    for mask in range(1 << (len(pieces) - 1)):
        lines: list[str] = []
        current = [pieces[0]]
        for k, piece in enumerate(pieces[1:]):
            if mask >> k & 1:
                lines.append(" ".join(current))
                current = [piece]
            else:
                current.append(piece)
        lines.append(" ".join(current))
        widest = max(float(stringWidth(line, font, size)) for line in lines)
        if widest > width:
            continue
        place_break = any(mask >> k & 1 and place[k + 1] for k in range(len(pieces) - 1))
        key = (len(lines), 0 if place_break else 1, widest)
        if best is None or key < best[0]:
            best = (key, lines)
    return best[1] if best else balanced_lines(text, font, size, width)


def _greedy(pieces: list[str], font: str, size: float, width: float) -> list[str]:
    """Fill each line with whole phrases (a text too long to try every way of breaking)."""
    lines: list[str] = []
    for piece in pieces:
        joined = f"{lines[-1]} {piece}" if lines else piece
        if lines and stringWidth(joined, font, size) <= width:
            lines[-1] = joined
        else:
            lines.append(piece)
    return lines


def is_place(phrase: str) -> bool:
    """Whether a piece of `phrases` is a place: 'PHƯỜNG THỦY XUÂN', 'xã Đông Hòa'."""
    upper_phrase = phrase.upper()
    return any(upper_phrase == u or upper_phrase.startswith(u + " ") for u in _PLACE_UNITS)


def draw_centred(canvas: Canvas, text: str, x: float, y: float, font: str, size: float) -> float:
    """Draw one line centred on x at baseline y; return its width."""
    text = nfc(text)
    canvas.setFont(font, size)
    canvas.drawCentredString(x, y, text)
    return float(stringWidth(text, font, size))


def draw_rule(canvas: Canvas, centre: float, y: float, length: float) -> None:
    canvas.setLineWidth(RULE_WIDTH)
    canvas.line(centre - length / 2, y, centre + length / 2, y)


def _first_baseline(top: float, font: str, size: float) -> float:
    return top - float(getAscent(font, size))


def _below(baseline: float, font: str, size: float) -> float:
    """The y just under a line's descenders (getDescent is negative)."""
    return baseline + float(getDescent(font, size))


def national_title_width(title_size: float = TITLE_SIZE, motto_size: float = MOTTO_SIZE) -> float:
    return float(
        max(stringWidth(NATIONAL_TITLE, BOLD, title_size), stringWidth(MOTTO, BOLD, motto_size))
    )


def draw_national_title(
    canvas: Canvas,
    centre: float,
    top: float,
    *,
    title_size: float = TITLE_SIZE,
    motto_size: float = MOTTO_SIZE,
) -> float:
    """National title, motto centred under it, rule as long as the motto; return y of the rule."""
    register_fonts()
    title_baseline = _first_baseline(top, BOLD, title_size)
    draw_centred(canvas, NATIONAL_TITLE, centre, title_baseline, BOLD, title_size)
    motto_baseline = title_baseline - motto_size * _LINE
    motto_width = draw_centred(canvas, MOTTO, centre, motto_baseline, BOLD, motto_size)
    rule_y = _below(motto_baseline, BOLD, motto_size) - _RULE_GAP
    draw_rule(canvas, centre, rule_y, motto_width)
    return rule_y


def draw_issuer(
    canvas: Canvas,
    issuer: Issuer,
    centre: float,
    top: float,
    width: float,
    *,
    size: float = ISSUER_SIZE,
) -> float:
    """Parent body (regular) over issuing body (bold), capitals, wrapped to `width`, short rule
    under it; return y of the rule."""
    register_fonts()
    baseline = _first_baseline(top, BOLD, size)
    lines: list[tuple[str, str]] = []
    if issuer.parent.strip():
        parent_lines = phrase_lines(upper(issuer.parent), REGULAR, size, width)
        lines += [(line, REGULAR) for line in parent_lines]
    name_lines = phrase_lines(upper(issuer.name), BOLD, size, width)
    lines += [(line, BOLD) for line in name_lines]
    name_width = 0.0
    for i, (line, font) in enumerate(lines):
        drawn = draw_centred(canvas, line, centre, baseline - i * size * _LINE, font, size)
        if font == BOLD:
            name_width = max(name_width, drawn)
    last_baseline = baseline - (len(lines) - 1) * size * _LINE
    rule_y = _below(last_baseline, BOLD, size) - _RULE_GAP
    # Common practice is a rule a third to a half as long as the issuer's name.
    draw_rule(canvas, centre, rule_y, max(40.0, name_width * 0.4))
    return rule_y


def draw_place_date(
    canvas: Canvas, text: str, centre: float, baseline: float, width: float, size: float = TEXT_SIZE
) -> None:
    """The italic place-and-date line (see desktop_app.core.dates.place_date_line)."""
    register_fonts()
    draw_centred(canvas, text, centre, baseline, ITALIC, fit_size(text, ITALIC, size, width))


def draw_official_header(
    canvas: Canvas,
    issuer: Issuer,
    *,
    number: str = "",
    place_date: str = "",
    page_size: tuple[float, float] = A4,
    margins: Margins = OFFICIAL_MARGINS,
) -> HeaderLayout:
    """Draw the whole portrait header.

    `number` is the document number without its label, e.g. '05/QĐ-TTHTCĐ' (printed as
    'Số: 05/QĐ-TTHTCĐ'); `place_date` is the full line from `place_date_line`.
    """
    register_fonts()
    page_width, page_height = page_size
    top = page_height - margins.top
    content_left = margins.left
    content_right = page_width - margins.right
    gap = 4 * mm
    # The title block gets the room it needs; the issuer gets the rest and wraps if it must.
    right_width = national_title_width() + 2 * mm
    right_centre = content_right - right_width / 2
    left_width = content_right - content_left - right_width - gap
    left_centre = content_left + left_width / 2

    issuer_rule = draw_issuer(canvas, issuer, left_centre, top, left_width)
    title_rule = draw_national_title(canvas, right_centre, top)

    # Number (left) and place-and-date (right) share one baseline, as in the decree's sample.
    row = min(issuer_rule, title_rule) - 2.2 * TEXT_SIZE
    bottom = min(issuer_rule, title_rule)
    if number.strip():
        text = f"Số: {number.strip()}"
        size = fit_size(text, REGULAR, TEXT_SIZE, left_width)
        draw_centred(canvas, text, left_centre, row, REGULAR, size)
        bottom = _below(row, REGULAR, TEXT_SIZE)
    if place_date.strip():
        draw_place_date(canvas, place_date.strip(), right_centre, row, right_width)
        bottom = min(bottom, _below(row, ITALIC, TEXT_SIZE))
    return HeaderLayout(left_centre=left_centre, right_centre=right_centre, bottom=bottom - 6)


def draw_signature_block(
    canvas: Canvas,
    centre: float,
    top: float,
    *,
    position: str,
    name: str,
    authority: str = "",
    size: float = TEXT_SIZE,
    signing_space: float = 28 * mm,
) -> float:
    """Authority ('TM. BAN GIÁM ĐỐC'), position and name, with room for signature and seal.

    Returns the y under the name.
    """
    register_fonts()
    baseline = _first_baseline(top, BOLD, size)
    if authority.strip():
        draw_centred(canvas, upper(authority), centre, baseline, BOLD, size)
        baseline -= size * _LINE
    draw_centred(canvas, upper(position), centre, baseline, BOLD, size)
    baseline -= signing_space
    # The name as the person writes it; the decree forbids academic titles before it.
    draw_centred(canvas, " ".join(name.split()), centre, baseline, BOLD, size)
    return _below(baseline, BOLD, size)


class SignatureFlowable(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """In a story: the place-and-date line, then the position, room to sign and stamp, and
    the name, in a column of `column` at the right (rosters, the certificate register)."""

    def __init__(
        self, place_date: str, position: str, name: str, *, column: float, signing_space: float
    ) -> None:
        super().__init__()
        self.place_date = place_date
        self.position = position
        self.name = name
        self.column = column
        self.signing_space = signing_space

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        self.height = TEXT_SIZE * 1.6 + TEXT_SIZE * 1.2 + self.signing_space + TEXT_SIZE * 1.6
        return self.width, self.height

    def draw(self) -> None:
        centre = self.width - self.column / 2
        top = self.height
        if self.place_date.strip():
            draw_place_date(
                self.canv, self.place_date.strip(), centre, top - TEXT_SIZE, self.column
            )
        if self.position.strip() or self.name.strip():
            draw_signature_block(
                self.canv,
                centre,
                top - TEXT_SIZE * 1.6,
                position=self.position,
                name=self.name,
                signing_space=self.signing_space,
            )
