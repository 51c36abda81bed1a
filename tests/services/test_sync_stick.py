"""What a USB stick holds after a restore, a recovery file given to the wrong command, and a
file that is not there."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.i18n import tr
from desktop_app.services import backup
from desktop_app.services.workspace import Workspace
from desktop_app.sync import bundle as bundles
from tests.services.sync_helpers import Pair, add_person, make_pair


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    p = make_pair(tmp_path)
    yield p
    p.close()


def test_after_a_restore_the_old_bundles_on_the_stick_are_kept(pair: Pair, tmp_path: Path) -> None:
    c, o = pair.centre, pair.office
    add_person(c, "Trần Thị Bích")
    saved = c.backup.backup_now(tmp_path / "bk")
    first = c.sync.export(pair.stick).file
    assert o.sync.import_files([first])[0].status == "applied"
    c.close()
    backup.restore(pair.centre.path, saved)
    pair.centre = c = Workspace.open(pair.centre.path)
    add_person(c, "Lê Văn Cường")
    # The numbers start again after a restore: the old file keeps its name and its bytes.
    before = first.read_bytes()
    again = c.sync.export(pair.stick).file
    assert again != first and again.name == first.name.replace(".tthbundle", "-2.tthbundle")
    assert first.read_bytes() == before
    (outcome,) = o.sync.import_files([again])
    assert outcome.status == "applied", outcome.reason
    assert outcome.tables["person"].new == 1


def test_a_recovery_file_is_not_imported_as_a_catalogue(pair: Pair, tmp_path: Path) -> None:
    c, o = pair.centre, pair.office
    add_person(c, "Trần Thị Bích")
    o.sync.import_files([c.sync.export(pair.stick).file])
    out = tmp_path / "rec"
    out.mkdir()
    file = o.recovery.recovery_bundle(c.db.site_id, out)
    (outcome,) = c.sync.import_files([file])
    assert outcome.status == "refused" and outcome.reason_code == "recovery-file"
    assert "bundle recover" in outcome.reason


def test_a_file_that_is_not_there_says_so(pair: Pair, tmp_path: Path) -> None:
    with pytest.raises(bundles.BundleError) as info:
        bundles.read_bundle(tmp_path / "gone.tthbundle")
    assert info.value.code == "missing"
    (outcome,) = pair.office.sync.import_files([tmp_path / "gone.tthbundle"])
    assert outcome.status == "refused"
    assert outcome.reason == tr(bundles.MESSAGES["missing"])


def test_the_office_never_changes_a_centres_row_whatever_the_path(pair: Pair) -> None:
    from desktop_app.core.people import PersonInput, Sex
    from desktop_app.core.problems import UserError
    from desktop_app.storage.tx import OTHER_SITES_ROW

    c, o = pair.centre, pair.office
    person = add_person(c, "Trần Thị Bích")
    o.sync.import_files([c.sync.export(pair.stick).file])
    held = o.people.get(person)
    with pytest.raises(UserError) as info:
        o.people.update(person, PersonInput("Trần Thị Bích Ngọc", Sex.FEMALE, "1980"))
    assert info.value.message == OTHER_SITES_ROW
    assert "Đông Hòa" in str(info.value.params["site"])
    with pytest.raises(UserError):
        o.people.delete(person)
    after = o.people.get(person)
    assert (after.full_name, after.version, after.deleted) == (
        held.full_name, held.version, held.deleted,
    )  # fmt: skip
