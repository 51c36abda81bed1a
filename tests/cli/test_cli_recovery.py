"""`tthtcd bundle recovery` at the office and `bundle recover` at a centre whose PC died
(issue 10 part 8), through the real command."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_cli import tthtcd
from tests.cli.test_cli_sync import ok, run_json


def test_a_centre_gets_its_records_back_from_the_offices_recovery_file(tmp_path: Path) -> None:
    office = tmp_path / "office.sqlite3"
    centres = tmp_path / "centres"
    ok(
        "demo", "--db", str(office), "--office", "1", "--centres-dir", str(centres),
        "--people", "60", "--seed", "5",
    )  # fmt: skip
    (centre,) = run_json("centres", "list", "--db", str(office))  # type: ignore[misc]
    stick = tmp_path / "stick"
    stick.mkdir()
    written = run_json(
        "bundle", "recovery", "--db", str(office), "--centre", centre["id"], "--to", str(stick)
    )
    assert isinstance(written, dict) and written["centre"] == centre["id"]
    assert written["rows"]["person"] >= 60
    assert Path(written["file"]).name.endswith(".tthbundle")

    new = tmp_path / "new-pc" / "centre.sqlite3"
    new.parent.mkdir()
    # A new database does not know its office yet: the fingerprint read over the phone first.
    refused = tthtcd("bundle", "recover", "--db", str(new), str(stick), "--json")
    assert refused.returncode == 1
    assert not new.exists()  # nothing half-made is left behind
    office_site = run_json("site", "show", "--db", str(office))
    assert isinstance(office_site, dict)
    outcomes = run_json(
        "bundle", "recover", "--db", str(new), str(stick),
        "--office-fingerprint", office_site["fingerprint"],
    )  # fmt: skip
    assert isinstance(outcomes, list) and [o["status"] for o in outcomes] == ["recovered"]
    assert outcomes[0]["tables"]["person"]["new"] == written["rows"]["person"]

    original = centres / "centre-1.sqlite3"
    mine = run_json("people", "list", "--db", str(original), "--limit", "1000")
    back = run_json("people", "list", "--db", str(new), "--limit", "1000")
    assert back == mine
    assert run_json("site", "show", "--db", str(new))["id"] == centre["id"]  # type: ignore[index]
    ok("ledger", "verify", "--db", str(new))
    again = run_json("bundle", "recover", "--db", str(new), str(stick))
    assert isinstance(again, list) and [o["status"] for o in again] == ["already-held"]


def test_the_office_verifies_a_certificate_issued_by_its_centre(tmp_path: Path) -> None:
    import sqlite3

    office = tmp_path / "office.sqlite3"
    centres = tmp_path / "centres"
    ok(
        "demo", "--db", str(office), "--office", "1", "--centres-dir", str(centres),
        "--people", "200", "--seed", "4",
    )  # fmt: skip
    centre = centres / "centre-1.sqlite3"
    courses = run_json("courses", "list", "--db", str(centre))
    assert isinstance(courses, list)
    done = next(c for c in courses if c["completed"] > 0)
    ok("certificates", "print", "--db", str(centre), "--course", done["id"],
       "--out", str(tmp_path / "cert.pdf"))  # fmt: skip
    conn = sqlite3.connect(centre)
    try:
        payload = conn.execute("SELECT payload FROM certificate LIMIT 1").fetchone()[0]
    finally:
        conn.close()
    stick = tmp_path / "stick"
    stick.mkdir()
    sent = run_json("bundle", "export", "--db", str(centre), "--to", str(stick))
    assert isinstance(sent, dict)
    (outcome,) = run_json("bundle", "import", "--db", str(office), sent["file"])  # type: ignore[misc]
    assert outcome["status"] == "applied"
    assert ok("certificates", "verify", "--db", str(office), payload).returncode == 0
    # One changed character is not genuine, at the office too.
    forged = payload.replace(payload[10], "X" if payload[10] != "X" else "Y", 1)
    assert tthtcd("certificates", "verify", "--db", str(office), forged).returncode == 1
