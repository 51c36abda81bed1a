"""What the Sync section says about sites, bundles and imports, in the user's words.

The service speaks in stable words ("overdue", "already-imported", "person"); the screen
shows each through `_()`, and a word it does not know as it is, never a blank.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from desktop_app.core.problems import N_
from desktop_app.i18n import _, format_date, format_int, tr
from desktop_app.services.sync import TableCounts

ROLE_LABELS = {"centre": N_("Community learning centre"), "office": N_("Upstream office")}

KIND_LABELS = {
    "data": N_("Data"),
    "ack": N_("Acknowledgement"),
    "catalogue": N_("Catalogues"),
    "correction": N_("Correction request"),
    "enrolment": N_("Joining an office"),
}

# What became of a file given to the import.
OUTCOME_LABELS = {
    "dry-run": N_("Ready to import"),
    "applied": N_("Imported"),
    "already-imported": N_("Already imported"),
    "stale": N_("Older than what is held"),
    "refused": N_("Refused"),
}

# A centre as its office sees it.
CENTRE_STATUS_LABELS = {
    "ok": N_("Up to date"),
    "overdue": N_("Overdue"),
    "never": N_("Nothing received yet"),
    "revoked": N_("Revoked"),
    "ledger-rewritten": N_("Ledger rewritten after it was reported"),
    "relayed": N_("Through {office}"),
}
CENTRE_STATUS_NOTES = {
    "relayed": N_(
        "A centre of {office}, which sends its records here: it sends no file here itself."
    ),
    "overdue": N_("No bundle arrived from this centre for {days} days."),
    "never": N_("The centre is enrolled but has sent nothing yet."),
    "revoked": N_("Its bundles are refused: it must enrol again."),
    "ledger-rewritten": N_(
        "A fund's ledger differs from what the centre reported earlier: ask the centre why."
    ),
}

DIRECTION_LABELS = {"export": N_("Sent"), "import": N_("Received")}

# Bundle log statuses (the service's words for what it did with a bundle).
RECORD_STATUS_LABELS = {
    **OUTCOME_LABELS,
    "written": N_("Written"),
    "sent": N_("Written"),
    "exported": N_("Written"),
    "acknowledged": N_("Acknowledged"),
    # What a recovery did with a file (services.sync_recovery).
    "recovered": N_("Recovered"),
    "already-held": N_("Already held"),
}

# The tables that travel, by what they hold.
TABLE_LABELS = {
    "site": N_("Sites"),
    "centre": N_("Centre profile"),
    "hamlet": N_("Hamlets"),
    "person": N_("People"),
    "household": N_("Households"),
    "class_type": N_("Kinds of class"),
    "course": N_("Classes"),
    "session": N_("Sessions"),
    "enrolment": N_("Class enrolments"),
    "attendance": N_("Attendance"),
    "certificate": N_("Certificates"),
    "branch": N_("Branches"),
    "member": N_("Members"),
    "dues_rate": N_("Dues rates"),
    "dues_batch": N_("Dues batches"),
    "dues_payment": N_("Dues payments"),
    "fund": N_("Funds"),
    "ledger_entry": N_("Ledger entries"),
    "fund_year_close": N_("Year closings"),
    "org_unit": N_("Administrative units"),
}


def label(labels: Mapping[str, str], word: str) -> str:
    """The translated label of a service word, or the word itself if it is new."""
    msgid = labels.get(word)
    return _(msgid) if msgid else word


def table_label(table: str) -> str:
    return label(TABLE_LABELS, table)


def fingerprint_lines(fingerprint: str) -> str:
    """A key's fingerprint as two lines of four groups of digits, to read over the phone."""
    groups = fingerprint.split()
    if not groups:
        return _("(no key yet)")
    return "\n".join(" ".join(groups[i : i + 4]) for i in range(0, len(groups), 4))


def when(iso: str | None) -> str:
    """A stored UTC time as the screen shows dates (dd/mm/yyyy HH:MM, local time)."""
    if not iso:
        return ""
    try:
        moment = dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    if moment.tzinfo is not None:
        moment = moment.astimezone()
    return f"{format_date(moment.date())} {moment:%H:%M}"


def counts_text(tables: Mapping[str, TableCounts]) -> str:
    """One line for the whole of a bundle: how many rows are new, updated, and so on."""
    total = TableCounts(
        new=sum(c.new for c in tables.values()),
        updated=sum(c.updated for c in tables.values()),
        unchanged=sum(c.unchanged for c in tables.values()),
        conflict=sum(c.conflict for c in tables.values()),
        rejected=sum(c.rejected for c in tables.values()),
    )
    # Only what is there: "5 new, 1 in conflict" reads whole in a narrow column.
    words = (
        (total.new, N_("{n} new")),
        (total.updated, N_("{n} updated")),
        (total.unchanged, N_("{n} unchanged")),
        (total.conflict, N_("{n} in conflict")),
        (total.rejected, N_("{n} rejected")),
    )
    parts = [tr(msgid, n=format_int(n)) for n, msgid in words if n]
    if not parts:
        return _("no rows")
    return ", ".join(parts)


def summary_text(summary: Mapping[str, object]) -> str:
    """A bundle log's summary: what an import did to each table (new, updated...), or the
    rows an export holds, by table."""
    tables = summary.get("tables")
    if isinstance(tables, Mapping) and tables:
        counted: dict[str, TableCounts] = {}
        for table, value in tables.items():
            if isinstance(value, Mapping):
                fields = {
                    k: int(v)
                    for k, v in value.items()
                    if k in TableCounts.__dataclass_fields__ and isinstance(v, int)
                }
                counted[str(table)] = TableCounts(**fields)
        return counts_text(counted)
    rows = summary.get("rows")
    if isinstance(rows, Mapping):
        shown = [
            f"{table_label(str(table))} {format_int(n)}"
            for table, n in sorted(rows.items(), key=lambda item: table_label(str(item[0])))
            if isinstance(n, int) and n
        ]
        return ", ".join(shown) if shown else _("no new rows")
    return ""


# The fields of a person a correction request may propose values for (CORRECTION_FIELDS).
FIELD_LABELS = {
    "full_name": N_("Full name"),
    "birth": N_("Birth"),
    "sex": N_("Sex"),
    "phone": N_("Phone"),
    "hamlet_id": N_("Hamlet"),
    "cccd": N_("CCCD"),
}
SEX_VALUES = {"M": N_("Male"), "F": N_("Female")}


def cell_text(value: object) -> str:
    """A stored value as a line of the side-by-side view: empty for none."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        return tr("({n} bytes)", n=format_int(len(value)))
    return str(value)


# Columns the side-by-side view of a conflict leaves out: derived from the others (search
# and sort keys), or the same on both sides by construction (the row's id and owner).
DERIVED_COLUMNS = frozenset(
    {"id", "owner_site", "sort_key", "search_text", "folded_name", "hamlet_key", "birth_year"}
)
# The columns a user knows by name; any other shows as stored.
COLUMN_LABELS = {
    **FIELD_LABELS,
    "version": N_("Version"),
    "updated_at": N_("Changed on"),
    "deleted": N_("Deleted"),
    "family_name": N_("Family name"),
    "middle_name": N_("Middle name"),
    "given_name": N_("Given name"),
    "household_id": N_("Household"),
    "household_relation": N_("Relation in the household"),
    "ethnicity": N_("Ethnicity"),
    "religion": N_("Religion"),
    "notes": N_("Notes"),
    "name": N_("Name"),
    "title": N_("Title"),
    "amount": N_("Amount"),
}


def column_label(column: str) -> str:
    return label(COLUMN_LABELS, column)
