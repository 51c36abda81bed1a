"""`tthtcd report annual` and `tthtcd report khuyen-hoc`: the JSON keys of the contract, the
same figures in the JSON, the PDF (read back with pdftotext) and the workbook (its cells and
its total formulas), the audit line of each file, and the refusals (exit 1, nothing
written). The figures themselves are checked against hand-computed databases in
tests/services/test_annual_report.py and test_khuyen_hoc_report.py."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from desktop_app.services.workspace import Workspace
from tests.cli.conftest import Run
from tests.conftest import DemoTemplate
from tests.documents.test_roster import text_of

YEAR = dt.date.today().year
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
KEYS = {
    "classes_by_kind", "attendances", "learners", "learners_by_sex", "learners_by_age_band",
    "learners_by_hamlet", "members", "member_share", "dues_collected", "fund_receipts",
    "fund_payments", "scholarships", "in_kind_value", "models", "population_by_sex",
    "population_by_age_band",
}  # fmt: skip


@pytest.fixture
def db(demo_copy: DemoTemplate) -> Path:
    return demo_copy(400, 5)


def figures(run: Run, db: Path, *args: str) -> dict[str, object]:
    code, out, err = run("report", "annual", "--db", str(db), "--year", str(YEAR), "--json", *args)
    assert (code, err) == (0, ""), err
    return json.loads(out)  # type: ignore[no-any-return]


def vn(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def audit_rows(db: Path) -> list[tuple[str, str]]:
    with Workspace.open(db, read_only=True) as ws:
        rows = ws.db.conn.execute(
            "SELECT record_id, detail FROM audit WHERE action = 'report.print' ORDER BY seq"
        ).fetchall()
    return [(str(r[0]), str(r[1])) for r in rows]


def test_the_json_has_every_key_of_the_contract(db: Path, run_en: Run) -> None:
    found = figures(run_en, db)
    assert set(found) >= KEYS
    assert found["period"] == {"from": f"{YEAR}-01-01", "to": f"{YEAR}-12-31"}
    assert found["empty"] is False
    assert set(found["learners_by_sex"]) == {"M", "F"}  # type: ignore[arg-type]
    assert set(found["learners_by_age_band"]) == {"15-35", "15-60", "60+"}  # type: ignore[arg-type]
    assert set(found["scholarships"]) == {"count", "amount"}  # type: ignore[arg-type]
    models = found["models"]
    assert isinstance(models, dict) and models
    assert all(set(m) >= {"registered", "recognised"} for m in models.values())
    by_sex = found["learners_by_sex"]
    assert isinstance(by_sex, dict) and sum(by_sex.values()) <= int(found["learners"])  # type: ignore[call-overload]
    assert int(found["learners"]) <= int(found["attendances"])  # type: ignore[call-overload]


def test_a_shorter_period_counts_no_more(db: Path, run_en: Run) -> None:
    year = figures(run_en, db)
    spring = figures(run_en, db, "--from", f"01/01/{YEAR}", "--to", f"31/03/{YEAR}")
    assert spring["period"] == {"from": f"{YEAR}-01-01", "to": f"{YEAR}-03-31"}
    assert int(spring["attendances"]) <= int(year["attendances"])  # type: ignore[call-overload]


def test_the_pdf_and_the_workbook_say_what_the_json_says(
    db: Path, run_en: Run, tmp_path: Path
) -> None:
    found = figures(run_en, db)
    pdf = tmp_path / "bao-cao.pdf"
    code, out, err = run_en(
        "report", "annual", "--db", str(db), "--year", str(YEAR), "--out", str(pdf),
        "--number", "12/BC-TTHTCĐ",
    )  # fmt: skip
    assert (code, err) == (0, "") and str(pdf) in out
    text = text_of(pdf)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "12/BC-TTHTCĐ" in text
    assert f"BÁO CÁO KẾT QUẢ HOẠT ĐỘNG NĂM {YEAR}" in text
    for key in ("attendances", "learners", "members"):
        assert vn(int(found[key])) in text, key  # type: ignore[call-overload]
    book_path = tmp_path / "bao-cao.xlsx"
    code, _out, err = run_en(
        "report", "annual", "--db", str(db), "--year", str(YEAR), "--out", str(book_path)
    )
    assert (code, err) == (0, "")
    book = openpyxl.load_workbook(book_path)
    formulas = [
        cell.value
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, str) and cell.value.startswith("=SUM(")
    ]
    assert formulas, "the totals are not formulas"
    assert [r[0] for r in audit_rows(db)] == ["annual", "annual"]
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    # The totals as a spreadsheet computes them equal the report's own figures.
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/lo", "--headless",
         "--convert-to", "xlsx", "--outdir", str(tmp_path / "computed"), str(book_path)],
        check=True, capture_output=True, timeout=240,
    )  # fmt: skip
    computed = openpyxl.load_workbook(tmp_path / "computed" / book_path.name, data_only=True)
    values = {
        cell.value
        for sheet in computed.worksheets[1:]
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, int | float)
    }
    for key in ("classes", "attendances", "learners", "members", "fund_receipts",
                "fund_payments", "population"):  # fmt: skip
        assert found[key] in values, key


def test_the_khuyen_hoc_summary_and_month_report(db: Path, run_en: Run, tmp_path: Path) -> None:
    code, out, err = run_en("report", "khuyen-hoc", "--db", str(db), "--year", str(YEAR), "--json")
    assert (code, err) == (0, "")
    summary = json.loads(out)
    annual = figures(run_en, db)
    assert summary["members"] == annual["members"]
    pdf = tmp_path / "khuyen-hoc.pdf"
    code, _out, err = run_en(
        "report", "khuyen-hoc", "--db", str(db), "--year", str(YEAR), "--out", str(pdf)
    )
    assert (code, err) == (0, "")
    assert vn(int(summary["members"])) in text_of(pdf)
    code, out, err = run_en(
        "report", "khuyen-hoc", "--month", "--db", str(db), "--year", str(YEAR), "--json"
    )
    assert (code, err) == (0, "") and json.loads(out)["period"]["to"].startswith(str(YEAR))
    assert [r[0] for r in audit_rows(db)] == ["khuyen_hoc"]


def test_the_report_on_the_screen(db: Path, run_en: Run) -> None:
    code, out, err = run_en("report", "annual", "--db", str(db), "--year", str(YEAR))
    assert (code, err) == (0, "")
    assert f"31/12/{YEAR}" in out and "1. " in out


def test_an_empty_period_says_so(db: Path, run_en: Run) -> None:
    found = figures(run_en, db, "--from", "01/01/2001", "--to", "31/01/2001")
    assert found["empty"] is True
    code, out, _err = run_en(
        "report", "annual", "--db", str(db), "--year", "2001", "--from", "01/01/2001",
        "--to", "31/01/2001",
    )  # fmt: skip
    assert code == 0 and "không có số liệu" in out


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--from", f"31/12/{YEAR}", "--to", f"01/01/{YEAR}"], "before"),
        (["--centre", "no-such-centre"], "no-such-centre"),
        (["--year", "1800"], "1800"),
        (["--out", "report.docx"], ".pdf or .xlsx"),
        (["--out", "report.pdf", "--number", "12/BC-TTHTCĐ-" * 5], "too long"),
    ],
)
def test_wrong_inputs_are_refused(
    db: Path, run_en: Run, tmp_path: Path, args: list[str], words: str
) -> None:
    if "--out" in args:
        args = ["--out", str(tmp_path / args[1]), *args[2:]]
    before = db.read_bytes()
    base = ["report", "annual", "--db", str(db)]
    if "--year" not in args:
        base += ["--year", str(YEAR)]
    code, out, err = run_en(*base, *args)
    assert code == 1 and out == "" and words in err
    assert db.read_bytes() == before
    assert not list(tmp_path.glob("report.*"))


def test_the_database_and_a_folder_are_never_the_output(
    db: Path, run_en: Run, tmp_path: Path
) -> None:
    before = db.read_bytes()
    folder = tmp_path / "folder.pdf"
    folder.mkdir()
    for out in (db, folder, tmp_path / "missing" / "report.xlsx"):
        code, _out, err = run_en(
            "report", "annual", "--db", str(db), "--year", str(YEAR), "--out", str(out)
        )
        assert code == 1 and err, out
    assert db.read_bytes() == before and folder.is_dir() and not any(folder.iterdir())
    assert audit_rows(db) == []
