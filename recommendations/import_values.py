"""What councils write in their action plan spreadsheets, read as peertrack's values (issue 17).

Pure functions, no database: the header of a column guessed as one of peertrack's fields;
a recommendation reference ("1", "R1", "Rec 1", "1. Strategic vision", "3 & 4", or a
recommendation's title or text); a date as councils write it ("March 2025", "Sept 2024",
"Q4 2024/25", "Ongoing"), with the interpretation said in words; a status word ("On
track") as a RAG rating. `recommendations.spreadsheets` applies them row by row.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field

from peertrack import inputs
from recommendations.periods import ReportingPeriod

# What a column may be mapped to, beyond `spreadsheets.COLUMNS`: "" leaves it out (shown
# on the mapping page, never silently), "notes" keeps its text with the action.
NOT_IMPORTED = ""
NOTES = "notes"
STATUS = "status"
RECOMMENDATION_TEXT = "recommendation_text"
EXTRA_TARGETS: tuple[tuple[str, str], ...] = (
    (RECOMMENDATION_TEXT, "Recommendation title or text (to find the recommendation)"),
    (STATUS, "Status (words such as “On track”, mapped to a rating)"),
    (NOTES, "Keep as a note on the action"),
)

# Header words, checked in this order; the first that appears in the header wins.
_GUESSES: tuple[tuple[str, str], ...] = (
    (r"\b(?:cabinet|portfolio|lead member)\b", "cabinet_member"),
    (r"\b(?:directorate|service area|department|service)\b", "directorate"),
    (r"\b(?:start)\b", "start_date"),
    (r"\b(?:due|deadline|timescales?|target date|by when|completion date|end date|target)\b", "due_date"),
    (r"\b(?:rag|brag)\b", "rag"),
    (r"\b(?:status)\b", STATUS),
    (r"\b(?:lead|owner|responsible|accountable|officer)", "lead_officer"),
    (r"\b(?:progress|update|commentary|comments?|narrative)\b", "narrative"),
    (r"\b(?:rec|recommendations?)\b", "recommendation"),
    (r"\b(?:actions?|what we will do|activity|activities|deliverables?|description)\b", "description"),
    (r"^(?:ref|reference|no|number|id|#|action ref|action no)$", "reference"),
)
# Columns the reader writes itself: never imported again (the bad rows' "Problems" column).
_IGNORED_HEADERS = re.compile(r"^(?:problems?|errors?)$")


def normalise_header(value: object) -> str:
    text = str(value or "").replace("\n", " ").lower()
    text = re.sub(r"\((?:optional|required|s)\)|\*", " ", text)
    text = re.sub(r"[^a-z0-9/#& ]+", " ", text)
    return " ".join(text.split())


def guess_field(header: str, known: dict[str, str]) -> str:
    """Returns the field a column headed `header` most likely holds, or NOT_IMPORTED.

    `known` maps exact normalised headers (the template's names and aliases) to fields.
    """
    name = normalise_header(header)
    if not name or _IGNORED_HEADERS.match(name):
        return NOT_IMPORTED
    if name in known:
        return known[name]
    for pattern, key in _GUESSES:
        if re.search(pattern, name):
            return key
    return NOT_IMPORTED


def guess_mapping(headers: list[str], known: dict[str, str], remembered: dict[str, str] | None = None) -> list[str]:
    """Returns a field for each column: what was remembered for this council, else a guess.

    A field is given to one column only (later columns get NOT_IMPORTED, shown as such);
    when "No." and a "Recommendation" column both appear, "No." is the recommendation
    number and the other its title or text.
    """
    remembered = remembered or {}
    names = [normalise_header(header) for header in headers]
    mapping: list[str] = []
    for header in headers:
        name = normalise_header(header)
        mapping.append(remembered.get(name, guess_field(header, known)) if name else NOT_IMPORTED)
    names = [normalise_header(header) for header in headers]
    numbers = [i for i, key in enumerate(mapping) if key == "reference" and names[i] in ("no", "number", "#", "rec no")]
    if "recommendation" not in mapping and numbers:
        # A plan whose only number column is "No.": it numbers the recommendations.
        mapping[numbers[0]] = "recommendation"
    elif mapping.count("recommendation") > 1:
        numbered = [
            i
            for i, key in enumerate(mapping)
            if key == "recommendation" and re.search(r"\b(?:no|number|ref|reference|#)\b", names[i])
        ]
        if numbered:
            for index, key in enumerate(mapping):
                if key == "recommendation" and index != numbered[0]:
                    mapping[index] = RECOMMENDATION_TEXT
    seen: set[str] = set()
    for index, key in enumerate(mapping):
        if key in (NOT_IMPORTED, NOTES):
            continue
        if key in seen:
            mapping[index] = NOT_IMPORTED
        seen.add(key)
    return mapping


# --- recommendation references ------------------------------------------------------------

_WORD_REFERENCE = re.compile(
    r"^(?:key\s+)?(?:recommendation|rec\.?|r|no\.?|number)\s*(?:no\.?\s*)?(?P<num>[0-9]{1,4})\b\s*[.):\-–—]?\s*"
    r"(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)
_SEVERAL = re.compile(r"^(?P<nums>[0-9]{1,4}(?:\s*(?:&|and|,|/|\+)\s*[0-9]{1,4})+)\s*$", re.IGNORECASE)
_NUMBER_FIRST = re.compile(r"^(?P<num>[0-9]{1,4})(?:\s*[.):\-–—]\s*|\s+)?(?P<rest>(?:[^0-9\s].*)?)$", re.DOTALL)


@dataclass
class Reference:
    """What a recommendation cell says: the numbers it names and any title or text."""

    numbers: list[int] = field(default_factory=list)
    text: str = ""
    problem: str = ""


def read_reference(value: object) -> Reference:
    """Returns the recommendation numbers and text a cell holds.

    "1", "1.", 1.0, "R1", "Rec 1", "Recommendation 1" give [1]; "1. Strategic vision"
    gives [1] and the title; "3 & 4" gives [3, 4]; text with no number is returned to be
    matched against the recommendations' titles and texts.
    """
    if value is None:
        return Reference()
    if isinstance(value, float):
        if value.is_integer() and 1 <= value <= 32767:
            return Reference([int(value)])
        return Reference(problem=f"“{value:g}” is not a recommendation number")
    if isinstance(value, int) and not isinstance(value, bool):
        return (
            Reference([value])
            if 1 <= value <= 32767
            else Reference(problem=f"“{value}” is not a recommendation number")
        )
    text = inputs.clean_text(str(value)).strip()
    if not text:
        return Reference()
    if inputs.has_other_digits(text):
        return Reference(problem=f"“{text[:20]}” is not a recommendation number")
    if re.match(r"^[0-9]+\.[0-9]+", text):
        return Reference(problem=f"“{text[:20]}” is not a recommendation number (it looks like an action's reference)")
    bare = re.sub(
        r"^(?:key\s+)?(?:recommendations?|recs?\.?|r|no\.?|numbers?)\s*(?=[0-9])", "", text, flags=re.IGNORECASE
    )
    several = _SEVERAL.match(bare)
    if several:
        numbers = [int(n) for n in re.findall(r"[0-9]+", several["nums"])]
        return _checked(numbers, text)
    for pattern in (_WORD_REFERENCE, _NUMBER_FIRST):
        match = pattern.match(text)
        if match:
            return _checked([int(match["num"])], text, match["rest"].strip())
    if text[:1].isdigit():  # "99999999999", "1x": a number gone wrong, not a title
        return Reference(problem=f"“{text[:20]}” is not a recommendation number")
    return Reference(text=text)


def _checked(numbers: list[int], text: str, rest: str = "") -> Reference:
    if any(not 1 <= n <= 32767 for n in numbers):
        return Reference(problem=f"“{text[:20]}” is not a recommendation number")
    return Reference(numbers=list(dict.fromkeys(numbers)), text=rest)


def squash(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", text.lower()).split())


# --- dates ----------------------------------------------------------------------------------

_MONTHS = {name.lower(): index for index, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.lower(): index for index, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9
_MONTH_YEAR = re.compile(
    r"^(?:(?:by|end\s+of|the\s+end\s+of|by\s+the\s+end\s+of|by\s+end\s+of)\s+)?"
    r"(?P<month>[a-z]{3,9})\.?[\s\-/]*(?P<year>[0-9]{4}|[0-9]{2})$",
    re.IGNORECASE,
)
_QUARTER = re.compile(
    r"^(?:(?:by|end\s+of)\s+)?(?:q(?P<q1>[1-4])\s*(?P<fy1>[0-9]{4}|[0-9]{2})\s*[/\-]\s*"
    r"(?P<fy1b>[0-9]{2,4})|(?P<fy2>[0-9]{4}|[0-9]{2})\s*[/\-]\s*(?P<fy2b>[0-9]{2,4})\s*q(?P<q2>[1-4]))$",
    re.IGNORECASE,
)
NO_DATE_WORDS = {
    "ongoing",
    "on going",
    "on-going",
    "tbc",
    "tba",
    "tbd",
    "to be confirmed",
    "to be agreed",
    "continuous",
    "n/a",
    "na",
    "none",
    "various",
    "rolling",
    "business as usual",
    "bau",
    "annual",
    "annually",
    "quarterly",
    "monthly",
}


@dataclass
class DateReading:
    day: dt.date | None = None
    note: str = ""  # how a written date was read, or why there is none
    problem: str = ""


def _year(text: str) -> int:
    return int(text) + 2000 if len(text) == 2 else int(text)


def read_written_date(text: str) -> DateReading:
    """Returns a month, quarter or no-date word as a date with a note, or a problem.

    "March 2025" is 31 March 2025 (the end of the month); "Q4 2024/25" and "2024/25 Q4"
    are 31 March 2025 (the end of that quarter of the financial year, April to March);
    "Ongoing" and "TBC" are no date, with a note. Returns an empty reading for text
    that is none of these, for the caller's own formats.
    """
    clean = " ".join(text.split()).strip().rstrip(".")
    lower = clean.lower()
    if lower in NO_DATE_WORDS:
        return DateReading(note=f"no date: the plan says “{clean}”")
    match = _MONTH_YEAR.match(clean)
    if match and match["month"].lower() in _MONTHS:
        month, year = _MONTHS[match["month"].lower()], _year(match["year"])
        if not 1990 <= year <= 2100:
            return DateReading(problem=inputs.YEAR_MESSAGE)
        day = dt.date(year, month, calendar.monthrange(year, month)[1])
        return DateReading(day, f"“{clean}” read as {day:%d/%m/%Y}, the end of the month")
    match = _QUARTER.match(clean)
    if match:
        quarter = int(match["q1"] or match["q2"])
        first = _year(match["fy1"] or match["fy2"])
        second = match["fy1b"] or match["fy2b"]
        if _year(second) % 100 != (first + 1) % 100:
            return DateReading(problem=f"“{clean}” is not a financial year such as 2024/25")
        if not 1990 <= first <= 2100:
            return DateReading(problem=inputs.YEAR_MESSAGE)
        period = ReportingPeriod(first, quarter)
        return DateReading(period.end, f"“{clean}” read as {period.end:%d/%m/%Y}, the end of {period}")
    return DateReading()


# --- status words ----------------------------------------------------------------------------

# A status word as a rating: "" is no rating (nothing recorded). Editable on the mapping page.
STATUS_RATINGS: dict[str, str] = {
    "complete": "blue",
    "completed": "blue",
    "done": "blue",
    "achieved": "blue",
    "delivered": "blue",
    "closed": "blue",
    "blue": "blue",
    "on track": "green",
    "in progress": "green",
    "on target": "green",
    "green": "green",
    "progressing": "green",
    "started": "green",
    "some slippage": "amber",
    "slippage": "amber",
    "at risk": "amber",
    "delayed": "amber",
    "minor delay": "amber",
    "amber": "amber",
    "behind schedule": "amber",
    "off track": "red",
    "not on track": "red",
    "significant delay": "red",
    "red": "red",
    "overdue": "red",
    "stalled": "red",
    "not started": "",
    "not yet started": "",
    "planned": "",
    "not due": "",
    "not yet due": "",
    "": "",
}
RATING_CHOICES = (
    ("", "No rating"),
    ("blue", "Blue (complete)"),
    ("green", "Green (on track)"),
    ("amber", "Amber (some slippage)"),
    ("red", "Red (off track)"),
)


def status_key(word: str) -> str:
    return " ".join(re.sub(r"[^a-z ]+", " ", word.lower()).split())


def guess_status(word: str) -> str | None:
    """Returns the rating a status word means, "" for none, or None when it is not known."""
    key = status_key(word)
    if key in STATUS_RATINGS:
        return STATUS_RATINGS[key]
    for known, rating in STATUS_RATINGS.items():
        if known and key.startswith(known):
            return rating
    return None


# --- lead officers ---------------------------------------------------------------------------

_SEPARATORS = re.compile(r"\s*(?:;|/|\n|&|\band\b|,(?![^<]*>))\s*", re.IGNORECASE)


def split_people(text: str) -> list[str]:
    """Returns the names in a "Lead Officer(s)" cell: "A Smith / B Jones" gives two."""
    parts = [part.strip() for part in _SEPARATORS.split(text) if part and part.strip()]
    return parts or ([text.strip()] if text.strip() else [])
