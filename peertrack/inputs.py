"""The rules every value typed, pasted or uploaded into peertrack passes (issue 12, item 7).

One home for each rule, used by forms, query strings, imports and exports alike:

* **Years** are 1990 to 2100. No peer challenge, action or meeting falls outside
  them, and a date far outside them (year 1, year 9999) makes date arithmetic
  overflow or a database refuse it. `year_problem` / `validate_year` say so in the
  GOV.UK style: "Year must be between 1990 and 2100".
* **Whole numbers** are ASCII digits only and fit a signed 64-bit integer.
  Python's `int()` also reads "٣" and "３" (and `str.isdigit()` passes "²", which
  `int()` then refuses), so `whole_number` checks the characters first.
* **Text** holds no NUL byte or other control character (PostgreSQL refuses NUL in
  text; XLSX cannot hold most controls). Tab, line feed and carriage return are
  kept in multi-line text and turned into spaces in a single line. `clean_text`
  strips, `CleanInputMiddleware` applies it to every query string and form value
  at the edge, and `xml_safe` strips what an XML file (an XLSX export) cannot hold,
  for text stored before these rules existed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import register_converter
from django.urls.converters import get_converters

YEAR_MIN = 1990
YEAR_MAX = 2100
YEAR_MESSAGE = f"Year must be between {YEAR_MIN} and {YEAR_MAX}"

# The largest value a PostgreSQL bigint (and SQLite's INTEGER) holds.
INT64_MAX = 2**63 - 1
_ASCII_DIGITS = re.compile(r"[0-9]+", re.ASCII)

# C0 controls except tab, line feed and carriage return; DEL; the C1 controls; and what no
# text should hold: lone surrogates and the non-characters U+FFFE and U+FFFF (XML refuses them).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile("\r\n|[\t\n\r]")
# What XML 1.0 cannot hold: controls other than tab/LF/CR, lone surrogates, U+FFFE, U+FFFF.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# --- years -----------------------------------------------------------------------------


def year_in_range(year: int) -> bool:
    """Returns True when `year` is one peertrack accepts (1990 to 2100)."""
    return YEAR_MIN <= year <= YEAR_MAX


def year_problem(day: dt.date) -> str:
    """Returns the message to show when `day`'s year is outside 1990 to 2100, else ""."""
    return "" if year_in_range(day.year) else YEAR_MESSAGE


def validate_year(value: dt.date | None) -> None:
    """A form field validator: raises ValidationError when the date's year is out of range."""
    if value is not None and not year_in_range(value.year):
        raise ValidationError(YEAR_MESSAGE, code="year")


# --- whole numbers ---------------------------------------------------------------------


def is_ascii_number(text: str) -> bool:
    """Returns True when `text` is only the digits 0 to 9 (no sign, space or other script)."""
    return bool(_ASCII_DIGITS.fullmatch(text))


def whole_number(text: str, *, maximum: int = INT64_MAX) -> int:
    """Returns the whole number `text` spells in ASCII digits, at most `maximum`.

    Raises ValueError for anything else: a sign, spaces, a decimal point, superscript
    or other scripts' digits, or a number too big to store.
    """
    if not is_ascii_number(text) or len(text) > len(str(maximum)):
        raise ValueError(f"{text[:30]!r} is not a whole number.")
    number = int(text)
    if number > maximum:
        raise ValueError(f"{text[:30]!r} is too big.")
    return number


def page_number(text: str | None) -> int:
    """Returns the page a query string's `page` asks for: 1 when it is missing or not a whole number
    (other scripts' digits, beyond 64 bits). `Paginator.get_page` then shows the last page for one past it."""
    try:
        return whole_number(text or "1")
    except ValueError:
        return 1


def has_other_digits(text: str) -> bool:
    """Returns True when `text` holds a digit that is not 0 to 9 ("²", "٣", "３")."""
    return any(not char.isascii() and (char.isdigit() or char.isnumeric()) for char in text)


class IdConverter:
    """A path converter for database ids: 1 to 19 ASCII digits, at most a signed 64-bit value.

    Registered as "id" by `register_id_converter` and used instead of "int" (which Django
    no longer lets a project redefine), so an id no database column can hold is a 404
    before any query is made.
    """

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        return whole_number(value)  # a ValueError makes the pattern not match: a 404

    def to_url(self, value: int) -> str:
        return str(value)


def register_id_converter() -> None:
    """Registers the "<id:...>" path converter, once for every URL module: `RecommendationsConfig.ready`
    calls it when Django starts."""
    if "id" not in get_converters():  # Django warns when a name is registered twice
        register_converter(IdConverter, "id")


def command_date(text: str, *, option: str) -> dt.date:
    """Returns the date a management command's `option` was given (year-month-day, years 1990 to
    2100), or raises CommandError saying what is wrong in plain English."""
    from django.core.management.base import CommandError

    try:
        if has_other_digits(text):
            raise ValueError
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"{option} must be a date like 2024-11-22, not {text[:40]!r}.") from None
    if not year_in_range(day.year):
        raise CommandError(f"{option}: {YEAR_MESSAGE}, not {day.year}.")
    return day


# --- form fields -----------------------------------------------------------------------


class WholeNumberField(forms.IntegerField):
    """An IntegerField that refuses digits other than 0 to 9 and numbers beyond 64 bits
    with its "invalid" message (Django's reads "٣" as 3 and overflows the database)."""

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str) and value.strip() not in self.empty_values:
            try:
                return whole_number(value.strip())
            except ValueError:
                raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        return super().to_python(value)


class DateField(forms.DateField):
    """A DateField that refuses other scripts' digits and years outside 1990 to 2100."""

    default_validators = [validate_year]

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, str) and has_other_digits(value):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class SingleLineField(forms.CharField):
    """A CharField for one line of text: tabs and line breaks become spaces."""

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if not isinstance(text, str):
            return text
        text = clean_text(text, multiline=False)
        return text.strip() if self.strip else text


# --- text ------------------------------------------------------------------------------


def has_control(text: str) -> bool:
    """Returns True when `text` holds a character `clean_text` would remove."""
    return bool(_CONTROL.search(text))


def clean_text(value: str, *, multiline: bool = True) -> str:
    """Returns `value` without NUL bytes and other control characters.

    Multi-line text keeps its tabs and line breaks; a single line gets a space for each.
    """
    value = _CONTROL.sub("", value)
    return value if multiline else _LINE_BREAKS.sub(" ", value)


def xml_safe(value: str) -> str:
    """Returns `value` without the characters an XML document (such as XLSX) cannot hold."""
    return _NOT_XML.sub("", value)


_Query = TypeVar("_Query", bound=QueryDict)


def clean_query(data: _Query) -> _Query:
    """Returns `data` (query string or form fields) with every key and value passed through
    `clean_text`; the same object when nothing needed cleaning."""
    if not any(has_control(key) or any(has_control(value) for value in values if isinstance(value, str))
               for key, values in data.lists()):
        return data
    cleaned = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        cleaned.setlistdefault(clean_text(key), []).extend(
            clean_text(value) if isinstance(value, str) else value for value in values)
    cleaned._mutable = False
    return cast("_Query", cleaned)


class CleanInputMiddleware:
    """Strips NUL bytes and other control characters from every query string and form value.

    At the edge, so no view, form, sign-in or admin page can pass one to the database
    (PostgreSQL refuses NUL in text) or store one that breaks an export later. Uploaded
    files are left alone: the spreadsheet import cleans each cell it reads.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.GET = clean_query(request.GET)
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE"):
            request.POST = clean_query(request.POST)
        return self.get_response(request)
