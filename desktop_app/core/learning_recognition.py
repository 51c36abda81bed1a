"""Recognition of the learning models' subjects (pure): the signed text inside a Giấy công
nhận's QR code, what its subject line says, and the sources of the default targets.

A recognition is an entry of the register "Sổ cấp Giấy công nhận": its own series of numbers
per site and year ("12/2026"), separate from the course certificates' register. The number is
given when the commune's decision is recorded, never when printing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from desktop_app.core.certificates import MAX_DECISION, bare_hamlet, hamlet_label
from desktop_app.core.problems import N_, UserError
from desktop_app.core.sex import Sex
from desktop_app.core.text import fold

RECOGNITION_MAGIC = "TTHTCD-GCNHT/1"
MAX_NAME_IN_PAYLOAD = 160
_LINES = 11  # magic, site, serial, model, year, prefix, name, hamlet, decision, day, signature

# Where each default target comes from (core.learning_subjects.TARGET_RATES), as printed.
TARGET_SOURCES: dict[str, str] = {
    "family": "QĐ 281/QĐ-TTg 2014",
    "clan": "QĐ 281/QĐ-TTg 2014",
    "community": "QĐ 281/QĐ-TTg 2014",
    "unit": "QĐ 281/QĐ-TTg 2014",
    "citizen": "QĐ 677/QĐ-TTg 2022",
}


@dataclass(frozen=True)
class RecognitionFacts:
    """What a Giấy công nhận states, as signed into its QR code."""

    site_id: str
    serial: str  # "12/2026"
    model: str  # family, clan, community, unit, citizen
    year: int  # the year of the title ("Gia đình học tập năm 2026")
    prefix: str  # "Gia đình ông", "Dòng họ", "Thôn", ""
    name: str
    hamlet: str  # as printed, '' when none
    decision: str  # "12/QĐ-UBND"
    decided_on: dt.date

    def lines(self) -> list[str]:
        return [
            RECOGNITION_MAGIC,
            self.site_id,
            self.serial,
            self.model,
            str(self.year),
            _one_line(self.prefix),
            _one_line(self.name)[:MAX_NAME_IN_PAYLOAD],
            _one_line(self.hamlet)[:MAX_NAME_IN_PAYLOAD],
            _one_line(self.decision)[:MAX_DECISION],
            self.decided_on.isoformat(),
        ]

    def signed_bytes(self) -> bytes:
        """The exact bytes the signature covers."""
        return "\n".join(self.lines()).encode("utf-8")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def is_recognition_payload(text: str) -> bool:
    return text.replace("\r\n", "\n").strip("\n").split("\n", 1)[0] == RECOGNITION_MAGIC


def build_recognition_payload(facts: RecognitionFacts, signature: str) -> str:
    return "\n".join([*facts.lines(), signature])


def parse_recognition_payload(text: str) -> tuple[RecognitionFacts, str]:
    """Split a scanned QR text into the facts and the signature, or raise UserError."""
    lines = text.replace("\r\n", "\n").strip("\n").split("\n")
    if lines[0] != RECOGNITION_MAGIC or len(lines) != _LINES:
        raise UserError(
            N_("This is not the text of a recognition's QR code from this app; scan it again.")
        )
    try:
        year = int(lines[4])
        decided_on = dt.date.fromisoformat(lines[9])
    except ValueError:
        raise UserError(N_("The recognition's QR text is damaged; scan it again.")) from None
    facts = RecognitionFacts(
        site_id=lines[1], serial=lines[2], model=lines[3], year=year, prefix=lines[5],
        name=lines[6], hamlet=lines[7], decision=lines[8], decided_on=decided_on,
    )  # fmt: skip
    return facts, lines[-1]


def recognised_title(model_title: str, year: int) -> str:
    """'Gia đình học tập năm 2026'."""
    return f"{model_title} năm {year}"


def subject_line(
    kind: str, name: str, sex: str | None = None, hamlet_kind: str = "thon"
) -> tuple[str, str]:
    """(prefix, name) of the subject as the Giấy công nhận prints it: 'Gia đình ông' + the
    head of household; 'Dòng họ' + the clan (unless its name says it already); the hamlet's
    kind word + its bare name ('Thôn' + 'Đông'); a unit's name alone; 'Ông'/'Bà' + a person."""
    name = _one_line(name)
    if kind == "household":
        who = {Sex.MALE.value: "ông", Sex.FEMALE.value: "bà"}.get(sex or "", "ông/bà")
        return f"Gia đình {who}", name
    if kind == "clan":
        return ("" if fold(name).startswith("dong ho ") else "Dòng họ"), name
    if kind == "hamlet":
        label = hamlet_label(hamlet_kind)
        return label, bare_hamlet(label, name)
    if kind == "person":
        return {Sex.MALE.value: "Ông", Sex.FEMALE.value: "Bà"}.get(sex or "", "Ông/Bà"), name
    return "", name


def parse_percent(text: str) -> float:
    """'70', '70%', '62,5' -> the share (0.7); a UserError outside 0-100 %."""
    cleaned = text.strip().rstrip("%").strip().replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        value = float("nan")
    if not 0 <= value <= 100:  # also refuses nan
        raise UserError(
            N_("A target is a percentage from 0 to 100, not {value}."), {"value": text.strip()}
        )
    return value / 100
