"""`tthtcd members unpaid`: the unpaid-dues list on screen, as JSON, as PDF and as xlsx."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from desktop_app import cli
from desktop_app.i18n import format_money
from desktop_app.services.workspace import Workspace

Run = Callable[..., tuple[int, str, str]]
YEAR = 2026


@pytest.fixture
def db(demo_copy: Callable[..., Path]) -> Path:
    return demo_copy(150, 4)


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = cli.main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _unpaid(db: Path) -> tuple[list[str], int | None]:
    with Workspace.open(db, read_only=True) as ws:
        rate = ws.members.rate(YEAR)
        return [m.full_name for m in ws.members.unpaid(YEAR)], rate.amount if rate else None


def test_the_list_on_screen_and_as_json(run: Run, db: Path) -> None:
    names, dues = _unpaid(db)
    assert names, "the demo has members who have not paid"
    code, out, err = run("members", "unpaid", "--db", str(db), "--year", str(YEAR))
    assert (code, err) == (0, "")
    for name in names:
        assert name in out
    code, out, err = run("members", "unpaid", "--db", str(db), "--year", str(YEAR), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["count"] == len(names) and data["year"] == YEAR
    assert [m["full_name"] for m in data["members"]] == names
    assert data["dues_per_member"] == dues
    assert data["total_due"] == (dues * len(names) if dues is not None else None)
    assert set(data["members"][0]) == {
        "id", "member_number", "full_name", "birth", "branch", "hamlet"
    }  # fmt: skip
    assert data["out"] is None


def test_the_list_as_pdf_reads_as_on_paper(run: Run, db: Path, tmp_path: Path) -> None:
    names, dues = _unpaid(db)
    out = tmp_path / "chua dong.pdf"
    code, stdout, err = run(
        "members", "unpaid", "--db", str(db), "--year", str(YEAR), "--out", str(out)
    )
    assert code == 0, err
    assert str(out) in stdout
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "DANH SÁCH HỘI VIÊN CHƯA ĐÓNG HỘI PHÍ" in text
    assert f"Năm {YEAR}" in text
    for name in names:
        assert name in " ".join(text.split())
    if dues is not None:
        # The document is Vietnamese whatever the language: "912.000", never "912,000".
        assert format_money(dues * len(names)).removesuffix(" đ") in text
        assert "Tổng cộng" in text
    assert "TM. BAN CHẤP HÀNH" in text


def test_the_list_as_xlsx(run: Run, db: Path, tmp_path: Path) -> None:
    names, dues = _unpaid(db)
    out = tmp_path / "chua dong.xlsx"
    code, stdout, err = run(
        "--lang", "en", "members", "unpaid", "--db", str(db), "--year", str(YEAR),
        "--out", str(out), "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(stdout)["out"] == str(out)
    sheet = openpyxl.load_workbook(out).active
    assert sheet is not None
    rows = [r for r in sheet.iter_rows(values_only=True) if any(v is not None for v in r)]
    head = next(i for i, r in enumerate(rows) if r[0] == "STT")
    assert rows[head][2] == "Họ và tên"
    listed = [r[2] for r in rows[head + 1 : head + 1 + len(names)]]
    assert listed == names
    if dues is not None:
        assert rows[head + 1 + len(names)][1:][-1] == dues * len(names)


@pytest.mark.parametrize(
    "extra",
    [("--branch", "no-such-branch"), ("--out", "list.txt")],
)
def test_refusals_change_nothing(
    run: Run, db: Path, tmp_path: Path, extra: tuple[str, str]
) -> None:
    args = list(extra)
    if args[0] == "--out":
        args[1] = str(tmp_path / args[1])
    before = db.read_bytes()
    code, out, err = run("members", "unpaid", "--db", str(db), "--year", str(YEAR), *args)
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and err.startswith("tthtcd: ")
    assert db.read_bytes() == before
    assert not (tmp_path / "list.txt").exists()
