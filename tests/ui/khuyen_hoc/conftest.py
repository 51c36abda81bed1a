"""A centre with branches, members, a dues rate and an empty fund, and the pages' context."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from desktop_app.core.members import DuesRate
from desktop_app.services.fund import FundInput
from desktop_app.services.members import MemberInput
from desktop_app.services.workspace import Workspace
from desktop_app.ui import preview as preview_module
from desktop_app.ui.context import AppContext

YEAR = dt.date.today().year
RATE = 20_000
FUND_NAME = "Quỹ Khuyến học xã"
BRANCH_1 = "Chi hội Thôn 1"
BRANCH_2 = "Chi hội Thôn 2"


@pytest.fixture
def kh_db(people_db: Path) -> Path:
    """people_db plus two branches (3 members and 1), this year's rate, an empty fund."""
    with Workspace.open(people_db) as ws:
        hamlets = ws.centre.hamlets()
        ws.members.save_branch(BRANCH_1, hamlet_id=hamlets[0].id)
        ws.members.save_branch(BRANCH_2, hamlet_id=hamlets[1].id)
        branches = {b.name: b.id for b in ws.members.branches()}
        people = ws.people.roster()
        joined = dt.date(YEAR - 1, 3, 1)
        for i, person in enumerate(people[:4]):
            branch = branches[BRANCH_1] if i < 3 else branches[BRANCH_2]
            ws.members.add(MemberInput(person.id, branch, joined))
        ws.members.set_rate(DuesRate(YEAR, RATE, 30))
        ws.fund.create(FundInput(FUND_NAME, 0, dt.date(YEAR - 2, 1, 1)))
    return people_db


@pytest.fixture
def ctx(kh_db: Path, open_context: Callable[[Path], AppContext]) -> AppContext:
    return open_context(kh_db)


@pytest.fixture
def previews(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, str]]:
    """PDFs that would be previewed, instead of opening the preview dialog."""
    shown: list[tuple[Path, str]] = []

    def record(
        _parent: object, path: Path, suggested_name: str = "", _db_path: object = None
    ) -> None:
        shown.append((Path(path), suggested_name))

    monkeypatch.setattr(preview_module, "preview_pdf", record)
    return shown
