"""People registry use cases against a real SQLite file."""

from __future__ import annotations

import unicodedata

import pytest

from desktop_app.core.people import PersonInput, Sex
from desktop_app.core.problems import UserError
from desktop_app.i18n import tr, user_error_text
from desktop_app.services.people import DuplicateWarning, PeopleOrder
from desktop_app.services.workspace import Workspace


def add(ws: Workspace, name: str, **kw: object) -> str:
    change = ws.people.add(PersonInput(full_name=name, **kw))  # type: ignore[arg-type]
    return change.value


def test_add_stores_nfc_and_splits_the_name(ws: Workspace, hamlets: dict[str, str]) -> None:
    decomposed = unicodedata.normalize("NFD", "Nguyễn Văn Đặng")
    person_id = add(ws, decomposed, sex=Sex.MALE, birth="07/03/1985", hamlet_id=hamlets["Thôn 1"])
    person = ws.people.get(person_id)
    assert person.full_name == "Nguyễn Văn Đặng"
    assert unicodedata.is_normalized("NFC", person.full_name)
    assert (person.family_name, person.middle_name, person.given_name) == ("Nguyễn", "Văn", "Đặng")
    assert person.birth is not None and person.birth.display() == "07/03/1985"
    assert person.hamlet_name == "Thôn 1"


@pytest.mark.parametrize(
    "query", ["nguyen van dang", "NGUYEN VAN DANG", "Đặng", "dang", "nguy", "Nguyễn Văn Đặng"]
)
def test_search_folds_case_tones_and_d(ws: Workspace, query: str) -> None:
    add(ws, "Nguyễn Văn Đặng")
    add(ws, "Trần Thị Lan")
    assert [r.full_name for r in ws.people.search(query)] == ["Nguyễn Văn Đặng"]


def test_search_with_a_decomposed_query(ws: Workspace) -> None:
    add(ws, "Nguyễn Văn Đặng")
    query = unicodedata.normalize("NFD", "Đặng")
    assert [r.full_name for r in ws.people.search(query)] == ["Nguyễn Văn Đặng"]


def test_search_by_phone_and_cccd_digits(ws: Workspace) -> None:
    add(ws, "Lê Thị Hoa", sex=Sex.FEMALE, birth="1990", cccd="001190012345", phone="0912 345 678")
    assert [r.full_name for r in ws.people.search("0912345")] == ["Lê Thị Hoa"]
    assert [r.full_name for r in ws.people.search("001190012345")] == ["Lê Thị Hoa"]


def test_roster_order_is_given_then_middle_then_family(ws: Workspace) -> None:
    for name in ["Trần Văn Bình", "Nguyễn Thị Ánh", "Lê Văn An", "Phạm Văn An", "Đỗ Thị Ân"]:
        add(ws, name)
    names = [r.full_name for r in ws.people.roster()]
    assert names == ["Lê Văn An", "Phạm Văn An", "Nguyễn Thị Ánh", "Đỗ Thị Ân", "Trần Văn Bình"]


def test_invalid_fields_are_refused_and_nothing_is_saved(ws: Workspace) -> None:
    with pytest.raises(UserError) as info:
        ws.people.add(PersonInput(full_name="", birth="31/02/1990", cccd="12345", phone="12"))
    fields = {p.field for p in info.value.problems}
    assert {"full_name", "birth", "cccd", "phone"} <= fields
    assert ws.people.count() == 0


def test_duplicate_cccd_is_a_hard_block(ws: Workspace) -> None:
    add(ws, "Lê Thị Hoa", sex=Sex.FEMALE, birth="1990", cccd="001190012345")
    with pytest.raises(UserError) as info:
        ws.people.add(
            PersonInput(full_name="Lê Thị Hoà", sex=Sex.FEMALE, birth="1990", cccd="001190012345"),
            confirmed_different=True,
        )
    assert [p.field for p in info.value.problems] == ["cccd"]
    assert ws.people.count() == 1


def test_cccd_of_a_deleted_person_says_restore(ws: Workspace) -> None:
    pid = add(ws, "Lê Thị Hoa", sex=Sex.FEMALE, birth="1990", cccd="001190012345")
    ws.people.delete(pid)
    with pytest.raises(UserError) as info:
        ws.people.add(PersonInput(full_name="Lê Thị Hoa", sex=Sex.FEMALE, cccd="001190012345"))
    assert "Restore" in info.value.problems[0].message


def test_same_name_year_and_hamlet_warns_and_can_be_confirmed(
    ws: Workspace, hamlets: dict[str, str]
) -> None:
    add(ws, "Nguyễn Văn An", birth="1970", hamlet_id=hamlets["Thôn 2"])
    same = PersonInput(full_name="NGUYỄN VĂN AN", birth="05/06/1970", hamlet_id=hamlets["Thôn 2"])
    with pytest.raises(DuplicateWarning) as info:
        ws.people.add(same)
    assert [c.full_name for c in info.value.candidates] == ["Nguyễn Văn An"]
    assert ws.people.count() == 1
    ws.people.add(same, confirmed_different=True)
    assert ws.people.count() == 2


def duplicate_text(ws: Workspace, data: PersonInput) -> str:
    with pytest.raises(DuplicateWarning) as info:
        ws.people.add(data)
    text = user_error_text(info.value)
    assert "?" not in text
    return text


def test_the_same_name_and_birth_date_warns_whatever_the_hamlet(
    ws: Workspace, hamlets: dict[str, str]
) -> None:
    add(ws, "Nguyễn Văn An", birth="05/06/1970", hamlet_id=hamlets["Thôn 2"])
    # Blank hamlet, another hamlet, the name typed without marks: all warn, and say which.
    expected = tr(
        "{name}, born on {birth}, of {hamlet}, is already in the list. "
        "Open that person instead, or confirm this is a different person.",
        name="Nguyễn Văn An", birth="05/06/1970", hamlet="Thôn 2",
    )  # fmt: skip
    for hamlet in (None, hamlets["Thôn 1"], hamlets["Thôn 2"]):
        same = PersonInput(full_name="nguyen van  AN", birth="5/6/1970", hamlet_id=hamlet)
        assert duplicate_text(ws, same) == expected
    assert ws.people.count() == 1
    # Another day of the same year is another person.
    add(ws, "Nguyễn Văn An", birth="06/06/1970")
    assert ws.people.count() == 2


def test_a_year_alone_matches_that_year(ws: Workspace, hamlets: dict[str, str]) -> None:
    add(ws, "Trần Thị Bích", birth="1985")
    add(ws, "Lê Văn Cường", birth="12/03/1960", hamlet_id=hamlets["Thôn 1"])
    # A full date against a known year, and a year against a known full date.
    text = duplicate_text(ws, PersonInput(full_name="Trần Thị Bích", birth="07/03/1985"))
    assert text == tr(
        "{name}, born in {birth}, is already in the list. "
        "Open that person instead, or confirm this is a different person.",
        name="Trần Thị Bích", birth="1985",
    )  # fmt: skip
    text = duplicate_text(ws, PersonInput(full_name="Lê Văn Cường", birth="1960"))
    assert "12/03/1960" in text and "Thôn 1" in text
    add(ws, "Trần Thị Bích", birth="1986")  # another year: no warning
    assert ws.people.count() == 3


def test_no_birth_matches_no_birth_and_several_namesakes_are_counted(ws: Workspace) -> None:
    add(ws, "Phạm Văn Đức")
    assert duplicate_text(ws, PersonInput(full_name="Phạm Văn Đức")) == tr(
        "{name} is already in the list. "
        "Open that person instead, or confirm this is a different person.",
        name="Phạm Văn Đức",
    )
    add(ws, "Phạm Văn Đức", birth="1990")  # a birth year tells them apart
    ws.people.add(PersonInput(full_name="Phạm Văn Đức"), confirmed_different=True)
    with pytest.raises(DuplicateWarning) as info:
        ws.people.add(PersonInput(full_name="PHAM VAN DUC"))
    assert len(info.value.candidates) == 2
    assert user_error_text(info.value) == tr(
        "{count} people named {name} with the same birth are already in the list. "
        "Open one of them instead, or confirm this is a different person.",
        count=2, name="Phạm Văn Đức",
    )  # fmt: skip


def test_editing_a_person_does_not_warn_about_themselves(ws: Workspace) -> None:
    pid = add(ws, "Hoàng Minh Đức", birth="20/11/2001")
    person = ws.people.get(pid)
    data = PersonInput(full_name="Hoàng Minh Đức", birth="20/11/2001", phone="0987654321")
    ws.people.update(pid, data, expected_version=person.version)
    assert ws.people.count() == 1


def test_update_changes_fields_and_bumps_version(ws: Workspace) -> None:
    pid = add(ws, "Trần Văn Bình", birth="1980")
    before = ws.people.get(pid)
    ws.people.update(
        pid, PersonInput(full_name="Trần Văn Bình", birth="1980", phone="0987654321"),
        expected_version=before.version,
    )  # fmt: skip
    after = ws.people.get(pid)
    assert after.phone == "0987654321"
    assert after.version > before.version
    assert ws.people.search("0987")[0].id == pid


def test_update_refuses_a_stale_version(ws: Workspace) -> None:
    pid = add(ws, "Trần Văn Bình")
    stale = ws.people.get(pid).version
    ws.people.update(pid, PersonInput(full_name="Trần Văn Bính"))
    with pytest.raises(UserError):
        ws.people.update(pid, PersonInput(full_name="Trần Văn Bình"), expected_version=stale)
    assert ws.people.get(pid).full_name == "Trần Văn Bính"


def test_delete_is_soft_and_restore_undoes_it(ws: Workspace) -> None:
    pid = add(ws, "Trần Văn Bình")
    ws.people.delete(pid)
    assert ws.people.count() == 0
    assert ws.people.search("binh") == []
    assert ws.people.get(pid).deleted
    ws.people.restore(pid)
    assert [r.id for r in ws.people.search("binh")] == [pid]


def test_every_change_is_audited_without_personal_data(ws: Workspace) -> None:
    pid = add(ws, "Trần Văn Bình", phone="0987654321")
    ws.people.update(pid, PersonInput(full_name="Trần Văn Bình", phone="0912345678"))
    ws.people.delete(pid)
    ws.people.restore(pid)
    rows = ws.db.conn.execute(
        "SELECT action, detail FROM audit WHERE entity = 'person' AND record_id = ? ORDER BY seq",
        (pid,),
    ).fetchall()
    assert [r[0] for r in rows] == [
        "person.add",
        "person.update",
        "person.delete",
        "person.restore",
    ]
    assert rows[1][1] == "phone"
    assert all("0912" not in r[1] for r in rows)


def test_keyset_pages_match_offset_pages_in_every_order(
    ws: Workspace, hamlets: dict[str, str]
) -> None:
    ids = list(hamlets.values())
    given = ["An", "Ánh", "Bình", "Chi", "Dũng", "Đạt", "Giang", "Hà", "Hải"]
    for i in range(90):
        add(
            ws, f"Nguyễn Văn {given[i % len(given)]}", birth=str(1950 + i % 40),
            hamlet_id=ids[i % 3], phone=f"09{i:08d}",
        )  # fmt: skip
    for order in PeopleOrder:
        for descending in (False, True):
            everything = [
                k.row.id for k in ws.people.page(order=order, descending=descending, limit=1000)
            ]
            assert len(everything) == 90
            walked: list[str] = []
            after = None
            while True:
                page = ws.people.page(order=order, descending=descending, after=after, limit=7)
                if not page:
                    break
                walked += [k.row.id for k in page]
                after = page[-1].key
            assert walked == everything
            jumped = ws.people.page(order=order, descending=descending, offset=40, limit=7)
            assert [k.row.id for k in jumped] == everything[40:47]


def test_hamlet_order_is_natural(ws: Workspace, hamlets: dict[str, str]) -> None:
    add(ws, "Lê Văn A", hamlet_id=hamlets["Thôn 10"])
    add(ws, "Lê Văn B", hamlet_id=hamlets["Thôn 2"])
    add(ws, "Lê Văn C", hamlet_id=hamlets["Thôn 1"])
    rows = [k.row.hamlet_name for k in ws.people.page(order=PeopleOrder.HAMLET)]
    assert rows == ["Thôn 1", "Thôn 2", "Thôn 10"]


def test_search_count_matches_the_rows(ws: Workspace) -> None:
    for name in ["Nguyễn Văn An", "Nguyễn Thị Ánh", "Trần Văn Nguyên"]:
        add(ws, name)
    assert ws.people.count("nguyen") == 3
    assert ws.people.count("nguyen van an") == 1
    assert ws.people.count("   ") == 0


def test_both_search_strategies_give_the_same_pages(
    ws: Workspace, hamlets: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Few matches are sorted; many are filtered while walking an index. Same answers."""
    from desktop_app.storage import people as storage_people

    ids = list(hamlets.values())
    names = ["Nguyễn Văn An", "Nguyễn Thị Ánh", "Trần Văn Nguyên", "Lê Đức Anh", "Phạm Thị Ngân"]
    for i in range(60):
        add(ws, names[i % 5], birth=str(1960 + i), hamlet_id=ids[i % 3], phone=f"09{i:08d}")
    queries = ["nguyen", "an", "NGUYỄN VĂN", "ngu a", "091", "d"]

    def pages(query: str, order: PeopleOrder, descending: bool) -> list[list[str]]:
        first = ws.people.page(order=order, descending=descending, query=query, limit=5)
        second = ws.people.page(
            order=order, descending=descending, query=query, after=first[-1].key, limit=5
        ) if first else []  # fmt: skip
        jumped = ws.people.page(order=order, descending=descending, query=query, offset=3, limit=4)
        return [[k.row.id for k in p] for p in (first, second, jumped)]

    expected = {
        (q, o, d): pages(q, o, d) for q in queries for o in PeopleOrder for d in (False, True)
    }
    monkeypatch.setattr(storage_people, "FEW_MATCHES", 0)
    for (q, o, d), want in expected.items():
        assert pages(q, o, d) == want, (q, o, d)
    assert expected[("nguyen", PeopleOrder.NAME, False)][0]


def test_a_cccd_held_at_another_site_is_reported_not_refused(ws: Workspace) -> None:
    """An office file holds many centres' people: one number may be typed at two centres
    (a person who moved, or a typing mistake). It is shown for review, never refused."""
    cccd = "001085012345"
    add(ws, "Trần Văn Bình", cccd=cccd)
    other_site = "01900000-0000-7000-8000-000000000001"
    ws.db.conn.execute(
        "INSERT INTO person (id, owner_site, version, updated_at, full_name, sort_key,"
        " search_text, folded_name, cccd) VALUES (?, ?, 1, '', 'Trần Văn Bình', '', '', '', ?)",
        ("01900000-0000-7000-8000-0000000000aa", other_site, cccd),
    )
    shared = ws.people.cccd_shared_across_sites()
    assert [s.cccd for s in shared] == [cccd]
    assert other_site in shared[0].sites and ws.db.site_id in shared[0].sites
    # At this site the number still belongs to one person only.
    fields, problems = ws.people.check(PersonInput("Lê Thị Hoa", cccd=cccd))
    assert fields is None and [p.field for p in problems] == ["cccd"]
