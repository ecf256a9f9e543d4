"""Each generator on its own: attributes, defaults, output types, modes and errors."""

from __future__ import annotations

import random
import re
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest

from contracts.errors import GeneratorError
from contracts.generators import GeneratorContext, evaluate_expression, generate_value, string_from_regex
from contracts.generators.dates import (
    evaluate_date_expression,
    evaluate_datetime_expression,
    evaluate_time_expression,
    format_java,
)
from contracts.generators.values import python_regex

BASE = datetime(2024, 5, 1, 10, 12, 13, 123456, tzinfo=timezone(timedelta(hours=10)))  # a Wednesday
FIXED = GeneratorContext(base_datetime=BASE, rng=random.Random(7))


def test_random_int_range_and_type_follow_the_example() -> None:
    values = {generate_value({"type": "RandomInt", "min": 3, "max": 5}, 0) for _ in range(200)}
    assert values == {3, 4, 5}
    assert isinstance(generate_value({"type": "RandomInt"}, "x"), str)
    assert 0 <= generate_value({"type": "RandomInt"}, 1) <= 10
    with pytest.raises(GeneratorError, match="min 5 is greater than max 1"):
        generate_value({"type": "RandomInt", "min": 5, "max": 1})
    with pytest.raises(GeneratorError, match="'min' must be an integer"):
        generate_value({"type": "RandomInt", "min": "a"})


@pytest.mark.parametrize("digits", [1, 2, 3, 6, 10])
def test_random_decimal_has_the_digits(digits: int) -> None:
    for _ in range(50):
        text = generate_value({"type": "RandomDecimal", "digits": digits}, "x")
        assert len(text.replace(".", "")) == digits
        if digits > 1:
            assert re.fullmatch(r"[1-9]\d*\.\d+", text)
        number = generate_value({"type": "RandomDecimal", "digits": digits}, 1.5)
        assert isinstance(number, float if digits > 1 else int)


def test_hexadecimal_string_and_boolean() -> None:
    assert re.fullmatch(r"[0-9A-F]{6}", generate_value({"type": "RandomHexadecimal", "digits": 6}))
    assert len(generate_value({"type": "RandomHexadecimal"})) == 10
    assert re.fullmatch(r"[A-Za-z0-9]{6}", generate_value({"type": "RandomString", "size": 6}))
    assert len(generate_value({"type": "RandomString"})) == 10
    assert {generate_value({"type": "RandomBoolean"}) for _ in range(100)} == {True, False}


@pytest.mark.parametrize(
    "pattern",
    [
        r"\d{1,8}",
        r"^[A-Z]{2}-\d{4}$",
        r"(red|green|blue)",
        r"\w+@example\.(com|org)",
        r"[^a-z]{3}",
        r"\p{Alpha}{4}",
    ],
)
def test_regex_generator_values_match_in_full(pattern: str) -> None:
    compiled = re.compile(python_regex(pattern))
    for _ in range(30):
        value = generate_value({"type": "Regex", "regex": pattern})
        assert compiled.fullmatch(value), value
    assert len(string_from_regex(r"a+")) <= 21


def test_regex_translation_of_java_constructs() -> None:
    assert python_regex(r"\Qa.b\E\d") == r"a\.b\d"
    assert python_regex(r"x\Q(unterminated") == r"x\(unterminated"
    assert python_regex(r"\\Qnot-quoted") == r"\\Qnot-quoted"
    assert python_regex(r"\p{Digit}+\z") == r"[0-9]+\Z"
    with pytest.raises(GeneratorError, match="not a valid regular expression"):
        generate_value({"type": "Regex", "regex": "(["})
    with pytest.raises(GeneratorError, match="needs a 'regex'"):
        generate_value({"type": "Regex"})


@pytest.mark.parametrize(
    ("fmt", "pattern"),
    [
        (None, r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"),
        ("simple", r"[0-9a-f]{32}"),
        ("lower-case-hyphenated", r"[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}"),
        ("upper-case-hyphenated", r"[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}"),
        ("URN", r"urn:uuid:[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}"),
    ],
)
def test_uuid_formats(fmt: str | None, pattern: str) -> None:
    definition = {"type": "Uuid"} if fmt is None else {"type": "Uuid", "format": fmt}
    value = generate_value(definition)
    assert re.fullmatch(pattern, value)
    assert uuid.UUID(value.removeprefix("urn:uuid:")).version == 4
    with pytest.raises(GeneratorError, match="unknown format 'weird'"):
        generate_value({"type": "Uuid", "format": "weird"})


def test_date_time_defaults() -> None:
    assert generate_value({"type": "Date"}, None, FIXED) == "2024-05-01"
    assert generate_value({"type": "Time"}, None, FIXED) == "10:12:13"
    assert generate_value({"type": "DateTime"}, None, FIXED) == "2024-05-01T10:12:13.123+1000"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", "2024-05-01T10:12:13.123+10:00"),
        ("dd/MM/yy h:mm a", "01/05/24 10:12 AM"),
        ("EEE, d MMM yyyy HH:mm:ss Z", "Wed, 1 May 2024 10:12:13 +1000"),
        ("EEEE MMMM d", "Wednesday May 1"),
        ("yyyyMMdd'T'HHmmssSSSSSS", "20240501T101213123456"),
        ("D 'day of the year, it''s' k", "122 day of the year, it's 10"),
        ("xx X", "+1000 +10"),
    ],
)
def test_java_format_patterns(pattern: str, expected: str) -> None:
    assert format_java(BASE, pattern) == expected
    assert generate_value({"type": "DateTime", "format": pattern}, None, FIXED) == expected


def test_java_format_zulu_and_errors() -> None:
    utc = BASE.astimezone(UTC)
    assert format_java(utc, "HH:mmXXX") == "00:12Z"
    assert format_java(utc, "HH:mmxxx") == "00:12+00:00"
    with pytest.raises(GeneratorError, match="unsupported pattern letter 'B'"):
        format_java(BASE, "yyyy B")
    with pytest.raises(GeneratorError, match="unterminated quoted literal"):
        format_java(BASE, "yyyy 'T")


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("today", "2024-05-01"),
        ("tomorrow", "2024-05-02"),
        ("yesterday", "2024-04-30"),
        ("+ 1 day", "2024-05-02"),
        ("today + 2 weeks", "2024-05-15"),
        ("- 1 fortnight", "2024-04-17"),
        ("+ 1 month - 1 day", "2024-05-31"),
        ("next monday", "2024-05-06"),
        ("last wednesday", "2024-04-24"),
        ("next month", "2024-06-01"),
        ("last year", "2023-05-01"),
        ("next jan", "2025-01-01"),
    ],
)
def test_date_expressions(expression: str, expected: str) -> None:
    assert format_java(evaluate_date_expression(expression, BASE), "yyyy-MM-dd") == expected
    definition = {"type": "Date", "expression": expression}
    assert generate_value(definition, None, FIXED) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("now", "10:12:13"),
        ("midnight", "00:00:00"),
        ("noon + 2 hours", "14:00:00"),
        ("3 o'clock pm", "15:00:00"),
        ("9 am - 30 minutes", "08:30:00"),
        ("+ 1 hour + 1 second", "11:12:14"),
    ],
)
def test_time_expressions(expression: str, expected: str) -> None:
    assert format_java(evaluate_time_expression(expression, BASE), "HH:mm:ss") == expected


def test_datetime_expressions_and_errors() -> None:
    moment = evaluate_datetime_expression("tomorrow @ noon + 2 hours", BASE)
    assert format_java(moment, "yyyy-MM-dd HH:mm") == "2024-05-02 14:00"
    assert evaluate_datetime_expression("@ midnight", BASE).hour == 0
    assert generate_value(
        {"type": "DateTime", "expression": "+ 1 day", "format": "yyyy-MM-dd"}, None, FIXED
    ) == ("2024-05-02")
    for bad in ("+ x days", "+ 1 eon", "whenever", "13 pm"):
        with pytest.raises(GeneratorError):
            evaluate_datetime_expression(f"today @ {bad}" if bad == "13 pm" else bad, BASE)


def test_base_date_from_provider_state() -> None:
    context = GeneratorContext(mode="provider", provider_state={"baseDate": "2020-02-28"})
    assert generate_value({"type": "Date", "expression": "+ 1 day"}, None, context) == "2020-02-29"


def test_provider_state_expressions() -> None:
    values = {"id": 1000, "name": "Ann", "order": {"total": 12.5}, "flag": "true"}
    assert evaluate_expression("${id}", values) == 1000
    assert evaluate_expression("/orders/${id}/by/${name}", values) == "/orders/1000/by/Ann"
    assert evaluate_expression("id", values) == 1000
    assert evaluate_expression("${order.total}", values) == 12.5
    assert evaluate_expression("${id}", values, "STRING") == "1000"
    assert evaluate_expression("${flag}", values, "BOOLEAN") is True
    assert evaluate_expression("${order.total}", values, "INTEGER") == 12
    with pytest.raises(GeneratorError, match="no value named 'missing'"):
        evaluate_expression("${missing}", values)
    with pytest.raises(GeneratorError, match="cannot convert 'Ann' to INTEGER"):
        evaluate_expression("${name}", values, "INTEGER")


def test_provider_state_and_mock_server_generators_only_run_in_their_mode() -> None:
    state = {"type": "ProviderState", "expression": "${id}"}
    assert (
        generate_value(state, "example", GeneratorContext(mode="consumer", provider_state={"id": 1}))
        == "example"
    )
    assert generate_value(state, "example", GeneratorContext(mode="provider", provider_state={"id": 1})) == 1
    url = {"type": "MockServerURL", "regex": ".*(/orders/\\d+)$", "example": "http://localhost:1234/orders/7"}
    consumer = GeneratorContext(mode="consumer", mock_server_url="http://127.0.0.1:9000/")
    assert generate_value(url, "x", consumer) == "http://127.0.0.1:9000/orders/7"
    assert generate_value(url, "x", GeneratorContext(mode="consumer")) == "x"
    assert generate_value(url, "x", GeneratorContext(mode="provider", mock_server_url="http://a")) == "x"
    with pytest.raises(GeneratorError, match="one capture group"):
        generate_value({**url, "regex": "nomatch"}, "x", consumer)


def test_unknown_generators() -> None:
    with pytest.raises(GeneratorError, match="unknown generator type 'Random'"):
        generate_value({"type": "Random"})
    with pytest.raises(GeneratorError, match="must be an object"):
        generate_value("RandomInt")  # type: ignore[arg-type]
    assert isinstance(generate_value({"pact:generator:type": "RandomInt"}, 0), int)


def test_seeded_generators_are_reproducible() -> None:
    first = [
        generate_value({"type": t}, "x", GeneratorContext(rng=random.Random(3)))
        for t in ("Uuid", "RandomString")
    ]
    again = [
        generate_value({"type": t}, "x", GeneratorContext(rng=random.Random(3)))
        for t in ("Uuid", "RandomString")
    ]
    assert first == again
