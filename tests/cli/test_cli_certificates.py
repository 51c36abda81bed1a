"""`tthtcd certificates`: commendations need their decision, verify names the kind, the
register prints as a book. Read back as a person reads them."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_app import cli
from desktop_app.core.courses import Result
from desktop_app.i18n import _
from desktop_app.services.workspace import Workspace

needs_pdftotext = pytest.mark.skipif(
    shutil.which("pdftotext") is None, reason="pdftotext is not installed"
)


@pytest.fixture
def db(demo_copy: Callable[..., Path]) -> Path:
    return demo_copy(300, 3, name="c.db")


def _course(db: Path) -> str:
    """A class with completers, one of them with a result that earns a commendation."""
    with Workspace.open(db) as ws:
        course = next(c.id for c in ws.courses.find() if ws.courses.completers(c.id))
        first = ws.courses.completers(course)[0]
        ws.courses.set_result(first.id, Result.VERY_GOOD)
    return course


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def _register_size(db: Path) -> int:
    with Workspace.open(db, read_only=True) as ws:
        return len(ws.certificates.register())


def _text(pdf: Path) -> str:
    raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
    return " ".join(raw.stdout.decode("utf-8").split())


def test_a_commendation_without_its_decision_is_refused_and_issues_nothing(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    course = _course(db)
    out = tmp_path / "gk.pdf"
    base = ["certificates", "print", "--db", str(db), "--course", course, "--out", str(out),
            "--kind", "commendation"]  # fmt: skip
    for extra in ([], ["--decision", "12/QĐ-TTHTCĐ"], ["--decision-date", "20/02/2026"],
                  ["--decision", "12/QĐ", "--decision-date", "31/02/2026"],
                  ["--decision", "12/QĐ", "--decision-date", "hôm qua"],
                  ["--decision", "12/QĐ", "--decision-date", "01/01/2999"]):  # fmt: skip
        code, _out, err = _run(capsys, *base, *extra)
        assert code == 1, (extra, err)
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("tthtcd: "), err
        assert "internal error" not in err
        assert not out.exists() and _register_size(db) == 0
    code, _out, err = _run(capsys, *base[:-2], "--decision", "12/QĐ")
    assert code == 1 and "--kind commendation" in err


@needs_pdftotext
def test_commendations_print_with_their_decision_and_verify_as_such(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    course = _course(db)
    out = tmp_path / "gk.pdf"
    code, stdout, err = _run(
        capsys, "certificates", "print", "--db", str(db), "--course", course, "--out", str(out),
        "--kind", "commendation", "--decision", "05/QĐ-TTHTCĐ", "--decision-date", "02/01/2026",
    )  # fmt: skip
    assert code == 0, err
    assert "commendations" in stdout
    text = _text(out)
    assert "GIẤY KHEN" in text
    assert "Theo Quyết định số 05/QĐ-TTHTCĐ, ngày 02/01/2026" in text
    assert "thành tích học tập loại Giỏi" in text
    with Workspace.open(db, read_only=True) as ws:
        rows = ws.certificates.register()
    assert rows and all(r.decision == "05/QĐ-TTHTCĐ" for r in rows)
    code, stdout, err = _run(capsys, "certificates", "verify", "--db", str(db), rows[0].payload)
    assert code == 0, err
    assert stdout.startswith(_("Commendation") + " ")
    assert "05/QĐ-TTHTCĐ" in stdout
    assert _("Genuine commendation: the signature and the register agree.") in stdout

    certificate = tmp_path / "gcn.pdf"
    code, _stdout, err = _run(
        capsys, "certificates", "print", "--db", str(db), "--course", course,
        "--out", str(certificate),
    )  # fmt: skip
    assert code == 0, err
    with Workspace.open(db, read_only=True) as ws:
        completion = next(r for r in ws.certificates.register() if r.kind.value == "completion")
    code, stdout, err = _run(capsys, "certificates", "verify", "--db", str(db), completion.payload)
    assert code == 0, err
    assert stdout.startswith(_("Completion certificate") + " ")
    assert _("Genuine: the signature and the register agree.") in stdout


@needs_pdftotext
def test_the_register_prints_from_the_command_line(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import datetime as dt

    course = _course(db)
    year = dt.date.today().year
    out = tmp_path / "so.pdf"
    code, _stdout, err = _run(
        capsys, "certificates", "register", "--db", str(db), "--year", str(year), "--out", str(out)
    )
    assert code == 1 and len(err.strip().splitlines()) == 1 and not out.exists()
    _run(capsys, "certificates", "print", "--db", str(db), "--course", course,
         "--out", str(tmp_path / "gcn.pdf"))  # fmt: skip
    code, stdout, err = _run(
        capsys, "certificates", "register", "--db", str(db), "--year", str(year), "--out", str(out)
    )
    assert code == 0, err
    assert str(out) in stdout
    text = _text(out)
    assert "SỔ CẤP GIẤY CHỨNG NHẬN" in text and "Người nhận ký" in text
    with Workspace.open(db, read_only=True) as ws:
        for row in ws.certificates.register():
            assert row.full_name in text
    code, _stdout, err = _run(
        capsys, "certificates", "register", "--db", str(db), "--year", "20260", "--out", str(out)
    )
    assert code == 2
    code, _stdout, err = _run(
        capsys, "certificates", "register", "--db", str(db), "--out", str(out)
    )
    assert code == 2
