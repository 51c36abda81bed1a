"""The figures of the centre's annual report (báo cáo kết quả hoạt động năm), read in one
call, as plain data for the PDF and xlsx writers, the CLI's --json and the GUI.

    report = ws.reports.annual(2026)                      # the calendar year
    start, end = ws.reports.period(2026, "school", None, None)
    report = ws.reports.annual(2026, date_from=start, date_to=end, sites=["site-a"])
    ws.reports.figures_json(report)                       # {"learners_by_sex": {"F": 3, ...}}
    ws.reports.records("learners", report)                # [[headings], [one learner], ...]

Each Figure's `key` is its path in the JSON, so the JSON is the figures themselves. The
figures other pages already show come from their services: members and their share from
`ws.members.shares`, the models from `ws.models.status`, Công dân học tập from
`ws.cdht.summary`; those two count calendar years, so they are read for the year the period
ends in. At an office with a choice of centres (`sites`), every figure counts the records
those centres own (members from the same query restricted to them).

Learners are those present at least once at a live session of the period; their age is
their age at the period's end, by birth year. Money is in đồng; a voided entry and its
reversal cancel out.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence

from desktop_app.core.annual_report import (
    AGE_BANDS,
    AnnualReport,
    Figure,
    ReportTable,
    age_bands,
    is_minority,
    report_json,
    report_period,
)
from desktop_app.core.courses import RESULT_LABELS, Result
from desktop_app.core.dates import check_year
from desktop_app.core.fund import KIND_LABELS, PAYMENT_KINDS, RECEIPT_KINDS, EntryKind
from desktop_app.core.learning_models import MODELS
from desktop_app.core.learning_subjects import MODEL_KEYS
from desktop_app.core.problems import N_, Label, UserError
from desktop_app.services.citizen_tracker import CitizenTrackerService
from desktop_app.services.learning_models import LearningModelService
from desktop_app.services.members import MemberService
from desktop_app.services.people import PeopleService
from desktop_app.storage import annual_report as repo
from desktop_app.storage import sync as sync_repo
from desktop_app.storage.db import Database

__all__ = ["RECORD_KEYS", "ReportService"]

# The trace keys `records` answers (Figure.records).
RECORD_KEYS = ("classes", "learners", "literacy", "members", "fund_entries", "scholarships")

_SEXES = (("M", N_("Male")), ("F", N_("Female")))
_AGE_LABELS = {"15-35": N_("Aged 15 to 35"), "15-60": N_("Aged 15 to 60"), "60+": N_("Over 60")}
_NO_HAMLET = N_("No hamlet recorded")
_SCHOLARSHIP_KINDS = (EntryKind.SCHOLARSHIP.value, EntryKind.AWARD.value)

# What the seeds' annual report asks that the records cannot answer: to be filled by hand.
_BY_HAND = (
    ("staff", N_("Staff of the centre (full-time and part-time)")),
    ("volunteer_teachers", N_("Volunteer teachers and reporters")),
    ("state_budget", N_("Funding from the state budget (đồng)")),
    ("socialised_funding", N_("Funding raised from society apart from the fund (đồng)")),
    ("learners_applying_skills", N_("Learners applying what they learnt to their work")),
    # The registry records no occupation, so who is a rural worker is the user's to say.
    ("rural_workers_share", N_("Rural workers attending the centre's classes (target 70 %)")),
)


_SEX_LABELS = dict(_SEXES)


def _day(text: str | None) -> dt.date | str:
    """A stored ISO day as a date (the list and the workbook write it dd/mm/yyyy)."""
    try:
        return dt.date.fromisoformat(str(text)[:10]) if text else ""
    except ValueError:
        return str(text)


def _result_label(result: str | None) -> Label | str:
    try:
        return Label(RESULT_LABELS[Result(result)]) if result else ""
    except ValueError:
        return str(result)


def _rows(head: list[object], body: Iterable[Sequence[object]]) -> list[list[object]]:
    return [head, *(list(r) for r in body)]


def _share(part: int, whole: int | None) -> float | None:
    return 100 * part / whole if whole else None


class ReportService:
    def __init__(
        self,
        db: Database,
        people: PeopleService,
        members: MemberService,
        models: LearningModelService,
        cdht: CitizenTrackerService,
    ) -> None:
        self._db = db
        self._people = people
        self._members = members
        self._models = models
        self._cdht = cdht

    # The period ------------------------------------------------------------------------

    @staticmethod
    def period(
        year: int,
        preset: str | None = None,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
    ) -> tuple[dt.date, dt.date]:
        """The report's first and last day: "calendar" (1/1–31/12 of `year`, the default) or
        "school" (the school year ending in `year`: 1/9 of the year before to 31/5, the day
        the end-of-year statistics are taken), either end replaced by the date given.
        UserError for a year outside the records or a period that ends before it starts."""
        return report_period(year, preset, date_from, date_to)

    # The report ------------------------------------------------------------------------

    def annual(
        self,
        year: int,
        *,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        sites: Sequence[str] | None = None,
    ) -> AnnualReport:
        """The annual report of `year` (or of the dates given): see the module's docstring.
        Refused (UserError): a year outside the records, a period ending before it starts, a
        site that is not a centre enrolled here."""
        check_year(year)
        period = report_period(year, None, date_from, date_to)
        sites = list(sites) if sites is not None else None
        self._people.check_centres(sites)
        db = self._db
        names = repo.class_type_names(db)
        classes = repo.classes(db, period, sites)
        learners = repo.learners(db, period, sites)
        codes = repo.literacy_codes(db)
        literacy = repo.literacy_results(db, period, sites, sorted(codes))
        entries = repo.ledger_entries(db, period, sites)
        dues = repo.dues(db, period, sites)
        tables = [
            self._classes_table(classes, names),
            *self._learner_tables(learners, period[1], repo.hamlet_names(db, sites)),
            self._literacy_table(literacy),
            self.members_table(sites),
            *self._fund_tables(entries, dues[1]),
            self.models_table(period[1].year, sites),
            self.citizen_table(period[1].year, sites),
            *self._population_tables(repo.population(db, sites), period[1]),
            ReportTable(
                "by_hand",
                N_("Other indicators (to be filled by hand)"),
                (N_("Count"),),
                tuple((label, (Figure(key, label, None),)) for key, label in _BY_HAND),
            ),
        ]
        empty = not (
            classes or learners or entries or dues[0] or repo.model_activity(db, period, sites)
        )
        covered, site_dates = self.site_dates(sites)
        return AnnualReport(
            kind="annual",
            period_from=period[0],
            period_to=period[1],
            sites=covered,
            site_dates=site_dates,
            tables=tuple(tables),
            empty=empty,
            site_filter=tuple(sites) if sites is not None else None,
        )

    def site_dates(
        self, sites: Sequence[str] | None
    ) -> tuple[tuple[str, ...], tuple[tuple[str, str, dt.date | None], ...]]:
        if sites is None and not repo.is_office(self._db):
            return (), ()
        out = []
        for site_id, name in repo.site_names(self._db, sites):
            last = sync_repo.last_import_of(self._db, site_id)
            when = (last.applied_at or last.created_at) if last else None
            out.append((site_id, name, dt.date.fromisoformat(when[:10]) if when else None))
        return tuple(s[0] for s in out), tuple(out)

    # Tables (the Khuyến học reports use them too) --------------------------------------

    def classes_of(
        self, period: tuple[dt.date, dt.date], sites: Sequence[str] | None
    ) -> tuple[ReportTable, int]:
        """The classes and topic sessions of the period by kind, and how many."""
        classes = repo.classes(self._db, period, sites)
        return self._classes_table(classes, repo.class_type_names(self._db)), len(classes)

    def fund_of(
        self, period: tuple[dt.date, dt.date], sites: Sequence[str] | None
    ) -> tuple[list[ReportTable], bool]:
        """The fund's tables of the period (receipts, payments, scholarships, dues and
        gifts in kind), and whether anything was booked or paid in it."""
        entries = repo.ledger_entries(self._db, period, sites)
        dues = repo.dues(self._db, period, sites)
        return self._fund_tables(entries, dues[1]), bool(entries or dues[0])

    def joined_in(self, period: tuple[dt.date, dt.date], sites: Sequence[str] | None) -> int:
        """Members still active who joined in the period."""
        start, end = (d.isoformat() for d in period)
        return sum(1 for m in repo.active_members(self._db, sites) if start <= m[3][:10] <= end)

    @staticmethod
    def _classes_table(
        classes: Sequence[tuple[str, str, str, str | None, str | None, str]],
        names: dict[str, str],
    ) -> ReportTable:
        by_kind = Counter(c[1] for c in classes)
        rows: list[tuple[str, tuple[Figure, ...]]] = [
            (
                names.get(code, code),
                (
                    Figure(
                        f"classes_by_kind.{code}",
                        names.get(code, code),
                        n,
                        records=f"classes|kind={code}",
                    ),
                ),
            )
            for code, n in sorted(by_kind.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        label = N_("All classes and topic sessions")
        rows.append((label, (Figure("classes", label, len(classes), records="classes"),)))
        return ReportTable(
            "classes",
            N_("Classes and topic sessions by kind"),
            (N_("Count"),),
            tuple(rows),
            total=True,
        )

    @staticmethod
    def _learner_tables(
        learners: Sequence[tuple[str, str, str | None, int | None, str, str, int]],
        at: dt.date,
        hamlets: Sequence[str],
    ) -> list[ReportTable]:
        def row(
            key: str, label: str, marks: list[int], trace: str
        ) -> tuple[str, tuple[Figure, ...]]:
            # Both figures open the same learners: as many as the one, their lượt the other.
            records = f"learners|{trace}"
            return (
                label,
                (
                    Figure(f"attendances_{key}", label, sum(marks), records=records),
                    Figure(f"learners_{key}", label, len(marks), records=records),
                ),
            )

        columns = (N_("Learner-attendances"), N_("Learners"))
        by_sex: dict[str, list[int]] = {"M": [], "F": [], "": []}
        by_age: dict[str, list[int]] = {band: [] for band in AGE_BANDS}
        by_hamlet: dict[str, list[int]] = {}
        minority: list[int] = []
        for _pid, _name, sex, birth_year, hamlet, ethnicity, n in learners:
            by_sex[sex or ""].append(n)
            if birth_year is not None:
                for band in age_bands(at.year - birth_year):
                    by_age[band].append(n)
            by_hamlet.setdefault(hamlet, []).append(n)
            if is_minority(ethnicity):
                minority.append(n)
        order = {name: i for i, name in enumerate(hamlets)}
        total_label = N_("All learners")
        total = (
            total_label,
            (
                Figure(
                    "attendances", total_label, sum(n[-1] for n in learners), records="learners"
                ),
                Figure("learners", total_label, len(learners), records="learners"),
            ),
        )
        sex_rows = [
            row(f"by_sex.{code}", label, by_sex[code], f"sex={code}") for code, label in _SEXES
        ]
        if by_sex[""]:
            sex_rows.append(row("by_sex.unknown", N_("Sex not recorded"), by_sex[""], "sex="))
        hamlet_rows = [
            row(f"by_hamlet.{name}", name, by_hamlet[name], f"hamlet={name}")
            for name in sorted(by_hamlet, key=lambda n: (order.get(n, len(order)), n))
            if name
        ]
        if "" in by_hamlet:
            hamlet_rows.append(row("by_hamlet.", _NO_HAMLET, by_hamlet[""], "hamlet="))
        return [
            ReportTable(
                "learners_by_sex",
                N_("Learner-attendances and learners by sex"),
                columns,
                (*sex_rows, total),
                total=True,
            ),
            ReportTable(
                "learners_by_group",
                N_("Learner-attendances and learners: ethnic minorities and age bands"),
                columns,
                (
                    row("minority", N_("Ethnic minority"), minority, "minority"),
                    *(
                        row(f"by_age_band.{b}", _AGE_LABELS[b], by_age[b], f"band={b}")
                        for b in AGE_BANDS
                    ),
                ),
            ),
            ReportTable(
                "learners_by_hamlet",
                N_("Learner-attendances and learners by hamlet"),
                columns,
                (*hamlet_rows, total),
                total=True,
            ),
        ]

    @staticmethod
    def _literacy_table(results: Sequence[tuple[int | None, str | None, int]]) -> ReportTable:
        enrolled: Counter[int | None] = Counter()
        passed: Counter[int | None] = Counter()
        for level, result, n in results:
            enrolled[level] += n
            if result is not None and result != Result.FAIL.value:
                passed[level] += n
        rows = []
        for level, label in ((1, N_("Literacy level 1")), (2, N_("Literacy level 2"))):
            rows.append(
                (
                    label,
                    (
                        Figure(
                            f"literacy_by_level.{level}",
                            label,
                            enrolled[level],
                            records=f"literacy|level={level}",
                        ),
                        Figure(f"literacy_passed_by_level.{level}", label, passed[level]),
                    ),
                )
            )
        label = N_("Level not yet recorded")
        rows.append(
            (
                label,
                (
                    Figure(
                        "literacy_by_level.none", label, enrolled[None], records="literacy|level="
                    ),
                    Figure("literacy_passed_by_level.none", label, passed[None]),
                ),
            )
        )
        label = N_("All literacy learners")
        rows.append(
            (
                label,
                (
                    Figure("literacy_learners", label, sum(enrolled.values()), records="literacy"),
                    Figure("literacy_passed", label, sum(passed.values())),
                ),
            )
        )
        return ReportTable(
            "literacy",
            N_("Literacy classes: learners and results by level"),
            (N_("Learners"), N_("Passed")),
            tuple(rows),
            total=True,
        )

    def members_table(self, sites: Sequence[str] | None) -> ReportTable:
        if sites is None:
            hamlets, commune = self._members.shares()
            per = [(h.name, h.population, h.members) for h in hamlets]
            members, population = commune.members, commune.population
        else:
            per = repo.members_by_hamlet(self._db, sites)
            members = len(repo.active_members(self._db, sites))
            population = sum(p or 0 for _n, p, _m in per) or None
        rows = [
            (
                name,
                (
                    Figure(f"members_by_hamlet.{name}", name, n, records=f"members|hamlet={name}"),
                    Figure(f"hamlet_population.{name}", name, pop, "people"),
                    Figure(f"member_share_by_hamlet.{name}", name, _share(n, pop), "percent"),
                ),
            )
            for name, pop, n in per
        ]
        label = N_("The commune")
        rows.append(
            (
                label,
                (
                    Figure("members", label, members, records="members"),
                    Figure("commune_population", label, population, "people"),
                    Figure("member_share", label, _share(members, population), "percent"),
                ),
            )
        )
        return ReportTable(
            "members",
            N_("Members of the Khuyến học association and their share of the population"),
            (N_("Members"), N_("Population"), N_("Share")),
            tuple(rows),
            total=True,
        )

    @staticmethod
    def _fund_tables(
        entries: Sequence[tuple[str, str, str, int, str, str, str, str | None, str | None]],
        dues_collected: int,
    ) -> list[ReportTable]:
        amounts: Counter[str] = Counter()
        pupils: dict[str, dict[str, int]] = {k: {} for k in _SCHOLARSHIP_KINDS}
        for _day, _book, _no, amount, kind, _party, _reason, person, _rev in entries:
            amounts[kind] += amount
            if kind in pupils and person:
                pupils[kind][person] = pupils[kind].get(person, 0) + amount

        def money(
            kinds: Sequence[EntryKind], prefix: str, total_key: str, total_label: str
        ) -> tuple[tuple[str, tuple[Figure, ...]], ...]:
            rows = [
                (KIND_LABELS[k], (Figure(f"{prefix}.{k.value}", KIND_LABELS[k], amounts[k.value],
                                         "money"),))
                for k in kinds
            ]  # fmt: skip
            total = sum(amounts[k.value] for k in kinds)
            rows.append(
                (total_label, (Figure(total_key, total_label, total, "money", "fund_entries"),))
            )
            return tuple(rows)

        kept = {k: {p: a for p, a in v.items() if a > 0} for k, v in pupils.items()}
        everyone = {p for v in kept.values() for p in v}
        scholar_rows = [
            (
                KIND_LABELS[EntryKind(k)],
                (
                    Figure(f"{k}_pupils", KIND_LABELS[EntryKind(k)], len(kept[k])),
                    Figure(f"{k}_amount", KIND_LABELS[EntryKind(k)], amounts[k], "money"),
                ),
            )
            for k in _SCHOLARSHIP_KINDS
        ]
        label = N_("Scholarships and awards")
        scholar_rows.append(
            (
                label,
                (
                    Figure("scholarships.count", label, len(everyone), records="scholarships"),
                    Figure("scholarships.amount", label,
                           sum(amounts[k] for k in _SCHOLARSHIP_KINDS), "money"),
                ),
            )
        )  # fmt: skip
        other_label = N_("Gifts in kind (valued, apart from cash)")
        dues_label = N_("Membership dues collected")
        return [
            ReportTable(
                "fund_receipts",
                N_("Fund receipts by kind (cash)"),
                (N_("Amount"),),
                money(RECEIPT_KINDS, "fund_receipts_by_kind", "fund_receipts", N_("All receipts")),
                total=True,
            ),
            ReportTable(
                "fund_payments",
                N_("Fund payments by kind (cash)"),
                (N_("Amount"),),
                money(PAYMENT_KINDS, "fund_payments_by_kind", "fund_payments", N_("All payments")),
                total=True,
            ),
            ReportTable(
                "scholarships",
                N_("Scholarships and awards"),
                (N_("Pupils"), N_("Amount")),
                tuple(scholar_rows),
            ),
            ReportTable(
                "fund_other",
                N_("Dues and gifts in kind"),
                (N_("Amount"),),
                (
                    (dues_label, (Figure("dues_collected", dues_label, dues_collected, "money"),)),
                    (other_label, (Figure("in_kind_value", other_label,
                                          amounts[EntryKind.DONATION_IN_KIND.value], "money"),)),
                ),
            ),
        ]  # fmt: skip

    def models_table(self, year: int, sites: Sequence[str] | None) -> ReportTable:
        status = self._models.status(year, sites=sites)
        rows = []
        for model in MODEL_KEYS:
            label = MODELS[model].label
            s = status[model] if status else None
            rows.append(
                (
                    label,
                    (
                        Figure(f"models.{model}.eligible", label, s.eligible if s else None),
                        Figure(f"models.{model}.registered", label, s.registered if s else None),
                        Figure(f"models.{model}.recognised", label, s.recognised if s else None),
                        Figure(
                            f"models.{model}.recognised_share",
                            label,
                            _share(s.recognised, s.eligible) if s else None,
                            "percent",
                        ),
                        Figure(
                            f"models.{model}.target",
                            label,
                            round(100 * s.target_rate, 4) if s else None,
                            "percent",
                        ),
                    ),
                )
            )
        return ReportTable(
            "models",
            N_("Learning models: registrations and recognitions against the targets"),
            (N_("Could register"), N_("Registered"), N_("Recognised"), N_("Share"), N_("Target")),
            tuple(rows),
        )

    def citizen_table(self, year: int, sites: Sequence[str] | None) -> ReportTable:
        s = self._cdht.summary(year, sites)
        adults = s.adults if s else None
        account_target = 40.0  # QĐ 677: 40 % of adults by 2025
        rows: list[tuple[str, tuple[Figure, ...]]] = []
        for key, label, value, target in (
            ("account", N_("Adults with an account on the platform"),
             s.account if s else None, account_target),
            ("achieved", N_("Adults who achieved the title"),
             s.achieved if s else None, round(100 * s.target_rate, 4) if s else None),
        ):  # fmt: skip
            share = _share(value, adults) if value is not None else None
            rows.append(
                (
                    label,
                    (
                        Figure(f"cdht.{key}", label, value),
                        Figure(f"cdht.{key}_share", label, share, "percent"),
                        Figure(f"cdht.{key}_target", label, target, "percent"),
                    ),
                )
            )
        label = N_("Adults (15 or more)")
        rows.insert(0, (label, (Figure("cdht.adults", label, adults),)))
        return ReportTable(
            "cdht",
            N_("Công dân học tập: accounts and achievements against the targets"),
            (N_("Count"), N_("Share"), N_("Target")),
            tuple(rows),
        )

    @staticmethod
    def _population_tables(
        rows: Sequence[tuple[str | None, int | None, int]], at: dt.date
    ) -> list[ReportTable]:
        by_sex: Counter[str] = Counter()
        by_age: Counter[str] = Counter()
        for sex, birth_year, n in rows:
            by_sex[sex or ""] += n
            if birth_year is not None:
                for band in age_bands(at.year - birth_year):
                    by_age[band] += n
        sex_rows = [
            (label, (Figure(f"population_by_sex.{code}", label, by_sex[code], "people"),))
            for code, label in _SEXES
        ]
        if by_sex[""]:
            label = N_("Sex not recorded")
            sex_rows.append(
                (label, (Figure("population_by_sex.unknown", label, by_sex[""], "people"),))
            )
        label = N_("Everyone in the registry")
        sex_rows.append((label, (Figure("population", label, sum(by_sex.values()), "people"),)))
        return [
            ReportTable(
                "population_by_sex",
                N_("The people of the registry by sex"),
                (N_("People"),),
                tuple(sex_rows),
                total=True,
            ),
            ReportTable(
                "population_by_age_band",
                N_("The people of the registry by age band (at the period's end)"),
                (N_("People"),),
                tuple(
                    (_AGE_LABELS[b], (Figure(f"population_by_age_band.{b}", _AGE_LABELS[b],
                                             by_age[b], "people"),))
                    for b in AGE_BANDS
                ),
            ),
        ]  # fmt: skip

    # The JSON and the records ------------------------------------------------------------

    @staticmethod
    def figures_json(report: AnnualReport) -> dict[str, object]:
        """The CLI's --json: every figure at its key's path (core.annual_report.report_json);
        shares as fractions (0.25), money in đồng, null for what the records cannot answer."""
        return report_json(report)

    def records(self, key: str, report: AnnualReport) -> list[list[object]]:
        """The records behind the figures traced to `key` (one of RECORD_KEYS): the first row
        the headings (msgids, untranslated), then one row per record; for a count figure,
        as many rows as it counts. No CCCD, phone, religion or health; ethnicity only as
        whether the person belongs to a minority."""
        db = self._db
        sites = list(report.site_filter) if report.site_filter is not None else None
        period = (report.period_from, report.period_to)
        key, _bar, trace = key.partition("|")
        name, _eq, value = trace.partition("=")
        if key == "classes":
            names = repo.class_type_names(db)
            return _rows(
                [N_("Kind"), N_("Class"), N_("Start"), N_("End")],
                (
                    [names.get(code, code), title, _day(start), _day(end)]
                    for _id, code, title, start, end, _site in repo.classes(db, period, sites)
                    if name != "kind" or code == value
                ),
            )
        if key == "learners":
            at = report.period_to.year

            def counted(sex: str | None, birth: int | None, hamlet: str, eth: str) -> bool:
                if name == "sex":
                    return (sex or "") == value
                if name == "hamlet":
                    return hamlet == value
                if name == "band":
                    return birth is not None and value in age_bands(at - birth)
                if name == "minority":
                    return is_minority(eth)
                return True

            return _rows(
                [N_("Name"), N_("Sex"), N_("Birth year"), N_("Hamlet"), N_("Ethnic minority"),
                 N_("Learner-attendances")],
                (
                    [person, Label(_SEX_LABELS[sex]) if sex in _SEX_LABELS else "",
                     str(birth or ""), hamlet, is_minority(eth), n]
                    for _pid, person, sex, birth, hamlet, eth, n in repo.learners(db, period, sites)
                    if counted(sex, birth, hamlet, eth)
                ),
            )  # fmt: skip
        if key == "literacy":
            codes = repo.literacy_codes(db)
            ids = [c[0] for c in repo.classes(db, period, sites) if c[1] in codes]
            return _rows(
                [N_("Name"), N_("Class"), N_("Literacy level"), N_("Result")],
                (
                    [person, title, level or "", _result_label(result)]
                    for person, title, level, result in repo.literacy_enrolments(db, ids)
                    if name != "level" or str(level or "") == value
                ),
            )
        if key == "members":
            return _rows(
                [N_("Member number"), N_("Name"), N_("Hamlet"), N_("Joined on")],
                (
                    [number, person, hamlet, _day(joined)]
                    for number, person, hamlet, joined in repo.active_members(db, sites)
                    if name != "hamlet" or hamlet == value
                ),
            )
        if key == "fund_entries":
            goods = (EntryKind.DONATION_IN_KIND.value, EntryKind.GOODS_ISSUE.value)
            return _rows(
                [N_("Date"), N_("Voucher"), N_("Kind"), N_("Amount"), N_("Party"), N_("Reason")],
                (
                    [
                        _day(e[0]),
                        f"{e[1]} {e[2]}",
                        Label(KIND_LABELS[EntryKind(e[4])]),
                        e[3],
                        e[5],
                        e[6],
                    ]
                    for e in repo.ledger_entries(db, period, sites)
                    if e[4] not in goods
                ),
            )
        if key == "scholarships":
            totals: dict[str, int] = {}
            for e in repo.ledger_entries(db, period, sites):
                if e[4] in _SCHOLARSHIP_KINDS and e[7]:
                    totals[e[7]] = totals.get(e[7], 0) + e[3]
            kept = [p for p, a in totals.items() if a > 0]
            pupils = repo.person_names(db, kept)
            return _rows(
                [N_("Pupil"), N_("Hamlet"), N_("Amount")],
                sorted((*pupils.get(p, ("", "")), totals[p]) for p in kept),
            )
        raise UserError(
            N_("There is no list {key} behind the report's figures: choose one of {keys}."),
            {"key": str(key)[:40], "keys": ", ".join(RECORD_KEYS)},
        )
