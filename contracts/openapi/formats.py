"""String formats checked the way the comparator's validator checks them: ajv-formats 3.0.1 in full mode.

Every format ajv-formats knows is here: date, time, date-time, iso-time, iso-date-time, duration, uri,
uri-reference, uri-template, url, email, hostname, ipv4, ipv6, regex, uuid, json-pointer,
json-pointer-uri-fragment, relative-json-pointer, byte, int32, int64, float, double, password, binary.
Their regular expressions (`contracts.openapi.ajv_format_patterns`) are ajv-formats' own ECMAScript
sources, run with an ECMAScript engine (`regress`), so `\\d`, `\\S`, `$` and case folding behave as in ajv.
Unknown formats pass, as in ajv with `strictSchema: false`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, cast

import regress
from jsonschema import FormatChecker

from contracts.openapi.ajv_format_patterns import AJV_FORMAT_PATTERNS
from contracts.openapi.ecmaregex import find, is_ecma_regex

__all__ = ["FORMAT_NAMES", "is_date", "is_date_time", "is_time", "make_format_checker"]

_DATE = re.compile(r"^(\d\d\d\d)-(\d\d)-(\d\d)$", re.ASCII)
_TIME = re.compile(
    r"^(\d\d):(\d\d):(\d\d(?:\.\d+)?)(z|([+-])(\d\d)(?::?(\d\d))?)?$", re.ASCII | re.IGNORECASE
)
_DATE_TIME_SEPARATOR = re.compile(r"t|\s", re.IGNORECASE)
_NOT_URI_FRAGMENT = re.compile(r"/|:")
_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_INT32 = (-(2**31), 2**31 - 1)
_INT64 = (-(2**63), 2**63 - 1)

Check = Callable[[object], bool]


def _ecma(name: str) -> regress.Regex:
    source, flags = AJV_FORMAT_PATTERNS[name]
    return regress.Regex(source, flags.replace("g", ""))


def is_date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    found = _DATE.match(value)
    if not found or found.end() != len(value):
        return False
    year, month, day = (int(g) for g in found.groups())
    if not 1 <= month <= 12:
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    return 1 <= day <= (29 if month == 2 and leap else _DAYS[month])


def _time(strict_time_zone: bool) -> Check:
    def check(value: object) -> bool:
        if not isinstance(value, str):
            return True
        found = _TIME.fullmatch(value)
        if not found:
            return False
        hour, minute, second = int(found[1]), int(found[2]), float(found[3])
        zone, sign = found[4], -1 if found[5] == "-" else 1
        zone_hour, zone_minute = int(found[6] or 0), int(found[7] or 0)
        if zone_hour > 23 or zone_minute > 59 or (strict_time_zone and not zone):
            return False
        if hour <= 23 and minute <= 59 and second < 60:
            return True
        # a leap second: 23:59:60 in UTC
        utc_minute = minute - zone_minute * sign
        utc_hour = hour - zone_hour * sign - (1 if utc_minute < 0 else 0)
        return utc_hour in (23, -1) and utc_minute in (59, -1) and second < 61

    return check


def _date_time(strict_time_zone: bool) -> Check:
    time = _time(strict_time_zone)

    def check(value: object) -> bool:
        if not isinstance(value, str):
            return True
        parts = _DATE_TIME_SEPARATOR.split(value)
        return len(parts) == 2 and is_date(parts[0]) and time(parts[1])

    return check


is_time = _time(True)
is_date_time = _date_time(True)


def _regex_check(name: str) -> Check:
    regex = _ecma(name)

    def check(value: object) -> bool:
        return not isinstance(value, str) or find(regex, value)

    return check


def _is_uri(value: object) -> bool:
    return not isinstance(value, str) or (bool(_NOT_URI_FRAGMENT.search(value)) and find(_URI, value))


def _is_regex(value: object) -> bool:
    return not isinstance(value, str) or is_ecma_regex(value)


def _int_range(bounds: tuple[int, int]) -> Check:
    low, high = bounds

    def check(value: object) -> bool:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return True
        return float(value).is_integer() and low <= value <= high

    return check


def _anything(value: object) -> bool:
    return True


_URI = _ecma("uri")

_CHECKS: dict[str, Check] = {
    "date": is_date,
    "time": is_time,
    "date-time": is_date_time,
    "iso-time": _time(False),
    "iso-date-time": _date_time(False),
    "duration": _regex_check("duration"),
    "uri": _is_uri,
    "uri-reference": _regex_check("uri-reference"),
    "uri-template": _regex_check("uri-template"),
    "url": _regex_check("url"),
    "email": _regex_check("email"),
    "hostname": _regex_check("hostname"),
    "ipv4": _regex_check("ipv4"),
    "ipv6": _regex_check("ipv6"),
    "regex": _is_regex,
    "uuid": _regex_check("uuid"),
    "json-pointer": _regex_check("json-pointer"),
    "json-pointer-uri-fragment": _regex_check("json-pointer-uri-fragment"),
    "relative-json-pointer": _regex_check("relative-json-pointer"),
    "byte": _regex_check("byte"),
    "int32": _int_range(_INT32),
    "int64": _int_range(_INT64),
    "float": _anything,
    "double": _anything,
    "password": _anything,
    "binary": _anything,
}

FORMAT_NAMES = tuple(_CHECKS)


def make_format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())
    for name, func in _CHECKS.items():
        cast(Any, checker.checks(name))(func)
    return checker
