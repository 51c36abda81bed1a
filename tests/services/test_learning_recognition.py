"""Recognition: the proposal list comes from passed saved assessments only; the decision numbers
every recognised subject in its own register series, consecutively, and a revoked number is
never given again; the refusals change nothing; the status counts the recognised hamlet by
hamlet; the targets come from the settings; the QR text verifies (genuine, revoked, changed);
printing is refused without a decision and counts the prints."""

from __future__ import annotations

import datetime as dt

import pytest

from desktop_app.core.learning_models import ItemValue
from desktop_app.core.learning_recognition import parse_recognition_payload
from desktop_app.core.people import PersonInput, Sex
from desktop_app.core.problems import UserError
from desktop_app.i18n import tr, user_error_text
from desktop_app.services.centre import CentreProfile
from desktop_app.services.workspace import Workspace

# The refusals and what verify says are read in English.
pytestmark = pytest.mark.usefixtures("english")

YEAR = 2026
ON = dt.date(2026, 1, 10)
DECIDED = dt.date(2026, 11, 20)
# The hand values that make a family pass with 90 points (Tốt), as the assessment tests do.
WHY = "đã xác minh tại hộ"
PASSING = {code: ItemValue(10, reason=WHY) for code in ("1.2", "1.3", "2.3", "3.1", "4.1", "4.2")}
PASSING |= {"1.1": ItemValue(100, reason=WHY), "2.2": ItemValue(100, reason=WHY)}
CITIZEN_PASS = {c: ItemValue(True) for c in "123"}


def household(ws: Workspace, hamlet: str, head: str, sex: Sex = Sex.MALE) -> str:
    pid = ws.people.add(PersonInput(full_name=head, sex=sex, birth="1975", hamlet_id=hamlet))
    return ws.households.create(pid.value).value


def adult(ws: Workspace, hamlet: str, name: str, sex: Sex, birth: str = "1980") -> str:
    return ws.people.add(PersonInput(full_name=name, sex=sex, birth=birth, hamlet_id=hamlet)).value


def count(ws: Workspace, table: str) -> int:
    return int(ws.db.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


@pytest.fixture
def families(ws: Workspace, hamlets: dict[str, str]) -> dict[str, str]:
    """Two passing households (Thôn 1, Thôn 2), one that failed, one registered and not
    assessed, one not registered."""
    out = {
        "an": household(ws, hamlets["Thôn 1"], "Nguyễn Văn An"),
        "binh": household(ws, hamlets["Thôn 2"], "Trần Thị Bình", Sex.FEMALE),
        "failed": household(ws, hamlets["Thôn 1"], "Lê Văn Cường"),
        "waiting": household(ws, hamlets["Thôn 1"], "Phạm Văn Dũng"),
        "outside": household(ws, hamlets["Thôn 2"], "Hoàng Văn Em"),
    }
    for key in ("an", "binh"):
        ws.assessments.save_assessment("family", YEAR, out[key], PASSING, register=True, on=ON)
    ws.assessments.save_assessment("family", YEAR, out["failed"], register=True, on=ON)
    ws.models.register("family", YEAR, out["waiting"], on=ON)
    return out


def test_proposals_are_the_passed_assessments_not_yet_recognised(
    ws: Workspace, families: dict[str, str]
) -> None:
    proposals = ws.recognitions.proposals("family", YEAR)
    assert [(p.name, p.hamlet, p.level, p.total) for p in proposals] == [
        ("Nguyễn Văn An", "Thôn 1", "Tốt", 90.0),
        ("Trần Thị Bình", "Thôn 2", "Tốt", 90.0),
    ]
    assert ws.recognitions.proposals("family", 2025) == []
    assert ws.recognitions.proposals("clan", YEAR) == []
    ws.recognitions.recognise("family", YEAR, "45/QĐ-UBND", DECIDED, [families["an"]])
    assert [p.subject_id for p in ws.recognitions.proposals("family", YEAR)] == [families["binh"]]


def test_recognise_numbers_consecutively_and_never_reuses_a_revoked_number(
    ws: Workspace, families: dict[str, str], hamlets: dict[str, str]
) -> None:
    first = ws.recognitions.recognise("family", YEAR, "Quyết định số 45/QĐ-UBND", DECIDED)
    assert first.value.serials == ("1/2026", "2/2026")
    assert (first.value.decision, first.value.supplementary) == ("45/QĐ-UBND", False)
    assert first.changes.touches("model_decision", "model_recognition")
    listed = ws.recognitions.recognised("family", YEAR)
    assert [(r.serial, r.name, r.hamlet, r.level, r.decision) for r in listed] == [
        ("1/2026", "Gia đình ông Nguyễn Văn An", "Thôn 1", "Tốt", "45/QĐ-UBND"),
        ("2/2026", "Gia đình bà Trần Thị Bình", "Thôn 2", "Tốt", "45/QĐ-UBND"),
    ]
    ws.recognitions.revoke(listed[1].id, "Ghi nhầm hộ")
    with pytest.raises(UserError, match="already revoked"):
        ws.recognitions.revoke(listed[1].id, "again")
    # A revoked recognition is not proposed again.
    assert ws.recognitions.proposals("family", YEAR) == []
    # Another model shares the register's series: the next number is 3, not 2.
    person = adult(ws, hamlets["Thôn 1"], "Võ Thị Giang", Sex.FEMALE)
    ws.assessments.save_assessment("citizen", YEAR, person, CITIZEN_PASS, register=True, on=ON)
    citizen = ws.recognitions.recognise("citizen", YEAR, "46/QĐ-UBND", DECIDED)
    assert citizen.value.serials == ("3/2026",)
    (giang,) = ws.recognitions.recognised("citizen", YEAR)
    assert (giang.name, giang.hamlet) == ("Bà Võ Thị Giang", "Thôn 1")
    # The same decision again, for a new proposal, adds to it (a supplementary list).
    late = household(ws, hamlets["Thôn 2"], "Đỗ Văn Khoa")
    ws.assessments.save_assessment("family", YEAR, late, PASSING, register=True, on=ON)
    more = ws.recognitions.recognise("family", YEAR, "45/qđ-ubnd", DECIDED)
    assert (more.value.serials, more.value.supplementary) == (("4/2026",), True)
    assert more.value.decision_id == first.value.decision_id
    assert count(ws, "model_decision") == 2
    assert [r.serial for r in ws.recognitions.recognised("family", YEAR)] == [
        "1/2026", "2/2026", "4/2026",
    ]  # fmt: skip
    assert [r.serial for r in ws.recognitions.recognised("family", YEAR, with_revoked=False)] == [
        "1/2026", "4/2026",
    ]  # fmt: skip


def _refused(ws: Workspace, match: str, *args: object, **kwargs: object) -> str:
    before = (count(ws, "model_decision"), count(ws, "model_recognition"))
    with pytest.raises(UserError) as info:
        ws.recognitions.recognise(*args, **kwargs)  # type: ignore[arg-type]
    # The English message (a translated catalog may already hold some of these).
    text = info.value.message.format(**info.value.params)
    assert match in text, text
    assert (count(ws, "model_decision"), count(ws, "model_recognition")) == before
    return text


def test_refusals_change_nothing(
    ws: Workspace, families: dict[str, str], hamlets: dict[str, str]
) -> None:
    _refused(ws, "Give the number and the date", "family", YEAR, "  ", DECIDED)
    _refused(ws, "Give the number and the date", "family", YEAR, "45/QĐ-UBND", None)
    _refused(ws, "Give the number and the date", "family", YEAR, "Quyết định số", DECIDED)
    _refused(ws, "too long", "family", YEAR, "4" * 61, DECIDED)
    future = dt.date.today() + dt.timedelta(days=1)
    _refused(ws, "is in the future", "family", YEAR, "45", future)
    _refused(ws, "before that year began", "family", YEAR, "45", dt.date(2025, 12, 31))
    _refused(ws, "before Nguyễn Văn An registered (on 10/01/2026)", "family", YEAR, "45",
             dt.date(2026, 1, 5))  # fmt: skip
    _refused(ws, "There is no learning model famly", "famly", YEAR, "45", DECIDED)
    text = _refused(
        ws, "Not on the proposal list of Gia đình học tập 2026", "family", YEAR, "45", DECIDED,
        [families["an"], families["failed"], families["outside"], "no-such-id"],
    )  # fmt: skip
    assert text.endswith("Lê Văn Cường, Hoàng Văn Em, no-such-id. Nothing was recognised.")
    _refused(ws, "No one is proposed for Dòng họ học tập 2026", "clan", YEAR, "45", DECIDED)
    ws.recognitions.recognise("family", YEAR, "45", DECIDED, [families["an"]])
    _refused(ws, "Decision 45 was recorded dated 20/11/2026, not 21/11/2026", "family", YEAR,
             "45", dt.date(2026, 11, 21))  # fmt: skip
    ws.recognitions.recognise("family", YEAR, "45", DECIDED)
    _refused(ws, "No one is proposed for Gia đình học tập 2026", "family", YEAR, "45", DECIDED)
    with pytest.raises(UserError, match="Say why"):
        ws.recognitions.revoke(ws.recognitions.recognised("family", YEAR)[0].id, "  ")


def test_status_counts_the_recognised_by_hamlet(
    ws: Workspace, families: dict[str, str], hamlets: dict[str, str]
) -> None:
    ws.recognitions.recognise("family", YEAR, "45/QĐ-UBND", DECIDED)
    status = ws.models.status(YEAR)["family"]
    assert (status.registered, status.assessed, status.passed, status.recognised) == (4, 3, 2, 2)
    t1, t2 = status.by_hamlet["Thôn 1"], status.by_hamlet["Thôn 2"]
    assert (t1.registered, t1.eligible, t1.passed, t1.recognised) == (3, 3, 1, 1)
    assert (t2.registered, t2.eligible, t2.passed, t2.recognised) == (1, 2, 1, 1)
    assert status.by_hamlet["Thôn 10"].recognised == 0
    # A revoked recognition no longer counts.
    binh = next(r for r in ws.recognitions.recognised("family", YEAR) if r.hamlet == "Thôn 2")
    ws.recognitions.revoke(binh.id, "Không đủ điều kiện")
    status = ws.models.status(YEAR)["family"]
    assert (status.recognised, status.by_hamlet["Thôn 2"].recognised) == (1, 0)
    assert ws.models.status(2025)["family"].recognised == 0


def test_targets_come_from_the_settings(ws: Workspace) -> None:
    targets = ws.models.targets(2025)
    assert (targets["citizen"].rate, targets["citizen"].source) == (0.40, "QĐ 677/QĐ-TTg 2022")
    assert (targets["family"].rate, targets["family"].custom) == (0.70, False)
    assert ws.models.status(2030)["citizen"].target_rate == 0.70
    assert ws.models.status(2030)["citizen"].target_source == "QĐ 677/QĐ-TTg 2022"
    result = ws.models.set_target("family", "75")
    assert result.value == 0.75
    assert ws.models.set_target("citizen", 62.5).value == 0.625
    status = ws.models.status(2026)
    assert (status["family"].target_rate, status["family"].target_source) == (0.75, "")
    assert status["citizen"].target_rate == 0.625
    assert status["clan"].target_rate == 0.50
    kept = ws.models.targets(2026)["family"]
    assert kept.custom and kept.default_rate == 0.70 and kept.set_on == dt.date.today()
    audit = ws.db.conn.execute(
        "SELECT action, entity, record_id, detail FROM audit WHERE action = 'model.target'"
    ).fetchall()
    assert tuple(audit[0]) == ("model.target", "setting", "models.target.family", "rate=0.75")
    for bad in ("101", "-1", "abc", "nan", ""):
        with pytest.raises(UserError) as info:
            ws.models.set_target("family", bad)
        assert user_error_text(info.value).startswith("A target is a percentage from 0 to 100")
    with pytest.raises(UserError, match="There is no learning model"):
        ws.models.set_target("households", 50)
    assert ws.models.targets(2026)["family"].rate == 0.75
    # Back to the plan's: the setting is forgotten, and saying it again changes nothing.
    assert ws.models.reset_target("family").value is True
    assert ws.models.targets(2026)["family"].rate == 0.70
    assert not ws.models.targets(2026)["family"].custom
    assert ws.models.reset_target("family").value is False


def test_the_qr_text_verifies_genuine_then_revoked(ws: Workspace, families: dict[str, str]) -> None:
    ws.recognitions.recognise("family", YEAR, "45/QĐ-UBND", DECIDED, [families["an"]])
    (an,) = ws.recognitions.recognised("family", YEAR)
    facts, _ = parse_recognition_payload(an.payload)
    assert (facts.serial, facts.model, facts.year, facts.prefix, facts.name, facts.hamlet) == (
        "1/2026", "family", 2026, "Gia đình ông", "Nguyễn Văn An", "Thôn 1",
    )  # fmt: skip
    assert (facts.decision, facts.decided_on) == ("45/QĐ-UBND", DECIDED)
    check = ws.recognitions.verify(an.payload)
    assert check.ok and check.recognition is not None and check.recognition.id == an.id
    changed = ws.recognitions.verify(an.payload.replace("Nguyễn Văn An", "Nguyễn Văn Ân"))
    assert not changed.ok and "signature does not match" in changed.reason
    ws.recognitions.revoke(an.id, "Ghi nhầm")
    revoked = ws.recognitions.verify(an.payload)
    assert not revoked.ok
    assert tr(revoked.reason, **revoked.params) == "Recognition 1/2026 was revoked: Ghi nhầm"
    # A revocation removed behind the app's back is found.
    ws.db.conn.execute("UPDATE model_recognition SET revoked_at = NULL")
    tampered = ws.recognitions.verify(an.payload)
    assert not tampered.ok and "revocation was removed" in tampered.reason


def test_print_is_refused_without_a_decision_and_counts_the_prints(
    ws: Workspace, families: dict[str, str], tmp_path: object
) -> None:
    from pathlib import Path

    out = Path(str(tmp_path)) / "gcn.pdf"
    with pytest.raises(UserError) as info:
        ws.recognitions.print_recognitions("family", YEAR, out)
    assert "enter the commune's decision number and date first" in user_error_text(info.value)
    assert not out.exists()
    with pytest.raises(UserError, match="is the centre's database"):
        ws.recognitions.print_recognitions("family", YEAR, ws.path)
    ws.centre.save_profile(
        CentreProfile("Trung tâm học tập cộng đồng", "91", commune_code="31024",
                      director="Lê Thị Mai")
    )  # fmt: skip
    ws.recognitions.recognise("family", YEAR, "45/QĐ-UBND", DECIDED, issued_by="centre")
    first = ws.recognitions.print_recognitions("family", YEAR, out)
    assert (first.pages, first.reprinted, first.serials) == (2, 0, ("1/2026", "2/2026"))
    assert out.exists()
    paper = ws.recognitions.paper("family", YEAR)
    assert all(p.reprint for p in paper.pages) and paper.reprints == 2
    page = paper.pages[0]
    assert (page.issuer_parent, page.issuer, page.signer_title, page.signer_name) == (
        "UBND XÃ ĐÔNG HÒA", "TRUNG TÂM HỌC TẬP CỘNG ĐỒNG XÃ ĐÔNG HÒA", "GIÁM ĐỐC", "Lê Thị Mai",
    )  # fmt: skip
    assert page.place_date == "Xã Đông Hòa, ngày 20 tháng 11 năm 2026"
    assert page.model_title == "Gia đình học tập năm 2026"
    assert page.decision == "Theo Quyết định số 45/QĐ-UBND, ngày 20/11/2026"
    assert [r.print_count for r in ws.recognitions.recognised("family", YEAR)] == [1, 1]
    audit = ws.db.conn.execute(
        "SELECT entity, record_id, detail FROM audit WHERE action = 'model.recognition.print'"
        " AND entity = 'model_recognition' AND record_id = 'family/2026'"
    ).fetchall()
    assert [tuple(r) for r in audit] == [
        ("model_recognition", "family/2026", "pages=2 serials=1/2026,2/2026")
    ]
