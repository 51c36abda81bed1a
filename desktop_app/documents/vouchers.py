"""Phiếu thu / phiếu chi of the Quỹ Khuyến học, after the form set the centre picked.

The set (core.voucher_forms: Circular 24/2024 by default, Circular 107/2017, or the
association's internal form) gives the form codes, the legal basis and the wording of the
fields that differ; this module reads it and branches on nothing else.

One voucher per A5 landscape page, the size the printed voucher books use. The page carries
the unit and fund top left, the form code top right, the title with the book, number and the
Nợ/Có accounts, the party, reason and amount in figures and in words, five signature columns
and the "Đã nhận đủ số tiền" line.

A voucher never shows one amount in figures and another in words: the words are checked
against the figure before anything is written. Text that does not fit at the normal size is
set smaller (down to 8 pt); past that the voucher is refused rather than cut. Every entry
the fund service accepts (core.fund.MAX_PARTY_NAME and the other limits) fits.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A5, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import getAscent, getDescent, stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph

from desktop_app import __version__
from desktop_app.core.dates import place_date_line
from desktop_app.core.money import format_amount, is_amount_in_words
from desktop_app.core.voucher_forms import DEFAULT_FORM, VoucherForm, voucher_form
from desktop_app.documents.fonts import BOLD, BOLD_ITALIC, ITALIC, REGULAR, register_fonts
from desktop_app.documents.official import fit_size, nfc, phrase_lines, upper
from desktop_app.documents.output import atomic_output

__all__ = [
    "KINDS",
    "PAYMENT_FORM",
    "RECEIPT_FORM",
    "VoucherData",
    "VoucherTooLong",
    "render_voucher",
    "render_vouchers",
]

KINDS = ("receipt", "payment")

# Form code and legal basis printed top right, in the default form set.
_DEFAULT = voucher_form(DEFAULT_FORM)
RECEIPT_FORM = (_DEFAULT.receipt_code, *_DEFAULT.basis)
PAYMENT_FORM = (_DEFAULT.payment_code, *_DEFAULT.basis)

PAGE = landscape(A5)
_LEFT, _RIGHT, _TOP, _BOTTOM = 12 * mm, 10 * mm, 8 * mm, 8 * mm
_SIZES = (11.5, 11.0, 10.5, 10.0, 9.5, 9.0, 8.5, 8.0)
_HEAD_SIZES = (10.0, 9.0, 8.0)
_SIGNING_SPACE = 15 * mm  # the least room to sign in (more when the page has it)
_EXTRA_SIGNING_SPACE = 10 * mm  # spare page height given to the signatures, up to this
# A name under a signature is set no smaller than this and wraps to at most this many lines;
# a longer one (a company's full name: it is in the body) is left for the signer to write.
_MIN_NAME_SIZE = 8.0
_NAME_LINES = 3


class VoucherTooLong(ValueError):
    """The voucher's text does not fit one page even at the smallest size."""


@dataclass(frozen=True)
class VoucherData:
    """Everything one phiếu thu (kind "receipt") or phiếu chi (kind "payment") prints.

    `amount` is whole đồng; `amount_words` is the same amount in words in the fund's spelling
    style (core.money.amount_in_words). `note` is printed under the attachments, e.g. the
    voucher a reversal cancels; `copy_mark` ("Bản in lại") is stamped next to the title.
    `form_key` names the form set (core.voucher_forms). A scholarship or award names its
    `pupil`, `school` and `grade`; `guardian` says the party receives it for a minor pupil.
    """

    kind: str
    unit_parent: str
    unit: str
    fund_name: str
    book: str
    number: str
    day: date
    party_name: str
    party_address: str
    reason: str
    amount: int
    amount_words: str
    attachments: int
    place_date: str
    head_name: str
    accountant_name: str
    treasurer_name: str
    preparer_name: str
    note: str = ""
    copy_mark: str = ""
    form_key: str = DEFAULT_FORM
    pupil: str = ""
    school: str = ""
    grade: str = ""
    guardian: bool = False
    # A voided voucher: the stamp's lines, ("ĐÃ HỦY", "bởi PT-0052/2026"); `note` says
    # when and why. Empty for a voucher in force.
    void_mark: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"voucher kind must be one of {KINDS}, not {self.kind!r}")
        if self.amount <= 0:
            raise ValueError(f"a voucher amount must be positive, not {self.amount}")
        if self.attachments < 0:
            raise ValueError(f"attachments cannot be negative: {self.attachments}")
        if not is_amount_in_words(self.amount, self.amount_words):
            raise ValueError(
                f"amount in words {self.amount_words!r} does not match {format_amount(self.amount)}"
            )

    @property
    def is_receipt(self) -> bool:
        return self.kind == "receipt"

    @property
    def title(self) -> str:
        return "PHIẾU THU" if self.is_receipt else "PHIẾU CHI"

    @property
    def party_label(self) -> str:
        return "Họ và tên người nộp tiền" if self.is_receipt else "Họ và tên người nhận tiền"

    @property
    def party_role(self) -> str:
        return "Người nộp tiền" if self.is_receipt else "Người nhận tiền"

    @property
    def form_set(self) -> VoucherForm:
        return voucher_form(self.form_key)

    @property
    def reason_label(self) -> str:
        f = self.form_set
        return f.receipt_reason_label if self.is_receipt else f.payment_reason_label

    @property
    def form(self) -> tuple[str, ...]:
        """The form code and its basis, top right; empty for a form without a code."""
        f = self.form_set
        code = f.receipt_code if self.is_receipt else f.payment_code
        return (code, *f.basis) if code else ()

    @property
    def pupil_line(self) -> str:
        """'Học sinh: …; Trường: …; Lớp: …' of a scholarship or award, or ''."""
        parts = [
            f"{label}: {_clean(value)}"
            for label, value in (
                ("Học sinh", self.pupil),
                ("Trường", self.school),
                ("Lớp", self.grade),
            )
            if value.strip()
        ]
        return "; ".join(parts)


def _clean(text: str) -> str:
    return nfc(" ".join(text.split()))


def _markup(text: str) -> str:
    return escape(_clean(text))


def _style(size: float) -> ParagraphStyle:
    return ParagraphStyle("voucher", fontName=REGULAR, fontSize=size, leading=size * 1.25)


def _below(baseline: float, font: str, size: float) -> float:
    return baseline + float(getDescent(font, size))


def _first_baseline(top: float, font: str, size: float) -> float:
    return top - float(getAscent(font, size))


def _draw_lines_centred(
    canvas: Canvas,
    lines: Sequence[tuple[str, str]],
    centre: float,
    top: float,
    size: float,
) -> float:
    """(text, font) lines centred on `centre` from `top` down; return y under the last one."""
    baseline = _first_baseline(top, BOLD, size)
    y = top
    for text, font in lines:
        canvas.setFont(font, size)
        canvas.drawCentredString(centre, baseline, text)
        y = _below(baseline, font, size)
        baseline -= size * 1.2
    return y


def name_lines(
    text: str, font: str, size: float, width: float, min_size: float = _MIN_NAME_SIZE
) -> tuple[float, list[str]]:
    """(size, lines) of a name under a signature: one line shrunk down to `min_size`, else
    wrapped at that size onto at most _NAME_LINES lines; ([]) when even that is too long."""
    text = _clean(text)
    if not text:
        return size, []
    fitted = fit_size(text, font, size, width, min_size)
    if stringWidth(text, font, fitted) <= width:
        return fitted, [text]
    lines = list(simpleSplit(text, font, fitted, width))
    return (fitted, lines) if len(lines) <= _NAME_LINES else (fitted, [])


def _draw_fitted(
    canvas: Canvas,
    text: str,
    centre: float,
    baseline: float,
    width: float,
    font: str,
    size: float,
    min_size: float = _MIN_NAME_SIZE,
) -> None:
    """A centred line shrunk to fit `width`, or wrapped (see name_lines)."""
    fitted, lines = name_lines(text, font, size, width, min_size)
    canvas.setFont(font, fitted)
    for i, line in enumerate(lines):
        canvas.drawCentredString(centre, baseline - i * fitted * 1.1, line)


@dataclass(frozen=True)
class _Body:
    size: float
    paragraphs: tuple[tuple[Paragraph, float], ...]  # paragraph, its height
    received: tuple[Paragraph, float]


def _body(v: VoucherData, size: float, width: float) -> _Body:
    style = _style(size)
    words = _markup(v.amount_words)
    party = f"{v.party_label}: <b>{_markup(v.party_name)}</b>"
    if v.guardian:
        party += " (cha, mẹ hoặc người giám hộ của học sinh)"
    lines = [party]
    if v.pupil_line:
        lines.append(_markup(v.pupil_line))
    lines += [
        f"Địa chỉ: {_markup(v.party_address)}",
        f"{v.reason_label}: {_markup(v.reason)}",
        f"Số tiền: <b>{format_amount(v.amount)} đồng</b>",
        f"(Viết bằng chữ): <b><i>{words}</i></b>",
        f"Kèm theo: {v.attachments:02d} chứng từ gốc",
    ]
    if v.note.strip():
        lines.append(f"<i>Ghi chú: {_markup(v.note)}</i>")
    paragraphs = []
    for markup in lines:
        paragraph = Paragraph(markup, style)
        _, height = paragraph.wrap(width, 10_000)
        paragraphs.append((paragraph, float(height)))
    received = Paragraph(f"{v.form_set.received_line}: <i>{words}</i>", style)
    _, received_height = received.wrap(width, 10_000)
    return _Body(size, tuple(paragraphs), (received, float(received_height)))


def _name_rows(v: VoucherData, size: float) -> int:
    """The most lines a signer's name takes at this size (at least one)."""
    column = (PAGE[0] - _LEFT - _RIGHT) / 5 - 2 * mm
    return max(
        1, *(len(name_lines(name, BOLD, size * 0.95, column)[1]) for _, _, name in _signers(v))
    )


def _signature_height(
    size: float, signing_space: float = _SIGNING_SPACE, name_rows: int = _NAME_LINES
) -> float:
    # place-date line, gap, title, "(Ký, họ tên)", signing space, the names' lines
    name = size * 0.95 * (1 + 1.1 * (name_rows - 1)) + 2
    return float(size * 1.3 + 2 * mm + size * 1.25 + size * 1.1 + signing_space + name)


def _draw_header(canvas: Canvas, v: VoucherData, top: float, size: float = 10.0) -> float:
    """Unit and fund top left, form code top right; return y under the taller of the two."""
    page_width = PAGE[0]
    content = page_width - _LEFT - _RIGHT
    right_width = 68 * mm
    left_width = content - right_width - 6 * mm
    lines: list[tuple[str, str]] = []
    if v.unit_parent.strip():
        lines += [
            (t, REGULAR) for t in phrase_lines(upper(v.unit_parent), REGULAR, size, left_width)
        ]
    lines += [(t, BOLD) for t in phrase_lines(upper(v.unit), BOLD, size, left_width)]
    if v.fund_name.strip():
        lines += [(t, ITALIC) for t in simpleSplit(_clean(v.fund_name), ITALIC, size, left_width)]
    if v.form_set.unit_code_label:
        lines.append((f"{v.form_set.unit_code_label}: " + "." * 30, REGULAR))
    baseline = _first_baseline(top, BOLD, size)
    left_bottom = top
    for text, font in lines:
        canvas.setFont(font, size)
        canvas.drawString(_LEFT, baseline, text)
        left_bottom = _below(baseline, font, size)
        baseline -= size * 1.2

    if not v.form:
        return left_bottom
    right_centre = page_width - _RIGHT - right_width / 2
    code, *basis = v.form
    right_bottom = _draw_lines_centred(canvas, [(code, BOLD)], right_centre, top, size)
    right_bottom = _draw_lines_centred(
        canvas, [(line, ITALIC) for line in basis], right_centre, right_bottom - 1, 8.0
    )
    return min(left_bottom, right_bottom)


def _draw_title_row(canvas: Canvas, v: VoucherData, top: float, size: float = 10.0) -> float:
    """Title and date centred, book/number/accounts on the right, copy mark on the left."""
    page_width = PAGE[0]
    centre = page_width / 2
    title_size = size * 1.6
    baseline = _first_baseline(top, BOLD, title_size)
    canvas.setFont(BOLD, title_size)
    canvas.drawCentredString(centre, baseline, v.title)
    date_size = size * 1.1
    date_baseline = baseline - title_size * 1.15
    canvas.setFont(ITALIC, date_size)
    canvas.drawCentredString(centre, date_baseline, place_date_line("", v.day))
    bottom = _below(date_baseline, ITALIC, date_size)

    # The book and number block sits right of the date line, never over it.
    date_half = stringWidth(place_date_line("", v.day), ITALIC, date_size) / 2
    block_left = max(centre + date_half + 6 * mm, page_width - _RIGHT - 48 * mm)
    block_width = page_width - _RIGHT - block_left
    rows = [
        ("Quyển số: ", _clean(v.book)),
        ("Số: ", _clean(v.number)),
        ("Nợ: ", "." * 22),
        ("Có: ", "." * 22),
    ]
    row_baseline = _first_baseline(top, BOLD, size)
    for label, value in rows:
        label_width = stringWidth(label, REGULAR, size)
        value_size = fit_size(value, BOLD, size, block_width - label_width, 6.0)
        canvas.setFont(REGULAR, size)
        canvas.drawString(block_left, row_baseline, label)
        canvas.setFont(BOLD if value.strip(".") else REGULAR, value_size)
        canvas.drawString(block_left + label_width, row_baseline, value)
        bottom = min(bottom, _below(row_baseline, REGULAR, size))
        row_baseline -= size * 1.25

    if v.copy_mark.strip():
        mark = _clean(v.copy_mark)
        mark_size = fit_size(mark, BOLD_ITALIC, 11.0, centre - 40 * mm - _LEFT - 4 * mm, 6.0)
        mark_width = stringWidth(mark, BOLD_ITALIC, mark_size)
        mark_baseline = _first_baseline(top, BOLD_ITALIC, mark_size) - 3
        canvas.setFont(BOLD_ITALIC, mark_size)
        canvas.drawString(_LEFT + 2 * mm, mark_baseline, mark)
        canvas.setLineWidth(0.8)
        canvas.rect(
            _LEFT,
            mark_baseline + float(getDescent(BOLD_ITALIC, mark_size)) - 2,
            mark_width + 4 * mm,
            mark_size * 1.2 + 4,
        )
    return bottom


def _signers(v: VoucherData) -> list[tuple[str, str, str]]:
    f = v.form_set
    return [
        (f.head_title, "(Ký, họ tên, đóng dấu)", v.head_name),
        (f.accountant_title, "(Ký, họ tên)", v.accountant_name),
        ("Người lập", "(Ký, họ tên)", v.preparer_name),
        (v.party_role, "(Ký, họ tên)", v.party_name),
        ("Thủ quỹ", "(Ký, họ tên)", v.treasurer_name),
    ]


def _draw_signatures(
    canvas: Canvas, v: VoucherData, top: float, size: float, signing_space: float
) -> float:
    page_width = PAGE[0]
    content = page_width - _LEFT - _RIGHT
    column = content / 5
    centres = [_LEFT + column * (i + 0.5) for i in range(5)]

    baseline = _first_baseline(top, ITALIC, size)
    place = _clean(v.place_date)
    if place:
        # Over the last two columns, as on the printed forms.
        centre = (centres[3] + centres[4]) / 2
        width = 2 * column
        place_size = fit_size(place, ITALIC, size, width, 6.0)
        canvas.setFont(ITALIC, place_size)
        canvas.drawCentredString(centre, baseline, place)
    baseline -= size * 1.3 + 2 * mm
    title_size = size * 0.95
    for centre, (title, hint, name) in zip(centres, _signers(v), strict=True):
        _draw_fitted(canvas, title, centre, baseline, column - 2 * mm, BOLD, title_size)
        _draw_fitted(canvas, hint, centre, baseline - size * 1.2, column - 2 * mm, ITALIC, 8.0)
        if name.strip():
            name_baseline = baseline - size * 1.2 - signing_space
            _draw_fitted(canvas, name, centre, name_baseline, column - 2 * mm, BOLD, title_size)
    return top - _signature_height(size, signing_space, _name_rows(v, size))


def _fit_body(v: VoucherData, width: float, available: float) -> tuple[_Body, float] | None:
    """The body at the largest size that fits `available` with the signatures, and the
    height it needs; None when not even the smallest fits."""
    for size in _SIZES:
        body = _body(v, size, width)
        needed = (
            sum(h + size * 0.25 for _, h in body.paragraphs)
            + 2 * mm
            + _signature_height(size, name_rows=_name_rows(v, size))
            + 2 * mm
            + body.received[1]
        )
        if needed <= available:
            return body, needed
    return None


def _draw_voucher(canvas: Canvas, v: VoucherData) -> None:
    page_width, page_height = PAGE
    width = page_width - _LEFT - _RIGHT
    top = page_height - _TOP
    # The head of the page at its normal size, then (long unit and fund names, with the
    # body at its longest) a size smaller, before the voucher is refused.
    for head_size in _HEAD_SIZES:
        scratch = Canvas(io.BytesIO(), pagesize=PAGE, initialFontName=REGULAR)
        y = _draw_title_row(
            scratch, v, _draw_header(scratch, v, top, head_size) - 3 * mm, head_size
        )
        y -= 3 * mm
        available = y - _BOTTOM
        fitted = _fit_body(v, width, available)
        if fitted is not None:
            break
    else:
        raise VoucherTooLong(
            f"{v.title.capitalize()} {v.number}: the text does not fit one page; shorten the reason"
        )
    body, needed = fitted
    header_bottom = _draw_header(canvas, v, top, head_size)
    _draw_title_row(canvas, v, header_bottom - 3 * mm, head_size)
    for paragraph, height in body.paragraphs:
        paragraph.drawOn(canvas, _LEFT, y - height)
        y -= height + body.size * 0.25
    signing_space = _SIGNING_SPACE + min(_EXTRA_SIGNING_SPACE, available - needed)
    y = _draw_signatures(canvas, v, y - 2 * mm, body.size, signing_space) - 2 * mm
    received, height = body.received
    received.drawOn(canvas, _LEFT, y - height)
    if v.void_mark:
        _draw_void_mark(canvas, v.void_mark, header_bottom - 3 * mm)


_VOID_RED = (0.7, 0.0, 0.0)


def _draw_void_mark(canvas: Canvas, lines: Sequence[str], top: float) -> None:
    """A voided voucher's stamp, boxed in red left of the title where the eye starts:
    "ĐÃ HỦY" large, then the reversal's number (its date and the reason are in the note
    under the body). Level, not slanted, so it reads (and copies) as text."""
    texts = [_clean(line) for line in lines if line.strip()]
    if not texts:
        return
    width = PAGE[0] / 2 - 40 * mm - _LEFT - 4 * mm
    big = fit_size(texts[0], BOLD, 18.0, width - 4 * mm, 12.0)
    small = 9.0
    detail = [fit_size(t, BOLD, small, width - 4 * mm, 6.0) for t in texts[1:2]]
    height = big * 1.15 + len(detail) * small * 1.3 + 2 * mm
    canvas.saveState()
    canvas.setStrokeColorRGB(*_VOID_RED)
    canvas.setFillColorRGB(*_VOID_RED)
    canvas.setLineWidth(2)
    canvas.rect(_LEFT, top - height, width, height)
    baseline = top - 1.5 * mm - float(getAscent(BOLD, big))
    canvas.setFont(BOLD, big)
    canvas.drawCentredString(_LEFT + width / 2, baseline, texts[0])
    for text, size in zip(texts[1:2], detail, strict=True):
        baseline -= size * 1.3 + big * 0.1
        canvas.setFont(BOLD, size)
        canvas.drawCentredString(_LEFT + width / 2, baseline, text)
    canvas.restoreState()


def _title(vs: Sequence[VoucherData]) -> str:
    if len(vs) == 1:
        return nfc(f"{vs[0].title.capitalize()} {vs[0].number}")
    return nfc(f"Phiếu thu, phiếu chi ({len(vs)} phiếu)")


def render_vouchers(vs: Sequence[VoucherData], out: Path) -> int:
    """Write the vouchers into one PDF, one A5 landscape page each; return the page count.

    The file appears at `out` only when complete. Raises ValueError for an empty list and
    VoucherTooLong for a voucher whose text cannot fit its page.
    """
    if not vs:
        raise ValueError("no vouchers to render")
    register_fonts()
    with atomic_output(out) as part:
        canvas = Canvas(
            str(part),
            pagesize=PAGE,
            # Without this reportlab declares Helvetica on every page, a font we do not embed.
            initialFontName=REGULAR,
            initialFontSize=11,
        )
        canvas.setTitle(_title(vs))
        canvas.setAuthor(upper(vs[0].unit))
        canvas.setCreator(f"tthtcd {__version__}")
        canvas.setSubject(nfc(vs[0].fund_name))
        for v in vs:
            _draw_voucher(canvas, v)
            canvas.showPage()
        canvas.save()
    return len(vs)


def render_voucher(v: VoucherData, out: Path) -> None:
    """Write one voucher as a one-page PDF."""
    render_vouchers([v], out)
