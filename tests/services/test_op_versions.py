"""Every operation stamps exactly the rows it changes, reports them, and writes the audit.

Rows travel between sites by version: a changed row with an old version is an update the
office never receives, and a row stamped without a change is noise in every bundle. So for
each service operation this reads every travelling table (found in sqlite_master, not listed
by hand) before and after, and checks: every new or changed row carries the operation's new
version, no other row does, `OpChanges` names exactly those rows, and the audit has a row for
the operation under that version.
"""

from __future__ import annotations

import datetime as dt
import inspect
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from desktop_app.core.certificates import CertificateKind
from desktop_app.core.courses import ClassType, CourseInput, Result
from desktop_app.core.fund import EntryInput, EntryKind
from desktop_app.core.members import BranchKind, DuesBatchInput, DuesRate, MemberStatus
from desktop_app.core.people import HamletKind, PersonInput, Sex
from desktop_app.core.problems import UserError
from desktop_app.services.centre import CentreProfile
from desktop_app.services.demo import create_demo
from desktop_app.services.fund import FundInput
from desktop_app.services.members import MemberFilter, MemberInput
from desktop_app.services.ops import OpResult
from desktop_app.services.workspace import Workspace

TODAY = dt.date.today()
DAY = dt.date(TODAY.year, 1, 15) if TODAY.month > 1 else TODAY

Snapshot = dict[str, dict[str, tuple[tuple[Any, ...], int]]]


def travelling_tables(ws: Workspace) -> list[str]:
    tables = [
        r[0]
        for r in ws.db.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    out = []
    for table in tables:
        columns = {r[1] for r in ws.db.conn.execute(f"PRAGMA table_info({table})")}
        if {"id", "owner_site", "version", "updated_at"} <= columns:
            out.append(table)
    return sorted(out)


def snapshot(ws: Workspace) -> Snapshot:
    snap: Snapshot = {}
    for table in travelling_tables(ws):
        columns = [
            r[1]
            for r in ws.db.conn.execute(f"PRAGMA table_info({table})")
            if r[1] not in ("version", "updated_at")
        ]
        rows = ws.db.conn.execute(f"SELECT version, {', '.join(columns)} FROM {table}")
        snap[table] = {str(r[1]): (tuple(r[1:]), int(r[0])) for r in rows}
    return snap


def assert_stamps_exactly(ws: Workspace, run: Callable[[], OpResult[Any]]) -> OpResult[Any]:
    before = snapshot(ws)
    audit_before = ws.db.conn.execute("SELECT coalesce(max(seq), 0) FROM audit").fetchone()[0]
    result = run()
    after = snapshot(ws)
    version = result.changes.version
    changed: dict[str, set[str]] = {}
    for table, rows in after.items():
        for row_id, (content, row_version) in rows.items():
            old = before.get(table, {}).get(row_id)
            if old is None or old[0] != content:
                assert row_version == version, f"{table} {row_id} changed but kept its version"
                changed.setdefault(table, set()).add(row_id)
            else:
                assert row_version == old[1], f"{table} {row_id} was stamped but did not change"
    reported = {t: set(ids) for t, ids in result.changes.ids.items() if ids}
    assert reported == changed, f"{result.changes.op} reported {reported}, changed {changed}"
    assert changed, f"{result.changes.op} changed nothing: the test does not exercise it"
    audit = ws.db.conn.execute(
        "SELECT action, entity, record_id, version FROM audit WHERE seq > ?", (audit_before,)
    ).fetchall()
    assert audit, "no audit row"
    assert {r[0] for r in audit} == {result.changes.op}
    assert {r[3] for r in audit} == {version}
    audited = {(r[1], r[2]) for r in audit}
    for table, ids in changed.items():
        for row_id in ids:
            assert (table, row_id) in audited, f"{table} {row_id} changed without an audit row"
    return result


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "demo.sqlite3"
    with Workspace.open(path, create=True) as ws:
        create_demo(ws, people=150, seed=3, courses=3, today=TODAY)
        ws.db.checkpoint()
    return path


@pytest.fixture
def ws(template: Path, tmp_path: Path) -> Iterator[Workspace]:
    path = tmp_path / "demo.sqlite3"
    shutil.copy(template, path)
    workspace = Workspace.open(path)
    yield workspace
    workspace.close()


# One scenario per operation: set up with ordinary calls, return the operation under test.
Run = Callable[[], OpResult[Any]]
Scenario = Callable[[Workspace], Run]


def _person(ws: Workspace, deleted: bool = False) -> str:
    row = ws.people.roster(1)[0]
    if deleted:
        ws.people.delete(row.id)
    return row.id


def _loner(ws: Workspace) -> str:
    """A live person in no household."""
    hamlet = ws.centre.hamlets()[0].id
    return ws.people.add(
        PersonInput("Đỗ Thị Lẻ", Sex.FEMALE, "1980", hamlet_id=hamlet), confirmed_different=True
    ).value


def _household_with_two(ws: Workspace) -> tuple[str, str, str]:
    head = _loner(ws)
    other = ws.people.add(PersonInput("Đỗ Văn Kèm", Sex.MALE, "1978")).value
    household = ws.households.create(head).value
    ws.households.add_member(household, other, "Chồng")
    return household, head, other


def _course(ws: Workspace) -> str:
    return ws.courses.create(
        CourseInput("cd_nong_nghiep", "Trồng rau sạch", start=DAY), [DAY]
    ).value


def _enrolled(ws: Workspace) -> tuple[str, str, str]:
    course = _course(ws)
    person = _loner(ws)
    enrolment = ws.courses.enrol(course, [person]).value[0]
    return course, person, enrolment


def _completed(ws: Workspace) -> str:
    course, _person_id, enrolment = _enrolled(ws)
    session = ws.courses.sessions(course)[0].id
    ws.courses.set_attendance(course, [(enrolment, session)], True)
    return course


def _fund(ws: Workspace) -> str:
    return ws.fund.funds()[0].id


def _receipt(fund: str, amount: int = 300_000) -> EntryInput:
    return EntryInput(fund, EntryKind.DONATION_CASH, TODAY, amount, "Ông Lý Văn Tặng", reason="x")


def _branch(ws: Workspace) -> str:
    return ws.members.branches()[0].id


SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str) -> Callable[[Scenario], Scenario]:
    def register(fn: Scenario) -> Scenario:
        SCENARIOS[name] = fn
        return fn

    return register


@scenario("people.add")
def _(ws: Workspace) -> Run:
    return lambda: ws.people.add(PersonInput("Vi Văn Mới", Sex.MALE, "1999"))


@scenario("people.update")
def _(ws: Workspace) -> Run:
    pid = _person(ws)
    name = ws.people.get(pid).full_name
    return lambda: ws.people.update(pid, PersonInput(name, phone="0912000111"))


@scenario("people.delete")
def _(ws: Workspace) -> Run:
    pid = _person(ws)
    return lambda: ws.people.delete(pid)


@scenario("people.restore")
def _(ws: Workspace) -> Run:
    pid = _person(ws, deleted=True)
    return lambda: ws.people.restore(pid)


@scenario("households.create")
def _(ws: Workspace) -> Run:
    pid = _loner(ws)
    return lambda: ws.households.create(pid)


@scenario("households.add_member")
def _(ws: Workspace) -> Run:
    household = ws.households.create(_loner(ws)).value
    pid = ws.people.add(PersonInput("Đỗ Văn Con", Sex.MALE, "2010")).value
    return lambda: ws.households.add_member(household, pid, "Con")


@scenario("households.set_relation")
def _(ws: Workspace) -> Run:
    _household, _head, other = _household_with_two(ws)
    return lambda: ws.households.set_relation(other, "Vợ")


@scenario("households.set_head")
def _(ws: Workspace) -> Run:
    household, _head, other = _household_with_two(ws)
    return lambda: ws.households.set_head(household, other)


@scenario("households.remove_member")
def _(ws: Workspace) -> Run:
    _household, head, _other = _household_with_two(ws)
    return lambda: ws.households.remove_member(head)


@scenario("centre.save_profile")
def _(ws: Workspace) -> Run:
    old = ws.centre.profile()
    new = CentreProfile("Trung tâm mới", old.province_code, commune_code=old.commune_code)
    return lambda: ws.centre.save_profile(new)


@scenario("centre.add_hamlet")
def _(ws: Workspace) -> Run:
    return lambda: ws.centre.add_hamlet("Thôn Mới", HamletKind.THON)


@scenario("centre.update_hamlet")
def _(ws: Workspace) -> Run:
    # A rename moves the hamlet's people in the hamlet order: they are stamped too.
    h = ws.centre.hamlets()[0]
    return lambda: ws.centre.update_hamlet(h.id, "Thôn Đổi Tên", h.kind, 900)


@scenario("centre.delete_hamlet")
def _(ws: Workspace) -> Run:
    hamlet = ws.centre.add_hamlet("Thôn Trống").value
    return lambda: ws.centre.delete_hamlet(hamlet)


@scenario("courses.save_class_type")
def _(ws: Workspace) -> Run:
    kind = ClassType("tin_hoc", "Tin học cơ bản", "Computer basics", "chuyen_de", False, 70)
    return lambda: ws.courses.save_class_type(kind)


@scenario("courses.save_class_types")
def _(ws: Workspace) -> Run:
    kinds = [
        ClassType("tin_hoc", "Tin học cơ bản", "Computer basics", "chuyen_de", False, 70),
        ClassType("nau_an", "Nấu ăn dinh dưỡng", "Cooking", "chuyen_de", False, 80),
    ]
    return lambda: ws.courses.save_class_types(kinds)


@scenario("courses.import_catalogue")
def _(ws: Workspace) -> Run:
    path = Path(ws.path).with_name("types.json")
    path.write_text(
        '{"types": [{"code": "cd_nong_nghiep", "name": "Chuyên đề nông nghiệp mới"},'
        ' {"code": "tin_hoc", "name": "Tin học cơ bản"}]}',
        encoding="utf-8",
    )
    return lambda: ws.courses.import_catalogue(str(path))


@scenario("courses.create")
def _(ws: Workspace) -> Run:
    data = CourseInput("cd_nong_nghiep", "Nuôi cá", start=DAY)
    return lambda: ws.courses.create(data, [DAY, DAY + dt.timedelta(days=7)])


@scenario("courses.update")
def _(ws: Workspace) -> Run:
    course = _course(ws)
    data = CourseInput("cd_nong_nghiep", "Trồng rau sạch vụ Đông", start=DAY)
    return lambda: ws.courses.update(course, data)


@scenario("courses.delete")
def _(ws: Workspace) -> Run:
    course = _course(ws)
    return lambda: ws.courses.delete(course)


@scenario("courses.add_session")
def _(ws: Workspace) -> Run:
    course = _course(ws)
    return lambda: ws.courses.add_session(course, DAY, "Ôn tập")


@scenario("courses.update_session")
def _(ws: Workspace) -> Run:
    session = ws.courses.sessions(_course(ws))[0].id
    return lambda: ws.courses.update_session(session, DAY, "Chủ đề mới")


@scenario("courses.remove_session")
def _(ws: Workspace) -> Run:
    # Removing a session tombstones its attendance too.
    session = ws.courses.sessions(_completed(ws))[0].id
    return lambda: ws.courses.remove_session(session)


@scenario("courses.enrol")
def _(ws: Workspace) -> Run:
    course, pid = _course(ws), _loner(ws)
    return lambda: ws.courses.enrol(course, [pid])


@scenario("courses.enrol_household")
def _(ws: Workspace) -> Run:
    course = _course(ws)
    _household, head, _other = _household_with_two(ws)
    return lambda: ws.courses.enrol_household(course, head)


@scenario("courses.enrol_new_person")
def _(ws: Workspace) -> Run:
    course = _course(ws)
    return lambda: ws.courses.enrol_new_person(course, PersonInput("Hà Văn Ghi Danh"))


@scenario("courses.enrol_pasted")
def _(ws: Workspace) -> Run:
    course = _course(ws)
    _loner(ws)
    return lambda: ws.courses.enrol_pasted(course, "Đỗ Thị Lẻ\t1980\n")


@scenario("courses.enrol_resolved")
def _(ws: Workspace) -> Run:
    course, pid = _course(ws), _loner(ws)
    new = [PersonInput("Lò Văn Chưa Có", birth="1990")]
    return lambda: ws.courses.enrol_resolved(course, [pid], new)


@scenario("courses.unenrol")
def _(ws: Workspace) -> Run:
    _course_id, _pid, enrolment = _enrolled(ws)
    return lambda: ws.courses.unenrol(enrolment)


@scenario("courses.set_result")
def _(ws: Workspace) -> Run:
    _course_id, _pid, enrolment = _enrolled(ws)
    return lambda: ws.courses.set_result(enrolment, Result.GOOD)


@scenario("courses.set_commendation")
def _(ws: Workspace) -> Run:
    _course_id, _pid, enrolment = _enrolled(ws)
    return lambda: ws.courses.set_commendation(enrolment, True)


@scenario("courses.set_attendance")
def _(ws: Workspace) -> Run:
    course, _pid, enrolment = _enrolled(ws)
    session = ws.courses.sessions(course)[0].id
    return lambda: ws.courses.set_attendance(course, [(enrolment, session)], True)


@scenario("courses.mark_session_present")
def _(ws: Workspace) -> Run:
    course, _pid, _enrolment = _enrolled(ws)
    session = ws.courses.sessions(course)[0].id
    return lambda: ws.courses.mark_session_present(course, session)


@scenario("certificates.issue_for_course")
def _(ws: Workspace) -> Run:
    course = _completed(ws)
    return lambda: ws.certificates.issue_for_course(course, issued_on=TODAY)


@scenario("certificates.issue_for_course (reprint)")
def _(ws: Workspace) -> Run:
    # Printing again keeps the number and counts the print: the row changes.
    course = _completed(ws)
    ws.certificates.issue_for_course(course, issued_on=TODAY)
    return lambda: ws.certificates.issue_for_course(course, CertificateKind.COMPLETION, TODAY)


@scenario("certificates.revoke")
def _(ws: Workspace) -> Run:
    cert = ws.certificates.issue_for_course(_completed(ws), issued_on=TODAY).value[0]
    return lambda: ws.certificates.revoke(cert.certificate.id, "Ghi sai tên")


@scenario("certificates.reissue")
def _(ws: Workspace) -> Run:
    cert = ws.certificates.issue_for_course(_completed(ws), issued_on=TODAY).value[0]
    return lambda: ws.certificates.reissue(cert.certificate.id, TODAY, "Mất bản chính")


@scenario("fund.create")
def _(ws: Workspace) -> Run:
    return lambda: ws.fund.create(FundInput("Quỹ học bổng", 1_000_000, DAY))


@scenario("fund.update_details")
def _(ws: Workspace) -> Run:
    fund = _fund(ws)
    return lambda: ws.fund.update_details(fund, "Quỹ Khuyến học xã (mới)", False)


@scenario("fund.record")
def _(ws: Workspace) -> Run:
    # An entry moves its fund's head (seq, hash, balance): the fund row is stamped too.
    fund = _fund(ws)
    return lambda: ws.fund.record(_receipt(fund), TODAY)


@scenario("fund.void")
def _(ws: Workspace) -> Run:
    entry = ws.fund.record(_receipt(_fund(ws)), TODAY).value
    return lambda: ws.fund.void(entry.id, "Ghi nhầm")


def _goods(fund: str, quantity: int = 28) -> EntryInput:
    return EntryInput(
        fund, EntryKind.DONATION_IN_KIND, TODAY, 3_500_000, "Nhà sách Minh Khai",
        reason="Ủng hộ sách", in_kind="Sách giáo khoa lớp 4", quantity=quantity, unit="bộ",
    )  # fmt: skip


@scenario("fund.goods_issue")
def _(ws: Workspace) -> Run:
    from desktop_app.core.fund import GoodsIssueInput

    fund = _fund(ws)
    lot = ws.fund.record(_goods(fund), TODAY).value
    return lambda: ws.fund.goods_issue(
        GoodsIssueInput(fund, lot.id, 10, "Học sinh lớp 4A", TODAY), TODAY
    )


@scenario("fund.reclassify_in_kind")
def _(ws: Workspace) -> Run:
    fund = _fund(ws)
    # The demo's gifts are goods already: one recorded the old way, through the ledger's
    # own append (what the app did before gifts in kind had their book).
    from desktop_app.core.fund import Book
    from desktop_app.storage import fund as repo

    row = ws.fund.record(_receipt(fund), TODAY).value
    assert row.book is Book.RECEIPT
    key = ws.fund._keys.require().seal
    with ws.ops.op("ledger.record") as op:
        f = ws.fund.get(fund)
        repo.append_entry(
            op.tx, f,
            repo.NewEntry(
                book=Book.RECEIPT, year=TODAY.year,
                number=repo.next_number(ws.db, fund, Book.RECEIPT, TODAY.year),
                entry_date=TODAY, kind=EntryKind.DONATION_IN_KIND, amount=500_000,
                effect=500_000, in_kind="12 bộ sách giáo khoa", party_name="Dòng họ Lê",
            ),
            key, ws.fund._checked_seal(f, key),
        )  # fmt: skip
    return lambda: ws.fund.reclassify_in_kind(fund)


@scenario("fund.close_year")
def _(ws: Workspace) -> Run:
    year = TODAY.year - 3
    fund = ws.fund.create(FundInput("Quỹ cũ", 0, dt.date(year, 1, 1))).value
    return lambda: ws.fund.close_year(fund, year)


@scenario("members.save_branch")
def _(ws: Workspace) -> Run:
    return lambda: ws.members.save_branch("Chi hội Cựu giáo chức", BranchKind.AGENCY)


@scenario("members.add")
def _(ws: Workspace) -> Run:
    data = MemberInput(_loner(ws), _branch(ws), DAY)
    return lambda: ws.members.add(data)


@scenario("members.update")
def _(ws: Workspace) -> Run:
    m = ws.members.members(MemberFilter(status=MemberStatus.ACTIVE))[0]
    data = MemberInput(
        m.person_id, m.branch_id, m.joined_on, m.member_number, MemberStatus.MOVED, DAY
    )
    return lambda: ws.members.update(m.id, data)


@scenario("members.set_rate")
def _(ws: Workspace) -> Run:
    return lambda: ws.members.set_rate(DuesRate(TODAY.year + 1, 30_000, 20))


@scenario("members.collect")
def _(ws: Workspace) -> Run:
    # A dues batch writes the payments, the batch, the fund receipt and the fund's head.
    branch = _branch(ws)
    member = ws.members.add(MemberInput(_loner(ws), branch, DAY)).value
    batch = DuesBatchInput(branch, TODAY.year + 1, TODAY, "Thủ quỹ", 1, 10_000, ((member, 10_000),))
    return lambda: ws.members.collect(batch, _fund(ws))


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_operation_stamps_exactly_what_it_changes(ws: Workspace, name: str) -> None:
    run = SCENARIOS[name](ws)
    assert_stamps_exactly(ws, run)


def test_the_demo_fill_is_one_operation_with_one_version(tmp_path: Path) -> None:
    with Workspace.open(tmp_path / "x.sqlite3", create=True) as ws:
        result = create_demo(ws, people=120, seed=5, courses=2, today=TODAY)
        version = result.changes.version
        for table in travelling_tables(ws):
            stamped = {
                r[0]
                for r in ws.db.conn.execute(f"SELECT DISTINCT version FROM {table}")
                if r[0] != version
            }
            # The class types were loaded when the file was made, before the demo.
            assert table == "class_type" or not stamped, f"{table} has rows of {stamped}"
        assert result.changes.touches("person", "course", "member", "ledger_entry", "fund")
        assert ws.db.conn.execute(
            "SELECT count(*) FROM audit WHERE action = 'demo.fill' AND version = ?", (version,)
        ).fetchone()[0]


def test_a_refused_operation_changes_nothing_and_takes_no_version(ws: Workspace) -> None:
    before = snapshot(ws)
    counter = ws.db.conn.execute("SELECT value FROM change_counter").fetchone()[0]
    audit = ws.db.conn.execute("SELECT count(*) FROM audit").fetchone()[0]
    fund = _fund(ws)
    with pytest.raises(UserError):
        ws.fund.record(_receipt(fund, amount=0), TODAY)
    with pytest.raises(UserError):
        ws.people.update(_person(ws), PersonInput(""))
    assert snapshot(ws) == before
    assert ws.db.conn.execute("SELECT value FROM change_counter").fetchone()[0] == counter
    assert ws.db.conn.execute("SELECT count(*) FROM audit").fetchone()[0] == audit


def test_a_nested_operation_that_fails_leaves_the_outer_one_whole(ws: Workspace) -> None:
    """The demo and a dues batch call other operations inside theirs: a refused inner one
    rolls back to its savepoint and what the outer op reports stays true."""
    fund = _fund(ws)
    before = ws.fund.balance(fund)
    with ws.ops.op("test.outer") as op:
        ws.fund.record(_receipt(fund, 100_000), TODAY)
        with pytest.raises(UserError):
            ws.fund.record(_receipt(fund, amount=-5), TODAY)
    result = op.result(None)
    assert ws.fund.balance(fund) == before + 100_000
    assert result.changes.touches("ledger_entry", "fund")


# Operations that change no row: they only write the audit line of a print or an export.
AUDIT_ONLY = {
    "certificates.record_print", "class_documents.record_print", "fund_documents.record_print",
    "certificates.record_register_print",
}  # fmt: skip


def test_an_audit_only_operation_stamps_nothing_and_writes_its_line(ws: Workspace) -> None:
    before = snapshot(ws)
    counter = ws.db.conn.execute("SELECT value FROM change_counter").fetchone()[0]
    result = ws.ops.record_event("roster.print", "roster", "course-1", "rows=12")
    assert result.changes.empty and result.changes.version is None
    assert snapshot(ws) == before
    assert ws.db.conn.execute("SELECT value FROM change_counter").fetchone()[0] == counter
    row = ws.db.conn.execute(
        "SELECT action, entity, record_id, detail FROM audit ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    assert tuple(row) == ("roster.print", "roster", "course-1", "rows=12")


def test_every_writing_service_method_has_a_scenario() -> None:
    """A new operation without a scenario here fails, so none is left unchecked."""
    from desktop_app.services import (
        centre,
        certificates,
        class_documents,
        courses,
        fund,
        fund_documents,
        households,
        members,
        people,
    )

    services = {
        "people": people.PeopleService, "households": households.HouseholdService,
        "centre": centre.CentreService, "courses": courses.CourseService,
        "certificates": certificates.CertificateService, "fund": fund.FundService,
        "members": members.MemberService,
        "class_documents": class_documents.ClassDocumentService,
        "fund_documents": fund_documents.FundDocumentService,
    }  # fmt: skip
    covered = {name.split(" ")[0] for name in SCENARIOS} | AUDIT_ONLY
    seen = set()
    for prefix, cls in services.items():
        for method_name, method in inspect.getmembers(cls, inspect.isfunction):
            if method_name.startswith("_"):
                continue
            # Annotations are strings here (postponed evaluation): read them as written.
            returns = str(method.__annotations__.get("return", ""))
            if returns.startswith("OpResult["):
                full = f"{prefix}.{method_name}"
                seen.add(full)
                assert full in covered or full == "certificates.prepare_course", full
    assert covered <= seen, f"scenarios for methods that are gone: {covered - seen}"
