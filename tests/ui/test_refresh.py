"""Refresh by subscription: the demo fill, a receipt, a dues batch and a certificate batch each
refresh every page that shows their data, without a restart and without anyone announcing a
change by hand (issue part 6).

A real main window on an empty database; each write goes through the one runner (`ctx.op`,
`ctx.task`), whose OpChanges reach the pages through `ctx.subscribe`. No sleeps: the tests
wait for `ctx.changed`, then for the page to show what the reader now says.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pytestqt.qtbot import QtBot

from desktop_app.core.fund import EntryInput, EntryKind
from desktop_app.core.members import DuesBatchInput
from desktop_app.i18n import format_int
from desktop_app.services.fund import EntryRow, LedgerFilter
from desktop_app.services.members import DuesResult
from desktop_app.services.ops import OpChanges
from desktop_app.ui import app
from desktop_app.ui.classes import CertificateRegisterPage, ClassesPage
from desktop_app.ui.classes.printing import CERTIFICATES, ClassPrinter
from desktop_app.ui.khuyen_hoc import FundPage, MembersPage
from desktop_app.ui.main_window import MainWindow

W = TypeVar("W")
WAIT_MS = 20_000
DEMO_PEOPLE = 300


def page_of(window: MainWindow, kind: type[W]) -> W:
    """A section's page, as the sidebar reaches it."""
    for i in range(window.stack.count()):
        widget = window.stack.widget(i)
        if isinstance(widget, kind):
            return widget
    raise AssertionError(f"no {kind.__name__} in the main window")


class Announcements:
    """Every OpChanges announced on `ctx.changed`, in order."""

    def __init__(self, window: MainWindow) -> None:
        self.seen: list[OpChanges] = []
        window.ctx.changed.connect(self.seen.append)

    def kinds(self) -> frozenset[str]:
        return frozenset().union(*(c.kinds for c in self.seen))


def run_op(qtbot: QtBot, window: MainWindow, fn: Callable[[Any], Any]) -> Any:
    """Run `fn` as an op, wait for its announcement and its value."""
    values: list[Any] = []
    with qtbot.waitSignal(window.ctx.changed, timeout=WAIT_MS):
        window.ctx.op(fn, values.append)
    qtbot.waitUntil(lambda: bool(values), timeout=WAIT_MS)
    return values[0]


def fund_balance(page: FundPage, fund_id: str) -> int | None:
    row = page.funds_model.row_of(fund_id)
    line = page.funds_model.line(row) if row is not None else None
    return line.balance if line is not None else None


def ledger_vouchers(page: FundPage) -> set[str]:
    model = page.model
    entries = (model.entry(r) for r in range(model.rowCount()))
    return {e.voucher for e in entries if e is not None}


def fund_shows(page: FundPage, window: MainWindow) -> bool:
    """The fund page shows the reader's funds, balances and the selected fund's ledger."""
    reader = window.ctx.reader
    if page.busy:
        return False
    funds = reader.fund.funds()
    if page.funds_model.rowCount() != len(funds):
        return False
    if any(fund_balance(page, f.id) != reader.fund.balance(f.id) for f in funds):
        return False
    fund_id = page.current_fund_id()
    if fund_id is None:
        return not funds
    start, end = page.period()
    entries = reader.fund.entries(LedgerFilter(fund_id, start, end, page.kinds()))
    return ledger_vouchers(page) == {e.voucher for e in entries}


@pytest.fixture
def demo_window(
    qtbot: QtBot, tmp_path: Path, make_window: Callable[..., MainWindow]
) -> Iterator[MainWindow]:
    """A main window opened on an empty database, then filled with the demo through the
    first-run offer's own path."""
    window = make_window(tmp_path / "empty.sqlite3")
    assert window.ctx.reader.people.count() == 0
    offer = app.DemoOffer(window, people=DEMO_PEOPLE)
    with qtbot.waitSignal(window.ctx.changed, timeout=60_000):
        offer.fill()
    qtbot.waitUntil(lambda: offer.finished, timeout=WAIT_MS)
    yield window


# The demo fill -----------------------------------------------------------------------------


def test_the_demo_fill_shows_on_every_page_without_a_restart(
    qtbot: QtBot, tmp_path: Path, make_window: Callable[..., MainWindow]
) -> None:
    window = make_window(tmp_path / "empty.sqlite3")
    reader = window.ctx.reader
    people = window.people_page
    classes = page_of(window, ClassesPage)
    register = page_of(window, CertificateRegisterPage)
    members = page_of(window, MembersPage)
    fund = page_of(window, FundPage)
    settings = window.settings_page
    # Everything starts empty.
    assert people.model.rowCount() == 0
    assert settings.hamlet_list.count() == 0 and settings.name.text() == ""
    qtbot.waitUntil(lambda: not fund.busy and not classes.loading, timeout=WAIT_MS)
    assert classes.model.rowCount() == 0 and fund.funds_model.rowCount() == 0

    # The register reloads after the fill (the demo touches people and classes).
    register_loads: list[int] = []
    announced = Announcements(window)
    register.loaded.connect(lambda: register_loads.append(len(announced.seen)))

    offer = app.DemoOffer(window, people=DEMO_PEOPLE)
    with qtbot.waitSignal(window.ctx.changed, timeout=60_000) as blocker:
        offer.fill()
    changes = blocker.args[0] if blocker.args else None
    assert isinstance(changes, OpChanges)
    assert changes.touches("person", "household", "hamlet", "centre", "course", "member")
    assert changes.touches("fund", "ledger_entry")
    qtbot.waitUntil(lambda: offer.finished, timeout=WAIT_MS)

    # People: the list and its count.
    count = reader.people.count()
    assert count >= DEMO_PEOPLE
    qtbot.waitUntil(lambda: people.model.rowCount() == count, timeout=WAIT_MS)
    assert format_int(count) in people.count_label.text()
    assert people.model.index(0, 1).data()

    # Classes: the list, read on the query thread.
    def classes_shown() -> bool:
        expected = reader.courses.find(classes.current_filter())
        return (
            not classes.loading and len(expected) > 0 and classes.model.rowCount() == len(expected)
        )

    qtbot.waitUntil(classes_shown, timeout=WAIT_MS)

    # Certificate register: reloaded after the fill, and shows what the reader has.
    qtbot.waitUntil(lambda: any(n > 0 for n in register_loads), timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: (
            not register.loading
            and register.model.rowCount() == len(reader.certificates.register())
        ),
        timeout=WAIT_MS,
    )

    # Members: the branches with their counts, and members in the table.
    branches = reader.members.branches()
    assert branches
    qtbot.waitUntil(
        lambda: members.branch_list.count() == len(branches) + 1 and members.model.rowCount() > 0,
        timeout=WAIT_MS,
    )

    # Fund: funds, balances, the ledger of the selected fund.
    assert reader.fund.funds()
    qtbot.waitUntil(lambda: fund_shows(fund, window), timeout=WAIT_MS)
    assert fund.model.rowCount() > 0

    # Settings: the profile and the hamlets; the window title.
    profile = reader.centre.profile()
    assert profile.is_set
    qtbot.waitUntil(lambda: settings.name.text() == profile.name, timeout=WAIT_MS)
    assert settings.director.text() == profile.director
    assert settings.hamlet_list.count() == len(reader.centre.hamlets()) > 0
    assert window.windowTitle().startswith(profile.name)


# A receipt ---------------------------------------------------------------------------------


def test_a_receipt_updates_the_fund_balance_and_ledger(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    window = demo_window
    fund = page_of(window, FundPage)
    qtbot.waitUntil(lambda: fund_shows(fund, window), timeout=WAIT_MS)
    fund_id = fund.current_fund_id()
    assert fund_id is not None
    before = fund_balance(fund, fund_id)
    assert before is not None
    amount = 1_234_000
    data = EntryInput(
        fund_id=fund_id,
        kind=EntryKind.DONATION_CASH,
        entry_date=dt.date.today(),
        amount=amount,
        party_name="Công ty Thử Nghiệm",
        reason="Ủng hộ quỹ khuyến học",
    )
    entry: EntryRow = run_op(qtbot, window, lambda ws: ws.fund.record(data))
    qtbot.waitUntil(lambda: fund_balance(fund, fund_id) == before + amount, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: entry.voucher in ledger_vouchers(fund), timeout=WAIT_MS)
    qtbot.waitUntil(lambda: fund_shows(fund, window), timeout=WAIT_MS)


# A dues batch ------------------------------------------------------------------------------


def test_a_dues_batch_updates_the_members_page_and_the_fund(
    qtbot: QtBot, demo_window: MainWindow
) -> None:
    window = demo_window
    reader = window.ctx.reader
    members = page_of(window, MembersPage)
    fund = page_of(window, FundPage)
    qtbot.waitUntil(lambda: fund_shows(fund, window), timeout=WAIT_MS)
    fund_id = fund.current_fund_id()
    assert fund_id is not None
    before = fund_balance(fund, fund_id)
    assert before is not None

    year = dt.date.today().year
    branch, unpaid = next(
        (b, rows)
        for b in reader.members.branches()
        if len(rows := reader.members.unpaid(year, b.id)) >= 2
    )
    # The unpaid list of that branch, open on the members page.
    qtbot.waitUntil(lambda: members.branch_list.count() > 1, timeout=WAIT_MS)
    members.select_branch(branch.id)
    members.show_unpaid()
    dialog = members.dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.model.rowCount() == len(unpaid), timeout=WAIT_MS)  # type: ignore[attr-defined]

    rate = reader.members.rate(year)
    amount = rate.amount if rate is not None else 20_000
    payers = unpaid[:2]
    batch = DuesBatchInput(
        branch_id=branch.id,
        year=year,
        collected_on=dt.date.today(),
        collector="Nguyễn Thị Thu",
        expected_count=len(payers),
        expected_total=amount * len(payers),
        payments=tuple((m.id, amount) for m in payers),
    )
    result: DuesResult = run_op(qtbot, window, lambda ws: ws.members.collect(batch, fund_id))

    # Members: the two who paid leave the unpaid list.
    qtbot.waitUntil(
        lambda: dialog.model.rowCount() == len(unpaid) - len(payers),  # type: ignore[attr-defined]
        timeout=WAIT_MS,
    )
    shown = {dialog.model.member(r).id for r in range(dialog.model.rowCount())}  # type: ignore[attr-defined]
    assert not shown & {m.id for m in payers}
    # Fund: the batch's receipt and the new balance.
    qtbot.waitUntil(
        lambda: fund_balance(fund, fund_id) == before + batch.expected_total, timeout=WAIT_MS
    )
    qtbot.waitUntil(lambda: result.voucher in ledger_vouchers(fund), timeout=WAIT_MS)
    dialog.close()


# A certificate batch -----------------------------------------------------------------------


def test_a_certificate_batch_updates_the_register(
    qtbot: QtBot, demo_window: MainWindow, tmp_path: Path
) -> None:
    window = demo_window
    reader = window.ctx.reader
    register = page_of(window, CertificateRegisterPage)
    qtbot.waitUntil(lambda: not register.loading, timeout=WAIT_MS)
    before = register.model.rowCount()
    course = next(c for c in reader.courses.find() if c.completed > 0)
    completers = len(reader.courses.completers(course.id))

    printer = ClassPrinter(window, window.ctx, course.id)
    printer.print(CERTIFICATES)
    qtbot.waitUntil(lambda: printer.preview is not None, timeout=60_000)
    # The preview issues nothing; Save as issues the batch.
    assert printer.preview is not None
    with qtbot.waitSignal(window.ctx.changed, timeout=WAIT_MS):
        assert printer.preview.issue is not None
        printer.preview.issue(tmp_path / "gcn.pdf", lambda _p: None)
    qtbot.waitUntil(
        lambda: not register.loading and register.model.rowCount() == before + completers,
        timeout=WAIT_MS,
    )
    serials = {register.model.row_at(r).serial for r in range(register.model.rowCount())}  # type: ignore[union-attr]
    assert {c.serial for c in reader.certificates.register()} == serials
    assert printer.preview is not None
    printer.preview.close()
