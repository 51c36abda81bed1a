"""`tthtcd site`, `bundle` and `centres` end to end (issue 10 part 10), through the real
command: a centre joins an office, sends its records, the office imports them."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.cli.test_cli import assert_one_line_error, tthtcd

AGE = shutil.which("age")
PEOPLE = 120


def run_json(*args: str) -> object:
    result = tthtcd(*args, "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def ok(*args: str) -> subprocess.CompletedProcess[str]:
    result = tthtcd(*args)
    assert result.returncode == 0, result.stderr
    return result


def counts(path: Path) -> dict[str, int]:
    """Rows per table, and the bundle log: what an import that changes nothing keeps."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " AND name NOT LIKE 'person_fts%' AND name NOT IN ('audit', 'setting')"
            )
        ]
        return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    finally:
        conn.close()


def owned_people(path: Path, site: str) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {
            r[0]
            for r in conn.execute(
                "SELECT id FROM person WHERE owner_site = ? AND deleted = 0", (site,)
            )
        }
    finally:
        conn.close()


def make_pair(folder: Path, people: int = PEOPLE, seed: int = 7) -> tuple[Path, Path, dict]:
    """An office and a demo centre, enrolled (request, enrol, accept); the centre's site."""
    office = folder / "office.sqlite3"
    centre = folder / "centre.sqlite3"
    site = run_json("site", "init", "--db", str(office), "--role", "office", "--name", "Sở GD")
    assert isinstance(site, dict) and site["role"] == "office"
    ok("demo", "--db", str(centre), "--people", str(people), "--seed", str(seed))
    request = folder / "request.tthbundle"
    reply = folder / "reply.tthbundle"
    ok("site", "enrol-request", "--db", str(centre), "--out", str(request))
    ok("site", "enrol", "--db", str(office), str(request), "--out", str(reply))
    ok("site", "enrol-accept", "--db", str(centre), str(reply))
    shown = run_json("site", "show", "--db", str(centre))
    assert isinstance(shown, dict)
    return office, centre, shown


def export(centre: Path, to: Path) -> dict:
    to.mkdir(exist_ok=True)
    result = run_json("bundle", "export", "--db", str(centre), "--to", str(to))
    assert isinstance(result, dict)
    return result


def test_site_init_show_and_enrolment(tmp_path: Path) -> None:
    office, centre, site = make_pair(tmp_path)
    assert set(site) == {"id", "name", "role", "fingerprint", "upstream"}
    office_site = run_json("site", "show", "--db", str(office))
    assert isinstance(office_site, dict)
    assert site["role"] == "centre"
    assert site["upstream"] == office_site["id"]
    assert office_site["upstream"] is None
    groups = site["fingerprint"].split()
    assert len(groups) == 8 and all(len(g) == 5 and g.isdigit() for g in groups)
    # A database with data cannot become another site.
    again = tthtcd("site", "init", "--db", str(centre), "--role", "office", "--name", "X")
    assert again.returncode == 1
    assert_one_line_error(again)
    # The centres list of the office: exactly these keys, nothing received yet.
    listed = run_json("centres", "list", "--db", str(office))
    assert isinstance(listed, list) and len(listed) == 1
    assert set(listed[0]) == {"id", "name", "last_seq", "last_import", "status"}
    assert listed[0]["id"] == site["id"]
    assert listed[0]["status"] == "never"
    assert listed[0]["last_import"] is None


def test_export_inspect_import_and_faults(tmp_path: Path) -> None:
    office, centre, site = make_pair(tmp_path)
    stick = tmp_path / "stick"
    exported = export(centre, stick)
    assert set(exported) == {"file", "seq", "rows"}
    file = Path(exported["file"])
    assert file.parent == stick and file.name.endswith(f"_data_{exported['seq']:06d}.tthbundle")
    assert not list(stick.glob("*.part"))
    centre_people = owned_people(centre, site["id"])
    assert exported["rows"]["person"] == len(centre_people) >= PEOPLE

    # Inspect: the manifest, no personal data, and a valid signature.
    facts = run_json("bundle", "inspect", str(file))
    assert isinstance(facts, dict)
    assert facts["signature"] == "valid"
    assert facts["kind"] == "data" and facts["sender"]["site"] == site["id"]
    assert facts["rows"]["person"] == exported["rows"]["person"]
    text = ok("bundle", "inspect", str(file)).stdout
    assert site["fingerprint"] in text

    # Dry run: the summary, nothing changed.
    before = counts(office)
    dry = run_json("bundle", "import", "--db", str(office), str(file), "--dry-run")
    assert isinstance(dry, list) and len(dry) == 1
    assert set(dry[0]) == {"file", "bundle", "sender", "status", "reason", "tables"}
    assert dry[0]["status"] == "dry-run"
    assert dry[0]["tables"]["person"]["new"] == len(centre_people)
    assert set(dry[0]["tables"]["person"]) == {
        "new", "updated", "unchanged", "conflict", "rejected",
    }  # fmt: skip
    assert counts(office) == before

    # Import, with an acknowledgement.
    acks = tmp_path / "acks"
    acks.mkdir()
    applied = run_json("bundle", "import", "--db", str(office), str(file), "--ack-to", str(acks))
    assert isinstance(applied, list)
    assert applied[0]["status"] == "applied", applied
    assert applied[0]["bundle"] == facts["bundle_id"]
    assert applied[0]["sender"] == site["id"]
    assert applied[0]["tables"]["person"]["new"] == len(centre_people)
    assert owned_people(office, site["id"]) == centre_people
    assert list(acks.glob("*.tthbundle"))

    # The centres list and --centre at the office.
    listed = run_json("centres", "list", "--db", str(office))
    assert isinstance(listed, list)
    assert listed[0]["last_seq"] == exported["seq"]
    assert listed[0]["status"] == "ok" and listed[0]["last_import"]
    rows = run_json(
        "people", "list", "--db", str(office), "--centre", site["id"], "--limit", "100000"
    )
    assert isinstance(rows, list) and {r["id"] for r in rows} == centre_people
    courses = run_json("courses", "list", "--db", str(office), "--centre", site["id"])
    assert courses == run_json("courses", "list", "--db", str(centre))

    # The same file again: a no-op that says so, exit 0.
    after = counts(office)
    again = tthtcd("bundle", "import", "--db", str(office), str(file), "--json")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)[0]["status"] == "already-imported"
    assert counts(office) == after

    # A damaged file: refused with a clear reason, exit 1, nothing changed.
    damaged = tmp_path / "damaged.tthbundle"
    data = bytearray(file.read_bytes())
    data[len(data) * 2 // 3] ^= 0xFF
    damaged.write_bytes(bytes(data))
    refused = tthtcd("bundle", "import", "--db", str(office), str(damaged), "--json")
    assert refused.returncode == 1
    outcome = json.loads(refused.stdout)[0]
    assert outcome["status"] == "refused"
    assert "damaged" in outcome["reason"] and "export again" in outcome["reason"]
    assert counts(office) == after
    text = tthtcd("bundle", "import", "--db", str(office), str(damaged))
    assert text.returncode == 1 and "Traceback" not in text.stderr
    assert outcome["reason"] in text.stdout

    # A truncated file, beside a good one: the good one still counts, exit 1 for the bad.
    truncated = tmp_path / "cut" / "truncated.tthbundle"
    truncated.parent.mkdir()
    truncated.write_bytes(file.read_bytes()[: file.stat().st_size // 2])
    mixed = tthtcd("bundle", "import", "--db", str(office), str(file), str(truncated), "--json")
    assert mixed.returncode == 1
    statuses = {Path(o["file"]).name: o["status"] for o in json.loads(mixed.stdout)}
    assert statuses == {file.name: "already-imported", truncated.name: "refused"}
    assert counts(office) == after

    # The acknowledgement goes back to the centre.
    for ack in sorted(acks.glob("*.tthbundle")):
        back = tthtcd("bundle", "import", "--db", str(centre), str(ack), "--json")
        assert back.returncode == 0, back.stdout + back.stderr
        assert json.loads(back.stdout)[0]["status"] == "applied"


def test_a_folder_imports_its_bundles(tmp_path: Path) -> None:
    """A folder stands for the bundles in it for this site: the enrolment files and the
    site's own bundles on the same stick are left out, with a note."""
    office, centre, _ = make_pair(tmp_path, people=40)
    stick = tmp_path / "stick"
    export(centre, stick)
    for name in ("request.tthbundle", "reply.tthbundle"):
        shutil.copy(tmp_path / name, stick / name)
    result = tthtcd("bundle", "import", "--db", str(office), str(stick), "--json")
    assert result.returncode == 0, result.stderr
    assert [o["status"] for o in json.loads(result.stdout)] == ["applied"]
    assert "2 files in the folder are not for this site" in result.stderr
    # The centre's own data bundle is not for the centre either.
    own = tthtcd("bundle", "import", "--db", str(centre), str(stick))
    assert own.returncode == 1
    assert "None of the files given is a bundle for this site" in own.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = tthtcd("bundle", "import", "--db", str(office), str(empty))
    assert nothing.returncode == 1
    assert ".tthbundle" in assert_one_line_error(nothing)


def test_revoked_centre_is_refused(tmp_path: Path) -> None:
    office, centre, site = make_pair(tmp_path, people=30)
    file = Path(export(centre, tmp_path / "stick")["file"])
    assert run_json("site", "revoke", "--db", str(office), site["id"]) == {
        "id": site["id"], "revoked": True,
    }  # fmt: skip
    before = counts(office)
    result = tthtcd("bundle", "import", "--db", str(office), str(file), "--json")
    assert result.returncode == 1
    outcome = json.loads(result.stdout)[0]
    assert outcome["status"] == "refused" and outcome["reason"]
    assert counts(office) == before
    listed = run_json("centres", "list", "--db", str(office))
    assert isinstance(listed, list) and listed[0]["status"] == "revoked"


@pytest.mark.skipif(AGE is None, reason="the reference age tool is not installed")
def test_the_reference_age_tool_decrypts_the_payload(tmp_path: Path) -> None:
    _office, centre, _ = make_pair(tmp_path, people=20)
    file = Path(export(centre, tmp_path / "stick")["file"])
    identity = tmp_path / "centre.age-identity"
    ok("site", "key", "export", "--db", str(centre), "--age-identity", str(identity))
    text = identity.read_text(encoding="ascii")
    assert "# public key: age1" in text and "AGE-SECRET-KEY-1" in text
    # Never over an existing file.
    again = tthtcd("site", "key", "export", "--db", str(centre), "--age-identity", str(identity))
    assert again.returncode == 1
    assert_one_line_error(again)
    with zipfile.ZipFile(file) as bundle:
        assert bundle.namelist() == ["manifest.json", "manifest.sig", "payload.age"]
        (tmp_path / "payload.age").write_bytes(bundle.read("payload.age"))
    out = tmp_path / "payload.sqlite3"
    assert AGE is not None
    subprocess.run(
        [AGE, "-d", "-i", str(identity), "-o", str(out), str(tmp_path / "payload.age")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert out.read_bytes()[:16] == b"SQLite format 3\x00"
    conn = sqlite3.connect(out)
    try:
        assert conn.execute("SELECT count(*) FROM person").fetchone()[0] >= 20
    finally:
        conn.close()


@pytest.mark.parametrize(
    "args",
    [
        ("bundle",),
        ("bundle", "import", "--db", "x.sqlite3"),
        ("bundle", "export", "--db", "x.sqlite3"),
        ("bundle", "inspect"),
        ("site",),
        ("site", "key"),
        ("site", "init", "--db", "x.sqlite3", "--role", "district", "--name", "X"),
        ("site", "init", "--db", "x.sqlite3", "--role", "centre"),
        ("site", "enrol", "--db", "x.sqlite3", "--out", "r.tthbundle"),
        ("site", "revoke", "--db", "x.sqlite3"),
        ("centres",),
        ("demo", "--db", "o.sqlite3", "--office", "2"),
        ("demo", "--db", "o.sqlite3", "--centres-dir", "d"),
        ("people", "list", "--centre"),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, args: tuple[str, ...]) -> None:
    result = subprocess_in(tmp_path, *args)
    assert result.returncode == 2, result.stderr
    assert_one_line_error(result)


def subprocess_in(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The command run from `folder`, so that relative paths stay in it."""
    return subprocess.run(
        [sys.executable, "-m", "desktop_app.cli", "--lang", "en", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "PYTHONIOENCODING": "utf-8",
             "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        cwd=folder,
        timeout=120,
    )  # fmt: skip


def test_inspect_of_a_file_that_is_not_a_bundle(tmp_path: Path) -> None:
    junk = tmp_path / "junk.tthbundle"
    junk.write_bytes(b"not a zip at all")
    result = tthtcd("bundle", "inspect", str(junk))
    assert result.returncode == 1
    assert_one_line_error(result)


def test_enrolment_files_are_not_written_over(tmp_path: Path) -> None:
    centre = tmp_path / "centre.sqlite3"
    ok("demo", "--db", str(centre), "--people", "10")
    taken = tmp_path / "request.tthbundle"
    taken.write_bytes(b"keep me")
    result = tthtcd("site", "enrol-request", "--db", str(centre), "--out", str(taken))
    assert result.returncode == 1
    assert "already exists" in assert_one_line_error(result)
    assert taken.read_bytes() == b"keep me"
    # A folder: the request is written into it under its own name.
    folder = tmp_path / "stick"
    folder.mkdir()
    written = run_json("site", "enrol-request", "--db", str(centre), "--out", str(folder))
    assert isinstance(written, dict)
    assert Path(written["file"]).parent == folder
    assert "_enrolment_" in Path(written["file"]).name
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".tthtcd-")] == []


def test_demo_office_with_two_centres(tmp_path: Path) -> None:
    office = tmp_path / "office.sqlite3"
    centres = tmp_path / "centres"
    result = ok(
        "demo", "--db", str(office), "--office", "2", "--centres-dir", str(centres),
        "--people", "50", "--seed", "3",
    )  # fmt: skip
    assert "2 enrolled centres" in result.stdout
    assert (centres / "centre-1.sqlite3").exists() and (centres / "centre-2.sqlite3").exists()
    listed = run_json("centres", "list", "--db", str(office))
    assert isinstance(listed, list) and len(listed) == 2
    assert {c["status"] for c in listed} == {"ok"}
    total = 0
    for entry in listed:
        rows = run_json(
            "people", "list", "--db", str(office), "--centre", entry["id"], "--limit", "1000"
        )
        assert isinstance(rows, list) and len(rows) >= 50
        total += len(rows)
    everyone = run_json("people", "list", "--db", str(office), "--limit", "1000")
    assert isinstance(everyone, list) and len(everyone) == total
    # Each centre knows its office.
    office_site = run_json("site", "show", "--db", str(office))
    for path in sorted(centres.glob("centre-*.sqlite3")):
        site = run_json("site", "show", "--db", str(path))
        assert isinstance(site, dict) and isinstance(office_site, dict)
        assert site["upstream"] == office_site["id"]
    again = tthtcd("demo", "--db", str(office), "--office", "2", "--centres-dir", str(centres))
    assert again.returncode == 1
    assert "already exists" in assert_one_line_error(again)


def test_an_office_relays_its_centres_to_a_higher_office(tmp_path: Path) -> None:
    """Province → ministry: the province office enrols at the higher office like a centre,
    `bundle export --up` sends every centre's rows it holds, the higher office imports them
    under their own owners and lists the centres it now knows through the province."""
    office = tmp_path / "office.sqlite3"
    centres = tmp_path / "centres"
    ok(
        "demo", "--db", str(office), "--office", "2", "--centres-dir", str(centres),
        "--people", "40", "--seed", "5",
    )  # fmt: skip
    higher = tmp_path / "higher.sqlite3"
    ok("site", "init", "--db", str(higher), "--role", "office", "--name", "Bộ GD&ĐT")
    request, reply = tmp_path / "request.tthbundle", tmp_path / "reply.tthbundle"
    ok("site", "enrol-request", "--db", str(office), "--out", str(request))
    ok("site", "enrol", "--db", str(higher), str(request), "--out", str(reply))
    ok("site", "enrol-accept", "--db", str(office), str(reply))
    shown = run_json("site", "show", "--db", str(office))
    higher_site = run_json("site", "show", "--db", str(higher))
    assert isinstance(shown, dict) and isinstance(higher_site, dict)
    assert shown["role"] == "office" and shown["upstream"] == higher_site["id"]

    stick, acks = tmp_path / "stick", tmp_path / "acks"
    stick.mkdir()
    acks.mkdir()
    sent = run_json("bundle", "export", "--db", str(office), "--to", str(stick), "--up")
    assert isinstance(sent, dict) and "_data_" in Path(sent["file"]).name
    assert sent["rows"]["person"] >= 80
    (done,) = run_json("bundle", "import", "--db", str(higher), sent["file"], "--ack-to", str(acks))  # type: ignore[misc]
    assert done["status"] == "applied", done
    listed = run_json("centres", "list", "--db", str(higher))
    assert isinstance(listed, list)
    assert {c["status"] for c in listed} == {"never", "relayed"} or {
        c["status"] for c in listed
    } == {"ok", "relayed"}
    relayed = [c for c in listed if c["status"] == "relayed"]
    assert len(relayed) == 2
    for centre in relayed:
        assert set(centre) == {"id", "name", "last_seq", "last_import", "status"}
        here = run_json("people", "list", "--db", str(higher), "--centre", centre["id"],
                        "--limit", "1000")  # fmt: skip
        there = run_json("people", "list", "--db", str(office), "--centre", centre["id"],
                         "--limit", "1000")  # fmt: skip
        assert here == there
    # The acknowledgement stops the resending.
    (ack,) = list(acks.glob("*.tthbundle"))
    ok("bundle", "import", "--db", str(office), str(ack))
    again = run_json("bundle", "export", "--db", str(office), "--to", str(stick), "--up")
    assert isinstance(again, dict) and sum(again["rows"].values()) == 0
    # An office that reports to nobody is told so, and nothing is written.
    alone = tthtcd("bundle", "export", "--db", str(higher), "--to", str(stick), "--up")
    assert alone.returncode == 1
    assert_one_line_error(alone)
