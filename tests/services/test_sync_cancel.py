"""Cancel stops an export or an import only before its point of no return; after it, the
work finishes and is reported done."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.progress import Cancelled
from tests.services.sync_helpers import Pair, add_person, bundles_in, make_pair, rows_of


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[Pair]:
    p = make_pair(tmp_path)
    yield p
    p.close()


def _cancel_from(step: int) -> tuple[list[tuple[int, int]], object]:
    seen: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        seen.append((done, total))
        return done < step

    return seen, progress


def test_cancel_once_the_bundle_is_written_is_too_late(pair: Pair) -> None:
    c = pair.centre
    add_person(c, "Trần Thị Bích")
    _seen, progress = _cancel_from(3)
    result = c.sync.export(pair.stick, progress)  # type: ignore[arg-type]
    assert result.file.exists() and result.rows["person"] == 1
    assert [r.direction for r in c.sync.history()] == ["export"]


def test_cancel_before_the_bundle_is_written_leaves_nothing(pair: Pair) -> None:
    c = pair.centre
    add_person(c, "Trần Thị Bích")
    _seen, progress = _cancel_from(2)
    with pytest.raises(Cancelled):
        c.sync.export(pair.stick, progress)  # type: ignore[arg-type]
    assert list(pair.stick.iterdir()) == []
    assert c.sync.history() == []
    # The next export works (its number skips the one taken).
    assert c.sync.export(pair.stick).file.exists()


def test_cancel_after_the_last_file_is_applied_is_too_late(pair: Pair) -> None:
    c, o = pair.centre, pair.office
    add_person(c, "Trần Thị Bích")
    file = c.sync.export(pair.stick).file
    _seen, progress = _cancel_from(1)  # the call after the only file
    (outcome,) = o.sync.import_files([file], ack_to=pair.back, progress=progress)  # type: ignore[arg-type]
    assert outcome.status == "applied" and outcome.ack_file is not None
    assert rows_of(o.path, c.db.site_id) == rows_of(c.path, c.db.site_id)


def test_cancel_before_the_commit_of_the_first_file_changes_nothing(pair: Pair) -> None:
    c, o = pair.centre, pair.office
    add_person(c, "Trần Thị Bích")
    file = c.sync.export(pair.stick).file
    calls: list[int] = []

    def progress(done: int, total: int) -> bool:
        calls.append(done)
        return len(calls) < 2  # the first call passes, the one before the commit cancels

    with pytest.raises(Cancelled):
        o.sync.import_files([file], progress=progress)
    assert rows_of(o.path, c.db.site_id)["person"] == set()
    assert o.sync.history() == []
    (outcome,) = o.sync.import_files([file])
    assert outcome.status == "applied"


def test_cancel_between_files_keeps_those_done_and_names_the_rest(pair: Pair) -> None:
    c, o = pair.centre, pair.office
    add_person(c, "Trần Thị Bích")
    first = c.sync.export(pair.stick).file
    add_person(c, "Lê Văn Cường")
    second = c.sync.export(pair.stick).file
    _seen, progress = _cancel_from(1)
    done, rest = o.sync.import_files([second, first], progress=progress)  # type: ignore[arg-type]
    assert done.file == first and done.status == "applied"
    assert rest.file == second and rest.status == "refused" and rest.reason_code == "cancelled"
    assert rest.reason
    (again,) = o.sync.import_files([second])
    assert again.status == "applied"
    assert rows_of(o.path, c.db.site_id) == rows_of(c.path, c.db.site_id)
    assert len(bundles_in(pair.stick, "data")) == 2
