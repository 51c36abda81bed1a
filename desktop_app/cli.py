"""The `tthtcd` command: opens the GUI, or runs a use case headless. Only this parses argv."""

from __future__ import annotations

import argparse
import datetime as dt
import errno
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from desktop_app import __version__
from desktop_app.buglog import log_bug
from desktop_app.core.fund import Account, EntryKind
from desktop_app.core.people import PersonRow
from desktop_app.core.problems import N_, Problem, StoreError, UserError
from desktop_app.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    _,
    format_int,
    format_money,
    ngettext,
    problem_text,
    set_language,
    tr,
    user_error_text,
)
from desktop_app.services.fund import UNSEALED_MESSAGE, EntryRow
from desktop_app.services.workspace import Workspace

if TYPE_CHECKING:
    from desktop_app.services.certificates import Decision

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERNAL = 70


# Bounds of the counts typed on the command line: far above any real centre (bench/ uses
# 200,000 people), low enough that a typo fails at once instead of filling the disk.
MAX_DEMO_PEOPLE = 1_000_000
MAX_DEMO_COURSES = 100_000
MAX_LIMIT = 1_000_000


class CliError(Exception):
    """A failure to report as one line on stderr."""

    def __init__(self, text: str, code: int = EXIT_FAILURE) -> None:
        super().__init__(text)
        self.text = text
        self.code = code


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # One clear line instead of argparse's usage dump.
        raise CliError(tr("{message} (see 'tthtcd --help')", message=message), EXIT_USAGE)


def _date(text: str) -> dt.date:
    """An option's day, read as the GUI's date fields read it (core.dates.parse_day)."""
    from desktop_app.core.dates import DateError, parse_day

    try:
        return parse_day(text)
    except DateError as e:
        if e.unreadable:
            message = tr("'{value}' is not a date like 31/12/2026", value=text)
        else:  # say which day does not exist
            message = f"{text}: {user_error_text(e)}"
        raise argparse.ArgumentTypeError(message) from None


def _positive(text: str) -> int:
    try:
        # Python reads any number of digits; 30 is far beyond every bound below, and keeps a
        # pasted megabyte of digits from being converted at all.
        if len(text.strip()) > 30:
            raise ValueError(text)
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            tr("'{value}' is not a whole number", value=text[:40])
        ) from None
    if value < 0:
        raise argparse.ArgumentTypeError(tr("'{value}' must not be negative", value=text))
    return value


def _at_most(maximum: int) -> Callable[[str], int]:
    """A whole number from 0 to `maximum` (a count, a --limit)."""

    def parse(text: str) -> int:
        value = _positive(text)
        if value > maximum:
            raise argparse.ArgumentTypeError(
                tr(
                    "'{value}' is too large: at most {maximum}",
                    value=text,
                    maximum=format_int(maximum),
                )
            )
        return value

    return parse


def _year(text: str) -> int:
    """A calendar year the records can hold (see core.dates.check_year)."""
    from desktop_app.core.dates import FIRST_YEAR, LAST_YEAR

    value = _positive(text)
    if not FIRST_YEAR <= value <= LAST_YEAR:
        raise argparse.ArgumentTypeError(
            tr(
                "'{value}' is not a year from {first} to {last}",
                value=text, first=FIRST_YEAR, last=LAST_YEAR,
            )
        )  # fmt: skip
    return value


def _argparse_gettext(message: str) -> str:
    return _(message) if message else message


def _argparse_ngettext(singular: str, plural: str, n: int) -> str:
    return ngettext(singular, plural, n)


def _argparse_messages() -> None:
    """Never called: marks argparse's own words for extraction into our catalogs. argparse looks
    them up through its module globals `_` and `ngettext`, which `build_parser` points at ours,
    so `tthtcd --lang vi ... --help` and its errors read in Vietnamese."""
    N_("usage: ")
    N_("positional arguments")
    N_("options")
    N_("show this help message and exit")
    N_("argument %(argument_name)s: %(message)s")
    N_("unrecognized arguments: %s")
    N_("the following arguments are required: %s")
    N_("one of the arguments %s is required")
    N_("expected one argument")
    N_("expected at most one argument")
    N_("expected at least one argument")
    ngettext("expected %s argument", "expected %s arguments", 2)
    N_("ambiguous option: %(option)s could match %(matches)s")
    N_("invalid %(type)s value: %(value)r")
    N_("invalid choice: %(value)r (choose from %(choices)s)")
    N_("not allowed with argument %s")
    N_("ignored explicit argument %r")
    N_("unknown parser %(parser_name)r (choices: %(choices)s)")
    N_("unexpected option string: %s")


# The command line's kinds of entries, in the words a secretary uses, and the ledger's kinds.
RECEIPT_KIND_CHOICES: dict[str, EntryKind] = {
    "donation": EntryKind.DONATION_CASH,
    "in-kind": EntryKind.DONATION_IN_KIND,
    "dues": EntryKind.DUES,
    "interest": EntryKind.INTEREST,
    "transfer": EntryKind.TRANSFER_IN,
}
PAYMENT_KIND_CHOICES: dict[str, EntryKind] = {
    "scholarship": EntryKind.SCHOLARSHIP,
    "award": EntryKind.AWARD,
    "gift": EntryKind.GIFT,
    "expense": EntryKind.EXPENSE,
    "transfer": EntryKind.TRANSFER_OUT,
}
_CLI_KIND = {
    kind: word
    for choices in (RECEIPT_KIND_CHOICES, PAYMENT_KIND_CHOICES)
    for word, kind in choices.items()
} | {EntryKind.GOODS_ISSUE: "goods-issue"}


def _person_options(parser: argparse.ArgumentParser, *, name_required: bool) -> None:
    # The metavars are the contract's own words (README), not translated.
    parser.add_argument(
        "--name", metavar="NAME", required=name_required, help=_("full name, e.g. Nguyễn Văn An")
    )
    parser.add_argument(
        "--sex", type=str.upper, choices=("M", "F"), help=_("M (male) or F (female)")
    )
    parser.add_argument(
        "--birth", metavar="DD/MM/YYYY", help=_("birth date dd/mm/yyyy, or only the year")
    )
    parser.add_argument("--cccd", metavar="N", help=_("the 12-digit citizen identity card number"))
    parser.add_argument("--phone", metavar="P", help=_("phone number"))
    parser.add_argument(
        "--hamlet", metavar="NAME", help=_("the hamlet's name, with or without marks")
    )
    parser.add_argument(
        "--confirm-different",
        action="store_true",
        help=_("save even if someone with the same name, birth year and hamlet exists"),
    )
    parser.add_argument("--json", action="store_true", help=_("print JSON"))


def _entry_options(
    parser: argparse.ArgumentParser, kinds: Sequence[str], default: str, party_help: str
) -> None:
    parser.add_argument(
        "--fund", metavar="ID", help=_("the fund (id); not needed when there is only one")
    )
    parser.add_argument(
        "--amount", metavar="N", help=_("in đồng, e.g. 1500000 or 1.500.000 (required)")
    )
    parser.add_argument("--party", metavar="NAME", required=True, help=party_help)
    parser.add_argument(
        "--reason", metavar="TEXT", required=True, help=_("the reason printed on the voucher")
    )
    parser.add_argument("--kind", choices=kinds, default=default, help=_("kind of entry"))
    parser.add_argument(
        "--account",
        choices=("cash", "bank"),
        default="cash",
        help=_("cash (the cash book) or bank (the bank book); default cash"),
    )


def _entry_date_and_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--date", metavar="DD/MM/YYYY", help=_("the voucher's date, dd/mm/yyyy (default: today)")
    )
    parser.add_argument("--json", action="store_true", help=_("print JSON"))


def _centre_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--centre",
        metavar="SITE_ID",
        help=_("at an office: only this centre's rows, as imported (see 'centres list')"),
    )


def _sites(args: argparse.Namespace) -> tuple[str, ...] | None:
    """--centre as the services' choice of sites; None: every site's rows."""
    return None if args.centre is None else (args.centre,)


def build_parser() -> argparse.ArgumentParser:
    vars(argparse).update(_=_argparse_gettext, ngettext=_argparse_ngettext)
    common = _Parser(add_help=False)
    common.add_argument("--db", metavar="PATH", type=Path, help=_("database file"))
    common.add_argument("--lang", choices=LANGUAGES, help=_("language of messages (vi or en)"))

    parser = _Parser(
        prog="tthtcd",
        description=_("Community learning centre and Hội Khuyến học records, offline."),
        parents=[common],
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"tthtcd {__version__}",
        help=_("show program's version number and exit"),
    )
    commands = parser.add_subparsers(dest="command", parser_class=_Parser)

    demo = commands.add_parser(
        "demo", parents=[common], help=_("create a new database with a demo centre")
    )
    demo.add_argument(
        "--people", type=_at_most(MAX_DEMO_PEOPLE), default=2000, help=_("number of people")
    )
    demo.add_argument("--seed", type=int, default=1, help=_("random seed (same seed, same data)"))
    demo.add_argument(
        "--courses",
        type=_at_most(MAX_DEMO_COURSES),
        default=None,
        help=_("number of classes (default: people/100)"),
    )

    people = commands.add_parser("people", parents=[common], help=_("the people registry"))
    people_commands = people.add_subparsers(dest="people_command", parser_class=_Parser)
    search = people_commands.add_parser(
        "search", parents=[common], help=_("find people by name, phone or CCCD")
    )
    search.add_argument("text", help=_("what to search for, with or without marks"))
    search.add_argument(
        "--limit", type=_at_most(MAX_LIMIT), default=50, help=_("at most this many")
    )
    search.add_argument("--json", action="store_true", help=_("print JSON"))
    _centre_option(search)
    listing = people_commands.add_parser(
        "list", parents=[common], help=_("list people in roster order")
    )
    listing.add_argument(
        "--limit", type=_at_most(MAX_LIMIT), default=100, help=_("at most this many")
    )
    listing.add_argument("--json", action="store_true", help=_("print JSON"))
    _centre_option(listing)
    add = people_commands.add_parser("add", parents=[common], help=_("add a person"))
    _person_options(add, name_required=True)
    edit = people_commands.add_parser(
        "edit", parents=[common], help=_("change a person; options left out keep their values")
    )
    edit.add_argument("id", metavar="ID", help=_("the person's id"))
    _person_options(edit, name_required=False)
    for name, text in (
        ("delete", _("delete a person (restore undoes it)")),
        ("restore", _("restore a deleted person")),
    ):
        command = people_commands.add_parser(name, parents=[common], help=text)
        command.add_argument("id", metavar="ID", help=_("the person's id"))
        command.add_argument("--json", action="store_true", help=_("print JSON"))

    courses = commands.add_parser("courses", parents=[common], help=_("classes and topic sessions"))
    course_commands = courses.add_subparsers(dest="courses_command", parser_class=_Parser)
    course_list = course_commands.add_parser("list", parents=[common], help=_("list the classes"))
    course_list.add_argument("--json", action="store_true", help=_("print JSON"))
    course_list.add_argument("--year", type=_year, help=_("only classes of this year"))
    _centre_option(course_list)

    certificates = commands.add_parser(
        "certificates", parents=[common], help=_("the certificate register")
    )
    cert_commands = certificates.add_subparsers(dest="cert_command", parser_class=_Parser)
    cert_print = cert_commands.add_parser(
        "print", parents=[common], help=_("print the certificates of every completer of a class")
    )
    cert_print.add_argument("--course", required=True, help=_("the class id"))
    cert_print.add_argument("--out", required=True, type=Path, help=_("PDF (or ZIP) file to write"))
    cert_print.add_argument("--zip", action="store_true", help=_("one PDF per person in a ZIP"))
    cert_print.add_argument(
        "--kind", choices=("completion", "commendation"), default="completion",
        help=_("completion certificate or commendation"),
    )  # fmt: skip
    cert_print.add_argument(
        "--decision", metavar="TEXT",
        help=_("a commendation's decision number, e.g. 12/QĐ-TTHTCĐ (required for commendations)"),
    )  # fmt: skip
    cert_print.add_argument(
        "--decision-date", metavar="DD/MM/YYYY",
        help=_("the date of the commendation's decision, dd/mm/yyyy"),
    )  # fmt: skip
    cert_register = cert_commands.add_parser(
        "register", parents=[common], help=_("print the certificate register of a year")
    )
    cert_register.add_argument(
        "--year", type=_year, required=True, help=_("the year of the register")
    )
    cert_register.add_argument("--out", required=True, type=Path, help=_("PDF file to write"))
    cert_verify = cert_commands.add_parser(
        "verify", parents=[common], help=_("check the text of a certificate's QR code")
    )
    cert_verify.add_argument("payload", help=_("the text inside the QR code"))

    roster = commands.add_parser("roster", parents=[common], help=_("class rosters"))
    roster_commands = roster.add_subparsers(dest="roster_command", parser_class=_Parser)
    roster_print = roster_commands.add_parser(
        "print", parents=[common], help=_("print the roster of a class")
    )
    roster_print.add_argument("--course", required=True, help=_("the class id"))
    roster_print.add_argument("--out", required=True, type=Path, help=_("PDF file to write"))

    fund = commands.add_parser("fund", parents=[common], help=_("the Khuyến học fund"))
    fund_commands = fund.add_subparsers(dest="fund_command", parser_class=_Parser)
    balance = fund_commands.add_parser(
        "balance", parents=[common], help=_("the balance of each fund")
    )
    balance.add_argument("--fund", help=_("only this fund (id)"))
    balance.add_argument("--at", type=_date, help=_("balance at the end of this day (dd/mm/yyyy)"))
    balance.add_argument("--json", action="store_true", help=_("print JSON"))
    _centre_option(balance)
    receipt_entry = fund_commands.add_parser(
        "receipt", parents=[common], help=_("record a receipt (phiếu thu)")
    )
    _entry_options(
        receipt_entry, tuple(RECEIPT_KIND_CHOICES), "donation", _("who paid the money in")
    )
    receipt_entry.add_argument("--address", metavar="TEXT", default="", help=_("their address"))
    receipt_entry.add_argument(
        "--items",
        metavar="TEXT",
        help=_("with --kind in-kind: the goods, e.g. sách giáo khoa lớp 4"),
    )
    receipt_entry.add_argument(
        "--quantity", metavar="N", type=_positive, help=_("with --kind in-kind: how many")
    )
    receipt_entry.add_argument(
        "--unit", metavar="TEXT", help=_("with --kind in-kind: the unit, e.g. bộ, quyển, bao")
    )
    receipt_entry.add_argument(
        "--value", metavar="N", help=_("with --kind in-kind: the goods' valuation in đồng")
    )
    _entry_date_and_json(receipt_entry)
    payment = fund_commands.add_parser(
        "payment", parents=[common], help=_("record a payment (phiếu chi)")
    )
    _entry_options(payment, tuple(PAYMENT_KIND_CHOICES), "expense", _("who received the money"))
    payment.add_argument(
        "--recipient",
        metavar="PERSON_ID",
        help=_("the pupil's person id (scholarship and award need one)"),
    )
    payment.add_argument("--school", metavar="TEXT", default="", help=_("the pupil's school"))
    payment.add_argument(
        "--grade", metavar="TEXT", default="", help=_("the pupil's grade or class")
    )
    _entry_date_and_json(payment)
    void = fund_commands.add_parser(
        "void", parents=[common], help=_("void an entry by recording its reversal")
    )
    void.add_argument("number", metavar="NUMBER", help=_("voucher number, e.g. PT-0042/2026"))
    void.add_argument(
        "--reason", metavar="TEXT", required=True, help=_("why it is voided (printed and kept)")
    )
    void.add_argument("--fund", metavar="ID", help=_("the fund (id), if several have that number"))
    void.add_argument("--json", action="store_true", help=_("print JSON"))
    issue = fund_commands.add_parser(
        "goods-issue",
        parents=[common],
        help=_("hand out goods received in kind (biên bản bàn giao, XK-…)"),
    )
    issue.add_argument(
        "--fund", metavar="ID", help=_("the fund (id); not needed when there is only one")
    )
    source = issue.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--of", metavar="NUMBER", help=_("the goods receipt they come from, e.g. NK-0003/2026")
    )
    source.add_argument(
        "--items", metavar="TEXT", help=_("the goods, when one goods receipt holds them")
    )
    issue.add_argument(
        "--quantity", metavar="N", type=_positive, required=True, help=_("how many are handed out")
    )
    issue.add_argument(
        "--to",
        metavar="NAME",
        nargs="+",
        required=True,
        help=_("who received them, e.g. the pupils' names"),
    )
    issue.add_argument("--reason", metavar="TEXT", default="", help=_("what they are given for"))
    _entry_date_and_json(issue)
    reclassify = fund_commands.add_parser(
        "reclassify-in-kind",
        parents=[common],
        help=_("move gifts in kind recorded as cash into the goods book"),
    )
    reclassify.add_argument("--fund", metavar="ID", help=_("only this fund (id)"))
    reclassify.add_argument("--json", action="store_true", help=_("print JSON"))

    ledger = commands.add_parser("ledger", parents=[common], help=_("the fund ledger"))
    ledger_commands = ledger.add_subparsers(dest="ledger_command", parser_class=_Parser)
    ledger_commands.add_parser(
        "verify", parents=[common], help=_("check that no ledger entry was changed")
    )

    receipt = commands.add_parser("receipt", parents=[common], help=_("receipt vouchers"))
    receipt_commands = receipt.add_subparsers(dest="receipt_command", parser_class=_Parser)
    receipt_print = receipt_commands.add_parser(
        "print", parents=[common], help=_("print a receipt or payment voucher")
    )
    receipt_print.add_argument(
        "--entry", required=True, help=_("voucher number, e.g. PT-0042/2026")
    )
    receipt_print.add_argument("--fund", help=_("the fund (id), if several have that number"))
    receipt_print.add_argument("--out", required=True, type=Path, help=_("PDF file to write"))

    disclosure = commands.add_parser(
        "disclosure", parents=[common], help=_("the yearly public disclosure sheet")
    )
    disclosure_commands = disclosure.add_subparsers(dest="disclosure_command", parser_class=_Parser)
    disclosure_print = disclosure_commands.add_parser(
        "print", parents=[common], help=_("print the disclosure sheet of a fund and year")
    )
    disclosure_print.add_argument("--fund", required=True, help=_("the fund (id)"))
    disclosure_print.add_argument("--year", required=True, type=_year, help=_("the year"))
    disclosure_print.add_argument("--out", required=True, type=Path, help=_("PDF file to write"))
    disclosure_print.add_argument(
        "--number", metavar="TEXT", default="", help=_("the document number, e.g. 05/BC-HKH")
    )
    book = fund_commands.add_parser(
        "book", parents=[common], help=_("print the cash book or the bank book of a period")
    )
    book.add_argument(
        "--fund", metavar="ID", help=_("the fund (id); not needed when there is only one")
    )
    book.add_argument(
        "--from", dest="start", required=True, type=_date, help=_("first day, dd/mm/yyyy")
    )
    book.add_argument("--to", dest="end", required=True, type=_date, help=_("last day, dd/mm/yyyy"))
    book.add_argument(
        "--account", choices=("cash", "bank"), default="cash", help=_("cash book or bank book")
    )
    book.add_argument("--out", required=True, type=Path, help=_("PDF file to write"))

    members = commands.add_parser(
        "members", parents=[common], help=_("the Hội Khuyến học's members")
    )
    members_commands = members.add_subparsers(dest="members_command", parser_class=_Parser)
    unpaid = members_commands.add_parser(
        "unpaid", parents=[common], help=_("the active members who have not paid a year's dues")
    )
    unpaid.add_argument("--year", required=True, type=_year, help=_("the year"))
    unpaid.add_argument("--branch", metavar="ID", help=_("only this branch (id)"))
    unpaid.add_argument(
        "--out",
        type=Path,
        help=_("write the list to this PDF or .xlsx file instead of printing it"),
    )
    unpaid.add_argument("--json", action="store_true", help=_("print JSON"))

    commands.add_parser(
        "selfcheck", parents=[common], help=_("check that this installation works, headless")
    )
    _backup_parsers(commands, common)
    return parser


def _command_words(args: Sequence[str]) -> str:
    """The command for the bug log, without its values: names, CCCD numbers and phones are
    personal data and must not leave the app in a log file someone e-mails."""
    words: list[str] = []
    commands = 0
    for arg in args:
        if arg.startswith("-"):
            words.append(arg.split("=", 1)[0])
        elif commands < 2 and not (words and words[-1].startswith("-")):
            # The command and its subcommand ("people add"); anything later is a value.
            commands += 1
            words.append(arg if arg.isascii() and arg.isidentifier() else "…")
        else:
            words.append("…")
    return " ".join(words)


# What the system says about a path typed on the command line (too long, missing, a folder,
# not allowed): the user's to fix, not a bug.
_PATH_ERRNOS = frozenset(
    {errno.ENAMETOOLONG, errno.ENOENT, errno.EISDIR, errno.ENOTDIR, errno.EACCES, errno.EPERM,
     errno.ELOOP, errno.EROFS}
)  # fmt: skip


def _is_path_error(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and exc.filename is not None and exc.errno in _PATH_ERRNOS


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    set_language(_language_from(args_list))
    try:
        args = build_parser().parse_args(args_list)
        return _dispatch(args)
    except CliError as exc:
        print(f"tthtcd: {exc.text}", file=sys.stderr)
        return exc.code
    except StoreError as exc:
        print(f"tthtcd: {tr(exc.message, **exc.params)}", file=sys.stderr)
        return EXIT_FAILURE
    except UserError as exc:
        print(f"tthtcd: {_one_line(exc)}", file=sys.stderr)
        return EXIT_FAILURE
    except BrokenPipeError:
        # `tthtcd people list | head` closed the pipe: not an error worth a message.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keep Python quiet at exit
        return EXIT_OK
    except KeyboardInterrupt:
        message = _("interrupted; nothing half-done was kept")
        print(f"tthtcd: {message}", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug: one line naming the log that holds the traceback
        if _is_path_error(exc):
            assert isinstance(exc, OSError)
            message = tr(
                "{path} cannot be used: {error}.",
                path=str(exc.filename)[:200],
                error=exc.strerror or type(exc).__name__,
            )
            print(f"tthtcd: {message}", file=sys.stderr)
            return EXIT_FAILURE
        where = log_bug(exc, "tthtcd " + _command_words(args_list))
        message = tr(
            "internal error ({error}); the details are in {path}, please send that file "
            "to whoever supports the app",
            error=type(exc).__name__,
            path=str(where),
        )
        print(f"tthtcd: {message}", file=sys.stderr)
        return EXIT_INTERNAL


def _language_from(argv: list[str]) -> str:
    """Pick --lang before parsing, so parse errors are already in the right language."""
    for i, arg in enumerate(argv):
        value = arg.split("=", 1)[1] if arg.startswith("--lang=") else None
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        if value in LANGUAGES:
            return value
    return DEFAULT_LANGUAGE


def _one_line(exc: UserError) -> str:
    from desktop_app.services.people import DuplicateWarning

    text = user_error_text(exc)
    if exc.problems:
        text += " " + " ".join(problem_text(p) for p in exc.problems)
    if isinstance(exc, DuplicateWarning):
        text += " " + tr(
            "The existing person's id: {ids}. If this is a different person, run the same "
            "command again with --confirm-different.",
            ids=", ".join(c.id for c in exc.candidates),
        )
    return " ".join(text.split())  # one line, whatever a name or a translation holds


def _need_db(args: argparse.Namespace) -> Path:
    if args.db is None:
        raise CliError(_("give the database file with --db PATH"), EXIT_USAGE)
    return Path(args.db)


def _dispatch(args: argparse.Namespace) -> int:
    if args.command is None:
        return _run_gui(args)
    if args.command == "demo":
        return _demo(args)
    if args.command == "people":
        if args.people_command == "search":
            return _people_search(args)
        if args.people_command == "list":
            return _people_list(args)
        if args.people_command in ("add", "edit"):
            return _people_save(args)
        if args.people_command in ("delete", "restore"):
            return _people_delete_or_restore(args)
        raise CliError(
            _("say 'people search TEXT', 'people list', 'people add', 'people edit ID', "
              "'people delete ID' or 'people restore ID'"),
            EXIT_USAGE,
        )  # fmt: skip
    if args.command == "courses":
        if args.courses_command == "list":
            return _courses_list(args)
        raise CliError(_("say 'courses list'"), EXIT_USAGE)
    if args.command == "certificates":
        if args.cert_command == "print":
            return _certificates_print(args)
        if args.cert_command == "verify":
            return _certificates_verify(args)
        if args.cert_command == "register":
            return _certificates_register(args)
        raise CliError(
            _("say 'certificates print', 'certificates verify' or 'certificates register'"),
            EXIT_USAGE,
        )
    if args.command == "roster":
        if args.roster_command == "print":
            return _roster_print(args)
        raise CliError(_("say 'roster print'"), EXIT_USAGE)
    if args.command == "fund":
        if args.fund_command == "balance":
            return _fund_balance(args)
        if args.fund_command in ("receipt", "payment"):
            return _fund_record(args)
        if args.fund_command == "void":
            return _fund_void(args)
        if args.fund_command == "book":
            return _fund_book(args)
        if args.fund_command == "goods-issue":
            return _fund_goods_issue(args)
        if args.fund_command == "reclassify-in-kind":
            return _fund_reclassify(args)
        raise CliError(
            _(
                "say 'fund balance', 'fund receipt', 'fund payment', 'fund void', 'fund book', "
                "'fund goods-issue' or 'fund reclassify-in-kind'"
            ),
            EXIT_USAGE,
        )
    if args.command == "ledger":
        if args.ledger_command == "verify":
            return _ledger_verify(args)
        raise CliError(_("say 'ledger verify'"), EXIT_USAGE)
    if args.command == "receipt":
        if args.receipt_command == "print":
            return _receipt_print(args)
        raise CliError(_("say 'receipt print'"), EXIT_USAGE)
    if args.command == "disclosure":
        if args.disclosure_command == "print":
            return _disclosure_print(args)
        raise CliError(_("say 'disclosure print'"), EXIT_USAGE)
    if args.command == "members":
        if args.members_command == "unpaid":
            return _members_unpaid(args)
        raise CliError(_("say 'members unpaid'"), EXIT_USAGE)
    if args.command in ("backup", "restore"):
        return _backup_commands(args)
    if args.command == "selfcheck":
        return selfcheck()
    raise CliError(tr("unknown command {name}", name=args.command), EXIT_USAGE)


def _run_gui(args: argparse.Namespace) -> int:
    from desktop_app.ui.app import run_gui

    return run_gui(args.db, args.lang)


def _demo(args: argparse.Namespace) -> int:
    from desktop_app.services.demo import create_demo_database

    path = _need_db(args)
    started = time.perf_counter()
    summary = create_demo_database(path, people=args.people, seed=args.seed, courses=args.courses)
    print(
        tr(
            "Created {path}: {centre} ({commune}, {province}), {hamlets} hamlets, "
            "{households} households, {people} people, {courses} classes, {members} members, "
            "{entries} fund entries in {seconds} s.",
            path=str(path),
            centre=summary.centre_name,
            commune=summary.commune_name,
            province=summary.province_name,
            hamlets=summary.hamlets,
            households=format_int(summary.households),
            people=format_int(summary.people),
            courses=format_int(summary.courses),
            members=format_int(summary.members),
            entries=format_int(summary.ledger_entries),
            seconds=f"{time.perf_counter() - started:.1f}",
        )
    )
    return EXIT_OK


def _open(args: argparse.Namespace) -> Workspace:
    return Workspace.open(_need_db(args), read_only=True, check=True)


def _out(args: argparse.Namespace) -> Path:
    """--out, refused before the database is even opened if it is the database itself, one of
    its files, the backups folder, a folder, or in a folder that does not exist."""
    from desktop_app.services.outputs import check_output

    return check_output(args.out, _need_db(args))


def _people_search(args: argparse.Namespace) -> int:
    from desktop_app.services.people import MAX_SEARCH_CHARS

    if len(args.text) > MAX_SEARCH_CHARS:
        note = tr("The search was cut to its first {count} characters.", count=MAX_SEARCH_CHARS)
        print(f"tthtcd: {note}", file=sys.stderr)
    with _open(args) as ws:
        rows = ws.people.search(args.text, limit=args.limit, sites=_sites(args))
    _print_people(rows, args.json)
    return EXIT_OK


def _people_list(args: argparse.Namespace) -> int:
    with _open(args) as ws:
        rows = ws.people.roster(limit=args.limit, sites=_sites(args))
    _print_people(rows, args.json)
    return EXIT_OK


def _print_people(rows: list[PersonRow], as_json: bool) -> None:
    if as_json:
        print(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "full_name": r.full_name,
                        "sex": r.sex.value if r.sex else None,
                        "birth": r.birth.iso() if r.birth else None,
                        "hamlet": r.hamlet_name,
                        "phone": r.phone,
                        "household_id": r.household_id,
                    }
                    for r in rows
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
        return
    if not rows:
        print(_("No one found."))
        return
    width = max(len(r.full_name) for r in rows)
    for r in rows:
        birth = r.birth.display() if r.birth else ""
        print(f"{r.full_name:<{width}}  {birth:<10}  {r.hamlet_name}")


def _print_json(value: object) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=1))


def _hamlet_id(ws: Workspace, name: str) -> str | None:
    """The hamlet the secretary named, matched like the app's search: without marks or case."""
    from desktop_app.core.text import fold

    if not name.strip():
        return None
    hamlets = ws.centre.hamlets()
    wanted = fold(name)
    for hamlet in hamlets:
        if fold(hamlet.name) == wanted:
            return hamlet.id
    if not hamlets:
        raise UserError(
            N_("There is no hamlet called {name}; this database has no hamlets yet."),
            {"name": name.strip()},
        )
    raise UserError(
        N_("There is no hamlet called {name}. The hamlets are: {hamlets}."),
        {"name": name.strip(), "hamlets": ", ".join(h.name for h in hamlets)},
    )


def _people_save(args: argparse.Namespace) -> int:
    """`people add` and `people edit`: the GUI's form, one option per field."""
    import dataclasses

    from desktop_app.core.people import PersonInput, Sex

    with Workspace.open(_need_db(args), check=True) as ws:
        current = ws.people.get(args.id) if args.people_command == "edit" else None
        data = current.to_input() if current is not None else PersonInput(full_name="")
        given: dict[str, object] = {
            name: value
            for name, value in (
                ("full_name", args.name), ("birth", args.birth), ("cccd", args.cccd),
                ("phone", args.phone),
            )
            if value is not None
        }  # fmt: skip
        if args.sex is not None:
            given["sex"] = Sex(args.sex)
        if args.hamlet is not None:
            given["hamlet_id"] = _hamlet_id(ws, args.hamlet)
        data = dataclasses.replace(data, **given)  # type: ignore[arg-type]
        if current is None:
            result = ws.people.add(data, confirmed_different=args.confirm_different)
        else:
            result = ws.people.update(
                current.id,
                data,
                expected_version=current.version,
                confirmed_different=args.confirm_different,
            )
    person_id = result.value
    if args.json:
        _print_json({"id": person_id})
    else:
        print(person_id)
    return EXIT_OK


def _people_delete_or_restore(args: argparse.Namespace) -> int:
    with Workspace.open(_need_db(args), check=True) as ws:
        if args.people_command == "delete":
            person_id = ws.people.delete(args.id).value
        else:
            person_id = ws.people.restore(args.id).value
    if args.json:
        _print_json({"id": person_id})
    else:
        print(person_id)
    return EXIT_OK


def _fund_id(ws: Workspace, given: str | None) -> str:
    """The fund named with --fund, or the only fund there is."""
    if given:
        return ws.fund.get(given).id
    funds = ws.fund.funds()
    if not funds:
        raise UserError(N_("This database has no fund yet; open one in the app first."))
    if len(funds) > 1:
        raise UserError(
            N_("This database has several funds; say which with --fund ID: {funds}."),
            {"funds": "; ".join(f"{f.id} ({f.name})" for f in funds)},
        )
    return funds[0].id


def _entry_date(text: str | None) -> tuple[dt.date, list[Problem]]:
    """The day typed as dd/mm/yyyy (or yyyy-mm-dd), as the GUI's date field reads it."""
    from desktop_app.core.dates import DateError, parse_day

    if text is None:
        return dt.date.today(), []
    try:
        return parse_day(text), []
    except DateError as e:  # unreadable, or a day that does not exist: the message says which
        return dt.date.today(), [Problem("entry_date", e.message, e.params)]


def _entry_amount(text: str) -> tuple[int, list[Problem]]:
    """The amount typed as 1500000, 1.500.000 or 1,500,000, as the GUI's amount field reads it."""
    from desktop_app.core.money import parse_vnd

    try:
        return parse_vnd(text), []
    except ValueError:
        return 0, [Problem("amount", N_("Type the amount in digits, e.g. 1.250.000."))]


def _entry_json(row: EntryRow) -> dict[str, object]:
    out: dict[str, object] = {
        "number": row.voucher,
        "id": row.id,
        "fund_id": row.fund_id,
        "amount": row.amount,
        "date": row.entry_date.isoformat(),
        "kind": _CLI_KIND.get(row.kind, row.kind.value),
    }
    if row.is_goods:
        # Goods: `amount` is their valuation, never cash.
        out |= {"items": row.in_kind, "quantity": row.quantity, "unit": row.unit, "cash": False}
    return out


def _fund_record(args: argparse.Namespace) -> int:
    """`fund receipt` and `fund payment`: the GUI's entry form, one option per field."""
    from desktop_app.core.fund import RECIPIENT_KINDS, EntryInput

    receipt = args.fund_command == "receipt"
    kind = (RECEIPT_KIND_CHOICES if receipt else PAYMENT_KIND_CHOICES)[args.kind]
    goods = kind is EntryKind.DONATION_IN_KIND
    goods_options = (
        (args.items, args.quantity, args.unit, args.value) if receipt else (None, None, None, None)
    )
    if goods:
        if args.amount is not None or None in goods_options:
            raise CliError(
                _("--kind in-kind takes --items, --quantity, --unit and --value (not --amount)."),
                EXIT_USAGE,
            )
    elif any(o is not None for o in goods_options):
        raise CliError(
            _("--items, --quantity, --unit and --value go with --kind in-kind only."), EXIT_USAGE
        )
    elif args.amount is None:
        raise CliError(_("the following arguments are required: %s") % "--amount", EXIT_USAGE)
    day, problems = _entry_date(args.date)
    amount, amount_problems = _entry_amount(str(args.value if goods else args.amount))
    problems += amount_problems
    if problems:
        raise UserError(
            N_("Some fields need fixing before the entry can be saved."), problems=tuple(problems)
        )
    recipient = None if receipt else args.recipient
    if not receipt and kind not in RECIPIENT_KINDS and (recipient or args.school or args.grade):
        raise UserError(
            N_("--recipient, --school and --grade go with --kind scholarship or award only.")
        )
    with Workspace.open(_need_db(args), check=True) as ws:
        data = EntryInput(
            fund_id=_fund_id(ws, args.fund),
            kind=kind,
            entry_date=day,
            amount=amount,
            party_name=args.party,
            party_address=args.address if receipt else "",
            reason=args.reason,
            person_id=recipient,
            school="" if receipt else args.school,
            grade="" if receipt else args.grade,
            account=Account(args.account),
            in_kind=args.items if goods else "",
            quantity=args.quantity if goods else 0,
            unit=args.unit if goods else "",
        )
        row = ws.fund.record(data).value
    if args.json:
        _print_json(_entry_json(row))
    else:
        print(row.voucher)
    return EXIT_OK


def _fund_void(args: argparse.Namespace) -> int:
    with Workspace.open(_need_db(args), check=True) as ws:
        original = ws.fund.find_voucher(args.number, args.fund)
        row = ws.fund.void(original.id, args.reason).value
    if args.json:
        _print_json({**_entry_json(row), "voids": original.voucher})
    else:
        print(row.voucher)
    return EXIT_OK


def _fund_goods_issue(args: argparse.Namespace) -> int:
    from desktop_app.core.fund import Book, GoodsIssueInput

    day, problems = _entry_date(args.date)
    if problems:
        raise UserError(
            N_("Some fields need fixing before the goods can be handed out."),
            problems=tuple(problems),
        )
    with Workspace.open(_need_db(args), check=True) as ws:
        if args.of:
            source = ws.fund.find_voucher(args.of, args.fund)
            if source.book is not Book.GOODS_IN:
                raise UserError(
                    N_("{voucher} is not a goods receipt; give its NK number, e.g. NK-0003/2026."),
                    {"voucher": source.voucher},
                )
        else:
            source = ws.fund.find_goods(_fund_id(ws, args.fund), args.items)
        data = GoodsIssueInput(
            fund_id=source.fund_id,
            source_id=source.id,
            quantity=args.quantity,
            recipients="; ".join(" ".join(name.split()) for name in args.to),
            entry_date=day,
            reason=args.reason,
        )
        row = ws.fund.goods_issue(data).value
        left = next(
            lot.left for lot in ws.fund.goods_lots(source.fund_id) if lot.entry.id == source.id
        )
    if args.json:
        _print_json({**_entry_json(row), "of": source.voucher, "to": args.to, "left": left})
    else:
        print(row.voucher)
    return EXIT_OK


def _fund_reclassify(args: argparse.Namespace) -> int:
    with Workspace.open(_need_db(args), check=True) as ws:
        fund_id = ws.fund.get(args.fund).id if args.fund else None
        moved = ws.fund.reclassify_in_kind(fund_id).value
    if args.json:
        _print_json(
            [
                {"cash_receipt": old.voucher, "reversal": rev.voucher, "goods": _entry_json(nk)}
                for old, rev, nk in moved
            ]
        )
        return EXIT_OK
    if not moved:
        print(_("No gifts in kind are recorded as cash: nothing to reclassify."))
    for old, rev, nk in moved:
        print(tr("{old} → {goods} (cash entry reversed by {reversal})", old=old.voucher,
                 goods=nk.voucher, reversal=rev.voucher))  # fmt: skip
    return EXIT_OK


def _courses_list(args: argparse.Namespace) -> int:
    from desktop_app.services.courses import CourseFilter

    with _open(args) as ws:
        courses = ws.courses.find(CourseFilter(year=args.year, sites=_sites(args)))
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": c.id,
                        "title": c.title,
                        "type": c.type_code,
                        "type_name": c.type_name,
                        "start": c.start.isoformat() if c.start else None,
                        "end": c.end.isoformat() if c.end else None,
                        "status": c.status.value,
                        "sessions": c.sessions,
                        "enrolled": c.enrolled,
                        "attendances": c.attendances,
                        "completed": c.completed,
                    }
                    for c in courses
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
        return EXIT_OK
    if not courses:
        print(_("No classes."))
    for c in courses:
        dates = f"{c.start:%d/%m/%Y}" if c.start else ""
        print(
            tr(
                "{id}  {dates:<10}  {title} ({type}): {enrolled} enrolled, {completed} completed",
                id=c.id, dates=dates, title=c.title, type=c.type_name,
                enrolled=c.enrolled, completed=c.completed,
            )
        )  # fmt: skip
    return EXIT_OK


def _decision(args: argparse.Namespace) -> Decision | None:
    """The commendation's decision from --decision and --decision-date, checked before the
    database is opened; None for completion certificates."""
    from desktop_app.services.certificates import check_decision

    if args.kind != "commendation":
        if args.decision or args.decision_date:
            raise CliError(_("--decision and --decision-date are for --kind commendation"))
        return None
    day = None
    if args.decision_date:
        day, problems = _entry_date(args.decision_date)
        if problems:
            raise CliError(
                tr(
                    "--decision-date: {problem}",
                    problem=tr(problems[0].message, **problems[0].params),
                )
            )
    return check_decision(args.decision or "", day, dt.date.today())


def _certificates_print(args: argparse.Namespace) -> int:
    from desktop_app.core.certificates import CertificateKind

    decision = _decision(args)
    out = _out(args)
    with Workspace.open(_need_db(args), check=True) as ws:
        result = ws.certificates.print_course(
            args.course, out, kind=CertificateKind(args.kind), as_zip=args.zip,
            decision=decision,
        )  # fmt: skip
    message = (
        N_(
            "Wrote {path}: {pages} commendations ({new} new, {reprinted} reprinted with their "
            "old numbers), register numbers {first} to {last}."
        )
        if args.kind == "commendation"
        else N_(
            "Wrote {path}: {pages} certificates ({new} new, {reprinted} reprinted with their "
            "old numbers), register numbers {first} to {last}."
        )
    )
    print(
        tr(
            message, path=str(result.path), pages=result.pages, new=result.new,
            reprinted=result.reprinted, first=result.serials[0], last=result.serials[-1],
        )
    )  # fmt: skip
    return EXIT_OK


def _certificates_verify(args: argparse.Namespace) -> int:
    from desktop_app.core.certificates import KIND_LABELS, CertificateKind

    with _open(args) as ws:
        check = ws.certificates.verify(args.payload)
    facts = check.facts
    if facts is not None:
        kind = _(KIND_LABELS[facts.kind])
        if facts.birth:
            line = tr(
                "{kind} {serial}: {name}, born {birth}, {course}, issued {date}.",
                kind=kind, serial=facts.serial, name=facts.full_name, birth=facts.birth,
                course=facts.course_title, date=f"{facts.issued_on:%d/%m/%Y}",
            )  # fmt: skip
        else:
            line = tr(
                "{kind} {serial}: {name}, {course}, issued {date}.",
                kind=kind, serial=facts.serial, name=facts.full_name,
                course=facts.course_title, date=f"{facts.issued_on:%d/%m/%Y}",
            )  # fmt: skip
        print(line)
        if facts.decision:
            day = f"{facts.decision_date:%d/%m/%Y}" if facts.decision_date else ""
            print(tr("By decision {number} of {date}.", number=facts.decision, date=day))
    if not check.ok:
        raise CliError(tr(check.reason, **check.params))
    if facts is not None and facts.kind is CertificateKind.COMMENDATION:
        print(_("Genuine commendation: the signature and the register agree."))
    else:
        print(_("Genuine: the signature and the register agree."))
    return EXIT_OK


def _certificates_register(args: argparse.Namespace) -> int:
    out = _out(args)
    with Workspace.open(_need_db(args), check=True) as ws:
        pages = ws.certificates.print_register(args.year, out)
    print(tr("Wrote {path}: the register of {year}, {pages} pages.", path=str(out),
             year=args.year, pages=pages))  # fmt: skip
    return EXIT_OK


def _roster_print(args: argparse.Namespace) -> int:
    out = _out(args)
    with Workspace.open(_need_db(args), check=True) as ws:
        people = ws.class_documents.print_roster(args.course, out)
    print(tr("Wrote {path}: {people} people.", path=str(out), people=people))
    return EXIT_OK


def _fund_balance(args: argparse.Namespace) -> int:
    with _open(args) as ws, ws.db.snapshot():  # every fund's balance at the same moment
        funds = ws.fund.funds(_sites(args))
        if args.fund:
            chosen = ws.fund.get(args.fund)
            if args.centre is not None and chosen.owner_site != args.centre:
                raise UserError(
                    N_("The fund {fund} is not one of the funds of the centre {id}."),
                    {"fund": args.fund, "id": args.centre},
                )
            funds = [chosen]
        rows = [(f, ws.fund.balance(f.id, args.at)) for f in funds]
        # The money in the cash box and in the bank (together, "balance"), and the goods
        # received in kind, by valuation: never part of the money.
        day = args.at or dt.date.max
        cash = {f.id: ws.fund.account_balance(f.id, Account.CASH, day) for f in funds}
        bank = {f.id: ws.fund.account_balance(f.id, Account.BANK, day) for f in funds}
        goods = {f.id: ws.fund.goods_value(f.id, args.at) for f in funds}
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": f.id,
                        "name": f.name,
                        "balance": amount,
                        "at": args.at.isoformat() if args.at else None,
                        "cash_balance": cash[f.id],
                        "bank_balance": bank[f.id],
                        "goods_value": goods[f.id],
                    }
                    for f, amount in rows
                ],
                ensure_ascii=False,
                indent=1,
            )
        )
        return EXIT_OK
    if not rows:
        print(_("No funds yet."))
    for f, amount in rows:
        line = f"{f.id}  {f.name}: {format_money(amount)}"
        if goods[f.id]:
            line += "  " + tr("(goods on hand, not cash: {value})", value=format_money(goods[f.id]))
        print(line)
    return EXIT_OK


def _ledger_verify(args: argparse.Namespace) -> int:
    with _open(args) as ws:
        report = ws.fund.verify()
    if not report.seal_checked:
        print(tr(UNSEALED_MESSAGE, path=report.key_path), file=sys.stderr)
    if report.ok:
        print(
            tr(
                "The ledger is intact: {entries} entries in {funds} funds.",
                entries=format_int(report.entries), funds=report.funds,
            )
        )  # fmt: skip
        return EXIT_OK
    for problem in report.problems[1:]:
        print(f"tthtcd: {tr(problem.what, **problem.params)}", file=sys.stderr)
    first = report.problems[0]
    raise CliError(tr(first.what, **first.params))


def _receipt_print(args: argparse.Namespace) -> int:
    out = _out(args)
    with Workspace.open(_need_db(args), check=True) as ws:
        ws.fund_documents.print_voucher(args.entry, out, args.fund)
    print(tr("Wrote {path}.", path=str(out)))
    return EXIT_OK


def _disclosure_print(args: argparse.Namespace) -> int:
    out = _out(args)
    with Workspace.open(_need_db(args), check=True) as ws:
        pages = ws.fund_documents.print_disclosure(args.fund, args.year, out, number=args.number)
    print(tr("Wrote {path} ({pages} pages).", path=str(out), pages=pages))
    return EXIT_OK


def _fund_book(args: argparse.Namespace) -> int:
    out = _out(args)
    if args.end < args.start:
        raise UserError(N_("The last day is before the first day."))
    with Workspace.open(_need_db(args), check=True) as ws:
        ws.fund_documents.print_cash_book(
            _fund_id(ws, args.fund), args.start, args.end, out, account=Account(args.account)
        )
    print(tr("Wrote {path}.", path=str(out)))
    return EXIT_OK


def _check_branch(ws: Workspace, branch_id: str | None) -> None:
    if branch_id is not None and all(b.id != branch_id for b in ws.members.branches()):
        raise UserError(
            N_("There is no branch with the id {id}; 'members unpaid' without --branch lists all."),
            {"id": branch_id},
        )


def _members_unpaid(args: argparse.Namespace) -> int:
    """The unpaid-dues list: on the screen, as JSON, or written to a PDF or xlsx (--out)."""
    out = _out(args) if args.out is not None else None
    if out is not None and out.suffix.lower() not in (".pdf", ".xlsx"):
        raise UserError(
            N_("Name the file to write {path} with .pdf or .xlsx at the end."), {"path": str(out)}
        )
    # Writing a file records the print in the audit log: only then is the database opened to write.
    with Workspace.open(_need_db(args), read_only=out is None, check=True) as ws:
        _check_branch(ws, args.branch)
        rows = ws.members.unpaid(args.year, args.branch)
        rate = ws.members.rate(args.year)
        if out is not None:
            xlsx = out.suffix.lower() == ".xlsx"
            ws.fund_documents.print_unpaid(args.year, out, args.branch, xlsx=xlsx)
    dues = rate.amount if rate else None
    if args.json:
        _print_json(
            {
                "year": args.year,
                "branch_id": args.branch,
                "count": len(rows),
                "dues_per_member": dues,
                "total_due": dues * len(rows) if dues is not None else None,
                "members": [
                    {
                        "id": m.id,
                        "member_number": m.member_number,
                        "full_name": m.full_name,
                        "birth": m.birth or None,
                        "branch": m.branch_name,
                        "hamlet": m.hamlet_name,
                    }
                    for m in rows
                ],
                "out": str(out) if out is not None else None,
            }
        )
        return EXIT_OK
    if out is not None:
        print(tr("Wrote {path}.", path=str(out)))
        return EXIT_OK
    if rows:
        width = max(len(m.full_name) for m in rows)
        for m in rows:
            print(f"{m.member_number:>6}  {m.full_name:<{width}}  {m.branch_name}")
    print(
        ngettext(
            "{count} member has not paid for {year}.",
            "{count} members have not paid for {year}.",
            len(rows),
        ).format(count=format_int(len(rows)), year=args.year)
    )
    return EXIT_OK


# Backups (issue 8 part 9) ---------------------------------------------------------------


def _backup_parsers(commands: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    """`backup` (with `list`) and `restore`."""
    backup = commands.add_parser(
        "backup", parents=[common], help=_("back up the database, or list the backups")
    )
    backup.add_argument(
        "action", nargs="?", choices=("list",), help=_("'list': the automatic backups")
    )
    backup.add_argument(
        "--to", metavar="DIR", type=Path, help=_("the folder to write the backup into")
    )
    backup.add_argument(
        "--passphrase-file",
        metavar="F",
        type=Path,
        help=_("a file holding the passphrase: the backup is then encrypted"),
    )
    backup.add_argument("--json", action="store_true", help=_("print JSON"))
    restore = commands.add_parser(
        "restore", parents=[common], help=_("replace the database by a backup")
    )
    restore.add_argument("file", metavar="FILE", type=Path, help=_("the backup file"))
    restore.add_argument(
        "--passphrase-file",
        metavar="F",
        type=Path,
        help=_("a file holding the passphrase of an encrypted backup"),
    )


def _passphrase(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CliError(
            tr("The passphrase file {path} cannot be read ({reason}).", path=str(path),
               reason=getattr(exc, "strerror", None) or str(exc))
        ) from exc  # fmt: skip
    passphrase = text.rstrip("\r\n")
    if not passphrase:
        raise CliError(tr("The passphrase file {path} is empty.", path=str(path)))
    return passphrase


def _backup_commands(args: argparse.Namespace) -> int:
    from desktop_app.services import backup

    path = _need_db(args)
    if args.command == "restore":
        result = backup.restore(path, args.file, _passphrase(args.passphrase_file))
        facts = result.facts
        text = tr(
            "Restored {file} into {path}: {centre}, {people} people, {classes} classes, "
            "{members} members, {entries} ledger entries.",
            file=str(args.file), path=str(path), centre=facts.centre_name or facts.site_name,
            people=format_int(facts.people), classes=format_int(facts.classes),
            members=format_int(facts.members), entries=format_int(facts.ledger_entries),
        )  # fmt: skip
        if result.aside is not None:
            text += " " + tr(
                "The database it replaced is kept as {aside}.", aside=str(result.aside)
            )
        print(text)
        return EXIT_OK
    if args.action == "list":
        if args.to is not None or args.passphrase_file is not None:
            raise CliError(_("'backup list' takes only --db and --json"), EXIT_USAGE)
        found = backup.list_for_database(path)
        if args.json:
            _print_json([_backup_json(b) for b in found])
            return EXIT_OK
        if not found:
            print(tr("No backups yet in {folder}.", folder=str(backup.backups_dir())))
        for b in found:
            print(_backup_line(b))
        return EXIT_OK
    if args.to is None:
        raise CliError(_("give the folder to write the backup into with --to DIR"), EXIT_USAGE)
    passphrase = _passphrase(args.passphrase_file)
    with Workspace.open(path, read_only=True, check=True) as ws:
        if passphrase is None:
            written = ws.backup.backup_now(args.to)
        else:
            written = ws.backup.export_encrypted(args.to, passphrase)
    if args.json:
        _print_json({"path": str(written), "encrypted": passphrase is not None,
                     "size": written.stat().st_size})  # fmt: skip
    else:
        print(written)
    return EXIT_OK


def _backup_json(b: object) -> dict[str, object]:
    from desktop_app.services.backup import BackupInfo

    assert isinstance(b, BackupInfo) and b.facts is not None
    return {
        "path": str(b.path),
        "date": b.taken_at.isoformat(timespec="seconds"),
        "centre": b.facts.centre_name or b.facts.site_name,
        "site_id": b.facts.site_id,
        "people": b.facts.people,
        "classes": b.facts.classes,
        "members": b.facts.members,
        "ledger_entries": b.facts.ledger_entries,
        "size": b.size,
    }


def _backup_line(b: object) -> str:
    from desktop_app.services.backup import BackupInfo

    assert isinstance(b, BackupInfo) and b.facts is not None
    return tr(
        "{date}  {centre}: {people} people, {classes} classes, {members} members, "
        "{entries} ledger entries  {path}  ({size} MB)",
        date=f"{b.taken_at:%d/%m/%Y %H:%M}", centre=b.facts.centre_name or b.facts.site_name,
        people=format_int(b.facts.people), classes=format_int(b.facts.classes),
        members=format_int(b.facts.members), entries=format_int(b.facts.ledger_entries),
        path=str(b.path), size=f"{b.size / 1_000_000:.1f}",
    )  # fmt: skip


def selfcheck() -> int:
    """Temp database, migrations, a write and a search, one PDF page, both languages."""
    from desktop_app.core.people import PersonInput
    from desktop_app.documents.selfcheck import render_selfcheck_page
    from desktop_app.i18n import current_language, translations_loaded

    with tempfile.TemporaryDirectory(prefix="tthtcd-selfcheck-") as tmp:
        folder = Path(tmp)
        with Workspace.open(folder / "selfcheck.sqlite3", create=True) as ws:
            ws.people.add(PersonInput(full_name="Nguyễn Văn Đặng", birth="1985"))
            found = ws.people.search("nguyen van dang")
            if [r.full_name for r in found] != ["Nguyễn Văn Đặng"]:
                raise CliError(_("selfcheck: the database search does not work"))
        print(_("database: ok"))
        pdf = folder / "selfcheck.pdf"
        render_selfcheck_page(pdf)
        if not pdf.read_bytes().startswith(b"%PDF"):
            raise CliError(_("selfcheck: the PDF was not written"))
        print(_("PDF with Vietnamese text: ok"))
    loaded = translations_loaded()
    missing = [lang for lang in LANGUAGES if not loaded.get(lang)]
    if missing:
        raise CliError(tr("selfcheck: translations missing for {langs}", langs=", ".join(missing)))
    print(tr("translations: ok ({langs})", langs=", ".join(f"{k} {v}" for k, v in loaded.items())))
    print(tr("language: {lang}", lang=current_language()))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
