"""Recognition of the learning models' subjects: the proposal list, the commune's decision and
the register of Giấy công nhận it fills, the batch print, revocation and the QR check.

A subject is proposed once it registered for the year and its saved assessment passed, until
it is recognised. Recording the decision (`recognise`) is the register entry: every subject it
recognises gets its number in the register "Sổ cấp Giấy công nhận" (its own series per site
and year of the decision, apart from the course certificates') and its signed QR text then,
in one operation; printing (`print_recognitions`) only prints them, as often as needed, the
second and later prints marked "Bản in lại".
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.core.certificates import (
    MAX_DECISION,
    REVOKED,
    bare_hamlet,
    birth_label,
    clean_decision,
    decision_line,
    hamlet_label,
    parse_serial,
    split_state_sig,
    state_message,
)
from desktop_app.core.dates import check_year, place_date_line
from desktop_app.core.learning_recognition import (
    RecognitionFacts,
    build_recognition_payload,
    parse_recognition_payload,
    recognised_title,
    subject_line,
)
from desktop_app.core.learning_subjects import MODEL_TITLES
from desktop_app.core.problems import N_, UserError
from desktop_app.core.text import fold, nfc
from desktop_app.services.centre import CentreService
from desktop_app.services.certificates import centre_issuer
from desktop_app.services.learning_models import LearningModelService, _subject_kind
from desktop_app.services.ops import OpChanges, OpResult, Ops
from desktop_app.services.outputs import check_output
from desktop_app.services.site_keys import SiteKeyService
from desktop_app.storage import certificates as cert_repo
from desktop_app.storage import learning_models as models_repo
from desktop_app.storage import learning_recognition as repo
from desktop_app.storage.db import Database, read_snapshot
from desktop_app.storage.learning_recognition import DecisionRow, RecognitionRow
from desktop_app.sync import keys

if TYPE_CHECKING:
    from desktop_app.documents.certificates import CertificatePage

__all__ = [
    "ISSUERS",
    "Proposal",
    "Recognised",
    "RecognitionPaper",
    "RecognitionPrint",
    "RecognitionResult",
    "RecognitionService",
    "RecognitionVerification",
]

# Who issues the Giấy công nhận: the commune's People's Committee (the usual case) or the
# centre itself.
ISSUERS = ("commune", "centre")
# What clean_decision leaves of a decision typed without its number.
_BARE_WORDS = frozenset({"quyet dinh so", "quyet dinh", "qd so", "qd", "so"})


@dataclass(frozen=True)
class Proposal:
    """A subject on the proposal list: registered, assessed and passed, not yet recognised."""

    registration_id: str
    subject_id: str
    name: str
    hamlet: str
    level: str
    total: float


@dataclass(frozen=True)
class Recognised:
    """A line of the recognised list (the register of Giấy công nhận of a model and year)."""

    id: str
    subject_id: str
    serial: str
    name: str  # as printed: "Gia đình ông Nguyễn Văn An"
    hamlet: str  # as printed: "Thôn Đông", '' when none
    level: str
    decision: str
    decided_on: dt.date
    print_count: int
    revoked_at: str | None
    revoke_reason: str
    payload: str


@dataclass(frozen=True)
class RecognitionResult:
    decision_id: str
    decision: str
    decided_on: dt.date
    serials: tuple[str, ...]
    ids: tuple[str, ...]
    # The decision had been recorded before: these are added to it (a supplementary list).
    supplementary: bool


@dataclass(frozen=True)
class RecognitionPaper:
    """The Giấy công nhận of a model and year as read from the database: rendered on any
    thread."""

    model: str
    year: int
    ids: tuple[str, ...]
    serials: tuple[str, ...]
    reprints: int
    pages: tuple[CertificatePage, ...]


@dataclass(frozen=True)
class RecognitionPrint:
    path: Path
    pages: int
    reprinted: int
    serials: tuple[str, ...]
    changes: OpChanges | None = None


@dataclass(frozen=True)
class RecognitionVerification:
    ok: bool
    reason: str  # msgid; empty when ok
    params: dict[str, str]
    facts: RecognitionFacts | None
    recognition: RecognitionRow | None


def _printed_name(prefix: str, name: str) -> str:
    return f"{prefix} {name}".strip()


def _printed_hamlet(label: str, name: str) -> str:
    return f"{label} {name}".strip() if name else ""


class RecognitionService:
    def __init__(
        self, db: Database, ops: Ops, models: LearningModelService, centre: CentreService
    ) -> None:
        self._db = db
        self._ops = ops
        self._models = models
        self._centre = centre
        self._keys = SiteKeyService(db, ops)

    # The proposal list -----------------------------------------------------------------

    def proposals(self, model: str, year: int) -> list[Proposal]:
        """The registered subjects of a model and year whose saved assessment passed and that
        are not recognised yet (a revoked recognition is not proposed again), with their
        level and total, by hamlet and name."""
        kind = _subject_kind(model)
        check_year(year)
        hamlets = dict(models_repo.hamlet_names(self._db))
        return [
            Proposal(
                p.registration_id,
                p.subject_id,
                p.name,
                hamlets.get(p.hamlet_id or "", "") if kind != "hamlet" else "",
                p.level,
                p.total,
            )
            for p in repo.proposals(self._db, model, kind, year)
        ]

    def decisions(self, model: str, year: int) -> list[DecisionRow]:
        """The decisions recorded for a model and year, by date."""
        _subject_kind(model)
        return repo.decisions(self._db, model, year)

    # The decision ----------------------------------------------------------------------

    def recognise(
        self,
        model: str,
        year: int,
        decision: str,
        decided_on: dt.date | None,
        subject_ids: Sequence[str] | None = None,
        *,
        issued_by: str = "commune",
        signer_name: str = "",
    ) -> OpResult[RecognitionResult]:
        """Record the commune's decision and recognise, by it, every subject on the proposal
        list (or those of `subject_ids`, which must all be on it), each numbered in the
        register with its signed QR text; one operation. The same decision given again (its
        number, with the same date) adds the new proposals to it. Refused, with nothing
        written: no number, no date, a date in the future or before the year (or before a
        subject registered or was assessed), an unknown subject, nothing to recognise."""
        kind = _subject_kind(model)
        check_year(year)
        title = MODEL_TITLES[model]
        number = clean_decision(nfc(decision))
        if fold(number) in _BARE_WORDS:  # "Quyết định số" with no number after it
            number = ""
        if not number or decided_on is None:
            raise UserError(
                N_(
                    "Give the number and the date of the commune's decision that recognises "
                    "them (e.g. 45/QĐ-UBND, 20/12/{year}); nothing was recognised."
                ),
                {"year": year},
            )
        if len(number) > MAX_DECISION:
            raise UserError(
                N_("The decision's number is too long (at most {max} characters)."),
                {"max": str(MAX_DECISION)},
            )
        day = f"{decided_on:%d/%m/%Y}"
        if decided_on > dt.date.today():
            raise UserError(
                N_("The decision's date {date} is in the future: check it. Nothing was "
                   "recognised."),
                {"date": day},
            )  # fmt: skip
        if decided_on.year < year:
            raise UserError(
                N_(
                    "A decision recognising {title} {year} cannot be dated {date}, before that "
                    "year began: check the date. Nothing was recognised."
                ),
                {"title": title, "year": year, "date": day},
            )
        if issued_by not in ISSUERS:
            raise UserError(
                N_("Say who issues the Giấy công nhận: commune or centre, not {value}."),
                {"value": issued_by},
            )
        self._keys.ensure()
        with self._ops.op("model.recognise") as op:
            proposed = repo.proposals(self._db, model, kind, year)
            if subject_ids is not None:
                wanted = list(dict.fromkeys(subject_ids))
                by_id = {p.subject_id: p for p in proposed}
                others = [s for s in wanted if s not in by_id]
                if others:
                    raise UserError(
                        N_(
                            "Not on the proposal list of {title} {year} (registered, assessed "
                            "and passed, not yet recognised): {names}. Nothing was recognised."
                        ),
                        {"title": title, "year": year, "names": self._names(others)},
                    )
                proposed = [by_id[s] for s in wanted]
            if not proposed:
                raise UserError(
                    N_(
                        "No one is proposed for {title} {year}: a subject is proposed once it "
                        "registered and its saved assessment passed, until it is recognised. "
                        "Nothing was recognised."
                    ),
                    {"title": title, "year": year},
                )
            for p in proposed:
                if p.registered_on is not None and decided_on < p.registered_on:
                    raise UserError(
                        N_(
                            "The decision is dated {date}, before {name} registered (on "
                            "{registered}): check the date. Nothing was recognised."
                        ),
                        {"date": day, "name": p.name,
                         "registered": f"{p.registered_on:%d/%m/%Y}"},
                    )  # fmt: skip
                if decided_on < p.assessed_on:
                    raise UserError(
                        N_(
                            "The decision is dated {date}, before the assessment of {name} "
                            "(on {assessed}): check the date. Nothing was recognised."
                        ),
                        {"date": day, "name": p.name, "assessed": f"{p.assessed_on:%d/%m/%Y}"},
                    )
            held = repo.find_decision(self._db, model, year, number)
            if held is not None and held.decided_on != decided_on:
                raise UserError(
                    N_(
                        "Decision {number} was recorded dated {recorded}, not {date}: give "
                        "its date to add to it, or check the number. Nothing was recognised."
                    ),
                    {"number": held.number, "recorded": f"{held.decided_on:%d/%m/%Y}",
                     "date": day},
                )  # fmt: skip
            if held is None:
                held = self._new_decision(model, year, number, decided_on, issued_by, signer_name)
                held = dataclasses.replace(held, id=repo.insert_decision(op.tx, held))
                supplementary = False
            else:
                supplementary = True
            private = self._keys.require().signing_private
            hamlets = repo.hamlet_kinds(self._db)
            first = repo.next_number(self._db, held.decided_on.year)
            entries = [
                self._entry(model, year, kind, p, held, first + n, private, hamlets)
                for n, p in enumerate(proposed)
            ]
            ids = repo.insert_recognitions(op.tx, entries)
            serials = [f"{e.number}/{e.serial_year}" for e in entries]
        result = RecognitionResult(
            held.id, held.number, held.decided_on, tuple(serials), tuple(ids), supplementary
        )
        return op.result(result)

    def _new_decision(
        self,
        model: str,
        year: int,
        number: str,
        decided_on: dt.date,
        issued_by: str,
        signer_name: str,
    ) -> DecisionRow:
        """The decision with its body and signer as the Giấy công nhận prints them: the
        commune's People's Committee, signed by its chair for it; or the centre, signed by its
        director."""
        profile = self._centre.profile()
        commune = " ".join(profile.commune_name.split())
        signer_name = " ".join(nfc(signer_name).split())
        if issued_by == "commune":
            return DecisionRow(
                id="", model=model, year=year, number=number, decided_on=decided_on,
                issued_by=issued_by, issuer_parent="",
                issuer=nfc(f"Ủy ban nhân dân {commune}".strip().upper()),
                signer_for="TM. ỦY BAN NHÂN DÂN", signer_title="CHỦ TỊCH",
                signer_name=signer_name,
            )  # fmt: skip
        return DecisionRow(
            id="", model=model, year=year, number=number, decided_on=decided_on,
            issued_by=issued_by, issuer_parent=nfc(f"UBND {commune}".upper()) if commune else "",
            issuer=centre_issuer(profile), signer_for="", signer_title="GIÁM ĐỐC",
            signer_name=signer_name or profile.director,
        )  # fmt: skip

    def _entry(
        self,
        model: str,
        year: int,
        kind: str,
        p: repo.ProposalRow,
        decision: DecisionRow,
        number: int,
        private: str,
        hamlets: dict[str, tuple[str, str]],
    ) -> repo.NewRecognition:
        """One subject's entry in the register under `number`, its QR text signed."""
        facts_of = repo.print_facts(self._db, kind, p.subject_id)
        hamlet_kind = "thon"
        label = name_of_hamlet = ""
        if kind == "hamlet":
            hamlet_kind = hamlets.get(p.subject_id, ("", "thon"))[1]
        elif facts_of.hamlet_id in hamlets:
            hamlet, hamlet_kind = hamlets[facts_of.hamlet_id]
            label = hamlet_label(hamlet_kind)
            name_of_hamlet = bare_hamlet(label, hamlet)
        prefix, name = subject_line(kind, p.name, facts_of.sex, hamlet_kind)
        birth = str(facts_of.birth_year) if kind == "person" and facts_of.birth_year else ""
        serial_year = decision.decided_on.year
        facts = RecognitionFacts(
            site_id=self._db.site_id, serial=f"{number}/{serial_year}", model=model, year=year,
            prefix=prefix, name=name, hamlet=_printed_hamlet(label, name_of_hamlet),
            decision=decision.number, decided_on=decision.decided_on,
        )  # fmt: skip
        payload = build_recognition_payload(facts, keys.sign(private, facts.signed_bytes()))
        return repo.NewRecognition(
            registration_id=p.registration_id, decision_id=decision.id, model=model,
            year=year, serial_year=serial_year, number=number, subject_prefix=prefix,
            subject_name=name, birth=birth, hamlet_label=label, hamlet_name=name_of_hamlet,
            level=p.level, total=p.total, payload=payload,
            state_sig=self._keys.sign_state(payload, None, ""),
        )  # fmt: skip

    def _names(self, subject_ids: Sequence[str]) -> str:
        names = []
        for subject_id in subject_ids:
            found = models_repo.find_subject(self._db, subject_id)
            names.append(found.name if found is not None and found.name else subject_id)
        return ", ".join(names)

    # The recognised list ---------------------------------------------------------------

    def recognised(self, model: str, year: int, *, with_revoked: bool = True) -> list[Recognised]:
        """The recognised subjects of a model and year in register order (with those revoked,
        marked, unless `with_revoked` is False)."""
        _subject_kind(model)
        check_year(year)
        return [
            Recognised(
                id=r.id,
                subject_id=r.subject_id,
                serial=r.serial,
                name=_printed_name(r.subject_prefix, r.subject_name),
                hamlet=_printed_hamlet(r.hamlet_label, r.hamlet_name),
                level=r.level,
                decision=r.decision,
                decided_on=r.decided_on,
                print_count=r.print_count,
                revoked_at=r.revoked_at,
                revoke_reason=r.revoke_reason,
                payload=r.payload,
            )
            for r in repo.recognitions(self._db, model, year, live_only=not with_revoked)
        ]

    def revoke(self, recognition_id: str, reason: str) -> OpResult[str]:
        """Revoke a recognition: kept in the register with its number (never given again),
        its QR code then verifies as revoked, and it is no longer printed or counted."""
        reason = " ".join(nfc(reason).split())
        if not reason:
            raise UserError(
                N_("Say why the recognition is revoked; the reason is kept in the register.")
            )
        with self._ops.op("model.recognition.revoke") as op:
            held = repo.get_recognition(self._db, recognition_id)
            if held is None:
                raise UserError(N_("This recognition is not in the register."))
            if held.revoked_at:
                raise UserError(
                    N_("Recognition {serial} is already revoked."), {"serial": held.serial}
                )
            repo.revoke(
                op.tx, held.id, reason, self._keys.sign_state(held.payload, op.tx.now, reason)
            )
        return op.result(recognition_id)

    # Printing --------------------------------------------------------------------------

    @read_snapshot
    def paper(self, model: str, year: int) -> RecognitionPaper:
        """The Giấy công nhận of every recognised subject (not revoked) of a model and year,
        one page each in register order. Refused before a decision is recorded."""
        from desktop_app.documents.certificates import CertificatePage

        _subject_kind(model)
        check_year(year)
        title = MODEL_TITLES[model]
        decisions = {d.id: d for d in repo.decisions(self._db, model, year)}
        if not decisions:
            raise UserError(
                N_(
                    "No decision recognising {title} {year} is recorded: enter the commune's "
                    "decision number and date first (on the command line: models recognise "
                    "--decision … --decision-date …). Nothing was printed."
                ),
                {"title": title, "year": year},
            )
        rows = repo.recognitions(self._db, model, year, live_only=True)
        if not rows:
            raise UserError(
                N_("No one is recognised for {title} {year}, so there is nothing to print."),
                {"title": title, "year": year},
            )
        profile = self._centre.profile()
        place = profile.commune_name
        pages = []
        for r in rows:
            d = decisions.get(r.decision_id)
            if d is None:  # a decision of another site's register: not printed here
                continue
            pages.append(
                CertificatePage(
                    kind="recognition",
                    serial=r.serial,
                    full_name=r.subject_name,
                    birth=r.birth,
                    hamlet=r.hamlet_name,
                    course_title="",
                    course_dates="",
                    result=r.level,
                    place_date=place_date_line(place, d.decided_on),
                    issuer_parent=d.issuer_parent,
                    issuer=d.issuer,
                    signer_title=d.signer_title,
                    signer_name=d.signer_name,
                    qr_payload=r.payload,
                    reprint=r.print_count > 0,
                    salutation=r.subject_prefix,
                    birth_label=birth_label(r.birth),
                    hamlet_label=r.hamlet_label or "Thôn",
                    decision=decision_line(d.number, d.decided_on),
                    model_title=recognised_title(title, year),
                    signer_for=d.signer_for,
                )
            )
        kept = [r for r in rows if r.decision_id in decisions]
        return RecognitionPaper(
            model, year, tuple(r.id for r in kept), tuple(r.serial for r in kept),
            sum(1 for r in kept if r.print_count > 0), tuple(pages),
        )  # fmt: skip

    @staticmethod
    def render(paper: RecognitionPaper, path: Path) -> int:
        """Write the pages straight into `path` (a pending file); returns the page count.
        No database: runs on any thread."""
        from desktop_app.documents.certificates import write_certificates

        return write_certificates(list(paper.pages), path)

    def record_print(self, paper: RecognitionPaper) -> OpResult[None]:
        """After the file is written: one more print of each and the audit line, in one
        operation."""
        with self._ops.op("model.recognition.print") as op:
            repo.mark_printed(op.tx, list(paper.ids))
            op.tx.note(
                "model_recognition", f"{paper.model}/{paper.year}",
                f"pages={len(paper.pages)} serials={','.join(paper.serials)}"[:200],
            )  # fmt: skip
        return op.result(None)

    def print_recognitions(self, model: str, year: int, out: Path) -> RecognitionPrint:
        """Print the Giấy công nhận of every recognised subject of a model and year into one
        PDF at `out` (checked: never the database), then count the print and audit it."""
        from desktop_app.documents.output import PendingOutput, write_failed

        out = check_output(out, self._db.path)
        paper = self.paper(model, year)
        pending = PendingOutput(out)
        try:
            pages = self.render(paper, pending.path)
        except OSError as exc:
            pending.discard()
            raise write_failed(out, exc) from exc
        except BaseException:
            pending.discard()
            raise
        pending.commit()
        changes = self.record_print(paper).changes
        return RecognitionPrint(out, pages, paper.reprints, paper.serials, changes)

    # Verifying -------------------------------------------------------------------------

    def verify(self, payload: str) -> RecognitionVerification:
        """Check a scanned Giấy công nhận's QR text: the signature, then the register row
        (exists, holds this very text, its state signed by the same key, not revoked)."""
        facts, signature = parse_recognition_payload(payload)
        public = cert_repo.public_key_of(self._db, facts.site_id)
        if facts.site_id == self._db.site_id:
            own = self._keys.usable()
            if own is not None:
                if public is not None and public != own.signing_public:
                    return RecognitionVerification(
                        False,
                        N_(
                            "The centre's public key in this database was replaced outside "
                            "the app: certificates cannot be trusted by it."
                        ),
                        {}, facts, None,
                    )  # fmt: skip
                public = own.signing_public
        if public is None:
            return RecognitionVerification(
                False,
                N_(
                    "The recognition was issued by another centre, whose key this database "
                    "does not have."
                ),
                {}, facts, None,
            )  # fmt: skip
        if not keys.verify(public, facts.signed_bytes(), signature):
            return RecognitionVerification(
                False,
                N_("The signature does not match: the QR text was changed or is not genuine."),
                {}, facts, None,
            )  # fmt: skip
        number, serial_year = parse_serial(facts.serial)
        row = repo.find_by_serial(self._db, facts.site_id, serial_year, number)
        shown = {"serial": facts.serial}
        if row is None:
            return RecognitionVerification(
                False, N_("Recognition {serial} is not in the register of Giấy công nhận."),
                shown, facts, None,
            )  # fmt: skip
        stored = row.payload.replace("\r\n", "\n").strip("\n")
        if stored != payload.replace("\r\n", "\n").strip("\n"):
            return RecognitionVerification(
                False,
                N_(
                    "Recognition {serial} in the register does not match this QR text: the "
                    "register row was changed outside the app."
                ),
                shown, facts, row,
            )  # fmt: skip
        state, state_signature = split_state_sig(row.state_sig)
        if state == REVOKED and not row.revoked_at:
            return RecognitionVerification(
                False,
                N_(
                    "Recognition {serial} was revoked, and the revocation was removed outside "
                    "the app."
                ),
                shown, facts, row,
            )  # fmt: skip
        message = state_message(row.payload, row.revoked_at, row.revoke_reason)
        if not state or not keys.verify(public, message, state_signature):
            return RecognitionVerification(
                False,
                N_(
                    "Recognition {serial}: its register row was written or changed outside the "
                    "app (the centre's key never signed it), so it is not genuine."
                ),
                shown, facts, row,
            )  # fmt: skip
        if row.revoked_at:
            return RecognitionVerification(
                False, N_("Recognition {serial} was revoked: {reason}"),
                {**shown, "reason": row.revoke_reason}, facts, row,
            )  # fmt: skip
        return RecognitionVerification(True, "", {}, facts, row)
