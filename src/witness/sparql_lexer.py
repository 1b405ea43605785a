"""A SPARQL 1.1 lexer, and the facts about a request that must be known before evaluation.

pyoxigraph evaluates queries but exposes no parsed form, and rdflib's parser recurses about
twenty Python frames per nesting level (a RecursionError by depth 50) and takes milliseconds
per query, so neither can vet untrusted input cheaply. This module splits the text into the
terminals of the SPARQL 1.1 grammar (SPARQL 1.1 Query, section 19.8: IRIREF, PNAME_LN,
strings, comments, ...) in one linear pass, and reads off what the endpoint needs:

* the query form (SELECT, CONSTRUCT, DESCRIBE, ASK) or that it is an update, to negotiate a
  result format before the query runs;
* the deepest nesting of ``{ ( [``, because pyoxigraph 0.5.13 overflows its stack (killing
  the process) on a few thousand nested braces;
* whether the query names its own dataset (``FROM``/``FROM NAMED``, section 13.2), since
  pyoxigraph's union default graph would otherwise override it;
* every ``ServiceGraphPattern`` (section 18.2.2.8; ``'SERVICE' 'SILENT'? VarOrIri
  GroupGraphPattern``): SERVICE is a reserved keyword and that is its only production, so a
  SERVICE keyword token is a federated query, which pyoxigraph would send to the network.

Text inside strings, IRIs and comments never counts, and ``service:x`` is a prefixed name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Terminals, tried in order at each position; the first match wins (longest forms first).
_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PN_PREFIX = rf"[{_PN_CHARS_BASE}](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_PN_LOCAL = (
    rf"(?:[{_PN_CHARS_U}:0-9]|{_PLX})(?:(?:[{_PN_CHARS}.:]|{_PLX})*(?:[{_PN_CHARS}:]|{_PLX}))?"
)
_TOKEN = re.compile(
    rf"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''
               |"(?:[^"\\\n\r]|\\.)*"|'(?:[^'\\\n\r]|\\.)*')
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)
  | (?P<var>[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)
  | (?P<bnode>_:[^\s.;,(){{}}\[\]]+)
  | (?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
  | (?P<number>[+-]?(?:[0-9]+\.?[0-9]*(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?))
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<open>[{{(\[])
  | (?P<close>[}})\]])
  | (?P<punct>\^\^|\|\||&&|!=|<=|>=|[.,;*=<>!+\-/|^?])
    """,
    re.VERBOSE,
)

QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)


class LexError(ValueError):
    """The text has a character no SPARQL terminal can start with."""


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    line: int
    column: int


@dataclass(frozen=True)
class Shape:
    """What the lexer learnt about a request.

    >>> shape = inspect("PREFIX service: <http://e/> SELECT * { ?s service:p 'SERVICE' }")
    >>> shape.form, shape.depth, shape.services, shape.dataset
    ('SELECT', 1, [], False)
    >>> inspect("ASK { SERVICE SILENT <http://127.0.0.1:9/> { ?s ?p ?o } }").services
    ['<http://127.0.0.1:9/>']
    """

    form: str | None
    is_update: bool
    depth: int
    services: list[str]
    dataset: bool


def tokens(text: str) -> list[Token]:
    """The significant tokens of ``text`` (whitespace and comments dropped).

    :raises LexError: naming the line and column of a character that starts no token.
    """
    found: list[Token] = []
    position, line, line_start = 0, 1, 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            column = position - line_start + 1
            raise LexError(
                f"unexpected character {text[position]!r} at line {line}, column {column}"
            )
        kind = match.lastgroup or ""
        value = match[0]
        if kind not in ("ws", "comment"):
            found.append(Token(kind, value, line, position - line_start + 1))
        newlines = value.count("\n")
        if newlines:
            line += newlines
            line_start = position + value.rindex("\n") + 1
        position = match.end()
    return found


def inspect(text: str) -> Shape:
    """Read off the query form, nesting depth and SERVICE patterns of a request.

    :raises LexError: if the text cannot be split into SPARQL tokens.
    """
    depth = deepest = 0
    form: str | None = None
    update = dataset = False
    services: list[str] = []
    stream = tokens(text)
    for index, token in enumerate(stream):
        if token.kind == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif token.kind == "close":
            depth -= 1
        elif token.kind == "word":
            word = token.text.upper()
            if form is None and not update and word in QUERY_FORMS:
                form = word
            elif form is None and word in UPDATE_KEYWORDS:
                update = True
            elif word == "SERVICE":
                services.append(_service_target(stream, index))
            elif word == "FROM":
                dataset = True
    return Shape(form=form, is_update=update, depth=deepest, services=services, dataset=dataset)


def _service_target(stream: list[Token], index: int) -> str:
    following = stream[index + 1 : index + 3]
    if following and following[0].text.upper() == "SILENT":
        following = following[1:]
    return following[0].text if following else ""
