"""The import review of the Sync section, shown from the outcomes of a dry run (offscreen)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop_app.i18n import _, ngettext, tr
from desktop_app.services.sync import BundleRecord, ImportOutcome, TableCounts
from desktop_app.ui.context import AppContext
from desktop_app.ui.sync.models import (
    O_STATUS,
    T_CONFLICT,
    T_NEW,
    T_TABLE,
    T_UNCHANGED,
    HistoryModel,
)
from desktop_app.ui.sync.review import ImportReviewDialog, outcome_counts_text
from desktop_app.ui.sync.texts import fingerprint_lines, summary_text, when


def outcome(name: str, status: str, reason: str = "", **tables: TableCounts) -> ImportOutcome:
    return ImportOutcome(
        file=Path("/media/usb") / name,
        bundle="b-" + name,
        sender="0123456789abcdef",
        sender_name="TTHTCĐ xã Đông Hòa",
        kind="data",
        status=status,
        reason=reason,
        tables=dict(tables),
        ack_file=None,
        seq=3,
    )


def test_fingerprint_is_two_lines_of_four_groups() -> None:
    groups = " ".join(f"{n:05d}" for n in range(1, 9))
    assert fingerprint_lines(groups) == "00001 00002 00003 00004\n00005 00006 00007 00008"
    assert fingerprint_lines("") == _("(no key yet)")


def test_times_and_summaries_read_as_on_paper() -> None:
    assert when("2027-03-12T08:30:00") == "12/03/2027 08:30"
    assert when(None) == ""
    counts = {
        "tables": {"person": {"new": 2, "updated": 1, "unchanged": 0, "conflict": 0, "rejected": 0}}
    }
    expected = [tr("{n} new", n="2"), tr("{n} updated", n="1")]
    assert summary_text(counts) == ", ".join(expected)
    assert summary_text({"rows": {"person": 12, "household": 0}}) == _("People") + " 12"
    assert summary_text({"rows": {}}) == _("no new rows")
    assert summary_text({"acks": "x"}) == ""


def test_the_review_shows_each_file_and_table_and_every_refusal(
    qtbot: QtBot, people_db: Path, open_context: Callable[[Path], AppContext]
) -> None:
    ctx = open_context(people_db)
    damaged = "Tệp này bị hỏng: đề nghị trung tâm xuất lại."
    outcomes = [
        outcome(
            "dong-hoa_data_000003.tthbundle",
            "dry-run",
            person=TableCounts(new=5, unchanged=2, conflict=1),
            household=TableCounts(updated=1),
        ),
        outcome("hong_data_000001.tthbundle", "refused", damaged),
    ]
    dialog = ImportReviewDialog(ctx, outcomes, office=True)
    qtbot.addWidget(dialog)
    dialog.show()
    # The refused file is shown first, in plain words; nothing can hide it.
    assert dialog.files_model.index(1, O_STATUS).data() == _("Refused")
    assert damaged in dialog.reason_label.text()
    assert dialog.summary_label.text() == outcome_counts_text(outcomes)
    assert _("Refused").lower() in dialog.summary_label.text()
    assert dialog.import_button.isEnabled()
    dialog.files_table.selectRow(0)
    model = dialog.tables_model
    rows = {model.index(r, T_TABLE).data(): r for r in range(model.rowCount())}
    people = rows[_("People")]
    assert model.index(people, T_NEW).data() == "5"
    assert model.index(people, T_UNCHANGED).data() == "2"
    assert model.index(people, T_CONFLICT).data() == "1"
    assert _("Households") in rows
    # An office's acknowledgements go next to the files unless another folder is chosen.
    assert dialog.ack_folder == Path("/media/usb")
    assert dialog.applicable == [outcomes[0].file]


def test_nothing_to_import_says_why(
    qtbot: QtBot, people_db: Path, open_context: Callable[[Path], AppContext]
) -> None:
    ctx = open_context(people_db)
    dialog = ImportReviewDialog(
        ctx,
        [outcome("a.tthbundle", "refused", "Tệp này không do một trung tâm đã đăng ký gửi.")],
        office=False,
    )
    qtbot.addWidget(dialog)
    assert not dialog.import_button.isEnabled()
    assert not dialog.ack_row.isVisibleTo(dialog)
    assert "không do một trung tâm" in dialog.reason_label.text()
    head = ngettext("{n} file", "{n} files", 1).format(n="1")
    assert outcome_counts_text(dialog.outcomes) == f"{head} — {_('Refused').lower()}: 1."


def test_history_lines_name_the_peer_and_the_kind() -> None:
    model = HistoryModel()
    model.set_rows(
        [
            BundleRecord(
                direction="import",
                kind="ack",
                bundle_id="x",
                peer_site="abcdef0123",
                peer_name="Phòng GD&ĐT",
                seq=4,
                file_name="phong_ack_000004.tthbundle",
                created_at="2027-03-12T08:30:00",
                applied_at=None,
                status="applied",
            )
        ]
    )
    texts = [model.index(0, c).data() for c in range(model.columnCount())]
    assert texts[:6] == [
        "12/03/2027 08:30",
        _("Received"),
        _("Acknowledgement"),
        "Phòng GD&ĐT",
        "4",
        _("Imported"),
    ]
