"""What an import changed (per row), correction requests answered at the centre and seen at
the office, and conflicts reviewed at the office."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.people import PersonInput, Sex
from desktop_app.core.problems import UserError
from desktop_app.services import backup
from desktop_app.services.sync import import_changes
from desktop_app.services.workspace import Workspace
from tests.services.sync_helpers import Pair, add_person, make_pair, only, rows_of


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    p = make_pair(tmp_path)
    yield p
    p.close()


def _audit(ws: Workspace, op: str) -> list[tuple[str, str]]:
    return [
        (str(r[0]), str(r[1]))
        for r in ws.db.conn.execute(
            "SELECT actor, detail FROM audit WHERE action = ? ORDER BY seq", (op,)
        ).fetchall()
    ]


# 4. What an import changed --------------------------------------------------------------


def test_an_import_reports_the_rows_it_changed(pair: Pair) -> None:
    c, o = pair.centre, pair.office
    a = add_person(c, "Trần Thị Bích")
    b = add_person(c, "Lê Văn Cường", "1975")
    (outcome,) = o.sync.import_files([c.sync.export(pair.stick).file])
    assert outcome.changes is not None
    assert outcome.changes.ids_of("person") == {a, b}
    assert import_changes([outcome]).ids_of("person") == {a, b}
    (dry,) = o.sync.import_files([c.sync.export(pair.stick).file], dry_run=True)
    assert dry.changes is None


# 5. Correction requests --------------------------------------------------------------------


def _request(pair: Pair, person: str, message: str, **fields: str) -> str:
    c, o = pair.centre, pair.office
    o.sync.import_files([c.sync.export(pair.stick).file])
    file = o.sync.request_correction(c.db.site_id, "person", person, message, pair.back, fields)
    (outcome,) = c.sync.import_files([file])
    assert outcome.status == "applied", outcome.reason
    assert outcome.changes is not None and outcome.changes.touches("sync_correction")
    (request,) = c.sync.correction_requests()
    assert request.status == "open" and request.fields == fields and request.message == message
    (sent,) = o.sync.correction_requests()
    assert sent.id == request.id and sent.status == "sent" and sent.to_site == c.db.site_id
    return request.id


def _office_view(pair: Pair) -> None:
    (outcome,) = pair.office.sync.import_files([pair.centre.sync.export(pair.stick).file])
    assert outcome.status == "applied", outcome.reason


def test_an_accepted_correction_edits_the_person_and_the_office_sees_both(pair: Pair) -> None:
    c, o = pair.centre, pair.office
    person = add_person(c, "Trần Thi Bich")
    rid = _request(
        pair, person, "Sai dấu tên và năm sinh", full_name="Trần Thị Bích", birth="12/05/1981",
        sex="F", phone="0912 345 678",
    )  # fmt: skip
    result = c.sync.accept_correction(rid)
    assert result.changes.touches("person") and result.changes.touches("sync_correction")
    got = c.people.get(person)
    assert got.full_name == "Trần Thị Bích" and got.given_name == "Bích"  # derived columns
    assert got.birth is not None and got.birth.display() == "12/05/1981"
    assert got.phone == "0912345678"
    assert [r.status for r in c.sync.correction_requests()] == ["accepted"]
    assert _audit(c, "sync.correction.accept")
    with pytest.raises(UserError):
        c.sync.accept_correction(rid)  # answered once
    _office_view(pair)
    (seen,) = o.sync.correction_requests()
    assert seen.status == "accepted" and seen.answered_at and seen.answered_by
    assert [r[5] for r in o.sync.corrections()] == ["accepted"]
    assert rows_of(o.path, c.db.site_id) == rows_of(c.path, c.db.site_id)
    # The answer went up once: the next bundle carries nothing new about it.
    _office_view(pair)
    assert o.sync.correction_requests()[0].status == "accepted"


def test_a_rejected_correction_changes_nothing_and_says_why(pair: Pair) -> None:
    c, o = pair.centre, pair.office
    person = add_person(c, "Trần Thị Bích")
    rid = _request(pair, person, "", full_name="Trần Thị Bính")
    with pytest.raises(UserError):
        c.sync.reject_correction(rid, "   ")
    c.sync.reject_correction(rid, "Giấy khai sinh ghi Bích")
    assert c.people.get(person).full_name == "Trần Thị Bích"
    _office_view(pair)
    (seen,) = o.sync.correction_requests()
    assert seen.status == "rejected" and seen.reason == "Giấy khai sinh ghi Bích"


def test_a_correction_that_fails_the_checks_changes_nothing(pair: Pair) -> None:
    c = pair.centre
    person = add_person(c, "Trần Thị Bích")
    rid = _request(pair, person, "CCCD", cccd="12")
    before = c.people.get(person)
    with pytest.raises(UserError):
        c.sync.accept_correction(rid)
    assert c.people.get(person) == before
    assert [r.status for r in c.sync.correction_requests()] == ["open"]


def test_a_free_text_request_accepted_means_done(pair: Pair) -> None:
    c, o = pair.centre, pair.office
    person = add_person(c, "Trần Thị Bích")
    rid = _request(pair, person, "Kiểm tra lại địa chỉ")
    before = c.people.get(person)
    c.sync.accept_correction(rid)
    assert c.people.get(person) == before
    _office_view(pair)
    assert o.sync.correction_requests()[0].status == "accepted"


def test_a_request_proposes_only_the_person_fields(pair: Pair) -> None:
    c, o = pair.centre, pair.office
    person = add_person(c, "Trần Thị Bích")
    with pytest.raises(UserError):
        o.sync.request_correction(c.db.site_id, "person", person, "x", pair.back, {"notes": "y"})
    with pytest.raises(UserError):
        o.sync.request_correction(c.db.site_id, "fund", "f", "x", pair.back, {"full_name": "y"})
    with pytest.raises(UserError):
        c.sync.accept_correction("no-such-id")


# 6. Conflicts reviewed at the office ------------------------------------------------------


def _conflict(pair: Pair, tmp_path: Path) -> tuple[str, str]:
    """A restored centre sends an edit with the version of one the office holds."""
    c, o = pair.centre, pair.office
    person = add_person(c, "Trần Thị Bích")
    o.sync.import_files([c.sync.export(pair.stick).file])
    saved = c.backup.backup_now(tmp_path / "bk")
    c.people.update(person, PersonInput("Trần Thị Bích Ngọc", Sex.FEMALE, "1980"))
    o.sync.import_files([c.sync.export(pair.stick).file])
    # The PC dies; its backup comes back, and the same edit is typed differently.
    c.close()
    backup.restore(c.path, saved)
    pair.centre = c = Workspace.open(c.path)
    c.people.update(person, PersonInput("Trần Thị Bích Hà", Sex.FEMALE, "1980"))
    # ... at the version the office holds (as a cloned PC would).
    held = o.db.conn.execute("SELECT version FROM person WHERE id = ?", (person,)).fetchone()[0]
    c.db.conn.execute("UPDATE person SET version = ? WHERE id = ?", (held, person))
    again = tmp_path / "stick-2"
    again.mkdir()
    (outcome,) = o.sync.import_files([c.sync.export(again).file])
    assert outcome.status == "applied", outcome.reason
    assert outcome.tables["person"].conflict == 1
    conflict = only(o.sync.conflict_list())  # type: ignore[arg-type]
    assert conflict.row_id == person and conflict.held is not None
    assert conflict.incoming["full_name"] == "Trần Thị Bích Hà"
    assert conflict.held["full_name"] == "Trần Thị Bích Ngọc"
    return conflict.id, person


def test_keeping_the_incoming_row_replaces_the_held_one(pair: Pair, tmp_path: Path) -> None:
    o = pair.office
    conflict_id, person = _conflict(pair, tmp_path)
    result = o.sync.resolve_conflict(conflict_id, "incoming")
    assert result.changes.ids_of("person") == {person}
    name = o.db.conn.execute("SELECT full_name FROM person WHERE id = ?", (person,)).fetchone()
    assert name[0] == "Trần Thị Bích Hà"
    assert o.sync.conflicts() == []
    (done,) = o.sync.conflict_list(resolved=True)
    assert done.resolution == "incoming" and done.resolved_at and done.resolved_by
    assert _audit(o, "sync.conflict.resolve")
    assert rows_of(o.path, pair.centre.db.site_id) == rows_of(
        pair.centre.path, pair.centre.db.site_id
    )
    with pytest.raises(UserError):
        o.sync.resolve_conflict(conflict_id, "held")  # reviewed once


def test_keeping_the_held_row_changes_no_row(pair: Pair, tmp_path: Path) -> None:
    o = pair.office
    conflict_id, person = _conflict(pair, tmp_path)
    with pytest.raises(UserError):
        o.sync.resolve_conflict(conflict_id, "both")
    o.sync.resolve_conflict(conflict_id, "held")
    name = o.db.conn.execute("SELECT full_name FROM person WHERE id = ?", (person,)).fetchone()
    assert name[0] == "Trần Thị Bích Ngọc"
    assert o.sync.conflicts() == []
    assert o.sync.conflict_list(resolved=True)[0].resolution == "held"
