"""The Qt binding must not leak or drop references to None (PySide6 6.12 on Python 3.11 drops
one on every call into Qt that returns nothing, and the app then dies with "Fatal Python
error: none_dealloc" after a few thousand label updates: pyproject pins it out)."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12")
def test_calls_into_qt_keep_none_alive(qtbot: QtBot) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(10_000):
        label.setText("Đã lưu.")
        label.setToolTip("")
    # A few references may come and go meanwhile; a drop per call would be 20,000.
    assert abs(sys.getrefcount(None) - before) < 100
