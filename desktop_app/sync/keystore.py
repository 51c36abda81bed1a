"""Where this installation's private keys live: a key file per site in the user's config
folder, outside the database (DESIGN section 5), so a copy of the database can verify but
never issue."""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_config_dir

from desktop_app.appinfo import APP_AUTHOR, APP_NAME


def key_dir() -> Path:
    """The folder of key files; `TTHTCD_KEY_DIR` moves it (tests)."""
    override = os.environ.get("TTHTCD_KEY_DIR")
    if override:
        return Path(override)
    return Path(user_config_dir(APP_NAME, APP_AUTHOR)) / "keys"


def key_file(site_id: str) -> Path:
    """The key file of one site, found by the site's id."""
    return key_dir() / f"{site_id}.key"
