"""The yearly registration forms of the learning models: "GIẤY ĐĂNG KÝ GIA ĐÌNH HỌC TẬP NĂM
2026" for a household, "GIẤY ĐĂNG KÝ DÒNG HỌ HỌC TẬP NĂM 2026" for a clan.

A form is what the household (or the clan) hands in, not a document the centre issues, so it
carries the national title and motto centred at the top (as an application does, Decree
30/2020 Appendix I) and the bodies it is addressed to under "Kính gửi". Then who registers, the
people (members of the household, households of the clan), the criteria it pledges to meet in
the year (the titles of the criteria set in force), the place and date, and two signatures:
the confirmation of the hamlet's Ban công tác khuyến học / Chi hội at the left, the head of the
household (of the clan) at the right.

One page per form: a form that does not fit at the body size is set smaller, first without the
criteria's sub-items, down to a still readable size; only a form too long even then (some
thirty people) runs on to a second page rather than print over its own margin.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, Paragraph, Spacer, Table, TableStyle

from desktop_app import __version__
from desktop_app.documents.fonts import BOLD, ITALIC, REGULAR, register_fonts
from desktop_app.documents.official import (
    OFFICIAL_MARGINS,
    TEXT_SIZE,
    balanced_lines,
    draw_centred,
    draw_national_title,
    fit_size,
    nfc,
    phrase_lines,
    upper,
)
from desktop_app.documents.output import atomic_output

__all__ = ["FormPledge", "RegistrationForm", "render_registration_forms"]

# Sizes tried in turn until the form fits its page: (body size, with the criteria's items).
# The smallest is still read without glasses by most; below it the form runs on over the page.
_ATTEMPTS: tuple[tuple[float, bool], ...] = (
    *((size, True) for size in (TEXT_SIZE, 12.5, 12.0, 11.5)),
    *((size, False) for size in (TEXT_SIZE, 12.5, 12.0, 11.5, 11.0, 10.5, 10.0, 9.5, 9.0)),
)
_TITLE_SIZE = 14.0
_MIN_TITLE_SIZE = 11.0


@dataclass(frozen=True)
class FormPledge:
    """One criterion the subject pledges to meet: its title and the titles of its items."""

    title: str
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class RegistrationForm:
    """Everything one form prints; plain data (the service reads it, any thread renders it).

    `facts` are the labelled lines under the title ("Họ và tên chủ hộ", "Địa chỉ"); a fact
    with an empty value is printed with dots to fill by hand. `columns`/`rows` are the people
    table ("STT" is added in front). `place_date` is the full line, or dots when not dated.
    """

    title: str  # "GIẤY ĐĂNG KÝ GIA ĐÌNH HỌC TẬP NĂM 2026"
    recipients: tuple[str, ...]  # "Ban công tác khuyến học thôn Đông", "Hội Khuyến học xã …"
    facts: tuple[tuple[str, str], ...]
    table_heading: str  # "Các thành viên trong gia đình:"
    columns: tuple[str, ...]  # "Họ và tên", "Năm sinh", "Quan hệ với chủ hộ"
    widths: tuple[float, ...]  # shares of the table width after STT, one per column
    rows: tuple[tuple[str, ...], ...]
    pledge_intro: str
    pledges: tuple[FormPledge, ...]
    basis: str  # "Theo Tiêu chí Gia đình học tập (Quyết định …)"
    closing: str  # "Gia đình chúng tôi cam kết …"
    place_date: str
    left_signer: tuple[str, ...]  # "XÁC NHẬN CỦA BAN CÔNG TÁC KHUYẾN HỌC", "THÔN ĐÔNG"
    right_signer: str  # "CHỦ HỘ"
    signer_name: str  # the head's name, printed under the signature ('' : written by hand)


_DOTS = "…" * 40


def _styles(size: float) -> dict[str, ParagraphStyle]:
    lead = size * 1.3
    return {
        "body": ParagraphStyle("body", fontName=REGULAR, fontSize=size, leading=lead),
        "just": ParagraphStyle(
            "just", fontName=REGULAR, fontSize=size, leading=lead, alignment=TA_JUSTIFY
        ),
        "pledge": ParagraphStyle(
            "pledge",
            fontName=REGULAR,
            fontSize=size,
            leading=lead,
            leftIndent=6 * mm,
            firstLineIndent=-5 * mm,
            alignment=TA_JUSTIFY,
        ),
        "basis": ParagraphStyle("basis", fontName=ITALIC, fontSize=size - 1, leading=lead - 1),
        "cell": ParagraphStyle("cell", fontName=REGULAR, fontSize=size - 1, leading=size * 1.15),
        "head": ParagraphStyle(
            "head", fontName=BOLD, fontSize=size - 1, leading=size * 1.15, alignment=TA_CENTER
        ),
        "centre": ParagraphStyle(
            "centre",
            fontName=REGULAR,
            fontSize=size - 1,
            leading=size * 1.15,
            alignment=TA_CENTER,
        ),
    }


def _text(text: str) -> str:
    """Paragraph markup of plain text: a name with '&' or '<' is not a tag."""
    return escape(nfc(" ".join(text.split())))


def _fact(label: str, value: str, style: ParagraphStyle) -> Paragraph:
    shown = f"<b>{_text(value)}</b>" if value.strip() else _DOTS
    return Paragraph(f"{_text(label)}: {shown}", style)


def _table(form: RegistrationForm, width: float, size: float) -> Table:
    styles = _styles(size)
    number = 12 * mm  # "STT" on one line at the largest size
    rest = width - number
    total = sum(form.widths) or 1.0
    widths = [number, *(rest * share / total for share in form.widths)]
    data: list[list[Any]] = [
        [
            Paragraph("STT", styles["head"]),
            *(Paragraph(_text(c), styles["head"]) for c in form.columns),
        ]
    ]
    for n, row in enumerate(form.rows, start=1):
        cells: list[Any] = [Paragraph(str(n), styles["centre"])]
        for i, value in enumerate(row):
            # The name column (the first) reads left aligned; short facts are centred.
            cells.append(Paragraph(_text(value), styles["cell" if i == 0 else "centre"]))
        data.append(cells)
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("LEFTPADDING", (0, 0), (-1, -1), 3),
                ("RIGHTPADDING", (0, 0), (-1, -1), 3),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ]
        )
    )
    return table


class _Signatures(Flowable):  # type: ignore[misc]  # reportlab has no type hints
    """Two columns: the hamlet's confirmation at the left, the place-and-date line and the
    head's signature at the right, each with room to sign."""

    def __init__(self, form: RegistrationForm, size: float) -> None:
        super().__init__()
        self.form = form
        self.size = size
        self.space = max(15 * mm, 22 * mm * size / TEXT_SIZE)

    def _column(self) -> float:
        return float(self.width / 2 - 2 * mm)

    def _name_lines(self) -> list[str]:
        name = nfc(" ".join(self.form.signer_name.split()))
        return balanced_lines(name, BOLD, self.size, self._column()) if name else []

    def _left_lines(self) -> list[str]:
        return [
            part
            for line in self.form.left_signer
            for part in phrase_lines(upper(line), BOLD, self.size, self._column())
        ]

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        self.width = available_width
        left = len(self._left_lines()) + 1
        right = 2 + len(self._name_lines())
        lines = max(left, right - 1 + self.space / (self.size * 1.3))
        self.height = self.size * 1.3 * (lines + 1) + self.size * 0.4
        return self.width, self.height

    def draw(self) -> None:
        canvas, size, step = self.canv, self.size, self.size * 1.3
        column = self._column()
        left, right = column / 2, self.width - column / 2
        top = self.height - size
        date_size = fit_size(self.form.place_date, ITALIC, size, column)
        draw_centred(canvas, self.form.place_date, right, top, ITALIC, date_size)
        y = top - step
        # The left column starts on the signature row, level with "CHỦ HỘ".
        left_y = y
        for part in self._left_lines():
            draw_centred(canvas, part, left, left_y, BOLD, size)
            left_y -= step
        draw_centred(canvas, "(Ký, ghi rõ họ tên)", left, left_y, ITALIC, size - 1)
        draw_centred(canvas, upper(self.form.right_signer), right, y, BOLD, size)
        draw_centred(canvas, "(Ký, ghi rõ họ tên)", right, y - step, ITALIC, size - 1)
        name_y = y - step - self.space
        for line in self._name_lines():
            draw_centred(canvas, line, right, name_y, BOLD, size)
            name_y -= step


def _story(form: RegistrationForm, width: float, size: float, items: bool) -> list[Flowable]:
    styles = _styles(size)
    gap = size * 0.5
    story: list[Flowable] = []
    for label, value in form.facts:
        story.append(_fact(label, value, styles["body"]))
    story.append(Spacer(1, gap))
    if form.table_heading:
        story.append(Paragraph(_text(form.table_heading), styles["body"]))
        story.append(Spacer(1, gap / 2))
    story.append(_table(form, width, size))
    story.append(Spacer(1, gap))
    story.append(Paragraph(_text(form.pledge_intro), styles["just"]))
    for n, pledge in enumerate(form.pledges, start=1):
        text = f"{n}. <b>{_text(pledge.title)}</b>"
        if items and pledge.items:
            text += ": " + "; ".join(_text(i[:1].lower() + i[1:]) for i in pledge.items) + "."
        story.append(Paragraph(text, styles["pledge"]))
    if form.basis.strip():
        story.append(Paragraph(_text(form.basis), styles["basis"]))
    story.append(Spacer(1, gap / 2))
    story.append(Paragraph(_text(form.closing), styles["just"]))
    story.append(Spacer(1, gap))
    story.append(_Signatures(form, size))
    return story


def _height(story: Sequence[Flowable], width: float) -> float:
    return sum(float(f.wrap(width, 10_000)[1]) for f in story)


def _frame(x: float, y: float, width: float, height: float) -> Frame:
    return Frame(
        x, y, width, height, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0,
        showBoundary=0,
    )  # fmt: skip


def _fill(frame: Frame, story: list[Flowable], canvas: Canvas) -> None:
    """Draw from the front of `story` into `frame` until it is full, splitting the table
    across the frame's end (its heading row repeats); what did not fit stays in `story`."""
    while story:
        if frame.add(story[0], canvas, trySplit=0):
            del story[0]
            continue
        parts = frame.split(story[0], canvas)
        if len(parts) < 2:
            return
        story[0:1] = parts


def _draw_heading(canvas: Canvas, form: RegistrationForm, centre: float, top: float,
                  width: float) -> float:  # fmt: skip
    """National title, the form's title and "Kính gửi"; return the y under them."""
    rule = draw_national_title(canvas, centre, top)
    y = rule - 9 * mm
    title_size = fit_size(form.title, BOLD, _TITLE_SIZE, width, _MIN_TITLE_SIZE)
    for line in phrase_lines(nfc(form.title), BOLD, title_size, width):
        draw_centred(canvas, line, centre, y, BOLD, title_size)
        y -= title_size * 1.3
    y -= 3 * mm
    recipients = [r for r in form.recipients if r.strip()]
    if recipients:
        label = "Kính gửi:"
        canvas.setFont(BOLD, TEXT_SIZE)
        label_width = canvas.stringWidth(label, BOLD, TEXT_SIZE)
        x = centre - width / 4
        canvas.drawString(x - label_width - 2 * mm, y, label)
        for recipient in recipients:
            text = f"- {nfc(' '.join(recipient.split()))}"
            size = fit_size(text, REGULAR, TEXT_SIZE, centre + width / 2 - x)
            canvas.setFont(REGULAR, size)
            canvas.drawString(x, y, text)
            y -= TEXT_SIZE * 1.3
    return float(y - 2 * mm)


def _draw_form(canvas: Canvas, form: RegistrationForm) -> int:
    """Draw one form from a fresh page; return the pages it took (1 unless very long)."""
    page_width, page_height = A4
    margins = OFFICIAL_MARGINS
    width = page_width - margins.left - margins.right
    centre = margins.left + width / 2
    bottom = _draw_heading(canvas, form, centre, page_height - margins.top, width)
    room = bottom - margins.bottom
    chosen = _ATTEMPTS[-1]
    for size, items in _ATTEMPTS:
        if _height(_story(form, width, size, items), width) <= room:
            chosen = (size, items)
            break
    story = _story(form, width, *chosen)
    _fill(_frame(margins.left, margins.bottom, width, room), story, canvas)
    pages = 1
    while story:  # too long even at the smallest size: go on over the page
        canvas.showPage()
        pages += 1
        height = page_height - margins.top - margins.bottom
        before = len(story)
        _fill(_frame(margins.left, margins.bottom, width, height), story, canvas)
        if len(story) == before:  # a piece taller than a page: never loop for ever
            raise ValueError("a registration form has a part taller than a page")
    canvas.showPage()
    return pages


def render_registration_forms(
    forms: Sequence[RegistrationForm], out: Path, *, title: str = "", author: str = ""
) -> int:
    """Write the forms, one after another, to `out` (complete or not at all); returns the
    number of pages."""
    if not forms:
        raise ValueError("no registration form to print")
    register_fonts()
    pages = 0
    with atomic_output(out) as part:
        canvas = Canvas(str(part), pagesize=A4, initialFontName=REGULAR)
        canvas.setTitle(nfc(title or forms[0].title))
        canvas.setAuthor(nfc(author))
        canvas.setCreator(f"tthtcd {__version__}")
        for form in forms:
            pages += _draw_form(canvas, form)
        canvas.save()
    return pages
