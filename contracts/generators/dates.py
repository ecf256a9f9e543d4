"""Dates and times for the Date, Time and DateTime generators.

Two parts: :func:`format_java` renders a datetime with a Java ``DateTimeFormatter`` pattern (the
``format`` attribute of a generator, e.g. ``yyyy-MM-dd'T'HH:mm:ss.SSSXXX``), and
:func:`evaluate_date_expression` / :func:`evaluate_time_expression` /
:func:`evaluate_datetime_expression` compute a moment relative to a base from an ``expression``
attribute such as ``tomorrow``, ``+ 2 weeks``, ``next monday``, ``tomorrow @ noon + 2 hours``.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from contracts.errors import GeneratorError

_MONTHS = (
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
)
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

DEFAULT_DATE_FORMAT = "yyyy-MM-dd"
DEFAULT_TIME_FORMAT = "HH:mm:ss"
DEFAULT_DATETIME_FORMAT = "yyyy-MM-dd'T'HH:mm:ss.SSSZ"


def _tokens(pattern: str) -> list[tuple[str, int] | str]:
    """Split a Java pattern into (letter, count) runs and literal strings."""
    tokens: list[tuple[str, int] | str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "'":
            end = i + 1
            literal = []
            while end < len(pattern):
                if pattern[end] == "'":
                    if end + 1 < len(pattern) and pattern[end + 1] == "'":
                        literal.append("'")
                        end += 2
                        continue
                    break
                literal.append(pattern[end])
                end += 1
            else:
                raise GeneratorError(f"date format {pattern!r} has an unterminated quoted literal")
            tokens.append("'" if end == i + 1 else "".join(literal))
            i = end + 1
        elif char.isascii() and char.isalpha():
            end = i
            while end < len(pattern) and pattern[end] == char:
                end += 1
            tokens.append((char, end - i))
            i = end
        else:
            tokens.append(char)
            i += 1
    return tokens


def _offset(moment: datetime, count: int, *, zulu: bool, letter: str) -> str:
    delta = moment.utcoffset() or timedelta(0)
    if zulu and delta == timedelta(0):
        return "Z"
    seconds = int(delta.total_seconds())
    sign = "+" if seconds >= 0 else "-"
    hours, minutes = divmod(abs(seconds) // 60, 60)
    if letter == "Z":
        if count <= 3:
            return f"{sign}{hours:02d}{minutes:02d}"
        if count == 4:
            return "GMT" if seconds == 0 else f"GMT{sign}{hours:02d}:{minutes:02d}"
        return "Z" if seconds == 0 else f"{sign}{hours:02d}:{minutes:02d}"
    if count == 1:
        return f"{sign}{hours:02d}" + (f"{minutes:02d}" if minutes else "")
    if count == 2 or count == 4:
        return f"{sign}{hours:02d}{minutes:02d}"
    return f"{sign}{hours:02d}:{minutes:02d}"


def _field(moment: datetime, letter: str, count: int) -> str:
    if letter in "yu":
        return f"{moment.year % 100:02d}" if count == 2 else f"{moment.year:0{count}d}"
    if letter in "ML":
        if count >= 4:
            return _MONTHS[moment.month - 1]
        if count == 3:
            return _MONTHS[moment.month - 1][:3]
        return f"{moment.month:0{count}d}"
    simple = {
        "d": moment.day,
        "D": moment.timetuple().tm_yday,
        "H": moment.hour,
        "k": moment.hour or 24,
        "K": moment.hour % 12,
        "h": moment.hour % 12 or 12,
        "m": moment.minute,
        "s": moment.second,
    }
    if letter in simple:
        return f"{simple[letter]:0{count}d}"
    if letter in "Ee":
        name = _DAYS[moment.weekday()]
        return name if count >= 4 else name[:3]
    if letter == "a":
        return "AM" if moment.hour < 12 else "PM"
    if letter == "S":
        return f"{moment.microsecond:06d}000"[:count].ljust(count, "0")
    if letter == "n":
        return str(moment.microsecond * 1000)
    if letter == "A":
        millis = ((moment.hour * 60 + moment.minute) * 60 + moment.second) * 1000 + moment.microsecond // 1000
        return str(millis)
    if letter == "G":
        return "AD" if count <= 3 else "Anno Domini"
    if letter in "XxZ":
        return _offset(moment, count, zulu=letter == "X", letter=letter)
    if letter in "zV":
        name = moment.tzname() or "UTC"
        return "UTC" if name in {"UTC", "+00:00"} else name
    if letter == "Q":
        return str((moment.month - 1) // 3 + 1)
    raise GeneratorError(f"unsupported pattern letter {letter!r} in a date/time format")


def format_java(moment: datetime, pattern: str) -> str:
    """Render ``moment`` with a Java DateTimeFormatter/SimpleDateFormat pattern."""
    return "".join(
        token if isinstance(token, str) else _field(moment, token[0], token[1]) for token in _tokens(pattern)
    )


# ------------------------------------------------------------------------------------ expressions

_UNITS = {
    "millisecond": relativedelta(microseconds=1000),
    "second": relativedelta(seconds=1),
    "minute": relativedelta(minutes=1),
    "hour": relativedelta(hours=1),
    "day": relativedelta(days=1),
    "week": relativedelta(weeks=1),
    "fortnight": relativedelta(weeks=2),
    "month": relativedelta(months=1),
    "year": relativedelta(years=1),
}
_TOKEN = re.compile(r"\s*(\d+|[+-]|@|o'clock|[a-zA-Z]+)", re.IGNORECASE)


def _lex(expression: str) -> list[str]:
    tokens = []
    position = 0
    text = expression.strip()
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise GeneratorError(
                f"cannot read the date/time expression {expression!r} at {text[position:]!r}"
            )
        tokens.append(match.group(1).lower())
        position = match.end()
        while position < len(text) and text[position].isspace():
            position += 1
    return tokens


def _unit(word: str, expression: str) -> relativedelta:
    singular = word[:-1] if word.endswith("s") and word[:-1] in _UNITS else word
    if singular not in _UNITS:
        raise GeneratorError(f"unknown unit {word!r} in the date/time expression {expression!r}")
    return _UNITS[singular]


def _adjust(moment: datetime, tokens: list[str], expression: str) -> datetime:
    """Apply ``+ N unit``, ``- N unit``, ``next X`` and ``last X`` operations in order."""
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in {"+", "-"}:
            if i + 2 >= len(tokens) or not tokens[i + 1].isdigit():
                raise GeneratorError(f"{expression!r}: expected '{token} <number> <unit>'")
            amount = int(tokens[i + 1]) * (1 if token == "+" else -1)
            moment = moment + _unit(tokens[i + 2], expression) * amount
            i += 3
        elif token in {"next", "last"} and i + 1 < len(tokens):
            moment = _next_or_last(moment, token == "next", tokens[i + 1], expression)
            i += 2
        else:
            raise GeneratorError(f"unexpected {token!r} in the date/time expression {expression!r}")
    return moment


def _next_or_last(moment: datetime, forward: bool, word: str, expression: str) -> datetime:
    sign = 1 if forward else -1
    days = [d.lower() for d in _DAYS]
    months = [m.lower() for m in _MONTHS]
    if word in days or (len(word) == 3 and word in [d[:3] for d in days]):
        target = next(i for i, d in enumerate(days) if d.startswith(word[:3]))
        step = 1
        while True:
            candidate = moment + timedelta(days=sign * step)
            if candidate.weekday() == target:
                return candidate
            step += 1
    if word in months or (len(word) == 3 and word in [m[:3] for m in months]):
        target = next(i for i, m in enumerate(months) if m.startswith(word[:3])) + 1
        step = 1
        while True:
            candidate = moment + relativedelta(months=sign * step)
            if candidate.month == target:
                return candidate
            step += 1
    return moment + _unit(word, expression) * sign


def _base_date(tokens: list[str], base: datetime) -> tuple[datetime, list[str]]:
    shifts = {"now": 0, "today": 0, "yesterday": -1, "tomorrow": 1}
    if tokens and tokens[0] in shifts:
        return base + timedelta(days=shifts[tokens[0]]), tokens[1:]
    return base, tokens


def _base_time(tokens: list[str], base: datetime, expression: str) -> tuple[datetime, list[str]]:
    if not tokens:
        return base, tokens
    first = tokens[0]
    if first == "now":
        return base, tokens[1:]
    if first == "midnight":
        return base.replace(hour=0, minute=0, second=0, microsecond=0), tokens[1:]
    if first == "noon":
        return base.replace(hour=12, minute=0, second=0, microsecond=0), tokens[1:]
    if first.isdigit():
        hour = int(first)
        rest = tokens[1:]
        if rest and rest[0] == "o'clock":
            rest = rest[1:]
        if rest and rest[0] in {"am", "pm"}:
            if not 1 <= hour <= 12:
                raise GeneratorError(f"{expression!r}: {hour} {rest[0]} is not a time")
            hour = hour % 12 + (12 if rest[0] == "pm" else 0)
            rest = rest[1:]
        if not 0 <= hour <= 23:
            raise GeneratorError(f"{expression!r}: hour {hour} is out of range")
        return base.replace(hour=hour, minute=0, second=0, microsecond=0), rest
    return base, tokens


def evaluate_date_expression(expression: str, base: datetime) -> datetime:
    """``today``, ``yesterday``, ``tomorrow``, ``+ 1 day``, ``next month``, ``last friday``, ..."""
    moment, rest = _base_date(_lex(expression), base)
    return _adjust(moment, rest, expression)


def evaluate_time_expression(expression: str, base: datetime) -> datetime:
    """``now``, ``midnight``, ``noon``, ``2 o'clock``, ``3 pm``, ``+ 1 hour``, ..."""
    moment, rest = _base_time(_lex(expression), base, expression)
    return _adjust(moment, rest, expression)


def evaluate_datetime_expression(expression: str, base: datetime) -> datetime:
    """A date expression, optionally followed by ``@`` and a time expression."""
    date_part, _, time_part = expression.partition("@")
    moment = evaluate_date_expression(date_part, base) if date_part.strip() else base
    if time_part.strip():
        moment = evaluate_time_expression(time_part, moment)
    return moment


def parse_base(value: Any) -> datetime | None:
    """A ``baseDate``/``baseTime``/``baseDateTime`` context value as an aware datetime, if given."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.astimezone()
    if isinstance(value, date):
        return datetime.combine(value, time()).astimezone()
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError as exc:
            raise GeneratorError(f"base date/time {value!r} is not ISO 8601") from exc
        return parsed if parsed.tzinfo else parsed.astimezone()
    raise GeneratorError(f"base date/time must be an ISO 8601 string, found {type(value).__name__}")
