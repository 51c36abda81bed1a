"""The Hội Khuyến học sections of the main window: Members and Fund."""

from desktop_app.ui.khuyen_hoc.fund_page import FundPage
from desktop_app.ui.khuyen_hoc.members_page import MembersPage

__all__ = ["FundPage", "MembersPage"]
