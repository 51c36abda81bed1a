"""An office that reports to a higher office relays its centres' records (province → ministry,
or a legacy district → province): enrolment of the office, data up with every centre's rows
under their own owners, acknowledgements that stop the resending, and refusals."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop_app.core.problems import UserError
from desktop_app.services.workspace import Workspace
from tests.services.sync_helpers import (
    add_person,
    enrol,
    make_centre,
    new_fund,
    receipt,
    rows_of,
)


@dataclass
class Chain:
    a: Workspace  # a centre of the lower office
    b: Workspace  # another centre of the lower office
    lower: Workspace  # the lower office (a province)
    higher: Workspace  # the higher office (the ministry's roll-up)
    stick: Path
    back: Path

    def close(self) -> None:
        for ws in (self.a, self.b, self.lower, self.higher):
            ws.close()

    def centre_to_lower(self, centre: Workspace) -> None:
        file = centre.sync.export(self.stick).file
        (outcome,) = self.lower.sync.import_files([file])
        assert outcome.status == "applied", outcome.reason

    def lower_up(self, *, ack: bool = True) -> dict[str, int]:
        """The lower office sends up, the higher imports (and acknowledges), the lower office
        imports the acknowledgement. Returns the rows sent."""
        result = self.lower.sync.export(self.stick, up=True)
        (outcome,) = self.higher.sync.import_files([result.file], ack_to=self.back)
        assert outcome.status == "applied", outcome.reason
        if ack:
            assert outcome.ack_file is not None
            (acked,) = self.lower.sync.import_files([outcome.ack_file])
            assert acked.status == "applied", acked.reason
        return result.rows


def _office(tmp: Path, name: str, file: str) -> Workspace:
    ws = Workspace.open(tmp / file, create=True)
    ws.sync.init_site("office", name)
    return ws


@pytest.fixture
def chain(tmp_path: Path) -> Iterator[Chain]:
    lower = _office(tmp_path, "Sở GD&ĐT tỉnh Thái Bình", "lower.sqlite3")
    higher = _office(tmp_path, "Bộ GD&ĐT (tổng hợp)", "higher.sqlite3")
    a = make_centre(tmp_path, "TTHTCĐ xã Đông Hòa")
    b = make_centre(tmp_path, "TTHTCĐ xã Tây Giang")
    enrol(a, lower, tmp_path / "enrol")
    enrol(b, lower, tmp_path / "enrol")
    enrol(lower, higher, tmp_path / "enrol")
    stick, back = tmp_path / "stick", tmp_path / "back"
    stick.mkdir()
    back.mkdir()
    c = Chain(a, b, lower, higher, stick, back)
    yield c
    c.close()


def test_an_office_enrols_at_a_higher_office(chain: Chain) -> None:
    me = chain.lower.sync.site()
    assert me.role == "office"
    assert me.upstream == chain.higher.db.site_id
    (listed,) = chain.higher.sync.centres()
    assert (listed.id, listed.role, listed.status) == (chain.lower.db.site_id, "office", "never")


def test_the_higher_office_gets_every_centres_rows_under_their_owners(chain: Chain) -> None:
    add_person(chain.a, "Trần Thị Bích")
    add_person(chain.a, "Lê Văn Cường", "1975")
    fund = new_fund(chain.b, 500_000)
    receipt(chain.b, fund, 200_000)
    add_person(chain.b, "Phạm Thị Dung")
    chain.centre_to_lower(chain.a)
    chain.centre_to_lower(chain.b)
    rows = chain.lower_up()
    assert rows["person"] == 3
    for centre in (chain.a, chain.b):
        owner = centre.db.site_id
        assert rows_of(chain.higher.path, owner) == rows_of(centre.path, owner)
    # The higher office knows both centres, through the lower office, and can list their
    # records one centre at a time.
    listed = {c.id: c for c in chain.higher.sync.centres()}
    for centre in (chain.a, chain.b):
        got = listed[centre.db.site_id]
        assert got.status == "relayed" and got.via == "Sở GD&ĐT tỉnh Thái Bình"
    names = [p.full_name for p in chain.higher.people.roster(sites=(chain.a.db.site_id,))]
    assert sorted(names) == ["Lê Văn Cường", "Trần Thị Bích"]
    # The ledger chain of each centre still verifies where it arrived.
    assert chain.higher.fund.verify().ok


def test_an_acknowledged_relay_is_not_sent_again_and_changes_follow(chain: Chain) -> None:
    p = add_person(chain.a, "Trần Thị Bích")
    chain.centre_to_lower(chain.a)
    assert chain.lower_up()["person"] == 1
    again = chain.lower.sync.export(chain.stick, up=True)
    assert sum(again.rows.values()) == 0
    # A change at the centre travels up through the lower office, and only it.
    chain.a.people.delete(p)
    add_person(chain.a, "Đặng Văn Ước")
    chain.centre_to_lower(chain.a)
    assert chain.lower_up()["person"] == 2
    owner = chain.a.db.site_id
    assert rows_of(chain.higher.path, owner) == rows_of(chain.a.path, owner)


def test_without_the_acknowledgement_the_next_bundle_sends_it_all_again(chain: Chain) -> None:
    add_person(chain.a, "Trần Thị Bích")
    chain.centre_to_lower(chain.a)
    first = chain.lower.sync.export(chain.stick, up=True)
    # The stick was lost: nothing special is needed.
    first.file.unlink()
    second = chain.lower.sync.export(chain.stick, up=True)
    assert second.rows["person"] == 1
    (outcome,) = chain.higher.sync.import_files([second.file])
    assert outcome.status == "applied", outcome.reason
    owner = chain.a.db.site_id
    assert rows_of(chain.higher.path, owner) == rows_of(chain.a.path, owner)


def test_a_lower_office_cannot_pass_off_rows_of_a_centre_enrolled_directly(
    chain: Chain, tmp_path: Path
) -> None:
    # Centre a is enrolled at the higher office too (directly, by mistake): the lower office
    # may not send its rows; the higher office keeps only what a sends itself.
    folder = tmp_path / "enrol2"
    folder.mkdir()
    chain.higher.sync.enrol(chain.a.sync.enrol_request(folder), folder)
    add_person(chain.a, "Trần Thị Bích")
    chain.centre_to_lower(chain.a)
    add_person(chain.b, "Phạm Thị Dung")
    chain.centre_to_lower(chain.b)
    result = chain.lower.sync.export(chain.stick, up=True)
    (outcome,) = chain.higher.sync.import_files([result.file])
    assert outcome.status == "applied", outcome.reason
    assert outcome.tables["person"].rejected == 1
    assert outcome.tables["person"].new == 1
    assert rows_of(chain.higher.path, chain.a.db.site_id)["person"] == set()


def test_the_send_up_needs_a_higher_office(tmp_path: Path) -> None:
    office = _office(tmp_path, "Sở GD&ĐT tỉnh Nam Định", "o.sqlite3")
    try:
        with pytest.raises(UserError) as err:
            office.sync.export(tmp_path, up=True)
        assert "higher office" in err.value.message
    finally:
        office.close()


def test_enrolment_cannot_go_round_in_a_circle(chain: Chain, tmp_path: Path) -> None:
    folder = tmp_path / "circle"
    folder.mkdir()
    # The higher office asks to report to the lower one: the lower refuses to enrol its own
    # upstream office.
    request = chain.higher.sync.enrol_request(folder)
    with pytest.raises(UserError):
        chain.lower.sync.enrol(request, folder)


def test_a_catalogue_from_the_higher_office_reaches_the_lower_office(chain: Chain) -> None:
    types = chain.higher.courses.class_types()
    assert types  # the shipped catalogue of class types is the higher office's own rows
    result = chain.higher.sync.export(chain.stick)
    (outcome,) = chain.lower.sync.import_files([result.file])
    assert outcome.status == "applied", outcome.reason
    owner = chain.higher.db.site_id
    assert (
        rows_of(chain.lower.path, owner)["class_type"]
        == rows_of(chain.higher.path, owner)["class_type"]
    )
