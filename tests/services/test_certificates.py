"""The certificate register: gap-free numbers, reprints, revocation, reissue, verification."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from desktop_app.core.certificates import CertificateKind
from desktop_app.core.courses import CourseInput, Result
from desktop_app.core.people import PersonInput
from desktop_app.core.problems import UserError
from desktop_app.services.certificates import Decision
from desktop_app.services.workspace import Workspace

D = dt.date(2026, 3, 2)


def completed_course(ws: Workspace, names: list[str], title: str = "Trồng lúa") -> str:
    cid = ws.courses.create(CourseInput("cd_nong_nghiep", title, start=D), [D]).value
    ids = [ws.people.add(PersonInput(full_name=n, birth="1980")).value for n in names]
    ws.courses.enrol(cid, ids)
    grid = ws.courses.grid(cid)
    ws.courses.mark_session_present(cid, grid.sessions[0].id)
    return cid


def test_numbers_are_gap_free_per_year_and_reprints_keep_them(ws: Workspace) -> None:
    a = completed_course(ws, ["Nguyễn Văn An", "Trần Thị Bích"])
    b = completed_course(ws, ["Lê Văn Cường"], "Pháp luật")
    first = ws.certificates.issue_for_course(a, issued_on=D).value
    assert [i.certificate.serial for i in first] == ["1/2026", "2/2026"]
    assert [i.reprint for i in first] == [False, False]
    again = ws.certificates.issue_for_course(a, issued_on=D).value
    assert [i.certificate.serial for i in again] == ["1/2026", "2/2026"]
    assert all(i.reprint for i in again)
    assert ws.certificates.get(again[0].certificate.id).print_count == 2
    assert [
        i.certificate.serial for i in ws.certificates.issue_for_course(b, issued_on=D).value
    ] == ["3/2026"]
    (learner,) = ws.courses.completers(b)
    ws.courses.set_result(learner.id, Result.VERY_GOOD)
    next_year = ws.certificates.issue_for_course(
        b, kind=CertificateKind.COMMENDATION, issued_on=dt.date(2027, 1, 5),
        decision=Decision("01/QĐ-TTHTCĐ", dt.date(2027, 1, 4)),
    ).value  # fmt: skip
    assert next_year[0].certificate.serial == "1/2027"


def test_no_completers_writes_nothing(ws: Workspace) -> None:
    cid = ws.courses.create(CourseInput("cd_phap_luat", "Luật Đất đai", start=D), [D]).value
    with pytest.raises(UserError) as info:
        ws.certificates.issue_for_course(cid, issued_on=D)
    assert "nothing to print" in info.value.message
    assert ws.certificates.register() == []


def test_verify_accepts_the_payload_and_refuses_any_change(ws: Workspace) -> None:
    cid = completed_course(ws, ["Đỗ Thị Ngọc Ẩn"])
    payload = ws.certificates.issue_for_course(cid, issued_on=D).value[0].certificate.payload
    check = ws.certificates.verify(payload)
    assert check.ok and check.facts is not None
    assert check.facts.full_name == "Đỗ Thị Ngọc Ẩn"
    signature_start = payload.rindex("\n") + 1
    for i in range(len(payload)):
        if payload[i] == "\n":
            continue
        changed = payload[:i] + ("X" if payload[i] != "X" else "Y") + payload[i + 1 :]
        try:
            result = ws.certificates.verify(changed)
        except UserError:
            continue  # no longer even looks like a certificate: refused too
        assert not result.ok, (i, i >= signature_start)


def test_revoked_certificate_fails_with_the_reason(ws: Workspace) -> None:
    cid = completed_course(ws, ["Nguyễn Văn An"])
    cert = ws.certificates.issue_for_course(cid, issued_on=D).value[0].certificate
    with pytest.raises(UserError):
        ws.certificates.revoke(cert.id, "  ")
    ws.certificates.revoke(cert.id, "Cấp nhầm người")
    check = ws.certificates.verify(cert.payload)
    assert not check.ok
    assert check.params["reason"] == "Cấp nhầm người"


def test_reissue_gives_a_new_number_linked_to_the_old(ws: Workspace) -> None:
    cid = completed_course(ws, ["Nguyễn Văn An"])
    old = ws.certificates.issue_for_course(cid, issued_on=D).value[0].certificate
    new = ws.certificates.reissue(old.id, issued_on=D, reason="Mất bản chính").value.certificate
    assert new.serial == "2/2026"
    assert new.reissue_of == old.id
    assert ws.certificates.get(old.id).revoked_at is not None
    assert ws.certificates.verify(new.payload).ok
    assert not ws.certificates.verify(old.payload).ok
    # Printing the course again reprints the new one, not a third number.
    again = ws.certificates.issue_for_course(cid, issued_on=D).value
    assert [i.certificate.serial for i in again] == ["2/2026"]


def test_register_search(ws: Workspace) -> None:
    cid = completed_course(ws, ["Nguyễn Văn An", "Trần Thị Bích"])
    ws.certificates.issue_for_course(cid, issued_on=D)
    assert [c.full_name for c in ws.certificates.register("bich")] == ["Trần Thị Bích"]
    assert [c.serial for c in ws.certificates.register("1/2026")] == ["1/2026"]
    assert ws.certificates.register_years() == [2026]


def test_concurrent_printing_never_skips_or_repeats_a_number(tmp_path: Path) -> None:
    path = tmp_path / "c.sqlite3"
    with Workspace.open(path, create=True) as ws:
        courses = [
            completed_course(ws, [f"{t} Văn {n}" for n in ("An", "Bình", "Cường", "Dũng")], t)
            for t in ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ")
        ]
    errors: list[BaseException] = []

    def print_course(cid: str) -> None:
        try:
            with Workspace.open(path) as own:  # each printer has its own connection
                own.certificates.issue_for_course(cid, issued_on=D)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=print_course, args=(c,)) for c in courses]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Workspace.open(path) as ws:
        numbers = sorted(c.number for c in ws.certificates.register())
    assert numbers == list(range(1, 25))


# Atomic issue: numbers only once the file is complete ----------------------------------------


def _parts(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name.endswith(".part")]


def test_a_print_registers_numbers_only_with_the_complete_file(
    ws: Workspace, tmp_path: Path
) -> None:
    cid = completed_course(ws, ["Nguyễn Văn An", "Trần Thị Bích"])
    out = tmp_path / "gcn.pdf"
    seen: list[int] = []

    def progress(done: int, total: int) -> bool:
        # While the pages are written, nothing is registered and nothing is at `out`.
        assert ws.certificates.register() == []
        assert not out.exists()
        seen.append(done)
        return True

    result = ws.certificates.print_course(cid, out, issued_on=D, progress=progress)
    assert seen == [0, 1, 2]
    assert result.serials == ("1/2026", "2/2026") and result.new == 2
    assert out.stat().st_size > 1000 and _parts(tmp_path) == []
    assert [c.print_count for c in ws.certificates.register()] == [1, 1]


def test_a_cancelled_or_failed_print_leaves_the_register_as_it_was(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.core.progress import Cancelled
    from desktop_app.documents import certificates as documents

    cid = completed_course(ws, ["Nguyễn Văn An", "Trần Thị Bích"])
    out = tmp_path / "gcn.pdf"
    with pytest.raises(Cancelled):
        ws.certificates.print_course(cid, out, issued_on=D, progress=lambda d, _t: d < 1)
    assert ws.certificates.register() == [] and not out.exists() and _parts(tmp_path) == []

    def broken(*_args: object, **_kwargs: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(documents, "write_certificates", broken)
    with pytest.raises(UserError):
        ws.certificates.print_course(cid, out, issued_on=D)
    assert ws.certificates.register() == [] and _parts(tmp_path) == []
    with pytest.raises(UserError):  # a folder that does not exist: refused before anything
        ws.certificates.print_course(cid, tmp_path / "no" / "x.pdf", issued_on=D)
    monkeypatch.undo()
    # The next print issues the same numbers, fresh: no "Bản in lại".
    result = ws.certificates.print_course(cid, out, issued_on=D)
    assert result.serials == ("1/2026", "2/2026") and result.reprinted == 0


def test_a_reissue_or_reprint_that_is_not_written_registers_nothing(
    ws: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from desktop_app.core.progress import Cancelled
    from desktop_app.documents import certificates as documents

    cid = completed_course(ws, ["Nguyễn Văn An"])
    (first,) = ws.certificates.issue_for_course(cid, issued_on=D).value
    cert = first.certificate
    before = ws.certificates.register()
    out = tmp_path / "lại.pdf"
    # A folder that does not exist, a Cancel, a full disk: the register is as before.
    with pytest.raises(UserError):
        ws.certificates.print_reissue(cert.id, tmp_path / "no" / "x.pdf", issued_on=D)
    with pytest.raises(Cancelled):
        ws.certificates.print_reissue(cert.id, out, issued_on=D, progress=lambda _d, _t: False)
    with pytest.raises(Cancelled):
        ws.certificates.print_again(cert.id, out, progress=lambda _d, _t: False)

    def broken(*_args: object, **_kwargs: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(documents, "write_certificates", broken)
    with pytest.raises(UserError):
        ws.certificates.print_reissue(cert.id, out, issued_on=D)
    with pytest.raises(UserError):
        ws.certificates.print_again(cert.id, out)
    monkeypatch.undo()
    assert ws.certificates.register() == before and not out.exists() and _parts(tmp_path) == []

    again = ws.certificates.print_again(cert.id, out)
    assert again.serials == (cert.serial,) and again.reprinted == 1 and out.exists()
    assert ws.certificates.get(cert.id).print_count == cert.print_count + 1
    new = ws.certificates.print_reissue(cert.id, out, issued_on=D, reason="Mất bản chính")
    assert new.serials == ("2/2026",) and new.new == 1
    assert ws.certificates.get(cert.id).revoked_at
    with pytest.raises(UserError):  # a revoked certificate is reissued, not reprinted
        ws.certificates.print_again(cert.id, out)


def test_numbers_taken_meanwhile_are_noticed_and_the_file_written_again(
    ws: Workspace, tmp_path: Path
) -> None:
    cid = completed_course(ws, ["Nguyễn Văn An"])
    other = completed_course(ws, ["Lê Văn Cường"], "Pháp luật")
    calls: list[int] = []

    def progress(done: int, _total: int) -> bool:
        if not calls:  # another print takes number 1 while this one is being written
            ws.certificates.issue_for_course(other, issued_on=D)
        calls.append(done)
        return True

    result = ws.certificates.print_course(cid, tmp_path / "a.pdf", issued_on=D, progress=progress)
    assert result.serials == ("2/2026",) and result.new == 1
    assert len(calls) == 4  # written twice
    assert sorted(c.serial for c in ws.certificates.register()) == ["1/2026", "2/2026"]


def test_the_preview_is_marked_and_issues_nothing(ws: Workspace, tmp_path: Path) -> None:
    import shutil
    import subprocess

    from desktop_app.services.certificates import CertificateService

    cid = completed_course(ws, ["Nguyễn Văn An", "Trần Thị Bích"])
    prepared = ws.certificates.plan_course(cid, issued_on=D, preview=True)
    assert [i.certificate.serial for i in prepared.issued] == ["1/2026", "2/2026"]
    assert all(p.preview and not p.reprint for p in prepared.pages)
    out = tmp_path / "preview.pdf"
    CertificateService.render(prepared, out)
    assert ws.certificates.register() == []
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed")
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    assert text.count("BẢN XEM TRƯỚC") == 2, text
