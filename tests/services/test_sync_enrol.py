"""Enrolment of centres that are already in use (a demo with years of data), and the reply
files of many centres on one stick."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_app.core.problems import UserError
from desktop_app.i18n import tr
from desktop_app.services.demo import create_demo_database
from desktop_app.services.workspace import Workspace
from desktop_app.sync.bundle import bundle_file_name
from tests.services.sync_helpers import add_person, make_centre, rows_of


def _office(tmp: Path) -> Workspace:
    office = Workspace.open(tmp / "office.sqlite3", create=True)
    office.sync.init_site("office", "Phòng GD huyện Tiền Hải")
    return office


def _demo(tmp: Path, name: str = "demo", seed: int = 3) -> Workspace:
    path = tmp / f"{name}.sqlite3"
    create_demo_database(path, people=60, seed=seed)
    return Workspace.open(path)


def test_a_demo_centre_in_use_enrols_and_sends_its_years_of_data(tmp_path: Path) -> None:
    centre, office = _demo(tmp_path), _office(tmp_path)
    try:
        # No set-up: a database is a centre, named after its profile.
        site = centre.sync.site()
        assert site.role == "centre"
        assert site.name == centre.centre.profile().name
        stick = tmp_path / "stick"
        stick.mkdir()
        request = centre.sync.enrol_request(stick)
        reply = office.sync.enrol(request, stick)
        assert centre.sync.enrol_accept(reply).id == office.db.site_id
        result = centre.sync.export(stick)
        assert result.rows["person"] == centre.people.count() > 0
        (outcome,) = office.sync.import_files([result.file])
        assert outcome.status == "applied", outcome.reason
        assert rows_of(office.path, centre.db.site_id) == rows_of(centre.path, centre.db.site_id)
        (status,) = office.sync.centres()
        assert status.name == site.name
    finally:
        centre.close()
        office.close()


def test_a_centre_whose_site_row_has_no_name_takes_its_profiles(tmp_path: Path) -> None:
    centre = _demo(tmp_path)
    try:
        centre.db.conn.execute("UPDATE site SET name = '' WHERE is_local = 1")
        assert centre.sync.site().name == centre.centre.profile().name != ""
        assert centre.sync.enrol_request(tmp_path).exists()
    finally:
        centre.close()


def test_a_new_database_without_a_name_is_told_to_fill_in_its_profile(tmp_path: Path) -> None:
    ws = Workspace.open(tmp_path / "new.sqlite3", create=True)
    try:
        with pytest.raises(UserError) as err:
            ws.sync.enrol_request(tmp_path)
        assert "profile" in tr(err.value.message, **err.value.params)
    finally:
        ws.close()


def test_a_centre_with_data_is_named_by_init_site_until_it_is_enrolled(tmp_path: Path) -> None:
    centre, office = _demo(tmp_path), _office(tmp_path)
    try:
        people = centre.people.count()
        assert centre.sync.init_site("centre", "  TTHTCĐ   xã Tân Phú ").name == "TTHTCĐ xã Tân Phú"
        assert centre.people.count() == people
        folder = tmp_path / "enrol"
        folder.mkdir()
        centre.sync.enrol_accept(office.sync.enrol(centre.sync.enrol_request(folder), folder))
        # The same name again is a no-op; another is refused: the office knows it by this one.
        assert centre.sync.init_site("centre", "TTHTCĐ xã Tân Phú").upstream == office.db.site_id
        with pytest.raises(UserError):
            centre.sync.init_site("centre", "Another name")
        assert centre.sync.site().name == "TTHTCĐ xã Tân Phú"
    finally:
        centre.close()
        office.close()


def test_a_database_with_its_own_records_cannot_become_an_office(tmp_path: Path) -> None:
    centre = _demo(tmp_path)
    try:
        with pytest.raises(UserError) as err:
            centre.sync.init_site("office", "Phòng GD")
        text = tr(err.value.message, **err.value.params)
        assert str(centre.people.count()) in text
        assert centre.sync.site().role == "centre"
    finally:
        centre.close()
    # A centre profile alone does not stop a new database from becoming an office.
    office = Workspace.open(tmp_path / "office-new.sqlite3", create=True)
    try:
        assert office.sync.init_site("office", "Phòng GD").role == "office"
        with pytest.raises(UserError):
            office.sync.init_site("centre", "Trung tâm")
        with pytest.raises(UserError):
            office.sync.init_site("office", "Phòng khác")
    finally:
        office.close()


def test_replies_for_many_centres_sit_side_by_side_on_one_stick(tmp_path: Path) -> None:
    office = _office(tmp_path)
    a = make_centre(tmp_path, "TTHTCĐ xã Đông Hòa")
    b = _demo(tmp_path, "b", seed=4)
    stick = tmp_path / "stick"
    stick.mkdir()
    try:
        add_person(a, "Trần Thị Bích")
        requests = [a.sync.enrol_request(stick), b.sync.enrol_request(stick)]
        replies = [office.sync.enrol(r, stick) for r in requests]
        assert len({*requests, *replies}) == 4
        for centre, reply in zip((a, b), replies, strict=True):
            name = centre.sync.site().name
            assert reply.name == bundle_file_name(name, centre.db.site_id, "enrolment", 1)
            assert centre.sync.enrol_accept(reply).id == office.db.site_id
        assert sorted(p.name for p in stick.iterdir()) == sorted(
            p.name for p in (*requests, *replies)
        )  # no scratch folder left behind
        # The same centre again: its reply is there already; nothing is overwritten.
        with pytest.raises(UserError):
            office.sync.enrol(requests[0], stick)
    finally:
        a.close()
        b.close()
        office.close()
