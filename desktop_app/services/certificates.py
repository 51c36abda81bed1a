"""The certificate register: issue, print in batches, reprint, revoke, reissue, verify."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_app.core.certificates import (
    KIND_TITLES_VI,
    MAX_DECISION,
    MAX_TITLE_IN_PAYLOAD,
    REVOKED,
    CertificateFacts,
    CertificateKind,
    achievement,
    bare_hamlet,
    birth_label,
    build_payload,
    clean_decision,
    commended,
    decision_line,
    hamlet_label,
    parse_payload,
    parse_serial,
    salutation,
    split_state_sig,
    state_message,
)
from desktop_app.core.courses import RESULT_VI, Course, Enrolment
from desktop_app.core.dates import check_year, place_date_line
from desktop_app.core.people import Birth
from desktop_app.core.problems import N_, UserError
from desktop_app.core.text import fold, nfc
from desktop_app.services.centre import CentreProfile, CentreService
from desktop_app.services.courses import CourseService
from desktop_app.services.ops import OpChanges, OpResult, Ops
from desktop_app.services.outputs import check_output
from desktop_app.services.site_keys import SiteKeyService
from desktop_app.storage import certificates as repo
from desktop_app.storage import multisite
from desktop_app.storage.certificates import CertificateRow, NewCertificate
from desktop_app.storage.db import Database, read_snapshot
from desktop_app.storage.tx import Tx
from desktop_app.sync import keys

if TYPE_CHECKING:
    from desktop_app.documents.certificate_register import RegisterHeader, RegisterRow
    from desktop_app.documents.certificates import CertificatePage
    from desktop_app.documents.output import PendingOutput

__all__ = [
    "CertificateRow",
    "CertificateService",
    "Decision",
    "Issued",
    "PreparedPrint",
    "PrintResult",
    "RegisterBook",
    "Verification",
]


@dataclass(frozen=True)
class Issued:
    """One certificate ready to print, registered (new) or found in the register (reprint)."""

    certificate: CertificateRow
    hamlet: str
    reprint: bool
    sex: str | None = None
    hamlet_kind: str = ""

    @staticmethod
    def of(certificate: CertificateRow, e: Enrolment, reprint: bool) -> Issued:
        return Issued(certificate, e.hamlet_name, reprint, e.sex, e.hamlet_kind)


@dataclass(frozen=True)
class Decision:
    """The decision a commendation is awarded by: 'Quyết định số 12/QĐ-TTHTCĐ, ngày …'."""

    number: str
    day: dt.date


@dataclass(frozen=True)
class PrintResult:
    path: Path
    pages: int
    new: int
    reprinted: int
    serials: tuple[str, ...]
    course_id: str = ""
    # What registering this print changed (print_course): for the GUI to announce.
    changes: OpChanges | None = None


@dataclass(frozen=True)
class PreparedPrint:
    """Registered certificates and their pages, ready to render away from the database."""

    course_id: str
    issued: tuple[Issued, ...]
    pages: tuple[CertificatePage, ...]


@dataclass(frozen=True)
class RegisterBook:
    """One year of the register as printed (sổ cấp giấy chứng nhận): plain data, rendered on
    any thread."""

    year: int
    header: RegisterHeader
    rows: tuple[RegisterRow, ...]


@dataclass(frozen=True)
class Verification:
    ok: bool
    reason: str  # msgid; empty when ok
    params: dict[str, str]
    facts: CertificateFacts | None
    certificate: CertificateRow | None


def _register_row_problem(cert: CertificateRow, public: str, payload: str) -> str:
    """Why the register row itself cannot be trusted (msgid with {serial}), or ''."""
    stored = cert.payload.replace("\r\n", "\n").strip("\n")
    if stored != payload.replace("\r\n", "\n").strip("\n"):
        return N_(
            "Certificate {serial} in the register does not match this QR text: the register "
            "row was changed outside the app."
        )
    try:
        facts, _ = parse_payload(stored)
    except UserError:
        facts = None
    if facts is None or (cert.course_title[:MAX_TITLE_IN_PAYLOAD], cert.issued_on) != (
        facts.course_title, facts.issued_on,
    ):  # fmt: skip
        return N_(
            "Certificate {serial} in the register does not match this QR text: the register "
            "row was changed outside the app."
        )
    state, signature = split_state_sig(cert.state_sig)
    message = state_message(cert.payload, cert.revoked_at, cert.revoke_reason)
    if state == REVOKED and not cert.revoked_at:
        return N_(
            "Certificate {serial} was revoked, and the revocation was removed outside the app."
        )
    if not state or not keys.verify(public, message, signature):
        return N_(
            "Certificate {serial}: its register row was written or changed outside the app "
            "(the centre's key never signed it), so it is not genuine."
        )
    return ""


def birth_text(iso: str) -> str:
    return Birth.from_iso(iso).display() if iso else ""


CENTRE_WORDS = "Trung tâm học tập cộng đồng"


def centre_issuer(profile: CentreProfile) -> str:
    """The centre as it signs: its name, with its commune ('TRUNG TÂM HỌC TẬP CỘNG ĐỒNG PHƯỜNG
    THỦY XUÂN'), in capitals. A name typed without the commune gets it added."""
    name = " ".join(profile.name.split()) or CENTRE_WORDS
    commune = " ".join(profile.commune_name.split())
    if commune and fold(commune) not in fold(name):
        name = f"{name} {commune}"
    return nfc(name.upper())


def decision_missing() -> UserError:
    return UserError(
        N_(
            "A commendation cites the decision that awards it: give the decision's "
            "number and date (e.g. 12/QĐ-TTHTCĐ, 20/05/2026)."
        )
    )


def _commendation_decision(
    kind: CertificateKind, decision: Decision | None, issued_on: dt.date
) -> Decision | None:
    """A batch of commendations is printed only with its decision, checked; other kinds
    cite none."""
    if kind is not CertificateKind.COMMENDATION:
        return None
    if decision is None:
        raise decision_missing()
    return check_decision(decision.number, decision.day, issued_on)


def check_decision(number: str, day: dt.date | None, issued_on: dt.date) -> Decision:
    """The decision a commendation cites, or a UserError saying what is missing."""
    number = clean_decision(nfc(number))
    if not number or day is None:
        raise decision_missing()
    if len(number) > MAX_DECISION:
        raise UserError(
            N_("The decision's number is too long (at most {max} characters)."),
            {"max": str(MAX_DECISION)},
        )
    if day > issued_on:
        raise UserError(
            N_(
                "The decision is dated {decision}, after the commendations' date of issue "
                "{issued}: check the date."
            ),
            {"decision": f"{day:%d/%m/%Y}", "issued": f"{issued_on:%d/%m/%Y}"},
        )
    return Decision(number, day)


def course_dates(course: Course) -> str:
    if course.start and course.end and course.start != course.end:
        return f"từ {course.start:%d/%m/%Y} đến {course.end:%d/%m/%Y}"
    day = course.start or course.end
    return f"ngày {day:%d/%m/%Y}" if day else ""


class CertificateService:
    def __init__(
        self, db: Database, ops: Ops, courses: CourseService, centre: CentreService
    ) -> None:
        self._db = db
        self._ops = ops
        self._courses = courses
        self._centre = centre
        self._keys = SiteKeyService(db, ops)

    # Keys ------------------------------------------------------------------------------

    def ensure_site_key(self) -> None:
        """Mint the site's keys (in the key file) on first start; they never change afterwards.
        An older database's private key moves out of it into the key file here."""
        self._keys.ensure()

    def _signing_key(self) -> str:
        """The private signing key from the key file, or a UserError to restore it."""
        return self._keys.require().signing_private

    def public_key(self) -> str:
        public = repo.site_public_key(self._db)
        if not public:
            raise UserError(N_("This database has no signing key yet; open it once in the app."))
        return public

    # Issuing ---------------------------------------------------------------------------

    def issue_for_course(
        self,
        course_id: str,
        kind: CertificateKind = CertificateKind.COMPLETION,
        issued_on: dt.date | None = None,
        enrolment_ids: set[str] | None = None,
        decision: Decision | None = None,
    ) -> OpResult[list[Issued]]:
        """Register a certificate for every completer (or the given ones) who has none yet,
        and return all of them ready to print. One operation: numbers are gap-free.

        Commendations go only to the completers chosen for one (core.certificates.commended)
        and a new one needs its `decision`; a reprint keeps the decision it was issued by."""
        issued_on = issued_on or dt.date.today()
        self.ensure_site_key()
        db = self._db
        courses = self._courses
        with self._ops.op("certificate.issue") as op:
            course = courses.get(course_id)
            completers = courses.completers(course_id)
            if enrolment_ids is not None:
                completers = [e for e in completers if e.id in enrolment_ids]
            if not completers:
                raise UserError(
                    N_("No one has completed {title} yet, so there is nothing to print."),
                    {"title": course.title},
                )
            if kind is CertificateKind.COMMENDATION and enrolment_ids is None:
                # A batch goes to those chosen; a reprint of one already issued (enrolment_ids
                # given) is the same paper again, whatever is ticked now.
                completers = [e for e in completers if commended(e.result, e.commendation)]
                if not completers:
                    raise UserError(
                        N_(
                            "No one who completed {title} is chosen for a commendation: tick "
                            "them in the list of completers (Completion and printing)."
                        ),
                        {"title": course.title},
                    )
            result: list[Issued] = []
            for e in completers:
                existing = repo.valid_for_enrolment(db, e.id, kind)
                if existing is not None:
                    repo.mark_printed(op.tx, existing.id)
                    result.append(Issued.of(existing, e, reprint=True))
                    continue
                if kind is CertificateKind.COMMENDATION and decision is None:
                    raise decision_missing()
                private = self._signing_key()  # reprints need no key: only new numbers
                cert = self._register(
                    op.tx, course, e, kind, issued_on, private, None,
                    decision if kind is CertificateKind.COMMENDATION else None,
                )  # fmt: skip
                result.append(Issued.of(cert, e, reprint=False))
        return op.result(result)

    def _register(
        self,
        tx: Tx,
        course: Course,
        e: Enrolment,
        kind: CertificateKind,
        issued_on: dt.date,
        private: str,
        reissue_of: str | None,
        decision: Decision | None = None,
    ) -> CertificateRow:
        db = self._db
        number = repo.next_number(db, issued_on.year)
        facts = CertificateFacts(
            site_id=db.site_id,
            serial=f"{number}/{issued_on.year}",
            kind=kind,
            full_name=e.full_name,
            birth=birth_text(e.birth),
            course_title=course.title,
            issued_on=issued_on,
            decision=decision.number if decision else "",
            decision_date=decision.day if decision else None,
        )
        payload = build_payload(facts, keys.sign(private, facts.signed_bytes()))
        cert_id = repo.insert_certificate(
            tx,
            NewCertificate(
                year=issued_on.year, number=number, kind=kind, person_id=e.person_id,
                course_id=course.id, enrolment_id=e.id, issued_on=issued_on,
                full_name=e.full_name, birth=e.birth, course_title=course.title,
                result=e.result, payload=payload, reissue_of=reissue_of,
                state_sig=self._keys.sign_state(payload, None, ""),
                decision=facts.decision, decision_date=facts.decision_date,
            ),
        )  # fmt: skip
        row = repo.get_certificate(db, cert_id)
        assert row is not None
        return row

    def revoke(self, cert_id: str, reason: str) -> OpResult[str]:
        reason = nfc(reason)
        if not reason:
            raise UserError(
                N_("Say why the certificate is revoked; the reason is kept in the register.")
            )
        with self._ops.op("certificate.revoke") as op:
            cert = self._get(cert_id)
            if cert.revoked_at:
                raise UserError(
                    N_("Certificate {serial} is already revoked."), {"serial": cert.serial}
                )
            repo.revoke(
                op.tx, cert_id, reason, self._keys.sign_state(cert.payload, op.tx.now, reason)
            )
        return op.result(cert_id)

    def reissue(
        self, cert_id: str, issued_on: dt.date | None = None, reason: str = ""
    ) -> OpResult[Issued]:
        """A new certificate with a new number that names the old one; the old one is revoked."""
        issued_on = issued_on or dt.date.today()
        self.ensure_site_key()
        with self._ops.op("certificate.reissue") as op:
            old = self._get(cert_id)
            if old.course_id is None or old.enrolment_id is None:
                raise UserError(N_("Only certificates of a class can be reissued here."))
            course = self._courses.get(old.course_id)
            enrolment = next(
                (e for e in self._courses.enrolments(old.course_id) if e.id == old.enrolment_id),
                None,
            )
            if enrolment is None:
                raise UserError(N_("The person is no longer enrolled in that class."))
            private = self._signing_key()
            # The same award, so the same decision; the new paper only replaces the old one.
            decision = Decision(old.decision, old.decision_date) if old.decision_date else None
            new = self._register(
                op.tx, course, enrolment, old.kind, issued_on, private, old.id, decision
            )
            if not old.revoked_at:
                why = nfc(reason) or f"Cấp lại, số mới {new.serial}"
                repo.revoke(op.tx, old.id, why, self._keys.sign_state(old.payload, op.tx.now, why))
        return op.result(Issued.of(new, enrolment, reprint=False))

    def _get(self, cert_id: str) -> CertificateRow:
        cert = repo.get_certificate(self._db, cert_id)
        if cert is None:
            raise UserError(N_("This certificate is not in the register."))
        return cert

    # Register --------------------------------------------------------------------------

    def _check_centres(self, sites: Sequence[str] | None) -> None:
        """Refuse a site id that is not a centre whose rows this office holds."""
        unknown = multisite.unknown_centres(self._db, sites) if sites else []
        if unknown:
            raise UserError(
                N_(
                    "There is no centre with the id {id} at this office; see 'tthtcd centres list'."
                ),
                {"id": unknown[0]},
            )

    def register(
        self,
        text: str = "",
        year: int | None = None,
        limit: int = 500,
        sites: Sequence[str] | None = None,
    ) -> list[CertificateRow]:
        """`sites`: only the certificates these centres issued (at an office); None: all."""
        self._check_centres(sites)
        return repo.search_register(self._db, text, year, limit, sites)

    def register_years(self, sites: Sequence[str] | None = None) -> list[int]:
        self._check_centres(sites)
        return repo.register_years(self._db, sites)

    @read_snapshot
    def register_book(
        self, year: int, day: dt.date | None = None, site: str | None = None
    ) -> RegisterBook:
        """The year's register as printed, in number order; refuses a year with none.
        `site`: at an office, the register of that enrolled centre, headed with its profile."""
        check_year(year)
        if site is not None and site != self._db.site_id:
            self._check_centres([site])
        with self._centre.speaking_for(site):
            return self._register_book(year, day, site)

    def _register_book(self, year: int, day: dt.date | None, site: str | None) -> RegisterBook:
        from desktop_app.documents.certificate_register import RegisterHeader, RegisterRow

        rows = repo.register_of_year(self._db, year, site)
        if not rows:
            raise UserError(
                N_("No certificate was issued in {year}, so its register has nothing to print."),
                {"year": str(year)},
            )
        replaced_by = repo.reissued_as(self._db, [c.id for c in rows])
        serials = {c.id: c.serial for c in rows}

        def serial_of(cert_id: str) -> str:
            if cert_id not in serials:
                other = repo.get_certificate(self._db, cert_id)
                serials[cert_id] = other.serial if other else "?"
            return serials[cert_id]

        def status(c: CertificateRow) -> str:
            parts = []
            if c.reissue_of:
                parts.append(f"Cấp lại thay số {serial_of(c.reissue_of)}")
            if c.revoked_at:
                parts.append(f"Đã thu hồi: {c.revoke_reason}" if c.revoke_reason else "Đã thu hồi")
                new = replaced_by.get(c.id)
                if new and serial_of(new) not in c.revoke_reason:
                    parts.append(f"cấp lại số {serial_of(new)}")
            return "; ".join(parts)

        profile = self._centre.profile()
        commune = profile.commune_name
        header = RegisterHeader(
            issuer_parent=f"UBND {commune}".upper() if commune else "",
            issuer=centre_issuer(profile),
            year=year,
            place_date=place_date_line(commune, day or dt.date.today()),
            signer_title="GIÁM ĐỐC",
            signer_name=profile.director,
        )
        book = tuple(
            RegisterRow(
                serial=c.serial, full_name=c.full_name, birth=birth_text(c.birth),
                course_title=c.course_title, kind=KIND_TITLES_VI[c.kind],
                issued_on=f"{c.issued_on:%d/%m/%Y}", status=status(c),
            )
            for c in rows
        )  # fmt: skip
        return RegisterBook(year, header, book)

    @staticmethod
    def render_register(book: RegisterBook, out: Path) -> int:
        """Write the register's PDF; returns its page count. No database: any thread."""
        from desktop_app.documents.certificate_register import render_certificate_register

        return render_certificate_register(book.header, book.rows, out)

    def record_register_print(self, book: RegisterBook) -> OpResult[None]:
        """Who printed the register (names and births), and which year's: the audit line."""
        return self._ops.record_event(
            "certificate_register.print", "certificate", str(book.year), f"rows={len(book.rows)}"
        )

    def print_register(self, year: int, out: Path, day: dt.date | None = None) -> int:
        """Read, write and audit the year's register in one call (the command line); returns
        the number of pages."""
        out = check_output(out, self._db.path)
        book = self.register_book(year, day)
        pages = self.render_register(book, out)
        self.record_register_print(book)
        return pages

    def get(self, cert_id: str) -> CertificateRow:
        return self._get(cert_id)

    # Verifying -------------------------------------------------------------------------

    def verify(self, payload: str) -> Verification:
        """Check a scanned QR text: the signature, then the register row (exists, holds this
        very payload, its state signed by the same key, not revoked)."""
        facts, signature = parse_payload(payload)
        db = self._db
        public = repo.public_key_of(db, facts.site_id)
        if facts.site_id == db.site_id:
            own = self._keys.usable()
            if own is not None:
                # The key file's public key is the one to trust: the database's copy could
                # have been replaced by someone holding the file.
                if public is not None and public != own.signing_public:
                    return Verification(
                        False,
                        N_(
                            "The centre's public key in this database was replaced outside "
                            "the app: certificates cannot be trusted by it."
                        ),
                        {}, facts, None,
                    )  # fmt: skip
                public = own.signing_public
        if public is None:
            return Verification(
                False,
                N_(
                    "The certificate was issued by another centre, whose key this database "
                    "does not have."
                ),
                {}, facts, None,
            )  # fmt: skip
        if not keys.verify(public, facts.signed_bytes(), signature):
            return Verification(
                False,
                N_("The signature does not match: the QR text was changed or is not genuine."),
                {}, facts, None,
            )  # fmt: skip
        number, year = parse_serial(facts.serial)
        cert = repo.find_by_serial(db, facts.site_id, year, number)
        if cert is None:
            return Verification(
                False, N_("Certificate {serial} is not in the register."),
                {"serial": facts.serial}, facts, None,
            )  # fmt: skip
        if (cert.full_name, birth_text(cert.birth), cert.kind) != (
            facts.full_name, facts.birth, facts.kind,
        ):  # fmt: skip
            return Verification(
                False, N_("Certificate {serial} in the register is for someone else."),
                {"serial": facts.serial}, facts, cert,
            )  # fmt: skip
        problem = _register_row_problem(cert, public, payload)
        if problem:
            return Verification(False, problem, {"serial": facts.serial}, facts, cert)
        if cert.revoked_at:
            return Verification(
                False, N_("Certificate {serial} was revoked: {reason}"),
                {"serial": facts.serial, "reason": cert.revoke_reason}, facts, cert,
            )  # fmt: skip
        return Verification(True, "", {}, facts, cert)

    # Printing --------------------------------------------------------------------------

    def pages(self, issued: list[Issued]) -> list[CertificatePage]:
        """Turn register entries into what the certificate template prints."""
        from desktop_app.documents.certificates import CertificatePage

        profile = self._centre.profile()
        commune = profile.commune_name
        issuer = centre_issuer(profile)
        courses: dict[str, Course] = {}
        out: list[CertificatePage] = []
        for item in issued:
            c = item.certificate
            if c.course_id and c.course_id not in courses:
                courses[c.course_id] = self._courses.get(c.course_id)
            course = courses.get(c.course_id or "")
            out.append(
                CertificatePage(
                    kind=c.kind.value,
                    serial=c.serial,
                    full_name=c.full_name,
                    birth=birth_text(c.birth),
                    hamlet=bare_hamlet(hamlet_label(item.hamlet_kind), item.hamlet),
                    salutation=salutation(item.sex, c.birth, c.issued_on),
                    birth_label=birth_label(birth_text(c.birth)),
                    hamlet_label=hamlet_label(item.hamlet_kind),
                    achievement=achievement(c.result),
                    decision=decision_line(c.decision, c.decision_date),
                    course_title=c.course_title,
                    course_dates=course_dates(course) if course else "",
                    result=RESULT_VI[c.result] if c.result else "",
                    place_date=place_date_line(commune, c.issued_on),
                    issuer_parent=f"UBND {commune}".upper() if commune else "",
                    issuer=issuer,
                    signer_title="GIÁM ĐỐC",
                    signer_name=profile.director,
                    qr_payload=c.payload,
                    reprint=item.reprint,
                )
            )
        return out

    def print_reissue(
        self,
        cert_id: str,
        out: Path,
        *,
        issued_on: dt.date | None = None,
        reason: str = "",
        progress: Callable[[int, int], bool] | None = None,
    ) -> PrintResult:
        """Reissue a certificate (a new number; the old one revoked) and write it to `out`:
        registered only once the PDF is complete, as `print_course`."""

        def register() -> list[Issued]:
            return [self.reissue(cert_id, issued_on, reason).value]

        return self._print_in_op("certificate.reissue", register, out, progress)

    def print_again(
        self,
        cert_id: str,
        out: Path,
        *,
        progress: Callable[[int, int], bool] | None = None,
    ) -> PrintResult:
        """Reprint a valid certificate with its own number (marked "Bản in lại"); its print
        count goes up only once the PDF is complete."""
        cert = self._get(cert_id)
        if cert.revoked_at:
            raise UserError(
                N_("Certificate {serial} is revoked: reissue it instead of reprinting it."),
                {"serial": cert.serial},
            )
        if cert.course_id is None or cert.enrolment_id is None:
            raise UserError(N_("Only certificates of a class can be reprinted here."))
        course_id, enrolment_id = cert.course_id, cert.enrolment_id

        def register() -> list[Issued]:
            issued = self.issue_for_course(course_id, cert.kind, enrolment_ids={enrolment_id})
            return issued.value

        return self._print_in_op("certificate.reprint", register, out, progress)

    def _print_in_op(
        self,
        name: str,
        register: Callable[[], list[Issued]],
        out: Path,
        progress: Callable[[int, int], bool] | None,
    ) -> PrintResult:
        """Register, lay out and write a few certificates inside one operation, so a failed,
        cancelled or killed print leaves the register as it was (a page or two: holding the
        writer while it renders costs a fraction of a second)."""

        out = check_output(out, self._db.path)
        with _pending(out) as pending, self._ops.op(name) as op:
            issued = register()
            course_id = (issued[0].certificate.course_id if issued else None) or ""
            prepared = PreparedPrint(course_id, tuple(issued), tuple(self.pages(issued)))
            result = self.render_to(prepared, pending.path, out, False, progress)
            op.tx.note("certificate", ",".join(result.serials)[:200], f"pages={result.pages}")
        _name_registered(pending, out)
        return dataclasses.replace(result, changes=op.result(None).changes)

    def prepare_course(
        self,
        course_id: str,
        kind: CertificateKind = CertificateKind.COMPLETION,
        issued_on: dt.date | None = None,
        decision: Decision | None = None,
    ) -> OpResult[PreparedPrint]:
        """Register the completers' certificates and lay out their pages (database work)."""
        issued_on = issued_on or dt.date.today()
        decision = _commendation_decision(kind, decision, issued_on)
        issued = self.issue_for_course(course_id, kind, issued_on, decision=decision)
        return OpResult(
            PreparedPrint(course_id, tuple(issued.value), tuple(self.pages(issued.value))),
            issued.changes,
        )

    @staticmethod
    def render(
        prepared: PreparedPrint,
        out: Path,
        *,
        as_zip: bool = False,
        progress: Callable[[int, int], bool] | None = None,
    ) -> PrintResult:
        """Write the PDF (or ZIP). No database: runs on any thread, e.g. a document pool, so
        a long batch never holds up the database worker."""
        from desktop_app.documents.certificates import (
            render_certificates,
            render_certificates_zip,
        )

        render = render_certificates_zip if as_zip else render_certificates
        count = render(list(prepared.pages), out, progress=progress)
        issued = prepared.issued
        return PrintResult(
            path=out,
            pages=count,
            new=sum(1 for i in issued if not i.reprint),
            reprinted=sum(1 for i in issued if i.reprint),
            serials=tuple(i.certificate.serial for i in issued),
            course_id=prepared.course_id,
        )

    def record_print(self, result: PrintResult) -> OpResult[None]:
        """Who printed personal data, and what: the audit entry of a finished print."""
        return self._ops.record_event(
            "certificate.print", "certificate", result.course_id, f"pages={result.pages}"
        )

    def print_course(
        self,
        course_id: str,
        out: Path,
        *,
        kind: CertificateKind = CertificateKind.COMPLETION,
        as_zip: bool = False,
        issued_on: dt.date | None = None,
        progress: Callable[[int, int], bool] | None = None,
        decision: Decision | None = None,
    ) -> PrintResult:
        """Register and print the certificates of every completer of a course, atomically.
        Commendations go to the completers chosen for one, citing `decision` (required).

        The numbers are taken provisionally (`plan_course`), the PDF (or ZIP) is written in
        full to a temporary file beside `out`, then one operation registers the numbers and
        print counts (after checking that they are still the next ones; if another print took
        them meanwhile, the pages are laid out and written again) and only then is the file
        renamed to `out`. A failure, a Cancel or a kill before the register's commit leaves
        the register as it was and no file; a kill between the commit and the rename leaves
        the registered certificates' complete file beside `out`, named `.NAME.*.part`.
        """

        issued_on = issued_on or dt.date.today()
        decision = _commendation_decision(kind, decision, issued_on)
        out = check_output(out, self._db.path)
        for _attempt in range(_PLAN_ATTEMPTS):
            prepared = self.plan_course(course_id, kind, issued_on, decision=decision)
            with _pending(out) as pending:
                result = self.render_to(prepared, pending.path, out, as_zip, progress)
                changes = self._commit_print(prepared, kind, issued_on, result, decision)
            if changes is None:
                pending.discard()
                continue
            result = dataclasses.replace(result, changes=changes)
            _name_registered(pending, out)
            return result
        raise UserError(N_("Other certificates were being issued at the same time; print again."))

    def plan_course(
        self,
        course_id: str,
        kind: CertificateKind = CertificateKind.COMPLETION,
        issued_on: dt.date | None = None,
        *,
        preview: bool = False,
        decision: Decision | None = None,
    ) -> PreparedPrint:
        """What issuing would give now, laid out, with nothing registered: the issuing
        operation runs and is rolled back, so the provisional numbers, payloads and reprint
        marks are exactly those a real issue would register. `preview` marks every page
        "BẢN XEM TRƯỚC" (and leaves the QR code out)."""
        import dataclasses

        issued_on = issued_on or dt.date.today()
        decision = _commendation_decision(kind, decision, issued_on)
        self.ensure_site_key()  # outside the rolled-back operation: a new key must stay
        try:
            with self._ops.op("certificate.plan"):
                issued = self.issue_for_course(course_id, kind, issued_on, decision=decision).value
                planned = PreparedPrint(course_id, tuple(issued), tuple(self.pages(issued)))
                raise _Planned(planned)
        except _Planned as done:
            prepared = done.prepared
        if preview:
            pages = tuple(dataclasses.replace(p, preview=True) for p in prepared.pages)
            prepared = dataclasses.replace(prepared, pages=pages)
        return prepared

    @staticmethod
    def render_to(
        prepared: PreparedPrint,
        part: Path,
        out: Path,
        as_zip: bool = False,
        progress: Callable[[int, int], bool] | None = None,
    ) -> PrintResult:
        """Write the PDF (or ZIP) straight into `part` (a PendingOutput's file); the result
        names `out`, where it goes once the numbers are registered. No database."""
        from desktop_app.documents.certificates import write_certificates

        count = write_certificates(list(prepared.pages), part, as_zip=as_zip, progress=progress)
        issued = prepared.issued
        return PrintResult(
            path=out,
            pages=count,
            new=sum(1 for i in issued if not i.reprint),
            reprinted=sum(1 for i in issued if i.reprint),
            serials=tuple(i.certificate.serial for i in issued),
            course_id=prepared.course_id,
        )

    def _commit_print(
        self,
        prepared: PreparedPrint,
        kind: CertificateKind,
        issued_on: dt.date,
        result: PrintResult,
        decision: Decision | None,
    ) -> OpChanges | None:
        """Register what `prepared` printed, with the print's audit, in one operation; None
        (and nothing registered) if the register moved on since it was planned."""
        try:
            with self._ops.op("certificate.print") as op:
                ids = {i.certificate.enrolment_id for i in prepared.issued}
                issued = self.issue_for_course(
                    prepared.course_id, kind, issued_on,
                    enrolment_ids={i for i in ids if i is not None}, decision=decision,
                ).value  # fmt: skip
                if _fingerprint(issued) != _fingerprint(list(prepared.issued)):
                    raise _Planned(prepared)
                op.tx.note("certificate", result.course_id, f"pages={result.pages}")
        except _Planned:
            return None
        return op.result(None).changes


@contextlib.contextmanager
def _pending(out: Path) -> Iterator[PendingOutput]:
    """A temporary file beside `out` for certificates being written and registered; removed
    if anything fails before the register's commit (an OSError says what, for `out`)."""
    from desktop_app.documents.output import PendingOutput, write_failed

    pending = PendingOutput(out)
    try:
        yield pending
    except OSError as exc:
        pending.discard()
        raise write_failed(out, exc) from exc
    except BaseException:
        pending.discard()
        raise


def _name_registered(pending: PendingOutput, out: Path) -> None:
    """Rename the complete file of certificates already registered; if that fails, the file
    is kept and the message says where it is."""
    try:
        pending.commit(keep_on_failure=True)
    except UserError as exc:
        from desktop_app.documents.output import write_failed

        cause = exc.__cause__
        error = cause if isinstance(cause, OSError) else OSError(str(exc))
        raise UserError(
            N_(
                "The certificates were registered, but the file could not be named "
                "{path} ({error}). The complete file is {part}: rename it yourself."
            ),
            {"path": str(out), "part": str(pending.path),
             "error": write_failed(out, error).params["error"]},
        ) from exc  # fmt: skip


# A print retries when another took its numbers meanwhile; more than this is not a race.
_PLAN_ATTEMPTS = 3


class _Planned(Exception):
    """Ends an operation that only looked (it rolls back), carrying what it saw."""

    def __init__(self, prepared: PreparedPrint) -> None:
        super().__init__("planned")
        self.prepared = prepared


def _fingerprint(issued: list[Issued]) -> list[tuple[str, str, bool]]:
    return [(i.certificate.serial, i.certificate.payload, i.reprint) for i in issued]
