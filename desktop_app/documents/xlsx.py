"""A course's roster and attendance as an Excel workbook that secretaries can keep working in.

One sheet: the issuing body and national title, the list's title and course details, then a
table with one column per session ("x" where the learner was present), each learner's total,
and a row of totals per session. Counts are stored as numbers (not text that looks like a
number), so Excel can sum and sort them; the sheet prints on A4 landscape, one page wide, with
the table's header row repeated on every printed page.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from desktop_app.documents.official import MOTTO, NATIONAL_TITLE
from desktop_app.documents.output import atomic_output
from desktop_app.documents.roster import RosterHeader, RosterRow, totals_line

__all__ = ["PRESENT_MARK", "export_roster_xlsx"]

PRESENT_MARK = "x"
# Excel has no embedded fonts; Times New Roman is what Decree 30 names and what every office PC
# has (LibreOffice shows it with the metric-compatible Liberation Serif).
FONT_NAME = "Times New Roman"
FONT_SIZE = 12
_FIXED_HEADINGS = ("STT", "Họ và tên", "Giới tính", "Năm sinh/Ngày sinh", "Thôn")
_TAIL_HEADINGS = ("Số buổi dự", "Kết quả")
_THIN = Side(style="thin", color="000000")
_GRID = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_SESSION_WIDTH = 5.5  # characters: room for an "x" or a count, dates are written upwards
_MAX_TEXT_WIDTH = 50


def _text(value: str) -> str:
    return unicodedata.normalize("NFC", " ".join(value.split()))


def _put(ws: Worksheet, row: int, column: int, value: Any, **style: Any) -> Cell:
    cell: Cell = ws.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        # A name typed as "=1+1" or "@SUM(..)" must stay text: Excel would run it as a formula.
        cell.data_type = "s"
    cell.font = style.pop("font", Font(name=FONT_NAME, size=FONT_SIZE))
    for key, setting in style.items():
        setattr(cell, key, setting)
    return cell


def _bold(size: float = FONT_SIZE, *, italic: bool = False) -> Font:
    return Font(name=FONT_NAME, size=size, bold=True, italic=italic)


def _check(
    rows: Sequence[RosterRow], dates: Sequence[str], present: Sequence[Sequence[bool]]
) -> None:
    if len(present) != len(rows):
        raise ValueError(f"present has {len(present)} rows for {len(rows)} learners")
    for number, marks in enumerate(present, start=1):
        if len(marks) != len(dates):
            raise ValueError(
                f"present row {number} has {len(marks)} marks for {len(dates)} session dates"
            )


def export_roster_xlsx(
    header: RosterHeader,
    rows: Sequence[RosterRow],
    session_dates: Sequence[str],
    present: Sequence[Sequence[bool]],
    out: Path,
) -> None:
    """Write the workbook. `present[i][j]` says whether learner i came to session j; a learner's
    total (the "Số buổi dự" column) is counted from it."""
    _check(rows, session_dates, present)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Danh sách"

    sessions = len(session_dates)
    first_session = len(_FIXED_HEADINGS) + 1
    total_column = first_session + sessions
    last_column = total_column + len(_TAIL_HEADINGS) - 1
    centre = Alignment(horizontal="center", vertical="center", wrap_text=True)
    left = Alignment(horizontal="left", vertical="center", wrap_text=False)
    # Names and hamlets longer than the widest column wrap; Excel sizes such rows on opening.
    wrapped = Alignment(horizontal="left", vertical="center", wrap_text=True)

    # Title block: issuing body at the left, national title at the right, as on paper.
    split = max(2, min(3, last_column // 2))
    _put(ws, 1, 1, _text(header.issuer_parent).upper(), alignment=left)
    _put(ws, 2, 1, _text(header.issuer).upper(), font=_bold(), alignment=left)
    right = split + 1 if last_column > split else 1
    _put(ws, 1, right, NATIONAL_TITLE, font=_bold(), alignment=centre)
    _put(ws, 2, right, MOTTO, font=_bold(), alignment=centre)
    if last_column > right:
        ws.merge_cells(start_row=1, start_column=right, end_row=1, end_column=last_column)
        ws.merge_cells(start_row=2, start_column=right, end_row=2, end_column=last_column)

    _put(ws, 4, 1, _text(header.title).upper(), font=_bold(14), alignment=centre)
    ws.merge_cells(start_row=4, start_column=1, end_row=4, end_column=last_column)
    row = 5
    for label, value in (
        ("Khóa học", header.course_title),
        ("Loại hình", header.type_name),
        ("Thời gian", header.dates),
        ("Giảng viên/Báo cáo viên", header.presenter),
        ("Địa điểm", header.venue),
    ):
        if value.strip():
            _put(ws, row, 1, f"{label}: {_text(value)}", alignment=left)
            row += 1

    # The table.
    head_row = row + 1
    headings = [*_FIXED_HEADINGS, *(_text(d) for d in session_dates), *_TAIL_HEADINGS]
    for column, text in enumerate(headings, start=1):
        is_date = first_session <= column < total_column
        _put(
            ws,
            head_row,
            column,
            text,
            font=_bold(),
            border=_GRID,
            # Dates are written upwards so that a session column stays narrow.
            alignment=Alignment(
                horizontal="center",
                vertical="center",
                wrap_text=not is_date,
                text_rotation=90 if is_date else 0,
            ),
        )
    longest_date = max((len(_text(d)) for d in session_dates), default=0)
    ws.row_dimensions[head_row].height = max(32.0, longest_date * 6.5 + 8)

    per_session = [0] * sessions
    body_start = head_row + 1
    for number, (learner, marks) in enumerate(zip(rows, present, strict=True), start=1):
        r = head_row + number
        values: list[Any] = [
            number,
            _text(learner.full_name),
            _text(learner.sex),
            _text(learner.birth),
            _text(learner.hamlet),
        ]
        for column, value in enumerate(values, start=1):
            align = wrapped if column in (2, 5) else centre
            _put(ws, r, column, value, border=_GRID, alignment=align)
        for j, came in enumerate(marks):
            if came:
                per_session[j] += 1
            _put(
                ws,
                r,
                first_session + j,
                PRESENT_MARK if came else None,
                border=_GRID,
                alignment=centre,
            )
        _put(ws, r, total_column, sum(1 for came in marks if came), border=_GRID, alignment=centre)
        _put(ws, r, total_column + 1, _text(learner.result), border=_GRID, alignment=centre)

    totals_row = body_start + len(rows)
    _put(ws, totals_row, 1, "Tổng số có mặt", font=_bold(), border=_GRID, alignment=left)
    ws.merge_cells(
        start_row=totals_row, start_column=1, end_row=totals_row, end_column=first_session - 1
    )
    for column in range(2, first_session):
        ws.cell(row=totals_row, column=column).border = _GRID
    for j, count in enumerate(per_session):
        _put(ws, totals_row, first_session + j, count, font=_bold(), border=_GRID, alignment=centre)
    _put(
        ws, totals_row, total_column, sum(per_session), font=_bold(), border=_GRID, alignment=centre
    )
    _put(ws, totals_row, total_column + 1, None, border=_GRID)

    # Below the table: the count of learners, then place, date and signer at the right.
    r = totals_row + 2
    _put(ws, r, 1, totals_line(rows), font=_bold(), alignment=left)
    sign_column = max(1, last_column - 3)
    if header.place_date.strip():
        _put(
            ws,
            r + 2,
            sign_column,
            _text(header.place_date),
            font=Font(name=FONT_NAME, size=FONT_SIZE, italic=True),
        )
    if header.signer_title.strip():
        _put(ws, r + 3, sign_column, _text(header.signer_title).upper(), font=_bold())
    if header.signer_name.strip():
        _put(ws, r + 8, sign_column, _text(header.signer_name), font=_bold())

    _size_columns(ws, headings, rows, first_session, total_column)
    ws.freeze_panes = ws.cell(row=head_row + 1, column=3)  # header row, STT and name stay
    _print_setup(ws, head_row, last_column, r + 8)

    with atomic_output(out) as part:
        wb.save(part)


def _size_columns(
    ws: Worksheet,
    headings: Sequence[str],
    rows: Sequence[RosterRow],
    first_session: int,
    total_column: int,
) -> None:
    """Widths from the longest entry of each column (in characters, as Excel measures)."""
    texts: list[list[str]] = [
        [str(len(rows))],
        [r.full_name for r in rows],
        [r.sex for r in rows],
        [r.birth for r in rows],
        [r.hamlet for r in rows],
    ]
    for column in range(1, len(headings) + 1):
        if first_session <= column < total_column:
            width = _SESSION_WIDTH
        else:
            if column < first_session:
                entries = texts[column - 1]
            elif column == total_column:
                entries = [str(len(headings))]
            else:
                entries = [r.result for r in rows]
            longest = max((len(_text(t)) for t in entries), default=0)
            # A heading may wrap onto two lines; its longest word must fit.
            heading = max(len(word) for word in headings[column - 1].split())
            width = min(_MAX_TEXT_WIDTH, max(longest, heading) + 2.5)
        ws.column_dimensions[get_column_letter(column)].width = width


def _print_setup(ws: Worksheet, head_row: int, last_column: int, last_row: int) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    # One page wide, as many pages tall as needed.
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = f"{head_row}:{head_row}"
    ws.print_area = f"A1:{get_column_letter(last_column)}{last_row}"
    ws.page_margins.left = 0.6
    ws.page_margins.right = 0.5
    ws.page_margins.top = 0.6
    ws.page_margins.bottom = 0.6
    ws.print_options.horizontalCentered = True
    # Page numbers in the top margin from page 2 on, as Decree 30 puts them on paper.
    ws.HeaderFooter.differentFirst = True
    ws.oddHeader.center.text = "&P"
    ws.oddHeader.center.font = FONT_NAME
    ws.oddHeader.center.size = 12
