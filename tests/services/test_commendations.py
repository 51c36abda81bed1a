"""Commendations (Giấy khen) go to the learners chosen for one and cite their decision; the
certificates name the centre with its commune and address the person as they are; the
register prints as a book. Every check reads the PDF as a person does."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest

from desktop_app.core.certificates import PAYLOAD_MAGIC, CertificateKind
from desktop_app.core.courses import CourseInput, Result
from desktop_app.core.people import HamletKind, PersonInput, Sex
from desktop_app.core.problems import UserError
from desktop_app.services.centre import CentreProfile
from desktop_app.services.certificates import Decision
from desktop_app.services.workspace import Workspace

D = dt.date(2026, 3, 2)
DECISION = Decision("12/QĐ-TTHTCĐ", dt.date(2026, 2, 20))
COMMENDATION = CertificateKind.COMMENDATION

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext is not installed"
)


def text_of(pdf: Path) -> list[str]:
    """Each page's words as a reader sees them, one space apart."""
    raw = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    return [" ".join(page.split()) for page in raw.split("\f") if page.strip()]


def layout_rows(pdf: Path) -> dict[str, str]:
    """The register's table lines by their register number, spaces collapsed."""
    raw = subprocess.run(
        ["pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    lines = [" ".join(line.split()) for line in raw.splitlines()]
    return {
        line.split()[0]: line
        for line in lines
        if len(line.split()) > 3 and line.split()[0].endswith("/2026")
    }


def set_centre(ws: Workspace) -> None:
    ws.centre.save_profile(
        CentreProfile(
            name="Trung tâm học tập cộng đồng", province_code="46", commune_code="19813",
            director="Lê Thị Hoa",
        )
    )  # fmt: skip


def course_with_results(ws: Workspace, people: dict[str, tuple[Result | None, Sex | None]]) -> str:
    """A course everyone completed, with these results: name -> (result, sex)."""
    hamlet = ws.centre.add_hamlet("Tổ dân phố 3", HamletKind.TO_DAN_PHO).value
    cid = ws.courses.create(CourseInput("cd_nong_nghiep", "Trồng lúa", start=D), [D]).value
    ids = [
        ws.people.add(
            PersonInput(full_name=name, sex=sex, birth="07/03/1985", hamlet_id=hamlet)
        ).value
        for name, (_result, sex) in people.items()
    ]
    ws.courses.enrol(cid, ids)
    ws.courses.mark_session_present(cid, ws.courses.grid(cid).sessions[0].id)
    by_name = {e.full_name: e.id for e in ws.courses.enrolments(cid)}
    for name, (result, _sex) in people.items():
        ws.courses.set_result(by_name[name], result)
    return cid


PEOPLE: dict[str, tuple[Result | None, Sex | None]] = {
    "Nguyễn Văn An": (Result.EXCELLENT, Sex.MALE),
    "Trần Thị Bích": (Result.VERY_GOOD, Sex.FEMALE),
    "Lê Văn Cường": (Result.GOOD, None),
    "Phạm Thị Dung": (Result.PASS, Sex.FEMALE),
}


def test_commendations_go_to_good_results_by_default_and_the_choice_changes_that(
    ws: Workspace,
) -> None:
    cid = course_with_results(ws, PEOPLE)
    planned = ws.certificates.plan_course(cid, COMMENDATION, D, decision=DECISION)
    assert [i.certificate.full_name for i in planned.issued] == [
        "Nguyễn Văn An", "Trần Thị Bích",
    ]  # fmt: skip
    by_name = {e.full_name: e for e in ws.courses.enrolments(cid)}
    ws.courses.set_commendation(by_name["Lê Văn Cường"].id, True)
    ws.courses.set_commendation(by_name["Trần Thị Bích"].id, False)
    by_name = {e.full_name: e for e in ws.courses.enrolments(cid)}
    assert by_name["Lê Văn Cường"].commendation is True
    assert by_name["Trần Thị Bích"].commendation is False
    issued = ws.certificates.issue_for_course(cid, COMMENDATION, D, decision=DECISION).value
    assert sorted(i.certificate.full_name for i in issued) == ["Lê Văn Cường", "Nguyễn Văn An"]
    # Completion certificates still go to every completer.
    assert len(ws.certificates.issue_for_course(cid, issued_on=D).value) == 4


def test_no_one_chosen_is_refused_with_the_reason(ws: Workspace) -> None:
    cid = course_with_results(ws, {"Phạm Thị Dung": (Result.PASS, Sex.FEMALE)})
    with pytest.raises(UserError) as info:
        ws.certificates.issue_for_course(cid, COMMENDATION, D, decision=DECISION)
    assert "chosen for a commendation" in info.value.message
    assert ws.certificates.register() == []


def test_a_commendation_needs_its_decision_before_anything_is_issued(
    ws: Workspace, tmp_path: Path
) -> None:
    cid = course_with_results(ws, PEOPLE)
    out = tmp_path / "gk.pdf"
    for decision in (None, Decision("  ", D), Decision("12/QĐ", dt.date(2026, 3, 3))):
        with pytest.raises(UserError):
            ws.certificates.print_course(
                cid, out, kind=COMMENDATION, issued_on=D, decision=decision
            )
        with pytest.raises(UserError):
            ws.certificates.plan_course(cid, COMMENDATION, D, preview=True, decision=decision)
    with pytest.raises(UserError) as info:
        ws.certificates.issue_for_course(cid, COMMENDATION, D)
    assert "decision" in info.value.message
    assert ws.certificates.register() == [] and not out.exists()


@needs_pdftotext
def test_a_commendation_states_the_achievement_and_cites_the_decision(
    ws: Workspace, tmp_path: Path
) -> None:
    set_centre(ws)
    cid = course_with_results(ws, PEOPLE)
    out = tmp_path / "gk.pdf"
    typed = Decision("Quyết định số 12/QĐ-TTHTCĐ", DECISION.day)
    result = ws.certificates.print_course(cid, out, kind=COMMENDATION, issued_on=D, decision=typed)
    assert result.new == 2
    an, bich = text_of(out)
    assert "GIẤY KHEN" in an
    assert "TRUNG TÂM HỌC TẬP CỘNG ĐỒNG PHƯỜNG THỦY XUÂN" in an
    assert "Tặng Ông: Nguyễn Văn An" in an and "Tặng Bà: Trần Thị Bích" in bich
    assert "Đã đạt thành tích học tập loại Xuất sắc trong khóa học: Trồng lúa" in an
    assert "Đã đạt thành tích học tập loại Giỏi trong khóa học: Trồng lúa" in bich
    assert "Theo Quyết định số 12/QĐ-TTHTCĐ, ngày 20/02/2026" in an
    assert "thành tích xuất sắc" not in an and "Xếp loại" not in an
    assert "Tổ dân phố: 3" in an
    assert "Quét mã để kiểm tra giấy khen" in an
    # The title comes before the signer's position, and the name after it.
    assert an.index("GIẤY KHEN") < an.index("GIÁM ĐỐC") < an.index("Lê Thị Hoa")

    (row, _other) = sorted(ws.certificates.register(), key=lambda c: c.number)
    assert (row.decision, row.decision_date) == ("12/QĐ-TTHTCĐ", DECISION.day)
    check = ws.certificates.verify(row.payload)
    assert check.ok and check.facts is not None
    assert (check.facts.decision, check.facts.decision_date) == ("12/QĐ-TTHTCĐ", DECISION.day)
    forged = row.payload.replace("12/QĐ-TTHTCĐ", "13/QĐ-TTHTCĐ")
    assert not ws.certificates.verify(forged).ok


def test_a_certificate_without_a_decision_keeps_the_first_qr_format(ws: Workspace) -> None:
    cid = course_with_results(ws, PEOPLE)
    (first, *_rest) = ws.certificates.issue_for_course(cid, issued_on=D).value
    payload = first.certificate.payload
    assert payload.startswith(PAYLOAD_MAGIC + "\n") and len(payload.split("\n")) == 9
    assert ws.certificates.verify(payload).ok


def test_a_commendation_reprints_after_its_learner_is_unticked(
    ws: Workspace, tmp_path: Path
) -> None:
    cid = course_with_results(ws, PEOPLE)
    (first, _second) = ws.certificates.issue_for_course(
        cid, COMMENDATION, D, decision=DECISION
    ).value
    ws.courses.set_commendation(first.certificate.enrolment_id or "", False)
    again = ws.certificates.print_again(first.certificate.id, tmp_path / "lại.pdf")
    assert again.serials == (first.certificate.serial,) and again.reprinted == 1
    # The next batch leaves the unticked learner out.
    batch = ws.certificates.plan_course(cid, COMMENDATION, D, decision=DECISION)
    assert [i.certificate.full_name for i in batch.issued] == ["Trần Thị Bích"]


def test_a_reissued_commendation_keeps_its_decision(ws: Workspace) -> None:
    cid = course_with_results(ws, PEOPLE)
    old = ws.certificates.issue_for_course(cid, COMMENDATION, D, decision=DECISION).value[0]
    new = ws.certificates.reissue(old.certificate.id, issued_on=D).value.certificate
    assert (new.decision, new.decision_date) == (DECISION.number, DECISION.day)
    assert ws.certificates.verify(new.payload).ok


@needs_pdftotext
def test_completion_certificate_names_the_person_as_they_are(ws: Workspace, tmp_path: Path) -> None:
    set_centre(ws)
    cid = course_with_results(ws, PEOPLE)
    out = tmp_path / "gcn.pdf"
    ws.certificates.print_course(cid, out, issued_on=D)
    pages = text_of(out)
    assert "Chứng nhận Ông: Nguyễn Văn An" in pages[0]
    assert "Chứng nhận Ông/Bà: Lê Văn Cường" in pages[2]
    assert "Chứng nhận Bà: Phạm Thị Dung" in pages[3]
    for page in pages:
        assert "ông/bà" not in page and "Thôn/ấp" not in page
        assert "TRUNG TÂM HỌC TẬP CỘNG ĐỒNG PHƯỜNG THỦY XUÂN" in page
        assert "Sinh ngày: 07/03/1985 Tổ dân phố: 3" in page
        assert "Quét mã để kiểm tra giấy chứng nhận" in page


# The printed register ---------------------------------------------------------------------


@needs_pdftotext
def test_the_register_prints_every_certificate_of_the_year_with_its_state(
    ws: Workspace, tmp_path: Path
) -> None:
    set_centre(ws)
    cid = course_with_results(ws, PEOPLE)
    issued = ws.certificates.issue_for_course(cid, issued_on=D).value
    ws.certificates.issue_for_course(cid, COMMENDATION, D, decision=DECISION)
    ws.certificates.revoke(issued[3].certificate.id, "Ghi sai tên")
    ws.certificates.reissue(issued[0].certificate.id, issued_on=D, reason="Mất bản chính")
    out = tmp_path / "so.pdf"
    pages = ws.certificates.print_register(2026, out, day=D)
    assert pages == 1
    (text,) = text_of(out)
    assert "SỔ CẤP GIẤY CHỨNG NHẬN" in text and "Năm 2026" in text
    assert "TRUNG TÂM HỌC TẬP CỘNG ĐỒNG PHƯỜNG THỦY XUÂN" in text
    for heading in ("Số vào sổ", "Họ và tên", "Ngày sinh", "Lớp/Khóa học", "Ngày cấp",
                    "Tình trạng", "Người nhận ký"):  # fmt: skip
        assert heading in text
    rows = layout_rows(out)
    assert rows["1/2026"].startswith("1/2026 Nguyễn Văn An 07/03/1985 Trồng lúa Giấy chứng nhận")
    assert "Đã thu hồi: Ghi sai tên" in text
    assert rows["5/2026"].startswith("5/2026 Nguyễn Văn An 07/03/1985 Trồng lúa Giấy khen")
    assert rows["7/2026"].startswith("7/2026 Nguyễn Văn An 07/03/1985 Trồng lúa Giấy chứng nhận")
    assert "Cấp lại thay số" in rows["7/2026"]
    assert "Đã thu hồi" not in rows["2/2026"] + rows["7/2026"]
    # The status cell wraps; read as one it says what happened.
    assert "Đã thu hồi: Mất bản chính; cấp lại số 7/2026" in text
    assert "Cấp lại thay số 1/2026" in text
    assert "Tổng số: 7 giấy, từ số 1/2026 đến số 7/2026." in text
    assert "GIÁM ĐỐC" in text and "Lê Thị Hoa" in text
    audit = ws.db.conn.execute(
        "SELECT action, record_id FROM audit ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    assert tuple(audit) == ("certificate_register.print", "2026")


def test_an_empty_year_has_no_register_to_print(ws: Workspace, tmp_path: Path) -> None:
    with pytest.raises(UserError) as info:
        ws.certificates.print_register(2025, tmp_path / "so.pdf")
    assert "2025" in info.value.params["year"]
    assert not (tmp_path / "so.pdf").exists()


def test_a_long_register_repeats_its_heading_and_numbers_its_pages(
    ws: Workspace, tmp_path: Path
) -> None:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    cid = ws.courses.create(CourseInput("cd_nong_nghiep", "Trồng lúa", start=D), [D]).value
    given = ("An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Khánh", "Lan")
    family = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng")
    names = [f"{f} Văn {g}" for f in family for g in given]
    ids = [ws.people.add(PersonInput(full_name=n, birth="1980")).value for n in names]
    ws.courses.enrol(cid, ids)
    ws.courses.mark_session_present(cid, ws.courses.grid(cid).sessions[0].id)
    ws.certificates.issue_for_course(cid, issued_on=D)
    out = tmp_path / "so.pdf"
    pages = ws.certificates.print_register(2026, out, day=D)
    texts = text_of(out)
    assert pages == len(texts) > 1
    for number, page in enumerate(texts[1:], start=2):
        assert page.startswith(str(number)), page[:40]
        assert "Người nhận ký" in page  # the heading row again
    # The signature is never alone on the last page: the last rows come with it.
    assert "40/2026" in texts[-1] and "GIÁM ĐỐC" in texts[-1]
