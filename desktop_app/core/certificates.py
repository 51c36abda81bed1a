"""The certificate register's rules and the signed text inside a certificate's QR code."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from desktop_app.core.problems import N_, UserError

PAYLOAD_MAGIC = "TTHTCD-GCN/1"
MAX_TITLE_IN_PAYLOAD = 120


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

    def lines(self) -> list[str]:
        return [
            PAYLOAD_MAGIC,
            self.site_id,
            self.serial,
            self.kind.value,
            self.full_name,
            self.birth,
            self.course_title[:MAX_TITLE_IN_PAYLOAD],
            self.issued_on.isoformat(),
        ]

    def signed_bytes(self) -> bytes:
        """The exact bytes the signature covers."""
        return "\n".join(self.lines()).encode("utf-8")


def build_payload(facts: CertificateFacts, signature: str) -> str:
    return "\n".join([*facts.lines(), signature])


def parse_payload(text: str) -> tuple[CertificateFacts, str]:
    """Split a scanned QR text into the facts and the signature, or raise UserError."""
    lines = text.replace("\r\n", "\n").strip("\n").split("\n")
    if len(lines) != 9 or lines[0] != PAYLOAD_MAGIC:
        raise UserError(
            N_("This is not the text of a certificate's QR code from this app; scan it again.")
        )
    try:
        kind = CertificateKind(lines[3])
        issued = dt.date.fromisoformat(lines[7])
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
    )
    return facts, lines[8]


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
