"""Saving every registered subject's sheet from the records in one operation (`save_all`):
those without a saved assessment are saved, those saved (with hand values) are kept unless
`replace`; the items saved are the same as one by one; the status counts follow."""

from __future__ import annotations

import json

from desktop_app.core.learning_models import ItemValue
from desktop_app.services import learning_assessment as service
from desktop_app.services.workspace import Workspace
from tests.services.test_learning_assessment import ON, YEAR, family, home

__all__ = ["home"]  # the fixture, used by name


def test_save_all_saves_the_unsaved_and_keeps_the_hand_edited(
    ws: Workspace, home: dict, hamlets: dict[str, str]
) -> None:
    other, _ = family(ws, hamlets["Thôn 2"], [("Phạm Thị Hoa", "1970"), ("Đỗ Văn Tú", "1968")])
    third, _ = family(ws, hamlets["Thôn 2"], [("Hoàng Văn Tư", "1990")])
    unregistered, _ = family(ws, hamlets["Thôn 1"], [("Vũ Thị Năm", "1985")])
    ws.models.register("family", YEAR, other, on=ON)
    ws.models.register("family", YEAR, third, on=ON)
    # One saved by hand: 1.2 and 1.3 typed (no record source: no reason needed).
    hand = {"1.2": ItemValue(10, source="hand"), "1.3": ItemValue(8, source="hand")}
    kept = ws.assessments.save_assessment("family", YEAR, other, hand).value
    # 10 + 8, 1.1 (no child: counted as met) 10, 2.1 (all assumed literate) 10.
    assert kept.total == 38

    result = ws.assessments.save_all("family", YEAR)
    assert result.value == 2  # home and third; other kept
    assert result.changes.touches("model_assessment")
    summaries = ws.assessments.saved_summaries("family", YEAR)
    assert set(summaries) == {home["id"], other, third}
    assert unregistered not in summaries
    assert summaries[other].total == 38 and summaries[other].hand == 2
    assert summaries[home["id"]].total == 10 and summaries[home["id"]].hand == 0
    assert summaries[home["id"]].level == "Chưa đạt" and not summaries[home["id"]].passed
    # What was saved in bulk is what one by one saves: same items, same sources.
    bulk = ws.assessments.saved("family", YEAR, home["id"])
    assert bulk is not None
    sheet = ws.assessments.assess("family", YEAR, home["id"])
    assert bulk.items == json.loads(json.dumps(service._items_json(sheet)))
    assert bulk.items["2.2"]["source"]["params"]["courses"] == "Lớp tin học, Trồng lúa"

    # Nothing left to save: nothing written.
    again = ws.assessments.save_all("family", YEAR)
    assert again.value == 0 and not again.changes.touches("model_assessment")
    status = ws.models.status(YEAR)["family"]
    assert (status.registered, status.assessed, status.passed) == (3, 3, 0)

    # replace: every registered subject, the hand values gone.
    replaced = ws.assessments.save_all("family", YEAR, replace=True)
    assert replaced.value == 3
    summaries = ws.assessments.saved_summaries("family", YEAR)
    assert summaries[other].total == 20 and summaries[other].hand == 0
    rows = ws.db.conn.execute(
        "SELECT count(*), count(DISTINCT registration_id) FROM model_assessment WHERE deleted = 0"
    ).fetchone()
    assert tuple(rows) == (3, 3)


def test_the_saved_hand_values_come_back_on_the_sheet(ws: Workspace, home: dict) -> None:
    hand = {"2.2": ItemValue(100, source="hand", reason="bà Em học ở xã khác")}
    ws.assessments.save_assessment("family", YEAR, home["id"], hand)
    sheet, saved = ws.assessments.sheet_as_saved("family", YEAR, home["id"])
    assert saved is not None and saved.total == sheet.total == 20
    item = next(i for i in sheet.items if i.item.code == "2.2")
    assert item.value is not None and item.value.value == 100
    assert item.value.reason == "bà Em học ở xã khác" and item.overridden
    assert service.hand_values(saved) == {
        "2.2": ItemValue(100, source="hand", reason="bà Em học ở xã khác")
    }
