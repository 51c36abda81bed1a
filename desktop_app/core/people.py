"""People of the centre's commune: the registry's entities and their rules."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum

from desktop_app.core.cccd import normalise_cccd, validate_cccd
from desktop_app.core.dates import DateError, parse_day
from desktop_app.core.names import normalise_full_name, split_full_name
from desktop_app.core.phone import normalise_phone, validate_phone
from desktop_app.core.problems import N_, Problem
from desktop_app.core.sex import Sex as Sex
from desktop_app.core.text import nfc

_YEAR = re.compile(r"^\s*(\d{4})\s*$")


@dataclass(frozen=True, order=True)
class Birth:
    """A birth date, or a birth year alone (many older villagers only know the year)."""

    year: int
    month: int | None = None
    day: int | None = None

    @property
    def has_full_date(self) -> bool:
        return self.month is not None and self.day is not None

    def iso(self) -> str:
        """Storage form: 'YYYY-MM-DD' or 'YYYY'; sorts correctly as text."""
        if self.month is None or self.day is None:
            return f"{self.year:04d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def display(self) -> str:
        """Screen form: 'dd/mm/yyyy' or 'yyyy'."""
        if self.month is None or self.day is None:
            return f"{self.year:04d}"
        return f"{self.day:02d}/{self.month:02d}/{self.year:04d}"

    @classmethod
    def from_iso(cls, text: str) -> Birth:
        if len(text) == 4:
            return cls(int(text))
        year, month, day = text.split("-")
        return cls(int(year), int(month), int(day))

    @classmethod
    def parse(cls, text: str) -> Birth:
        """Parse what a secretary types: '07/03/1985', '7-3-1985', '1985-03-07' or '1985'.

        Raises DateError (a ValueError) when the text is not a real date.
        """
        if m := _YEAR.match(text):
            return cls(int(m.group(1)))
        day = parse_day(text)  # a DateError (a ValueError) says what is wrong
        return cls(day.year, day.month, day.day)


class HamletKind(StrEnum):
    """What the commune calls the place below it; all are 'hamlet' to the app."""

    THON = "thon"
    AP = "ap"
    BAN = "ban"
    TO_DAN_PHO = "to_dan_pho"
    KHU_PHO = "khu_pho"
    KHOM = "khom"


@dataclass(frozen=True)
class Hamlet:
    id: str
    name: str
    kind: HamletKind = HamletKind.THON
    population: int | None = None


@dataclass(frozen=True)
class PersonInput:
    """What the form or the command line gives, as typed; nothing is trusted yet."""

    full_name: str
    sex: Sex | None = None
    birth: str = ""
    cccd: str = ""
    phone: str = ""
    hamlet_id: str | None = None
    ethnicity: str = ""
    religion: str = ""
    notes: str = ""


@dataclass(frozen=True)
class PersonFields:
    """A validated, normalised person ready to store (NFC text, digits-only numbers)."""

    full_name: str
    family_name: str
    middle_name: str
    given_name: str
    sex: Sex | None
    birth: Birth | None
    cccd: str | None
    phone: str | None
    hamlet_id: str | None
    ethnicity: str
    religion: str
    notes: str


@dataclass(frozen=True)
class Person:
    id: str
    full_name: str
    family_name: str
    middle_name: str
    given_name: str
    sex: Sex | None
    birth: Birth | None
    cccd: str | None
    phone: str | None
    hamlet_id: str | None
    hamlet_name: str
    household_id: str | None
    ethnicity: str
    religion: str
    notes: str
    version: int
    deleted: bool = False

    def to_input(self) -> PersonInput:
        return PersonInput(
            full_name=self.full_name,
            sex=self.sex,
            birth=self.birth.display() if self.birth else "",
            cccd=self.cccd or "",
            phone=self.phone or "",
            hamlet_id=self.hamlet_id,
            ethnicity=self.ethnicity,
            religion=self.religion,
            notes=self.notes,
        )


@dataclass(frozen=True)
class PersonRow:
    """One line of the people list: only what the list shows, nothing sensitive."""

    id: str
    full_name: str
    sex: Sex | None
    birth: Birth | None
    hamlet_name: str
    phone: str | None
    household_id: str | None
    relation: str = ""  # to the head of the household: "Chủ hộ", "Vợ", "Con"...


@dataclass(frozen=True)
class Household:
    id: str
    hamlet_id: str | None
    head_id: str | None
    address: str
    notes: str
    version: int


@dataclass(frozen=True)
class HouseholdMember:
    person_id: str
    full_name: str
    birth: Birth | None
    relation: str
    is_head: bool


MAX_NAME_LENGTH = 80
MAX_NOTES_LENGTH = 2000
OLDEST_BIRTH_YEAR = 1890


def validate_person(
    data: PersonInput, today: dt.date, known_hamlets: frozenset[str]
) -> tuple[PersonFields | None, list[Problem]]:
    """Check every field; return the normalised fields, or None with a problem per bad field."""
    problems: list[Problem] = []
    full_name = normalise_full_name(data.full_name)
    if not full_name:
        problems.append(
            Problem("full_name", N_("Type the person's full name, e.g. Nguyễn Văn An."))
        )
    elif len(full_name) > MAX_NAME_LENGTH:
        problems.append(
            Problem(
                "full_name",
                N_("The name is too long ({count} characters); keep it under {limit}."),
                {"count": len(full_name), "limit": MAX_NAME_LENGTH},
            )
        )
    elif any(map(str.isdigit, full_name)):
        problems.append(Problem("full_name", N_("A name cannot contain digits; check the name.")))

    birth: Birth | None = None
    birth_text = data.birth.strip()
    if birth_text:
        try:
            birth = Birth.parse(birth_text)
        except DateError as e:
            if e.unreadable:
                text = N_("Type the birth date as dd/mm/yyyy (e.g. 07/03/1985) or only the year.")
                problems.append(Problem("birth", text))
            else:  # a day that does not exist: say which
                problems.append(Problem("birth", e.message, e.params))
        else:
            born = dt.date(birth.year, birth.month or 1, birth.day or 1)
            if born > today:
                problems.append(
                    Problem("birth", N_("The birth date is in the future; check the year."))
                )
            elif birth.year < OLDEST_BIRTH_YEAR:
                problems.append(
                    Problem(
                        "birth",
                        N_("The birth year must be {year} or later; check the year."),
                        {"year": OLDEST_BIRTH_YEAR},
                    )
                )

    cccd = normalise_cccd(data.cccd)
    problems.extend(validate_cccd(cccd, data.sex, birth.year if birth else None))

    phone_problems = validate_phone(data.phone)
    problems.extend(phone_problems)
    phone = None if phone_problems else normalise_phone(data.phone)

    if data.hamlet_id is not None and data.hamlet_id not in known_hamlets:
        problems.append(
            Problem("hamlet_id", N_("Pick the hamlet from the list, or add it in Settings."))
        )
    notes = data.notes.strip()
    if len(notes) > MAX_NOTES_LENGTH:
        problems.append(
            Problem(
                "notes",
                N_("The notes are too long; keep them under {limit} characters."),
                {"limit": MAX_NOTES_LENGTH},
            )
        )

    if any(not p.warning for p in problems):
        return None, problems
    parts = split_full_name(full_name)
    return (
        PersonFields(
            full_name=full_name,
            family_name=parts.family,
            middle_name=parts.middle,
            given_name=parts.given,
            sex=data.sex,
            birth=birth,
            cccd=cccd or None,
            phone=phone or None,
            hamlet_id=data.hamlet_id,
            ethnicity=nfc(data.ethnicity),
            religion=nfc(data.religion),
            notes=nfc_multiline(notes),
        ),
        problems,
    )


def nfc_multiline(text: str) -> str:
    """NFC each line but keep the line breaks a secretary typed in the notes."""
    return "\n".join(nfc(line) for line in text.splitlines()).strip()
