"""The tthtcd command end to end, as a secretary's script or the office would run it."""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_app import __version__


def tthtcd(*args: str, lang: str = "en") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "desktop_app.cli", "--lang", lang, *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("tthtcd: ")
    return lines[0]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "demo.sqlite3"
    result = tthtcd("demo", "--db", str(path), "--people", "1500", "--seed", "5")
    assert result.returncode == 0, result.stderr
    assert "1,500 people" in result.stdout
    return path


def test_version() -> None:
    result = tthtcd("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"tthtcd {__version__}"


def test_people_list_json_in_roster_order(demo_db: Path) -> None:
    result = tthtcd("people", "list", "--db", str(demo_db), "--limit", "30", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert len(rows) == 30
    assert {"id", "full_name", "birth", "hamlet"} <= set(rows[0])


def test_people_search_finds_without_marks(demo_db: Path) -> None:
    listed = json.loads(tthtcd("people", "list", "--db", str(demo_db), "--json").stdout)
    target = listed[5]["full_name"]
    plain = (
        target.lower().replace("đ", "d").encode("ascii", "ignore").decode()
    )  # a rough fold: enough to check the app's own folding accepts it
    result = tthtcd("people", "search", "--db", str(demo_db), "--json", target)
    assert result.returncode == 0, result.stderr
    assert target in [r["full_name"] for r in json.loads(result.stdout)]
    assert plain  # the real check of unmarked queries is in the services tests


def test_people_search_text_output(demo_db: Path) -> None:
    result = tthtcd("people", "search", "--db", str(demo_db), "nguyen", "--limit", "5")
    assert result.returncode == 0
    assert len(result.stdout.strip().splitlines()) == 5
    assert all("Nguyễn" in line for line in result.stdout.splitlines())


def test_search_with_no_match_says_so(demo_db: Path) -> None:
    result = tthtcd("people", "search", "--db", str(demo_db), "zzzzqqq")
    assert result.returncode == 0
    assert result.stdout.strip() == "No one found."


def test_missing_database(tmp_path: Path) -> None:
    line = assert_one_line_error(tthtcd("people", "list", "--db", str(tmp_path / "none.sqlite3")))
    assert "none.sqlite3" in line
    assert not (tmp_path / "none.sqlite3").exists()


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "roster.xlsx"
    path.write_bytes(b"PK\x03\x04 not sqlite")
    assert "not a database" in assert_one_line_error(tthtcd("people", "list", "--db", str(path)))


def test_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite3"
    assert tthtcd("demo", "--db", str(path), "--people", "5").returncode == 0
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('tthtcd', '9999_future', 'x')"
    )
    conn.commit()
    conn.close()
    assert "newer version" in assert_one_line_error(tthtcd("people", "list", "--db", str(path)))


def test_bad_arguments() -> None:
    assert_one_line_error(tthtcd("people", "list", "--limit", "many", "--db", "x"))
    assert_one_line_error(tthtcd("people", "frobnicate"))
    assert_one_line_error(tthtcd("people", "search"))
    assert_one_line_error(tthtcd("people", "list"))  # no --db


def test_demo_refuses_to_overwrite(demo_db: Path) -> None:
    before = demo_db.stat().st_mtime_ns
    assert_one_line_error(tthtcd("demo", "--db", str(demo_db)))
    assert demo_db.stat().st_mtime_ns == before


def test_messages_in_vietnamese_by_default(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "desktop_app.cli", "people", "list", "--db", str(tmp_path / "x")],
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    line = assert_one_line_error(result)
    assert "Không" in line or "không" in line


def test_selfcheck() -> None:
    result = tthtcd("selfcheck")
    assert result.returncode == 0, result.stderr
    assert "database: ok" in result.stdout
    assert "PDF" in result.stdout


def test_certificates_print_then_verify_as_an_outsider_would(tmp_path: Path) -> None:
    """Print a class's certificates, read them like a person (text, fonts, QR), verify."""
    import shutil

    for tool in ("pdftotext", "pdffonts", "pdfinfo", "pdftoppm", "zbarimg"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed (make installs poppler-utils and zbar-tools)")
    db = tmp_path / "c.sqlite3"
    assert tthtcd("demo", "--db", str(db), "--people", "1500", "--courses", "20").returncode == 0
    courses = json.loads(tthtcd("courses", "list", "--db", str(db), "--json").stdout)
    course = max(courses, key=lambda c: c["completed"])
    assert course["completed"] > 0
    out = tmp_path / "gcn.pdf"
    result = tthtcd("certificates", "print", "--db", str(db), "--course", course["id"],
                    "--out", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr

    from desktop_app.services.workspace import Workspace

    with Workspace.open(db) as ws:
        completers = [e.full_name for e in ws.courses.completers(course["id"])]
    text = subprocess.run(["pdftotext", str(out), "-"], capture_output=True, text=True).stdout
    for name in completers:
        assert name in text
    fonts = subprocess.run(["pdffonts", str(out)], capture_output=True, text=True).stdout
    assert "LiberationSerif" in fonts and " yes " in fonts
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True).stdout
    assert f"Pages:           {len(completers)}" in info

    subprocess.run(["pdftoppm", "-r", "150", "-f", "1", "-l", "1", "-png", str(out),
                    str(tmp_path / "page")], check=True)  # fmt: skip
    png = next(tmp_path.glob("page*.png"))
    scan = subprocess.run(["zbarimg", "--raw", "-q", str(png)], capture_output=True)
    payload = scan.stdout.decode("utf-8").rstrip("\n")
    verified = tthtcd("certificates", "verify", "--db", str(db), payload)
    assert verified.returncode == 0, verified.stderr
    assert completers[0] in verified.stdout or any(n in verified.stdout for n in completers)
    tampered = payload.replace(payload.split("\n")[4], payload.split("\n")[4] + "x")
    refused = tthtcd("certificates", "verify", "--db", str(db), tampered)
    assert refused.returncode == 1
    assert_one_line_error(refused)


def test_ledger_verify_names_a_tampered_entry(tmp_path: Path) -> None:
    db = tmp_path / "l.sqlite3"
    assert tthtcd("demo", "--db", str(db), "--people", "800", "--courses", "0").returncode == 0
    ok = tthtcd("ledger", "verify", "--db", str(db))
    assert ok.returncode == 0, ok.stderr
    conn = sqlite3.connect(db)
    conn.execute("DROP TRIGGER ledger_no_update")
    voucher = conn.execute(
        "SELECT book || '-' || printf('%04d', number) || '/' || year FROM ledger_entry"
        " WHERE seq = 3"
    ).fetchone()[0]
    conn.execute("UPDATE ledger_entry SET amount = amount + 1000 WHERE seq = 3")
    conn.commit()
    conn.close()
    line = assert_one_line_error(tthtcd("ledger", "verify", "--db", str(db)))
    assert voucher in line


def test_fund_balance_receipt_and_disclosure(tmp_path: Path) -> None:
    db = tmp_path / "f.sqlite3"
    assert tthtcd("demo", "--db", str(db), "--people", "800", "--courses", "0").returncode == 0
    funds = json.loads(tthtcd("fund", "balance", "--db", str(db), "--json").stdout)
    assert len(funds) == 1 and funds[0]["balance"] > 0
    earlier = json.loads(
        tthtcd("fund", "balance", "--db", str(db), "--json", "--at", "01/01/2000").stdout
    )
    assert earlier[0]["balance"] == 35_000_000  # the opening balance carried over
    receipt = tmp_path / "pt.pdf"
    year = dt.date.today().year
    result = tthtcd("receipt", "print", "--db", str(db), "--entry", f"PT-0001/{year - 1}",
                    "--out", str(receipt))  # fmt: skip
    assert result.returncode == 0, result.stderr
    disclosure = tmp_path / "ck.pdf"
    result = tthtcd("disclosure", "print", "--db", str(db), "--fund", funds[0]["id"],
                    "--year", str(year - 1), "--out", str(disclosure))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert disclosure.stat().st_size > 1000
    missing = tthtcd("receipt", "print", "--db", str(db), "--entry", "PT-9999/2001",
                     "--out", str(tmp_path / "x.pdf"))  # fmt: skip
    assert_one_line_error(missing)
    assert not (tmp_path / "x.pdf").exists()
