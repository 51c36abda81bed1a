"""Certificate templates: the bundled ones load, and a mistake in a centre's copy is reported
with the file and the problem, before anything is printed."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from desktop_app.documents.fonts import BOLD, ITALIC
from desktop_app.documents.templates import (
    PLACEHOLDER_FIELDS,
    TemplateError,
    load_template,
    template_path,
)


@pytest.mark.parametrize("name", ["completion", "commendation"])
def test_bundled_templates_load(name: str) -> None:
    template = load_template(name)
    assert template.path.name == f"{name}.json"
    assert template.page_width > template.page_height  # landscape A4
    texts = [element.label for element in template.elements]
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in texts
    assert "Độc lập - Tự do - Hạnh phúc" in texts
    title = "GIẤY CHỨNG NHẬN" if name == "completion" else "GIẤY KHEN"
    (big,) = [e for e in template.elements if e.label == title]
    assert big.colour[0] > 0.7 and big.colour[1] < 0.1 and big.colour[2] < 0.1  # red
    assert big.spans[0].font == BOLD
    used = frozenset().union(*(element.fields for element in template.elements))
    # Every field is printed somewhere, but what belongs to the other kind: a commendation
    # states its achievement (from the result) and its decision, a completion its result.
    other = {"achievement", "decision"} if name == "completion" else {"result"}
    other |= {"model_title", "signer_for"}  # a Giấy công nhận's (recognition.json)
    assert used == PLACEHOLDER_FIELDS - other
    (place,) = [e for e in template.elements if e.fields == {"place_date"}]
    assert place.spans[0].font == ITALIC
    assert any(e.only_if == "reprint" and e.label == "Bản in lại" for e in template.elements)


def _base() -> dict[str, Any]:
    return copy.deepcopy(json.loads(load_template("completion").path.read_text(encoding="utf-8")))


def _load(tmp_path: Path, data: Any) -> None:
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    load_template(path)


def _name_line(data: dict[str, Any]) -> dict[str, Any]:
    return next(e for e in data["elements"] if "spans" in e)


def test_unknown_placeholder_names_file_and_field(tmp_path: Path) -> None:
    data = _base()
    data["elements"].append(
        {"text": "Ngày sinh: {date_of_birth}", "x_mm": "centre", "y_mm": 140, "size": 14}
    )
    with pytest.raises(TemplateError) as caught:
        _load(tmp_path, data)
    message = str(caught.value)
    assert "mine.json" in message and "'date_of_birth'" in message
    assert "full_name" in message  # the fields that do exist are listed


def test_placeholder_inside_spans_is_checked(tmp_path: Path) -> None:
    data = _base()
    _name_line(data)["spans"][1]["text"] = "{ho_ten}"
    with pytest.raises(TemplateError, match=r"mine\.json.*span 2.*'ho_ten'"):
        _load(tmp_path, data)


@pytest.mark.parametrize(
    "text",
    ["{full_name.__class__}", "{full_name[0]}", "{0}", "{}", "{full_name!r}", "{full_name:>30}"],
)
def test_only_bare_field_names_are_placeholders(tmp_path: Path, text: str) -> None:
    data = _base()
    data["elements"][0]["text"] = text
    with pytest.raises(TemplateError, match=r"mine\.json: element 1"):
        _load(tmp_path, data)


def test_unbalanced_brace_is_reported(tmp_path: Path) -> None:
    data = _base()
    data["elements"][0]["text"] = "Số {serial"
    with pytest.raises(TemplateError, match=r"mine\.json: element 1.*placeholder"):
        _load(tmp_path, data)


def test_doubled_braces_print_a_brace(tmp_path: Path) -> None:
    data = _base()
    data["elements"][0]["text"] = "{{ghi chú}}"
    path = tmp_path / "braces.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert load_template(path).elements[0].spans[0].resolve({}) == "{ghi chú}"


@pytest.mark.parametrize("key", ["y_mm", "x_mm", "size"])
def test_missing_required_key(tmp_path: Path, key: str) -> None:
    data = _base()
    del data["elements"][2][key]
    with pytest.raises(
        TemplateError, match=rf"mine\.json: element 3.*missing required key '{key}'"
    ):
        _load(tmp_path, data)


def test_missing_border_or_elements(tmp_path: Path) -> None:
    for key in ("border", "qr", "elements"):
        data = _base()
        del data[key]
        with pytest.raises(TemplateError, match=rf"mine\.json.*'{key}'"):
            _load(tmp_path, data)


@pytest.mark.parametrize("colour", ["red", "#C0000", "#GG0000", 12, "#C00000FF"])
def test_bad_colour(tmp_path: Path, colour: object) -> None:
    data = _base()
    data["elements"][4]["colour"] = colour
    with pytest.raises(TemplateError, match=r"mine\.json: element 5.*bad colour"):
        _load(tmp_path, data)


def test_bad_border_colour(tmp_path: Path) -> None:
    data = _base()
    data["border"]["colour"] = "maroon"
    with pytest.raises(TemplateError, match=r"mine\.json: border: bad colour 'maroon'"):
        _load(tmp_path, data)


@pytest.mark.parametrize(
    ("key", "value", "problem"),
    [
        ("font", "heavy", "'font' is 'heavy'"),
        ("align", "middle", "'align' is 'middle'"),
        ("size", "14", "'size' must be a number"),
        ("size", True, "'size' must be a number"),
        ("size", 500, "between"),
        ("upper", "yes", "'upper' must be true or false"),
        ("only_if", "always", "'only_if'"),
        ("colour_hex", "#000000", "unknown key 'colour_hex'"),
        ("max_width_mm", 290, "past the border"),
        ("x_mm", 5, "outside the inner border"),
        ("y_mm", 205, "outside the inner border"),
    ],
)
def test_bad_element_values(tmp_path: Path, key: str, value: object, problem: str) -> None:
    data = _base()
    data["elements"][0][key] = value
    with pytest.raises(TemplateError) as caught:
        _load(tmp_path, data)
    assert "mine.json: element 1" in str(caught.value)
    assert problem in str(caught.value)


def test_group_that_could_be_pushed_off_the_page(tmp_path: Path) -> None:
    data = _base()
    for element in data["elements"]:
        if element.get("group") == "body":
            element["y_mm"] += 45
    with pytest.raises(TemplateError, match=r"mine\.json.*group 'body'.*below the border"):
        _load(tmp_path, data)


def test_qr_must_be_inside_the_border(tmp_path: Path) -> None:
    data = _base()
    data["qr"]["y_mm"] = 185
    with pytest.raises(TemplateError, match=r"mine\.json: qr: .*inside the inner border"):
        _load(tmp_path, data)


def test_not_json(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"format": 1,\n  "page": }', encoding="utf-8")
    with pytest.raises(TemplateError, match=r"broken\.json: not valid JSON at line 2"):
        load_template(path)


def test_missing_file_and_bad_names(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"nothing\.json: template file not found"):
        load_template("nothing", template_dir=tmp_path)
    with pytest.raises(TemplateError, match="not a template name"):
        template_path("../../etc/passwd")


def test_empty_field_values_print_nothing() -> None:
    template = load_template("completion")
    birth = next(e for e in template.elements if "birth" in e.fields)
    assert birth.spans[0].resolve({}) == ": "
    assert birth.spans[0].resolve({"birth_label": "Sinh năm", "birth": ""}) == "Sinh năm: "
    assert birth.only_if == "birth"  # and so it is not printed at all


def test_no_result_line_without_a_result(tmp_path: Path) -> None:
    import shutil
    import subprocess
    from dataclasses import replace as dc_replace

    from desktop_app.documents.certificates import CertificatePage, render_certificates

    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (make installs poppler-utils)")
    base = CertificatePage(
        kind="completion", serial="1/2026", full_name="Nguyễn Văn An", birth="1970",
        hamlet="Thôn 1", course_title="Trồng lúa", course_dates="ngày 02/03/2026",
        result="", place_date="Xã Đông Hòa, ngày 02 tháng 3 năm 2026",
        issuer_parent="UBND XÃ ĐÔNG HÒA", issuer="TRUNG TÂM HỌC TẬP CỘNG ĐỒNG",
        signer_title="GIÁM ĐỐC", signer_name="Lê Văn Ba", qr_payload="x",
    )  # fmt: skip
    out = tmp_path / "a.pdf"
    render_certificates([base, dc_replace(base, result="Khá")], out)
    pages = [
        subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(out), "-"],
                       capture_output=True, text=True, check=True).stdout
        for n in (1, 2)
    ]  # fmt: skip
    assert "Xếp loại" not in pages[0]
    assert "Xếp loại: Khá" in pages[1]
