"""Giấy công nhận (templates/recognition.json) read back as the commune reads them: one page per
recognised subject, the title, the subject line, the decision line and the register number; a
120-character clan name whole and inside the border; a reprint marked; the QR code scanning
back to the signed text that verifies."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_app.core.learning_models import Item, ItemValue
from desktop_app.core.people import HamletKind, PersonInput, Sex
from desktop_app.documents.templates import load_template
from desktop_app.services.centre import CentreProfile
from desktop_app.services.workspace import Workspace
from tests.documents.test_certificates import _word_boxes, _zbar, needs_zbar, run
from tests.documents.test_roster import needs_poppler, page_count, text_of

YEAR = 2026
ON = dt.date(2026, 1, 10)
DECIDED = dt.date(2026, 11, 20)
WHY = "đã xác minh"
FAMILY_PASS = {c: ItemValue(10, reason=WHY) for c in ("1.2", "1.3", "2.3", "3.1", "4.1", "4.2")}
FAMILY_PASS |= {"1.1": ItemValue(100, reason=WHY), "2.2": ItemValue(100, reason=WHY)}
LONG_CLAN = (
    "Dòng họ Nguyễn Phúc Tôn Thất Hoàng Trần Lê Đặng Huỳnh Phạm Võ Đỗ Bùi Ngô Dương Lý "
    "Trịnh Đinh Lâm Mai Vương Hồ Quách Kiều"
)
assert len(LONG_CLAN) == 120


def full_marks(item: Item) -> ItemValue:
    value: bool | float = {"check": True, "percent": 100.0}.get(item.kind, item.max_points)
    return ItemValue(value, reason=WHY)


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    """Two recognised households, a recognised clan with a 120-character name, a recognised
    hamlet and a recognised adult, all by decisions of 20/11/2026."""
    workspace = Workspace.open(tmp_path / "centre.sqlite3", create=True)
    workspace.centre.save_profile(CentreProfile("Trung tâm học tập cộng đồng", "91",
                                                commune_code="31024"))  # fmt: skip
    hamlet = workspace.centre.add_hamlet("Thôn Đông", HamletKind.THON).value
    for name, sex in (("Nguyễn Văn An", Sex.MALE), ("Trần Thị Bình", Sex.FEMALE)):
        head = workspace.people.add(PersonInput(full_name=name, sex=sex, birth="1970",
                                                hamlet_id=hamlet)).value  # fmt: skip
        home = workspace.households.create(head).value
        workspace.assessments.save_assessment(
            "family", YEAR, home, FAMILY_PASS, register=True, on=ON
        )
    workspace.recognitions.recognise(
        "family", YEAR, "45/QĐ-UBND", DECIDED, signer_name="Lê Văn Hòa"
    )
    clan = workspace.models.add_clan(LONG_CLAN, hamlet_id=hamlet).value
    items = workspace.assessments.criteria_set("clan", YEAR).items
    workspace.assessments.save_assessment(
        "clan", YEAR, clan, {i.code: full_marks(i) for i in items}, register=True, on=ON
    )
    yield workspace
    workspace.close()


@needs_poppler
def test_one_page_per_recognised_with_title_subject_decision_and_serial(
    ws: Workspace, tmp_path: Path
) -> None:
    out = tmp_path / "gia-dinh.pdf"
    result = ws.recognitions.print_recognitions("family", YEAR, out)
    assert result.pages == page_count(out) == len(ws.recognitions.recognised("family", YEAR)) == 2
    first, second = text_of(out, 1), text_of(out, 2)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "ỦY BAN NHÂN DÂN XÃ ĐÔNG HÒA",
        "GIẤY CÔNG NHẬN",
        "GIA ĐÌNH HỌC TẬP NĂM 2026",
        "Công nhận: Gia đình ông Nguyễn Văn An",
        "Thôn: Đông",
        "Xếp loại: Tốt",
        "Theo Quyết định số 45/QĐ-UBND, ngày 20/11/2026",
        "Xã Đông Hòa, ngày 20 tháng 11 năm 2026",
        "TM. ỦY BAN NHÂN DÂN",
        "CHỦ TỊCH",
        "Lê Văn Hòa",
        "Số vào sổ: 1/2026",
    ):
        assert expected in first, expected
    assert "Gia đình bà Trần Thị Bình" in second and "Số vào sổ: 2/2026" in second
    assert "Bản in lại" not in first
    again = tmp_path / "lan-2.pdf"
    assert ws.recognitions.print_recognitions("family", YEAR, again).reprinted == 2
    assert "Bản in lại" in text_of(again, 1)


@needs_poppler
def test_a_120_character_clan_name_is_whole_and_inside_the_border(
    ws: Workspace, tmp_path: Path
) -> None:
    ws.recognitions.recognise("clan", YEAR, "46/QĐ-UBND", DECIDED)
    out = tmp_path / "dong-ho.pdf"
    assert ws.recognitions.print_recognitions("clan", YEAR, out).pages == 1
    text = text_of(out)
    # Its name says "Dòng họ" already: not printed twice.
    assert f"Công nhận: {LONG_CLAN}" in text
    assert "DÒNG HỌ HỌC TẬP NĂM 2026" in text and "…" not in text
    template = load_template("recognition")
    border = template.border.inner_inset
    width, height = template.page_width, template.page_height
    (boxes,) = _word_boxes(out)
    for x0, y0, x1, y1, word in boxes:
        assert border < x0 and x1 < width - border and border < y0 and y1 < height - border, word
    for i, (ax0, ay0, ax1, ay1, a) in enumerate(boxes):
        for bx0, by0, bx1, by1, b in boxes[i + 1 :]:
            overlap = min(ax1, bx1) - max(ax0, bx0) > 0.5 and min(ay1, by1) - max(ay0, by0) > 0.5
            assert not overlap, f"{a!r} over {b!r}"


@needs_zbar
def test_the_qr_code_scans_back_to_the_signed_text_that_verifies(
    ws: Workspace, tmp_path: Path
) -> None:
    out = tmp_path / "gia-dinh.pdf"
    ws.recognitions.print_recognitions("family", YEAR, out)
    run("pdftoppm", "-r", "150", "-f", "2", "-l", "2", "-png", str(out), str(tmp_path / "p"))
    (png,) = tmp_path.glob("p*.png")
    scanned = _zbar(png)
    assert scanned == ws.recognitions.recognised("family", YEAR)[1].payload
    check = ws.recognitions.verify(scanned)
    assert check.ok and check.facts is not None and check.facts.name == "Trần Thị Bình"
