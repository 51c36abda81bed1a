"""`tthtcd import --kind attendance --course ID`: a class's roster as outside tools import it, with
the JSON keys, statuses and exit codes of the issue, the class's own line in the text output and
in `import list`, and undo."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path

from desktop_app.core.courses import CourseInput
from desktop_app.core.people import PersonInput, Sex
from desktop_app.services.workspace import Workspace
from tests.cli.test_cli import assert_one_line_error, tthtcd
from tests.cli.test_cli_import import KEYS, run
from tests.services.test_imports_attendance import MARCH, write_roster


def a_class(db: Path) -> str:
    """Trồng lúa, March 2026, sessions on 05/03 and 12/03; Lê Văn Cường held, not enrolled."""
    with Workspace.open(db, create=True) as ws:
        data = CourseInput("cd_nong_nghiep", "Trồng lúa", dt.date(2026, 3, 1), dt.date(2026, 3, 31))
        course = ws.courses.create(data, MARCH).value
        ws.people.add(PersonInput("Lê Văn Cường", Sex.MALE, "1975"))
    return course


def counts(db: Path) -> tuple[int, int, int, int]:
    """Live people, enrolments, attendance marks and sessions."""
    conn = sqlite3.connect(db)
    try:
        return tuple(  # type: ignore[return-value]
            int(conn.execute(f"SELECT count(*) FROM {t} WHERE deleted = 0").fetchone()[0])
            for t in ("person", "enrolment", "attendance", "session")
        )
    finally:
        conn.close()


def test_a_roster_dry_run_apply_list_and_undo(tmp_path: Path) -> None:
    db = tmp_path / "centre.sqlite3"
    course = a_class(db)
    file = write_roster(tmp_path / "roster.xlsx")
    base = ("import", "--db", str(db), "--kind", "attendance", "--course", course, str(file))
    before = counts(db)
    code, dry = run(*base, "--dry-run")
    assert code == 1  # the bad tick
    assert set(dry) == KEYS and dry["status"] == "dry-run" and dry["import_id"] is None
    assert dry["header_row"] == 4 and dry["sheet"] == "Điểm danh"
    assert dry["columns"]["05/03"] == {"field": "session", "encoding": "unicode"}
    assert (dry["rows"], dry["new"], dry["matched"]) == (5, 3, 1)
    assert dry["rejected"] == [
        {"row": 8, "field": "session",
         "reason": "Column 12/03: “??” is neither a tick (x, 1, có, ✓) nor an absence (empty, "
                   "v, vắng, 0)."},
    ]  # fmt: skip
    assert counts(db) == before
    text = tthtcd(*base, "--dry-run")
    assert "Column F (19/03): a new session on 19/03/2026." in text.stdout
    assert "The class would get: 4 enrolled, 6 attendance marks, 1 new sessions." in text.stdout
    assert "Row 8, session: Column 12/03: “??” is neither a tick" in text.stdout
    assert counts(db) == before
    # Refused without --skip-rejected; applied with it.
    code, refused = run(*base)
    assert code == 1 and refused["status"] == "refused" and counts(db) == before
    done = tthtcd(*base, "--skip-rejected")
    assert done.returncode == 0, done.stderr
    assert "The class: 4 enrolled, 6 attendance marks added, 1 sessions added." in done.stdout
    assert counts(db) == (before[0] + 3, 4, 6, 3)
    listed = json.loads(tthtcd("import", "list", "--db", str(db), "--json").stdout)
    assert listed[0]["kind"] == "attendance" and listed[0]["counts"]["ticks"] == 6
    import_id = listed[0]["id"]
    text = tthtcd("import", "list", "--db", str(db))
    assert "4 enrolled, 6 attendance marks" in text.stdout
    # The same file again.
    code, again = run(*base, "--skip-rejected")
    assert code == 0 and again["status"] == "already-imported"
    assert counts(db) == (before[0] + 3, 4, 6, 3)
    undo = tthtcd("import", "undo", "--db", str(db), import_id)
    assert undo.returncode == 0, undo.stderr
    assert "4 enrolments, 6 attendance marks and 1 sessions" in undo.stdout
    assert counts(db) == before


def test_the_class_is_required_and_must_exist(tmp_path: Path) -> None:
    db = tmp_path / "centre.sqlite3"
    a_class(db)
    file = write_roster(tmp_path / "roster.xlsx")
    missing = tthtcd("import", "--db", str(db), "--kind", "attendance", str(file))
    assert missing.returncode == 2 and "--course" in missing.stderr
    other = tthtcd("import", "--db", str(db), "--kind", "people", "--course", "x", str(file))
    assert other.returncode == 2
    unknown = tthtcd("import", "--db", str(db), "--kind", "attendance", "--course", "nope",
                     str(file), "--dry-run")  # fmt: skip
    assert unknown.returncode == 1
    assert "nope" in assert_one_line_error(unknown)
    # Numbered columns beyond the class's two sessions: refused, saying how many it has.
    header = ("STT", "Họ và tên", "Năm sinh", "Buổi 1", "Buổi 2", "Buổi 3")
    with Workspace.open(db) as ws:
        course = ws.courses.find()[0].id
    numbered = write_roster(tmp_path / "buoi.xlsx", header)
    result = tthtcd("import", "--db", str(db), "--kind", "attendance", "--course", course,
                    str(numbered))  # fmt: skip
    assert result.returncode == 1
    assert "only 2 sessions" in assert_one_line_error(result)
