"""Fresh, valid example values for matching rules.

Load scenarios and mocks need a *new* value on every call that still satisfies the contract:
a ``regex`` rule gives a new string from the regex, ``integer`` a new integer, ``date`` today's date in
the rule's format, and ``type``-like rules keep the example (whose type is all they constrain).
"""

from __future__ import annotations

import copy
import random
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import contracts.generators.dates as dates
from contracts.errors import GeneratorError
from contracts.generators.json_paths import apply_at_path, parse_json_path
from contracts.generators.values import string_from_regex

_STATUS_CLASSES = {
    "information": (100, 199),
    "success": (200, 299),
    "redirect": (300, 399),
    "clientError": (400, 499),
    "serverError": (500, 599),
    "nonError": (100, 399),
    "error": (400, 599),
}


def matcher_kind(matcher: Mapping[str, Any]) -> str:
    """The matcher's name (``match`` or ``pact:matcher:type``), inferred from its keys when absent."""
    kind = matcher.get("match", matcher.get("pact:matcher:type"))
    if isinstance(kind, str):
        return kind
    for key in ("regex", "timestamp", "date", "time"):
        if key in matcher:
            return key
    if "min" in matcher or "max" in matcher:
        return "type"
    return "equality"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _resize(example: Any, matcher: Mapping[str, Any]) -> Any:
    if not isinstance(example, list):
        return copy.deepcopy(example)
    items = copy.deepcopy(example)
    low, high = matcher.get("min"), matcher.get("max")
    if isinstance(low, int) and items and len(items) < low:
        items.extend(copy.deepcopy(items[0]) for _ in range(low - len(items)))
    if isinstance(high, int) and len(items) > high:
        del items[high:]
    return items


def _date_format(matcher: Mapping[str, Any], kind: str) -> str:
    for key in ("format", kind, "timestamp", "date", "time"):
        value = matcher.get(key)
        if isinstance(value, str) and value:
            return value
    if kind == "date":
        return dates.DEFAULT_DATE_FORMAT
    if kind == "time":
        return dates.DEFAULT_TIME_FORMAT
    return "yyyy-MM-dd'T'HH:mm:ss"


def example_for_matcher(
    matcher: Mapping[str, Any],
    example: Any,
    *,
    rng: random.Random | None = None,
    now: datetime | None = None,
) -> Any:
    """A fresh value that satisfies ``matcher`` (a matcher object of a pact file), shaped like ``example``."""
    rng = rng or random.Random()
    kind = matcher_kind(matcher)
    if kind == "regex":
        pattern = matcher.get("regex")
        if not isinstance(pattern, str):
            raise GeneratorError(f"regex matcher without a 'regex' string: {dict(matcher)!r}")
        text = string_from_regex(pattern, rng)
        if isinstance(example, int) and not isinstance(example, bool) and text.lstrip("-").isdigit():
            return int(text)
        return text
    if kind == "integer":
        value = rng.randint(0, 100_000)
        return str(value) if isinstance(example, str) else value
    if kind == "decimal":
        number = rng.randint(0, 99_999) + rng.randint(1, 99) / 100
        return str(number) if isinstance(example, str) else number
    if kind == "number":
        amount: float = rng.randint(0, 100_000) if rng.random() < 0.5 else rng.randint(0, 9_999) + 0.5
        return str(amount) if isinstance(example, str) else amount
    if kind == "boolean":
        flag = rng.random() < 0.5
        return ("true" if flag else "false") if isinstance(example, str) else flag
    if kind == "null":
        return None
    if kind in {"date", "time", "timestamp", "datetime"}:
        moment = now or datetime.now().astimezone()
        return dates.format_java(moment, _date_format(matcher, kind))
    if kind == "semver":
        return f"{rng.randint(0, 20)}.{rng.randint(0, 20)}.{rng.randint(0, 20)}"
    if kind == "statusCode":
        return _status(matcher.get("status"), example, rng)
    if kind in {"type", "min", "max", "minmax"}:
        return _resize(example, matcher)
    # equality, include, contentType, values, eachKey, eachValue, arrayContains, notEmpty, unknown
    return copy.deepcopy(example)


def _status(wanted: Any, example: Any, rng: random.Random) -> Any:
    if isinstance(wanted, list) and wanted:
        return example if example in wanted else rng.choice(wanted)
    if isinstance(wanted, str) and wanted in _STATUS_CLASSES:
        low, high = _STATUS_CLASSES[wanted]
        if _is_number(example) and low <= example <= high:
            return example
        return rng.randint(low, high)
    return example


def example_for_rules(
    rules: Mapping[str, Any] | list[Any],
    example: Any,
    *,
    rng: random.Random | None = None,
    now: datetime | None = None,
) -> Any:
    """A fresh value for a rule list (``{"matchers": [...], "combine": ...}``, a list of matchers or a
    single V2 matcher). The first matcher that produces new values decides (for ``AND`` lists the
    others usually constrain only the type)."""
    if isinstance(rules, Mapping) and "matchers" in rules:
        matchers = rules["matchers"]
    elif isinstance(rules, list):
        matchers = rules
    else:
        matchers = [rules]
    value = copy.deepcopy(example)
    for matcher in matchers:
        if isinstance(matcher, Mapping):
            fresh = example_for_matcher(matcher, example, rng=rng, now=now)
            if fresh != example or matcher_kind(matcher) == "null":
                return fresh
            value = fresh
    return value


def refresh_body(
    body: Any,
    body_rules: Mapping[str, Any],
    *,
    rng: random.Random | None = None,
    now: datetime | None = None,
) -> Any:
    """A copy of a JSON body where every value a rule path reaches gets a fresh valid value.

    Paths are applied from the least to the most specific (shortest first), so a rule on
    ``$.items[*].id`` wins over one on ``$.items``.
    """
    rng = rng or random.Random()
    document = copy.deepcopy(body)
    ordered = sorted(body_rules.items(), key=lambda item: len(parse_json_path(item[0])))
    for path, rules in ordered:

        def produce(value: Any, rules: Any = rules) -> Any:
            return example_for_rules(rules, value, rng=rng, now=now)

        document = apply_at_path(document, parse_json_path(path), produce)
    return document
