"""The reporting deadlines the centre changed, kept in this installation's settings (they do
not travel: each centre answers to its own offices)."""

from __future__ import annotations

import json

from desktop_app.core.deadlines import DeadlineSettings
from desktop_app.storage.db import Database
from desktop_app.storage.tx import Tx

SETTING_KEY = "deadlines"


def read_settings(db: Database) -> DeadlineSettings:
    row = db.conn.execute("SELECT value FROM setting WHERE key = ?", (SETTING_KEY,)).fetchone()
    if row is None:
        return DeadlineSettings.empty()
    try:
        data = json.loads(str(row[0]))
    except ValueError:
        return DeadlineSettings.empty()
    return DeadlineSettings.from_json(data)


def write_settings(tx: Tx, settings: DeadlineSettings, detail: str) -> None:
    value = json.dumps(settings.to_json(), ensure_ascii=False, sort_keys=True)
    tx.conn.execute(
        "INSERT INTO setting (key, value) VALUES (?, ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (SETTING_KEY, value),
    )
    tx.note("setting", SETTING_KEY, detail)


def clear_settings(tx: Tx) -> None:
    tx.conn.execute("DELETE FROM setting WHERE key = ?", (SETTING_KEY,))
    tx.note("setting", SETTING_KEY, "reset")
