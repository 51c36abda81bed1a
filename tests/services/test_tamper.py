"""Tampering, done as an attacker would (issue 8 part 8): someone holding the database file
and this source code, but not the key file, edits the file with plain SQL and with the app's
own hashing code. `ledger verify` and `certificates verify` must name what was done (the CLI
exits 1 with it)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from desktop_app import cli
from desktop_app.core.certificates import CertificateFacts, CertificateKind, build_payload
from desktop_app.core.courses import CourseInput
from desktop_app.core.fund import (
    HASHED_FIELDS,
    EntryInput,
    EntryKind,
    entry_hash_values,
    keyed_chain,
    parse_head_seal,
)
from desktop_app.core.people import PersonInput
from desktop_app.services.fund import FundInput
from desktop_app.services.workspace import Workspace
from desktop_app.sync import keys as signing

OPENED = dt.date(2024, 1, 2)
GUESS = b"attacker's guess at the key!!!!!"  # the app's own HMAC code, a wrong key

Hasher = Callable[[str, Sequence[object]], str]


@dataclasses.dataclass(frozen=True)
class Centre:
    path: Path
    fund: str
    payload: str  # a genuine certificate's QR text
    revoked: str  # the QR text of a certificate revoked in the app


@pytest.fixture
def centre(tmp_path: Path) -> Centre:
    """A fund with a 2024 closed and entries in 2024 and 2025, and a small register."""
    path = tmp_path / "centre.sqlite3"
    with Workspace.open(path, create=True) as ws:
        fund = ws.fund.create(FundInput("Quỹ Khuyến học xã", 500_000, OPENED)).value
        for i, day in enumerate([dt.date(2024, 3, 1), dt.date(2024, 6, 1), dt.date(2025, 2, 1),
                                 dt.date(2025, 3, 1), dt.date(2025, 4, 1)], start=1):  # fmt: skip
            ws.fund.record(
                EntryInput(fund, EntryKind.DONATION_CASH, day, i * 100_000, f"Người {i}",
                           reason="Ủng hộ quỹ"),
                today=day,
            )  # fmt: skip
        ws.fund.close_year(fund, 2024, today=dt.date(2025, 1, 10))
        d = dt.date(2026, 3, 2)
        cid = ws.courses.create(CourseInput("cd_nong_nghiep", "Trồng lúa", start=d), [d]).value
        ids = [ws.people.add(PersonInput(full_name=n, birth="1980")).value for n in ("An", "Bích")]
        ws.courses.enrol(cid, ids)
        ws.courses.mark_session_present(cid, ws.courses.grid(cid).sessions[0].id)
        issued = ws.certificates.issue_for_course(cid, issued_on=d).value
        ws.certificates.revoke(issued[1].certificate.id, "Sai năm sinh")
        assert ws.fund.verify().ok
        return Centre(path, fund, issued[0].certificate.payload, issued[1].certificate.payload)


# The attacker's tools ----------------------------------------------------------------------


def sql(path: Path, *statements: str, params: Sequence[object] = ()) -> None:
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER IF EXISTS ledger_no_update")
    conn.execute("DROP TRIGGER IF EXISTS ledger_no_delete")
    # Rows that travel are never hard-deleted by the app: a tamperer drops the guard first.
    for table in ("fund", "fund_year_close", "certificate"):
        conn.execute(f"DROP TRIGGER IF EXISTS {table}_no_hard_delete")
    for statement in statements:
        conn.execute(statement, params if "?" in statement else ())
    conn.commit()
    conn.close()


def voucher(path: Path, seq: int) -> str:
    conn = sqlite3.connect(path)
    book, number, year = conn.execute(
        "SELECT book, number, year FROM ledger_entry WHERE seq = ?", (seq,)
    ).fetchone()
    conn.close()
    return f"{book}-{number:04d}/{year}"


def rechain(path: Path, fund: str, hasher: Hasher, from_seq: int = 1) -> None:
    """Recompute the hashes of the chain from entry `from_seq` on with `hasher` (the app's
    code, no key) and make the fund's head agree: what a careful attacker does after changing
    anything."""
    columns = ", ".join(HASHED_FIELDS)
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER IF EXISTS ledger_no_update")
    rows = conn.execute(
        f"SELECT id, prev_hash, {columns} FROM ledger_entry WHERE fund_id = ? ORDER BY seq",
        (fund,),
    ).fetchall()
    prev = rows[0][1]
    seq_at = 2 + HASHED_FIELDS.index("seq")
    for r in rows:
        if r[seq_at] < from_seq:
            prev = conn.execute("SELECT hash FROM ledger_entry WHERE id = ?", (r[0],)).fetchone()[0]
            continue
        digest = hasher(prev, r[2:])
        conn.execute(
            "UPDATE ledger_entry SET prev_hash = ?, hash = ? WHERE id = ?", (prev, digest, r[0])
        )
        prev = digest
    conn.execute(
        "UPDATE fund SET head_hash = ?, head_seq = (SELECT max(seq) FROM ledger_entry"
        " WHERE fund_id = fund.id), head_balance = (SELECT sum(effect) FROM ledger_entry"
        " WHERE fund_id = fund.id) WHERE id = ?",
        (prev, fund),
    )
    conn.commit()
    conn.close()


def ledger_verify(path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    code = cli.main(["--lang", "en", "ledger", "verify", "--db", str(path)])
    err = capsys.readouterr().err
    assert code == 1, err
    return err


def certificates_verify(path: Path, payload: str, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    code = cli.main(["--lang", "en", "certificates", "verify", "--db", str(path), payload])
    err = capsys.readouterr().err
    assert code == 1, err
    return err


# The ledger ---------------------------------------------------------------------------------


def test_an_untouched_file_verifies(centre: Centre, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["--lang", "en", "ledger", "verify", "--db", str(centre.path)]) == 0
    assert "intact: 5 entries in 1 funds" in capsys.readouterr().out
    assert cli.main(["--lang", "en", "certificates", "verify", "--db", str(centre.path),
                     centre.payload]) == 0  # fmt: skip


def test_an_amount_changed(centre: Centre, capsys: pytest.CaptureFixture[str]) -> None:
    sql(
        centre.path,
        "UPDATE ledger_entry SET amount = 3000000, effect = 3000000 WHERE seq = 3",
        "UPDATE fund SET head_balance = head_balance + 2700000",
    )
    assert f"entry {voucher(centre.path, 3)} was changed after it was saved" in ledger_verify(
        centre.path, capsys
    )


@pytest.mark.parametrize("hasher", [keyed_chain(GUESS), entry_hash_values], ids=["hmac", "sha"])
def test_the_whole_chain_recomputed_without_the_key(
    centre: Centre, hasher: Hasher, capsys: pytest.CaptureFixture[str]
) -> None:
    sql(centre.path, "UPDATE ledger_entry SET amount = 3000000, effect = 3000000 WHERE seq = 3")
    rechain(centre.path, centre.fund, hasher)
    message = ledger_verify(centre.path, capsys)
    assert "recomputed without the key" in message
    assert voucher(centre.path, 1) in message  # every entry was rehashed from the first


def test_an_entry_inserted_and_the_chain_recomputed(
    centre: Centre, capsys: pytest.CaptureFixture[str]
) -> None:
    sql(
        centre.path,
        "UPDATE ledger_entry SET seq = seq + 100 WHERE seq > 2",
        "UPDATE ledger_entry SET seq = seq - 99 WHERE seq > 100",
        "INSERT INTO ledger_entry (id, owner_site, version, updated_at, fund_id, seq, book, year,"
        " number, entry_date, kind, amount, effect, party_name, prev_hash, hash)"
        " SELECT 'forged', owner_site, version, updated_at, fund_id, 3, 'PT', 2024, 9,"
        " '2024-07-01', kind, 100000, 100000, 'Ai đó', '', '' FROM ledger_entry WHERE seq = 2",
    )
    rechain(centre.path, centre.fund, keyed_chain(GUESS), from_seq=3)
    message = ledger_verify(centre.path, capsys)
    assert "entries were inserted outside the app" in message
    assert "vouches for 5 entries, the ledger holds 6" in message
    assert "the first that does not match is PT-0009/2024" in message


def test_an_entry_added_at_the_end_with_the_head_fixed(
    centre: Centre, capsys: pytest.CaptureFixture[str]
) -> None:
    sql(
        centre.path,
        "INSERT INTO ledger_entry (id, owner_site, version, updated_at, fund_id, seq, book, year,"
        " number, entry_date, kind, amount, effect, party_name, prev_hash, hash)"
        " SELECT 'forged', owner_site, version, updated_at, fund_id, 6, 'PC', 2025, 1,"
        " '2025-05-01', 'expense', 900000, -900000, 'Ai đó', hash, '' FROM ledger_entry"
        " WHERE seq = 5",
    )
    rechain(centre.path, centre.fund, keyed_chain(GUESS), from_seq=6)
    message = ledger_verify(centre.path, capsys)
    assert "entries were inserted outside the app" in message
    assert "the first that does not match is PC-0001/2025" in message


def test_an_entry_deleted(centre: Centre, capsys: pytest.CaptureFixture[str]) -> None:
    before = voucher(centre.path, 2)
    sql(centre.path, "DELETE FROM ledger_entry WHERE seq = 3")
    assert f"an entry was removed after {before}" in ledger_verify(centre.path, capsys)


def test_an_entry_deleted_renumbered_and_rechained(
    centre: Centre, capsys: pytest.CaptureFixture[str]
) -> None:
    before = voucher(centre.path, 2)
    sql(
        centre.path,
        "DELETE FROM ledger_entry WHERE seq = 3",
        "UPDATE ledger_entry SET seq = seq - 1 WHERE seq > 3",
    )
    rechain(centre.path, centre.fund, keyed_chain(GUESS), from_seq=3)
    assert f"an entry was removed after {before}" in ledger_verify(centre.path, capsys)


def test_the_last_entry_deleted_and_the_head_fixed_by_sql(
    centre: Centre, capsys: pytest.CaptureFixture[str]
) -> None:
    before = voucher(centre.path, 4)
    sql(
        centre.path,
        "UPDATE fund SET head_seq = 4, head_balance = head_balance - (SELECT effect FROM"
        " ledger_entry WHERE seq = 5), head_hash = (SELECT hash FROM ledger_entry WHERE seq = 4)",
        "DELETE FROM ledger_entry WHERE seq = 5",
    )
    assert f"entries were removed from the end, after {before}" in ledger_verify(
        centre.path, capsys
    )


def test_the_head_resealed_with_the_apps_code_and_a_guessed_key(
    centre: Centre, capsys: pytest.CaptureFixture[str]
) -> None:
    conn = sqlite3.connect(centre.path)
    text = conn.execute("SELECT head_seal FROM fund").fetchone()[0]
    conn.close()
    parsed = parse_head_seal(text)
    assert parsed is not None
    forged = dataclasses.replace(parsed[0], seq=4, closed=()).sealed(GUESS)
    sql(
        centre.path,
        "UPDATE fund SET head_seq = 4, head_balance = head_balance - (SELECT effect FROM"
        " ledger_entry WHERE seq = 5), head_hash = (SELECT hash FROM ledger_entry WHERE seq = 4)",
        "DELETE FROM ledger_entry WHERE seq = 5",
        "UPDATE fund SET head_seal = ?",
        params=(forged,),
    )
    assert "its seal does not match" in ledger_verify(centre.path, capsys)


def test_the_seal_removed(centre: Centre, capsys: pytest.CaptureFixture[str]) -> None:
    sql(centre.path, "UPDATE fund SET head_seal = ''")
    assert "its seal is missing" in ledger_verify(centre.path, capsys)


def test_a_fund_hidden(centre: Centre, capsys: pytest.CaptureFixture[str]) -> None:
    sql(centre.path, "UPDATE fund SET deleted = 1")
    assert "Quỹ Khuyến học xã was hidden" in ledger_verify(centre.path, capsys)


@pytest.mark.parametrize(
    "statement",
    ["DELETE FROM fund_year_close", "UPDATE fund_year_close SET deleted = 1"],
    ids=["deleted", "marked"],
)
def test_a_year_closing_removed(
    centre: Centre, statement: str, capsys: pytest.CaptureFixture[str]
) -> None:
    sql(centre.path, statement)
    assert "the closing of the year 2024 was removed" in ledger_verify(centre.path, capsys)


def test_the_opening_balance_changed(centre: Centre, capsys: pytest.CaptureFixture[str]) -> None:
    sql(centre.path, "UPDATE fund SET opening_balance = 90000000")
    assert "opening balance" in ledger_verify(centre.path, capsys)


def test_a_whole_fund_removed(centre: Centre, capsys: pytest.CaptureFixture[str]) -> None:
    sql(
        centre.path,
        "PRAGMA foreign_keys = OFF",
        "DELETE FROM ledger_entry",
        "DELETE FROM fund_year_close",
        "DELETE FROM fund",
    )
    assert f"A fund (id {centre.fund}) was removed" in ledger_verify(centre.path, capsys)


def test_a_fund_added_by_sql(centre: Centre, capsys: pytest.CaptureFixture[str]) -> None:
    sql(
        centre.path,
        "INSERT INTO fund (id, owner_site, version, updated_at, name, opening_balance,"
        " opening_date, head_hash) SELECT 'forged', owner_site, version, updated_at,"
        " 'Quỹ ma', 0, opening_date, '' FROM fund",
    )
    assert "Quỹ ma was not opened in the app" in ledger_verify(centre.path, capsys)


def test_nothing_is_recorded_on_top_of_a_tampered_ledger(centre: Centre) -> None:
    sql(
        centre.path,
        "UPDATE fund SET head_seq = 4, head_balance = head_balance - (SELECT effect FROM"
        " ledger_entry WHERE seq = 5), head_hash = (SELECT hash FROM ledger_entry WHERE seq = 4)",
        "DELETE FROM ledger_entry WHERE seq = 5",
    )
    from desktop_app.core.problems import UserError

    with Workspace.open(centre.path) as ws, pytest.raises(UserError) as info:
        ws.fund.record(
            EntryInput(centre.fund, EntryKind.DUES, dt.date(2025, 6, 1), 10_000, "An",
                       reason="Hội phí"),
            today=dt.date(2025, 6, 1),
        )  # fmt: skip
    assert "does not match its seal" in info.value.message
    with Workspace.open(centre.path) as ws:
        assert not ws.fund.verify().ok  # recording did not launder the deletion


def test_without_the_key_file_verify_says_what_it_could_not_check(
    centre: Centre, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("TTHTCD_KEY_DIR", str(tmp_path / "no-keys"))
    capsys.readouterr()
    assert cli.main(["--lang", "en", "ledger", "verify", "--db", str(centre.path)]) == 0
    out = capsys.readouterr()
    assert "intact" in out.out
    assert "not its seal" in out.err and "Restore the key file from a backup" in out.err
    # Plain SQL edits are still caught by the structure and what the seal says.
    sql(centre.path, "UPDATE fund SET deleted = 1")
    assert "was hidden" in ledger_verify(centre.path, capsys)


# The certificate register -------------------------------------------------------------------


def test_un_revoking_by_sql(centre: Centre, capsys: pytest.CaptureFixture[str]) -> None:
    assert "was revoked: Sai năm sinh" in certificates_verify(centre.path, centre.revoked, capsys)
    sql(centre.path, "UPDATE certificate SET revoked_at = NULL, revoke_reason = ''")
    assert "the revocation was removed outside the app" in certificates_verify(
        centre.path, centre.revoked, capsys
    )
    # Even with the stored state relabelled as valid, the key never signed that state.
    sql(centre.path, "UPDATE certificate SET state_sig = replace(state_sig, 'revoked ', 'valid ')")
    assert "not genuine" in certificates_verify(centre.path, centre.revoked, capsys)


def test_a_register_row_changed(centre: Centre, capsys: pytest.CaptureFixture[str]) -> None:
    sql(centre.path, "UPDATE certificate SET course_title = 'Tin học văn phòng'")
    assert "does not match this QR text" in certificates_verify(centre.path, centre.payload, capsys)


def test_a_register_row_the_key_never_signed(
    centre: Centre, capsys: pytest.CaptureFixture[str]
) -> None:
    # The genuine row is replaced by a hand-made one with the same payload: its state was
    # never signed with the centre's key.
    sql(centre.path, "DELETE FROM certificate WHERE payload = ?", params=(centre.payload,))
    sql(
        centre.path,
        "INSERT INTO certificate (id, owner_site, version, updated_at, year, number, kind,"
        " person_id, issued_on, full_name, birth, course_title, payload, print_count)"
        " SELECT 'forged', s.id, 1, '2026-03-02', 2026, 1, 'completion', p.id, '2026-03-02',"
        " 'An', '1980', 'Trồng lúa', ?, 1 FROM site s, person p WHERE s.is_local = 1"
        " AND p.full_name = 'An'",
        params=(centre.payload,),
    )
    assert "never signed it" in certificates_verify(centre.path, centre.payload, capsys)


def test_a_certificate_forged_with_another_key_and_the_public_key_swapped(
    centre: Centre, capsys: pytest.CaptureFixture[str]
) -> None:
    conn = sqlite3.connect(centre.path)
    site = conn.execute("SELECT id FROM site WHERE is_local = 1").fetchone()[0]
    conn.close()
    pair = signing.new_key_pair()
    facts = CertificateFacts(
        site_id=site, serial="99/2026", kind=CertificateKind.COMPLETION, full_name="Kẻ Giả",
        birth="1990", course_title="Thạc sĩ", issued_on=dt.date(2026, 3, 2),
    )  # fmt: skip
    forged = build_payload(facts, signing.sign(pair.private, facts.signed_bytes()))
    assert "signature does not match" in certificates_verify(centre.path, forged, capsys)
    sql(centre.path, "UPDATE site SET public_key = ? WHERE is_local = 1", params=(pair.public,))
    assert "public key in this database was replaced" in certificates_verify(
        centre.path, forged, capsys
    )


def test_an_older_ledger_changed_before_its_first_sealing_is_not_sealed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import shutil

    # The checked-in file's site id is the same in every test: a key folder of its own.
    monkeypatch.setenv("TTHTCD_KEY_DIR", str(tmp_path / "keys"))

    path = tmp_path / "old.sqlite3"
    shutil.copyfile(Path(__file__).parent.parent / "storage" / "data" /
                    "schema-0003-khuyen-hoc.sqlite3", path)  # fmt: skip
    sql(path, "UPDATE ledger_entry SET amount = amount + 1, effect = effect + 1 WHERE seq = 7")
    Workspace.open(path).close()  # moves the key out; the changed ledger stays unsealed
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT head_seal FROM fund").fetchone()[0] == ""
    notes = [r[0] for r in conn.execute("SELECT detail FROM audit WHERE record_id IN"
                                        " (SELECT id FROM fund)")]  # fmt: skip
    conn.close()
    assert any("failed verification" in str(n) for n in notes)
    assert f"entry {voucher(path, 7)} was changed after it was saved" in ledger_verify(path, capsys)
