"""A SPARQL 1.1 lexer, and the facts about a request that must be known before evaluation.

pyoxigraph evaluates queries but exposes no parsed form, and rdflib's parser recurses about
twenty Python frames per nesting level (a RecursionError by depth 50) and takes milliseconds
per query, so neither can vet untrusted input cheaply. This module splits the text into the
terminals of the SPARQL 1.1 grammar (SPARQL 1.1 Query, section 19.8: IRIREF, PNAME_LN,
strings, comments, ...) in one linear pass, and reads off what the endpoint needs:

* the query form (SELECT, CONSTRUCT, DESCRIBE, ASK) or that it is an update, to negotiate a
  result format before the query runs;
* the deepest nesting of ``{ ( [``, because pyoxigraph 0.5.13 overflows its stack (killing
  the process) on a few thousand nested braces, and the longest run of operators within one
  bracket (``chain``), which nests just as deep once parsed;
* every ``ServiceGraphPattern`` (section 18.2.2.8; ``'SERVICE' 'SILENT'? VarOrIri
  GroupGraphPattern``): SERVICE is a reserved keyword and that is its only production, so a
  SERVICE keyword token is a federated query, which pyoxigraph would send to the network.

Text inside strings, IRIs and comments never counts, and ``service:x`` is a prefixed name.
That is only safe if the lexer and the engine agree on where every string, IRI and comment
starts and ends, since text one of them hides the other may run. Two places need care:

* a blank node label ends where ``BLANK_NODE_LABEL`` (section 19.8, rule 142) says, so that
  ``(_:b" x ")`` is a label then a string, as pyoxigraph reads it;
* ``<`` is both the start of an ``IRIREF`` and the less-than operator, and the grammar, not
  the characters, decides which: after an operand inside parentheses (where expressions
  live), pyoxigraph reads ``?o<'>'`` as a comparison with the string ``'>'``. An IRI-like
  token in that position that holds a character able to open a string or a comment or to
  change the nesting (``' # ( ) [ ]``) is refused as ambiguous rather than guessed at.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

# Terminals, tried in order at each position; the first match wins (longest forms first).
_PN_CHARS_BASE = (
    "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_PN_CHARS_U = _PN_CHARS_BASE + "_"
_PN_CHARS = _PN_CHARS_U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PN_PREFIX_START = re.compile(rf"[{_PN_CHARS_BASE}]")
_NAME_RUN = re.compile(rf"[{_PN_CHARS}.]+")
"""A maximal run of the characters a prefix (PN_PREFIX, rule 167) may hold."""
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
  | (?P<pname>:(?:{_PN_LOCAL})?)
  | (?P<var>[?$][{_PN_CHARS_U}0-9][{_PN_CHARS_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)
  | (?P<bnode>_:[{_PN_CHARS_U}0-9](?:[{_PN_CHARS}.]*[{_PN_CHARS}])?)
  | (?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
  | (?P<number>[+-]?(?:[0-9]+\.?[0-9]*(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?))
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<open>[{{(\[])
  | (?P<close>[}})\]])
  | (?P<punct>\^\^|\|\||&&|!=|<=|>=|[.,;*=<>!+\-/|^?])
    """,
    re.VERBOSE,
)
"""Every terminal but prefixed names with a prefix before their ':', found by
:func:`_prefixed_name` (a regular expression trying each word as a prefix would scan the
rest of a text like ``a.a.a.a...`` once per word: quadratic time)."""
_LOCAL = re.compile(rf"(?:{_PN_LOCAL})?")

QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)


class LexError(ValueError):
    """The text has a character no SPARQL terminal can start with."""


class TooCostly(LexError):
    """Reading the text took more CPU time than vetting may spend on a request."""


class Ambiguous(LexError):
    """A ``<`` that the engine may read as less-than where the lexer read an IRI."""


OPERAND_ENDS = frozenset({"var", "number", "string", "iri", "pname", "bnode", "langtag", "word"})
"""Kinds of token after which, inside parentheses, ``<`` may be the less-than operator."""

OPERATORS = frozenset(
    {"||", "&&", "=", "!=", "<", ">", "<=", ">=", "+", "-", "*", "/", "|", "^", "!"}
)
"""Expression and path operators: a run of them within one bracket is one deep tree to the
engine (``1 + 1 + ...`` or ``!!!...true``), which crashes pyoxigraph 0.5.13 somewhere between
a few thousand and twenty thousand operators."""

PATTERN_KEYWORDS = frozenset(
    {"BIND", "FILTER", "OPTIONAL", "MINUS", "UNION", "GRAPH", "VALUES", "SERVICE", "AS"}
)
"""Keywords that add a pattern, a binding or an expression to a group or a projection."""

TERMS = frozenset({"var", "number", "string", "iri", "pname", "bnode"})

HIDING = frozenset("'#()[]")
"""Characters an IRI may hold that would open a string or comment or nest, if read as code."""


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
    >>> shape.form, shape.depth, shape.services
    ('SELECT', 1, [])
    >>> inspect("ASK { SERVICE SILENT <http://127.0.0.1:9/> { ?s ?p ?o } }").services
    ['<http://127.0.0.1:9/>']
    >>> inspect('ASK { ?s ?p (_:b" x ") . SERVICE <http://127.0.0.1:9/> {} } # "').services
    ['<http://127.0.0.1:9/>']
    """

    form: str | None
    is_update: bool
    depth: int
    services: list[str]
    chain: int = 0
    """How deep the tree the engine builds from the query can get: along every path of
    nested brackets, the operators strung together (``1 + 1 + ...``, ``!!!true``, ``p/p/p``),
    the patterns and bindings of each group (``BIND ... BIND ...``, ``MINUS {} MINUS {}``,
    triple patterns) and the items of each collection, added up. pyoxigraph 0.5.13 recurses
    once for each and overflows its stack (killing the process) from a few thousand of them:
    3,000 BINDs or MINUS blocks in a group, 10,000 triple patterns, twenty nested brackets
    of 999 ``!`` each."""
    undeclared: tuple[Token, ...] = ()
    """The first prefixed name of each prefix the query uses without declaring it."""
    dataset: bool = False
    """Whether the query describes its dataset (``FROM``, ``FROM NAMED``: the keyword occurs
    in nothing else, SPARQL 1.1 Query, section 19.8, rules 13-15).

    >>> inspect("SELECT * FROM <http://e/g> { ?s ?p ?o }").dataset
    True
    """
    named: bool = False
    """Whether the query reads named graphs (``GRAPH``): a query that does not reads only its
    default graph."""
    default: bool = False
    """Whether the query may read its default graph: it has a triple pattern (or something
    taken for one: a CONSTRUCT template) in a group outside every ``GRAPH``.

    >>> inspect("SELECT * { { GRAPH ?g { ?s ?p ?o } BIND(1 AS ?n) } UNION { GRAPH ?g {} } }")\
    ...     .default
    False
    >>> inspect("SELECT * { GRAPH ?g { ?s ?p ?o } ?g ?p ?o }").default
    True
    >>> inspect("SELECT * { GRAPH ?g { ?s ?p ?o } FILTER EXISTS { [] ?p ?o } }").default
    True
    >>> inspect("SELECT * { { SELECT ?g (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g } "
    ...         "VALUES ?g { <http://e/g> } }").default
    False
    >>> inspect("SELECT * { { SELECT ?g { GRAPH ?g { } } LIMIT 1 } ?g ?p ?o }").default
    True
    """
    graph_iri: bool = False
    """Whether a ``GRAPH`` pattern names its graph (an IRI, not a variable)."""
    graph_variable: bool = False
    """Whether a ``GRAPH`` pattern has a variable for its graph."""


VETTING_CPU_SECONDS = 2.0
"""Most CPU time the lexer may spend on one request. Lexing is linear (about 3 us a byte),
so no request the size limit lets through comes near it; it bounds the web process's work on
a request all the same, before any deadline of the query's own applies."""


def tokens(text: str) -> list[Token]:
    """The significant tokens of ``text`` (whitespace and comments dropped).

    :raises LexError: naming the line and column of a character that starts no token, or if
        lexing takes more than :data:`VETTING_CPU_SECONDS` of CPU time (:class:`TooCostly`).
    """
    budget = time.thread_time() + VETTING_CPU_SECONDS
    found: list[Token] = []
    position, line, line_start = 0, 1, 0
    runs = _NAME_RUN.finditer(text)
    run = next(runs, None)
    while position < len(text):
        while run is not None and run.end() <= position:
            run = next(runs, None)
        end = _prefixed_name(text, position, run)
        if end is not None:
            kind, value = "pname", text[position:end]
        elif match := _TOKEN.match(text, position):
            kind, value = match.lastgroup or "", match[0]
        else:
            column = position - line_start + 1
            raise LexError(
                f"unexpected character {text[position]!r} at line {line}, column {column}"
            )
        if kind not in ("ws", "comment"):
            found.append(Token(kind, value, line, position - line_start + 1))
            if len(found) % 1024 == 0 and time.thread_time() > budget:
                raise TooCostly(f"reading it takes more than {VETTING_CPU_SECONDS:g} s of CPU time")
        newlines = value.count("\n")
        if newlines:
            line += newlines
            line_start = position + value.rindex("\n") + 1
        position += len(value)
    return found


def _prefixed_name(text: str, position: int, run: re.Match[str] | None) -> int | None:
    """The end of the prefixed name with a prefix (PNAME_LN or PNAME_NS, rules 140-141)
    starting at ``position``, if one does; ``run`` is the run of name characters holding
    ``position``, if any, so finding where the prefix could end takes no scanning."""
    if run is None or run.start() > position:
        return None
    colon = run.end()
    # PN_PREFIX: a PN_CHARS_BASE, then name characters or dots (all of the run is), not ending
    # with a dot.
    if text[colon : colon + 1] != ":" or text[colon - 1] == ".":
        return None
    if not _PN_PREFIX_START.match(text, position):
        return None
    local = _LOCAL.match(text, colon + 1)
    assert local is not None  # it may match nothing
    return local.end()


def inspect(text: str) -> Shape:
    """Read off the query form, nesting depth and SERVICE patterns of a request.

    >>> hidden = "ASK { FILTER(?o<'>') SERVICE <http://127.0.0.1:9/> {} } # '"
    >>> inspect(hidden)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    witness.sparql.lexer.Ambiguous: '<' at line 1, column 16 could be a less-than comparison ...

    :raises LexError: if the text cannot be split into SPARQL tokens.
    :raises Ambiguous: if an IRI-like token could be read as code that hides part of the query.
    """
    # Each open bracket: "(" where an expression may be, "values" for a VALUES block's brace,
    # "row" for a row in it (only RDF terms, so '<' starts an IRI there).
    open_brackets: list[str] = []
    weights = [0]  # what each open bracket (and the top) nests so far, see Shape.chain
    nested = chain = deepest = 0  # nested: the sum of weights
    form: str | None = None
    update = values = dataset = named = default = False
    graph_iri = graph_variable = False
    in_graph = [False]  # whether each open bracket (and the top) is inside a GRAPH pattern
    clause = False  # in a (sub)query's projection or modifiers, where terms are no patterns
    services: list[str] = []
    declared: set[str] = set()
    undeclared: dict[str, Token] = {}
    stream = tokens(text)
    for index, token in enumerate(stream):
        previous = stream[index - 1] if index else None
        if _nests(token, previous, open_brackets[-1] if open_brackets else "{"):
            weights[-1] += 1
            nested += 1
            chain = max(chain, nested)
        default = default or (
            not clause and _reads_default(token, previous, open_brackets, in_graph[-1])
        )
        clause = _clause(token, clause)
        if token.kind == "open":
            graph = index >= 2 and stream[index - 2].text.upper() == "GRAPH"
            in_graph.append(in_graph[-1] or (token.text == "{" and graph))
            open_brackets.append(_bracket(token, open_brackets, values))
            weights.append(0)
            values = values and token.text != "{"
            deepest = max(deepest, len(open_brackets))
        elif token.kind == "close":
            if open_brackets:
                open_brackets.pop()
                in_graph.pop()
                nested -= weights.pop()
        elif token.kind == "iri" and previous and open_brackets[-1:] == ["("]:
            _check_less_than(token, previous)
        elif token.kind == "pname":
            prefix = token.text.partition(":")[0]
            if previous is not None and previous.text.upper() == "PREFIX":
                declared.add(prefix)
            elif prefix not in declared:
                undeclared.setdefault(prefix, token)
        elif token.kind == "word":
            word = token.text.upper()
            if form is None and not update and word in QUERY_FORMS:
                form = word
            elif form is None and word in UPDATE_KEYWORDS:
                update = True
            elif word == "SERVICE":
                services.append(_service_target(stream, index))
            elif word == "VALUES":
                values = True
            elif word == "FROM":
                dataset = True
            elif word == "GRAPH":
                named = True
                following = stream[index + 1 : index + 2]
                variable = bool(following) and following[0].kind == "var"
                graph_variable = graph_variable or variable
                graph_iri = graph_iri or not variable
    return Shape(
        form=form,
        is_update=update,
        depth=deepest,
        services=services,
        chain=chain,
        undeclared=tuple(undeclared.values()),
        dataset=dataset,
        named=named,
        default=default,
        graph_iri=graph_iri,
        graph_variable=graph_variable,
    )


def _clause(token: Token, clause: bool) -> bool:
    """Whether the tokens after ``token`` are a projection or solution modifiers (``SELECT
    ?g (COUNT(*) AS ?n)``, ``GROUP BY ?g``, ``ORDER BY ?g``...), not a group's patterns."""
    if token.kind == "word":
        word = token.text.upper()
        if word in ("SELECT", "GROUP", "ORDER", "HAVING", "LIMIT", "OFFSET"):
            return True
        return clause and word != "WHERE"
    return clause and token.text not in ("{", "}")  # a group opens, or a subquery ends


def _reads_default(token: Token, previous: Token | None, brackets: list[str], graph: bool) -> bool:
    """Whether ``token`` may start or be part of a triple pattern on the default graph: a term,
    ``[`` or a collection's ``(`` directly in a group (not an expression's parentheses nor a
    VALUES block) outside ``GRAPH``, other than the graph name after ``GRAPH`` and the
    variable after ``VALUES``. Errs towards yes."""
    if graph or brackets[-1:] != ["{"]:
        return False
    if token.kind in TERMS:
        return previous is None or previous.text.upper() not in ("GRAPH", "VALUES")
    statement_start = previous is not None and previous.text in ("{", ".", "}")
    return token.text == "[" or (token.text == "(" and statement_start)


def _nests(token: Token, previous: Token | None, bracket: str) -> bool:
    """Whether ``token`` deepens the tree the engine builds, by one (see :attr:`Shape.chain`):
    an operator, a pattern or binding of a group (the separators ``.`` ``;`` ``,`` between
    triple patterns, a keyword opening a pattern, a nested group), or an item of a collection
    (a term right after another inside parentheses: ``(1 2 3)``). Not the items of a VALUES
    block nor the arguments of a function, which the engine holds in lists."""
    if token.kind == "punct":
        if token.text in OPERATORS or token.text in (".", ";"):
            return True
        return token.text == "," and bracket in ("{", "[")
    if token.kind == "word":
        return token.text.upper() in PATTERN_KEYWORDS
    if token.kind == "open":
        return token.text == "{" and bracket == "{"
    return (
        bracket == "(" and token.kind in TERMS and previous is not None and previous.kind in TERMS
    )


def _bracket(token: Token, enclosing: list[str], values: bool) -> str:
    """What an opening bracket may hold (see :func:`inspect`)."""
    if token.text == "{":
        return "values" if values else "{"
    if token.text == "(" and enclosing[-1:] == ["values"]:
        return "row"
    return token.text


def _check_less_than(token: Token, previous: Token) -> None:
    """Refuse an IRI-like token that could be ``<`` then code hiding text from the lexer."""
    ends_operand = previous.kind in OPERAND_ENDS or previous.text in (")", "]")
    if ends_operand and HIDING.intersection(token.text[1:-1]):
        raise Ambiguous(
            f"'<' at line {token.line}, column {token.column} could be a less-than comparison "
            f"or the start of the IRI {token.text}; put a space after '<' if it compares"
        )


def _service_target(stream: list[Token], index: int) -> str:
    following = stream[index + 1 : index + 3]
    if following and following[0].text.upper() == "SILENT":
        following = following[1:]
    return following[0].text if following else ""
