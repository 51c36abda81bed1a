"""What an office's pages ask of its database: which site owns a row it shows."""

from __future__ import annotations

from desktop_app.storage import office_views as repo
from desktop_app.storage.db import Database


def row_owner(db: Database, table: str, row_id: str) -> str | None:
    """The site that owns row `row_id` of `table` (None when the row is not held)."""
    return repo.row_owner(db, table, row_id)
