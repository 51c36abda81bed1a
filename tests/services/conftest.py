from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.people import HamletKind
from desktop_app.services.workspace import Workspace


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    """A new database file with three hamlets."""
    workspace = Workspace.open(tmp_path / "centre.sqlite3", create=True)
    for name in ("Thôn 1", "Thôn 2", "Thôn 10"):
        workspace.centre.add_hamlet(name, HamletKind.THON)
    yield workspace
    workspace.close()


@pytest.fixture
def hamlets(ws: Workspace) -> dict[str, str]:
    return {h.name: h.id for h in ws.centre.hamlets()}
