"""A class's paper: the roster, a blank attendance sheet for the teacher, the xlsx export.

Each paper is three steps, so the GUI can run each where it belongs (DESIGN section 2):
`roster`, `attendance_sheet` and `roster_xlsx` read the database and return a `ClassPaper`
(the query thread), the static `render` writes the file without touching the database (the
document pool), and `record_print` writes the audit line of a finished print (the writer).
The `print_*` and `export_xlsx` methods do all three in one call, for the command line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.core.courses import RESULT_VI, Course
from desktop_app.core.dates import place_date_line
from desktop_app.core.people import Birth
from desktop_app.core.problems import N_, UserError
from desktop_app.core.progress import Progress, check
from desktop_app.services.centre import CentreService
from desktop_app.services.certificates import course_dates
from desktop_app.services.courses import CourseService
from desktop_app.services.ops import OpResult, Ops
from desktop_app.services.outputs import check_output
from desktop_app.storage.db import read_snapshot

if TYPE_CHECKING:
    from desktop_app.documents.roster import RosterHeader, RosterRow

SEX_VI = {"M": "Nam", "F": "Nữ"}

# The kinds of paper, named as their audit entries are.
ROSTER, ATTENDANCE_SHEET, ROSTER_XLSX = "roster", "attendance_sheet", "roster_xlsx"
_AUDIT_NAMES = {
    ROSTER: "roster.print",
    ATTENDANCE_SHEET: "attendance_sheet.print",
    ROSTER_XLSX: "roster_xlsx.export",
}


def _birth(iso: str) -> str:
    return Birth.from_iso(iso).display() if iso else ""


@dataclass(frozen=True)
class ClassPaper:
    """One paper of a class as read from the database: plain data, rendered on any thread."""

    kind: str  # ROSTER, ATTENDANCE_SHEET or ROSTER_XLSX
    course_id: str
    header: RosterHeader
    rows: tuple[RosterRow, ...]
    # Session dates as printed; for the xlsx, who was present at each (one tuple a row).
    dates: tuple[str, ...] = ()
    present: tuple[tuple[bool, ...], ...] = ()


class ClassDocumentService:
    def __init__(self, ops: Ops, courses: CourseService, centre: CentreService) -> None:
        self._ops = ops
        self._courses = courses
        self._centre = centre

    def _header(self, course: Course, title: str, day: dt.date | None) -> RosterHeader:
        from desktop_app.documents.roster import RosterHeader

        profile = self._centre.profile()
        commune = profile.commune_name
        return RosterHeader(
            issuer_parent=f"UBND {commune}".upper() if commune else "",
            issuer="TRUNG TÂM HỌC TẬP CỘNG ĐỒNG",
            title=title,
            course_title=course.title,
            type_name=course.type_name,
            dates=course_dates(course),
            presenter=course.presenter,
            venue=course.venue,
            place_date=place_date_line(commune, day or dt.date.today()),
            signer_title="GIÁM ĐỐC",
            signer_name=profile.director,
        )

    def _rows(self, course_id: str) -> tuple[Course, list[RosterRow]]:
        from desktop_app.documents.roster import RosterRow

        course = self._courses.get(course_id)
        enrolments = self._courses.enrolments(course_id)
        if not enrolments:
            raise UserError(
                N_("No one is enrolled in {title} yet, so there is nothing to print."),
                {"title": course.title},
            )
        rows = [
            RosterRow(
                full_name=e.full_name,
                sex=SEX_VI.get(e.sex or "", ""),
                birth=_birth(e.birth),
                hamlet=e.hamlet_name,
                attended=e.attended,
                sessions=course.sessions,
                result=RESULT_VI[e.result] if e.result else "",
            )
            for e in enrolments
        ]
        return course, rows

    # Reading (the database) --------------------------------------------------------------

    @read_snapshot
    def roster(self, course_id: str, day: dt.date | None = None) -> ClassPaper:
        """The roster of the enrolled people; refuses a class with no one enrolled."""
        course, rows = self._rows(course_id)
        header = self._header(course, "DANH SÁCH HỌC VIÊN", day)
        return ClassPaper(ROSTER, course_id, header, tuple(rows))

    @read_snapshot
    def attendance_sheet(self, course_id: str, day: dt.date | None = None) -> ClassPaper:
        """The blank attendance sheet for the teacher: one column a session."""
        course, rows = self._rows(course_id)
        dates = tuple(f"{s.day:%d/%m}" for s in self._courses.sessions(course_id))
        header = self._header(course, "BẢNG ĐIỂM DANH", day)
        return ClassPaper(ATTENDANCE_SHEET, course_id, header, tuple(rows), dates)

    @read_snapshot
    def roster_xlsx(self, course_id: str, day: dt.date | None = None) -> ClassPaper:
        """The roster with the attendance ticked so far, for the xlsx export."""
        course, rows = self._rows(course_id)
        grid = self._courses.grid(course_id)
        dates = tuple(f"{s.day:%d/%m/%Y}" for s in grid.sessions)
        present = tuple(tuple(j in row for j in range(len(grid.sessions))) for row in grid.present)
        header = self._header(course, "DANH SÁCH HỌC VIÊN VÀ ĐIỂM DANH", day)
        return ClassPaper(ROSTER_XLSX, course_id, header, tuple(rows), dates, present)

    # Rendering (no database) -------------------------------------------------------------

    @staticmethod
    def render(paper: ClassPaper, out: Path, progress: Progress | None = None) -> int:
        """Write the paper's file; returns the number of people on it. No database: runs on
        any thread, e.g. the document pool."""
        from desktop_app.documents.roster import render_attendance_sheet, render_roster
        from desktop_app.documents.xlsx import export_roster_xlsx

        if progress is not None:
            check(progress, 0, 1)
        if paper.kind == ROSTER:
            render_roster(paper.header, paper.rows, out)
        elif paper.kind == ATTENDANCE_SHEET:
            render_attendance_sheet(paper.header, paper.rows, paper.dates, out)
        elif paper.kind == ROSTER_XLSX:
            export_roster_xlsx(paper.header, paper.rows, paper.dates, paper.present, out)
        else:
            raise ValueError(f"unknown class paper {paper.kind!r}")
        if progress is not None:
            progress(1, 1)
        return len(paper.rows)

    # The audit (the writer) --------------------------------------------------------------

    def record_print(self, paper: ClassPaper) -> OpResult[None]:
        """Who printed personal data, and what: the audit line of a finished print (it
        changes no row)."""
        return self._ops.record_event(
            _AUDIT_NAMES[paper.kind], paper.kind, paper.course_id, f"rows={len(paper.rows)}"
        )

    # All three in one call (the command line) --------------------------------------------

    def print_roster(self, course_id: str, out: Path, day: dt.date | None = None) -> int:
        """Write the roster PDF; returns the number of people on it."""
        return self._print(self.roster(course_id, day), out)

    def print_attendance_sheet(self, course_id: str, out: Path, day: dt.date | None = None) -> int:
        """Write the blank attendance sheet; returns the number of people on it."""
        return self._print(self.attendance_sheet(course_id, day), out)

    def export_xlsx(self, course_id: str, out: Path, day: dt.date | None = None) -> None:
        self._print(self.roster_xlsx(course_id, day), out)

    def _print(self, paper: ClassPaper, out: Path) -> int:
        out = check_output(out, self._ops.db_path)
        count = self.render(paper, out)
        self.record_print(paper)
        return count
