"""One open database and the use cases over it. The GUI and the CLI only talk to this."""

from __future__ import annotations

from pathlib import Path

from desktop_app.core.problems import N_, StoreError
from desktop_app.services.ops import OpChanges, OpResult, Ops
from desktop_app.storage.db import Database, open_database


class Workspace:
    """An open database file with its services."""

    def __init__(self, db: Database) -> None:
        from desktop_app.services.annual_report import ReportService
        from desktop_app.services.backup import BackupService
        from desktop_app.services.centre import CentreService
        from desktop_app.services.certificates import CertificateService
        from desktop_app.services.citizen_tracker import CitizenTrackerService
        from desktop_app.services.class_documents import ClassDocumentService
        from desktop_app.services.courses import CourseService
        from desktop_app.services.dashboard import DashboardService
        from desktop_app.services.deadlines import DeadlineService
        from desktop_app.services.fund import FundService
        from desktop_app.services.fund_documents import FundDocumentService
        from desktop_app.services.households import HouseholdService
        from desktop_app.services.import_cdht import CdhtImport
        from desktop_app.services.import_ledger import LedgerImport
        from desktop_app.services.imports import ImportService
        from desktop_app.services.khuyen_hoc_report import KhuyenHocReportService
        from desktop_app.services.learning_assessment import AssessmentService
        from desktop_app.services.learning_models import LearningModelService
        from desktop_app.services.learning_recognition import RecognitionService
        from desktop_app.services.members import MemberService
        from desktop_app.services.model_documents import ModelDocumentService
        from desktop_app.services.org_units import OrgUnitService
        from desktop_app.services.people import PeopleService
        from desktop_app.services.report_documents import ReportDocumentService
        from desktop_app.services.sync import SyncService
        from desktop_app.services.sync_recovery import RecoveryService

        self.db = db
        self.ops = Ops(db)
        self.people = PeopleService(db, self.ops)
        self.households = HouseholdService(db, self.ops, self.people)
        self.centre = CentreService(db, self.ops)
        self.courses = CourseService(db, self.ops, self.people, self.households)
        self.certificates = CertificateService(db, self.ops, self.courses, self.centre)
        self.class_documents = ClassDocumentService(self.ops, self.courses, self.centre)
        self.model_documents = ModelDocumentService(db, self.ops, self.centre)
        self.fund = FundService(db, self.ops, self.people)
        self.members = MemberService(db, self.ops, self.people, self.fund)
        self.fund_documents = FundDocumentService(self.ops, self.centre, self.fund, self.members)
        self.backup = BackupService(db)
        self.org_units = OrgUnitService(db, self.ops)
        self.models = LearningModelService(db, self.ops)
        self.assessments = AssessmentService(db, self.ops, self.models)
        self.cdht = CitizenTrackerService(db, self.ops, self.centre)
        self.recognitions = RecognitionService(db, self.ops, self.models, self.centre)
        self.sync = SyncService(db, self.ops)
        self.deadlines = DeadlineService(db, self.ops)
        self.dashboard = DashboardService(db, self.courses, self.fund, self.members, self.models)
        self.reports = ReportService(db, self.people, self.members, self.models, self.cdht)
        self.khuyen_hoc_report = KhuyenHocReportService(
            self.people, self.members, self.fund, self.reports
        )
        self.report_documents = ReportDocumentService(
            self.ops, self.centre, self.reports, self.khuyen_hoc_report
        )
        self.recovery = RecoveryService(db, self.ops, self.sync)
        self.imports = ImportService(
            db,
            self.ops,
            {
                "ledger": LedgerImport(db, self.ops, self.fund, self.people),
                "cdht": CdhtImport(db, self.ops),
            },
        )

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        create: bool = False,
        read_only: bool = False,
        check: bool = False,
    ) -> Workspace:
        """Open the file; with `check` (every CLI command) a damaged file is refused, with a
        message naming the backups, before anything is read or written."""
        workspace = cls(open_database(path, create=create, read_only=read_only, check=check))
        try:
            workspace.courses.ensure_catalogue()
            workspace.certificates.ensure_site_key()
        except BaseException:
            workspace.close()
            raise
        return workspace

    @property
    def path(self) -> Path:
        return self.db.path

    @property
    def read_only(self) -> bool:
        return self.db.read_only

    def check_integrity(self) -> None:
        """Raise StoreError (CORRUPT, naming the backups) if the file fails quick_check."""
        self.db.check_integrity()

    def reader(self) -> Workspace:
        """A read-only workspace on its own connection, for another thread."""
        return Workspace(self.db.reader())

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


__all__ = ["N_", "OpChanges", "OpResult", "StoreError", "Workspace"]
