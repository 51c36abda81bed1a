"""`tthtcd models recognise | print | targets`, `models status --json` with its recognised
figures and `certificates verify` of a Giấy công nhận's QR text: the exit codes of the issue
(1 for nothing to recognise, a bad date, an unknown model, a print without a decision, the
database as --out, which stays intact)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_app.core.learning_models import ItemValue
from desktop_app.core.people import HamletKind, PersonInput, Sex
from desktop_app.services.workspace import Workspace

Run = Callable[..., tuple[int, str, str]]
YEAR = "2026"
ON = dt.date(2026, 1, 10)
PASS = {c: ItemValue(True) for c in "123"}


@pytest.fixture
def run(run_en: Run) -> Run:
    return run_en


@pytest.fixture
def db(tmp_path: Path) -> tuple[Path, list[str]]:
    """Three adults whose Công dân học tập assessment passed (two in Thôn 1, one in Thôn 2),
    one that failed; the people's ids in that order."""
    path = tmp_path / "centre.sqlite3"
    with Workspace.open(path, create=True) as ws:
        t1 = ws.centre.add_hamlet("Thôn 1", HamletKind.THON).value
        t2 = ws.centre.add_hamlet("Thôn 2", HamletKind.THON).value
        ids = []
        for name, sex, hamlet in (
            ("Nguyễn Văn An", Sex.MALE, t1), ("Trần Thị Bích", Sex.FEMALE, t1),
            ("Lê Văn Cường", Sex.MALE, t2), ("Phạm Văn Dũng", Sex.MALE, t2),
        ):  # fmt: skip
            pid = ws.people.add(PersonInput(full_name=name, sex=sex, birth="1985",
                                            hamlet_id=hamlet)).value  # fmt: skip
            ids.append(pid)
        for pid in ids[:3]:
            ws.assessments.save_assessment("citizen", 2026, pid, PASS, register=True, on=ON)
        ws.assessments.save_assessment("citizen", 2026, ids[3], register=True, on=ON)
    return path, ids


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_recognise_print_and_verify(db: tuple[Path, list[str]], run: Run, tmp_path: Path) -> None:
    path, ids = db
    out = tmp_path / "gcn.pdf"
    code, _, err = run("models", "print", "--db", str(path), "--model", "citizen",
                       "--year", YEAR, "--out", str(out))  # fmt: skip
    assert code == 1 and "enter the commune's decision number and date first" in err
    assert not out.exists()
    code, text, err = run("models", "recognise", "--db", str(path), "--model", "citizen",
                          "--year", YEAR, "--decision", "45/QĐ-UBND", "--decision-date",
                          "20/11/2026", "--subject", ids[0])  # fmt: skip
    assert code == 0, err
    assert text.splitlines() == [
        "1 subject recognised as Công dân học tập 2026 by decision 45/QĐ-UBND of 20/11/2026.",
        "Register number: 1/2026.",
    ]
    code, text, err = run("models", "recognise", "--db", str(path), "--model", "citizen",
                          "--year", YEAR, "--decision", "45/QĐ-UBND", "--decision-date",
                          "20/11/2026", "--json")  # fmt: skip
    assert code == 0, err
    data = json.loads(text)
    assert (data["recognised"], data["serials"], data["supplementary"]) == (
        2, ["2/2026", "3/2026"], True,
    )  # fmt: skip
    assert (data["decision"], data["decision_date"]) == ("45/QĐ-UBND", "2026-11-20")
    code, text, err = run("models", "print", "--db", str(path), "--model", "citizen",
                          "--year", YEAR, "--out", str(out))  # fmt: skip
    assert code == 0, err
    assert text.strip() == (
        f"Wrote {out.resolve()}: 3 Giấy công nhận of Công dân học tập 2026 (0 reprinted), "
        "register numbers 1/2026 to 3/2026."
    )
    assert out.read_bytes().startswith(b"%PDF")
    with Workspace.open(path, read_only=True) as ws:
        bich = next(
            r for r in ws.recognitions.recognised("citizen", 2026) if r.subject_id == ids[1]
        )
        assert bich.print_count == 1
    code, text, err = run("certificates", "verify", "--db", str(path), bich.payload)
    assert code == 0, err
    assert text.splitlines() == [
        "Giấy công nhận 2/2026: Bà Trần Thị Bích, Thôn 1, Công dân học tập năm 2026, by "
        "decision 45/QĐ-UBND of 20/11/2026.",
        "Genuine Giấy công nhận: the signature and the register agree.",
    ]
    code, _, err = run("certificates", "verify", "--db", str(path),
                       bich.payload.replace("Thôn 1", "Thôn 2"))  # fmt: skip
    assert code == 1 and "signature does not match" in err
    with Workspace.open(path) as ws:
        ws.recognitions.revoke(bich.id, "Ghi nhầm người")
    code, _, err = run("certificates", "verify", "--db", str(path), bich.payload)
    assert code == 1 and "Recognition 2/2026 was revoked: Ghi nhầm người" in err
    # The revoked one is no longer printed; the others are reprints now.
    again = tmp_path / "lan-2.pdf"
    code, text, err = run("models", "print", "--db", str(path), "--model", "citizen",
                          "--year", YEAR, "--out", str(again))  # fmt: skip
    assert code == 0, err
    assert "2 Giấy công nhận" in text and "(2 reprinted)" in text and "1/2026 to 3/2026" in text


def test_refusals_exit_1(db: tuple[Path, list[str]], run: Run) -> None:
    path, ids = db
    base = ("models", "recognise", "--db", str(path), "--year", YEAR, "--decision", "45")
    code, _, err = run(*base, "--model", "citizen", "--decision-date", "31/02/2026")
    assert code == 1 and "--decision-date" in err and "31" in err
    code, _, err = run(*base, "--model", "citizen", "--decision-date", "hôm qua")
    assert code == 1 and "--decision-date" in err
    code, _, err = run(*base, "--model", "famly", "--decision-date", "20/11/2026")
    assert code == 1 and "There is no learning model famly" in err
    code, _, err = run(*base, "--model", "family", "--decision-date", "20/11/2026")
    assert code == 1 and "No one is proposed for Gia đình học tập 2026" in err
    code, _, err = run(*base, "--model", "citizen", "--decision-date", "20/11/2026",
                       "--subject", ids[3])  # fmt: skip
    assert code == 1 and "Not on the proposal list" in err and "Phạm Văn Dũng" in err
    with Workspace.open(path, read_only=True) as ws:
        assert ws.recognitions.recognised("citizen", 2026) == []
        assert ws.recognitions.decisions("citizen", 2026) == []


def test_print_over_the_database_is_refused_and_it_stays_intact(
    db: tuple[Path, list[str]], run: Run
) -> None:
    path, _ = db
    code, _, err = run("models", "recognise", "--db", str(path), "--model", "citizen",
                       "--year", YEAR, "--decision", "45",
                       "--decision-date", "20/11/2026")  # fmt: skip
    assert code == 0, err
    before = digest(path)
    code, _, err = run("models", "print", "--db", str(path), "--model", "citizen",
                       "--year", YEAR, "--out", str(path))  # fmt: skip
    assert code == 1 and "is the centre's database" in err
    assert digest(path) == before
    with Workspace.open(path, read_only=True) as ws:
        assert len(ws.recognitions.recognised("citizen", 2026)) == 3


def test_status_json_has_the_recognised_figures(db: tuple[Path, list[str]], run: Run) -> None:
    path, ids = db
    run("models", "recognise", "--db", str(path), "--model", "citizen", "--year", YEAR,
        "--decision", "45", "--decision-date", "20/11/2026", "--subject", ids[0],
        "--subject", ids[2])  # fmt: skip
    code, text, err = run("models", "status", "--db", str(path), "--year", YEAR, "--json")
    assert code == 0, err
    citizen = json.loads(text)["models"]["citizen"]
    assert (citizen["registered"], citizen["passed"], citizen["recognised"]) == (4, 3, 2)
    assert citizen["by_hamlet"]["Thôn 1"]["recognised"] == 1
    assert citizen["by_hamlet"]["Thôn 2"]["recognised"] == 1
    assert citizen["by_hamlet"]["Thôn 2"]["passed"] == 1
    assert json.loads(text)["models"]["family"]["recognised"] == 0


def test_targets(db: tuple[Path, list[str]], run: Run) -> None:
    path, _ = db
    code, text, err = run("models", "targets", "--db", str(path), "--year", "2025", "--json")
    assert code == 0, err
    targets = json.loads(text)["targets"]
    assert targets["citizen"] == {"rate": 0.4, "default_rate": 0.4,
                                  "source": "QĐ 677/QĐ-TTg 2022", "custom": False,
                                  "set_on": None}  # fmt: skip
    code, _, err = run("models", "targets", "--db", str(path), "--set", "family=75",
                       "--set", "clan=120")  # fmt: skip
    assert code == 1 and "A target is a percentage from 0 to 100, not 120" in err
    # All or nothing: family was not kept either.
    code, text, _ = run("models", "targets", "--db", str(path), "--json")
    assert json.loads(text)["targets"]["family"]["custom"] is False
    code, _, err = run("models", "targets", "--db", str(path), "--set", "family")
    assert code == 2 and "MODEL=PERCENT" in err
    code, text, err = run("models", "targets", "--db", str(path), "--set", "family=75%",
                          "--year", "2026")  # fmt: skip
    assert code == 0, err
    assert text.splitlines()[0].startswith("Gia đình học tập 2026: 75.0 % (set on ")
    code, text, _ = run("models", "status", "--db", str(path), "--year", YEAR, "--json")
    assert json.loads(text)["models"]["family"]["target_rate"] == 0.75


def test_proposals_recognised_and_revoke(db: tuple[Path, list[str]], run: Run) -> None:
    path, ids = db
    code, out, err = run("models", "proposals", "--db", str(path), "--model", "citizen",
                         "--year", YEAR, "--json")  # fmt: skip
    assert code == 0, err
    assert sorted(p["subject_id"] for p in json.loads(out)) == sorted(ids[:3])
    code, _, err = run("models", "recognise", "--db", str(path), "--model", "citizen",
                       "--year", YEAR, "--decision", "45/QĐ-UBND", "--decision-date",
                       "20/11/2026", "--subject", ids[0])  # fmt: skip
    assert code == 0, err
    code, out, _ = run("models", "proposals", "--db", str(path), "--model", "citizen",
                       "--year", YEAR, "--json")  # fmt: skip
    assert sorted(p["subject_id"] for p in json.loads(out)) == sorted(ids[1:3])
    code, out, _ = run("models", "recognised", "--db", str(path), "--model", "citizen",
                       "--year", YEAR, "--json")  # fmt: skip
    (line,) = json.loads(out)
    assert (line["subject_id"], line["serial"], line["decision"], line["revoked"]) == (
        ids[0], "1/2026", "45/QĐ-UBND", False,
    )  # fmt: skip
    code, out, err = run("models", "revoke", "--db", str(path), "--id", line["id"],
                         "--reason", "cấp nhầm người")  # fmt: skip
    assert code == 0 and "Revoked" in out, err
    code, out, _ = run("models", "recognised", "--db", str(path), "--model", "citizen",
                       "--year", YEAR)  # fmt: skip
    assert "1/2026" in out and "revoked: cấp nhầm người" in out
    # Twice, or an unknown id: exit 1, said.
    code, _, err = run("models", "revoke", "--db", str(path), "--id", line["id"],
                       "--reason", "x")  # fmt: skip
    assert code == 1 and "already" in err
    code, _, err = run("models", "revoke", "--db", str(path), "--id", "nope", "--reason", "x")
    assert code == 1 and err
    with Workspace.open(path, read_only=True) as ws:
        assert ws.models.status(2026)["citizen"].recognised == 0
