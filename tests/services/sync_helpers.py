"""Shared set-up of the sync tests: a centre and an office enrolled at each other."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from desktop_app.core.fund import EntryInput, EntryKind
from desktop_app.core.people import PersonInput, Sex
from desktop_app.services.fund import FundInput
from desktop_app.services.workspace import Workspace

D = dt.date(2026, 3, 2)


@dataclass
class Pair:
    centre: Workspace
    office: Workspace
    stick: Path  # the USB stick: a folder both see
    back: Path  # where the office writes acknowledgements

    def close(self) -> None:
        self.centre.close()
        self.office.close()


def make_centre(tmp: Path, name: str = "TTHTCĐ xã Đông Hòa") -> Workspace:
    ws = Workspace.open(tmp / f"{name[-8:].replace(' ', '_')}-centre.sqlite3", create=True)
    ws.sync.init_site("centre", name)
    return ws


def enrol(centre: Workspace, office: Workspace, folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    request = centre.sync.enrol_request(folder)
    reply = office.sync.enrol(request, folder)
    centre.sync.enrol_accept(reply)
    request.unlink()
    reply.unlink()


def make_pair(tmp: Path) -> Pair:
    centre = make_centre(tmp)
    office = Workspace.open(tmp / "office.sqlite3", create=True)
    office.sync.init_site("office", "Phòng GD huyện Tiền Hải")
    stick = tmp / "stick"
    back = tmp / "back"
    stick.mkdir()
    back.mkdir()
    enrol(centre, office, tmp / "enrol")
    return Pair(centre, office, stick, back)


def add_person(ws: Workspace, name: str, birth: str = "1980") -> str:
    return ws.people.add(PersonInput(name, Sex.FEMALE, birth), confirmed_different=True).value


def new_fund(ws: Workspace, opening: int = 0) -> str:
    return ws.fund.create(FundInput("Quỹ Khuyến học xã", opening, dt.date(2024, 1, 1))).value


def receipt(ws: Workspace, fund: str, amount: int) -> str:
    entry = EntryInput(
        fund, EntryKind.DONATION_CASH, D, amount, party_name="Công ty Bình Minh",
        reason="Ủng hộ quỹ khuyến học",
    )  # fmt: skip
    return ws.fund.record(entry, today=dt.date(2026, 11, 21)).value.id


def rows_of(path: Path, owner: str) -> dict[str, set[tuple[object, ...]]]:
    """Every travelling table's rows owned by `owner`, as sets of tuples (all columns)."""
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                " AND sql NOT LIKE 'CREATE VIRTUAL%' ORDER BY name"
            )
        ]
        out: dict[str, set[tuple[object, ...]]] = {}
        for table in tables:
            cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            if not {"owner_site", "version"} <= set(cols):
                continue
            out[table] = set(
                conn.execute(
                    f"SELECT {', '.join(cols)} FROM {table} WHERE owner_site = ?", (owner,)
                ).fetchall()
            )
        return out
    finally:
        conn.close()


def only(files: list[Path]) -> Path:
    assert len(files) == 1, files
    return files[0]


def bundles_in(folder: Path, kind: str = "") -> list[Path]:
    return sorted(p for p in folder.glob("*.tthbundle") if f"_{kind}_" in p.name or not kind)
