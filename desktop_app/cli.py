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
from desktop_app.services.demo_office import MAX_DEMO_CENTRES
from desktop_app.services.fund import UNSEALED_MESSAGE, EntryRow
from desktop_app.services.workspace import Workspace

if TYPE_CHECKING:
    from desktop_app.core.annual_report import AnnualReport
    from desktop_app.services.certificates import Decision
    from desktop_app.services.imports import ImportPlan
    from desktop_app.services.report_documents import ReportRequest
    from desktop_app.services.sync import ImportOutcome, SiteInfo, TableCounts

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
        "--people",
        type=_at_most(MAX_DEMO_PEOPLE),
        default=None,
        help=_("number of people (default 2000); with --office, of each centre (default 300)"),
    )
    demo.add_argument("--seed", type=int, default=1, help=_("random seed (same seed, same data)"))
    demo.add_argument(
        "--courses",
        type=_at_most(MAX_DEMO_COURSES),
        default=None,
        help=_("number of classes (default: people/100)"),
    )
    demo.add_argument(
        "--office",
        metavar="N",
        type=_at_most(MAX_DEMO_CENTRES),
        help=_("make --db an office with N demo centres enrolled, whose bundles it imported"),
    )
    demo.add_argument(
        "--centres-dir",
        metavar="DIR",
        type=Path,
        help=_("with --office: the folder for the centres' databases centre-1.sqlite3 …"),
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
    _sync_parsers(commands, common)
    _units_parsers(commands, common)
    _import_parsers(commands, common)
    _models_parsers(commands, common)
    _deadlines_parsers(commands, common)
    _report_parsers(commands, common)
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
        parser = build_parser()
        args, rest = parser.parse_known_args(args_list)
        if rest:
            # `import undo --db X ID`: argparse leaves a positional after the options over;
            # only the import command takes such words, every other leftover is an error.
            if getattr(args, "command", None) == "import" and not any(
                r.startswith("-") for r in rest
            ):
                args.words = [*args.words, *rest]
            else:
                parser.parse_args(args_list)  # says what was not understood, exit 2
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
    if args.command in ("site", "bundle", "centres"):
        return _sync_commands(args)
    if args.command == "units":
        return _units_commands(args)
    if args.command == "import":
        return _import_command(args)
    if args.command == "models":
        return _models_command(args)
    if args.command == "deadlines":
        return _deadlines_command(args)
    if args.command == "report":
        return _report_command(args)
    if args.command == "selfcheck":
        return selfcheck()
    raise CliError(tr("unknown command {name}", name=args.command), EXIT_USAGE)


def _run_gui(args: argparse.Namespace) -> int:
    from desktop_app.ui.app import run_gui

    return run_gui(args.db, args.lang)


def _demo(args: argparse.Namespace) -> int:
    from desktop_app.services.demo import create_demo_database

    path = _need_db(args)
    if args.office is not None or args.centres_dir is not None:
        return _demo_office(args, path)
    started = time.perf_counter()
    people = 2000 if args.people is None else args.people
    summary = create_demo_database(path, people=people, seed=args.seed, courses=args.courses)
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


def _demo_office(args: argparse.Namespace, path: Path) -> int:
    from desktop_app.services.demo_office import create_office_demo

    if args.office is None or args.centres_dir is None:
        raise CliError(_("an office demo takes both --office N and --centres-dir DIR"), EXIT_USAGE)
    if args.courses is not None:
        raise CliError(_("--courses is for a centre's demo, not with --office"), EXIT_USAGE)
    if args.office < 1:
        raise CliError(_("--office: an office demo has at least 1 centre"), EXIT_USAGE)
    started = time.perf_counter()
    people = 300 if args.people is None else args.people
    summary = create_office_demo(
        path, args.centres_dir, centres=args.office, people=people, seed=args.seed
    )
    for c in summary.centres:
        print(tr("{path}: {name} (id {id}), {people} people", path=str(c.path), name=c.name,
                 id=c.site_id, people=format_int(c.people)))  # fmt: skip
    print(
        tr(
            "Created the office {path}: {office}, with {centres} enrolled centres and "
            "{people} people, in {seconds} s.",
            path=str(path), office=summary.office_name, centres=len(summary.centres),
            people=format_int(summary.people), seconds=f"{time.perf_counter() - started:.1f}",
        )
    )  # fmt: skip
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
    from desktop_app.core.learning_recognition import is_recognition_payload

    if is_recognition_payload(args.payload):
        return _recognition_verify(args)
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


def _recognition_verify(args: argparse.Namespace) -> int:
    """A Giấy công nhận's QR text: what it states, then genuine, revoked or unknown."""
    from desktop_app.core.learning_recognition import recognised_title
    from desktop_app.core.learning_subjects import MODEL_TITLES

    with _open(args) as ws:
        check = ws.recognitions.verify(args.payload)
    facts = check.facts
    if facts is not None:
        title = recognised_title(MODEL_TITLES.get(facts.model, facts.model), facts.year)
        subject = f"{facts.prefix} {facts.name}".strip()
        if facts.hamlet:
            subject = f"{subject}, {facts.hamlet}"
        print(
            tr(
                "Giấy công nhận {serial}: {subject}, {title}, by decision {number} of {date}.",
                serial=facts.serial, subject=subject, title=title, number=facts.decision,
                date=f"{facts.decided_on:%d/%m/%Y}",
            )
        )  # fmt: skip
    if not check.ok:
        raise CliError(tr(check.reason, **check.params))
    print(_("Genuine Giấy công nhận: the signature and the register agree."))
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


# Sites and bundles (issue 10 part 10) ---------------------------------------------------

# A site's role, in the user's words.
ROLE_WORDS = {"centre": N_("centre"), "office": N_("office")}
# What became of a bundle given to `bundle import`, in the user's words.
STATUS_WORDS = {
    "applied": N_("applied"),
    "dry-run": N_("checked, nothing changed (dry run)"),
    "already-imported": N_("already imported"),
    "stale": N_("older than what was already imported: nothing to do"),
    "refused": N_("refused"),
}
# A centre's status in `centres list`, in the user's words.
CENTRE_STATUS_WORDS = {
    "ok": N_("up to date"),
    "overdue": N_("overdue"),
    "never": N_("no bundle yet"),
    "revoked": N_("revoked"),
    "ledger-rewritten": N_("ledger rewritten after it was reported"),
    "relayed": N_("its records come through {office}"),
}
# Statuses that change nothing and are no failure: `bundle import` still exits 0.
_IMPORT_OK = frozenset({"applied", "dry-run", "already-imported", "stale"})
BUNDLE_SUFFIX = ".tthbundle"


def _sync_parsers(commands: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    """`site`, `bundle` and `centres`."""
    site = commands.add_parser(
        "site", parents=[common], help=_("this installation: a centre or an office, enrolment")
    )
    site_commands = site.add_subparsers(dest="site_command", parser_class=_Parser)
    show = site_commands.add_parser(
        "show", parents=[common], help=_("this site's id, name, role, fingerprint and office")
    )
    show.add_argument("--json", action="store_true", help=_("print JSON"))
    init = site_commands.add_parser(
        "init", parents=[common], help=_("make a new database a centre or an office")
    )
    init.add_argument(
        "--role", choices=tuple(ROLE_WORDS), required=True, help=_("centre or office")
    )
    init.add_argument("--name", metavar="NAME", required=True, help=_("the site's name"))
    init.add_argument("--json", action="store_true", help=_("print JSON"))
    request = site_commands.add_parser(
        "enrol-request",
        parents=[common],
        help=_("centre: write the request to join an office"),
    )
    request.add_argument(
        "--out", metavar="FILE", type=Path, required=True,
        help=_("the request file to write (or a folder to write it into)"),
    )  # fmt: skip
    request.add_argument("--json", action="store_true", help=_("print JSON"))
    enrol = site_commands.add_parser(
        "enrol", parents=[common], help=_("office: accept a centre's request and write the reply")
    )
    enrol.add_argument("request", metavar="FILE", type=Path, help=_("the centre's request file"))
    enrol.add_argument(
        "--out", metavar="REPLY", type=Path, required=True,
        help=_("the reply file to write (or a folder to write it into)"),
    )  # fmt: skip
    enrol.add_argument("--json", action="store_true", help=_("print JSON"))
    accept = site_commands.add_parser(
        "enrol-accept", parents=[common], help=_("centre: take the office's reply")
    )
    accept.add_argument("reply", metavar="REPLY", type=Path, help=_("the office's reply file"))
    accept.add_argument("--json", action="store_true", help=_("print JSON"))
    revoke = site_commands.add_parser(
        "revoke", parents=[common], help=_("office: refuse a centre's bundles from now on")
    )
    revoke.add_argument("site_id", metavar="SITE_ID", help=_("the centre's site id"))
    revoke.add_argument("--json", action="store_true", help=_("print JSON"))
    key = site_commands.add_parser("key", parents=[common], help=_("this site's keys"))
    key_commands = key.add_subparsers(dest="key_command", parser_class=_Parser)
    key_export = key_commands.add_parser(
        "export", parents=[common], help=_("write this site's age identity, for recovery")
    )
    key_export.add_argument(
        "--age-identity", metavar="FILE", type=Path, required=True,
        help=_("the file to write the identity (AGE-SECRET-KEY-1…) into"),
    )  # fmt: skip
    key_export.add_argument("--json", action="store_true", help=_("print JSON"))

    bundle = commands.add_parser(
        "bundle", parents=[common], help=_("bundle files between centres and their office")
    )
    bundle_commands = bundle.add_subparsers(dest="bundle_command", parser_class=_Parser)
    export = bundle_commands.add_parser(
        "export",
        parents=[common],
        help=_("write what the other side has not acknowledged yet into a bundle"),
    )
    export.add_argument(
        "--to", metavar="DIR", type=Path, required=True,
        help=_("the folder to write the bundle into, e.g. the USB stick"),
    )  # fmt: skip
    export.add_argument(
        "--up", action="store_true",
        help=_(
            "at an office that reports to a higher office: send it the records of this "
            "office's centres (without it, an office sends its catalogue down to its centres)"
        ),
    )  # fmt: skip
    export.add_argument("--json", action="store_true", help=_("print JSON"))
    inspect = bundle_commands.add_parser(
        "inspect", parents=[common], help=_("show a bundle's manifest, without decrypting it")
    )
    inspect.add_argument("file", metavar="FILE", type=Path, help=_("the bundle file"))
    inspect.add_argument("--json", action="store_true", help=_("print JSON"))
    imports = bundle_commands.add_parser(
        "import", parents=[common], help=_("check and import bundle files")
    )
    imports.add_argument(
        "files", metavar="FILE", type=Path, nargs="+",
        help=_("bundle files, or folders whose .tthbundle files are all imported"),
    )  # fmt: skip
    imports.add_argument(
        "--dry-run", action="store_true", help=_("say what would change, change nothing")
    )
    imports.add_argument(
        "--ack-to", metavar="DIR", type=Path,
        help=_("write the acknowledgements into this folder"),
    )  # fmt: skip
    imports.add_argument("--json", action="store_true", help=_("print JSON"))
    history = bundle_commands.add_parser(
        "history", parents=[common], help=_("every bundle written or read here")
    )
    history.add_argument("--json", action="store_true", help=_("print JSON"))
    recover = bundle_commands.add_parser(
        "recover", parents=[common],
        help=_("centre on a new PC: take back this centre's records from its own bundles or "
               "the office's recovery file"),
    )  # fmt: skip
    recover.add_argument(
        "files", metavar="FILE", type=Path, nargs="+",
        help=_("this centre's data bundles or the office's recovery file, or folders of them"),
    )  # fmt: skip
    recover.add_argument(
        "--age-identity", metavar="FILE", type=Path,
        help=_("the age identity written by 'site key export', when the key file is lost"),
    )  # fmt: skip
    recover.add_argument(
        "--office-fingerprint", metavar="DIGITS",
        help=_("the office's key fingerprint, read over the phone (a database that does not "
               "know its office yet)"),
    )  # fmt: skip
    recover.add_argument("--json", action="store_true", help=_("print JSON"))
    recovery = bundle_commands.add_parser(
        "recovery", parents=[common],
        help=_("office: write a recovery file of every record of one centre"),
    )  # fmt: skip
    recovery.add_argument("--centre", metavar="SITE_ID", required=True, help=_("the centre"))
    recovery.add_argument(
        "--to", metavar="DIR", type=Path, required=True,
        help=_("the folder to write the recovery file into, e.g. the USB stick"),
    )  # fmt: skip
    recovery.add_argument("--json", action="store_true", help=_("print JSON"))

    centres = commands.add_parser(
        "centres", parents=[common], help=_("office: the centres enrolled here")
    )
    centre_commands = centres.add_subparsers(dest="centres_command", parser_class=_Parser)
    centres_list = centre_commands.add_parser(
        "list", parents=[common], help=_("each centre's last bundle and status")
    )
    centres_list.add_argument("--json", action="store_true", help=_("print JSON"))


def _sync_commands(args: argparse.Namespace) -> int:
    if args.command == "site":
        handlers: dict[str | None, Callable[[argparse.Namespace], int]] = {
            "show": _site_show, "init": _site_init, "enrol-request": _site_enrol_request,
            "enrol": _site_enrol, "enrol-accept": _site_enrol_accept, "revoke": _site_revoke,
            "key": _site_key,
        }  # fmt: skip
        handler = handlers.get(args.site_command)
        if handler is None:
            raise CliError(
                _("say 'site show', 'site init', 'site enrol-request', 'site enrol', "
                  "'site enrol-accept', 'site revoke' or 'site key export'"),
                EXIT_USAGE,
            )  # fmt: skip
        return handler(args)
    if args.command == "bundle":
        if args.bundle_command == "export":
            return _bundle_export(args)
        if args.bundle_command == "inspect":
            return _bundle_inspect(args)
        if args.bundle_command == "import":
            return _bundle_import(args)
        if args.bundle_command == "history":
            return _bundle_history(args)
        if args.bundle_command == "recover":
            return _bundle_recover(args)
        if args.bundle_command == "recovery":
            return _bundle_recovery(args)
        raise CliError(
            _("say 'bundle export', 'bundle inspect', 'bundle import', 'bundle history', "
              "'bundle recover' or 'bundle recovery'"),
            EXIT_USAGE,
        )  # fmt: skip
    if args.centres_command == "list":
        return _centres_list(args)
    raise CliError(_("say 'centres list'"), EXIT_USAGE)


def _site_json(site: SiteInfo) -> dict[str, object]:
    return {
        "id": site.id,
        "name": site.name,
        "role": site.role,
        "fingerprint": site.fingerprint,
        "upstream": site.upstream,
    }


def _print_site(site: SiteInfo) -> None:
    print(tr("{name} ({role}), id {id}", name=site.name or "—",
             role=_(ROLE_WORDS.get(site.role, site.role)), id=site.id))  # fmt: skip
    if site.fingerprint:
        print(tr("Key fingerprint: {fingerprint}", fingerprint=site.fingerprint))
    if site.upstream:
        print(tr("Reports to: {name} (id {id})", name=site.upstream_name or "—",
                 id=site.upstream))  # fmt: skip


def _site_show(args: argparse.Namespace) -> int:
    with _open(args) as ws:
        site = ws.sync.site()
    if args.json:
        _print_json(_site_json(site))
    else:
        _print_site(site)
    return EXIT_OK


def _site_init(args: argparse.Namespace) -> int:
    with Workspace.open(_need_db(args), create=True, check=True) as ws:
        site = ws.sync.init_site(args.role, args.name)
    if args.json:
        _print_json(_site_json(site))
    else:
        _print_site(site)
    return EXIT_OK


def _new_file(out: Path, write: Callable[[Path], Path]) -> Path:
    """Write a bundle with `write(folder)` (which names it itself) and leave it at `out`: into
    the folder `out` if it is one, else as the file `out`, never over an existing file. The
    bundle is written next to `out` first, so the final rename stays on one disk."""
    if out.is_dir():
        return write(out)
    if out.exists() or out.is_symlink():
        raise UserError(
            N_("{path} already exists; give a new file name. Nothing was written."),
            {"path": str(out)},
        )
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise UserError(
            N_("The folder {folder} does not exist. Nothing was written."),
            {"folder": str(folder)},
        )
    staging = Path(tempfile.mkdtemp(prefix=".tthtcd-", dir=folder))
    try:
        written = write(staging)
        if out.exists():
            raise UserError(
                N_("{path} already exists; give a new file name. Nothing was written."),
                {"path": str(out)},
            )
        written.replace(out)
        return out
    finally:
        for leftover in staging.iterdir():
            leftover.unlink()
        staging.rmdir()


def _site_enrol_request(args: argparse.Namespace) -> int:
    with Workspace.open(_need_db(args), check=True) as ws:
        path = _new_file(args.out, ws.sync.enrol_request)
        site = ws.sync.site()
    if args.json:
        _print_json({"file": str(path), "fingerprint": site.fingerprint})
        return EXIT_OK
    print(
        tr(
            "Wrote {path}. Take it to the office, and read them this fingerprint over the "
            "phone when they accept it: {fingerprint}",
            path=str(path), fingerprint=site.fingerprint,
        )
    )  # fmt: skip
    return EXIT_OK


def _site_enrol(args: argparse.Namespace) -> int:
    from desktop_app.services.sync import SyncService

    with Workspace.open(_need_db(args), check=True) as ws:
        path = _new_file(args.out, lambda folder: ws.sync.enrol(args.request, folder))
    facts = SyncService.inspect(args.request)
    requester = facts.get("extra", {}).get("site", {})
    sender = facts.get("sender", {})
    name = str(requester.get("name") or sender.get("name", ""))
    site_id = str(requester.get("id") or sender.get("site", ""))
    fingerprint = str(sender.get("fingerprint", ""))
    if args.json:
        _print_json({"file": str(path), "centre": site_id, "name": name,
                     "fingerprint": fingerprint})  # fmt: skip
        return EXIT_OK
    print(
        tr(
            "Enrolled {name} (id {id}); its key fingerprint is {fingerprint}: check it with "
            "the centre over the phone. Wrote the reply {path}: give it back to the centre.",
            name=name, id=site_id, fingerprint=fingerprint, path=str(path),
        )
    )  # fmt: skip
    return EXIT_OK


def _site_enrol_accept(args: argparse.Namespace) -> int:
    with Workspace.open(_need_db(args), check=True) as ws:
        office = ws.sync.enrol_accept(args.reply)
    if args.json:  # the office this centre now reports to
        _print_json(_site_json(office))
        return EXIT_OK
    print(
        tr(
            "Enrolled with {office} (id {id}); its key fingerprint is {fingerprint}: check "
            "it with the office over the phone.",
            office=office.name, id=office.id, fingerprint=office.fingerprint,
        )
    )  # fmt: skip
    return EXIT_OK


def _site_revoke(args: argparse.Namespace) -> int:
    with Workspace.open(_need_db(args), check=True) as ws:
        ws.sync.revoke(args.site_id)
    if args.json:
        _print_json({"id": args.site_id, "revoked": True})
        return EXIT_OK
    print(tr("The bundles of {id} are refused from now on.", id=args.site_id))
    return EXIT_OK


def _site_key(args: argparse.Namespace) -> int:
    if args.key_command != "export":
        raise CliError(_("say 'site key export --age-identity FILE'"), EXIT_USAGE)
    out: Path = args.age_identity
    if out.exists() or out.is_symlink():
        raise UserError(
            N_("{path} already exists; give a new file name. Nothing was written."),
            {"path": str(out)},
        )
    with Workspace.open(_need_db(args), check=True) as ws:
        path = ws.sync.export_age_identity(out)
    if args.json:
        _print_json({"file": str(path)})
        return EXIT_OK
    print(
        tr(
            "Wrote {path}: this site's age identity. Keep it as safe as the backups' "
            "passphrase: it opens every bundle sent to or by this site.",
            path=str(path),
        )
    )
    return EXIT_OK


def _bundle_export(args: argparse.Namespace) -> int:
    if not args.to.is_dir():
        raise UserError(
            N_("The folder {folder} does not exist. Nothing was written."),
            {"folder": str(args.to)},
        )
    with Workspace.open(_need_db(args), check=True) as ws:
        result = ws.sync.export(args.to, up=args.up)
    if args.json:
        _print_json({"file": str(result.file), "seq": result.seq, "rows": result.rows})
        return EXIT_OK
    print(
        tr(
            "Wrote {path}: bundle {seq}, {rows} rows. It was read back and checked: "
            "the stick can be removed safely.",
            path=str(result.file), seq=result.seq, rows=format_int(sum(result.rows.values())),
        )
    )  # fmt: skip
    return EXIT_OK


def _bundle_inspect(args: argparse.Namespace) -> int:
    from desktop_app.services.sync import SyncService

    facts = SyncService.inspect(args.file)
    if args.json:
        _print_json(facts)
        return EXIT_OK
    sender = facts.get("sender", {})
    signature = (
        _("valid (whether the key is trusted is checked at import)")
        if facts.get("signature") == "valid"
        else _("INVALID: this file was changed after it was signed")
    )
    lines = [
        tr("Bundle {id}: {kind} number {seq}, made {date}", id=facts.get("bundle_id", ""),
           kind=facts.get("kind", ""), seq=facts.get("seq", ""),
           date=facts.get("created_at", "")),
        tr("From: {name} ({role}), id {id}", name=sender.get("name", ""),
           role=_(ROLE_WORDS.get(sender.get("role", ""), sender.get("role", ""))),
           id=sender.get("site", "")),
        tr("Key fingerprint: {fingerprint}", fingerprint=sender.get("fingerprint", "")),
        tr("Signature: {state}", state=signature),
    ]  # fmt: skip
    rows = facts.get("rows") or {}
    if rows:
        lines.append(_("Rows:"))
        lines += [f"  {table}: {format_int(int(n))}" for table, n in sorted(rows.items())]
    print("\n".join(lines))
    return EXIT_OK


def _folder_bundles(
    given: Sequence[Path], wanted: Callable[[dict[str, object]], bool]
) -> tuple[list[Path], int]:
    """The files given, a folder standing for its .tthbundle files (sorted by name) whose
    manifest is `wanted` (a stick holds other sites' files too); how many were left out. A
    file that cannot be read is kept, so that its refusal says why."""
    from desktop_app.services.sync import SyncService

    files: list[Path] = []
    skipped = 0
    for path in given:
        if not path.is_dir():
            files.append(path)
            continue
        found = sorted(p for p in path.iterdir() if p.name.endswith(BUNDLE_SUFFIX))
        if not found:
            raise UserError(
                N_("There is no .tthbundle file in the folder {folder}."), {"folder": str(path)}
            )
        for file in found:
            try:
                facts = SyncService.inspect(file)
            except UserError:
                files.append(file)
                continue
            if wanted(facts):
                files.append(file)
            else:
                skipped += 1
    return files, skipped


def _bundle_files(ws: Workspace, given: Sequence[Path]) -> tuple[list[Path], int]:
    """The bundles for this site: enrolment files, this site's own bundles and bundles
    addressed to other sites are left out of a folder."""
    me = ws.sync.site().id

    def for_me(facts: dict[str, object]) -> bool:
        recipients = facts.get("recipients")
        sender = facts.get("sender")
        site = sender.get("site") if isinstance(sender, dict) else None
        addressed = isinstance(recipients, list) and me in recipients
        return facts.get("kind") != "enrolment" and site != me and addressed

    return _folder_bundles(given, for_me)


def _counts_json(counts: TableCounts) -> dict[str, int]:
    return {
        "new": counts.new,
        "updated": counts.updated,
        "unchanged": counts.unchanged,
        "conflict": counts.conflict,
        "rejected": counts.rejected,
    }


def _outcome_json(o: ImportOutcome) -> dict[str, object]:
    return {
        "file": str(o.file),
        "bundle": o.bundle,
        "sender": o.sender,
        "status": o.status,
        "reason": o.reason,
        "tables": {table: _counts_json(c) for table, c in o.tables.items()},
    }


def _outcome_lines(o: ImportOutcome) -> list[str]:
    status = _(STATUS_WORDS.get(o.status, o.status))
    who = o.sender_name or o.sender
    head = f"{o.file.name}: {status}" + (f" ({who})" if who else "")
    if o.reason:
        head += f": {o.reason}"
    lines = [head]
    for table, c in sorted(o.tables.items()):
        if not c.total:
            continue
        lines.append(
            "  "
            + tr(
                "{table}: {new} new, {updated} updated, {unchanged} unchanged, "
                "{conflict} conflicts, {rejected} rejected",
                table=table, new=format_int(c.new), updated=format_int(c.updated),
                unchanged=format_int(c.unchanged), conflict=format_int(c.conflict),
                rejected=format_int(c.rejected),
            )
        )  # fmt: skip
    if o.ack_file is not None:
        lines.append("  " + tr("Acknowledgement written: {path}", path=str(o.ack_file)))
    return lines


def _bundle_import(args: argparse.Namespace) -> int:
    if args.ack_to is not None and not args.ack_to.is_dir():
        raise UserError(
            N_("The folder {folder} does not exist. Nothing was written."),
            {"folder": str(args.ack_to)},
        )
    with Workspace.open(_need_db(args), check=True) as ws:
        files, skipped = _bundle_files(ws, args.files)
        if skipped:
            note = ngettext(
                "{count} file in the folder is not for this site (an enrolment file, or a "
                "bundle sent by or to another site) and was left out.",
                "{count} files in the folder are not for this site (enrolment files, or "
                "bundles sent by or to other sites) and were left out.",
                skipped,
            ).format(count=skipped)
            print(f"tthtcd: {note}", file=sys.stderr)
        if not files:
            raise UserError(N_("None of the files given is a bundle for this site."))
        outcomes = ws.sync.import_files(files, dry_run=args.dry_run, ack_to=args.ack_to)
    if args.json:
        _print_json([_outcome_json(o) for o in outcomes])
    else:
        for o in outcomes:
            print("\n".join(_outcome_lines(o)))
    refused = [o for o in outcomes if o.status not in _IMPORT_OK]
    if refused and not args.json:
        print(
            "tthtcd: "
            + ngettext(
                "{count} file was refused; nothing of it was imported.",
                "{count} files were refused; nothing of them was imported.",
                len(refused),
            ).format(count=len(refused)),
            file=sys.stderr,
        )
    return EXIT_FAILURE if refused else EXIT_OK


def _bundle_history(args: argparse.Namespace) -> int:
    with _open(args) as ws:
        records = ws.sync.history()
    if args.json:
        _print_json(
            [
                {
                    "direction": r.direction, "kind": r.kind, "bundle": r.bundle_id,
                    "peer": r.peer_site, "peer_name": r.peer_name, "seq": r.seq,
                    "file": r.file_name, "created_at": r.created_at,
                    "applied_at": r.applied_at, "status": r.status, "summary": r.summary,
                }
                for r in records
            ]
        )  # fmt: skip
        return EXIT_OK
    if not records:
        print(_("No bundles yet."))
    for r in records:
        arrow = "→" if r.direction == "export" else "←"
        print(f"{r.created_at[:19]}  {arrow} {r.peer_name or r.peer_site}  {r.kind} {r.seq}"
              f"  {r.status}  {r.file_name}")  # fmt: skip
    return EXIT_OK


def _day(iso: str) -> str:
    """An ISO date or time as the app shows days: dd/mm/yyyy."""
    try:
        return f"{dt.date.fromisoformat(iso[:10]):%d/%m/%Y}"
    except ValueError:
        return iso


def _centres_list(args: argparse.Namespace) -> int:
    with _open(args) as ws:
        centres = ws.sync.centres()
    if args.json:
        _print_json(
            [
                {"id": c.id, "name": c.name, "last_seq": c.last_seq,
                 "last_import": c.last_import, "status": c.status}
                for c in centres
            ]
        )  # fmt: skip
        return EXIT_OK
    if not centres:
        print(_("No centre is enrolled at this office yet."))
    for c in centres:
        last = (
            tr("bundle {seq} imported {date}", seq=c.last_seq, date=_day(c.last_import))
            if c.last_import
            else _("no bundle yet")
        )
        status = tr(CENTRE_STATUS_WORDS.get(c.status, c.status), office=c.via)
        if c.status == "relayed" and c.last_import:
            last = tr(
                "last bundle from {office} imported {date}",
                office=c.via,
                date=_day(c.last_import),
            )
        print(f"{c.id}  {c.name}: {last}; {status}")
    return EXIT_OK


# Administrative units ------------------------------------------------------------------


def _units_parsers(commands: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    """`units lookup` and `units tree`."""
    units = commands.add_parser(
        "units", parents=[common], help=_("administrative units before and after 1/7/2025")
    )
    unit_commands = units.add_subparsers(dest="units_command", parser_class=_Parser)
    lookup = unit_commands.add_parser(
        "lookup",
        parents=[common],
        help=_("today's unit of a commune or district of before 1/7/2025 (name or code)"),
    )
    lookup.add_argument("text", metavar="TEXT", help=_("the old name or code, e.g. 'Phúc Xá'"))
    lookup.add_argument(
        "--province", metavar="NAME", default="",
        help=_("only in this province of before 1/7/2025 (name or code)"),
    )  # fmt: skip
    lookup.add_argument("--json", action="store_true", help=_("print JSON"))
    tree = unit_commands.add_parser(
        "tree",
        parents=[common],
        help=_("office: the province, its communes and the centres in each"),
    )
    tree.add_argument("--json", action="store_true", help=_("print JSON"))


def _units_commands(args: argparse.Namespace) -> int:
    if args.units_command == "lookup":
        return _units_lookup(args)
    if args.units_command == "tree":
        return _units_tree(args)
    raise CliError(_("say 'units lookup' or 'units tree'"), EXIT_USAGE)


def _unit_json(unit: object) -> dict[str, object]:
    from desktop_app.core.org_units import OrgUnit

    assert isinstance(unit, OrgUnit)
    return {
        "code": unit.code,
        "level": unit.level.value,
        "name": unit.name,
        "valid_from": unit.valid_from.isoformat() if unit.valid_from else None,
        "valid_to": unit.valid_to.isoformat() if unit.valid_to else None,
    }


def _units_lookup(args: argparse.Namespace) -> int:
    """Without --db the shipped units are read through a scratch database."""
    if args.db is not None:
        with _open(args) as ws:
            matches = ws.org_units.lookup_legacy(args.text, province=args.province)
    else:
        with (
            tempfile.TemporaryDirectory(prefix="tthtcd-units-") as tmp,
            Workspace.open(Path(tmp) / "units.sqlite3", create=True) as ws,
        ):
            matches = ws.org_units.lookup_legacy(args.text, province=args.province)
    if args.json:
        _print_json(
            [
                {"unit": _unit_json(m.unit), "path": [_unit_json(u) for u in m.path],
                 "today": [_unit_json(u) for u in m.today],
                 "today_province": _unit_json(m.today_province)}
                for m in matches
            ]
        )  # fmt: skip
        return EXIT_OK
    if not matches:
        raise CliError(
            tr("No commune or district of before 1/7/2025 matches '{text}'.", text=args.text)
        )
    for m in matches:
        old = ", ".join(u.name for u in reversed(m.path))
        today = "; ".join(
            f"{u.name}, {m.today_province.name}" if u.level.value != "province" else u.name
            for u in m.today
        )
        print(tr("{old} ({code}) → today: {today}", old=old, code=m.unit.code, today=today))
    return EXIT_OK


def _units_tree(args: argparse.Namespace) -> int:
    with _open(args) as ws:
        provinces = ws.org_units.tree()
    if args.json:
        _print_json(
            [
                {**_unit_json(p.unit),
                 "formerly": [_unit_json(u) for u in p.formerly],
                 "communes": [
                     {**_unit_json(c.unit),
                      "formerly": [[_unit_json(u) for u in path] for path in c.formerly],
                      "centres": [{"id": n.site_id, "name": n.name} for n in c.centres]}
                     for c in p.communes
                 ]}
                for p in provinces
            ]
        )  # fmt: skip
        return EXIT_OK
    if not provinces:
        print(_("No centre held here names a commune the app knows."))
    for p in provinces:
        held = sum(len(c.centres) for c in p.communes)
        centres = ngettext("{count} centre", "{count} centres", held).format(count=held)
        print(
            tr(
                "{province}: {communes} communes, {centres}",
                province=p.unit.name, communes=len(p.communes), centres=centres,
            )
        )  # fmt: skip
        for c in p.communes:
            if not c.centres:
                continue
            print(f"  {c.unit.name} ({c.unit.code})")
            for n in c.centres:
                print(f"    {n.name}  {n.site_id}")
    return EXIT_OK


def selfcheck() -> int:
    """Temp database, migrations, a write and a search, one PDF page, both languages."""
    from desktop_app.core.people import PersonInput
    from desktop_app.documents.selfcheck import check_spreadsheet_reading, render_selfcheck_page
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
        try:
            check_spreadsheet_reading(folder)
        except RuntimeError as exc:
            raise CliError(
                tr("selfcheck: spreadsheets cannot be read ({reason})", reason=str(exc))
            ) from exc
        print(_("spreadsheet reading: ok"))
    loaded = translations_loaded()
    missing = [lang for lang in LANGUAGES if not loaded.get(lang)]
    if missing:
        raise CliError(tr("selfcheck: translations missing for {langs}", langs=", ".join(missing)))
    print(tr("translations: ok ({langs})", langs=", ".join(f"{k} {v}" for k, v in loaded.items())))
    print(tr("language: {lang}", lang=current_language()))
    return EXIT_OK


RECOVERY_WORDS = {
    "recovered": N_("recovered"),
    "already-held": N_("already held: nothing changed"),
    "refused": N_("refused"),
}


def _recovery_files(given: Sequence[Path]) -> tuple[list[Path], int]:
    """The files that can hold a centre's records (data bundles, recovery files);
    acknowledgements, catalogues, corrections and enrolment files in a folder are left out."""

    def records(facts: dict[str, object]) -> bool:
        extra = facts.get("extra")
        recovery = isinstance(extra, dict) and extra.get("recovery") is True
        return facts.get("kind") == "data" or (facts.get("kind") == "catalogue" and recovery)

    return _folder_bundles(given, records)


def _bundle_recover(args: argparse.Namespace) -> int:
    from desktop_app.services.sync_recovery import recover_new_database

    db_path = _need_db(args)
    files, skipped = _recovery_files(args.files)
    if skipped:
        note = ngettext(
            "{count} file in the folder holds no records of a centre (an acknowledgement, "
            "a catalogue or an enrolment file) and was left out.",
            "{count} files in the folder hold no records of a centre (acknowledgements, "
            "catalogues or enrolment files) and were left out.",
            skipped,
        ).format(count=skipped)
        print(f"tthtcd: {note}", file=sys.stderr)
    if not files:
        raise UserError(N_("None of the files given holds records of a centre."))
    if not db_path.exists():
        site, outcomes = recover_new_database(
            db_path, files, age_identity=args.age_identity,
            office_fingerprint=args.office_fingerprint,
        )  # fmt: skip
        if not args.json and db_path.exists():
            print(tr("{path} is now the database of {name} ({id}).", path=str(db_path),
                     name=site.name, id=site.id))  # fmt: skip
    else:
        with Workspace.open(db_path, check=True) as ws:
            outcomes = ws.recovery.recover_from_bundles(
                files, age_identity=args.age_identity,
                office_fingerprint=args.office_fingerprint,
            )  # fmt: skip
    if args.json:
        _print_json(
            [
                {
                    "file": str(o.file), "bundle": o.bundle, "sender": o.sender,
                    "kind": o.kind, "status": o.status, "reason": o.reason,
                    "warning": o.warning,
                    "tables": {t: _counts_json(c) for t, c in o.tables.items()},
                }
                for o in outcomes
            ]
        )  # fmt: skip
    else:
        for o in outcomes:
            head = f"{o.file.name}: {_(RECOVERY_WORDS.get(o.status, o.status))}"
            if o.reason:
                head += f": {o.reason}"
            print(head)
            for table, c in sorted(o.tables.items()):
                if c.new or c.updated or c.conflict or c.rejected:
                    print(
                        "  " + tr(
                            "{table}: {new} new, {updated} updated, {unchanged} unchanged, "
                            "{conflict} conflicts, {rejected} rejected",
                            table=table, new=c.new, updated=c.updated, unchanged=c.unchanged,
                            conflict=c.conflict, rejected=c.rejected,
                        )
                    )  # fmt: skip
    warnings = sorted({o.warning for o in outcomes if o.warning})
    for warning in warnings:
        print(f"tthtcd: {warning}", file=sys.stderr)
    refused = [o for o in outcomes if o.status == "refused"]
    return EXIT_FAILURE if refused else EXIT_OK


def _bundle_recovery(args: argparse.Namespace) -> int:
    with Workspace.open(_need_db(args), check=True) as ws:
        path = ws.recovery.recovery_bundle(args.centre, args.to)
        facts = ws.sync.inspect(path)
    rows = facts.get("rows") or {}
    if args.json:
        _print_json({"file": str(path), "centre": args.centre, "rows": rows})
    else:
        print(tr("Wrote {path} ({count} records).", path=str(path),
                 count=sum(int(n) for n in rows.values())))  # fmt: skip
    return EXIT_OK


# Learning models: registration and status, clans and units (issue 12 parts 2, 3) ----


# `models register | status | clans | units`; the `models` group itself is at the end.
_MODELS_REGISTRATION_COMMANDS = ("register", "status", "clans", "units")


def _models_registration_parsers(
    model_commands: argparse._SubParsersAction[_Parser], common: _Parser
) -> None:
    from desktop_app.core.learning_subjects import MODEL_KEYS, UnitKind

    register = model_commands.add_parser(
        "register", parents=[common], help=_("register a subject for a model's title in a year")
    )
    register.add_argument("--model", required=True, choices=MODEL_KEYS, help=_("the model"))
    register.add_argument("--year", required=True, type=_year, help=_("the year"))
    subject = register.add_mutually_exclusive_group(required=True)
    subject.add_argument("--household", metavar="ID", help=_("a household's id (model family)"))
    subject.add_argument("--clan", metavar="ID", help=_("a clan's id (model clan)"))
    subject.add_argument("--hamlet", metavar="NAME", help=_("a hamlet's name (model community)"))
    subject.add_argument("--unit", metavar="ID", help=_("a unit's id (model unit)"))
    subject.add_argument("--person", metavar="ID", help=_("a person's id (model citizen)"))
    register.add_argument(
        "--on", type=_date, metavar="DD/MM/YYYY", help=_("the day of registration (default today)")
    )
    register.add_argument("--by", metavar="NAME", default="", help=_("who registered"))
    register.add_argument("--json", action="store_true", help=_("print JSON"))

    status = model_commands.add_parser(
        "status", parents=[common], help=_("registered subjects per model against the targets")
    )
    status.add_argument("--year", required=True, type=_year, help=_("the year"))
    status.add_argument("--json", action="store_true", help=_("print JSON"))

    helps = {
        "clans": (_("the clans (dòng họ)"), _("add a clan"), _("the clan's name"),
                  _("the clan's hamlet"), _("list the clans")),
        "units": (_("the learning units: agencies, schools, enterprises"), _("add a unit"),
                  _("the unit's name"), _("the unit's hamlet"), _("list the units")),
    }  # fmt: skip
    for group, (what, add_help, name_help, hamlet_help, list_help) in helps.items():
        parser = model_commands.add_parser(group, parents=[common], help=what)
        sub = parser.add_subparsers(dest="models_sub", parser_class=_Parser)
        add = sub.add_parser("add", parents=[common], help=add_help)
        add.add_argument("--name", required=True, help=name_help)
        add.add_argument("--hamlet", metavar="NAME", default="", help=hamlet_help)
        if group == "clans":
            add.add_argument("--head", metavar="ID", help=_("the head of the clan (a person's id)"))
        else:
            add.add_argument(
                "--kind", choices=[k.value for k in UnitKind], default="other",
                help=_("the kind of unit"),
            )  # fmt: skip
        add.add_argument("--json", action="store_true", help=_("print JSON"))
        listing = sub.add_parser("list", parents=[common], help=list_help)
        listing.add_argument("--json", action="store_true", help=_("print JSON"))
        _models_membership_parsers(group, sub, common)


# `models clans join|leave|households` and `models units join|leave|members`: the
# households of a clan and the people of a unit.
_MEMBERSHIP = {"clans": ("--clan", "--household"), "units": ("--unit", "--person")}


def _models_membership_parsers(
    group: str, sub: argparse._SubParsersAction[_Parser], common: _Parser
) -> None:
    owner, member = _MEMBERSHIP[group]
    owner_help = _("the clan's id") if group == "clans" else _("the unit's id")
    member_help = _("the household's id") if group == "clans" else _("the person's id")
    helps = (
        (
            "join",
            _("put a household in the clan") if group == "clans" else _("add a member to the unit"),
        ),
        (
            "leave",
            _("take a household out of the clan")
            if group == "clans"
            else _("take a member out of the unit"),
        ),
    )
    for name, help_text in helps:
        parser = sub.add_parser(name, parents=[common], help=help_text)
        parser.add_argument(owner, dest="owner", metavar="ID", required=True, help=owner_help)
        parser.add_argument(member, dest="member", metavar="ID", required=True, help=member_help)
    listed = sub.add_parser(
        "households" if group == "clans" else "members",
        parents=[common],
        help=_("the households of a clan") if group == "clans" else _("the members of a unit"),
    )
    listed.add_argument(owner, dest="owner", metavar="ID", required=True, help=owner_help)
    listed.add_argument("--json", action="store_true", help=_("print JSON"))


def _models_membership(args: argparse.Namespace) -> int:
    clans = args.models_command == "clans"
    if args.models_sub in ("join", "leave"):
        with Workspace.open(_need_db(args), check=True) as ws:
            if clans:
                change = (
                    ws.models.add_clan_household
                    if args.models_sub == "join"
                    else ws.models.remove_clan_household
                )
                change(args.owner, args.member)
                clan = ws.models.clan(args.owner)
                count = ngettext("{n} household", "{n} households", clan.households)
                print(f"{clan.name}: {count.format(n=format_int(clan.households))}")
            else:
                change_member = (
                    ws.models.add_unit_member
                    if args.models_sub == "join"
                    else ws.models.remove_unit_member
                )
                change_member(args.owner, args.member)
                unit = ws.models.unit(args.owner)
                count = ngettext("{n} member", "{n} members", unit.members)
                print(f"{unit.name}: {count.format(n=format_int(unit.members))}")
        return EXIT_OK
    with _open(args) as ws:
        if clans:
            ws.models.clan(args.owner)
            subjects = ws.models.clan_households(args.owner)
        else:
            ws.models.unit(args.owner)
            subjects = ws.models.unit_members(args.owner)
    if args.json:
        _print_json([{"id": s.id, "name": s.name} for s in subjects])
        return EXIT_OK
    for s in subjects:
        print(f"{s.id}  {s.name}")
    if not subjects:
        print(_("None yet: add one with 'join'."))
    return EXIT_OK


def _models_registration_command(args: argparse.Namespace) -> int:
    if args.models_command == "register":
        return _models_register(args)
    if args.models_command == "status":
        return _models_status(args)
    if args.models_sub == "add":
        return _models_subject_add(args)
    if args.models_sub == "list":
        return _models_subject_list(args)
    if args.models_sub in ("join", "leave", "households", "members"):
        return _models_membership(args)
    raise CliError(
        tr(
            "say 'models {group} add', 'list', 'join', 'leave' or '{listed}'",
            group=args.models_command,
            listed="households" if args.models_command == "clans" else "members",
        ),
        EXIT_USAGE,
    )


def _models_register(args: argparse.Namespace) -> int:
    from desktop_app.core.learning_subjects import MODEL_TITLES

    with Workspace.open(_need_db(args), check=True) as ws:
        if args.hamlet is not None:
            subject_id = _hamlet_id(ws, args.hamlet)
            if subject_id is None:
                raise CliError(_("give the hamlet's name with --hamlet NAME"), EXIT_USAGE)
        else:
            subject_id = args.household or args.clan or args.unit or args.person
        registration_id = ws.models.register(
            args.model, args.year, subject_id, on=args.on, by=args.by
        ).value
        registration = next(
            r for r in ws.models.registrations(args.model, args.year) if r.id == registration_id
        )
    if args.json:
        _print_json(
            {"id": registration_id, "model": args.model, "year": args.year,
             "subject_id": subject_id, "subject": registration.subject_name,
             "registered_on": (registration.registered_on or dt.date.today()).isoformat()}
        )  # fmt: skip
        return EXIT_OK
    print(
        tr(
            "{name}: registered for {title} {year} ({id}).",
            name=registration.subject_name, title=MODEL_TITLES[args.model], year=args.year,
            id=registration_id,
        )
    )  # fmt: skip
    return EXIT_OK


def _models_status(args: argparse.Namespace) -> int:
    from desktop_app.core.learning_subjects import MODEL_TITLES
    from desktop_app.i18n import format_percent

    with _open(args) as ws:
        status = ws.models.status(args.year)
    if args.json:
        _print_json(
            {
                "year": args.year,
                "models": {
                    model: {
                        "registered": s.registered, "assessed": s.assessed,
                        "passed": s.passed, "recognised": s.recognised,
                        "target_rate": s.target_rate,
                        "by_hamlet": {
                            hamlet: {"registered": c.registered, "eligible": c.eligible,
                                     "assessed": c.assessed, "passed": c.passed,
                                     "recognised": c.recognised}
                            for hamlet, c in s.by_hamlet.items()
                        },
                    }
                    for model, s in status.items()
                },
            }
        )  # fmt: skip
        return EXIT_OK

    def share(registered: int, eligible: int, rate: float | None) -> str:
        shown = format_percent(100 * rate) if rate is not None else "–"
        return tr(
            "{registered} of {eligible} registered ({rate})",
            registered=format_int(registered), eligible=format_int(eligible), rate=shown,
        )  # fmt: skip

    for model, s in status.items():
        print(
            tr(
                "{title} {year}: {share}; target {target}",
                title=MODEL_TITLES[model], year=args.year,
                share=share(s.registered, s.eligible, s.rate),
                target=format_percent(100 * s.target_rate),
            )
        )  # fmt: skip
        for hamlet, c in s.by_hamlet.items():
            if c.eligible or c.registered:
                name = hamlet or _("(no hamlet)")
                print(f"  {name}: {share(c.registered, c.eligible, c.rate)}")
    return EXIT_OK


def _models_subject_add(args: argparse.Namespace) -> int:
    from desktop_app.core.learning_subjects import UnitKind

    with Workspace.open(_need_db(args), check=True) as ws:
        hamlet_id = _hamlet_id(ws, args.hamlet)
        if args.models_command == "clans":
            new_id = ws.models.add_clan(args.name, args.head, hamlet_id).value
        else:
            new_id = ws.models.add_unit(args.name, UnitKind(args.kind), hamlet_id).value
    if args.json:
        _print_json({"id": new_id})
    else:
        print(new_id)
    return EXIT_OK


def _models_subject_list(args: argparse.Namespace) -> int:
    from desktop_app.core.learning_subjects import UNIT_KIND_LABELS

    lines: list[str] = []
    with _open(args) as ws:
        if args.models_command == "clans":
            clans = ws.models.clans()
            rows = [
                {"id": c.id, "name": c.name, "head": c.head_name, "hamlet": c.hamlet_name,
                 "households": c.households}
                for c in clans
            ]  # fmt: skip
            for c in clans:
                count = ngettext("{n} household", "{n} households", c.households)
                lines.append(f"{c.id}  {c.name}  ({count.format(n=c.households)})  {c.hamlet_name}")
        else:
            units = ws.models.units()
            rows = [
                {"id": u.id, "name": u.name, "kind": u.kind.value, "hamlet": u.hamlet_name,
                 "members": u.members}
                for u in units
            ]  # fmt: skip
            for u in units:
                count = ngettext("{n} member", "{n} members", u.members).format(n=u.members)
                kind = _(UNIT_KIND_LABELS[u.kind])
                lines.append(f"{u.id}  {u.name}  ({kind}, {count})  {u.hamlet_name}")
    if args.json:
        _print_json(rows)
        return EXIT_OK
    print("\n".join(lines) if lines else _("None yet: add one with 'add --name NAME'."))
    return EXIT_OK


# Learning models: self-assessment (issue 12 part 4) ------------------------------------------


def _models_assess_parser(
    model_commands: argparse._SubParsersAction[_Parser], common: _Parser
) -> None:
    from desktop_app.core.learning_subjects import MODEL_KEYS

    assess = model_commands.add_parser(
        "assess", parents=[common],
        help=_("score a subject against the year's criteria, with what the records answer"),
    )  # fmt: skip
    assess.add_argument("--model", required=True, choices=MODEL_KEYS, help=_("the model"))
    assess.add_argument("--year", required=True, type=_year, help=_("the year"))
    which = assess.add_mutually_exclusive_group(required=True)
    which.add_argument(
        "--subject", metavar="ID",
        help=_("the household's, clan's, hamlet's, unit's or person's id (a hamlet: or its name)"),
    )  # fmt: skip
    which.add_argument(
        "--all", action="store_true",
        help=_("every registered subject, from the records (with --save: those not assessed yet)"),
    )  # fmt: skip
    assess.add_argument("--json", action="store_true", help=_("print JSON"))
    assess.add_argument("--save", action="store_true", help=_("save the assessment"))
    assess.add_argument(
        "--register", action="store_true", help=_("register the subject first if it did not")
    )
    assess.add_argument(
        "--set", action="append", default=[], metavar="CODE=VALUE",
        help=_("an item's value typed by hand: points, a share, yes/no, n/a (repeatable)"),
    )  # fmt: skip
    assess.add_argument(
        "--reason", default="", metavar="TEXT",
        help=_("why the values given with --set replace those from the records"),
    )  # fmt: skip
    assess.add_argument(
        "--replace", action="store_true",
        help=_("with --all --save: also overwrite the assessments already saved"),
    )  # fmt: skip


def _models_assess(args: argparse.Namespace) -> int:
    from desktop_app.core.learning_assessment import parse_hand_value
    from desktop_app.core.learning_models import ItemValue

    if args.all:
        return _models_assess_all(args)
    if args.replace:
        raise CliError(_("--replace goes with --all --save."), EXIT_USAGE)
    with Workspace.open(_need_db(args), check=True) as ws:
        subject_id = args.subject
        if args.model == "community" and subject_id not in {h.id for h in ws.centre.hamlets()}:
            subject_id = _hamlet_id(ws, subject_id) or subject_id
        known = {i.code: i for i in ws.assessments.criteria_set(args.model, args.year).items}
        hand: dict[str, ItemValue] = {}
        for given in args.set:
            code, sep, value = given.partition("=")
            if not sep or code.strip() not in known:
                raise CliError(
                    tr("--set {given}: say CODE=VALUE with an item code of the set ({codes})",
                       given=given, codes=", ".join(known)),
                    EXIT_USAGE,
                )  # fmt: skip
            hand[code.strip()] = parse_hand_value(known[code.strip()], value, args.reason)
        if args.save:
            sheet = ws.assessments.save_assessment(
                args.model, args.year, subject_id, hand, register=args.register
            ).value
        else:
            if args.register and not any(
                r.subject_id == subject_id for r in ws.models.registrations(args.model, args.year)
            ):
                ws.models.register(args.model, args.year, subject_id)
            sheet = ws.assessments.assess(args.model, args.year, subject_id, hand)
    rows = [
        {"code": i.item.code, "title": i.item.title, "value": _assess_value(i.value),
         "source": _assess_source(i), "points": i.points, "max_points": i.item.max_points}
        for i in sheet.items
    ]  # fmt: skip
    if args.json:
        _print_json(
            {"model": args.model, "year": args.year, "subject": subject_id,
             "set": sheet.set_title, "items": rows, "total": sheet.total, "level": sheet.level,
             "passed": sheet.passed, "saved": bool(args.save)}
        )  # fmt: skip
        return EXIT_OK
    print(f"{sheet.subject_name}: {sheet.set_title} ({args.year})")
    for row, item in zip(rows, sheet.items, strict=True):
        shown = _assess_shown(item.item.kind, row["value"])
        points, most = _num_text(row["points"]), _num_text(row["max_points"])
        print(f"  {row['code']}  {row['title']}")
        print("      " + tr("value {value}, {points} of {max} points", value=shown,
                           points=points, max=most))  # fmt: skip
        print(f"      {row['source']}")
    verdict = _("passed") if sheet.passed else _("not passed")
    total, most = _num_text(sheet.total), _num_text(sheet.criteria_set.max_points)
    if sheet.level.casefold() == verdict.casefold():  # "Chưa đạt (chưa đạt)" said once
        print(tr("Total {total} of {max} points: {level}", total=total, max=most,
                 level=sheet.level))  # fmt: skip
    else:
        print(tr("Total {total} of {max} points: {level} ({verdict})", total=total, max=most,
                 level=sheet.level or "–", verdict=verdict))  # fmt: skip
    print(_("Saved.") if args.save else _("Not saved: add --save to save it."))
    return EXIT_OK


def _models_assess_all(args: argparse.Namespace) -> int:
    """Every registered subject scored from the records: the counts by level; with --save,
    those not assessed yet saved (all with --replace)."""
    from desktop_app.core.learning_subjects import MODEL_TITLES

    if args.set or args.register:
        raise CliError(_("--all scores from the records only: --set and --register go with "
                         "--subject."), EXIT_USAGE)  # fmt: skip
    if args.replace and not args.save:
        raise CliError(_("--replace goes with --all --save."), EXIT_USAGE)
    with Workspace.open(_need_db(args), check=True) as ws:
        sheets = ws.assessments.assess_all(args.model, args.year)
        levels: dict[str, int] = {}
        for sheet in sheets:
            levels[sheet.level] = levels.get(sheet.level, 0) + 1
        passed = sum(1 for s in sheets if s.passed)
        saved = (
            ws.assessments.save_all(args.model, args.year, replace=args.replace).value
            if (args.save)
            else 0
        )
    if args.json:
        _print_json(
            {"model": args.model, "year": args.year, "assessed": len(sheets), "passed": passed,
             "failed": len(sheets) - passed, "levels": levels, "saved": saved}
        )  # fmt: skip
        return EXIT_OK
    print(
        tr(
            "{title} {year}: {n} registered assessed from the records, {passed} passed, "
            "{failed} not passed.",
            title=MODEL_TITLES[args.model], year=args.year, n=format_int(len(sheets)),
            passed=format_int(passed), failed=format_int(len(sheets) - passed),
        )
    )  # fmt: skip
    for level, n in sorted(levels.items(), key=lambda kv: -kv[1]):
        print(f"  {level or '–'}: {format_int(n)}")
    if args.save:
        message = (
            N_("Saved: {n}; those already saved were replaced.")
            if args.replace
            else N_("Saved: {n}; those already saved were kept.")
        )
        print(tr(message, n=format_int(saved)))
    else:
        print(_("Not saved: add --save to save those not assessed yet."))
    return EXIT_OK


def _num_text(x: object) -> str:
    """7, or 7,5 in Vietnamese (7.5 in English)."""
    from desktop_app.i18n import current_language

    number = float(x)  # type: ignore[arg-type]
    if number == int(number):
        return format_int(int(number))
    text = f"{round(number, 2):g}"
    return text.replace(".", ",") if current_language() == "vi" else text


def _assess_shown(kind: str, value: object) -> str:
    """An item's value as the sheet prints it: yes/no, a share as a percentage, points."""
    from desktop_app.i18n import format_percent

    if value is None:
        return "–"
    if value == "n/a":
        return _("does not apply")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if kind == "percent":
        return format_percent(float(value))  # type: ignore[arg-type]
    return _num_text(value)


def _assess_value(v: object) -> object:
    from desktop_app.core.learning_models import ItemValue

    if not isinstance(v, ItemValue):
        return None
    return "n/a" if v.not_applicable else v.value


def _assess_source(i: object) -> str:
    from desktop_app.core.learning_assessment import SheetItem

    assert isinstance(i, SheetItem)
    text = tr(i.source.message, **i.source.params)
    if i.computed_source is not None:
        records = tr(i.computed_source.message, **i.computed_source.params)
        text = tr("{hand} (instead of the records: {records})", hand=text, records=records)
    return text


# Spreadsheet imports ------------------------------------------------------------------------

IMPORT_KINDS = ("people", "members", "attendance", "ledger", "cdht")


def _import_parsers(commands: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    """`import FILE`, `import list` and `import undo IMPORT_ID`."""
    imp = commands.add_parser(
        "import",
        parents=[common],
        help=_("bring in a list kept in Excel (xlsx, xls, ods or csv); 'import list'; "
               "'import undo IMPORT_ID'"),
    )  # fmt: skip
    imp.add_argument(
        "words", nargs="*", metavar="FILE | list | undo IMPORT_ID",
        help=_("the spreadsheet to import; or 'list', or 'undo' and an import's id"),
    )  # fmt: skip
    imp.add_argument(
        "--kind", choices=IMPORT_KINDS, help=_("what the list holds (people: the registry)")
    )
    imp.add_argument(
        "--sheet", metavar="NAME", help=_("the sheet (default: the first with a header)")
    )
    imp.add_argument(
        "--mapping", metavar="FILE", type=Path,
        help=_(
            'a JSON file that maps columns (by letter or header) to fields, e.g. "B": '
            '"full_name"; a field "" leaves a column out'
        ),
    )  # fmt: skip
    imp.add_argument("--course", metavar="ID", help=_("the class (attendance lists)"))
    imp.add_argument(
        "--fund", metavar="FUND_ID",
        help=_("ledgers: the fund the entries go into (needed when the centre has several)"),
    )  # fmt: skip
    imp.add_argument(
        "--branch", metavar="NAME",
        help=_("members lists: the branch (chi hội) of the rows that name none"),
    )  # fmt: skip
    imp.add_argument(
        "--joined", metavar="DATE", type=_date,
        help=_("members lists: the day joined of the rows that give none (dd/mm/yyyy; "
               "default: today)"),
    )  # fmt: skip
    imp.add_argument(
        "--on-match", choices=("skip", "fill", "update"), default="skip",
        help=_("people already in the registry: leave them (skip), fill their empty fields "
               "(fill), or take the file's values (update)"),
    )  # fmt: skip
    imp.add_argument(
        "--create-hamlets", action="store_true",
        help=_("add the hamlets the centre's list does not have yet"),
    )  # fmt: skip
    imp.add_argument(
        "--skip-rejected", action="store_true",
        help=_("import the good rows and leave the rejected ones out"),
    )  # fmt: skip
    imp.add_argument(
        "--dry-run", action="store_true", help=_("check the whole file and change nothing")
    )
    imp.add_argument("--json", action="store_true", help=_("print JSON"))


def _import_command(args: argparse.Namespace) -> int:
    words = list(args.words)
    if words[:1] == ["list"] and len(words) == 1 and not Path("list").exists():
        return _import_list(args)
    if words[:1] == ["undo"] and not Path("undo").exists():
        if len(words) != 2:
            raise CliError(_("say 'import undo IMPORT_ID' (see 'import list')"), EXIT_USAGE)
        return _import_undo(args, words[1])
    if len(words) != 1:
        raise CliError(
            _("say 'import --kind KIND FILE', 'import list' or 'import undo IMPORT_ID'"),
            EXIT_USAGE,
        )
    if args.kind is None:
        raise CliError(
            _("say what the list holds with --kind people|members|attendance|ledger|cdht"),
            EXIT_USAGE,
        )
    return _import_file(args, Path(words[0]))


def _read_mapping(path: Path) -> dict[str, str]:
    try:
        value = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as exc:
        raise UserError(
            N_("The mapping file {path} cannot be read ({reason})."),
            {"path": str(path), "reason": exc.strerror or str(exc)},
        ) from None
    except ValueError:
        raise UserError(
            N_(
                "The mapping file {path} is not JSON like "
                '{{"B": "full_name", "Ngày sinh": "birth"}}.'
            ),
            {"path": str(path)},
        ) from None
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise UserError(
            N_(
                "The mapping file {path} is not JSON like "
                '{{"B": "full_name", "Ngày sinh": "birth"}}.'
            ),
            {"path": str(path)},
        )
    return {str(k): str(v) for k, v in value.items()}


def _import_file(args: argparse.Namespace, file: Path) -> int:
    from dataclasses import replace

    from desktop_app.services.imports import KINDS, REJECTED, ImportOptions

    if args.kind not in KINDS:
        raise UserError(
            N_(
                "This version imports lists of people and of members only; a list of {kind} "
                "cannot be imported yet. Nothing was imported."
            ),
            {"kind": args.kind},
        )
    if args.kind != "members" and (args.branch is not None or args.joined is not None):
        raise CliError(_("--branch and --joined are for --kind members"), EXIT_USAGE)
    if args.kind != "ledger" and args.fund is not None:
        raise CliError(_("--fund is for --kind ledger"), EXIT_USAGE)
    if (args.kind == "attendance") != (args.course is not None):
        raise CliError(
            _("--kind attendance needs --course COURSE_ID (see 'courses list'); other kinds "
              "take no --course"),
            EXIT_USAGE,
        )  # fmt: skip
    mapping = _read_mapping(args.mapping) if args.mapping is not None else None
    options = ImportOptions(
        on_match=args.on_match, create_hamlets=args.create_hamlets,
        skip_rejected=args.skip_rejected, joined_on=args.joined, fund_id=args.fund,
        course_id=args.course,
    )  # fmt: skip
    # The first import may start the database (a centre's first day is its lists); a dry run
    # changes nothing, so it needs one that exists.
    with Workspace.open(
        _need_db(args), read_only=args.dry_run, create=not args.dry_run, check=True
    ) as ws:
        if args.branch is not None:
            options = replace(options, branch_id=ws.imports.branch_named(args.branch))
        opened = ws.imports.open_file(file, args.kind)
        plan = ws.imports.plan(
            file, args.kind, sheet=args.sheet, mapping=mapping, options=options, opened=opened
        )
        status, import_id, reason = "dry-run", None, ""
        roster = ws.imports.attendance_counts(plan) if args.kind == "attendance" else {}
        if opened.already is not None:
            status = "already-imported"
            reason = tr(
                "This file was imported already, on {date} (import {id}). Nothing was imported.",
                date=_day(opened.already.imported_at), id=opened.already.id,
            )  # fmt: skip
        elif not args.dry_run:
            if plan.count(REJECTED) and not args.skip_rejected:
                status = "refused"
                reason = tr(
                    "{count} rows cannot be imported as they are (listed above): fix them in "
                    "the file, or add --skip-rejected to import the others. Nothing was imported.",
                    count=plan.count(REJECTED),
                )  # fmt: skip
            else:
                result = ws.imports.apply(plan, options)
                status, import_id = "applied", result.import_id
                roster = {k: result.counts.get(k, 0) for k in roster}
    counts = plan.counts
    rejected = [
        {"row": r.row, "field": p.field, "reason": tr(p.message, **p.params)}
        for r in plan.rows
        if r.status == REJECTED
        for p in r.problems
    ]
    if args.json:
        columns: dict[str, dict[str, str | None]] = {}
        for c in plan.columns:
            key = c.header or c.letter
            if key in columns:
                key = f"{key} ({c.letter})"
            columns[key] = {"field": c.field, "encoding": c.encoding.value}
        _print_json(
            {
                "file": str(file), "sha256": plan.file.sha256, "sheet": plan.sheet,
                "header_row": plan.header_row, "columns": columns, "rows": counts["rows"],
                "new": counts["new"], "matched": counts["match"],
                "duplicates": counts["duplicate"], "rejected": rejected, "status": status,
                "import_id": import_id,
            }
        )  # fmt: skip
    else:
        print(
            tr(
                "{file}, sheet {sheet}, header on row {header}: {rows} rows: {new} new, "
                "{matched} already in the registry, {duplicates} repeated in the file, "
                "{rejected} rejected.",
                file=file.name, sheet=plan.sheet, header=plan.header_row,
                rows=format_int(counts["rows"]), new=format_int(counts["new"]),
                matched=format_int(counts["match"]), duplicates=format_int(counts["duplicate"]),
                rejected=format_int(counts["rejected"]),
            )
        )  # fmt: skip
        for c in plan.columns:
            if c.encoding.value != "unicode" and c.field:
                print(
                    tr(
                        "Column {letter} ({header}) is typed in {encoding}: converted, e.g. "
                        "{sample}.",
                        letter=c.letter, header=c.header, encoding=c.encoding.value.upper(),
                        sample=" → ".join(c.sample[0]) if c.sample else "",
                    )
                )  # fmt: skip
        for c in plan.columns:
            if c.note and c.header:
                print(tr("Column {letter} ({header}): {note}", letter=c.letter,
                         header=c.header, note=tr(c.note)))  # fmt: skip
            elif c.note:
                print(tr("Column {letter}: {note}", letter=c.letter, note=tr(c.note)))
        if plan.kind == "ledger":
            _ledger_lines(plan)
        if plan.kind == "cdht":
            _cdht_lines(plan, status)
        # A reason names its column as the sheet does ("Ngày sinh"), not by the field key.
        headers = {c.field: c.header or c.letter for c in plan.columns if c.field}
        headers.setdefault("hamlet_id", headers.get("hamlet", "hamlet"))
        headers.pop("session", None)  # many columns: a tick's reason names its own
        for item in rejected:
            print(tr("Row {row}, {field}: {reason}", row=item["row"],
                     field=headers.get(str(item["field"]), item["field"]),
                     reason=item["reason"]))  # fmt: skip
        if args.kind == "attendance":
            _print_roster(plan, roster, status)
        if status == "applied":
            print(
                tr(
                    "Imported: import {id}. 'tthtcd import undo {id}' undoes all of it.",
                    id=import_id or "",
                )
            )
        elif status == "dry-run":
            print(_("Dry run: nothing was changed."))
    if reason:
        print(reason, file=sys.stderr)
    if status in ("refused", "already-imported"):
        return EXIT_FAILURE if status == "refused" else EXIT_OK
    if rejected and not args.skip_rejected:
        return EXIT_FAILURE
    return EXIT_OK


def _ledger_lines(plan: ImportPlan) -> None:
    """A ledger's totals, its rows that match the fund's entries, and its balance warnings."""
    from desktop_app.services.import_ledger import totals
    from desktop_app.services.imports import MATCH

    entries, receipts, payments = totals(plan)
    print(
        tr(
            "Entries to record: {entries}: receipts {receipts}, payments {payments} (the app "
            "numbers the vouchers itself).",
            entries=format_int(entries), receipts=format_money(receipts),
            payments=format_money(payments),
        )
    )  # fmt: skip
    for r in plan.rows:
        if r.status == MATCH:
            print(tr("Row {row}: already in the fund as {voucher}.", row=r.row,
                     voucher=r.match_name))  # fmt: skip
        for p in r.problems:
            if p.warning:
                print(tr("Row {row}: {reason}", row=r.row, reason=problem_text(p)))


def _cdht_lines(plan: ImportPlan, status: str) -> None:
    """A platform's status list: whom each row moves forward, and who is that far already."""
    from desktop_app.core.citizen_tracker import STATUS_LABELS, CitizenStatus
    from desktop_app.services.imports import MATCH, NEW

    moving = [r for r in plan.rows if r.status == NEW]
    already = [r for r in plan.rows if r.status == MATCH]
    counts = {"count": format_int(len(moving)), "already": format_int(len(already))}
    if status == "applied":
        print(tr("Statuses recorded: {count}; already that far: {already}.", **counts))
    else:
        print(tr("Statuses to record: {count}; already that far: {already}.", **counts))
    for r in moving:
        label = _(STATUS_LABELS[CitizenStatus(r.cdht_status)])
        print(tr("Row {row}: {name}: {status}.", row=r.row, name=r.match_name, status=label))


def _print_roster(plan: ImportPlan, counts: dict[str, int], status: str) -> None:
    """An attendance roster: which session each column is, and what it does to the class."""
    for s in plan.sessions:
        day = f"{s.day:%d/%m/%Y}" if s.day else ""
        print(
            tr("Column {letter} ({header}): the session of {day}.", letter=s.letter,
               header=s.header, day=day)
            if s.session_id
            else tr("Column {letter} ({header}): a new session on {day}.", letter=s.letter,
                    header=s.header, day=day)
        )  # fmt: skip
    values = {
        "enrolled": format_int(counts.get("enrolled", 0)),
        "ticks": format_int(counts.get("ticks", 0)),
        "sessions": format_int(counts.get("sessions_created", 0)),
    }
    if status == "applied":
        print(tr("The class: {enrolled} enrolled, {ticks} attendance marks added, {sessions} "
                 "sessions added.", **values))  # fmt: skip
    else:
        print(tr("The class would get: {enrolled} enrolled, {ticks} attendance marks, "
                 "{sessions} new sessions.", **values))  # fmt: skip


def _import_list(args: argparse.Namespace) -> int:
    with _open(args) as ws:
        batches = ws.imports.history()
    if args.json:
        _print_json(
            [
                {"id": b.id, "kind": b.kind, "file": b.file_name, "sha256": b.sha256,
                 "sheet": b.sheet, "imported_at": b.imported_at, "imported_by": b.imported_by,
                 "counts": b.counts, "undone_at": b.undone_at}
                for b in batches
            ]
        )  # fmt: skip
        return EXIT_OK
    if not batches:
        print(_("Nothing was imported into this database yet."))
    for b in batches:
        undone = tr(" (undone {date})", date=_day(b.undone_at)) if b.undone_at else ""
        if b.kind == "members":
            undone = (
                tr(", {members} members added", members=format_int(
                    int(b.counts.get("members_created", 0))))
                + undone
            )  # fmt: skip
        if b.kind == "cdht":
            print(
                tr(
                    "{id}  {date}  {file} ({sheet}): {count} Công dân học tập statuses "
                    "recorded{undone}",
                    id=b.id, date=_day(b.imported_at), file=b.file_name, sheet=b.sheet,
                    count=format_int(int(b.counts.get("statuses", 0))), undone=undone,
                )
            )  # fmt: skip
            continue
        if b.kind == "ledger":
            print(
                tr(
                    "{id}  {date}  {file} ({sheet}): {entries} fund entries recorded{undone}",
                    id=b.id, date=_day(b.imported_at), file=b.file_name, sheet=b.sheet,
                    entries=format_int(int(b.counts.get("entries", 0))), undone=undone,
                )
            )  # fmt: skip
            continue
        if b.kind == "attendance":
            undone = (
                tr(", {enrolled} enrolled, {ticks} attendance marks",
                   enrolled=format_int(int(b.counts.get("enrolled", 0))),
                   ticks=format_int(int(b.counts.get("ticks", 0))))
                + undone
            )  # fmt: skip
        print(
            tr(
                "{id}  {date}  {file} ({sheet}): {created} people added, {updated} updated{undone}",
                id=b.id, date=_day(b.imported_at), file=b.file_name, sheet=b.sheet,
                created=format_int(int(b.counts.get("created", 0))),
                updated=format_int(int(b.counts.get("updated", 0))), undone=undone,
            )
        )  # fmt: skip
    return EXIT_OK


def _import_undo(args: argparse.Namespace, import_id: str) -> int:
    with Workspace.open(_need_db(args), check=True) as ws:
        result = ws.imports.undo(import_id)
    if result.voided:
        print(
            tr(
                "Import {id} is undone: the {count} fund entries it recorded were voided (each "
                "by a reversal voucher dated today).",
                id=result.import_id, count=format_int(result.voided),
            )
        )  # fmt: skip
        return EXIT_OK
    if "statuses_removed" in result.counts:
        print(
            tr(
                "Import {id} is undone: {removed} Công dân học tập statuses it added were "
                "removed, {restored} it changed have their values back.",
                id=result.import_id, removed=format_int(result.counts["statuses_removed"]),
                restored=format_int(result.counts.get("statuses_restored", 0)),
            )
        )  # fmt: skip
        return EXIT_OK
    print(
        tr(
            "Import {id} is undone: {removed} people it added were deleted, {restored} people "
            "it changed have their values back.",
            id=result.import_id, removed=format_int(result.removed),
            restored=format_int(result.restored),
        )
    )  # fmt: skip
    if result.members_removed:
        print(
            tr(
                "{count} members it added were removed (their numbers may be given again).",
                count=format_int(result.members_removed),
            )
        )
    if result.counts.get("enrolments_removed") or result.counts.get("ticks_removed"):
        print(
            tr(
                "{enrolments} enrolments, {ticks} attendance marks and {sessions} sessions it "
                "added were removed from the class.",
                enrolments=format_int(result.counts.get("enrolments_removed", 0)),
                ticks=format_int(result.counts.get("ticks_removed", 0)),
                sessions=format_int(result.counts.get("sessions_removed", 0)),
            )
        )
    return EXIT_OK


# Learning models ---------------------------------------------------------------------------


def _models_parsers(commands: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    """The `models` group: criteria sets, registration and status, clans and units."""
    models = commands.add_parser(
        "models",
        parents=[common],
        help=_("the learning models: Gia đình, Dòng họ, Cộng đồng, Đơn vị and Công dân học tập"),
    )
    model_commands = models.add_subparsers(dest="models_command", parser_class=_Parser)
    criteria = model_commands.add_parser(
        "criteria", parents=[common], help=_("the criteria sets the models are scored against")
    )
    criteria_commands = criteria.add_subparsers(dest="criteria_command", parser_class=_Parser)
    check = criteria_commands.add_parser(
        "check", parents=[common], help=_("check a criteria file; name the line of each fault")
    )
    check.add_argument("file", metavar="FILE", type=Path, help=_("the criteria file (.json)"))

    _models_registration_parsers(model_commands, common)
    _models_forms_parser(model_commands, common)
    _models_assess_parser(model_commands, common)
    _models_cdht_parser(model_commands, common)
    _models_recognition_parsers(model_commands, common)


def _models_command(args: argparse.Namespace) -> int:
    if args.models_command == "criteria" and args.criteria_command == "check":
        return _models_criteria_check(args)
    if args.models_command == "forms":
        return _models_forms(args)
    if args.models_command in _MODELS_REGISTRATION_COMMANDS:
        return _models_registration_command(args)
    if args.models_command == "assess":
        return _models_assess(args)
    if args.models_command == "cdht":
        return _models_cdht(args)
    if args.models_command == "recognise":
        return _models_recognise(args)
    if args.models_command == "print":
        return _models_print(args)
    if args.models_command == "targets":
        return _models_targets(args)
    if args.models_command in ("proposals", "recognised"):
        return _models_listing(args)
    if args.models_command == "revoke":
        return _models_revoke(args)
    raise CliError(
        _("say 'models register', 'models status', 'models assess', 'models recognise', "
          "'models print', 'models targets', 'models forms', 'models clans', 'models units', "
          "'models cdht' or 'models criteria check FILE'"),
        EXIT_USAGE,
    )  # fmt: skip


def _models_criteria_check(args: argparse.Namespace) -> int:
    from desktop_app.services.learning_criteria import CriteriaError, check_criteria_file

    try:
        found = check_criteria_file(args.file)
    except CriteriaError as e:
        for f in e.faults:  # FILE:LINE: message, as compilers write it, for editors
            text = " ".join(tr(f.message, **f.params).split())
            print(f"{f.file}:{f.line}: {text}", file=sys.stderr)
        return EXIT_FAILURE
    print(
        tr(
            "valid: {title}, {criteria} criteria, {items} items",
            title=found.title, criteria=len(found.criteria), items=len(found.items),
        )
    )  # fmt: skip
    return EXIT_OK


def _models_forms_parser(
    model_commands: argparse._SubParsersAction[_Parser], common: _Parser
) -> None:
    forms = model_commands.add_parser(
        "forms", parents=[common],
        help=_("print the year's registration forms (Giấy đăng ký), one page each"),
    )  # fmt: skip
    forms.add_argument("--year", required=True, type=_year, help=_("the year"))
    whose = forms.add_mutually_exclusive_group(required=True)
    whose.add_argument("--household", metavar="ID", action="append", help=_("a household's id "
                       "(Gia đình học tập; may be given more than once)"))  # fmt: skip
    whose.add_argument("--hamlet", metavar="NAME", help=_("every household of a hamlet"))
    whose.add_argument("--clan", metavar="ID", action="append", help=_("a clan's id (Dòng họ "
                       "học tập; may be given more than once)"))  # fmt: skip
    forms.add_argument("--registered", action="store_true", help=_("with --hamlet: only the "
                       "households registered for the year"))  # fmt: skip
    forms.add_argument("--out", required=True, type=Path, help=_("the PDF file to write"))


def _models_forms(args: argparse.Namespace) -> int:
    if args.registered and args.hamlet is None:
        raise CliError(_("--registered goes with --hamlet NAME"), EXIT_USAGE)
    out = _out(args)
    with Workspace.open(_need_db(args), check=True) as ws:
        papers = ws.model_documents
        if args.clan:
            paper = papers.clan_forms(args.year, args.clan)
        elif args.hamlet is not None:
            hamlet_id = _hamlet_id(ws, args.hamlet)
            if hamlet_id is None:
                raise CliError(_("give the hamlet's name with --hamlet NAME"), EXIT_USAGE)
            paper = papers.family_forms(args.year, hamlet_id=hamlet_id,
                                        registered_only=args.registered)  # fmt: skip
        else:
            paper = papers.family_forms(args.year, args.household)
        pages = papers.write(paper, out)
    print(tr("Wrote {path}: registration forms: {forms}, pages: {pages}.", path=str(out),
             forms=len(paper.forms), pages=pages))  # fmt: skip
    return EXIT_OK


# Learning models: the "Công dân học tập" tracker (issue 12 part 6) ---------------------------


def _models_cdht_parser(
    model_commands: argparse._SubParsersAction[_Parser], common: _Parser
) -> None:
    from desktop_app.core.citizen_tracker import CitizenStatus

    cdht = model_commands.add_parser(
        "cdht", parents=[common],
        help=_("the adults on the Công dân học tập platform: 'set', 'summary', 'export'"),
    )  # fmt: skip
    sub = cdht.add_subparsers(dest="cdht_command", parser_class=_Parser)
    export = sub.add_parser(
        "export", parents=[common],
        help=_("the adults still to register on the platform, as xlsx in its fields' order"),
    )  # fmt: skip
    export.add_argument("--out", required=True, type=Path, help=_("the xlsx file to write"))
    export.add_argument(
        "--include-sensitive", action="store_true",
        help=_("fill in the ethnicity and religion columns (sensitive personal data; the "
               "audit records it)"),
    )  # fmt: skip
    setting = sub.add_parser(
        "set", parents=[common], help=_("set where a person stands on the platform")
    )
    setting.add_argument("--person", required=True, metavar="ID", help=_("the person's id"))
    setting.add_argument(
        "--status", required=True, choices=[s.value for s in CitizenStatus],
        help=_("not registered, account created, self-assessed, achieved"),
    )  # fmt: skip
    setting.add_argument(
        "--on", type=_date, metavar="DD/MM/YYYY", help=_("the day of that stage (default today)")
    )
    setting.add_argument(
        "--correct", action="store_true",
        help=_("correct a mistake: set the status back, or change the day of the status held"),
    )  # fmt: skip
    setting.add_argument("--notes", metavar="TEXT", help=_("notes on the person's status"))
    setting.add_argument("--json", action="store_true", help=_("print JSON"))
    summary = sub.add_parser(
        "summary", parents=[common],
        help=_("adults, accounts, self-assessments and titles per hamlet against the target"),
    )  # fmt: skip
    summary.add_argument("--year", required=True, type=_year, help=_("the year"))
    summary.add_argument("--json", action="store_true", help=_("print JSON"))


def _models_cdht(args: argparse.Namespace) -> int:
    if args.cdht_command == "export":
        return _models_cdht_export(args)
    if args.cdht_command == "set":
        return _models_cdht_set(args)
    if args.cdht_command == "summary":
        return _models_cdht_summary(args)
    raise CliError(
        _("say 'models cdht export', 'models cdht set' or 'models cdht summary'"), EXIT_USAGE
    )


def _models_cdht_export(args: argparse.Namespace) -> int:
    out = _out(args)
    with Workspace.open(_need_db(args), check=True) as ws:
        count = ws.cdht.export(out, include_sensitive=args.include_sensitive)
        profile = ws.centre.profile()
    print(
        tr(
            "Wrote {path}: {count} adults still to register on the platform.",
            path=str(out), count=format_int(count),
        )
    )  # fmt: skip
    if args.include_sensitive:
        print(_("The ethnicity and religion columns are filled in: keep the file safe and "
                "delete it once the accounts are created."))  # fmt: skip
    else:
        print(_("The ethnicity and religion columns are empty (add --include-sensitive to "
                "fill them in)."))  # fmt: skip
    if not (profile.province_name and profile.commune_name):
        print(
            _("The centre's province and commune are not set, so those columns are empty: "
              "set them in the centre's profile."),
            file=sys.stderr,
        )  # fmt: skip
    return EXIT_OK


def _models_cdht_set(args: argparse.Namespace) -> int:
    from desktop_app.core.citizen_tracker import STATUS_LABELS

    with Workspace.open(_need_db(args), check=True) as ws:
        ws.cdht.set_status(
            args.person, args.status, args.on, correct=args.correct, notes=args.notes
        )
        record = ws.cdht.status_of(args.person)
        name = ws.people.get(args.person).full_name
    dates = {k: (v.isoformat() if v else None) for k, v in record.dates().items()}
    if args.json:
        _print_json(
            {"person_id": args.person, "name": name, "status": record.status.value, **dates,
             "notes": record.notes}
        )  # fmt: skip
        return EXIT_OK
    print(tr("{name}: {status}.", name=name, status=_(STATUS_LABELS[record.status])))
    return EXIT_OK


def _models_cdht_summary(args: argparse.Namespace) -> int:
    from desktop_app.i18n import format_percent

    with _open(args) as ws:
        s = ws.cdht.summary(args.year)
    if args.json:
        _print_json(
            {"year": s.year, "adults": s.adults, "account": s.account,
             "self_assessed": s.self_assessed, "achieved": s.achieved,
             "target_rate": s.target_rate,
             "by_hamlet": {
                 hamlet: {"adults": c.adults, "account": c.account,
                          "self_assessed": c.self_assessed, "achieved": c.achieved}
                 for hamlet, c in s.by_hamlet.items()
             }}
        )  # fmt: skip
        return EXIT_OK

    def line(adults: int, account: int, assessed: int, achieved: int) -> str:
        rate = format_percent(100 * achieved / adults) if adults else "–"
        return tr(
            "{adults} adults: {account} with an account, {assessed} self-assessed, "
            "{achieved} achieved ({rate})",
            adults=format_int(adults), account=format_int(account),
            assessed=format_int(assessed), achieved=format_int(achieved), rate=rate,
        )  # fmt: skip

    print(
        tr(
            "Công dân học tập {year}: {line}; target {target}",
            year=s.year, line=line(s.adults, s.account, s.self_assessed, s.achieved),
            target=format_percent(100 * s.target_rate),
        )
    )  # fmt: skip
    for hamlet, c in s.by_hamlet.items():
        if c.adults:
            name = hamlet or _("(no hamlet)")
            print(f"  {name}: {line(c.adults, c.account, c.self_assessed, c.achieved)}")
    return EXIT_OK


# Learning models: recognition and targets (issue 12 part 5) ---------------------------------


def _models_recognition_parsers(
    model_commands: argparse._SubParsersAction[_Parser], common: _Parser
) -> None:
    # --model is checked by the service (exit 1 with the models named), not by argparse.
    model_help = _("the model: family, clan, community, unit or citizen")
    recognise = model_commands.add_parser(
        "recognise", parents=[common],
        help=_("record the commune's decision and number the Giấy công nhận of those proposed"),
    )  # fmt: skip
    recognise.add_argument("--model", required=True, help=model_help)
    recognise.add_argument("--year", required=True, type=_year, help=_("the year"))
    recognise.add_argument(
        "--decision", required=True, metavar="TEXT",
        help=_("the decision's number, e.g. 45/QĐ-UBND"),
    )  # fmt: skip
    recognise.add_argument(
        "--decision-date", required=True, metavar="DD/MM/YYYY", help=_("the decision's date")
    )
    recognise.add_argument(
        "--subject", action="append", metavar="ID",
        help=_("only this proposed subject (may be given more than once; default: all proposed)"),
    )  # fmt: skip
    recognise.add_argument(
        "--issued-by", choices=("commune", "centre"), default="commune",
        help=_("who issues the Giấy công nhận: the commune's People's Committee (default) or "
               "the centre"),
    )  # fmt: skip
    recognise.add_argument(
        "--signer", metavar="NAME", default="", help=_("the name of who signs them")
    )
    recognise.add_argument("--json", action="store_true", help=_("print JSON"))

    printing = model_commands.add_parser(
        "print", parents=[common],
        help=_("print the Giấy công nhận of every recognised subject of a model and year"),
    )  # fmt: skip
    printing.add_argument("--model", required=True, help=model_help)
    printing.add_argument("--year", required=True, type=_year, help=_("the year"))
    printing.add_argument("--out", required=True, type=Path, help=_("the PDF file to write"))

    targets = model_commands.add_parser(
        "targets", parents=[common], help=_("the target rate of each model, kept in the settings")
    )
    targets.add_argument(
        "--year",
        type=_year,
        help=_("the year whose default targets are shown (default: this year)"),
    )
    targets.add_argument(
        "--set", action="append", default=[], metavar="MODEL=PERCENT",
        help=_("keep a model's target, a percentage from 0 to 100 (repeatable)"),
    )  # fmt: skip
    targets.add_argument(
        "--reset", action="append", default=[], metavar="MODEL",
        help=_("go back to the plan's target for a model (repeatable)"),
    )  # fmt: skip
    targets.add_argument("--json", action="store_true", help=_("print JSON"))

    for name, help_text in (
        ("proposals", _("who is proposed: registered, assessed and passed, not yet recognised")),
        ("recognised", _("the recognised of a model and year, in the register's order")),
    ):
        listing = model_commands.add_parser(name, parents=[common], help=help_text)
        listing.add_argument("--model", required=True, help=model_help)
        listing.add_argument("--year", required=True, type=_year, help=_("the year"))
        listing.add_argument("--json", action="store_true", help=_("print JSON"))
    revoke = model_commands.add_parser(
        "revoke", parents=[common], help=_("revoke a Giấy công nhận (its number is kept)")
    )
    revoke.add_argument(
        "--id", required=True, metavar="ID", help=_("the recognition's id ('models recognised')")
    )
    revoke.add_argument("--reason", required=True, help=_("why it is revoked"))


def _models_listing(args: argparse.Namespace) -> int:
    """`models proposals` and `models recognised`."""
    with _open(args) as ws:
        if args.models_command == "proposals":
            proposals = ws.recognitions.proposals(args.model, args.year)
            rows: list[dict[str, object]] = [
                {"subject_id": p.subject_id, "name": p.name, "hamlet": p.hamlet,
                 "level": p.level, "total": p.total}
                for p in proposals
            ]  # fmt: skip
            lines = [
                f"{p.subject_id}  {p.name}  {p.hamlet}  {p.level} ({_num_text(p.total)})"
                for p in proposals
            ]
        else:
            recognised = ws.recognitions.recognised(args.model, args.year)
            rows = [
                {"id": r.id, "subject_id": r.subject_id, "serial": r.serial, "name": r.name,
                 "hamlet": r.hamlet, "level": r.level, "decision": r.decision,
                 "decision_date": f"{r.decided_on:%d/%m/%Y}", "prints": r.print_count,
                 "revoked": r.revoked_at is not None, "revoke_reason": r.revoke_reason}
                for r in recognised
            ]  # fmt: skip
            lines = []
            for r in recognised:
                line = f"{r.serial}  {r.id}  {r.name}  {r.hamlet}  {r.level}  {r.decision}"
                if r.revoked_at is not None:
                    line += "  " + tr("revoked: {reason}", reason=r.revoke_reason)
                lines.append(line)
    if args.json:
        _print_json(rows)
    elif lines:
        print("\n".join(lines))
    else:
        print(_("None."))
    return EXIT_OK


def _models_revoke(args: argparse.Namespace) -> int:
    with Workspace.open(_need_db(args), check=True) as ws:
        ws.recognitions.revoke(args.id, args.reason)
    print(_("Revoked: the Giấy công nhận now verifies as revoked; its number is not given again."))
    return EXIT_OK


def _models_recognise(args: argparse.Namespace) -> int:
    from desktop_app.core.learning_subjects import MODEL_TITLES

    decided_on, problems = _entry_date(args.decision_date)
    if problems:
        raise CliError(
            tr("--decision-date: {problem}",
               problem=tr(problems[0].message, **problems[0].params))
        )  # fmt: skip
    with Workspace.open(_need_db(args), check=True) as ws:
        subjects = args.subject
        if subjects and args.model == "community":
            known = {h.id for h in ws.centre.hamlets()}
            subjects = [s if s in known else (_hamlet_id(ws, s) or s) for s in subjects]
        result = ws.recognitions.recognise(
            args.model, args.year, args.decision, decided_on, subjects,
            issued_by=args.issued_by, signer_name=args.signer,
        ).value  # fmt: skip
    if args.json:
        _print_json(
            {"model": args.model, "year": args.year, "decision": result.decision,
             "decision_date": result.decided_on.isoformat(),
             "supplementary": result.supplementary, "recognised": len(result.serials),
             "serials": list(result.serials), "ids": list(result.ids)}
        )  # fmt: skip
        return EXIT_OK
    count = len(result.serials)
    print(
        ngettext(
            "{count} subject recognised as {title} {year} by decision {number} of {date}.",
            "{count} subjects recognised as {title} {year} by decision {number} of {date}.",
            count,
        ).format(
            count=count, title=MODEL_TITLES[args.model], year=args.year,
            number=result.decision, date=f"{result.decided_on:%d/%m/%Y}",
        )
    )  # fmt: skip
    if count == 1:
        print(tr("Register number: {serial}.", serial=result.serials[0]))
    else:
        print(tr("Register numbers: {first} to {last}.", first=result.serials[0],
                 last=result.serials[-1]))  # fmt: skip
    if result.supplementary:
        print(_("Added to the decision recorded before (a supplementary list)."))
    return EXIT_OK


def _models_print(args: argparse.Namespace) -> int:
    from desktop_app.core.learning_subjects import MODEL_TITLES

    out = _out(args)
    with Workspace.open(_need_db(args), check=True) as ws:
        result = ws.recognitions.print_recognitions(args.model, args.year, out)
    print(
        tr(
            "Wrote {path}: {pages} Giấy công nhận of {title} {year} ({reprinted} reprinted), "
            "register numbers {first} to {last}.",
            path=str(result.path), pages=result.pages, title=MODEL_TITLES[args.model],
            year=args.year, reprinted=result.reprinted, first=result.serials[0],
            last=result.serials[-1],
        )
    )  # fmt: skip
    return EXIT_OK


def _models_targets(args: argparse.Namespace) -> int:
    from desktop_app.core.learning_subjects import MODEL_TITLES
    from desktop_app.i18n import format_percent

    year = args.year or dt.date.today().year
    wanted: list[tuple[str, str]] = []
    for given in args.set:
        model, sep, percent = given.partition("=")
        if not sep:
            raise CliError(
                tr("--set {given}: say MODEL=PERCENT, e.g. family=75", given=given), EXIT_USAGE
            )
        wanted.append((model.strip(), percent.strip()))
    writes = bool(wanted or args.reset)
    opened = Workspace.open(_need_db(args), check=True) if writes else _open(args)
    with opened as ws:
        if writes:
            with ws.ops.op("model.targets"):  # all of them or none
                for model in args.reset:
                    ws.models.reset_target(model)
                for model, percent in wanted:
                    ws.models.set_target(model, percent)
        targets = ws.models.targets(year)
    if args.json:
        _print_json(
            {"year": year,
             "targets": {
                 m: {"rate": t.rate, "default_rate": t.default_rate, "source": t.source,
                     "custom": t.custom, "set_on": t.set_on.isoformat() if t.set_on else None}
                 for m, t in targets.items()
             }}
        )  # fmt: skip
        return EXIT_OK
    for model, t in targets.items():
        rate = format_percent(100 * t.rate)
        if t.custom:
            when = f"{t.set_on:%d/%m/%Y}" if t.set_on else "?"
            note = tr("set on {date}; the plan's: {default} ({source})", date=when,
                      default=format_percent(100 * t.default_rate), source=t.source)  # fmt: skip
        else:
            note = t.source
        print(f"{MODEL_TITLES[model]} {year}: {rate} ({note})")
    return EXIT_OK


# Reporting deadlines (issue 13 part 4) --------------------------------------------------


def _deadlines_parsers(commands: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    """`deadlines` (the list) and `deadlines set | add | remove | reset`."""
    deadlines = commands.add_parser(
        "deadlines", parents=[common], help=_("the reporting deadlines, soonest first")
    )
    deadlines.add_argument("--json", action="store_true", help=_("print JSON"))
    sub = deadlines.add_subparsers(dest="deadlines_command", parser_class=_Parser)
    change = sub.add_parser("set", parents=[common], help=_("change a deadline's day"))
    change.add_argument(
        "--key", required=True, help=_("the deadline's key ('deadlines' lists them)")
    )
    change.add_argument("--day", required=True, metavar="DD/MM", help=_("the new day, dd/mm"))
    add = sub.add_parser("add", parents=[common], help=_("add a deadline of the centre's own"))
    add.add_argument("--title", required=True, help=_("what is due"))
    add.add_argument("--day", required=True, metavar="DD/MM", help=_("its day every year, dd/mm"))
    add.add_argument("--json", action="store_true", help=_("print JSON"))
    remove = sub.add_parser("remove", parents=[common], help=_("remove a deadline you added"))
    remove.add_argument(
        "--key", required=True, help=_("the deadline's key ('deadlines' lists them)")
    )
    sub.add_parser(
        "reset", parents=[common], help=_("put the plans' deadlines back, dropping your changes")
    )


def deadline_title(deadline: object) -> str:
    """A deadline's title in the messages' language: the plans' are msgids, the centre's own
    are shown as typed."""
    from desktop_app.core.deadlines import Deadline

    assert isinstance(deadline, Deadline)
    return deadline.title if deadline.custom else _(deadline.title)


def days_left_text(days: int) -> str:
    if days == 0:
        return _("due today")
    if days < 0:
        return ngettext("overdue by {n} day", "overdue by {n} days", -days).format(n=-days)
    return ngettext("{n} day left", "{n} days left", days).format(n=days)


def _deadlines_command(args: argparse.Namespace) -> int:
    command = args.deadlines_command
    if command is None:
        with _open(args) as ws:
            found = ws.deadlines.upcoming()
        if args.json:
            _print_json(
                [
                    {"key": u.deadline.key, "title": deadline_title(u.deadline),
                     "date": u.date.strftime("%d/%m/%Y"), "days_left": u.days_left,
                     "report": u.deadline.report, "source": u.deadline.source,
                     "day": u.deadline.day_text, "overdue": u.overdue,
                     "custom": u.deadline.custom}
                    for u in found
                ]
            )  # fmt: skip
            return EXIT_OK
        for u in found:
            when = u.date.strftime("%d/%m/%Y")
            if u.deadline.span:
                when += f" ({u.deadline.span})"
            print(f"{when}  {days_left_text(u.days_left)}  {deadline_title(u.deadline)}"
                  f"  [{u.deadline.key}]")  # fmt: skip
        return EXIT_OK
    with Workspace.open(_need_db(args), check=True) as ws:
        if command == "reset":
            ws.deadlines.reset()
            print(_("The plans' deadlines are back; your changes and your own deadlines are gone."))
            return EXIT_OK
        if command == "add":
            key = ws.deadlines.add(args.title, args.day).value
        elif command == "set":
            key = ws.deadlines.set_day(args.key, args.day).value
        elif command == "remove":
            key = ws.deadlines.remove(args.key).value
            print(tr("Removed the deadline {key}.", key=key))
            return EXIT_OK
        else:
            raise CliError(
                _("say 'deadlines', 'deadlines set', 'deadlines add', 'deadlines remove' or "
                  "'deadlines reset'"),
                EXIT_USAGE,
            )  # fmt: skip
        shown = next(u for u in ws.deadlines.upcoming() if u.deadline.key == key)
    if command == "add" and args.json:
        _print_json(
            {"key": key, "title": deadline_title(shown.deadline),
             "date": shown.date.strftime("%d/%m/%Y"), "days_left": shown.days_left}
        )  # fmt: skip
        return EXIT_OK
    print(
        tr(
            "{title} [{key}]: every year on {day}; next {date} ({left}).",
            title=deadline_title(shown.deadline), key=key, day=shown.deadline.day_text,
            date=shown.date.strftime("%d/%m/%Y"), left=days_left_text(shown.days_left),
        )
    )  # fmt: skip
    return EXIT_OK


# The yearly reports (issue 13 parts 1-3, 5, 6) -------------------------------------------


def _report_parsers(commands: argparse._SubParsersAction[_Parser], common: _Parser) -> None:
    """`report annual` and `report khuyen-hoc [--month]`."""
    report = commands.add_parser(
        "report", parents=[common], help=_("the yearly reports, filled in from the records")
    )
    sub = report.add_subparsers(dest="report_command", parser_class=_Parser)
    annual = sub.add_parser(
        "annual", parents=[common], help=_("the centre's annual report (any period)")
    )
    khuyen_hoc = sub.add_parser(
        "khuyen-hoc", parents=[common], help=_("the Khuyến học yearly summary")
    )
    khuyen_hoc.add_argument(
        "--month", action="store_true", help=_("the Khuyến học Month report instead (due 6/10)")
    )
    for parser in (annual, khuyen_hoc):
        # Checked by the report (exit 1, as a period that ends before it starts).
        parser.add_argument("--year", required=True, type=_positive, help=_("the year"))
        scope = parser.add_mutually_exclusive_group()
        scope.add_argument(
            "--centre", action="append", metavar="SITE_ID",
            help=_("at an office: this enrolled centre only (repeat for several)"),
        )  # fmt: skip
        scope.add_argument(
            "--all-centres", action="store_true",
            help=_("at an office: every enrolled centre, summed (the default)"),
        )  # fmt: skip
        parser.add_argument("--json", action="store_true", help=_("print every figure as JSON"))
        parser.add_argument(
            "--out", type=Path, help=_("PDF or xlsx file to write (by its name's ending)")
        )
        parser.add_argument("--number", default="", help=_("the paper's number, e.g. 12/BC-TTHTCĐ"))
    annual.add_argument(
        "--from", dest="date_from", type=_date, metavar="DD/MM/YYYY",
        help=_("the period's first day (default 1 January)"),
    )  # fmt: skip
    annual.add_argument(
        "--to", dest="date_to", type=_date, metavar="DD/MM/YYYY",
        help=_("the period's last day (default 31 December)"),
    )  # fmt: skip


def _report_request(args: argparse.Namespace) -> ReportRequest:
    from desktop_app.services.report_documents import (
        ANNUAL,
        KHUYEN_HOC,
        KHUYEN_HOC_MONTH,
        ReportRequest,
    )

    if args.report_command == "annual":
        kind = ANNUAL
    else:
        kind = KHUYEN_HOC_MONTH if args.month else KHUYEN_HOC
    return ReportRequest(
        kind,
        args.year,
        getattr(args, "date_from", None),
        getattr(args, "date_to", None),
        tuple(dict.fromkeys(args.centre)) if args.centre else None,
    )


def _report_command(args: argparse.Namespace) -> int:
    from desktop_app.services.report_documents import ReportDocumentService, output_format

    if args.report_command not in ("annual", "khuyen-hoc"):
        raise CliError(_("say 'report annual' or 'report khuyen-hoc'"), EXIT_USAGE)
    request = _report_request(args)
    ReportDocumentService.check_number(args.number)
    out = None
    if args.out is not None:
        output_format(args.out)
        out = _out(args)
    if out is None:
        with _open(args) as ws:
            report = ws.report_documents.figures(request)
            if args.json:
                _print_json(ws.report_documents.figures_json(report))
                return EXIT_OK
        _print_report(report)
        return EXIT_OK
    with Workspace.open(_need_db(args), check=True) as ws:
        prepared = ws.report_documents.prepare(request, args.number)
        pages = ws.report_documents.render(prepared, out)
        ws.report_documents.record_print(prepared.audit)
        if args.json:
            _print_json(ws.report_documents.figures_json(prepared.report))
            return EXIT_OK
    if out.suffix.lower() == ".pdf":
        print(tr("Wrote {path} ({pages} pages).", path=str(out), pages=pages))
    else:
        print(tr("Wrote {path}.", path=str(out)))
    return EXIT_OK


def _print_report(report: AnnualReport) -> None:
    """The report on the screen: each table, its rows and figures, the way the paper
    prints them."""
    from desktop_app.documents.annual_report import (
        NO_DATA_SENTENCE,
        format_figure,
        period_line,
        site_dates_line,
    )

    print(period_line(report))
    if report.empty:
        print(NO_DATA_SENTENCE)
    for number, table in enumerate(report.tables, start=1):
        if report.empty:
            break
        print()
        print(f"{number}. {_(table.title)}")
        columns = [_(c) for c in table.columns]
        if len(columns) > 1:
            print("    " + " | ".join(columns))
        for label, figures in table.rows:
            shown = " | ".join(
                format_figure(f) if f.value is not None else _("(to fill in)") for f in figures
            )
            print(f"  {_(label)}: {shown}")
    sites = site_dates_line(report)
    if sites:
        print()
        print(sites)


if __name__ == "__main__":
    sys.exit(main())
