"""How a certificate addresses its holder."""

from __future__ import annotations


def test_salutation_follows_sex_and_a_minor_is_em() -> None:
    import datetime as dt

    from desktop_app.core.certificates import salutation
    from desktop_app.core.sex import Sex

    on = dt.date(2026, 12, 1)
    assert salutation(Sex.MALE) == "Ông" and salutation(Sex.FEMALE) == "Bà"
    assert salutation(None) == "Ông/Bà"
    assert salutation(Sex.FEMALE, "2011-05-05", on) == "Em"  # 15 on the day of issue
    assert salutation(Sex.FEMALE, "2008-12-25", on) == "Em"  # 17 until Christmas
    assert salutation(Sex.FEMALE, "2008-11-30", on) == "Bà"  # 18 yesterday
    assert salutation(Sex.MALE, "2010", on) == "Em"  # 16 at most
    assert salutation(Sex.MALE, "2008", on) == "Ông"  # maybe 18 already: not called a child
