"""Dates as the intervals of time they stand for, so that a timeline draws what a source said.

An XML Schema date names a stretch of time at the precision it was written with (XML Schema
1.1 Part 2, section 3.3: ``gYear`` is "a gregorian calendar year", not its first day): 2020
is the whole of 2020, ``2019-02`` the whole of February 2019, ``2021-03-20`` one day, a
``dateTime`` an instant (drawn as its day). A ``wit:decade`` is the ten years from the one
written. Each becomes an :class:`Interval` of whole days, first and last included, and the
precision it was stated at, so that "1957" is never shown as "1 January 1957".

>>> interval("2020", "http://www.w3.org/2001/XMLSchema#gYear")
Interval(first='2020-01-01', last='2020-12-31', precision='year', text='2020')
>>> interval("2019-02", "http://www.w3.org/2001/XMLSchema#gYearMonth").last
'2019-02-28'
>>> interval("2021-03-25T18:00:00-05:00", "http://www.w3.org/2001/XMLSchema#dateTime").text
'25 March 2021, 18:00'
>>> interval("1980", "http://www.w3.org/2001/XMLSchema#gYear", decade=True).text
'1980s'
>>> interval("soon", "http://www.w3.org/2001/XMLSchema#date") is None
True
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

XSD = "http://www.w3.org/2001/XMLSchema#"

PATTERNS = {
    XSD + "gYear": re.compile(r"(-?\d{4,})(?:Z|[+-]\d\d:\d\d)?"),
    XSD + "gYearMonth": re.compile(r"(-?\d{4,})-(\d\d)(?:Z|[+-]\d\d:\d\d)?"),
    XSD + "date": re.compile(r"(-?\d{4,})-(\d\d)-(\d\d)(?:Z|[+-]\d\d:\d\d)?"),
    XSD + "dateTime": re.compile(r"(-?\d{4,})-(\d\d)-(\d\d)T(\d\d):(\d\d)(?::\d\d(?:\.\d+)?)?.*"),
    XSD + "dateTimeStamp": re.compile(r"(-?\d{4,})-(\d\d)-(\d\d)T(\d\d):(\d\d).*"),
}
"""The lexical forms read, by datatype: years of four digits or more (a year before 1 or
after 9999 cannot be drawn by Python's calendar and is skipped)."""

DATATYPES = frozenset(PATTERNS)


@dataclass(frozen=True)
class Interval:
    """Whole days from ``first`` to ``last`` (ISO 8601 dates, both included)."""

    first: str
    last: str
    precision: str
    """``year``, ``month``, ``day``, ``time`` or ``decade``: how closely the source dated it."""
    text: str
    """The date as people read it, at its own precision."""

    def overlaps(self, first: str, last: str) -> bool:
        """Whether any day of this interval lies from ``first`` to ``last`` (ISO dates)."""
        return self.first <= last and first <= self.last


def interval(lexical: str, datatype: str, *, decade: bool = False) -> Interval | None:
    """The days ``lexical`` (of ``datatype``) stands for; None if it is no date we can draw."""
    pattern = PATTERNS.get(datatype)
    found = pattern.fullmatch(lexical.strip()) if pattern else None
    if found is None:
        return None
    parts = [int(part) for part in found.groups()]
    try:
        if datatype == XSD + "gYear":
            year = parts[0]
            if decade:
                return Interval(
                    date(year, 1, 1).isoformat(),
                    date(year + 9, 12, 31).isoformat(),
                    "decade",
                    f"{year}s",
                )
            return Interval(
                date(year, 1, 1).isoformat(), date(year, 12, 31).isoformat(), "year", str(year)
            )
        if datatype == XSD + "gYearMonth":
            year, month = parts
            days = calendar.monthrange(year, month)[1]
            return Interval(
                date(year, month, 1).isoformat(),
                date(year, month, days).isoformat(),
                "month",
                f"{calendar.month_name[month]} {year}",
            )
        day = date(parts[0], parts[1], parts[2])
    except ValueError:
        return None
    text = f"{day.day} {calendar.month_name[day.month]} {day.year}"
    if len(parts) > 3:
        return Interval(
            day.isoformat(), day.isoformat(), "time", f"{text}, {parts[3]:02}:{parts[4]:02}"
        )
    return Interval(day.isoformat(), day.isoformat(), "day", text)


def year_of(iso: str) -> int:
    """The year of an ISO date (``-0044-03-15`` is -44)."""
    return int(iso[: iso.index("-", 1)])


def period(text: str, *, end: bool) -> str | None:
    """The first (or, with ``end``, the last) day of a period typed by a person: a year
    (``2008``), a month (``2020-06``) or a day (``2021-03-20``); None if it is none of them.

    >>> period("2008", end=False), period("2008", end=True), period("2020-02", end=True)
    ('2008-01-01', '2008-12-31', '2020-02-29')
    >>> period("last year", end=False) is None
    True
    """
    text = text.strip()
    for datatype in (XSD + "gYear", XSD + "gYearMonth", XSD + "date"):
        found = interval(text, datatype)
        if found is not None:
            return found.last if end else found.first
    return None
