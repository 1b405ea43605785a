"""Literal values as people read them: dates in words, durations in hours and minutes.

The lexical form stays available (pages put it in a ``title``, CSV and JSON give it as it
is); only what is shown changes. Datatypes are XML Schema's (XSD 1.1 Part 2, section 3):
``xsd:gYear`` is a year, not 1 January of it; ``xsd:duration`` is ``PnYnMnDTnHnMnS``.

>>> readable("2020", XSD + "gYear")
'2020'
>>> readable("2021-03-20", XSD + "date")
'20 March 2021'
>>> readable("2019-02", XSD + "gYearMonth")
'February 2019'
>>> readable("PT115M", XSD + "duration")
'1 h 55 min'
>>> readable("5000", XSD + "integer")
'5,000'
>>> readable("true", XSD + "boolean")
'yes'
"""

from __future__ import annotations

import re
from datetime import date

XSD = "http://www.w3.org/2001/XMLSchema#"
INTEGERS = {XSD + name for name in ("integer", "int", "long", "nonNegativeInteger", "short")}
NUMBERS = INTEGERS | {XSD + "decimal", XSD + "double", XSD + "float"}

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]

_DURATION = re.compile(
    r"^P(?:(?P<y>\d+)Y)?(?:(?P<mo>\d+)M)?(?:(?P<d>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<mi>\d+)M)?(?:(?P<s>\d+(?:\.\d+)?)S)?)?$"
)


def readable(text: str, datatype: str) -> str:
    """``text``, a literal of ``datatype``, as a person reads it (unchanged if not known)."""
    try:
        if datatype == XSD + "date":
            day = date.fromisoformat(text[:10])
            return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
        if datatype == XSD + "dateTime":
            day = date.fromisoformat(text[:10])
            return f"{day.day} {MONTHS[day.month - 1]} {day.year}, {text[11:16]}"
        if datatype == XSD + "gYearMonth":
            year, month = text[:7].split("-")
            return f"{MONTHS[int(month) - 1]} {int(year)}"
        if datatype == XSD + "duration":
            return _duration(text)
        if datatype in INTEGERS:
            return f"{int(text):,}"
        if datatype == XSD + "boolean":
            return {"true": "yes", "1": "yes", "false": "no", "0": "no"}.get(text, text)
    except (ValueError, IndexError):
        return text
    return text


def _duration(text: str) -> str:
    found = _DURATION.match(text)
    if not found:
        return text
    parts = {key: value for key, value in found.groupdict().items() if value}
    minutes = int(parts.get("mi", 0)) + 60 * int(parts.get("h", 0))
    words = []
    for key, unit in (("y", "years"), ("mo", "months"), ("d", "days")):
        if key in parts:
            words.append(f"{int(parts[key])} {unit}")
    if minutes >= 60:
        words.append(f"{minutes // 60} h")
    if minutes % 60:
        words.append(f"{minutes % 60} min")
    if "s" in parts:
        words.append(f"{parts['s']} s")
    return " ".join(words) or text


def sort_key(text: str, datatype: str) -> str | float:
    """What a value sorts by: numbers as numbers, everything else as case-folded text
    (ISO dates sort in time order as text)."""
    if datatype in NUMBERS:
        try:
            return float(text)
        except ValueError:
            return text.casefold()
    return text.casefold()
