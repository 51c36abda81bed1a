"""`tthtcd models forms`: the registration forms of a household, a hamlet and a clan, read
back with pdftotext; the database's own path refused."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_app.core.people import PersonInput
from desktop_app.services.workspace import Workspace
from tests.documents.test_roster import page_count, text_of

pytestmark = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in ("pdftotext", "pdfinfo")),
    reason="poppler-utils (pdftotext, pdfinfo) is not installed",
)

Run = Callable[..., tuple[int, str, str]]
THIS_YEAR = dt.date.today().year
PLEDGES = ("Học tập của trẻ em", "Học tập của người lớn", "Điều kiện học tập của gia đình",
           "Hiệu quả học tập")  # fmt: skip


@pytest.fixture
def db(demo_copy: Callable[..., Path]) -> Path:
    return demo_copy(150, 4)


@pytest.fixture
def run(run_en: Run) -> Run:
    return run_en


def test_a_registered_households_form(db: Path, run: Run, tmp_path: Path) -> None:
    with Workspace.open(db, read_only=True) as ws:
        registration = ws.models.registrations("family", THIS_YEAR)[0]
        members = ws.households.members(registration.subject_id)
    out = tmp_path / "form.pdf"
    code, stdout, err = run("models", "forms", "--db", str(db), "--year", str(THIS_YEAR),
                            "--household", registration.subject_id, "--out", str(out))  # fmt: skip
    assert code == 0, err
    assert "registration forms: 1, pages: 1" in stdout
    assert page_count(out) == 1
    text = text_of(out)
    assert f"GIẤY ĐĂNG KÝ GIA ĐÌNH HỌC TẬP NĂM {THIS_YEAR}" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert f"Họ và tên chủ hộ: {registration.subject_name}" in text
    for m in members:
        assert m.full_name in text
    for pledge in PLEDGES:
        assert pledge in text
    assert registration.registered_on is not None
    assert registration.registered_on.strftime("ngày %d tháng %m năm %Y") in text
    with Workspace.open(db, read_only=True) as ws:
        audited = ws.db.conn.execute(
            "SELECT count(*) FROM audit WHERE action = 'family_form.print' AND entity = 'household'"
        ).fetchone()[0]
    assert audited == 1


def test_a_hamlets_batch_is_one_page_a_household(db: Path, run: Run, tmp_path: Path) -> None:
    with Workspace.open(db, read_only=True) as ws:
        registered = ws.models.registrations("family", THIS_YEAR)
        hamlet = registered[0].hamlet_name
        hamlet_id = next(h.id for h in ws.centre.hamlets() if h.name == hamlet)
        households = ws.db.conn.execute(
            "SELECT count(*) FROM household WHERE hamlet_id = ? AND deleted = 0", (hamlet_id,)
        ).fetchone()[0]
    ours = [r for r in registered if r.hamlet_name == hamlet]
    assert 0 < len(ours) < households
    every, only = tmp_path / "every.pdf", tmp_path / "registered.pdf"
    base = ("models", "forms", "--db", str(db), "--year", str(THIS_YEAR), "--hamlet", hamlet)
    assert run(*base, "--out", str(every))[0] == 0
    assert run(*base, "--registered", "--out", str(only))[0] == 0
    assert page_count(every) == households
    assert page_count(only) == len(ours)
    heads = sorted(text_of(only, page).split("Họ và tên chủ hộ: ")[1] for page in range(1, 3))
    assert all(any(h.startswith(r.subject_name) for r in ours) for h in heads)


def test_a_clans_form(db: Path, run: Run, tmp_path: Path) -> None:
    with Workspace.open(db, read_only=True) as ws:
        clan = ws.models.clans()[0]
        households = ws.models.clan_households(clan.id)
    out = tmp_path / "clan.pdf"
    code, _, err = run("models", "forms", "--db", str(db), "--year", str(THIS_YEAR),
                       "--clan", clan.id, "--out", str(out))  # fmt: skip
    assert code == 0, err
    text = text_of(out)
    assert f"GIẤY ĐĂNG KÝ DÒNG HỌ HỌC TẬP NĂM {THIS_YEAR}" in text
    assert f"Tên dòng họ: {clan.name}" in text and "TRƯỞNG DÒNG HỌ" in text
    for h in households:
        assert h.name in text


GIVEN = ("An", "Bình", "Chi", "Dũng", "Giang", "Hoa", "Khánh", "Lan", "Minh", "Nga", "Phúc",
         "Quyên")  # fmt: skip


def _long_name(given: str) -> str:
    """A name of about 80 characters (the registry's longest) ending in `given`."""
    body = "Tôn Nữ Hoàng Thị Ngọc Bảo Châu Phương Thảo Diễm Kiều Xuân Hương Lan Anh Minh Thư Ngọc"
    return f"{body[: 79 - len(given)].rstrip()} {given}"


def test_twelve_members_with_long_names_on_one_page(tmp_path: Path, run: Run) -> None:
    db = tmp_path / "centre.sqlite3"
    names = [_long_name(g) for g in GIVEN]
    with Workspace.open(db, create=True) as ws:
        ws.centre.add_hamlet("Thôn Đông")
        hamlet = ws.centre.hamlets()[0].id
        ids = [
            ws.people.add(PersonInput(full_name=name, birth=str(1950 + i), hamlet_id=hamlet)).value
            for i, name in enumerate(names)
        ]
        household = ws.households.create(ids[0]).value
        for person in ids[1:]:
            ws.households.add_member(household, person, "Con")
        stored = [m.full_name for m in ws.households.members(household)]
    assert len(stored) == 12 and all(len(name) >= 78 for name in stored)
    out = tmp_path / "form.pdf"
    code, _, err = run("models", "forms", "--db", str(db), "--year", "2026",
                       "--household", household, "--out", str(out))  # fmt: skip
    assert code == 0, err
    assert page_count(out) == 1
    text = text_of(out)
    for name in stored:
        assert name in text
    assert text.count(stored[0]) >= 3  # the facts, the table and under the signature
    assert "Ngày ...... tháng ...... năm" in text  # not registered: dated by hand


def test_refusals(db: Path, run: Run, tmp_path: Path) -> None:
    with Workspace.open(db, read_only=True) as ws:
        household = ws.models.registrations("family", THIS_YEAR)[0].subject_id
    before = db.read_bytes()
    base = ("models", "forms", "--db", str(db), "--year", str(THIS_YEAR))
    code, _, err = run(*base, "--household", household, "--out", str(db))
    assert code == 1 and "database" in err
    assert db.read_bytes() == before
    code, _, err = run(*base, "--household", "nope", "--out", str(tmp_path / "x.pdf"))
    assert code == 1 and "no household with the id nope" in err
    code, _, err = run(*base, "--household", household, "--registered",
                       "--out", str(tmp_path / "x.pdf"))  # fmt: skip
    assert code == 2 and "--registered" in err
    code, _, err = run(*base, "--out", str(tmp_path / "x.pdf"))
    assert code == 2
    code, _, err = run("models", "forms", "--db", str(db), "--year", "2010",
                       "--household", household, "--out", str(tmp_path / "x.pdf"))  # fmt: skip
    assert code == 1 and "no criteria set" in err
    assert not (tmp_path / "x.pdf").exists()
