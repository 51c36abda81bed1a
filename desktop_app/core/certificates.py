"""The certificate register's rules and the signed text inside a certificate's QR code."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from desktop_app.core.courses import RESULT_VI, Result
from desktop_app.core.people import Birth, HamletKind
from desktop_app.core.problems import N_, UserError
from desktop_app.core.sex import Sex

PAYLOAD_MAGIC = "TTHTCD-GCN/1"
# A certificate that cites a decision (a commendation) signs it too, in two more lines; a
# certificate without one keeps the first format, so every QR code printed before verifies.
PAYLOAD_MAGIC_DECISION = "TTHTCD-GCN/2"
MAX_TITLE_IN_PAYLOAD = 120
MAX_DECISION = 60


class CertificateKind(StrEnum):
    COMPLETION = "completion"  # Giấy chứng nhận hoàn thành khóa học
    COMMENDATION = "commendation"  # Giấy khen


KIND_LABELS: dict[CertificateKind, str] = {
    CertificateKind.COMPLETION: N_("Completion certificate"),
    CertificateKind.COMMENDATION: N_("Commendation"),
}


@dataclass(frozen=True)
class CertificateFacts:
    """What a certificate states, as signed into its QR code."""

    site_id: str
    serial: str  # "12/2026"
    kind: CertificateKind
    full_name: str
    birth: str  # as printed: "07/03/1985" or "1985"
    course_title: str
    issued_on: dt.date
    decision: str = ""  # "12/QĐ-TTHTCĐ"
    decision_date: dt.date | None = None

    def lines(self) -> list[str]:
        cites = bool(self.decision or self.decision_date)
        lines = [
            PAYLOAD_MAGIC_DECISION if cites else PAYLOAD_MAGIC,
            self.site_id,
            self.serial,
            self.kind.value,
            self.full_name,
            self.birth,
            self.course_title[:MAX_TITLE_IN_PAYLOAD],
            self.issued_on.isoformat(),
        ]
        if cites:
            day = self.decision_date.isoformat() if self.decision_date else ""
            lines += [self.decision[:MAX_DECISION], day]
        return lines

    def signed_bytes(self) -> bytes:
        """The exact bytes the signature covers."""
        return "\n".join(self.lines()).encode("utf-8")


def build_payload(facts: CertificateFacts, signature: str) -> str:
    return "\n".join([*facts.lines(), signature])


def parse_payload(text: str) -> tuple[CertificateFacts, str]:
    """Split a scanned QR text into the facts and the signature, or raise UserError."""
    lines = text.replace("\r\n", "\n").strip("\n").split("\n")
    expected = {PAYLOAD_MAGIC: 9, PAYLOAD_MAGIC_DECISION: 11}.get(lines[0])
    if expected is None or len(lines) != expected:
        raise UserError(
            N_("This is not the text of a certificate's QR code from this app; scan it again.")
        )
    decision, decision_day = (lines[8], lines[9]) if expected == 11 else ("", "")
    try:
        kind = CertificateKind(lines[3])
        issued = dt.date.fromisoformat(lines[7])
        decision_date = dt.date.fromisoformat(decision_day) if decision_day else None
    except ValueError:
        raise UserError(N_("The certificate's QR text is damaged; scan it again.")) from None
    facts = CertificateFacts(
        site_id=lines[1],
        serial=lines[2],
        kind=kind,
        full_name=lines[4],
        birth=lines[5],
        course_title=lines[6],
        issued_on=issued,
        decision=decision,
        decision_date=decision_date,
    )
    return facts, lines[-1]


def parse_serial(serial: str) -> tuple[int, int]:
    """'12/2026' -> (12, 2026)."""
    number, _, year = serial.partition("/")
    if not number.isdigit() or not year.isdigit():
        raise UserError(N_("A register number looks like 12/2026."))
    return int(number), int(year)


STATE_MAGIC = "TTHTCD-GCN-STATE/1"
VALID = "valid"
REVOKED = "revoked"


def state_message(payload: str, revoked_at: str | None, reason: str) -> bytes:
    """What a register row's state signature covers: the certificate's payload and whether
    (when, why) it was revoked. Un-revoking by hand no longer verifies."""
    state = REVOKED if revoked_at else VALID
    return "\n".join([STATE_MAGIC, payload, state, revoked_at or "", reason]).encode("utf-8")


def state_sig_text(revoked_at: str | None, signature: str) -> str:
    """Stored as 'revoked <sig>' or 'valid <sig>', so a revocation removed is named as such."""
    return f"{REVOKED if revoked_at else VALID} {signature}"


def split_state_sig(text: str) -> tuple[str, str]:
    """('revoked' | 'valid' | '', signature)."""
    state, _, signature = text.partition(" ")
    return (state, signature) if state in (VALID, REVOKED) else ("", "")


# What a certificate prints, in Vietnamese whatever the UI language (the wording is the law's).

KIND_TITLES_VI: dict[CertificateKind, str] = {
    CertificateKind.COMPLETION: "Giấy chứng nhận",
    CertificateKind.COMMENDATION: "Giấy khen",
}

# Who gets a commendation unless the secretary chose otherwise for the learner.
COMMENDED_RESULTS = frozenset({Result.EXCELLENT, Result.VERY_GOOD})


def commended(result: Result | None, chosen: bool | None) -> bool:
    """Whether a completer gets a commendation: the secretary's choice, else the result."""
    return chosen if chosen is not None else result in COMMENDED_RESULTS


def salutation(sex: str | None, birth: str = "", on: dt.date | None = None) -> str:
    """'Ông' or 'Bà' before a name; 'Ông/Bà' when the sex is not recorded; 'Em' for a learner
    under 18 on the day of issue (`birth` in ISO form, or a year), as a pupil is addressed."""
    if birth and on is not None:
        from desktop_app.core.fund import ADULT_AGE as ADULT_YEARS
        from desktop_app.core.fund import is_minor

        born = Birth.from_iso(birth)
        # With the year alone, only who is surely under 18 (a guess of "Em" for an adult
        # would offend more than "Ông/Bà" for a pupil).
        minor = (
            is_minor(born.year, born.month, born.day, on)
            if born.has_full_date
            else on.year - born.year < ADULT_YEARS
        )
        if minor:
            return "Em"
    if sex == Sex.MALE:
        return "Ông"
    if sex == Sex.FEMALE:
        return "Bà"
    return "Ông/Bà"


HAMLET_LABELS_VI: dict[HamletKind, str] = {
    HamletKind.THON: "Thôn",
    HamletKind.AP: "Ấp",
    HamletKind.BAN: "Bản",
    HamletKind.TO_DAN_PHO: "Tổ dân phố",
    HamletKind.KHU_PHO: "Khu phố",
    HamletKind.KHOM: "Khóm",
}


def hamlet_label(kind: str) -> str:
    """The label before a hamlet's name, as the commune calls it ('Thôn', 'Tổ dân phố')."""
    try:
        return HAMLET_LABELS_VI[HamletKind(kind)]
    except ValueError:
        return "Thôn"


def bare_hamlet(label: str, name: str) -> str:
    """The hamlet's name without its kind word, which the label already says ('Tổ dân phố 3'
    after 'Tổ dân phố:' prints as '3')."""
    name = " ".join(name.split())
    if name.casefold().startswith(label.casefold() + " "):
        return name[len(label) + 1 :]
    return name


def birth_label(birth: str) -> str:
    """'Sinh ngày' before a full date, 'Sinh năm' before a year alone."""
    return "Sinh ngày" if "/" in birth else "Sinh năm"


def achievement(result: Result | None) -> str:
    """What a commendation praises, from the learner's result."""
    if result in (Result.EXCELLENT, Result.VERY_GOOD, Result.GOOD):
        return f"Đã đạt thành tích học tập loại {RESULT_VI[result]} trong khóa học:"
    return "Đã có thành tích tốt trong học tập tại khóa học:"


def decision_line(decision: str, day: dt.date | None) -> str:
    """'Theo Quyết định số 12/QĐ-TTHTCĐ, ngày 20/05/2026'; '' without a decision."""
    if not decision:
        return ""
    when = f", ngày {day:%d/%m/%Y}" if day else ""
    return f"Theo Quyết định số {decision}{when}"


def clean_decision(text: str) -> str:
    """The decision's number as typed, without a 'Quyết định số' the user wrote before it."""
    words = " ".join(text.split())
    folded = words.casefold()
    for prefix in ("quyết định số", "quyết định", "qđ số", "số"):
        if folded.startswith(prefix + " ") or folded.startswith(prefix + ":"):
            words = words[len(prefix) + 1 :].strip(" :")
            break
    return words
