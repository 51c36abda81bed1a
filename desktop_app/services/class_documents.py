"""A class's paper: the roster, a blank attendance sheet for the teacher, the xlsx export."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.core.courses import RESULT_VI, Course
from desktop_app.core.dates import place_date_line
from desktop_app.core.people import Birth
from desktop_app.core.problems import N_, UserError
from desktop_app.services.centre import CentreService
from desktop_app.services.certificates import course_dates
from desktop_app.services.courses import CourseService
from desktop_app.services.ops import Ops

if TYPE_CHECKING:
    from desktop_app.documents.roster import RosterHeader, RosterRow

SEX_VI = {"M": "Nam", "F": "Nữ"}


def _birth(iso: str) -> str:
    return Birth.from_iso(iso).display() if iso else ""


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

    def print_roster(self, course_id: str, out: Path, day: dt.date | None = None) -> int:
        """Write the roster PDF; returns the number of people on it."""
        from desktop_app.documents.roster import render_roster

        course, rows = self._rows(course_id)
        render_roster(self._header(course, "DANH SÁCH HỌC VIÊN", day), rows, out)
        self._ops.record_event("roster.print", "roster", course_id, f"rows={len(rows)}")
        return len(rows)

    def print_attendance_sheet(self, course_id: str, out: Path, day: dt.date | None = None) -> int:
        """Write the blank attendance sheet; returns the number of people on it."""
        from desktop_app.documents.roster import render_attendance_sheet

        course, rows = self._rows(course_id)
        dates = [f"{s.day:%d/%m}" for s in self._courses.sessions(course_id)]
        header = self._header(course, "BẢNG ĐIỂM DANH", day)
        render_attendance_sheet(header, rows, dates, out)
        self._ops.record_event(
            "attendance_sheet.print", "attendance_sheet", course_id, f"rows={len(rows)}"
        )
        return len(rows)

    def export_xlsx(self, course_id: str, out: Path, day: dt.date | None = None) -> None:
        from desktop_app.documents.xlsx import export_roster_xlsx

        course, rows = self._rows(course_id)
        grid = self._courses.grid(course_id)
        dates = [f"{s.day:%d/%m/%Y}" for s in grid.sessions]
        present = [[j in row for j in range(len(grid.sessions))] for row in grid.present]
        header = self._header(course, "DANH SÁCH HỌC VIÊN VÀ ĐIỂM DANH", day)
        export_roster_xlsx(header, rows, dates, present, out)
        self._ops.record_event("roster_xlsx.export", "roster_xlsx", course_id, f"rows={len(rows)}")
