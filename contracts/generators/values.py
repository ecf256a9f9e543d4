"""One value from one generator definition (``{"type": "RandomInt", "min": 0, "max": 10}``, ...)."""

from __future__ import annotations

import json
import random
import re
import string
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

from rstr.xeger import Xeger

import contracts.generators.dates as dates
from contracts.errors import GeneratorError

GeneratorMode = Literal["consumer", "provider"]

GENERATOR_TYPES = (
    "RandomInt",
    "RandomDecimal",
    "RandomHexadecimal",
    "RandomString",
    "Regex",
    "Uuid",
    "Date",
    "Time",
    "DateTime",
    "RandomBoolean",
    "ProviderState",
    "MockServerURL",
)

UUID_FORMATS = ("simple", "lower-case-hyphenated", "upper-case-hyphenated", "URN")


@dataclass(frozen=True)
class GeneratorContext:
    """What generators may use besides their own attributes.

    ``mode``: ``"consumer"`` (mock server, consumer tests: MockServerURL runs, ProviderState does not)
    or ``"provider"`` (verification, load tests against a provider: ProviderState runs, MockServerURL
    does not). ``provider_state``: the values provider-state callbacks returned, for ``${name}``
    expressions. ``mock_server_url``: the mock server's base URL. ``base_datetime``: "now" for Date,
    Time and DateTime generators. ``rng``: the random source (seed it for reproducible output).
    """

    mode: GeneratorMode = "consumer"
    provider_state: Mapping[str, Any] = field(default_factory=dict)
    mock_server_url: str | None = None
    base_datetime: datetime | None = None
    rng: random.Random = field(default_factory=random.Random)

    def now(self) -> datetime:
        return self.base_datetime or datetime.now().astimezone()


class Skip(Exception):
    """The generator does not run in this mode or context; the example value stays."""


_ALPHANUMERIC = string.ascii_letters + string.digits


def _int_attribute(definition: Mapping[str, Any], name: str, default: int) -> int:
    value = definition.get(name, default)
    if isinstance(value, str) and re.fullmatch(r"-?\d+", value.strip()):
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise GeneratorError(
            f"{definition.get('type')} generator: {name!r} must be an integer, found {value!r}"
        )
    return value


def _like_example(value: int | float, text: str, example: Any) -> Any:
    """Numbers stay numbers unless the example they replace is a string."""
    return text if isinstance(example, str) else value


def _random_int(definition: Mapping[str, Any], example: Any, context: GeneratorContext) -> Any:
    low = _int_attribute(definition, "min", 0)
    high = _int_attribute(definition, "max", 10)
    if low > high:
        raise GeneratorError(f"RandomInt generator: min {low} is greater than max {high}")
    value = context.rng.randint(low, high)
    return _like_example(value, str(value), example)


def _random_decimal(definition: Mapping[str, Any], example: Any, context: GeneratorContext) -> Any:
    digits = _int_attribute(definition, "digits", 10)
    if digits < 1:
        raise GeneratorError(f"RandomDecimal generator: digits must be at least 1, found {digits}")
    rng = context.rng
    if digits == 1:
        text = str(rng.randint(0, 9))
    else:
        chars = [str(rng.randint(1, 9))] + [str(rng.randint(0, 9)) for _ in range(digits - 1)]
        point = rng.randint(1, digits - 1)
        # the last digit is never 0, so the number keeps its length as a float too
        if chars[-1] == "0":
            chars[-1] = str(rng.randint(1, 9))
        text = "".join(chars[:point]) + "." + "".join(chars[point:])
    return _like_example(float(text) if "." in text else int(text), text, example)


def _random_hexadecimal(definition: Mapping[str, Any], example: Any, context: GeneratorContext) -> str:
    digits = _int_attribute(definition, "digits", 10)
    if digits < 0:
        raise GeneratorError(f"RandomHexadecimal generator: digits must not be negative, found {digits}")
    return "".join(context.rng.choice("0123456789ABCDEF") for _ in range(digits))


def _random_string(definition: Mapping[str, Any], example: Any, context: GeneratorContext) -> str:
    size = _int_attribute(definition, "size", 10)
    if size < 0:
        raise GeneratorError(f"RandomString generator: size must not be negative, found {size}")
    return "".join(context.rng.choice(_ALPHANUMERIC) for _ in range(size))


def strip_anchors(pattern: str) -> str:
    """A regex without its leading ``^`` and trailing (unescaped) ``$``."""
    if pattern.startswith("^"):
        pattern = pattern[1:]
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1]
    return pattern


REPEAT_LIMIT = 20
"""Unbounded repeats (``*``, ``+``, ``{n,}``) produce at most this many extra repetitions."""


class _CappedXeger(Xeger):
    def _handle_repeat(self, start_range: int, end_range: int, value: str) -> str:
        return str(super()._handle_repeat(start_range, min(end_range, start_range + REPEAT_LIMIT), value))


_JAVA_CLASSES = {
    "Alpha": "[A-Za-z]",
    "Digit": "[0-9]",
    "Alnum": "[A-Za-z0-9]",
    "Upper": "[A-Z]",
    "Lower": "[a-z]",
    "Punct": r"[!-/:-@\[-`{-~]",
    "XDigit": "[0-9a-fA-F]",
    "Space": r"\s",
    "L": "[A-Za-z]",
    "N": "[0-9]",
}


def python_regex(pattern: str) -> str:
    """Translate Java regex constructs Python spells differently: ``\\Q...\\E`` quoting (written by
    pact-jvm), POSIX classes like ``\\p{Alpha}``, and ``\\z``."""
    if "\\" not in pattern:
        return pattern
    out: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char != "\\" or i + 1 >= len(pattern):
            out.append(char)
            i += 1
            continue
        nxt = pattern[i + 1]
        if nxt == "Q":
            end = pattern.find("\\E", i + 2)
            literal = pattern[i + 2 :] if end < 0 else pattern[i + 2 : end]
            out.append(re.escape(literal))
            i = len(pattern) if end < 0 else end + 2
        elif nxt == "p" and i + 2 < len(pattern) and pattern[i + 2] == "{":
            end = pattern.find("}", i + 3)
            name = pattern[i + 3 : end] if end > 0 else ""
            if name in _JAVA_CLASSES:
                out.append(_JAVA_CLASSES[name])
                i = end + 1
            else:
                out.append(pattern[i : i + 2])
                i += 2
        elif nxt == "z":
            out.append("\\Z")
            i += 2
        else:
            out.append(pattern[i : i + 2])
            i += 2
    return "".join(out)


def string_from_regex(pattern: str, rng: random.Random | None = None) -> str:
    """A random string the whole regex matches (``re.fullmatch``)."""
    translated = python_regex(pattern)
    try:
        compiled = re.compile(translated)
    except re.error as exc:
        raise GeneratorError(f"regex {pattern!r} is not a valid regular expression: {exc}") from exc
    generator = _CappedXeger(rng or random.Random())
    core = strip_anchors(translated)
    for _ in range(50):
        try:
            candidate = str(generator.xeger(core))
        except Exception as exc:  # rstr raises assorted errors for constructs it cannot invert
            raise GeneratorError(f"cannot generate a string from the regex {pattern!r}: {exc}") from exc
        if compiled.fullmatch(candidate):
            return candidate
    raise GeneratorError(f"could not generate a string that the regex {pattern!r} matches in full")


def _regex(definition: Mapping[str, Any], example: Any, context: GeneratorContext) -> Any:
    pattern = definition.get("regex")
    if not isinstance(pattern, str):
        raise GeneratorError(f"Regex generator needs a 'regex' string, found {pattern!r}")
    text = string_from_regex(pattern, context.rng)
    if isinstance(example, int | float) and not isinstance(example, bool):
        try:
            return json.loads(text) if re.fullmatch(r"-?\d+(\.\d+)?", text) else text
        except ValueError:
            return text
    return text


def _uuid(definition: Mapping[str, Any], example: Any, context: GeneratorContext) -> str:
    value = uuid.UUID(int=context.rng.getrandbits(128), version=4)
    fmt = definition.get("format", "lower-case-hyphenated")
    if fmt == "simple":
        return value.hex
    if fmt == "lower-case-hyphenated":
        return str(value)
    if fmt == "upper-case-hyphenated":
        return str(value).upper()
    if fmt == "URN":
        return value.urn
    raise GeneratorError(f"Uuid generator: unknown format {fmt!r}; use one of {', '.join(UUID_FORMATS)}")


def _moment(
    definition: Mapping[str, Any],
    context: GeneratorContext,
    evaluate: Callable[[str, datetime], datetime],
    base_keys: tuple[str, ...],
) -> datetime:
    base = context.now()
    for key in base_keys:
        if key in context.provider_state:
            base = dates.parse_base(context.provider_state[key]) or base
    expression = definition.get("expression")
    if expression is None:
        return base
    if not isinstance(expression, str):
        raise GeneratorError(f"{definition.get('type')} generator: 'expression' must be a string")
    return evaluate(expression, base)


def _format(definition: Mapping[str, Any], default: str) -> str:
    fmt = definition.get("format", default)
    if not isinstance(fmt, str):
        raise GeneratorError(f"{definition.get('type')} generator: 'format' must be a string, found {fmt!r}")
    return fmt


def _date(definition: Mapping[str, Any], example: Any, context: GeneratorContext) -> str:
    moment = _moment(definition, context, dates.evaluate_date_expression, ("baseDate",))
    return dates.format_java(moment, _format(definition, dates.DEFAULT_DATE_FORMAT))


def _time(definition: Mapping[str, Any], example: Any, context: GeneratorContext) -> str:
    moment = _moment(definition, context, dates.evaluate_time_expression, ("baseTime",))
    return dates.format_java(moment, _format(definition, dates.DEFAULT_TIME_FORMAT))


def _datetime(definition: Mapping[str, Any], example: Any, context: GeneratorContext) -> str:
    moment = _moment(definition, context, dates.evaluate_datetime_expression, ("baseDateTime", "baseDate"))
    return dates.format_java(moment, _format(definition, dates.DEFAULT_DATETIME_FORMAT))


def _boolean(definition: Mapping[str, Any], example: Any, context: GeneratorContext) -> bool:
    return context.rng.random() < 0.5


_PLACEHOLDER = re.compile(r"\$\{([^}]*)\}")


def _lookup(name: str, values: Mapping[str, Any]) -> Any:
    if name in values:
        return values[name]
    current: Any = values
    for part in name.split("."):
        if isinstance(current, Mapping) and part in current:
            current = current[part]
        else:
            raise GeneratorError(
                f"ProviderState generator: no value named {name!r} in the provider state "
                f"(known: {', '.join(sorted(map(str, values))) or 'none'})"
            )
    return current


def _convert(value: Any, data_type: str) -> Any:
    try:
        if data_type == "STRING":
            return value if isinstance(value, str) else json.dumps(value)
        if data_type == "INTEGER":
            return int(value)
        if data_type in {"DECIMAL", "FLOAT"}:
            return float(value)
        if data_type == "BOOLEAN":
            return value if isinstance(value, bool) else str(value).lower() == "true"
    except (TypeError, ValueError) as exc:
        raise GeneratorError(f"ProviderState generator: cannot convert {value!r} to {data_type}") from exc
    return value


def evaluate_expression(expression: str, values: Mapping[str, Any], data_type: str = "RAW") -> Any:
    """Resolve ``${name}`` placeholders from provider-state values.

    An expression that is exactly one placeholder keeps the value's JSON type (``${id}`` → ``1000``);
    text around placeholders concatenates (``/path/${id}`` → ``"/path/1000"``); an expression without
    placeholders names a value directly.
    """
    placeholders = _PLACEHOLDER.findall(expression)
    if not placeholders:
        result = _lookup(expression, values)
    elif _PLACEHOLDER.fullmatch(expression):
        result = _lookup(placeholders[0], values)
    else:

        def text(match: re.Match[str]) -> str:
            value = _lookup(match.group(1), values)
            return value if isinstance(value, str) else json.dumps(value)

        result = _PLACEHOLDER.sub(text, expression)
    return _convert(result, data_type.upper())


def _provider_state(definition: Mapping[str, Any], example: Any, context: GeneratorContext) -> Any:
    if context.mode != "provider":
        raise Skip
    expression = definition.get("expression")
    if not isinstance(expression, str):
        raise GeneratorError(f"ProviderState generator needs an 'expression' string, found {expression!r}")
    data_type = definition.get("dataType", "RAW")
    return evaluate_expression(expression, context.provider_state, str(data_type))


def _mock_server_url(definition: Mapping[str, Any], example: Any, context: GeneratorContext) -> str:
    if context.mode != "consumer" or not context.mock_server_url:
        raise Skip
    sample = definition.get("example", example)
    pattern = definition.get("regex")
    if not isinstance(sample, str) or not isinstance(pattern, str):
        raise GeneratorError("MockServerURL generator needs 'example' and 'regex' strings")
    try:
        match = re.search(python_regex(pattern), sample)
    except re.error as exc:
        raise GeneratorError(f"MockServerURL generator: bad regex {pattern!r}: {exc}") from exc
    if match is None or match.lastindex is None:
        raise GeneratorError(
            f"MockServerURL generator: regex {pattern!r} must match {sample!r} with one capture group"
        )
    base = context.mock_server_url.rstrip("/")
    return sample[: match.start()] + base + match.group(1) + sample[match.end() :]


_GENERATORS: dict[str, Callable[[Mapping[str, Any], Any, GeneratorContext], Any]] = {
    "RandomInt": _random_int,
    "RandomDecimal": _random_decimal,
    "RandomHexadecimal": _random_hexadecimal,
    "RandomString": _random_string,
    "Regex": _regex,
    "Uuid": _uuid,
    "Date": _date,
    "Time": _time,
    "DateTime": _datetime,
    "RandomBoolean": _boolean,
    "ProviderState": _provider_state,
    "MockServerURL": _mock_server_url,
}


def generator_type(definition: Mapping[str, Any]) -> str:
    """The generator's type, accepting the integration-JSON key ``pact:generator:type`` too."""
    kind = definition.get("type", definition.get("pact:generator:type"))
    if not isinstance(kind, str) or kind not in _GENERATORS:
        raise GeneratorError(f"unknown generator type {kind!r}; known types: {', '.join(GENERATOR_TYPES)}")
    return kind


def generate_value(
    definition: Mapping[str, Any], example: Any = None, context: GeneratorContext | None = None
) -> Any:
    """A fresh value for one generator definition.

    ``example`` is the value being replaced: numbers stay numbers and strings stay strings where the
    generator allows it. Returns ``example`` unchanged when the generator does not run in the
    context's mode (ProviderState outside provider mode, MockServerURL without a mock server URL).
    Raises :class:`GeneratorError` for definitions that cannot produce a value.
    """
    if not isinstance(definition, Mapping):
        raise GeneratorError(f"a generator must be an object with a 'type', found {definition!r}")
    context = context or GeneratorContext()
    try:
        return _GENERATORS[generator_type(definition)](definition, example, context)
    except Skip:
        return example
