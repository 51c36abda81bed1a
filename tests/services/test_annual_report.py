"""The annual report's figures on a small hand-made centre: every figure against the values
worked out by hand from the truth table below, the records behind each count figure as many as
it counts, the JSON derived from the figures, the refusals, an empty period, and an office with
two centres reporting on one of them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from desktop_app.core.annual_report import figures
from desktop_app.core.courses import CourseInput, Result
from desktop_app.core.fund import EntryInput, EntryKind
from desktop_app.core.learning_models import ItemValue
from desktop_app.core.members import BranchKind, DuesBatchInput, DuesRate, MemberStatus
from desktop_app.core.people import HamletKind, PersonInput, Sex
from desktop_app.core.problems import UserError
from desktop_app.services.fund import FundInput
from desktop_app.services.members import MemberInput
from desktop_app.services.workspace import Workspace
from tests.services.sync_helpers import enrol, make_centre

pytestmark = pytest.mark.usefixtures("english")

YEAR = 2026
TODAY = dt.date(2026, 11, 25)
M, F = Sex.MALE, Sex.FEMALE

# name, sex, birth year, hamlet, ethnicity; age at 31/12/2026 in the comment.
PEOPLE = {
    "an": ("Nguyễn Văn An", M, "1990", "Thôn 1", "Kinh"),  # 36: 15-60
    "binh": ("Trần Thị Bình", F, "2000", "Thôn 1", "Tày"),  # 26: 15-35, 15-60; minority
    "cuong": ("Lê Văn Cường", M, "1960", "Thôn 2", ""),  # 66: over 60
    "dung": ("Phạm Thị Dung", F, "1995", "Thôn 2", "Kinh"),  # 31: 15-35, 15-60
    "em": ("Hoàng Thị Em", F, "2015", None, ""),  # 11: no band; no hamlet
    "hoc": ("Lê Thị Học", F, "2012", "Thôn 1", "Kinh"),  # 14: the scholarship's pupil
}


def _class(ws: Workspace, code: str, title: str, days: list[dt.date], people: list[str]) -> str:
    cid = ws.courses.create(CourseInput(type_code=code, title=title, start=days[0]), days).value
    ws.courses.enrol(cid, people)
    return cid


def _tick(ws: Workspace, cid: str, marks: list[tuple[str, int]]) -> dict[str, str]:
    grid = ws.courses.grid(cid)
    of = {e.person_id: e.id for e in grid.enrolments}
    ws.courses.set_attendance(cid, [(of[p], grid.sessions[i].id) for p, i in marks], True)
    return of


@pytest.fixture
def centre(ws: Workspace, hamlets: dict[str, str]) -> dict[str, str]:
    ws.centre.update_hamlet(hamlets["Thôn 1"], "Thôn 1", HamletKind.THON, 100)
    ws.centre.update_hamlet(hamlets["Thôn 2"], "Thôn 2", HamletKind.THON, 50)
    p = {
        key: ws.people.add(
            PersonInput(full_name=name, sex=sex, birth=birth,
                        hamlet_id=hamlets[h] if h else None, ethnicity=eth)
        ).value
        for key, (name, sex, birth, h, eth) in PEOPLE.items()
    }  # fmt: skip
    # Literacy class: An twice (level 1, passed), Bình once (level 2, no result yet).
    a = _class(ws, "xmc1", "Lớp xóa mù chữ", [dt.date(2026, 2, 10), dt.date(2026, 3, 5)],
               [p["an"], p["binh"]])  # fmt: skip
    of = _tick(ws, a, [(p["an"], 0), (p["an"], 1), (p["binh"], 0)])
    ws.courses.set_result(of[p["an"]], Result.PASS, 1)
    ws.courses.set_result(of[p["binh"]], None, 2)
    # A law topic: Cường, Dung and Em once each.
    b = _class(ws, "cd_phap_luat", "Chuyên đề pháp luật", [dt.date(2026, 3, 20)],
               [p["cuong"], p["dung"], p["em"]])  # fmt: skip
    _tick(ws, b, [(p["cuong"], 0), (p["dung"], 0), (p["em"], 0)])
    # Last year's class: outside the period.
    c = _class(ws, "ky_nang_song", "Kỹ năng sống 2025", [dt.date(2025, 12, 1)], [p["an"]])
    _tick(ws, c, [(p["an"], 0)])
    # Members: An (Thôn 1) and Cường (Thôn 2) active, Dung left.
    branch = ws.members.save_branch("Chi hội Thôn 1", BranchKind.HAMLET, hamlets["Thôn 1"]).value
    members = [ws.members.add(MemberInput(p[k], branch, dt.date(2025, 1, 1))).value
               for k in ("an", "cuong")]  # fmt: skip
    dung = ws.members.add(MemberInput(p["dung"], branch, dt.date(2025, 1, 1))).value
    left = MemberInput(p["dung"], branch, dt.date(2025, 1, 1), status=MemberStatus.LEFT,
                       status_on=dt.date(2025, 6, 1))  # fmt: skip
    ws.members.update(dung, left)
    fund = ws.fund.create(FundInput("Quỹ Khuyến học xã", 1_000_000, dt.date(2025, 1, 1))).value
    # Dues: 2 × 20.000 đ on 1/4 (a PT receipt of kind dues too).
    ws.members.set_rate(DuesRate(YEAR, 20_000, 30))
    ws.members.collect(
        DuesBatchInput(branch, YEAR, dt.date(2026, 4, 1), "Lê Văn Ba", 2, 40_000,
                       ((members[0], 20_000), (members[1], 20_000))), fund,
    )  # fmt: skip

    def record(kind: EntryKind, day: dt.date, amount: int, **kw: object) -> str:
        entry = EntryInput(
            fund, kind, day, amount, party_name="Công ty Bình Minh", reason="Khuyến học", **kw
        )  # type: ignore[arg-type]
        return ws.fund.record(entry, TODAY).value.id  # fmt: skip

    record(EntryKind.DONATION_CASH, dt.date(2025, 12, 20), 100_000)  # last year
    record(EntryKind.DONATION_CASH, dt.date(2026, 3, 10), 500_000)
    voided = record(EntryKind.DONATION_CASH, dt.date(2026, 5, 1), 300_000)
    ws.fund.void(voided, "Ghi nhầm", dt.date(2026, 5, 2))
    record(EntryKind.SCHOLARSHIP, dt.date(2026, 5, 5), 200_000, person_id=p["hoc"],
           school="Trường THCS", grade="8A")  # fmt: skip
    record(EntryKind.EXPENSE, dt.date(2026, 6, 1), 50_000)
    record(EntryKind.DONATION_IN_KIND, dt.date(2026, 7, 1), 3_500_000,
           in_kind="Sách giáo khoa lớp 4", quantity=28, unit="bộ")  # fmt: skip
    # Models: An's household registered (Gia đình học tập); An recognised as Công dân học tập.
    household = ws.households.create(p["an"]).value
    on = dt.date(2026, 1, 10)
    ws.models.register("family", YEAR, household, on=on)
    ws.assessments.save_assessment(
        "citizen", YEAR, p["an"], {c: ItemValue(True) for c in "123"}, register=True, on=on
    )
    ws.recognitions.recognise("citizen", YEAR, "46/QĐ-UBND", dt.date(2026, 11, 20))
    # Công dân học tập: Bình has an account, Dung achieved the title.
    ws.cdht.set_status(p["binh"], "account", dt.date(2026, 3, 1))
    ws.cdht.set_status(p["dung"], "achieved", dt.date(2026, 6, 1))
    return {**p, "fund": fund}


def test_every_figure_against_the_truth_table(ws: Workspace, centre: dict[str, str]) -> None:
    report = ws.reports.annual(YEAR)
    assert (report.period_from, report.period_to) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert report.kind == "annual" and not report.empty
    assert (report.sites, report.site_dates) == ((), ())
    j = ws.reports.figures_json(report)
    assert j["period"] == {"from": "2026-01-01", "to": "2026-12-31"}
    assert j["empty"] is False
    assert j["classes_by_kind"] == {"xmc1": 1, "cd_phap_luat": 1}
    assert j["classes"] == 2
    # lượt: An 2, Bình 1, Cường 1, Dung 1, Em 1 (last year's mark left out).
    assert (j["attendances"], j["learners"]) == (6, 5)
    assert j["learners_by_sex"] == {"M": 2, "F": 3}
    assert j["attendances_by_sex"] == {"M": 3, "F": 3}
    assert (j["learners_minority"], j["attendances_minority"]) == (1, 1)
    assert j["learners_by_age_band"] == {"15-35": 2, "15-60": 3, "60+": 1}
    assert j["attendances_by_age_band"] == {"15-35": 2, "15-60": 4, "60+": 1}
    assert j["learners_by_hamlet"] == {"Thôn 1": 2, "Thôn 2": 2, "": 1}
    assert j["attendances_by_hamlet"] == {"Thôn 1": 3, "Thôn 2": 2, "": 1}
    assert j["literacy_by_level"] == {"1": 1, "2": 1, "none": 0}
    assert j["literacy_passed_by_level"] == {"1": 1, "2": 0, "none": 0}
    assert (j["literacy_learners"], j["literacy_passed"]) == (2, 1)
    # Members: as ws.members.shares counts them.
    assert j["members"] == 2
    assert j["members_by_hamlet"] == {"Thôn 1": 1, "Thôn 2": 1, "Thôn 10": 0}
    assert j["member_share"] == pytest.approx(2 / 150)
    assert j["member_share_by_hamlet"] == {
        "Thôn 1": pytest.approx(0.01),
        "Thôn 2": pytest.approx(0.02),
        "Thôn 10": None,
    }
    assert j["commune_population"] == 150
    # Money: dues 40.000; cash receipts 500.000 + 40.000 (the voided 300.000 nets to 0);
    # payments 200.000 + 50.000; the books are goods, not cash.
    assert j["dues_collected"] == 40_000
    assert j["fund_receipts"] == 540_000
    assert j["fund_receipts_by_kind"]["donation_cash"] == 500_000  # type: ignore[index]
    assert j["fund_receipts_by_kind"]["dues"] == 40_000  # type: ignore[index]
    assert j["fund_payments"] == 250_000
    assert j["fund_payments_by_kind"]["expense"] == 50_000  # type: ignore[index]
    assert j["scholarships"] == {"count": 1, "amount": 200_000}
    assert j["in_kind_value"] == 3_500_000
    # Models, as ws.models.status says.
    status = ws.models.status(YEAR)
    models = j["models"]
    assert isinstance(models, dict)
    for key, s in status.items():
        assert models[key]["registered"] == s.registered
        assert models[key]["recognised"] == s.recognised
        assert models[key]["eligible"] == s.eligible
        assert models[key]["target"] == pytest.approx(s.target_rate)
    assert (models["family"]["registered"], models["family"]["recognised"]) == (1, 0)
    assert (models["citizen"]["registered"], models["citizen"]["recognised"]) == (1, 1)
    # Công dân học tập: adults An, Bình, Cường, Dung; Dung achieved; target 70 % after 2025.
    cdht = j["cdht"]
    summary = ws.cdht.summary(YEAR)
    assert cdht == {
        "adults": 4, "account": summary.account, "account_share": pytest.approx(
            summary.account / 4), "account_target": 0.4,
        "achieved": 1, "achieved_share": 0.25, "achieved_target": 0.7,
    }  # fmt: skip
    assert summary.account >= 1
    # The registry: 2 men, 4 women; ages at 31/12/2026.
    assert j["population_by_sex"] == {"M": 2, "F": 4}
    assert j["population"] == 6
    assert j["population_by_age_band"] == {"15-35": 2, "15-60": 3, "60+": 1}
    # Hamlets in the list's order, the learners with no hamlet last.
    by_hamlet = next(t for t in report.tables if t.key == "learners_by_hamlet")
    assert [label for label, _ in by_hamlet.rows] == [
        "Thôn 1", "Thôn 2", "No hamlet recorded", "All learners",
    ]  # fmt: skip
    # What the records cannot answer is null, to be filled by hand.
    assert j["staff"] is None and j["state_budget"] is None


def test_the_json_is_the_figures(ws: Workspace, centre: dict[str, str]) -> None:
    report = ws.reports.annual(YEAR)
    j = ws.reports.figures_json(report)
    for f in figures(report):
        node: object = j
        parts = f.key.split(".", 2 if f.key.startswith("models.") else 1)
        for part in parts:
            assert isinstance(node, dict)
            node = node[part]
        expected = f.value / 100 if f.unit == "percent" and f.value is not None else f.value
        assert node == pytest.approx(expected) if expected is not None else node is None


def test_the_records_behind_each_count(ws: Workspace, centre: dict[str, str]) -> None:
    report = ws.reports.annual(YEAR)
    traced = {f.key: f for f in figures(report) if f.records}
    assert {f.records.partition("|")[0] for f in traced.values()} == {
        "classes", "learners", "literacy", "members", "fund_entries", "scholarships",
    }  # fmt: skip
    # Every figure of the classes, the learners, literacy and the members opens its list.
    for prefix in ("classes", "learners_", "attendances", "literacy_by_level", "members"):
        counted = [f for f in figures(report) if f.key.startswith(prefix) and f.value is not None]
        assert counted and all(f.records for f in counted), prefix
    for f in traced.values():
        rows = ws.reports.records(f.records, report)
        assert all(len(r) == len(rows[0]) for r in rows)
        if f.key.startswith("attendances"):
            assert sum(int(r[-1]) for r in rows[1:]) == f.value, f.key  # type: ignore[call-overload]
        elif f.unit != "money":
            assert len(rows) - 1 == f.value, f.key
    learners = ws.reports.records("learners", report)
    assert learners[0] == ["Name", "Sex", "Birth year", "Hamlet", "Ethnic minority",
                           "Learner-attendances"]  # fmt: skip
    assert sorted((r[0], r[4], r[5]) for r in learners[1:]) == [
        ("Hoàng Thị Em", False, 1), ("Lê Văn Cường", False, 1), ("Nguyễn Văn An", False, 2),
        ("Phạm Thị Dung", False, 1), ("Trần Thị Bình", True, 1),
    ]  # fmt: skip
    women = ws.reports.records("learners|sex=F", report)
    assert sorted(r[0] for r in women[1:]) == ["Hoàng Thị Em", "Phạm Thị Dung", "Trần Thị Bình"]
    assert {r[1] for r in women[1:]} == {"Female"}
    # Nothing sensitive: no ethnicity named, no CCCD or phone columns.
    flat = {str(c) for key in ("learners", "members", "scholarships", "literacy")
            for r in ws.reports.records(key, report) for c in r}  # fmt: skip
    assert "Tày" not in flat and "Kinh" not in flat
    assert ws.reports.records("scholarships", report)[1:] == [["Lê Thị Học", "Thôn 1", 200_000]]
    # The cash entries of the period, the voided one and its reversal both listed.
    entries = ws.reports.records("fund_entries", report)
    assert [r[3] for r in entries[1:]] == [500_000, 40_000, 300_000, -300_000, 200_000, 50_000]
    with pytest.raises(UserError, match="no list"):
        ws.reports.records("cccd", report)


def test_the_writers_take_the_report(ws: Workspace, centre: dict[str, str], tmp_path: Path) -> None:
    from desktop_app.documents.annual_report import ReportHeader, render_pdf, render_xlsx
    from desktop_app.services.annual_report import RECORD_KEYS

    report = ws.reports.annual(YEAR)
    header = ReportHeader(
        "UBND XÃ ĐÔNG HÒA", "TRUNG TÂM HỌC TẬP CỘNG ĐỒNG", "12/BC-TTHTCĐ", "Đông Hòa",
        dt.date(2026, 12, 1), "BÁO CÁO KẾT QUẢ HOẠT ĐỘNG NĂM 2026",
    )  # fmt: skip
    assert render_pdf(report, tmp_path / "report.pdf", header) >= 1
    records = {key: ws.reports.records(key, report) for key in RECORD_KEYS}
    render_xlsx(report, tmp_path / "report.xlsx", header, records)
    assert (tmp_path / "report.xlsx").stat().st_size > 0


def test_periods_and_refusals(ws: Workspace, centre: dict[str, str]) -> None:
    assert ws.reports.period(YEAR, "calendar", None, None) == (
        dt.date(2026, 1, 1), dt.date(2026, 12, 31))  # fmt: skip
    assert ws.reports.period(YEAR, "school", None, None) == (
        dt.date(2025, 9, 1), dt.date(2026, 5, 31))  # fmt: skip
    assert ws.reports.period(YEAR, None, dt.date(2026, 3, 1), None) == (
        dt.date(2026, 3, 1), dt.date(2026, 12, 31))  # fmt: skip
    # The first quarter only: the literacy class and the law topic, An's 2 marks and others'.
    spring = ws.reports.annual(YEAR, date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31))
    j = ws.reports.figures_json(spring)
    assert (j["classes"], j["attendances"], j["learners"]) == (2, 4, 4)
    assert j["fund_receipts"] == 500_000 and j["dues_collected"] == 0
    before = ws.db.conn.execute("SELECT value FROM change_counter").fetchone()
    for call, match in (
        (lambda: ws.reports.annual(YEAR, date_from=dt.date(2026, 5, 1),
                                   date_to=dt.date(2026, 4, 1)), "before it starts"),
        (lambda: ws.reports.annual(1800), "not a year"),
        (lambda: ws.reports.annual(99999), "not a year"),
        (lambda: ws.reports.annual(dt.date.today().year + 2), "no records"),
        (lambda: ws.reports.period(YEAR, "quarter", None, None), "no period"),
        (lambda: ws.reports.annual(YEAR, sites=["no-such-site"]), "no centre"),
    ):  # fmt: skip
        with pytest.raises(UserError, match=match):
            call()
    assert ws.db.conn.execute("SELECT value FROM change_counter").fetchone() == before


def test_an_empty_period(ws: Workspace, centre: dict[str, str]) -> None:
    report = ws.reports.annual(2010)
    assert report.empty
    j = ws.reports.figures_json(report)
    assert (j["classes"], j["attendances"], j["fund_receipts"], j["dues_collected"]) == (0, 0, 0, 0)
    assert j["empty"] is True


def test_an_office_reports_on_one_centre(tmp_path: Path) -> None:
    office = Workspace.open(tmp_path / "office.sqlite3", create=True)
    office.sync.init_site("office", "Phòng GD huyện Tiền Hải")
    centres = []
    for i, (name, people) in enumerate((("TTHTCĐ xã Đông Hòa", 3), ("TTHTCĐ xã Tây Sơn", 2))):
        folder = tmp_path / f"c{i}"
        folder.mkdir()
        c = make_centre(folder, name)
        enrol(c, office, folder / "enrol")
        for n in range(people):
            c.people.add(PersonInput(f"Nguyễn Thị {'ABC'[n]}", F, "1990"), confirmed_different=True)
        fund = c.fund.create(FundInput("Quỹ Khuyến học xã", 0, dt.date(2026, 1, 1))).value
        c.fund.record(
            EntryInput(fund, EntryKind.DONATION_CASH, dt.date(2026, 3, 2), 100_000 * people,
                       party_name="Công ty", reason="Ủng hộ"), TODAY,
        )  # fmt: skip
        (outcome,) = office.sync.import_files([c.sync.export(folder).file])
        assert outcome.status == "applied", outcome.reason
        centres.append(c)
    try:
        one = centres[0].db.site_id
        report = office.reports.annual(YEAR, sites=[one])
        j = office.reports.figures_json(report)
        assert (j["population"], j["fund_receipts"]) == (3, 300_000)
        assert j["sites"] == [one]
        ((site, name, when),) = report.site_dates
        assert (site, name) == (one, "TTHTCĐ xã Đông Hòa")
        assert when == dt.date.today()
        # The models and Công dân học tập count that centre's people only (3 adults).
        assert j["models"]["citizen"]["eligible"] == 3  # type: ignore[index]
        assert j["models"]["family"]["registered"] == 0  # type: ignore[index]
        assert j["cdht"]["adults"] == 3  # type: ignore[index]
        both = office.reports.figures_json(office.reports.annual(YEAR))
        assert (both["population"], both["fund_receipts"]) == (5, 500_000)
        assert len(both["sites"]) == 2  # type: ignore[arg-type]
        assert both["cdht"]["adults"] == 5  # type: ignore[index]
        with pytest.raises(UserError, match="no centre with the id"):
            office.reports.annual(YEAR, sites=["nope"])
        rows = office.reports.records("fund_entries", report)
        assert [r[3] for r in rows[1:]] == [300_000]
    finally:
        for c in centres:
            c.close()
        office.close()


def test_the_home_page_and_the_report_agree(ws: Workspace, centre: dict[str, str]) -> None:
    """Every total on screen equals the same total on the paper: the home page's key figures
    of the year are the calendar-year report's."""
    home = ws.dashboard.figures(YEAR, today=dt.date(2026, 12, 31))
    j = ws.reports.figures_json(ws.reports.annual(YEAR))
    assert (home.classes, home.attendances, home.learners) == (
        j["classes"], j["attendances"], j["learners"])  # fmt: skip
    assert (home.members, home.population) == (j["members"], j["commune_population"])
    assert home.member_share == pytest.approx(j["member_share"])
    models = j["models"]
    assert isinstance(models, dict)
    for bar in home.models:
        assert (bar.registered, bar.recognised) == (
            models[bar.model]["registered"], models[bar.model]["recognised"])  # fmt: skip
