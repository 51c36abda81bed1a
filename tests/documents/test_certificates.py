"""Certificates read back the way a person, a printer and a QR scanner read them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import re
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.graphics.barcode import qrencoder
from reportlab.graphics.barcode.qr import QrCodeWidget

from desktop_app.core.certificates import CertificateFacts, CertificateKind, build_payload
from desktop_app.core.progress import Cancelled
from desktop_app.documents.certificates import (
    CertificatePage,
    fit_text,
    qr_rows,
    render_certificates,
    render_certificates_zip,
    zip_member_name,
)
from desktop_app.documents.fonts import BOLD, REGULAR
from desktop_app.documents.templates import (
    ABSOLUTE_MIN_SIZE,
    PLACEHOLDER_FIELDS,
    TemplateError,
    load_template,
)

needs_poppler = pytest.mark.skipif(
    any(shutil.which(tool) is None for tool in ("pdftotext", "pdffonts", "pdfinfo")),
    reason="poppler-utils (pdftotext, pdffonts, pdfinfo) is not installed",
)
needs_zbar = pytest.mark.skipif(
    shutil.which("zbarimg") is None or shutil.which("pdftoppm") is None,
    reason="zbar-tools (zbarimg) or poppler-utils (pdftoppm) is not installed",
)

LONG_NAME = "Nguyễn Hoàng Thị Ngọc Bảo Châu Phương Thảo Tôn Nữ Diễm Kiều Xuân Hương"
LONG_TITLE = (
    "Kỹ thuật trồng lúa chất lượng cao và phòng trừ sâu bệnh tổng hợp theo hướng hữu cơ, "
    "bền vững cho nông dân các thôn ấp xã"
)
NAMES = ("Nguyễn Văn Đặng", "Trần Thị Ánh", "Đỗ Thị Ngọc Ẩn", LONG_NAME)
SIGNATURE = (
    "q3xLx2M0Yw1m1o8mNQ9Kp0b1n3Hq7Xj0oS2m3nV4b5C6d7E8f9G0h1I2j3K4l5M6n7O8p9Q0r1S2t3U4v5W6xw=="
)


def _payload(name: str, serial: str, title: str, kind: str = "completion") -> str:
    facts = CertificateFacts(
        site_id="79-26734-a1b2c3",
        serial=serial,
        kind=CertificateKind(kind),
        full_name=name,
        birth="07/03/1985",
        course_title=title,
        issued_on=dt.date(2026, 2, 5),
    )
    return build_payload(facts, SIGNATURE)


def make_page(name: str, number: int, **changes: object) -> CertificatePage:
    serial = f"{number}/2026"
    page = CertificatePage(
        kind="completion",
        serial=serial,
        full_name=name,
        birth="07/03/1985",
        hamlet="Đông",
        course_title="Kỹ thuật trồng lúa chất lượng cao",
        course_dates="05/01/2026 - 05/02/2026",
        result="Khá",
        place_date="Xã Đông Hòa, ngày 05 tháng 02 năm 2026",
        issuer_parent="UBND xã Đông Hòa",
        issuer="Trung tâm học tập cộng đồng",
        signer_title="Giám đốc",
        signer_name="Lê Thị Hoa",
        qr_payload="",
        reprint=False,
        salutation="Bà",
        hamlet_label="Thôn",
    )
    page = dataclasses.replace(page, **changes)  # type: ignore[arg-type]
    return dataclasses.replace(
        page, qr_payload=_payload(page.full_name, serial, page.course_title, page.kind)
    )


PAGES = [
    make_page(NAMES[0], 1),
    make_page(NAMES[1], 2, kind="commendation", result="Giỏi"),
    make_page(NAMES[2], 3, birth="", reprint=True),
    make_page(LONG_NAME, 4, course_title=LONG_TITLE),
    make_page(LONG_NAME, 5, course_title=LONG_TITLE, kind="commendation"),
    # Typed with a keyboard that sends decomposed letters; the PDF must hold composed ones.
    make_page(unicodedata.normalize("NFD", "Lê Hữu Phước"), 6),
]


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True).stdout.decode("utf-8")


def page_text(pdf: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    # A reader sees words, not where the layout broke the lines.
    return " ".join(run("pdftotext", "-enc", "UTF-8", *pages, str(pdf), "-").split())


@pytest.fixture(scope="module")
def pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("certificates") / "certificates.pdf"
    assert render_certificates(PAGES, out) == len(PAGES)
    return out


def test_fixture_names_are_what_we_claim() -> None:
    assert len(LONG_NAME) == 70
    assert len(LONG_TITLE) == 120
    assert all(unicodedata.is_normalized("NFC", name) for name in NAMES)


def test_placeholder_fields_are_the_page_fields() -> None:
    text_fields = {f.name for f in dataclasses.fields(CertificatePage) if f.type == "str"}
    assert text_fields - {"kind", "qr_payload"} == PLACEHOLDER_FIELDS


@needs_poppler
def test_one_landscape_a4_page_per_certificate(pdf: Path) -> None:
    info = dict(line.split(":", 1) for line in run("pdfinfo", str(pdf)).splitlines() if ":" in line)
    assert info["Pages"].strip() == str(len(PAGES))
    size = re.match(r"\s*([\d.]+) x ([\d.]+) pts \(A4\)", info["Page size"])
    assert size, info["Page size"]
    assert float(size.group(1)) > float(size.group(2)), "landscape"


@needs_poppler
def test_every_name_reads_back_exactly(pdf: Path) -> None:
    for number, page in enumerate(PAGES, start=1):
        text = page_text(pdf, number)
        name = unicodedata.normalize("NFC", page.full_name)
        assert name in text, f"page {number}: {name!r} not in {text!r}"
        assert unicodedata.is_normalized("NFC", text)
        assert f"Số vào sổ: {page.serial}" in text
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Độc lập - Tự do - Hạnh phúc" in text
        assert "UBND XÃ ĐÔNG HÒA" in text and "TRUNG TÂM HỌC TẬP CỘNG ĐỒNG" in text
        assert "Xã Đông Hòa, ngày 05 tháng 02 năm 2026" in text
        assert page.course_title in text
        title = "GIẤY CHỨNG NHẬN" if page.kind == "completion" else "GIẤY KHEN"
        assert title in text


@needs_poppler
def test_missing_birth_leaves_no_bare_label_and_reprint_is_marked(pdf: Path) -> None:
    texts = [page_text(pdf, n) for n in range(1, len(PAGES) + 1)]
    assert "Sinh ngày: 07/03/1985 Thôn: Đông" in texts[0]
    assert "Sinh" not in texts[2]  # the empty birth date of page 3
    assert f"Chứng nhận Bà: {NAMES[2]} Thôn: Đông" in texts[2]
    assert [("Bản in lại" in t) for t in texts] == [p.reprint for p in PAGES]


@needs_poppler
def test_left_out_line_closes_the_gap(tmp_path: Path) -> None:
    out = tmp_path / "gap.pdf"
    render_certificates(
        [make_page("Nguyễn Văn An", 1), make_page("Nguyễn Văn An", 2, birth="")], out
    )
    tops = []
    for page in _word_boxes(out):
        (hamlet,) = [box for box in page if box[4] == "Thôn:"]
        tops.append(hamlet[1])
    assert tops[0] - tops[1] == pytest.approx(8 * 72 / 25.4, abs=0.5)  # moved up one line


@needs_poppler
def test_salutation_hamlet_kind_and_qr_caption(tmp_path: Path) -> None:
    out = tmp_path / "words.pdf"
    pages = [
        make_page("Nguyễn Văn An", 1, salutation="Ông", hamlet_label="Tổ dân phố", hamlet="3"),
        make_page("Lê Thị Hoa", 2, salutation="Ông/Bà", hamlet=""),
        make_page("Trần Văn Ba", 3, preview=True),
        make_page("Trần Văn Ba", 4, kind="commendation", salutation="Ông"),
    ]
    render_certificates(pages, out)
    texts = [page_text(out, n) for n in range(1, len(pages) + 1)]
    assert "Chứng nhận Ông: Nguyễn Văn An" in texts[0]
    assert "Tổ dân phố: 3" in texts[0]
    assert "ông/bà" not in texts[0].casefold().replace("ông/bà:", "")
    assert "Chứng nhận Ông/Bà: Lê Thị Hoa Sinh ngày: 07/03/1985 Đã hoàn thành" in texts[1]
    assert "Thôn" not in texts[1]
    assert "Quét mã để kiểm tra giấy chứng nhận" in texts[0]
    assert "Quét mã" not in texts[2]  # a preview has no code, so no caption
    assert "Tặng Ông: Trần Văn Ba" in texts[3]
    assert "Quét mã để kiểm tra giấy khen" in texts[3]


@needs_poppler
def test_issuer_wraps_only_between_phrases(tmp_path: Path) -> None:
    out = tmp_path / "issuer.pdf"
    commune = "xã Đông Hưng Hiệp Thành Phước Lộc Thượng Hạ Tân Phú Trung Hòa Bình Minh Đức Long"
    commune += " An Khánh Hưng Thịnh"  # too long for one line even at the smallest size
    issuer = f"Trung tâm học tập cộng đồng {commune}"
    render_certificates([make_page("Nguyễn Văn An", 1, issuer=issuer)], out)
    text = run("pdftotext", "-layout", str(out), "-").splitlines()
    top = next(i for i, line in enumerate(text) if "UBND" in line)
    title = next(i for i, line in enumerate(text) if "GIẤY CHỨNG NHẬN" in line)
    lines = [" ".join(line.split()) for line in text[top + 1 : title] if line.strip()]
    # Two lines, broken between the centre and its commune, not inside "HỌC TẬP".
    assert lines == ["TRUNG TÂM HỌC TẬP CỘNG ĐỒNG", commune.upper()]


def test_names_wrap_between_whole_phrases() -> None:
    page = make_page("Nguyễn Văn An", 1, issuer="Trung tâm học tập cộng đồng phường Thủy Xuân")
    pieces = [(page.values()["issuer"].upper(), BOLD)]
    for width in range(60, 400, 5):
        fitted = fit_text(pieces, 13, 13, width)
        lines = [" ".join(text for text, _font, _w in line).split() for line in fitted.lines]
        for line in lines:
            assert line[0] not in ("TÂM", "TẬP", "ĐỒNG", "THỦY", "XUÂN"), (width, lines)


@needs_poppler
def test_only_embedded_liberation_serif(pdf: Path) -> None:
    rows = [line.split() for line in run("pdffonts", str(pdf)).splitlines()[2:] if line.strip()]
    assert rows
    fonts = {row[0].split("+")[-1]: row[-5] for row in rows}  # name -> emb column
    assert set(fonts) <= {
        "LiberationSerif",
        "LiberationSerif-Bold",
        "LiberationSerif-Italic",
        "LiberationSerif-BoldItalic",
    }, fonts
    assert {"LiberationSerif", "LiberationSerif-Bold", "LiberationSerif-Italic"} <= set(fonts)
    assert all(emb == "yes" for emb in fonts.values()), fonts


def _word_boxes(pdf: Path) -> list[list[tuple[float, float, float, float, str]]]:
    html = run("pdftotext", "-bbox", str(pdf), "-")
    pages = []
    for page in html.split("<page ")[1:]:
        boxes = [
            (float(a), float(b), float(c), float(d), word)
            for a, b, c, d, word in re.findall(
                r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)',
                page,
            )
        ]
        pages.append(boxes)
    return pages


@needs_poppler
def test_long_names_and_titles_stay_inside_the_border(pdf: Path) -> None:
    template = load_template("completion")
    border = template.border.inner_inset
    width, height = template.page_width, template.page_height
    for number, boxes in enumerate(_word_boxes(pdf), start=1):
        assert boxes
        for x0, y0, x1, y1, word in boxes:
            inside = border < x0 and x1 < width - border and border < y0 and y1 < height - border
            assert inside, f"page {number}: {word!r} at {(x0, y0, x1, y1)} crosses the border"
        # Nothing printed over anything else (a wrapped line pushing into the next one).
        for i, (ax0, ay0, ax1, ay1, a) in enumerate(boxes):
            for bx0, by0, bx1, by1, b in boxes[i + 1 :]:
                overlap_x = min(ax1, bx1) - max(ax0, bx0)
                overlap_y = min(ay1, by1) - max(ay0, by0)
                assert overlap_x <= 0.5 or overlap_y <= 0.5, f"page {number}: {a!r} over {b!r}"


@needs_poppler
def test_long_text_shrinks_then_wraps_within_its_width(pdf: Path) -> None:
    point = 72 / 25.4
    boxes = _word_boxes(pdf)[3]  # the 70-letter name and the 120-letter title
    # The body lines of the template: x_mm 45, max_width_mm 205, from y_mm 88 on; the
    # place-and-date line under them starts at y_mm 150.
    body = [b for b in boxes if b[0] >= 45 * point - 0.5 and 80 * point < b[1] < 145 * point]
    starts = [b for b in body if b[0] == pytest.approx(45 * point, abs=0.5)]
    assert len(starts) == 7, starts  # six lines, the course title on two
    assert all(x1 <= (45 + 205) * point + 0.5 for _, _, x1, _, _ in body), body


def _zbar(png: Path) -> str:
    # --raw: the symbol's text as bytes, without zbar's "QR-Code:" prefix or conversion to
    # the locale's charset. zbar follows the ECI 26 (UTF-8) marker, so the bytes are UTF-8;
    # it ends the output with one newline of its own, and the payload has newlines inside.
    result = subprocess.run(
        ["zbarimg", "-q", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
        capture_output=True,
        env={"LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    data = result.stdout
    assert data.endswith(b"\n")
    return data[:-1].decode("utf-8")


@needs_zbar
def test_qr_code_scans_back_to_exactly_the_payload(pdf: Path, tmp_path: Path) -> None:
    for number in (1, 4, 6):  # short, longest (name and title) and decomposed input
        stem = tmp_path / f"page{number}"
        run(
            "pdftoppm",
            "-r",
            "150",
            "-f",
            str(number),
            "-l",
            str(number),
            "-png",
            str(pdf),
            str(stem),
        )
        (png,) = tmp_path.glob(f"page{number}*.png")
        assert _zbar(png) == PAGES[number - 1].qr_payload


def _reference_rows(text: str, version: int) -> list[str]:
    # reportlab's own widget, told the version: its automatic choice forgets the 8 bits of the
    # ECI designator and fails ("code length overflow") for some lengths.
    value = [qrencoder.QRECI(26), qrencoder.QR8bitByte(text.encode("utf-8"))]
    widget = QrCodeWidget(value, barLevel="M", qrVersion=version)
    widget.qr.make()
    return ["".join("1" if dark else "0" for dark in row) for row in widget.qr.modules]


@settings(max_examples=25, deadline=None)
@given(st.text(max_size=400))
def test_qr_symbol_is_exactly_reportlabs(text: str) -> None:
    rows = qr_rows(text)
    version = (len(rows) - 17) // 4
    assert rows == _reference_rows(text, version)


def test_qr_symbol_of_real_payloads_is_exactly_reportlabs() -> None:
    for page in PAGES:
        rows = qr_rows(page.qr_payload)
        assert rows == _reference_rows(page.qr_payload, (len(rows) - 17) // 4)


_WORDS = st.text(
    alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyáàảãạấầẩẫậắằẳẵặéèẻẽẹếềểễệ ĐÂỮ-/0123456789",
    min_size=0,
    max_size=300,
)


@settings(max_examples=200, deadline=None)
@given(label=_WORDS, value=_WORDS, width=st.floats(min_value=20, max_value=600))
def test_fitted_text_never_exceeds_its_width(label: str, value: str, width: float) -> None:
    fitted = fit_text([(label, REGULAR), (value, BOLD)], 17, 12, width)
    assert len(fitted.lines) <= 2
    assert ABSOLUTE_MIN_SIZE <= fitted.size <= 17
    assert all(w <= width + 1e-6 for w in fitted.widths)
    printed = " ".join("".join(text for text, _, _ in line) for line in fitted.lines)
    if "…" not in printed:
        # Spans join without a space of their own ("Số:" + "12/2026").
        assert printed.split() == (label + value).split()


def test_fitting_order_full_then_shrunk_then_two_lines() -> None:
    short = fit_text([("Chứng nhận ông/bà: ", REGULAR), ("Trần Thị Ánh", BOLD)], 17, 12, 500)
    assert (short.size, len(short.lines)) == (17, 1)
    shrunk = fit_text([("Chứng nhận ông/bà: ", REGULAR), (LONG_NAME, BOLD)], 17, 12, 581)
    assert 12 <= shrunk.size < 17 and len(shrunk.lines) == 1
    wrapped = fit_text([("Đã hoàn thành khóa học: ", REGULAR), (LONG_TITLE, BOLD)], 15, 11, 581)
    assert len(wrapped.lines) == 2 and wrapped.widths[0] <= 581


def test_progress_reports_every_page(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    out = tmp_path / "all.pdf"

    def progress(done: int, total: int) -> bool:
        seen.append((done, total))
        return True

    render_certificates(PAGES[:3], out, progress=progress)
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert out.is_file()


@pytest.mark.parametrize("as_zip", [False, True])
def test_cancel_leaves_no_file(tmp_path: Path, as_zip: bool) -> None:
    out = tmp_path / ("all.zip" if as_zip else "all.pdf")
    render = render_certificates_zip if as_zip else render_certificates
    with pytest.raises(Cancelled):
        render(PAGES, out, progress=lambda done, total: done < 2)
    assert list(tmp_path.iterdir()) == []


def test_error_halfway_leaves_no_file(tmp_path: Path) -> None:
    out = tmp_path / "all.pdf"
    broken = [*PAGES[:2], dataclasses.replace(PAGES[2], qr_payload="x" * 5000)]
    with pytest.raises(ValueError, match="too long"):
        render_certificates(broken, out)
    assert list(tmp_path.iterdir()) == []


def test_unknown_kind_is_a_template_error_before_any_file(tmp_path: Path) -> None:
    # (recognition.json exists now: the Giấy công nhận of the learning models.)
    with pytest.raises(TemplateError, match=r"honour\.json"):
        render_certificates([dataclasses.replace(PAGES[0], kind="honour")], tmp_path / "x.pdf")
    assert list(tmp_path.iterdir()) == []


def test_zip_member_names() -> None:
    page = make_page("Nguyễn Văn An", 12)
    assert zip_member_name(page) == "012-2026_Nguyen_Van_An.pdf"
    assert zip_member_name(make_page("Đỗ Thị Ngọc Ẩn", 1234)) == "1234-2026_Do_Thi_Ngoc_An.pdf"
    assert zip_member_name(dataclasses.replace(page, full_name="")) == "012-2026.pdf"


@needs_poppler
def test_zip_has_one_pdf_per_person(tmp_path: Path) -> None:
    out = tmp_path / "all.zip"
    pages = [*PAGES, dataclasses.replace(PAGES[0], reprint=True)]  # same person twice
    assert render_certificates_zip(pages, out) == len(pages)
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        assert names[:3] == [
            "001-2026_Nguyen_Van_Dang.pdf",
            "002-2026_Tran_Thi_Anh.pdf",
            "003-2026_Do_Thi_Ngoc_An.pdf",
        ]
        assert names[-1] == "001-2026_Nguyen_Van_Dang-2.pdf"
        assert len(set(names)) == len(pages)
        for name, page in zip(names, pages, strict=True):
            member = tmp_path / name
            member.write_bytes(archive.read(name))
            assert "Pages:           1" in run("pdfinfo", str(member))
            assert unicodedata.normalize("NFC", page.full_name) in page_text(member)
    assert not out.with_suffix(".part").exists()


@needs_poppler
def test_a_centre_can_reword_its_template(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    data = json.loads(load_template("completion").path.read_text(encoding="utf-8"))
    for element in data["elements"]:
        if element.get("text") == "HOÀN THÀNH KHÓA HỌC":
            element["text"] = "HOÀN THÀNH LỚP XÓA MÙ CHỮ"
    (folder / "completion.json").write_text(json.dumps(data, ensure_ascii=False), "utf-8")
    out = tmp_path / "reworded.pdf"
    render_certificates(PAGES[:1], out, template_dir=folder)
    text = page_text(out)
    assert "HOÀN THÀNH LỚP XÓA MÙ CHỮ" in text and "HOÀN THÀNH KHÓA HỌC" not in text


def test_empty_batch_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError):
        render_certificates([], tmp_path / "none.pdf")


def test_pages_share_one_copy_of_the_fixed_content(tmp_path: Path) -> None:
    # Every page shares one copy of the border and fixed text (a PDF form).
    out = tmp_path / "many.pdf"
    render_certificates([make_page(f"Học Viên Số {i}", i) for i in range(1, 41)], out)
    assert out.stat().st_size < 40 * 3_000 + 60_000, out.stat().st_size
    assert io.BytesIO(out.read_bytes()).read(5) == b"%PDF-"
