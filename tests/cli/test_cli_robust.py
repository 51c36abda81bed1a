"""Every subcommand with absurd values: exit 0, 1 (refused) or 2 (usage), one line on stderr.

Exit 70 is kept for genuine bugs; nothing typed on the command line may reach it.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from desktop_app import cli
from desktop_app.services.demo import create_demo_database
from desktop_app.services.workspace import Workspace

HUGE = "99999999999999999999999"
LONG_VOUCHER = "PT-0000000000000000000001/2026"
WORDS = " ".join(f"từ{i}" for i in range(2000))


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-robust") / "demo.sqlite3"
    create_demo_database(path, people=120, seed=4)
    return path


@pytest.fixture(scope="module")
def db(template: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cli-robust-copy") / "x.sqlite3"
    shutil.copyfile(template, path)
    return path


def _ids(db: Path) -> tuple[str, str, str]:
    with Workspace.open(db, read_only=True) as ws:
        course = ws.courses.find()[0].id
        fund = ws.fund.funds()[0].id
        person = ws.people.roster(limit=1)[0].id
    return course, fund, person


def _cases(db: Path, tmp: Path) -> list[list[str]]:
    course, fund, person = _ids(db)
    out = str(tmp / "o.pdf")
    d = ["--db", str(db)]
    year = str(dt.date.today().year)
    cases: list[list[str]] = [
        ["demo", "--db", str(tmp / "new1.db"), "--people", HUGE],
        ["demo", "--db", str(tmp / "new2.db"), "--people", "10", "--courses", HUGE],
        ["demo", "--db", str(tmp / "new3.db"), "--people", "-1"],
        ["demo", "--db", str(tmp / "new4.db"), "--people", "abc"],
        ["people", "search", "an", "--limit", HUGE, *d],
        ["people", "search", "an", "--limit", "-5", *d],
        ["people", "search", WORDS, *d],
        ["people", "search", "x" * 100_000, *d],
        ["people", "search", "a\x00b", *d],
        ["people", "search", "\"'*%_()-", *d],
        ["people", "search", "", *d],
        ["people", "list", "--limit", HUGE, *d],
        ["people", "list", "--limit", "0", *d],
        ["people", "add", "--name", "Nguyễn Văn A", "--birth", "99999", *d],
        ["people", "add", "--name", "Nguyễn Văn A", "--birth", "31/12/99999", *d],
        ["people", "add", "--name", "Nguyễn Văn A", "--birth", HUGE, *d],
        ["people", "add", "--name", "A" * 10_000, *d],
        ["people", "add", "--name", "Nguyễn Văn B", "--cccd", "1" * 22, *d],
        ["people", "add", "--name", "Nguyễn Văn C", "--phone", "9" * 40, *d],
        ["people", "add", "--name", "Nguyễn Văn D", "--hamlet", "x" * 5000, *d],
        ["people", "edit", "x" * 500, "--name", "B", *d],
        ["people", "edit", person, "--birth", "00/00/0000", *d],
        ["people", "delete", HUGE, *d],
        ["people", "restore", HUGE, *d],
        ["courses", "list", "--year", "99999", *d],
        ["courses", "list", "--year", HUGE, *d],
        ["courses", "list", "--year", "0", *d],
        ["certificates", "print", "--course", HUGE, "--out", out, *d],
        ["certificates", "verify", "garbage", *d],
        ["certificates", "verify", "x" * 100_000, *d],
        ["certificates", "verify", f"TTHTCD1|{HUGE}|{LONG_VOUCHER}|x|y", *d],
        ["roster", "print", "--course", HUGE, "--out", out, *d],
        ["fund", "balance", "--at", "31/12/9999", *d],
        ["fund", "balance", "--at", "01/01/0001", *d],
        ["fund", "balance", "--at", "99/99/99999", *d],
        ["fund", "balance", "--fund", HUGE, *d],
        ["fund", "receipt", "--amount", HUGE, "--party", "A", "--reason", "r", *d],
        ["fund", "receipt", "--amount", "-5", "--party", "A", "--reason", "r", *d],
        ["fund", "receipt", "--amount", "1e30", "--party", "A", "--reason", "r", *d],
        [
            "fund",
            "receipt",
            "--amount",
            "1000",
            "--party",
            "A",
            "--reason",
            "r",
            "--date",
            "31/12/99999",
            *d,
        ],
        ["fund", "receipt", "--amount", "1000", "--party", "A" * 10_000, "--reason", "r", *d],
        ["fund", "payment", "--amount", HUGE, "--party", "A", "--reason", "r", *d],
        [
            "fund",
            "payment",
            "--amount",
            "1000",
            "--party",
            "A",
            "--reason",
            "r",
            "--kind",
            "scholarship",
            "--recipient",
            HUGE,
            *d,
        ],
        ["fund", "void", LONG_VOUCHER, "--reason", "r", *d],
        ["fund", "void", "PT-0001/99999", "--reason", "r", *d],
        ["fund", "void", f"PT-{HUGE}/{HUGE}", "--reason", "r", *d],
        ["fund", "void", "garbage", "--reason", "r", *d],
        ["ledger", "verify", *d],
        ["receipt", "print", "--entry", LONG_VOUCHER, "--out", out, *d],
        ["receipt", "print", "--entry", "PT-0001/99999", "--out", out, *d],
        ["receipt", "print", "--entry", f"PT-0001/{year}", "--fund", HUGE, "--out", out, *d],
        ["disclosure", "print", "--fund", fund, "--year", "99999", "--out", out, *d],
        ["disclosure", "print", "--fund", fund, "--year", HUGE, "--out", out, *d],
        ["disclosure", "print", "--fund", fund, "--year", "0", "--out", out, *d],
        ["disclosure", "print", "--fund", HUGE, "--year", year, "--out", out, *d],
        ["roster", "print", "--course", course, "--out", str(tmp / "missing" / "o.pdf"), *d],
        ["roster", "print", "--course", course, "--out", str(tmp), *d],
        ["roster", "print", "--course", course, "--out", "", *d],
        ["people", "list", "--db", str(tmp)],
        ["people", "list", "--db", str(tmp / "missing.db")],
        ["people", "list", "--db", ""],
        ["people", "list", "--db", "x" * 5000],
    ]
    return cases


def test_every_subcommand_with_absurd_values_fails_cleanly(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad: list[str] = []
    for argv in _cases(db, tmp_path):
        code = cli.main(["--lang", "en", *argv])
        _out, err = capsys.readouterr()
        lines = err.strip().splitlines()
        shown = " ".join(a[:40] for a in argv)
        if code not in (0, 1, 2):
            bad.append(f"{shown}: exit {code}: {err.strip()[:200]}")
        elif code and (len(lines) != 1 or not lines[0].startswith("tthtcd: ")):
            bad.append(f"{shown}: {len(lines)} lines: {err[:200]}")
        elif "cannot be opened" in err and "--db" not in shown:
            bad.append(f"{shown}: {err.strip()[:200]}")
    assert not bad, "\n".join(bad)


def test_a_long_search_is_cut_not_an_error(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["--lang", "en", "people", "search", WORDS, "--db", str(db)])
    _out, err = capsys.readouterr()
    assert code == 0, err
    assert err.strip() == "tthtcd: The search was cut to its first 200 characters."


def test_numbers_beyond_their_bounds_are_usage_errors(
    db: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv, words in (
        (["people", "list", "--limit", HUGE], "at most 1,000,000"),
        (["courses", "list", "--year", "99999"], "from 1900 to 2100"),
        (["disclosure", "print", "--fund", "f", "--year", HUGE, "--out", "x.pdf"], "1900"),
    ):
        assert cli.main(["--lang", "en", *argv, "--db", str(db)]) == 2
        err = capsys.readouterr().err
        assert words in err and len(err.strip().splitlines()) == 1, err


def test_a_voucher_number_of_22_digits_is_no_voucher(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for number in ("PT-1234567890123456789012/2026", "PT-0001/99999"):
        code = cli.main(["--lang", "en", "receipt", "print", "--entry", number,
                         "--out", str(tmp_path / "x.pdf"), "--db", str(db)])  # fmt: skip
        err = capsys.readouterr().err
        assert code == 1 and "internal error" not in err, err
    assert not (tmp_path / "x.pdf").exists()


def test_the_disclosure_of_year_99999_is_refused_by_the_service(db: Path) -> None:
    from desktop_app.core.problems import UserError

    with Workspace.open(db, read_only=True) as ws:
        fund = ws.fund.funds()[0].id
        with pytest.raises(UserError):
            ws.fund_documents.disclosure(fund, 99999)
