"""`tthtcd import`, `import list` and `import undo` as outside tools call them: the exact JSON
keys, the statuses and the exit codes of the issue."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.cli.test_cli import assert_one_line_error, tthtcd
from tests.core.test_legacy_text import encode_tcvn3
from tests.services.test_imports import roster, write_xlsx

KEYS = {
    "file", "sha256", "sheet", "header_row", "columns", "rows", "new", "matched",
    "duplicates", "rejected", "status", "import_id",
}  # fmt: skip


def run(*args: str) -> tuple[int, dict]:
    result = tthtcd(*args, "--json")
    assert result.stdout, result.stderr
    return result.returncode, json.loads(result.stdout)


def live_people(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM person WHERE deleted = 0").fetchone()[0])
    finally:
        conn.close()


def test_dry_run_import_list_and_undo(tmp_path: Path) -> None:
    db = tmp_path / "centre.sqlite3"
    header = ("STT", "Họ và tên", "Ngày sinh", "Giới tính", "Thôn/Ấp")
    rows = [
        (1, "Trần Thị Bích", "12/05/1990", "Nữ", "Thôn Đông"),
        (2, "Lê Văn Cường", "1975", "Nam", "Thôn Đông"),
        (3, "Nguyễn Văn An", "31/02/1960", "Nam", "Thôn Đông"),
        (4, "Trần Thị Bích", "12/05/1990", "Nữ", "Thôn Đông"),
    ]
    file = write_xlsx(tmp_path / "list.xlsx", roster(rows, header))
    # A dry run changes nothing, not even by starting a database.
    absent = tthtcd("import", "--db", str(db), "--kind", "people", str(file), "--dry-run")
    assert absent.returncode == 1 and not db.exists()
    made = tthtcd("site", "init", "--db", str(db), "--role", "centre", "--name", "TTHTCĐ xã A")
    assert made.returncode == 0, made.stderr
    code, dry = run("import", "--db", str(db), "--kind", "people", str(file), "--dry-run",
                    "--create-hamlets")  # fmt: skip
    assert code == 1  # a row is rejected
    assert set(dry) == KEYS
    assert dry["status"] == "dry-run" and dry["import_id"] is None
    assert dry["header_row"] == 5 and dry["sheet"] == "Danh sách"
    assert dry["columns"]["Họ và tên"] == {"field": "full_name", "encoding": "unicode"}
    assert (dry["rows"], dry["new"], dry["matched"], dry["duplicates"]) == (4, 2, 0, 1)
    assert dry["rejected"] and dry["rejected"][0]["row"] == 9
    assert set(dry["rejected"][0]) == {"row", "field", "reason"}
    assert not db.exists() or live_people(db) == 0
    # Without --skip-rejected: refused, nothing imported.
    code, refused = run("import", "--db", str(db), "--kind", "people", str(file),
                        "--create-hamlets")  # fmt: skip
    assert code == 1 and refused["status"] == "refused" and refused["import_id"] is None
    assert live_people(db) == 0
    code, applied = run("import", "--db", str(db), "--kind", "people", str(file),
                        "--create-hamlets", "--skip-rejected")  # fmt: skip
    assert code == 0 and applied["status"] == "applied" and applied["import_id"]
    assert live_people(db) == 2
    # The same file again.
    code, again = run("import", "--db", str(db), "--kind", "people", str(file),
                      "--create-hamlets", "--skip-rejected")  # fmt: skip
    assert again["status"] == "already-imported" and live_people(db) == 2
    listed = json.loads(tthtcd("import", "list", "--db", str(db), "--json").stdout)
    assert [b["id"] for b in listed] == [applied["import_id"]]
    assert listed[0]["sha256"] == applied["sha256"] == dry["sha256"]
    undo = tthtcd("import", "undo", "--db", str(db), applied["import_id"])
    assert undo.returncode == 0, undo.stderr
    assert live_people(db) == 0
    twice = tthtcd("import", "undo", "--db", str(db), applied["import_id"])
    assert twice.returncode == 1
    assert_one_line_error(twice)


def test_a_tcvn3_list_and_a_mapping_file(tmp_path: Path) -> None:
    db = tmp_path / "centre.sqlite3"
    header = [encode_tcvn3(h) for h in ("STT", "Họ và tên", "Năm sinh", "Ghi chú")]
    names = ("Nguyễn Thị Hoà", "Đặng Văn Ước", "Phạm Minh Đức")
    rows = [(i, encode_tcvn3(n), 1980 + i, "") for i, n in enumerate(names, 1)]
    file = write_xlsx(tmp_path / "old.xlsx", roster(rows, header), merge_title=False)
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"D": ""}), encoding="utf-8")
    code, done = run("import", "--db", str(db), "--kind", "people", str(file),
                     "--mapping", str(mapping))  # fmt: skip
    assert code == 0 and done["status"] == "applied", done
    assert done["columns"]["Họ và tên"] == {"field": "full_name", "encoding": "tcvn3"}
    assert done["columns"]["Ghi chú"]["field"] is None
    conn = sqlite3.connect(db)
    try:
        got = sorted(r[0] for r in conn.execute("SELECT full_name FROM person"))
    finally:
        conn.close()
    assert got == sorted(names)


def test_bad_input_exits_1_or_2_with_one_line(tmp_path: Path) -> None:
    db = tmp_path / "centre.sqlite3"
    missing = tthtcd("import", "--db", str(db), "--kind", "people", str(tmp_path / "no.xlsx"))
    assert missing.returncode == 1
    assert_one_line_error(missing)
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(b"PK\x03\x04 not really a workbook")
    result = tthtcd("import", "--db", str(db), "--kind", "people", str(damaged))
    assert result.returncode == 1
    assert_one_line_error(result)
    no_kind = tthtcd("import", "--db", str(db), str(damaged))
    assert no_kind.returncode == 2
    assert tthtcd("import", "--db", str(db)).returncode == 2
    bad_mapping = tmp_path / "m.json"
    bad_mapping.write_text("{not json", encoding="utf-8")
    file = write_xlsx(tmp_path / "list.xlsx", roster([(1, "Trần Thị Bích", "1990", "Nữ")]))
    result = tthtcd("import", "--db", str(db), "--kind", "people", str(file), "--mapping",
                    str(bad_mapping))  # fmt: skip
    assert result.returncode == 1
    assert_one_line_error(result)


def test_a_members_list_with_a_default_branch_and_join_date(tmp_path: Path) -> None:
    from desktop_app.core.members import BranchKind
    from desktop_app.core.people import HamletKind
    from desktop_app.services.workspace import Workspace

    db = tmp_path / "centre.sqlite3"
    with Workspace.open(db, create=True) as ws:
        for name in ("Thôn Đông", "Thôn Tây"):
            hamlet_id = ws.centre.add_hamlet(name, HamletKind.THON).value
            ws.members.save_branch(f"Chi hội {name}", BranchKind.HAMLET, hamlet_id)
    header = ("STT", "Họ và tên", "Năm sinh", "Thôn", "Chi hội", "Số thẻ", "Hội phí")
    rows = [
        (1, "Trần Thị Bích", 1990, "Thôn Đông", "Chi hội Thôn Đông", 12, 20_000),
        (2, "Lê Văn Cường", 1975, "Thôn Tây", "", "", 20_000),
        (3, "Vũ Minh Đức", 2001, "Thôn Tây", "", 12, ""),
    ]
    file = write_xlsx(tmp_path / "members.xlsx", roster(rows, header))
    base = ("import", "--db", str(db), "--kind", "members", str(file))
    # The row without a branch is rejected; the repeated card number too.
    code, dry = run(*base, "--dry-run")
    assert code == 1 and set(dry) == KEYS and dry["status"] == "dry-run"
    assert dry["columns"]["Chi hội"] == {"field": "branch", "encoding": "unicode"}
    assert dry["columns"]["Hội phí"] == {"field": "dues", "encoding": "unicode"}
    assert sorted((r["row"], r["field"]) for r in dry["rejected"]) == [
        (8, "branch"), (9, "branch"), (9, "card_number"),
    ]  # fmt: skip
    # An unknown branch is refused with the list of branches.
    unknown = tthtcd(*base, "--branch", "Xóm Bãi", "--dry-run")
    assert unknown.returncode == 1
    assert "Chi hội Thôn Tây" in assert_one_line_error(unknown)
    # --branch and --joined are for members lists.
    people = tthtcd("import", "--db", str(db), "--kind", "people", str(file), "--branch", "Tây")
    assert people.returncode == 2
    code, done = run(*base, "--branch", "Thôn Tây", "--joined", "01/09/2020", "--skip-rejected")
    assert code == 0 and done["status"] == "applied" and set(done) == KEYS
    assert (done["new"], [r["field"] for r in done["rejected"]]) == (2, ["card_number"])
    conn = sqlite3.connect(db)
    try:
        got = conn.execute(
            "SELECT p.full_name, m.member_number, b.name, m.joined_on FROM member m"
            " JOIN person p ON p.id = m.person_id JOIN branch b ON b.id = m.branch_id"
            " ORDER BY m.member_number"
        ).fetchall()
        booked = conn.execute("SELECT count(*) FROM ledger_entry").fetchone()[0]
    finally:
        conn.close()
    assert got == [
        ("Trần Thị Bích", "12", "Chi hội Thôn Đông", "2020-09-01"),
        ("Lê Văn Cường", "13", "Chi hội Thôn Tây", "2020-09-01"),
    ]
    assert booked == 0  # the dues column is shown, never booked
    text = tthtcd(*base, "--dry-run")
    assert "Hội phí" in text.stdout  # the column's note
    undo = tthtcd("import", "undo", "--db", str(db), done["import_id"])
    assert undo.returncode == 0, undo.stderr
    assert live_people(db) == 0
