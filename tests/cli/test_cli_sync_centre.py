"""`--centre SITE_ID` at an office: the lists and the fund balance of one centre's rows."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.cli.test_cli import assert_one_line_error, tthtcd

CENTRE_B = "01900000-0000-7000-8000-0000000000b2"
CENTRE_C = "01900000-0000-7000-8000-0000000000c3"


def _copy_rows(conn: sqlite3.Connection, table: str, site: str, where: str, tag: str) -> int:
    """Copy rows of `table` as rows owned by `site` (a centre whose rows were received), with
    new ids; text columns named in `renamed` get `tag` in front so they can be told apart."""
    columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
    renamed = {"full_name", "search_text", "folded_name", "title", "name", "folded_title"}
    values = []
    for c in columns:
        if c == "id":
            values.append(f"'{tag}' || substr(id, {len(tag) + 1})")
        elif c == "owner_site":
            values.append(f"'{site}'")
        elif c == "cccd":
            values.append("NULL")
        elif c in renamed:
            values.append(f"'{tag.lower()} ' || {c}")
        else:
            values.append(c)
    cur = conn.execute(
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)}"
        f" FROM {table} WHERE {where}"
    )
    return cur.rowcount


@pytest.fixture(scope="module")
def office(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A demo database that also holds two other centres' rows, as an import leaves them."""
    path = tmp_path_factory.mktemp("office") / "office.sqlite3"
    result = tthtcd("demo", "--db", str(path), "--people", "300", "--seed", "3")
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(path)
    with conn:
        local = conn.execute("SELECT id FROM site WHERE is_local = 1").fetchone()[0]
        for site, name, tag in ((CENTRE_B, "TTHTCĐ xã B", "B"), (CENTRE_C, "TTHTCĐ xã C", "C")):
            conn.execute(
                "INSERT INTO site (id, name, role, created_at, is_local)"
                " VALUES (?, ?, 'centre', '2026-01-01T00:00:00', 0)",
                (site, name),
            )
            count = 40 if tag == "B" else 25
            people = _copy_rows(
                conn, "person", site,
                f"owner_site = '{local}' AND deleted = 0 AND rowid IN"
                f" (SELECT rowid FROM person ORDER BY rowid LIMIT {count})",
                tag,
            )  # fmt: skip
            assert people == count
            _copy_rows(conn, "course", site, f"owner_site = '{local}' AND rowid <= 2", tag)
            _copy_rows(conn, "fund", site, f"owner_site = '{local}'", tag)
    conn.close()
    return path


def _json(*args: str) -> object:
    result = tthtcd(*args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_people_list_of_one_centre(office: Path) -> None:
    rows = _json("people", "list", "--db", str(office), "--centre", CENTRE_B, "--limit", "1000")
    assert isinstance(rows, list) and len(rows) == 40
    assert all(r["full_name"].startswith("b ") for r in rows)
    assert all(r["id"].startswith("B") for r in rows)
    everyone = _json("people", "list", "--db", str(office), "--limit", "1000")
    assert isinstance(everyone, list) and len(everyone) == 300 + 40 + 25


def test_people_search_of_one_centre(office: Path) -> None:
    found = _json("people", "search", "c", "--db", str(office), "--centre", CENTRE_C)
    assert isinstance(found, list) and len(found) == 25
    assert {r["id"][0] for r in found} == {"C"}
    # A name found at every centre, only at the chosen one.
    name = found[0]["full_name"].removeprefix("c ")
    everywhere = _json("people", "search", name, "--db", str(office), "--limit", "1000")
    at_c = _json("people", "search", name, "--db", str(office), "--centre", CENTRE_C)
    assert isinstance(everywhere, list) and isinstance(at_c, list)
    assert len(everywhere) > len(at_c) >= 1
    assert all(r["id"].startswith("C") for r in at_c)


def test_courses_list_of_one_centre(office: Path) -> None:
    courses = _json("courses", "list", "--db", str(office), "--centre", CENTRE_B)
    assert isinstance(courses, list) and len(courses) == 2
    assert all(c["id"].startswith("B") and c["title"].startswith("b ") for c in courses)


def test_fund_balance_of_one_centre(office: Path) -> None:
    funds = _json("fund", "balance", "--db", str(office), "--centre", CENTRE_C)
    assert isinstance(funds, list) and funds
    assert all(f["id"].startswith("C") for f in funds)
    every = _json("fund", "balance", "--db", str(office))
    assert isinstance(every, list) and len(every) == 3 * len(funds)
    one = funds[0]["id"]
    assert _json("fund", "balance", "--db", str(office), "--centre", CENTRE_C, "--fund", one)
    wrong = tthtcd("fund", "balance", "--db", str(office), "--centre", CENTRE_B, "--fund", one)
    assert wrong.returncode == 1
    assert "is not one of the funds" in assert_one_line_error(wrong)


@pytest.mark.parametrize(
    "command",
    [("people", "list"), ("people", "search", "an"), ("courses", "list"), ("fund", "balance")],
)
def test_an_unknown_centre_is_a_clear_user_error(office: Path, command: tuple[str, ...]) -> None:
    conn = sqlite3.connect(office)
    local = conn.execute("SELECT id FROM site WHERE is_local = 1").fetchone()[0]
    conn.close()
    for unknown in ("01900000-0000-7000-8000-00000000dead", local):
        result = tthtcd(*command, "--db", str(office), "--centre", unknown)
        assert result.returncode == 1
        line = assert_one_line_error(result)
        assert f"no centre with the id {unknown} at this office" in line
        assert "tthtcd centres list" in line
