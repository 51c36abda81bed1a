"""The fund's records that are not money vouchers: the goods receipt record (biên bản nhận
hiện vật, NK book), the goods issue record (biên bản bàn giao hiện vật, XK book) and the
cancellation record of a voided voucher (biên bản hủy chứng từ).

A gift in kind is never a phiếu thu: no "Đã nhận đủ số tiền", no cash. Its record names the
giver and the receiver, lists the goods with quantity, unit and valuation, and gives the
valuation in figures and in words, checked against each other before anything is written.
A cancellation record says which voucher it cancels and why; it is never a second receipt.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from desktop_app.core.money import format_amount, is_amount_in_words
from desktop_app.documents.fonts import BOLD, register_fonts
from desktop_app.documents.fund_reports import (
    ReportHeader,
    _amount_width,
    _build,
    _clean,
    _official_header,
    _Page,
    _para,
    _signature_block,
    _styles,
    _table_style,
)
from desktop_app.documents.official import OFFICIAL_MARGINS

__all__ = ["GoodsLine", "RecordData", "render_record"]

RECORD_KINDS = ("goods_in", "goods_out", "cancellation")


@dataclass(frozen=True)
class GoodsLine:
    items: str
    unit: str
    quantity: int
    value: int  # valuation in đồng


@dataclass(frozen=True)
class RecordData:
    """One record. `header.signers` are the signature columns; `facts` the lines above the
    goods table, as (label, value); `people` the recipients who sign for what they got
    (a goods issue), one line each. `mark` ("ĐÃ HỦY …") stamps a voided record."""

    kind: str
    number: str
    header: ReportHeader
    facts: tuple[tuple[str, str], ...]
    goods: tuple[GoodsLine, ...] = ()
    value: int = 0
    value_words: str = ""
    people: tuple[str, ...] = ()
    closing: tuple[str, ...] = ()
    mark: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if self.kind not in RECORD_KINDS:
            raise ValueError(f"record kind must be one of {RECORD_KINDS}, not {self.kind!r}")
        if self.goods:
            total = sum(g.value for g in self.goods)
            if total != self.value:
                raise ValueError(f"goods add up to {total}, not {self.value}")
            if any(g.quantity <= 0 or g.value < 0 for g in self.goods):
                raise ValueError("goods need a positive quantity and a value of at least 0")
        if self.value and not is_amount_in_words(self.value, self.value_words):
            raise ValueError(
                f"value in words {self.value_words!r} does not match {format_amount(self.value)}"
            )


def _goods_table(
    goods: Sequence[GoodsLine], styles: dict[str, Any], size: float, content: float
) -> Table:
    total = sum(g.value for g in goods)
    money = _amount_width([total, *(g.value for g in goods)], size, 32 * mm)
    number_w, unit_w, quantity_w = 12 * mm, 22 * mm, 22 * mm
    widths = [number_w, content - number_w - unit_w - quantity_w - money, unit_w, quantity_w]
    widths.append(money)
    head = styles["head"]
    rows: list[list[Any]] = [
        [
            "STT",
            Paragraph("Tên hiện vật", head),
            Paragraph("Đơn vị tính", head),
            Paragraph("Số lượng", head),
            Paragraph("Giá trị (đồng)", head),
        ]
    ]
    for number, g in enumerate(goods, start=1):
        rows.append(
            [
                str(number),
                _para(g.items, styles["cell"]),
                _para(g.unit, styles["cell_centre"]),
                format_amount(g.quantity),
                format_amount(g.value),
            ]
        )
    rows.append(["", Paragraph("Cộng", styles["cell_bold"]), "", "", format_amount(total)])
    style = [
        *_table_style(1, size),
        ("ALIGN", (0, 1), (0, -1), "CENTER"),
        ("ALIGN", (3, 1), (4, -1), "RIGHT"),
        ("FONTNAME", (4, -1), (4, -1), BOLD),
    ]
    return Table(rows, colWidths=widths, repeatRows=1, style=TableStyle(style))


def _people_table(
    people: Sequence[str], styles: dict[str, Any], size: float, content: float
) -> Table:
    widths = [12 * mm, content - 12 * mm - 45 * mm, 45 * mm]
    head = styles["head"]
    rows: list[list[Any]] = [["STT", Paragraph("Họ và tên người nhận", head), "Ký nhận"]]
    for number, name in enumerate(people, start=1):
        rows.append([str(number), _para(name, styles["cell"]), ""])
    style = [
        *_table_style(1, size),
        ("ALIGN", (0, 1), (0, -1), "CENTER"),
        ("TOPPADDING", (0, 1), (-1, -1), 7),
        ("BOTTOMPADDING", (0, 1), (-1, -1), 7),
    ]
    return Table(rows, colWidths=widths, repeatRows=1, style=TableStyle(style))


def _mark(lines: Sequence[str], styles: dict[str, Any], content: float) -> Table:
    """A boxed stamp under the title: the record is void, why, and by what."""
    big = Paragraph(f"<b>{escape(_clean(lines[0]))}</b>", styles["title"])
    rest = [Paragraph(escape(_clean(line)), styles["cell_centre"]) for line in lines[1:]]
    table = Table([[big], *[[p] for p in rest]], colWidths=[content * 0.7])
    table.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 2, (0.6, 0, 0))]))
    return table


def render_record(r: RecordData, out: Path) -> int:
    """Write the record on A4 portrait under the official header; return the page count."""
    register_fonts()
    page = _Page(A4, OFFICIAL_MARGINS)
    size = 12.0
    styles = _styles(size)
    content = page.size[0] - page.margins.left - page.margins.right
    story: list[Flowable] = [Paragraph(escape(_clean(r.header.title)), styles["title"])]
    story.append(_para(f"Số: {r.number}", styles["subtitle"]))
    if r.header.subtitle.strip():
        story.append(_para(r.header.subtitle, styles["cell_centre"]))
    story.append(Spacer(1, 4 * mm))
    if r.mark:
        story += [_mark(r.mark, styles, content), Spacer(1, 4 * mm)]
    for label, value in r.facts:
        text = f"{escape(_clean(label))}: <b>{escape(_clean(value))}</b>" if label else value
        story.append(Paragraph(text, styles["text"]))
    if r.goods:
        story += [Spacer(1, 3 * mm), _goods_table(r.goods, styles, size, content)]
        story.append(Spacer(1, 2 * mm))
        story.append(
            Paragraph(
                f"Tổng giá trị: <b>{format_amount(r.value)} đồng</b>"
                f" (Viết bằng chữ: <i>{escape(_clean(r.value_words))}</i>)",
                styles["text"],
            )
        )
    if r.people:
        story += [Spacer(1, 3 * mm), _people_table(r.people, styles, size, content)]
    closing = [Paragraph(escape(_clean(line)), styles["text"]) for line in r.closing]
    story.append(_signature_block(r.header, size, with_place_date=False, lead=closing))
    return _build(
        out,
        page,
        _official_header(r.header, page),
        story,
        title=f"{r.header.title} {r.number}",
        author=r.header.unit,
    )
