"""String formats checked the way the comparator's validator (ajv-formats, full mode) checks them."""

from __future__ import annotations

import ipaddress
import re
from typing import Any, cast

from jsonschema import FormatChecker

_DATE = re.compile(r"^(\d\d\d\d)-(\d\d)-(\d\d)$")
_TIME = re.compile(r"^(\d\d):(\d\d):(\d\d)(?:\.\d+)?(?:z|[+-]\d\d(?::?\d\d)?)$", re.IGNORECASE)
_DATE_TIME_SPLIT = re.compile(r"[t\s]", re.IGNORECASE)
_EMAIL = re.compile(
    r"^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@"
    r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$",
    re.IGNORECASE,
)
_HOSTNAME = re.compile(
    r"^(?=.{1,253}\.?$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-0-9a-z]{0,61}[0-9a-z])?)*\.?$",
    re.IGNORECASE,
)
_UUID = re.compile(r"^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$", re.IGNORECASE)
_URI = re.compile(r"^[a-z][a-z0-9+.-]*:[^\s]*$", re.IGNORECASE)
_BYTE = re.compile(r"^(?:[a-z0-9+/]{4})*(?:[a-z0-9+/]{2}==|[a-z0-9+/]{3}=)?$", re.IGNORECASE)
_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    found = _DATE.match(value)
    if not found:
        return False
    year, month, day = (int(g) for g in found.groups())
    if not 1 <= month <= 12:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return 1 <= day <= (29 if month == 2 and leap else _DAYS[month])


def is_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    found = _TIME.match(value)
    if not found:
        return False
    hour, minute, second = (int(g) for g in found.groups())
    return hour <= 23 and minute <= 59 and second <= 60


def is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = _DATE_TIME_SPLIT.split(value, maxsplit=1)
    return len(parts) == 2 and is_date(parts[0]) and is_time(parts[1])


def _regex_check(pattern: re.Pattern[str]) -> object:
    def check(value: object) -> bool:
        return not isinstance(value, str) or bool(pattern.match(value))

    return check


def is_ipv4(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        return False
    return True


def is_ipv6(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return True


def is_regex(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        re.compile(value)
    except re.error:
        return False
    return True


def _int_range(bits: int) -> object:
    low, high = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1

    def check(value: object) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return True
        return float(value).is_integer() and low <= value <= high

    return check


def _is_number(value: object) -> bool:
    return True


def make_format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    checks: dict[str, object] = {
        "date": is_date,
        "time": is_time,
        "date-time": is_date_time,
        "email": _regex_check(_EMAIL),
        "hostname": _regex_check(_HOSTNAME),
        "uuid": _regex_check(_UUID),
        "uri": _regex_check(_URI),
        "byte": _regex_check(_BYTE),
        "ipv4": is_ipv4,
        "ipv6": is_ipv6,
        "regex": is_regex,
        "int32": _int_range(32),
        "int64": _int_range(64),
        "float": _is_number,
        "double": _is_number,
    }
    for name, func in checks.items():
        cast(Any, checker.checks(name))(func)
    return checker
