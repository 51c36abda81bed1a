"""Membership cards (thẻ hội viên) of the Hội Khuyến học: CR80 cards, ten to an A4 sheet.

The cards are cut out by hand with a ruler and a cutter, so they sit in a 2 × 5 grid with
gutters between them and a cut mark at every corner, drawn only in the gutters and margins:
a mark inside a card would show once it is cut. The grid is centred on the sheet so a
printer's own offset spreads evenly on both sides.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from desktop_app import __version__
from desktop_app.core.progress import Cancelled
from desktop_app.documents.fonts import BOLD, REGULAR, register_fonts
from desktop_app.documents.official import balanced_lines, fit_size, nfc, upper
from desktop_app.documents.output import atomic_output

__all__ = [
    "CARDS_PER_PAGE",
    "CARD_HEIGHT",
    "CARD_WIDTH",
    "COLUMNS",
    "ROWS",
    "MemberCard",
    "card_cells",
    "render_member_cards",
]

Progress = Callable[[int, int], bool]

CARD_WIDTH: float = 85.6 * mm  # ISO/IEC 7810 ID-1 (CR80)
CARD_HEIGHT: float = 54.0 * mm
COLUMNS, ROWS = 2, 5
CARDS_PER_PAGE = COLUMNS * ROWS
PAGE = A4
# 5 × 54 mm leaves 27 mm of the 297: 3 mm between rows keeps 7.5 mm top and bottom, inside
# what office printers can reach.
_COLUMN_GAP = 8.0 * mm
_ROW_GAP = 3.0 * mm
_MARK_OFFSET = 0.5 * mm  # marks start a little off the corner so a cut never touches them
_MARK_LENGTH = 2.0 * mm  # short enough to stay inside the 3 mm gap between rows
_MARK_WIDTH = 0.3
_CORNER_RADIUS = 3.18 * mm  # the rounded corner of a CR80 card
_PADDING = 4.0 * mm


@dataclass(frozen=True)
class MemberCard:
    """One card: e.g. association "HỘI KHUYẾN HỌC XÃ ĐÔNG HÒA", branch "Chi hội thôn 1"."""

    association: str
    full_name: str
    member_number: str
    branch: str
    join_year: int
    birth: str = ""  # "12/05/1990" or "1990"; left off the card when empty


def card_cells(page_size: tuple[float, float] = PAGE) -> tuple[tuple[float, float], ...]:
    """Lower-left corners (points, PDF coordinates) of the ten cards on a sheet, in reading
    order: left to right, top to bottom."""
    page_width, page_height = page_size
    grid_width = COLUMNS * CARD_WIDTH + (COLUMNS - 1) * _COLUMN_GAP
    grid_height = ROWS * CARD_HEIGHT + (ROWS - 1) * _ROW_GAP
    left = (page_width - grid_width) / 2
    top = page_height - (page_height - grid_height) / 2
    return tuple(
        (
            left + column * (CARD_WIDTH + _COLUMN_GAP),
            top - (row + 1) * CARD_HEIGHT - row * _ROW_GAP,
        )
        for row in range(ROWS)
        for column in range(COLUMNS)
    )


def _cut_marks(canvas: Canvas, cells: Sequence[tuple[float, float]]) -> None:
    canvas.setLineWidth(_MARK_WIDTH)
    start, end = _MARK_OFFSET, _MARK_OFFSET + _MARK_LENGTH
    for x, y in cells:
        for cx, dx in ((x, -1), (x + CARD_WIDTH, 1)):
            for cy, dy in ((y, -1), (y + CARD_HEIGHT, 1)):
                # Each mark continues one edge of the card outward from its corner.
                canvas.line(cx + dx * start, cy, cx + dx * end, cy)
                canvas.line(cx, cy + dy * start, cx, cy + dy * end)


def _centred(
    canvas: Canvas, text: str, centre: float, baseline: float, font: str, size: float
) -> None:
    canvas.setFont(font, size)
    canvas.drawCentredString(centre, baseline, text)


def _field(
    canvas: Canvas, label: str, value: str, x: float, baseline: float, width: float, size: float
) -> None:
    """'Label: value' on one line, the value shrunk (never cut) to fit what the label leaves."""
    label = f"{label}: "
    label_width = float(stringWidth(label, REGULAR, size))
    value_size = fit_size(value, BOLD, size, width - label_width, 5.0)
    canvas.setFont(REGULAR, size)
    canvas.drawString(x, baseline, label)
    canvas.setFont(BOLD, value_size)
    canvas.drawString(x + label_width, baseline, value)


def _draw_card(canvas: Canvas, card: MemberCard, x: float, y: float) -> None:
    canvas.setLineWidth(0.5)
    canvas.roundRect(x, y, CARD_WIDTH, CARD_HEIGHT, _CORNER_RADIUS)
    inner = CARD_WIDTH - 2 * _PADDING
    centre = x + CARD_WIDTH / 2
    top = y + CARD_HEIGHT - _PADDING

    # The association's name on at most two balanced lines, shrunk if even that is too wide.
    association = upper(card.association)
    size = 8.5
    lines = balanced_lines(association, BOLD, size, inner)
    while len(lines) > 2 and size > 5.0:
        size -= 0.5
        lines = balanced_lines(association, BOLD, size, inner)
    baseline = top - size
    for line in lines[:2]:
        _centred(canvas, line, centre, baseline, BOLD, fit_size(line, BOLD, size, inner, 4.0))
        baseline -= size * 1.15
    canvas.setLineWidth(0.4)
    rule_y = baseline + size * 0.55
    canvas.line(centre - 12 * mm, rule_y, centre + 12 * mm, rule_y)

    baseline = rule_y - 6.0 * mm
    _centred(canvas, "THẺ HỘI VIÊN", centre, baseline, BOLD, 13)

    name = nfc(" ".join(card.full_name.split()))
    baseline -= 7.0 * mm
    _centred(canvas, name, centre, baseline, BOLD, fit_size(name, BOLD, 14, inner, 5.0))

    birth = card.birth.strip()
    fields = [
        ("Số thẻ", card.member_number),
        ("Chi hội", card.branch),
        *([("Năm sinh" if birth.isdigit() else "Ngày sinh", birth)] if birth else []),
        ("Vào hội năm", str(card.join_year)),
    ]
    field_size = 9.0
    leading = field_size * 1.4
    # The fields sit on the card's lower edge, so a short list leaves the room above, under
    # the name, rather than an empty strip at the bottom.
    baseline = y + _PADDING + 1 * mm + (len(fields) - 1) * leading
    left = x + _PADDING + 3 * mm
    for label, value in fields:
        value = nfc(" ".join(value.split()))
        _field(canvas, label, value, left, baseline, inner - 6 * mm, field_size)
        baseline -= leading


def _keep_going(progress: Progress | None, done: int, total: int) -> None:
    # Only an explicit False cancels, as in certificates: a callback that returns None does not.
    if progress is not None and progress(done, total) is False:
        raise Cancelled()


def render_member_cards(
    cards: Sequence[MemberCard],
    out: Path,
    *,
    progress: Progress | None = None,
) -> int:
    """Write the cards, ten to an A4 sheet with cut marks; return the page count.

    `progress(done, total)` is called before the first card and after each one; returning
    False stops with Cancelled and leaves no file. The file appears at `out` only when
    complete.
    """
    if not cards:
        raise ValueError("no member cards to render")
    register_fonts()
    total = len(cards)
    cells = card_cells()
    pages = 0
    with atomic_output(out) as part:
        _keep_going(progress, 0, total)
        canvas = Canvas(
            str(part),
            pagesize=PAGE,
            # Without this reportlab declares Helvetica on every page, a font we do not embed.
            initialFontName=REGULAR,
            initialFontSize=10,
        )
        canvas.setTitle(nfc(f"Thẻ hội viên - {upper(cards[0].association)}"))
        canvas.setAuthor(upper(cards[0].association))
        canvas.setCreator(f"tthtcd {__version__}")
        for start in range(0, total, CARDS_PER_PAGE):
            sheet = cards[start : start + CARDS_PER_PAGE]
            _cut_marks(canvas, cells[: len(sheet)])
            for offset, (card, (x, y)) in enumerate(zip(sheet, cells, strict=False), start=1):
                _draw_card(canvas, card, x, y)
                _keep_going(progress, start + offset, total)
            canvas.showPage()
            pages += 1
        canvas.save()
    return pages
