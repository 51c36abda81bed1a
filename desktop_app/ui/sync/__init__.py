"""The Sync section: enrolment with an office and bundles on a USB stick (issue 10)."""

from desktop_app.ui.sync.page import SyncPage

__all__ = ["SyncPage"]
