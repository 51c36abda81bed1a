"""The demo reads as a real centre would: who sits in which class, which school a pupil
attends, place names after the 2025 reform, who pays the dues, how old each family member is.

Each check reads the demo as an official leafing through its records would, on a ward (phường)
demo and on a southern commune (xã, with ấp) demo."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import sqlite3
import subprocess
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path

import pytest

from desktop_app.services.workspace import Workspace

DemoTemplate = Callable[..., Path]

WARD = (3000, 3)  # Phường Thủy Xuân, Thành phố Huế
COMMUNE = (3000, 1)  # Xã Tân Phú, Đồng Nai


@pytest.fixture(params=[WARD, COMMUNE], ids=["phuong", "xa"])
def demo(
    request: pytest.FixtureRequest, demo_template: DemoTemplate
) -> Iterator[sqlite3.Connection]:
    people, seed = request.param
    path = demo_template(people, seed)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    yield conn
    conn.close()


def _year(birth: str) -> int:
    return int(birth[:4])


# A title naming a group, and the ages (at the class's start) and sex of the people it is for.
GROUPS: tuple[tuple[str, str | None, int, int], ...] = (
    ("phụ nữ", "F", 15, 120),
    ("người cao tuổi", None, 60, 120),
    ("thanh thiếu niên", None, 10, 24),
    ("thanh niên", None, 16, 35),
    ("nông dân", None, 18, 75),
    ("thiếu nhi", None, 6, 15),
    ("trẻ em", None, 6, 15),
    ("trẻ dưới", None, 18, 60),  # a class on small children is for their parents
    ("dưỡng sinh", None, 45, 120),
    ("xóa mù chữ", None, 15, 60),
)
CHILD_WORDS = ("thiếu nhi", "trẻ em", "thanh thiếu niên")


def _learners(db: sqlite3.Connection) -> dict[tuple[str, str, str], list[tuple[str, int, str]]]:
    """(course id, title, type) -> [(sex, age at the class's start, name)]."""
    rows = db.execute(
        "SELECT c.id, c.title, c.type_code, c.start_date, p.sex, p.birth, p.full_name"
        " FROM course c JOIN enrolment e ON e.course_id = c.id AND e.deleted = 0"
        " JOIN person p ON p.id = e.person_id"
    )
    out: dict[tuple[str, str, str], list[tuple[str, int, str]]] = defaultdict(list)
    for cid, title, code, start, sex, birth, name in rows:
        out[(cid, title, code)].append((sex, _year(start) - _year(birth), name))
    return out


def test_a_class_for_a_group_enrols_only_that_group(demo: sqlite3.Connection) -> None:
    classes = _learners(demo)
    assert classes
    for (_, title, code), learners in classes.items():
        folded = title.lower()
        for word, sex, youngest, oldest in GROUPS:
            if word not in folded:
                continue
            wrong = [(n, s, a) for s, a, n in learners if sex and s != sex]
            assert not wrong, f"{title}: {wrong[:3]}"
            outside = [(n, a) for _, a, n in learners if not youngest <= a <= oldest]
            assert not outside, f"{title} ({youngest}–{oldest}): {outside[:3]}"
        if code == "cd_nong_nghiep":  # farming topics are for the farmers, grown-ups
            assert all(18 <= a <= 75 for _, a, _ in learners), title
        if not any(w in folded for w in CHILD_WORDS):
            children = [(n, a) for _, a, n in learners if a < 15]
            assert not children, f"{title}: {children[:3]}"


def test_the_demos_hold_a_class_for_each_group(demo_template: DemoTemplate) -> None:
    """Between them, the two demos hold a class with learners for each group checked above,
    so that check is not empty."""
    titles: set[str] = set()
    for people, seed in (WARD, COMMUNE):
        with closing(
            sqlite3.connect(f"file:{demo_template(people, seed)}?mode=ro", uri=True)
        ) as db:
            titles |= {title.lower() for (_, title, _) in _learners(db)}
    met = {word for word, *_ in GROUPS if any(word in t for t in titles)}
    assert {"phụ nữ", "người cao tuổi", "thiếu nhi", "trẻ em", "thanh thiếu niên"} <= met


def test_pupils_go_to_the_school_and_grade_of_their_age(demo: sqlite3.Connection) -> None:
    rows = demo.execute(
        "SELECT l.entry_date, l.school, l.grade, p.birth, p.full_name FROM ledger_entry l"
        " JOIN person p ON p.id = l.person_id WHERE l.school != ''"
    ).fetchall()
    assert len(rows) > 20
    levels = set()
    for day, school, grade, birth, name in rows:
        number = int(re.match(r"\d+", grade).group())  # type: ignore[union-attr]
        age = _year(day) - _year(birth)
        # A child starts grade 1 in the September of the year they turn six.
        assert number == age - 5, (name, birth, day, grade)
        level = (
            "Trường Tiểu học" if number <= 5 else "Trường THCS" if number <= 9 else "Trường THPT"
        )
        assert school.startswith(level + " ") and len(school) > len(level) + 1, (school, grade)
        levels.add(level)
    assert len(levels) == 3


def _all_text(db: sqlite3.Connection) -> Iterator[tuple[str, str, str]]:
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        if table.startswith("person_fts") or table.startswith("sqlite_"):
            continue
        columns = [r[1] for r in db.execute(f"PRAGMA table_info('{table}')")]
        for column in columns:
            for (value,) in db.execute(f'SELECT "{column}" FROM "{table}"'):
                if isinstance(value, str):
                    yield table, column, value


# "xã hội" is society ("Xã hội hóa": privately funded), not a commune.
COMMUNE_WORD = re.compile(r"\bxã\b(?! hội)", re.IGNORECASE)
DISTRICT_WORD = re.compile(r"\b(huyện|quận|thị xã)\b", re.IGNORECASE)


def test_places_follow_the_2025_reform(demo: sqlite3.Connection) -> None:
    (commune, province, centre, address) = demo.execute(
        "SELECT commune_name, province_name, name, address FROM centre"
    ).fetchone()
    ward = commune.startswith("Phường ")
    in_text = commune[0].lower() + commune[1:]
    # An address runs hamlet, commune, province: there is no district any more.
    assert address.endswith(f", {in_text}, " + _province_in_text(province)), address
    assert centre == f"Trung tâm học tập cộng đồng {in_text}"
    districts = [(t, c, v) for t, c, v in _all_text(demo) if DISTRICT_WORD.search(v)]
    assert not districts, districts[:5]
    if ward:
        communes = [(t, c, v) for t, c, v in _all_text(demo) if COMMUNE_WORD.search(v)]
        assert not communes, communes[:5]
    hamlets = demo.execute("SELECT name, kind FROM hamlet").fetchall()
    expected = ("Tổ dân phố ", "to_dan_pho") if ward else ("Ấp ", "ap")
    assert all(n.startswith(expected[0]) and k == expected[1] for n, k in hamlets), hamlets
    fund = demo.execute("SELECT name FROM fund").fetchone()[0]
    assert fund == f"Quỹ Khuyến học {in_text}"


def _province_in_text(name: str) -> str:
    return (
        "thành phố " + name.removeprefix("Thành phố ")
        if name.startswith("Thành")
        else (f"tỉnh {name}")
    )


def test_dues_are_paid_by_the_named_branch_head_with_an_address(
    demo: sqlite3.Connection,
) -> None:
    commune = demo.execute("SELECT commune_name FROM centre").fetchone()[0]
    rows = demo.execute(
        "SELECT b.id, b.name, h.name, l.party_name, l.party_address, d.collector"
        " FROM dues_batch d JOIN ledger_entry l ON l.id = d.ledger_entry_id"
        " JOIN branch b ON b.id = d.branch_id LEFT JOIN hamlet h ON h.id = b.hamlet_id"
    ).fetchall()
    assert len(rows) > 10
    heads: dict[str, set[str]] = defaultdict(set)
    for branch, branch_name, hamlet, payer, address, collector in rows:
        assert payer == collector
        members = {
            n
            for (n,) in demo.execute(
                "SELECT p.full_name FROM member m JOIN person p ON p.id = m.person_id"
                " WHERE m.branch_id = ? AND m.status = 'active'",
                (branch,),
            )
        }
        assert payer in members, (branch_name, payer)
        place = hamlet or branch_name.removeprefix("Chi hội ")
        assert address.startswith(f"{place}, {commune.lower().split()[0]} "), address
        heads[branch].add(payer)
    assert all(len(names) == 1 for names in heads.values()), heads


def test_a_dues_receipt_prints_the_payer_and_address(
    demo_copy: DemoTemplate, tmp_path: Path
) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    path = demo_copy(*WARD)
    with Workspace.open(path) as ws:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        book, number, year, payer, address = db.execute(
            "SELECT book, number, year, party_name, party_address FROM ledger_entry"
            " WHERE kind = 'dues' ORDER BY seq LIMIT 1"
        ).fetchone()
        db.close()
        out = tmp_path / "receipt.pdf"
        ws.fund_documents.print_voucher(f"{book}-{number:04d}/{year}", out)
    text = " ".join(
        subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout.split()
    )
    assert f"nộp tiền: {payer}" in text
    assert f"Địa chỉ: {address}" in text
    assert "Chi hội trưởng" not in text.split("Địa chỉ")[0].split("nộp tiền:")[-1]


def test_household_ages_fit_the_relation(demo: sqlite3.Connection) -> None:
    rows = demo.execute(
        "SELECT p.household_id, p.household_relation, p.birth, p.sex, p.id = h.head_id"
        " FROM person p JOIN household h ON h.id = p.household_id WHERE p.deleted = 0"
    ).fetchall()
    households: dict[str, list[tuple[str, int, str, bool]]] = defaultdict(list)
    for hid, relation, birth, sex, is_head in rows:
        households[hid].append((relation, _year(birth), sex, bool(is_head)))
    relations: set[str] = set()
    for hid, members in households.items():
        heads = [m for m in members if m[3]]
        assert len(heads) == 1, hid
        head_year = heads[0][1]
        for relation, year, sex, _ in members:
            relations.add(relation)
            gap = year - head_year  # positive: younger than the head
            ok = {
                "Chủ hộ": gap == 0,
                "Vợ": abs(gap) <= 15 and sex == "F",
                "Chồng": abs(gap) <= 15 and sex == "M",
                "Con": gap >= 16,
                "Cháu": gap >= 40,
                "Cha": gap <= -18 and sex == "M",
                "Mẹ": gap <= -18 and sex == "F",
            }.get(relation, False)
            assert ok, (relation, sex, year, "head born", head_year)
    assert {"Chủ hộ", "Vợ", "Chồng", "Con", "Cháu"} <= relations


def test_the_school_branch_is_its_staff(demo: sqlite3.Connection) -> None:
    """A school's branch (chi hội trường học) gathers its teachers and staff: working age."""
    rows = demo.execute(
        "SELECT p.full_name, p.birth FROM member m"
        " JOIN branch b ON b.id = m.branch_id JOIN person p ON p.id = m.person_id"
        " WHERE b.kind = 'school'"
    ).fetchall()
    assert rows
    this_year = dt.date.today().year  # the demo was made today
    assert all(22 <= this_year - _year(birth) <= 60 for _, birth in rows), rows[:3]
