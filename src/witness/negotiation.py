"""Content negotiation (RFC 9110, section 12.5.1), in one place for every surface.

A client's ``Accept`` header is a list of media ranges with quality values; the server offers
a list of media types in its own order of preference. The chosen type is the offer with the
highest q the client gives it (``*/*`` and ``type/*`` match with lower precedence than an
exact type), the server's order breaking ties; a q of 0 means "not acceptable".

>>> choose("application/xml;q=0.9, application/json", ["text/csv", "application/json"])
'application/json'
>>> choose("text/*;q=0.5, text/csv;q=0", ["text/csv", "text/tab-separated-values"])
'text/tab-separated-values'
>>> choose("image/png", ["text/turtle"]) is None
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    def specificity(self, offer: str) -> int:
        """How exactly this range matches ``offer``: 2 exact, 1 ``type/*``, 0 ``*/*``, -1 not."""
        kind, _, sub = offer.partition("/")
        if self.type == "*":
            return 0
        if self.type != kind:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header; a missing or empty header accepts anything."""
    if not header or not header.strip():
        return [MediaRange("*", "*", 1.0)]
    ranges = []
    for part in header.split(","):
        media, *params = (piece.strip() for piece in part.split(";"))
        if "/" not in media:
            continue
        kind, _, sub = media.lower().partition("/")
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(kind, sub, q))
    return ranges


def quality(ranges: Sequence[MediaRange], offer: str) -> float:
    """The q the client gives ``offer``: that of the most specific range matching it."""
    best, q = -1, 0.0
    for media_range in ranges:
        specificity = media_range.specificity(offer)
        if specificity > best:
            best, q = specificity, media_range.q
    return q


def choose(header: str | None, offers: Sequence[str]) -> str | None:
    """The offer the client prefers most (ties go to the earlier offer), or None."""
    ranges = parse_accept(header)
    scored = [(quality(ranges, offer), -index, offer) for index, offer in enumerate(offers)]
    q, _, offer = max(scored)
    return offer if q > 0 else None


def prefers_html(header: str | None) -> bool:
    """Whether a client asks for HTML explicitly, as browsers do (not merely via ``*/*``)."""
    ranges = parse_accept(header)
    html = max((r.q for r in ranges if r.specificity("text/html") == 2), default=0.0)
    other = max((r.q for r in ranges if r.specificity("text/html") < 2), default=0.0)
    return html > 0 and html >= other


def accepts_coding(header: str | None, coding: str) -> bool:
    """Whether an ``Accept-Encoding`` header (RFC 9110, 12.5.3) allows ``coding``.

    >>> accepts_coding("gzip, deflate, br", "gzip"), accepts_coding("*;q=0", "gzip")
    (True, False)
    """
    best, q = -1, 0.0
    for part in (header or "").split(","):
        name, *params = (piece.strip().lower() for piece in part.split(";"))
        rank = 1 if name == coding else 0 if name == "*" else -1
        if rank > best:
            best, q = rank, 1.0
            for param in params:
                key, _, value = param.partition("=")
                if key.strip() == "q":
                    try:
                        q = float(value)
                    except ValueError:
                        q = 0.0
    return q > 0
