"""Routine work from the command line: people add/edit/delete/restore, fund receipt/payment/void.

Every command runs in-process through `cli.main` on a copy of a real demo database. Each refusal
exits 1 with one translated line (Vietnamese by default, English with --lang en) and leaves the
database file and its write-ahead log byte for byte as they were: not even the audit is written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_app import cli
from desktop_app.core.dates import NO_SUCH_DAY
from desktop_app.core.fund import EntryKind
from desktop_app.core.people import PersonInput
from desktop_app.i18n import DEFAULT_LANGUAGE, set_language, tr
from desktop_app.services.fund import FundInput
from desktop_app.services.workspace import Workspace

TODAY = dt.date.today()


def in_vietnamese(msgid: str, **params: object) -> str:
    set_language("vi")
    try:
        return tr(msgid, **params)
    finally:
        set_language(DEFAULT_LANGUAGE)


@pytest.fixture
def demo_file(demo_template: Callable[..., Path]) -> Path:
    """Made once per run (tests/conftest.py); never written to."""
    return demo_template(150, 4)


@pytest.fixture
def db(demo_copy: Callable[..., Path]) -> Path:
    """A fresh copy of the demo for each test."""
    return demo_copy(150, 4)


Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    def run(*args: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = cli.main(list(args))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def snapshot(path: Path) -> tuple[str, str | None]:
    """The bytes of the database file and of its write-ahead log (None when there is none).

    An empty log counts as none: a read-only connection (the helpers below read that way)
    leaves an empty -wal behind, which the next read-write connection removes on closing;
    neither holds a byte of data.
    """
    wal = Path(f"{path}-wal")
    main = hashlib.sha256(path.read_bytes()).hexdigest()
    log = wal.read_bytes() if wal.exists() else b""
    return main, hashlib.sha256(log).hexdigest() if log else None


def refused(run: Run, db: Path, *args: str) -> tuple[str, str]:
    """Run the command in Vietnamese (the default) and in English; both must be refusals that
    change nothing. Returns the two lines, without the 'tthtcd: ' prefix."""
    lines: list[str] = []
    for lang in ((), ("--lang", "en")):
        before = snapshot(db)
        code, out, err = run(*lang, *args)
        assert code == cli.EXIT_FAILURE == 1, (args, out, err)
        assert out == ""
        assert "Traceback" not in err
        err_lines = err.strip().splitlines()
        assert len(err_lines) == 1, err
        assert err_lines[0].startswith("tthtcd: ")
        assert snapshot(db) == before, f"{args} changed the database file"
        lines.append(err_lines[0].removeprefix("tthtcd: "))
    vi, en = lines
    assert vi != en, "the refusal is not translated"
    return vi, en


def some_person(db: Path) -> tuple[str, str, int, str]:
    """Id, name, birth year and hamlet of a demo person who has all three."""
    with Workspace.open(db, read_only=True) as ws:
        row = next(r for r in ws.people.roster(200) if r.birth and r.hamlet_name)
    assert row.birth is not None
    return row.id, row.full_name, row.birth.year, row.hamlet_name


def only_fund(db: Path) -> str:
    with Workspace.open(db, read_only=True) as ws:
        (fund,) = ws.fund.funds()
    return fund.id


# people add ------------------------------------------------------------------------------


def test_people_add_prints_the_new_id_and_matches_the_hamlet_without_marks(
    run: Run, db: Path
) -> None:
    with Workspace.open(db, read_only=True) as ws:
        hamlet = ws.centre.hamlets()[-1]
    typed = hamlet.name.upper().replace("Ấ", "A").replace("Ư", "U")  # as typed without marks
    code, out, err = run(
        "people", "add", "--db", str(db), "--name", "  trần   thị bình ", "--sex", "f",
        "--birth", "12/05/1990", "--phone", "0912 345 678", "--hamlet", typed,
    )  # fmt: skip
    assert (code, err) == (0, "")
    person_id = out.strip()
    assert len(out.splitlines()) == 1
    with Workspace.open(db, read_only=True) as ws:
        person = ws.people.get(person_id)
    assert person.full_name == "Trần Thị Bình"
    assert person.sex is not None and person.sex.value == "F"
    assert person.birth is not None and person.birth.display() == "12/05/1990"
    assert person.phone == "0912345678"
    assert person.hamlet_id == hamlet.id


def test_people_add_json(run: Run, db: Path) -> None:
    code, out, err = run("people", "add", "--db", str(db), "--name", "Lê Văn Cường", "--json")
    assert (code, err) == (0, "")
    value = json.loads(out)
    assert list(value) == ["id"]
    with Workspace.open(db, read_only=True) as ws:
        assert ws.people.get(value["id"]).full_name == "Lê Văn Cường"


def test_people_add_duplicate_is_refused_until_confirmed(run: Run, db: Path) -> None:
    existing, name, year, hamlet = some_person(db)
    args = ("people", "add", "--db", str(db), "--name", name, "--birth", str(year))
    vi, en = refused(run, db, *args, "--hamlet", hamlet)
    assert "already in the list" in en and "--confirm-different" in en and existing in en
    assert "--confirm-different" in vi and existing in vi
    # A blank hamlet is no way around it; the message names the hamlet of the one in the list.
    vi, en = refused(run, db, *args)
    assert existing in en and existing in vi and "?" not in en + vi
    assert en.startswith(f"{name}, born ") and f", of {hamlet}, is already in the list." in en

    code, out, _err = run(*args, "--hamlet", hamlet, "--confirm-different", "--json")
    assert code == 0
    assert json.loads(out)["id"] != existing


def test_people_add_bad_cccd_and_bad_birth_name_each_field(run: Run, db: Path) -> None:
    vi, en = refused(
        run, db, "people", "add", "--db", str(db), "--name", "Phạm Văn Đức",
        "--cccd", "123", "--birth", "31/02/1990",
    )  # fmt: skip
    assert en.startswith("Some fields need fixing before the person can be saved.")
    # The birth date that does not exist is named, not "type it as dd/mm/yyyy".
    assert "12 digits" in en and "There is no 31 February." in en
    assert "12 chữ số" in vi and in_vietnamese(NO_SUCH_DAY[1], day=31) in vi


def test_people_add_bad_birth_date_alone(run: Run, db: Path) -> None:
    vi, en = refused(
        run, db, "people", "add", "--db", str(db), "--name", "Phạm Văn Đức", "--birth", "1/13/90"
    )
    assert "birth date" in en
    assert "ngày sinh" in vi


def test_people_add_unknown_hamlet_names_the_known_ones(run: Run, db: Path) -> None:
    with Workspace.open(db, read_only=True) as ws:
        names = [h.name for h in ws.centre.hamlets()]
    vi, en = refused(
        run, db, "people", "add", "--db", str(db), "--name", "Phạm Văn Đức", "--hamlet", "Thôn 99"
    )
    assert en.startswith("There is no hamlet called Thôn 99.")
    assert all(name in en and name in vi for name in names)


def test_people_add_without_name_is_a_usage_error_in_vietnamese(run: Run, db: Path) -> None:
    before = snapshot(db)
    code, out, err = run("people", "add", "--db", str(db))
    assert code == cli.EXIT_USAGE == 2
    assert out == "" and len(err.strip().splitlines()) == 1
    assert "--name" in err and "required" not in err and "tham số" in err
    code, _out, err = run("--lang", "en", "people", "add", "--db", str(db))
    assert code == 2 and "the following arguments are required: --name" in err
    assert snapshot(db) == before


# people edit / delete / restore -----------------------------------------------------------


def test_people_edit_changes_only_the_given_options(run: Run, db: Path) -> None:
    person_id, name, year, hamlet = some_person(db)
    with Workspace.open(db, read_only=True) as ws:
        before = ws.people.get(person_id)
    code, out, err = run("people", "edit", "--db", str(db), person_id, "--phone", "0987654321")
    assert (code, err, out.strip()) == (0, "", person_id)
    with Workspace.open(db, read_only=True) as ws:
        after = ws.people.get(person_id)
    assert after.phone == "0987654321"
    assert (after.full_name, after.birth, after.hamlet_id, after.sex, after.cccd) == (
        before.full_name, before.birth, before.hamlet_id, before.sex, before.cccd,
    )  # fmt: skip
    assert after.full_name == name and after.hamlet_name == hamlet
    assert after.birth is not None and after.birth.year == year

    code, out, _err = run("people", "edit", "--db", str(db), person_id, "--hamlet", "", "--json")
    assert code == 0 and json.loads(out) == {"id": person_id}
    with Workspace.open(db, read_only=True) as ws:
        assert ws.people.get(person_id).hamlet_id is None


def test_people_edit_refusals(run: Run, db: Path) -> None:
    person_id, *_ = some_person(db)
    vi, en = refused(run, db, "people", "edit", "--db", str(db), "no-such-id", "--phone", "1")
    assert "no longer in the database" in en and "không còn" in vi
    vi, en = refused(run, db, "people", "edit", "--db", str(db), person_id, "--birth", "32/01/2000")
    assert "There is no 32 January." in en and in_vietnamese(NO_SUCH_DAY[0], day=32) in vi


def test_people_delete_and_restore(run: Run, db: Path) -> None:
    person_id, name, *_ = some_person(db)
    code, out, err = run("people", "delete", "--db", str(db), person_id)
    assert (code, err, out.strip()) == (0, "", person_id)
    with Workspace.open(db, read_only=True) as ws:
        assert ws.people.get(person_id).deleted

    vi, en = refused(run, db, "people", "delete", "--db", str(db), person_id)
    assert en == f"{name} was already deleted."
    assert name in vi

    code, out, _err = run("people", "restore", "--db", str(db), person_id, "--json")
    assert code == 0 and json.loads(out) == {"id": person_id}
    with Workspace.open(db, read_only=True) as ws:
        assert not ws.people.get(person_id).deleted

    vi, en = refused(run, db, "people", "restore", "--db", str(db), person_id)
    assert en == f"{name} is not deleted."
    code, out, _err = run("people", "delete", "--db", str(db), person_id, "--json")
    assert code == 0 and json.loads(out) == {"id": person_id}


def test_people_delete_missing_person(run: Run, db: Path) -> None:
    vi, en = refused(run, db, "people", "delete", "--db", str(db), "no-such-id")
    assert "no longer in the database" in en and "không còn" in vi
    refused(run, db, "people", "restore", "--db", str(db), "no-such-id")


# fund receipt / payment -------------------------------------------------------------------


@pytest.mark.parametrize("amount", ["1500000", "1.500.000", "1,500,000"])
def test_fund_receipt_plain_prints_the_voucher_number(run: Run, db: Path, amount: str) -> None:
    code, out, err = run(
        "fund", "receipt", "--db", str(db), "--amount", amount,
        "--party", "Ông Nguyễn Văn Tư", "--reason", "Ủng hộ quỹ khuyến học",
    )  # fmt: skip
    assert (code, err) == (0, "")
    number = out.strip()
    assert number.startswith("PT-") and number.endswith(f"/{TODAY.year}")
    with Workspace.open(db, read_only=True) as ws:
        entry = ws.fund.find_voucher(number)
    assert entry.amount == 1_500_000
    assert entry.kind is EntryKind.DONATION_CASH
    assert entry.entry_date == TODAY
    assert entry.party_name == "Ông Nguyễn Văn Tư"


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("donation", EntryKind.DONATION_CASH),
        ("dues", EntryKind.DUES),
        ("interest", EntryKind.INTEREST),
        ("transfer", EntryKind.TRANSFER_IN),
    ],
)
def test_fund_receipt_json(run: Run, db: Path, kind: str, expected: EntryKind) -> None:
    day = TODAY - dt.timedelta(days=3)
    code, out, err = run(
        "fund", "receipt", "--db", str(db), "--amount", "200.000", "--party", "Bà Lan",
        "--reason", "Thu", "--kind", kind, "--address", "Ấp 2", "--date", f"{day:%d/%m/%Y}",
        "--json",
    )  # fmt: skip
    assert (code, err) == (0, "")
    value = json.loads(out)
    fund_id = only_fund(db)
    assert value == {
        "number": value["number"],
        "id": value["id"],
        "fund_id": fund_id,
        "amount": 200_000,
        "date": day.isoformat(),
        "kind": kind,
    }
    assert value["number"].startswith("PT-")
    with Workspace.open(db, read_only=True) as ws:
        entry = ws.fund.entry(value["id"])
    assert (entry.voucher, entry.kind, entry.party_address) == (value["number"], expected, "Ấp 2")


@pytest.mark.parametrize(
    ("amount", "english"),
    [
        ("0", "must be more than 0"),
        ("-5", "must be more than 0"),
        ("abc", "Type the amount in digits"),
        ("1.5", "Type the amount in digits"),
        (str(10**20), "too large"),
    ],
)
def test_fund_receipt_bad_amount(run: Run, db: Path, amount: str, english: str) -> None:
    vi, en = refused(
        run, db, "fund", "receipt", "--db", str(db), f"--amount={amount}",
        "--party", "X", "--reason", "Y",
    )  # fmt: skip
    assert en.startswith("Some fields need fixing before the entry can be saved.")
    assert english in en
    assert "số tiền" in vi.lower()


@pytest.mark.parametrize("day", ["31/02/2026", "2026", "tomorrow", "01/01/2999"])
def test_fund_receipt_bad_date(run: Run, db: Path, day: str) -> None:
    vi, en = refused(
        run, db, "fund", "receipt", "--db", str(db), "--amount", "5000", "--party", "X",
        "--reason", "Y", "--date", day,
    )  # fmt: skip
    if day == "31/02/2026":  # the day that does not exist is named
        assert "There is no 31 February." in en
        assert in_vietnamese(NO_SUCH_DAY[1], day=31) in vi
    else:
        assert "date" in en
        assert "ngày" in vi.lower()


def test_fund_balance_at_a_day_that_does_not_exist(run: Run, db: Path) -> None:
    code, out, err = run("--lang", "en", "fund", "balance", "--db", str(db), "--at", "30/02/2026")
    assert code == cli.EXIT_USAGE and out == ""
    assert "30/02/2026: There is no 30 February." in err


def test_fund_receipt_in_a_closed_year(run: Run, db: Path) -> None:
    last_year = TODAY.year - 1
    with Workspace.open(db) as ws:
        ws.fund.close_year(only_fund(db), last_year)
    vi, en = refused(
        run, db, "fund", "receipt", "--db", str(db), "--amount", "5000", "--party", "X",
        "--reason", "Y", "--date", f"15/06/{last_year}",
    )  # fmt: skip
    assert f"The year {last_year} is closed" in en
    assert str(last_year) in vi


def test_fund_receipt_with_several_funds_needs_fund(run: Run, db: Path) -> None:
    first = only_fund(db)
    with Workspace.open(db) as ws:
        second = ws.fund.create(FundInput(name="Quỹ khuyến học dòng họ Nguyễn")).value
    args = ("fund", "receipt", "--db", str(db), "--amount", "5000", "--party", "X", "--reason", "Y")
    vi, en = refused(run, db, *args)
    assert "several funds" in en and "--fund" in en
    assert first in en and second in en and first in vi and second in vi
    assert "Quỹ khuyến học dòng họ Nguyễn" in vi

    code, out, _err = run(*args, "--fund", second, "--json")
    assert code == 0
    assert json.loads(out)["fund_id"] == second
    assert json.loads(out)["number"] == f"PT-0001/{TODAY.year}"

    vi, en = refused(run, db, *args, "--fund", "no-such-fund")
    assert "no fund with that id" in en


def test_fund_payment(run: Run, db: Path) -> None:
    code, out, err = run(
        "fund", "payment", "--db", str(db), "--amount", "50.000", "--party", "Cửa hàng Minh",
        "--reason", "Mua giấy khen",
    )  # fmt: skip
    assert (code, err) == (0, "")
    number = out.strip()
    assert number.startswith("PC-")
    with Workspace.open(db, read_only=True) as ws:
        entry = ws.fund.find_voucher(number)
    assert (entry.kind, entry.amount, entry.effect) == (EntryKind.EXPENSE, 50_000, -50_000)


def test_fund_payment_scholarship_json(run: Run, db: Path) -> None:
    pupil, *_ = some_person(db)
    # The receiver: a parent, since the pupil may be a minor (who never signs for money).
    code, out, err = run(
        "fund", "payment", "--db", str(db), "--amount", "300000", "--party", "Lê Văn Hùng",
        "--reason", "Học bổng học sinh nghèo vượt khó", "--kind", "scholarship",
        "--recipient", pupil, "--school", "THCS Tân Phú", "--grade", "7A", "--json",
    )  # fmt: skip
    assert (code, err) == (0, "")
    value = json.loads(out)
    assert value["kind"] == "scholarship" and value["amount"] == 300_000
    assert value["number"].startswith("PC-") and value["date"] == TODAY.isoformat()
    with Workspace.open(db, read_only=True) as ws:
        entry = ws.fund.entry(value["id"])
    assert (entry.person_id, entry.school, entry.grade) == (pupil, "THCS Tân Phú", "7A")


@pytest.mark.parametrize(
    ("kind", "expected"),
    [("award", EntryKind.AWARD), ("gift", EntryKind.GIFT), ("transfer", EntryKind.TRANSFER_OUT)],
)
def test_fund_payment_kinds(run: Run, db: Path, kind: str, expected: EntryKind) -> None:
    pupil, *_ = some_person(db)
    extra = ("--recipient", pupil) if kind == "award" else ()
    code, out, _err = run(
        "fund", "payment", "--db", str(db), "--amount", "10000", "--party", "X", "--reason", "Y",
        "--kind", kind, *extra, "--json",
    )  # fmt: skip
    assert code == 0
    with Workspace.open(db, read_only=True) as ws:
        assert ws.fund.entry(json.loads(out)["id"]).kind is expected


def test_fund_payment_refusals(run: Run, db: Path) -> None:
    base = ("fund", "payment", "--db", str(db), "--party", "X", "--reason", "Y")
    vi, en = refused(run, db, *base, "--amount", "10000", "--kind", "scholarship")
    assert "Pick the pupil" in en
    vi, en = refused(
        run, db, *base, "--amount", "10000", "--kind", "award", "--recipient", "no-such-id"
    )
    assert "no longer in the database" in en
    vi, en = refused(run, db, *base, "--amount", "999.999.999.999")
    assert "The fund's cash holds only" in en
    vi, en = refused(run, db, *base, "--amount", "1000", "--school", "THCS")
    assert "--recipient" in en and "--kind scholarship" in vi


def _minor(db: Path) -> tuple[str, str]:
    with Workspace.open(db, read_only=True) as ws:
        row = next(r for r in ws.people.roster(2000) if r.birth and r.birth.year >= TODAY.year - 12)
    return row.id, row.full_name


def test_fund_payment_for_a_minor_is_received_by_the_guardian(run: Run, db: Path) -> None:
    pupil, name = _minor(db)
    base = (
        "fund", "payment", "--db", str(db), "--amount", "300000", "--reason", "Học bổng",
        "--kind", "scholarship", "--recipient", pupil,
    )  # fmt: skip
    en = refused_en(run, db, *base, "--party", name)
    assert "under 18" in en and name in en
    code, _out, err = run(*base, "--party", "Lê Văn Hùng", "--json")
    assert (code, err) == (0, "")


def test_fund_receipt_name_too_long_for_the_voucher_is_refused(run: Run, db: Path) -> None:
    base = ("fund", "receipt", "--db", str(db), "--amount", "10000", "--reason", "Ủng hộ")
    # The refusal is translated as a whole (its first sentence is in the catalog already).
    vi, en = refused(run, db, *base, "--party", "Công ty " + "A" * 200)
    assert "Too long for the voucher" in en and "200" in en and "200" in vi
    name = ("Công ty TNHH Thương mại Hòa Bình " * 7)[:200].strip()
    code, out, err = run(*base, "--party", name)
    assert (code, err) == (0, "")
    pdf = db.with_name("long.pdf")
    printed = run("receipt", "print", "--db", str(db), "--entry", out.strip(), "--out", str(pdf))
    assert printed[0] == 0, printed
    text = subprocess.run(
        ["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    assert name in " ".join(text.split())


def test_fund_book_prints_the_cash_book_and_the_bank_book(run: Run, db: Path) -> None:
    code, out, err = run(
        "fund", "receipt", "--db", str(db), "--amount", "2000000", "--party", "Ngân hàng",
        "--reason", "Lãi tiền gửi", "--kind", "interest", "--account", "bank",
    )  # fmt: skip
    assert (code, err) == (0, "")
    number = out.strip()
    texts = {}
    for account in ("cash", "bank"):
        pdf = db.with_name(f"{account}.pdf")
        code, _out, err = run(
            "fund", "book", "--db", str(db), "--from", f"01/01/{TODAY.year}",
            "--to", f"{TODAY:%d/%m/%Y}", "--account", account, "--out", str(pdf),
        )  # fmt: skip
        assert (code, err) == (0, "")
        texts[account] = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout
    assert "SỔ TIỀN GỬI NGÂN HÀNG" in texts["bank"] and number in texts["bank"]
    assert "SỔ QUỸ TIỀN MẶT" in texts["cash"] and number not in texts["cash"]
    assert "Mẫu số S11-H" in texts["cash"] and "Mẫu số S12-H" in texts["bank"]


# fund void --------------------------------------------------------------------------------


def _receipt(run: Run, db: Path) -> str:
    code, out, err = run(
        "fund", "receipt", "--db", str(db), "--amount", "120000", "--party", "X", "--reason", "Y"
    )
    assert code == 0, err
    return out.strip()


def test_fund_void_plain_and_json(run: Run, db: Path) -> None:
    first, second = _receipt(run, db), _receipt(run, db)
    code, out, err = run("fund", "void", "--db", str(db), first, "--reason", "Ghi nhầm")
    assert (code, err) == (0, "")
    reversal = out.strip()
    assert reversal.startswith("PT-") and reversal not in (first, second)

    code, out, err = run(
        "fund", "void", "--db", str(db), second.lower(), "--reason", "Ghi trùng", "--json"
    )
    assert (code, err) == (0, "")
    value = json.loads(out)
    assert value["voids"] == second and value["kind"] == "reversal"
    assert value["amount"] == 120_000 and value["date"] == TODAY.isoformat()
    assert value["fund_id"] == only_fund(db)
    with Workspace.open(db, read_only=True) as ws:
        assert ws.fund.find_voucher(second).reversed_by == value["id"]
        assert ws.fund.find_voucher(value["number"]).reverses == ws.fund.find_voucher(second).id


def test_fund_void_refusals(run: Run, db: Path) -> None:
    number = _receipt(run, db)
    vi, en = refused(run, db, "fund", "void", "--db", str(db), "PT-9999/2001", "--reason", "x")
    assert en == "There is no voucher PT-9999/2001."
    assert vi == "Không có phiếu PT-9999/2001."
    vi, en = refused(run, db, "fund", "void", "--db", str(db), "hello", "--reason", "x")
    assert "not a voucher number" in en
    vi, en = refused(run, db, "fund", "void", "--db", str(db), number, "--reason", " ")
    assert "Say why" in en

    code, out, _err = run("fund", "void", "--db", str(db), number, "--reason", "Ghi nhầm")
    assert code == 0
    reversal = out.strip()
    vi, en = refused(run, db, "fund", "void", "--db", str(db), number, "--reason", "lại")
    assert en == f"{number} is already voided."
    vi, en = refused(run, db, "fund", "void", "--db", str(db), reversal, "--reason", "lại")
    assert "cannot itself be voided" in en


# Gifts in kind ------------------------------------------------------------------------------


def refused_en(run: Run, db: Path, *args: str, code: int = 1) -> str:
    """A refusal in English, to compare with the English msgid: one line, the given exit code,
    the file untouched."""
    before = snapshot(db)
    got, out, err = run("--lang", "en", *args)
    assert (got, out) == (code, ""), err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert snapshot(db) == before
    return err.strip().removeprefix("tthtcd: ")


def _balance(run: Run, db: Path) -> dict[str, object]:
    code, out, err = run("fund", "balance", "--db", str(db), "--json")
    assert (code, err) == (0, "")
    (fund,) = json.loads(out)
    return dict(fund)


def test_fund_receipt_in_kind_is_a_goods_receipt_not_cash(run: Run, db: Path) -> None:
    before = _balance(run, db)
    assert {"id", "name", "balance", "at", "cash_balance", "bank_balance", "goods_value"} <= set(
        before
    )
    code, out, err = run(
        "fund", "receipt", "--db", str(db), "--kind", "in-kind", "--items", "Sách giáo khoa lớp 4",
        "--quantity", "28", "--unit", "bộ", "--value", "3.500.000",
        "--party", "Nhà sách Minh Khai", "--reason", "Ủng hộ sách", "--json",
    )  # fmt: skip
    assert (code, err) == (0, "")
    value = json.loads(out)
    assert value["number"].startswith("NK-") and value["number"].endswith(f"/{TODAY.year}")
    assert value | {"id": "", "fund_id": "", "number": ""} == {
        "number": "", "id": "", "fund_id": "", "amount": 3_500_000, "date": TODAY.isoformat(),
        "kind": "in-kind", "items": "Sách giáo khoa lớp 4", "quantity": 28, "unit": "bộ",
        "cash": False,
    }  # fmt: skip
    after = _balance(run, db)
    assert after["balance"] == before["balance"]
    assert after["cash_balance"] + after["bank_balance"] == after["balance"]  # type: ignore[operator]
    assert after["goods_value"] == int(str(before["goods_value"])) + 3_500_000

    code, out, err = run(
        "fund", "goods-issue", "--db", str(db), "--of", value["number"], "--quantity", "10",
        "--to", "Nguyễn Văn An", "Trần Thị Bích", "--json",
    )  # fmt: skip
    assert (code, err) == (0, "")
    issued = json.loads(out)
    assert issued["number"].startswith("XK-") and issued["of"] == value["number"]
    assert (issued["quantity"], issued["left"], issued["amount"]) == (10, 18, 1_250_000)
    assert issued["to"] == ["Nguyễn Văn An", "Trần Thị Bích"]
    code, out, err = run(
        "fund", "goods-issue", "--db", str(db), "--items", "sách giáo khoa lớp 4",
        "--quantity", "18", "--to", "Lớp 4A",
    )  # fmt: skip
    assert (code, err) == (0, "") and out.strip().startswith("XK-")
    assert _balance(run, db)["goods_value"] == before["goods_value"]
    en = refused_en(
        run, db, "fund", "goods-issue", "--db", str(db), "--of", value["number"],
        "--quantity", "1", "--to", "Lớp 4B",
    )  # fmt: skip
    assert en.startswith(f"Only 0 bộ of {value['number']} are left")
    code, out, _err = run("--lang", "en", "ledger", "verify", "--db", str(db))
    assert code == 0 and "intact" in out


def test_fund_receipt_in_kind_usage_and_refusals(run: Run, db: Path) -> None:
    base = ("fund", "receipt", "--db", str(db), "--party", "Nhà sách", "--reason", "Ủng hộ")
    goods = ("--items", "Vở", "--quantity", "10", "--unit", "quyển")
    en = refused_en(run, db, *base, "--kind", "in-kind", *goods, code=2)
    assert "--value" in en
    en = refused_en(run, db, *base, "--kind", "in-kind", *goods, "--value", "1", "--amount", "1",
                    code=2)  # fmt: skip
    assert "not --amount" in en
    en = refused_en(run, db, *base, "--amount", "100000", *goods, code=2)
    assert "--kind in-kind only" in en
    en = refused_en(run, db, *base, "--kind", "in-kind", "--items", "Vở", "--quantity", "0",
                    "--unit", "quyển", "--value", "100000")  # fmt: skip
    assert "quantity must be at least 1" in en
    en = refused_en(run, db, "fund", "goods-issue", "--db", str(db), "--of", "PT-0001/2020",
                    "--quantity", "1", "--to", "X")  # fmt: skip
    assert "PT-0001/2020" in en


def test_fund_reclassify_in_kind(run: Run, db: Path, old_in_kind: Callable[..., object]) -> None:
    with Workspace.open(db) as ws:
        old = old_in_kind(ws, only_fund(db), TODAY, 2_000_000, "Dòng họ Lê", "8 bộ sách")
    before = _balance(run, db)
    code, out, err = run("fund", "reclassify-in-kind", "--db", str(db), "--json")
    assert (code, err) == (0, "")
    (moved,) = json.loads(out)
    assert moved["cash_receipt"] == old.voucher and moved["reversal"].startswith("PT-")
    assert (moved["goods"]["quantity"], moved["goods"]["unit"]) == (8, "bộ")
    after = _balance(run, db)
    assert after["balance"] == int(str(before["balance"])) - 2_000_000
    assert after["goods_value"] == int(str(before["goods_value"])) + 2_000_000
    code, out, err = run("--lang", "en", "fund", "reclassify-in-kind", "--db", str(db))
    assert (code, err) == (0, "") and "nothing to reclassify" in out
    code, out, _err = run("--lang", "en", "ledger", "verify", "--db", str(db))
    assert code == 0 and "intact" in out


# Help and argparse's own words ------------------------------------------------------------


@pytest.mark.parametrize(
    "command",
    [
        (),
        ("people", "add"),
        ("people", "edit"),
        ("people", "delete"),
        ("fund", "receipt"),
        ("fund", "payment"),
        ("fund", "void"),
    ],
)
def test_help_is_vietnamese(command: tuple[str, ...], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.main(["--lang", "vi", *command, "--help"])
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    for english in ("usage", "options", "show this help", "positional arguments", "arguments"):
        assert english not in text.lower(), f"{english!r} in the Vietnamese help:\n{text}"
    assert "cách dùng:" in text
    with pytest.raises(SystemExit):
        cli.main(["--lang", "en", *command, "--help"])
    english_text = capsys.readouterr().out
    assert "usage:" in english_text and "show this help message and exit" in english_text


def test_argparse_errors_are_vietnamese(run: Run) -> None:
    code, _out, err = run("fund", "receipt", "--db", "x", "--amount")
    assert code == 2 and "expected one argument" not in err and "một giá trị" in err
    code, _out, err = run("people", "add", "--db", "x", "--name", "A", "--sex", "X")
    assert code == 2 and "invalid choice" not in err and "không hợp lệ" in err
    code, _out, err = run("people", "add", "--db", "x", "--name", "A", "--frob")
    assert code == 2 and "unrecognized" not in err
    code, _out, err = run("--lang", "en", "people", "add", "--db", "x", "--name", "A", "--frob")
    assert code == 2 and "unrecognized arguments: --frob" in err


# The installed console script ------------------------------------------------------------


def test_installed_console_script(db: Path) -> None:
    script = Path(sys.executable).parent / "tthtcd"
    if not script.exists():
        pytest.skip(f"{script} is not installed (run make)")
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}

    def tthtcd(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(script), *args], capture_output=True, text=True, encoding="utf-8", env=env,
            timeout=120,
        )  # fmt: skip

    added = tthtcd("people", "add", "--db", str(db), "--name", "Đỗ Thị Hoa", "--birth", "1975")
    assert added.returncode == 0, added.stderr
    person_id = added.stdout.strip()
    found = tthtcd("people", "search", "--db", str(db), "do thi hoa", "--json")
    assert person_id in [r["id"] for r in json.loads(found.stdout)]

    receipt = tthtcd(
        "fund", "receipt", "--db", str(db), "--amount", "1.500.000", "--party", "Đỗ Thị Hoa",
        "--reason", "Ủng hộ", "--json",
    )  # fmt: skip
    assert receipt.returncode == 0, receipt.stderr
    value = json.loads(receipt.stdout)
    assert value["number"].startswith("PT-") and value["amount"] == 1_500_000
    assert value["kind"] == "donation" and value["fund_id"] == only_fund(db)

    before = snapshot(db)
    bad = tthtcd(
        "fund", "receipt", "--db", str(db), "--amount", "0", "--party", "X", "--reason", "Y"
    )
    assert bad.returncode == 1
    assert bad.stderr.strip().splitlines() == [bad.stderr.strip()]
    assert "Số tiền phải lớn hơn 0" in bad.stderr
    assert snapshot(db) == before


def test_person_added_by_services_then_edited_from_the_cli_keeps_its_version_check(
    run: Run, db: Path
) -> None:
    with Workspace.open(db) as ws:
        person_id = ws.people.add(PersonInput(full_name="Vũ Văn Hải", birth="1960")).value
    code, out, _err = run("people", "edit", "--db", str(db), person_id, "--name", "Vũ Văn Hải Anh")
    assert (code, out.strip()) == (0, person_id)
    with Workspace.open(db, read_only=True) as ws:
        person = ws.people.get(person_id)
    assert person.full_name == "Vũ Văn Hải Anh"
    assert person.birth is not None and person.birth.year == 1960
