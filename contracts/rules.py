"""Matching rules: parsing them from pact files of any version, and choosing the rule for a value.

A pact keeps its rules in categories (`body`, `header`, `query`, `path`, `status`, `metadata`; V4 messages
use `content`). V2 files hold one flat map keyed by JSON paths that start with the part (`$.body.x`,
`$.headers.Accept`, `$.query.q`, `$.path`); V3 and V4 files hold one map per category whose values are
`{"matchers": [...], "combine": "AND"|"OR"}`. Both are parsed into `MatchingRules`.

Body and metadata rules are selected by path weight (see `RuleCategory.select`): the most specific rule
path that applies to a value wins, and a rule on a shorter path applies to everything below it (it is
"inherited" there).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from contracts.datetime_patterns import java_pattern_regex
from contracts.errors import MatchingRuleError
from contracts.regex_syntax import certainly_compiles


class MatcherKind(enum.StrEnum):
    EQUALITY = "equality"
    REGEX = "regex"
    TYPE = "type"
    INCLUDE = "include"
    INTEGER = "integer"
    DECIMAL = "decimal"
    NUMBER = "number"
    BOOLEAN = "boolean"
    NULL = "null"
    DATE = "date"
    TIME = "time"
    DATETIME = "datetime"
    VALUES = "values"
    EACH_KEY = "eachKey"
    EACH_VALUE = "eachValue"
    ARRAY_CONTAINS = "arrayContains"
    NOT_EMPTY = "notEmpty"
    SEMVER = "semver"
    CONTENT_TYPE = "contentType"
    STATUS_CODE = "statusCode"
    UNSUPPORTED = "unsupported"


_KIND_ALIASES: dict[str, MatcherKind] = {kind.value.lower(): kind for kind in MatcherKind}
_KIND_ALIASES.update(
    {
        "timestamp": MatcherKind.DATETIME,
        "min": MatcherKind.TYPE,
        "max": MatcherKind.TYPE,
        "mintype": MatcherKind.TYPE,
        "maxtype": MatcherKind.TYPE,
        "minmaxtype": MatcherKind.TYPE,
        "content-type": MatcherKind.CONTENT_TYPE,
        "status": MatcherKind.STATUS_CODE,
        "not-empty": MatcherKind.NOT_EMPTY,
        "each-key": MatcherKind.EACH_KEY,
        "each-value": MatcherKind.EACH_VALUE,
        "array-contains": MatcherKind.ARRAY_CONTAINS,
    }
)

DEFAULT_FORMATS = {
    MatcherKind.DATE: "yyyy-MM-dd",
    MatcherKind.TIME: "HH:mm:ss",
    MatcherKind.DATETIME: "yyyy-MM-dd'T'HH:mm:ssXXX",
}

STATUS_CLASSES: dict[str, tuple[str, int, int]] = {
    "info": ("an Informational response", 100, 199),
    "success": ("a Successful response", 200, 299),
    "redirect": ("a Redirect", 300, 399),
    "clienterror": ("a Client Error response", 400, 499),
    "servererror": ("a Server Error response", 500, 599),
    "nonerror": ("a non-error response", 100, 399),
    "error": ("an error response", 400, 599),
}


class Combine(enum.StrEnum):
    AND = "AND"
    OR = "OR"


@dataclass(frozen=True, slots=True)
class Variant:
    """One `arrayContains` variant: the expected element at `index` with its own body rules."""

    index: int
    rules: RuleCategory


@dataclass(frozen=True, slots=True, eq=False)
class Matcher:
    """One matcher of a rule list, with its attributes parsed (regexes compiled, formats translated)."""

    kind: MatcherKind
    name: str
    regex: re.Pattern[str] | None = None
    min: int | None = None
    max: int | None = None
    value: Any = None
    format: str | None = None
    format_regex: re.Pattern[str] | None = None
    rules: tuple[Matcher, ...] = ()
    variants: tuple[Variant, ...] = ()
    status: str | tuple[int, ...] | None = None

    @property
    def sized(self) -> bool:
        return self.min is not None or self.max is not None


@dataclass(frozen=True, slots=True, eq=False)
class RuleList:
    """The matchers defined at one path, and how their results combine."""

    matchers: tuple[Matcher, ...]
    combine: Combine = Combine.AND


class Wildcard(enum.Enum):
    ANY = "*"  # `.*`: any key or index
    INDEX = "[*]"  # `[*]`: any array index


PathToken = str | int | Wildcard
ValueToken = str | int

_IDENT = re.compile(r"[A-Za-z0-9_\-:#@$]+")


def parse_path(text: str) -> tuple[PathToken, ...]:
    """Tokenise a rule path (`$.a['b c'][0].*[*]`) into keys, indices and wildcards; the root is implicit."""
    source = text.strip()
    if source == "":
        raise MatchingRuleError("empty matching rule path; use '$' for the root")
    if not source.startswith("$"):
        source = "$." + source
    tokens: list[PathToken] = []
    pos = 1
    length = len(source)
    while pos < length:
        char = source[pos]
        if char == ".":
            pos += 1
            if pos < length and source[pos] == "*":
                tokens.append(Wildcard.ANY)
                pos += 1
                continue
            match = _IDENT.match(source, pos)
            if match is None:
                raise MatchingRuleError(
                    f"matching rule path {text!r}: expected a name after '.' at position {pos}; "
                    "use ['...'] for names with other characters"
                )
            tokens.append(match.group(0))
            pos = match.end()
        elif char == "[":
            end = source.find("]", pos)
            if source.startswith("['", pos) or source.startswith('["', pos):
                quote = source[pos + 1]
                close = source.find(quote, pos + 2)
                if close < 0 or close + 1 >= length or source[close + 1] != "]":
                    raise MatchingRuleError(f"matching rule path {text!r}: unterminated [{quote}...{quote}]")
                tokens.append(source[pos + 2 : close])
                pos = close + 2
                continue
            if end < 0:
                raise MatchingRuleError(f"matching rule path {text!r}: '[' without ']'")
            inner = source[pos + 1 : end].strip()
            if inner == "*":
                tokens.append(Wildcard.INDEX)
            elif inner.isdigit():
                tokens.append(int(inner))
            else:
                raise MatchingRuleError(
                    f"matching rule path {text!r}: '[{inner}]' is neither an index, [*] nor a quoted name"
                )
            pos = end + 1
        else:
            raise MatchingRuleError(f"matching rule path {text!r}: unexpected {char!r} at position {pos}")
    return tuple(tokens)


def _normal(rule_path: tuple[PathToken, ...]) -> tuple[str | Wildcard, ...]:
    """Index tokens as text: `[2]` and `['2']` both match the value path fragment 2 ([ref])."""
    return tuple(str(token) if isinstance(token, int) else token for token in rule_path)


def path_weight(rule_path: tuple[PathToken, ...], value_path: tuple[ValueToken, ...]) -> int:
    """How well a rule path applies to a value path: 0 = not at all, higher = more specific."""
    return _weight(_normal(rule_path), value_path)


def _weight(rule_path: tuple[str | Wildcard, ...], value_path: tuple[ValueToken, ...]) -> int:
    if len(rule_path) > len(value_path):
        return 0
    weight = 2
    any_token = Wildcard.ANY
    index_token = Wildcard.INDEX
    for rule_token, value_token in zip(rule_path, value_path, strict=False):
        if rule_token is any_token:
            continue
        text = value_token if type(value_token) is str else str(value_token)
        if rule_token is index_token:
            if not text.isdigit():
                return 0
            continue
        if rule_token != text:
            return 0
        weight *= 2
    return weight


@dataclass(frozen=True, slots=True)
class Selected:
    """The rule list chosen for a value, and whether it was defined on an ancestor (inherited)."""

    rules: RuleList
    inherited: bool


_CACHE_LIMIT = 20_000


@dataclass(eq=False)
class RuleCategory:
    """The path-keyed rules of one category (body, metadata, content), with memoised selection."""

    entries: tuple[tuple[tuple[PathToken, ...], RuleList], ...] = ()
    _cache: dict[tuple[ValueToken, ...], Selected | None] = field(default_factory=dict, repr=False)
    _normalised: tuple[tuple[tuple[str | Wildcard, ...], RuleList], ...] = field(default=(), repr=False)

    _by_first: dict[str, tuple[tuple[tuple[str | Wildcard, ...], RuleList], ...]] = field(
        default_factory=dict, repr=False
    )
    _unkeyed: tuple[tuple[tuple[str | Wildcard, ...], RuleList], ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        self._normalised = tuple((_normal(path), rules) for path, rules in self.entries)
        # Candidates by the first token of the rule path (root and wildcard-first rules apply anywhere).
        keyed: dict[str, list[tuple[tuple[str | Wildcard, ...], RuleList]]] = {}
        unkeyed = []
        for entry in self._normalised:
            first = entry[0][0] if entry[0] else None
            if isinstance(first, str):
                keyed.setdefault(first, []).append(entry)
            else:
                unkeyed.append(entry)
        self._unkeyed = tuple(unkeyed)
        self._by_first = {key: tuple(unkeyed) + tuple(entries) for key, entries in keyed.items()}

    def __bool__(self) -> bool:
        return bool(self.entries)

    def select(self, path: tuple[ValueToken, ...]) -> Selected | None:
        """The most specific rule list applying to `path` ([ref]: highest weight x rule path length)."""
        try:
            return self._cache[path]
        except KeyError:
            pass
        best: tuple[tuple[str | Wildcard, ...], RuleList] | None = None
        best_score = 0
        if path:
            first = path[0]
            candidates = self._by_first.get(first if type(first) is str else str(first), self._unkeyed)
        else:
            candidates = self._unkeyed
        for rule_path, rules in candidates:
            weight = _weight(rule_path, path)
            if weight:
                score = weight * (len(rule_path) + 1)
                if score > best_score:
                    best_score = score
                    best = (rule_path, rules)
        result = None if best is None else Selected(best[1], len(best[0]) < len(path))
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[path] = result
        return result

    def defined_at(self, path: tuple[ValueToken, ...]) -> RuleList | None:
        """The rule list selected for `path` only if it is defined at `path` itself (not inherited)."""
        selected = self.select(path)
        if selected is None or selected.inherited:
            return None
        return selected.rules


@dataclass(frozen=True, slots=True, eq=False)
class MatchingRules:
    """All rules of one part (request, response or message), by category."""

    body: RuleCategory = field(default_factory=RuleCategory)
    header: Mapping[str, RuleList] = field(default_factory=dict)
    query: Mapping[str, RuleList] = field(default_factory=dict)
    path: RuleList | None = None
    status: RuleList | None = None
    metadata: Mapping[str, RuleList] = field(default_factory=dict)


EMPTY_RULES = MatchingRules()


# ----------------------------------------------------------------------------------------- parsing


def parse_matcher(data: Mapping[str, Any]) -> Matcher:
    """One matcher object (`{"match": "regex", "regex": "..."}`, V2 `{"min": 1}`, ...) as a Matcher."""
    if not isinstance(data, Mapping):
        raise MatchingRuleError(f"a matcher must be a JSON object, got {data!r}")
    name = data.get("match", data.get("pact:matcher:type"))
    if name is None:
        if "regex" in data:
            name = "regex"
        elif "min" in data or "max" in data:
            name = "type"
        elif "timestamp" in data:
            name = "timestamp"
        elif "date" in data:
            name = "date"
        elif "time" in data:
            name = "time"
        else:
            raise MatchingRuleError(f"matcher {dict(data)!r} has no 'match' attribute")
    name = str(name)
    kind = _KIND_ALIASES.get(name.lower(), MatcherKind.UNSUPPORTED)
    min_size = _optional_int(data, "min")
    max_size = _optional_int(data, "max")
    if kind is MatcherKind.REGEX:
        source = data.get("regex")
        if not isinstance(source, str):
            raise MatchingRuleError(f"regex matcher {dict(data)!r} needs a string 'regex'")
        if _CHECKING.get() and certainly_compiles(_translate_regex(source)):
            return Matcher(kind, name, min=min_size, max=max_size, value=source)  # never used for matching
        return Matcher(kind, name, regex=compile_regex(source), min=min_size, max=max_size, value=source)
    if kind in (MatcherKind.DATE, MatcherKind.TIME, MatcherKind.DATETIME):
        fmt = data.get("format", data.get(name, data.get("timestamp", data.get("date", data.get("time")))))
        if not isinstance(fmt, str) or not fmt:
            fmt = DEFAULT_FORMATS[kind]
        return Matcher(kind, name, format=fmt, format_regex=java_pattern_regex(fmt))
    if kind in (MatcherKind.EACH_KEY, MatcherKind.EACH_VALUE):
        sub = data.get("rules", [])
        if not isinstance(sub, list):
            raise MatchingRuleError(f"{name} matcher needs a list of 'rules', got {sub!r}")
        return Matcher(kind, name, rules=tuple(parse_matcher(m) for m in sub), value=data.get("value"))
    if kind is MatcherKind.ARRAY_CONTAINS:
        variants = []
        for variant in data.get("variants", []):
            index = variant.get("index")
            if not isinstance(index, int):
                raise MatchingRuleError(f"arrayContains variant {variant!r} needs an integer 'index'")
            variants.append(Variant(index, parse_category(variant.get("rules") or {})))
        return Matcher(kind, name, variants=tuple(variants))
    if kind is MatcherKind.STATUS_CODE:
        status = data.get("status", "success")
        if isinstance(status, list):
            return Matcher(kind, name, status=tuple(int(code) for code in status))
        if str(status).lower() not in STATUS_CLASSES:
            raise MatchingRuleError(
                f"statusCode matcher: unknown status {status!r}; use one of "
                f"{', '.join(sorted(STATUS_CLASSES))} or a list of codes"
            )
        return Matcher(kind, name, status=str(status).lower())
    if kind in (MatcherKind.INCLUDE, MatcherKind.CONTENT_TYPE):
        value = data.get("value")
        if not isinstance(value, str):
            raise MatchingRuleError(f"{name} matcher {dict(data)!r} needs a string 'value'")
        return Matcher(kind, name, value=value)
    return Matcher(kind, name, min=min_size, max=max_size, value=data.get("value"))


def _optional_int(data: Mapping[str, Any], key: str) -> int | None:
    value = data.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise MatchingRuleError(f"matcher attribute {key!r} must be an integer, got {value!r}")
    try:
        return int(value)
    except ValueError as exc:
        raise MatchingRuleError(f"matcher attribute {key!r} must be an integer, got {value!r}") from exc


_REGEX_CACHE: dict[str, re.Pattern[str]] = {}
_CHECKING: ContextVar[bool] = ContextVar("contracts.rules.checking", default=False)


def compile_regex(source: str) -> re.Pattern[str]:
    """Compile a pact regex (Java/Rust dialect) for full-string matching, cached per pattern."""
    cached = _REGEX_CACHE.get(source)
    if cached is not None:
        return cached
    translated = _translate_regex(source)
    try:
        compiled = re.compile(translated)
    except re.error as exc:
        raise MatchingRuleError(
            f"matching rule regex {source!r} is not a valid regular expression: {exc}"
        ) from exc
    _REGEX_CACHE[source] = compiled
    return compiled


_POSIX_CLASSES = {
    r"\p{Alpha}": "[A-Za-z]",
    r"\p{Digit}": "[0-9]",
    r"\p{Alnum}": "[A-Za-z0-9]",
    r"\p{Upper}": "[A-Z]",
    r"\p{Lower}": "[a-z]",
    r"\p{Punct}": r"[!-/:-@\[-`{-~]",
    r"\p{XDigit}": "[0-9a-fA-F]",
    r"\p{Space}": r"\s",
    r"\p{L}": "[^\\W\\d_]",
    r"\p{N}": r"\d",
    r"\z": r"\Z",
}


def _translate_regex(source: str) -> str:
    """Translate the few Java/Oniguruma constructs Python's `re` spells differently."""
    if "\\p{" in source or "\\z" in source:
        for java, python in _POSIX_CLASSES.items():
            source = source.replace(java, python)
    return source


def parse_rule_list(data: Any, where: str) -> RuleList:
    """A V3/V4 `{"matchers": [...], "combine": ...}` object, or a V2 single matcher object."""
    if isinstance(data, Mapping) and "matchers" in data:
        matchers = data["matchers"]
        if not isinstance(matchers, list):
            raise MatchingRuleError(f"matching rules at {where}: 'matchers' must be a list")
        combine = Combine.OR if str(data.get("combine", "AND")).upper() == "OR" else Combine.AND
        return RuleList(tuple(parse_matcher(m) for m in matchers), combine)
    if isinstance(data, Mapping):
        return RuleList((parse_matcher(data),))
    if isinstance(data, list):
        return RuleList(tuple(parse_matcher(m) for m in data))
    raise MatchingRuleError(f"matching rules at {where} must be an object, got {data!r}")


def parse_category(data: Mapping[str, Any]) -> RuleCategory:
    """A path-keyed category (`{"$.a": {...}, "b": {...}}`); paths without `$` are relative to the root."""
    if not isinstance(data, Mapping):
        raise MatchingRuleError(f"a matching rule category must be an object, got {data!r}")
    entries = []
    for path, rules in data.items():
        rule_list = parse_rule_list(rules, str(path))
        tokens = parse_path(str(path))
        entries.append((tokens, rule_list))
        entries.extend(_implied_entries(tokens, rule_list))
    return RuleCategory(tuple(entries))


def _implied_entries(
    tokens: tuple[PathToken, ...], rule_list: RuleList
) -> list[tuple[tuple[PathToken, ...], RuleList]]:
    """`eachValue` at P checks the values below P with its sub-rules: give them the path `P.*`."""
    implied = []
    for matcher in rule_list.matchers:
        if matcher.kind is MatcherKind.EACH_VALUE and matcher.rules:
            implied.append(((*tokens, Wildcard.ANY), RuleList(matcher.rules)))
    return implied


def _named(data: Any, category: str, lower: bool) -> dict[str, RuleList]:
    if not isinstance(data, Mapping):
        raise MatchingRuleError(f"matching rule category {category!r} must be an object, got {data!r}")
    named: dict[str, RuleList] = {}
    for key, rules in data.items():
        name = str(key)
        if name.startswith("$."):
            name = name[2:]
        if name.startswith("['") and name.endswith("']"):
            name = name[2:-2]
        named[name.lower() if lower else name] = parse_rule_list(rules, f"{category}.{key}")
    return named


def _single(data: Any, category: str) -> RuleList:
    if isinstance(data, Mapping) and "matchers" not in data and "match" not in data and len(data) == 1:
        (only,) = data.values()
        return parse_rule_list(only, category)
    return parse_rule_list(data, category)


def parse_matching_rules(data: Any, *, body_category: str = "body") -> MatchingRules:
    """All matching rules of a part, from a V2 flat map or V3/V4 categories.

    `body_category` names the category that holds the contents' rules (`content` for V4 messages; `body`
    is accepted there too).
    """
    if not data:
        return EMPTY_RULES
    if not isinstance(data, Mapping):
        raise MatchingRuleError(f"'matchingRules' must be an object, got {type(data).__name__}")
    if all(str(key).startswith("$") for key in data):
        return _parse_v2(data)
    body: Mapping[str, Any] = {}
    for name in (body_category, "body", "content"):
        if name in data:
            body = data[name]
            break
    header = data.get("header", data.get("headers", {}))
    return MatchingRules(
        body=parse_category(body),
        header=_named(header, "header", lower=True),
        query=_named(data.get("query", {}), "query", lower=False),
        path=_single(data["path"], "path") if data.get("path") else None,
        status=_single(data["status"], "status") if data.get("status") else None,
        metadata=_named(data.get("metadata", {}), "metadata", lower=False),
    )


def check_matching_rules(data: Any, *, body_category: str = "body") -> None:
    """Raise the `MatchingRuleError` :func:`parse_matching_rules` would raise, or nothing; regexes that
    :func:`contracts.regex_syntax.certainly_compiles` accepts are not compiled (validating big pacts)."""
    token = _CHECKING.set(True)
    try:
        parse_matching_rules(data, body_category=body_category)
    finally:
        _CHECKING.reset(token)


_V2_PART = re.compile(r"^\$\.(body|headers?|query|path|status|metadata)(?=$|[.\[])")


def _parse_v2(data: Mapping[str, Any]) -> MatchingRules:
    body: dict[str, Any] = {}
    header: dict[str, Any] = {}
    query: dict[str, Any] = {}
    path: Any = None
    for key, rules in data.items():
        match = _V2_PART.match(key)
        if match is None:
            raise MatchingRuleError(
                f"V2 matching rule path {key!r} must start with $.body, $.headers, $.query or $.path"
            )
        part, rest = match.group(1), key[match.end() :]
        if part == "body":
            body["$" + rest] = rules
        elif part == "path":
            path = rules
        else:
            name = _strip_name(rest, key)
            if part == "query":
                query[name] = rules
            elif part in ("header", "headers"):
                header[name] = rules
    return MatchingRules(
        body=parse_category(body),
        header=_named(header, "header", lower=True),
        query=_named(query, "query", lower=False),
        path=parse_rule_list(path, "path") if path is not None else None,
    )


def _strip_name(rest: str, key: str) -> str:
    if rest.startswith("."):
        return rest[1:]
    if rest.startswith("['") and rest.endswith("']"):
        return rest[2:-2]
    raise MatchingRuleError(f"V2 matching rule path {key!r} does not name a header or query parameter")
