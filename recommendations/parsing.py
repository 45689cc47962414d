"""Reads the "Key recommendations" section of an LGA feedback report, pasted as text.

Pure functions: no database, no request. `parse_recommendations(text)` returns the
numbered recommendations (number, title, text, sub-points) and the warnings a
coordinator should read before confirming; it raises `RecommendationParseError`
when the text holds no recommendation at all.

The layouts it reads, all seen in or likely from PDF and Word extractions:

* numbered headings with a title line and a paragraph: "1. City Centre masterplan",
  "2.1 City Centre masterplan" (the section number is dropped), "Recommendation 1:",
  "I." / "II." (roman numerals), with or without blank lines between them;
* a bullet list with nested sub-bullets and no titles (2018): each top-level
  bullet is a recommendation, numbered in order; its title is made from its text;
* sub-points as indented bullets or as (a), (b) / a), b) under a numbered heading.

What PDF extraction leaves behind is dropped with a warning: page numbers on a line
of their own ("9", "Page 9", "9 of 20"), "This page is intentionally left blank",
the "Key recommendations" heading itself and any introduction before the first
recommendation, and headings between recommendations (a short line on its own just
before the next number). A recommendation broken by a page break is joined again.
Reading stops at the first numbered line that does not continue the numbering
("3 Summary of the peer challenge approach" after 2.10), with a warning, so pasting
a little too much is harmless.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from peertrack import inputs

TITLE_MAX_LENGTH = 200
# A derived title is cut at a word boundary before this many characters.
DERIVED_TITLE_LENGTH = 70
# A heading line after a number is a title only when it is this short.
TITLE_MAX_WORDS = 12


class RecommendationParseError(ValueError):
    """The text holds no recommendation peertrack can recognise; the message says what to do."""


@dataclass
class ParsedRecommendation:
    number: int
    title: str
    text: str
    sub_points: list[str] = field(default_factory=list)
    title_derived: bool = False
    text_from_title: bool = False


@dataclass
class ParseResult:
    recommendations: list[ParsedRecommendation]
    warnings: list[str]
    # Other lists in the text that were not taken, each with why (shown on the preview).
    skipped: list[str] = field(default_factory=list)
    # "made 8 key recommendations": the count the text states, if it states one.
    stated_count: int | None = None
    # Where the list was found: the heading or lead-in line, or "" for the first list.
    found_under: str = ""


# --- line classification -------------------------------------------------------------

_BULLET = re.compile(r"^(?P<indent>\s*)(?P<mark>[-•●▪◦*–·‣○■□➢►o])\s+(?P<rest>\S.*)$")
_LETTER_POINT = re.compile(r"^\s*\(?(?P<letter>[a-h])\)\s*(?P<rest>\S.*)$|^\s*(?P<letter2>[a-h])\.\s+(?P<rest2>\S.*)$")
_LOWER_ROMAN_POINT = re.compile(r"^\s*\((?P<roman>[ivx]+)\)\s*(?P<rest>\S.*)$")
# Numbers are ASCII digits, a few of them: \d would read "٣" as 3, and int() of
# thousands of digits raises.
_RECOMMENDATION_WORD = re.compile(
    r"^\s*(?:key\s+)?(?:recommendation|rec\.?)\s*(?:no\.?\s*)?(?P<num>[0-9]{1,4}|[ivxlc]+)\b\s*[.):\-–—]?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_SECTION_NUMBER = re.compile(r"^\s*(?P<section>[0-9]{1,2})\.(?P<num>[0-9]{1,2})\.?(?:\s+(?P<rest>.*)|\s*)$")
_PLAIN_NUMBER = re.compile(r"^\s*(?P<num>[0-9]{1,2})(?P<punct>[.):])?(?:\s+(?P<rest>.*)|\s*)$")
_ROMAN_NUMBER = re.compile(r"^\s*(?P<num>[IVXLC]+|[ivxlc]+)[.):](?:\s+(?P<rest>.*)|\s*)$")

# What PDF extraction leaves on a line of its own, in the order tried, each with the warning that
# says it was dropped: a "this page is intentionally left blank", a page number ("9", "Page 9",
# "9 of 20", "- 9 -").
_PAGE_LITTER = [
    (re.compile(r"^\s*this\s+page\s+(?:is\s+|has\s+been\s+)?(?:intentionally|deliberately)\s+(?:left\s+)?"
                r"blank\.?\s*$", re.IGNORECASE),
     "Ignored “{line}” (line {number})."),
    (re.compile(r"^\s*(?:page\s+)?\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?\s*$|^\s*[-–]\s*\d{1,3}\s*[-–]\s*$", re.IGNORECASE),
     "Ignored the page number {line} (line {number})."),
]
_SECTION_HEADING = re.compile(
    r"^\s*(?:\d{1,2}(?:\.\d{1,2})?\.?\s+)?(?:the\s+)?(?:key\s+|peer\s+team'?s?\s+)?recommendations"
    r"(?:\s+(?:from|of|to)\s+.{0,80})?\s*:?\s*$",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"[.!?:;)\]\"'’”]\s*$")

_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}


def roman_to_int(numeral: str) -> int | None:
    """Returns the value of a roman numeral such as "iv" or "XII", or None if it is not one."""
    numeral = numeral.lower()
    if not numeral or any(ch not in _ROMAN_VALUES for ch in numeral):
        return None
    total = 0
    for index, ch in enumerate(numeral):
        value = _ROMAN_VALUES[ch]
        following = _ROMAN_VALUES[numeral[index + 1]] if index + 1 < len(numeral) else 0
        total += -value if value < following else value
    # Reject malformed numerals ("iiii", "vx") by writing the value back out.
    return total if _int_to_roman(total) == numeral else None


def _int_to_roman(value: int) -> str:
    parts = [(100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
    out = []
    for amount, letters in parts:
        while value >= amount:
            out.append(letters)
            value -= amount
    return "".join(out)


@dataclass
class _Marker:
    """A line that starts a recommendation: its style, number and what follows the number."""

    style: str  # "word" | "section" | "plain" | "roman" | "bullet"
    number: int
    rest: str
    section: str = ""
    indent: int = 0
    punct: bool = True


def _marker(line: str) -> _Marker | None:
    match = _RECOMMENDATION_WORD.match(line)
    if match:
        raw = match["num"]
        number = int(raw) if raw.isdigit() else roman_to_int(raw)
        if number:
            return _Marker("word", number, match["rest"].strip())
    match = _SECTION_NUMBER.match(line)
    if match:
        return _Marker("section", int(match["num"]), (match["rest"] or "").strip(), section=match["section"])
    match = _PLAIN_NUMBER.match(line)
    if match and int(match["num"]) > 0:
        rest = (match["rest"] or "").strip()
        # A bare number with nothing after it is a page number, not a recommendation.
        if rest or match["punct"]:
            return _Marker("plain", int(match["num"]), rest, punct=bool(match["punct"]))
    match = _ROMAN_NUMBER.match(line)
    if match:
        number = roman_to_int(match["num"])
        if number:
            return _Marker("roman", number, (match["rest"] or "").strip())
    match = _BULLET.match(line)
    if match:
        indent = len(match["indent"].expandtabs(4))
        return _Marker("bullet", 0, match["rest"].strip(), indent=indent)
    return None


def _sub_point(line: str) -> str | None:
    """Returns the text of a lettered or roman sub-point line such as "(a) ..." or "b) ..."."""
    match = _LETTER_POINT.match(line)
    if match:
        return (match["rest"] or match["rest2"]).strip()
    match = _LOWER_ROMAN_POINT.match(line)
    if match and roman_to_int(match["roman"]):
        return match["rest"].strip()
    return None


def _page_litter(line: str, number: int) -> str | None:
    """Returns the warning for dropping line `number` when it is page litter, else None."""
    for pattern, warning in _PAGE_LITTER:
        if pattern.match(line):
            return warning.format(line=line.strip(), number=number)
    return None


def _normalise(text: str) -> list[str]:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n")
    # No NUL or other control character reaches a recommendation (PostgreSQL refuses NUL).
    text = inputs.clean_text(text)
    text = text.replace("\u00a0", " ").replace("\u2009", " ").replace("\u200b", "")
    return [line.rstrip().expandtabs(4) for line in text.split("\n")]


def _quote(line: str, limit: int = 60) -> str:
    line = " ".join(line.split())
    return f"“{line if len(line) <= limit else line[: limit - 1].rstrip() + '…'}”"


def _looks_like_title(text: str) -> bool:
    words = text.split()
    return 0 < len(words) <= TITLE_MAX_WORDS and not re.search(r"[.;,]\s*$", text)


def derive_title(text: str) -> str:
    """Returns a short title made from a recommendation's text.

    The first clause (up to a full stop, colon or semicolon), without a trailing
    "by"; cut at a word boundary with an ellipsis when longer than about 70 characters.
    """
    first = re.split(r"(?<=[.:;])\s|[.:;]\s*$", " ".join(text.split()), maxsplit=1)[0]
    first = re.sub(r"[\s.:;,]+$", "", first)
    first = re.sub(r"\s+(?:by|through|including|as follows)$", "", first, flags=re.IGNORECASE)
    if len(first) > DERIVED_TITLE_LENGTH:
        cut = first[:DERIVED_TITLE_LENGTH].rsplit(" ", 1)[0]
        first = re.sub(r"[\s,;:–-]+$", "", cut) + "…"
    return first[:1].upper() + first[1:]


def _split_title(rest: str) -> tuple[str, str] | None:
    """Splits "City Centre masterplan: The council should..." into title and text."""
    match = re.match(r"^(?P<title>[^.:;–—]{2,80}?)\s*(?::|\s[–—-])\s+(?P<text>\S.*)$", rest)
    if match and _looks_like_title(match["title"]) and len(match["text"].split()) >= 4:
        return match["title"].strip(), match["text"].strip()
    return None


# --- the parser ------------------------------------------------------------------------


@dataclass
class _Item:
    number: int
    heading: str  # what followed the number on its line
    paragraphs: list[list[str]] = field(default_factory=list)
    sub_points: list[str] = field(default_factory=list)
    last_was_sub_point: bool = False

    def add_text(self, line: str, *, new_paragraph: bool) -> None:
        if self.last_was_sub_point and not new_paragraph:
            # A wrapped sub-point (PDF extraction breaks long bullets over lines).
            self.sub_points[-1] = f"{self.sub_points[-1]} {line.strip()}"
            return
        self.last_was_sub_point = False
        if new_paragraph or not self.paragraphs:
            self.paragraphs.append([])
        self.paragraphs[-1].append(line.strip())

    def add_sub_point(self, text: str) -> None:
        self.sub_points.append(text.strip())
        self.last_was_sub_point = True


def _join_paragraphs(paragraphs: list[list[str]]) -> str:
    """Joins paragraphs, mending a sentence a page break cut in two."""
    out = ""
    for lines in paragraphs:
        paragraph = " ".join(line for line in lines if line)
        if not paragraph:
            continue
        if not out:
            out = paragraph
        elif _SENTENCE_END.search(out):
            out = f"{out}\n\n{paragraph}"
        else:
            out = f"{out} {paragraph}"
    return out


def _finish(item: _Item, style: str) -> ParsedRecommendation:
    heading = item.heading
    body = _join_paragraphs(item.paragraphs)
    title = ""
    if style != "bullet" and heading:
        if body and _looks_like_title(heading):
            title, text = heading, body
        else:
            split = _split_title(heading)
            if split:
                title, first = split
                text = f"{first} {body}".strip() if body else first
            else:
                text = f"{heading} {body}".strip() if body else heading
    elif style != "bullet" and not heading and body and item.paragraphs:
        # "1." alone on its line, then a title line, then the text.
        first_line = item.paragraphs[0][0]
        rest_of_first = item.paragraphs[0][1:]
        remaining = ([rest_of_first] if rest_of_first else []) + item.paragraphs[1:]
        if remaining and _looks_like_title(first_line):
            title, text = first_line, _join_paragraphs(remaining)
        else:
            text = body
    else:
        text = f"{heading} {body}".strip() if body else heading
    if not title and not body and not item.sub_points and _looks_like_title(heading):
        # A list of headings without text: the heading is the title, and stands in for the text.
        return ParsedRecommendation(
            number=item.number,
            title=heading[:TITLE_MAX_LENGTH],
            text=heading,
            title_derived=False,
            text_from_title=True,
        )
    derived = not title
    if derived:
        title = derive_title(text or (item.sub_points[0] if item.sub_points else ""))
    return ParsedRecommendation(
        number=item.number,
        title=title[:TITLE_MAX_LENGTH],
        text=text,
        sub_points=list(item.sub_points),
        title_derived=derived,
    )


def _continues(marker: _Marker, style: str, section: str, expected: int) -> bool:
    if marker.style != style or marker.number != expected:
        return False
    return style != "section" or marker.section == section


# "a) Strategic vision", "(b) ...", "c. ...": a lettered list when no numbered one comes first.
_LETTER_ITEM = re.compile(r"^\s*\(?(?P<letter>[a-z])[).]\s+(?P<rest>\S.*)$")
# A sentence that introduces the list: "The peer team made the following recommendations:".
_LEAD_IN = re.compile(
    r"\brecommendations?\b[^.]{0,120}(?::\s*$|\b(?:are|were|is)\s+(?:as\s+follows|set\s+out\s+"
    r"below|listed\s+below|below)\b)|\bfollowing\b[^.]{0,60}\brecommendations?\b",
    re.IGNORECASE,
)
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
}
_STATED_COUNT = re.compile(
    r"\b(?P<n>[0-9]{1,2}|" + "|".join(_NUMBER_WORDS) + r")\s+(?:key\s+|main\s+|headline\s+|"
    r"core\s+|priority\s+|further\s+|specific\s+)?recommendations\b",
    re.IGNORECASE,
)
# The five core components of a CPC (2024 and the older wording), which head report sections.
CORE_COMPONENTS = (
    "local priorities and outcomes",
    "organisational and place leadership",
    "governance and culture",
    "financial planning and management",
    "capacity for improvement",
    "understanding of the local place and priority setting",
    "leadership of place",
    "organisational leadership and governance",
    "financial planning and viability",
    "capacity to deliver",
)
REPORT_SECTIONS = (
    "introduction",
    "executive summary",
    "key recommendations",
    "recommendations",
    "summary of the peer challenge approach",
    "summary of the peer challenge",
    "feedback",
    "next steps",
    "background",
    "contact details",
    "contact",
    "appendix",
    "appendices",
    "contents",
    "purpose",
    "purpose of the peer challenge",
    "scope and focus",
    "the peer team",
    "approach",
    "summary",
    "conclusion",
    "conclusions",
    "context",
    "foreword",
    "methodology",
    "findings",
    "detailed findings",
    "feedback report",
    "the peer challenge process",
    "final thoughts and next steps",
    "progress review",
    "the progress review",
    "summary of the progress review approach",
    "progress against recommendations",
    "council's response",
    "action plan",
)


def _plain(text: str) -> str:
    """Returns a heading without its leading number, trailing page number or dot leaders."""
    text = re.sub(r"^\s*(?:[0-9]{1,2}(?:\.[0-9]{1,2})*\.?|[a-z][).]|[ivx]+[.)])\s+", "", text.lower())
    text = re.sub(r"[\s.·…_]*[0-9]{1,3}\s*$", "", text)
    return " ".join(re.sub(r"[^a-z' ]+", " ", text).split())


@dataclass
class _Candidate:
    """One list the text holds, read from `start`, with what it looks like."""

    start: int  # index of the list's first line
    end: int  # index after its last line
    anchor: str  # the heading or lead-in it was read under, or ""
    style: str
    items: list[_Item]
    warnings: list[str]
    stopped_at: str
    looks_like: str = ""  # "" | a reason it is probably not the recommendations


def _prose_follows(lines: list[str], index: int, style: str, expected: int, indent: int) -> bool:
    """Returns True when no further item of the list follows the line at `index` (within a few
    lines): the line then closes the list rather than continuing its last item."""
    seen = 0
    for line in lines[index + 1 :]:
        if not line.strip():
            continue
        seen += 1
        if style == "bullet":
            match = _BULLET.match(line)
            if match and len(match["indent"].expandtabs(4)) <= indent:
                return False
        elif style == "letter":
            match = _LETTER_ITEM.match(line)
            if match and ord(match["letter"]) - 96 == expected:
                return False
        else:
            marker = _marker(line)
            if marker and marker.number == expected and marker.style == style:
                return False
        if seen >= 4:
            break
    return True


def _read_list(lines: list[str], start: int, anchor: str) -> _Candidate:
    """Reads the first list at or after `start` until it ends (the existing rules, plus lettered
    lists and a prose line that closes a list)."""
    warnings: list[str] = []
    items: list[_Item] = []
    style = ""
    section = ""
    bullet_indent = 0
    preamble: list[str] = []
    pending_heading: tuple[int, str] | None = None
    blank_before = False
    stopped_at = ""
    first = start
    end = len(lines)
    previous = ""

    for index in range(start, len(lines)):
        number = index + 1
        line = lines[index].rstrip()
        if not line.strip():
            blank_before = True
            continue
        litter = _page_litter(line, number)
        if litter:
            warnings.append(litter)
            continue
        marker = _marker(line)
        current = items[-1] if items else None
        if (
            _SECTION_HEADING.match(line)
            and len(line.split()) <= 12
            and not (current and marker and _continues(marker, style, section, current.number + 1))
        ):
            # (A heading that continues the numbering is an entry of a contents list.)
            if style:
                warnings.append(f"Ignored the heading {_quote(line)} (line {number}).")
            continue

        if not style:
            letter = _LETTER_ITEM.match(line)
            if marker and (marker.style == "bullet" or marker.number == 1):
                style, section, bullet_indent = marker.style, marker.section, marker.indent
                first = index
                if preamble:
                    warnings.append(f"Ignored the introduction {_quote(' '.join(preamble))}.")
                items.append(_Item(number=1, heading=marker.rest))
                if marker.style == "bullet":
                    items[-1].add_text(marker.rest, new_paragraph=True)
                    items[-1].heading = ""
            elif letter and letter["letter"] == "a":
                style, first = "letter", index
                if preamble:
                    warnings.append(f"Ignored the introduction {_quote(' '.join(preamble))}.")
                items.append(_Item(number=1, heading=letter["rest"].strip()))
            else:
                preamble.append(line.strip())
            blank_before = False
            previous = line
            continue

        assert current is not None
        if style in ("bullet", "letter"):
            letter = _LETTER_ITEM.match(line)
            if style == "bullet" and marker and marker.style == "bullet":
                if marker.indent <= bullet_indent:
                    items.append(_Item(number=len(items) + 1, heading=""))
                    items[-1].add_text(marker.rest, new_paragraph=True)
                else:
                    current.add_sub_point(marker.rest)
            elif style == "letter" and letter and ord(letter["letter"]) - 96 == len(items) + 1:
                items.append(_Item(number=len(items) + 1, heading=letter["rest"].strip()))
            elif style == "letter" and marker and marker.style in ("bullet", "roman") and marker.rest:
                current.add_sub_point(marker.rest)
            elif marker and marker.style != "bullet":
                stopped_at, end = line, index
                break
            elif blank_before:
                stopped_at, end = line, index
                break
            elif (
                _SENTENCE_END.search(previous)
                and line.strip()[:1].isupper()
                and _prose_follows(lines, index, style, len(items) + 1, bullet_indent)
            ):
                # "- Last item.\nWe look forward to ...": a closing sentence, not the item's text.
                stopped_at, end = line, index
                break
            else:
                current.add_text(line, new_paragraph=False)
            blank_before = False
            previous = line
            continue

        # Numbered layouts.
        if marker and _continues(marker, style, section, current.number + 1):
            if pending_heading:
                warnings.append(f"Ignored the heading {_quote(pending_heading[1])} (line {pending_heading[0]}).")
                pending_heading = None
            items.append(_Item(number=marker.number, heading=marker.rest))
            blank_before = False
            previous = line
            continue
        if (
            marker
            and marker.style in ("plain", "section", "word")
            and (marker.punct or (blank_before and _looks_like_title(marker.rest)))
        ):
            # A numbered line that breaks the sequence starts the report's next section.
            stopped_at, end = line, index
            break
        if (
            not any(item.paragraphs or item.sub_points for item in items)
            and len(items) > 1
            and not _looks_like_title(line)
            and marker is None
            and _prose_follows(lines, index, style, current.number + 1, 0)
        ):
            # Numbered headings with no text, then a sentence: the sentence closes the list.
            stopped_at, end = line, index
            break
        if pending_heading:
            # The short line was not followed by a recommendation: it was text after all.
            current.add_text(pending_heading[1], new_paragraph=True)
            pending_heading = None
        sub_point = _sub_point(line)
        if marker and marker.style in ("bullet", "roman") and marker.rest:
            # Bullets, and "i."/"c." points that do not continue the numbering, are sub-points.
            current.add_sub_point(marker.rest)
        elif sub_point is not None:
            current.add_sub_point(sub_point)
        elif (
            blank_before
            and (current.paragraphs or current.sub_points)
            and _looks_like_title(line)
            and line.strip()[:1].isupper()
        ):
            # A short line on its own after the text: a heading if the next number follows.
            pending_heading = (number, line.strip())
        else:
            current.add_text(line, new_paragraph=blank_before)
        blank_before = False
        previous = line

    if pending_heading and items:
        items[-1].add_text(pending_heading[1], new_paragraph=True)
    return _Candidate(
        start=first, end=end, anchor=anchor, style=style, items=items, warnings=warnings, stopped_at=stopped_at
    )


def _judge(candidate: _Candidate, text_mentions_review: bool) -> str:
    """Returns why the list is probably not the recommendations, or ""."""
    titles = [
        _plain(item.heading or " ".join(item.paragraphs[0] if item.paragraphs else [])) for item in candidate.items
    ]
    if len(titles) < 2:
        return ""
    core = sum(1 for title in titles if any(title.startswith(name) for name in CORE_COMPONENTS))
    if core >= 3:
        return "it looks like the five core components of a corporate peer challenge"
    sections = sum(1 for title in titles if title in REPORT_SECTIONS)
    if sections * 2 >= len(titles):
        return "it looks like the report's section headings or contents"
    headings_only = all(not item.paragraphs and not item.sub_points for item in candidate.items)
    if text_mentions_review and headings_only and candidate.style != "bullet":
        return "it looks like a progress review's theme headings"
    return ""


def _first_line(item: _Item) -> str:
    return item.heading or (" ".join(item.paragraphs[0]) if item.paragraphs else "")


def _count_range(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"Recommendation {numbers[0]}"
    if numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"Recommendations {numbers[0]} to {numbers[-1]}"
    return "Recommendations " + ", ".join(str(n) for n in numbers)


MAX_CANDIDATES = 60


def parse_recommendations(text: str) -> ParseResult:
    """Returns the recommendations in `text` with warnings about anything left out.

    The recommendations are the list under a "Key recommendations" heading or a lead-in
    sentence ("The peer team made the following recommendations:"); without one, the
    first list that does not look like section headings or the core components. Other
    lists are reported in `skipped` with the reason. Raises RecommendationParseError when
    `text` is empty or has no recognisable recommendation.
    """
    if not text or not text.strip():
        raise RecommendationParseError("Paste the “Key recommendations” section of the feedback report.")
    lines = _normalise(text)
    stated = None
    match = _STATED_COUNT.search(" ".join(lines))
    if match:
        raw = match["n"].lower()
        stated = int(raw) if raw.isdigit() else _NUMBER_WORDS[raw]
    mentions_review = bool(re.search(r"progress\s+review", text[:200_000], re.IGNORECASE))

    # Where a list may start: under each heading or lead-in, and at each list's first line.
    starts: list[tuple[int, str]] = []
    list_starts = 0
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if (_SECTION_HEADING.match(line) and len(line.split()) <= 12) or (
            _LEAD_IN.search(stripped) and _marker(line) is None and len(stripped) < 400
        ):
            starts.append((index + 1, stripped))
            continue
        marker = _marker(line)
        letter = _LETTER_ITEM.match(line)
        before = next((lines[i] for i in range(index - 1, -1, -1) if lines[i].strip()), "")
        if list_starts >= MAX_CANDIDATES:
            continue  # headings and lead-ins are still looked for
        if (
            (marker and marker.style == "bullet" and not _BULLET.match(before))
            or (marker and marker.style != "bullet" and marker.number == 1)
            or (letter and letter["letter"] == "a" and not _LETTER_ITEM.match(before))
        ):
            starts.append((index, ""))
            list_starts += 1

    candidates: list[_Candidate] = []
    seen: set[int] = set()
    read: list[tuple[int, int]] = []  # the lines of each list read so far
    for start, anchor in starts or [(0, "")]:
        if not anchor and any(first <= start < end for first, end in read):
            continue  # inside a list already read: reading it again finds nothing new
        candidate = _read_list(lines, start, anchor)
        if not candidate.items or (not anchor and candidate.start in seen):
            continue
        seen.add(candidate.start)
        read.append((candidate.start, candidate.end))
        candidate.looks_like = _judge(candidate, mentions_review)
        candidates.append(candidate)
    if not candidates:
        raise RecommendationParseError(
            "No numbered recommendations were found. Paste the “Key recommendations” section "
            "with each recommendation starting with its number (such as “1.” or “2.1”), a letter "
            "(“a)”) or a bullet point."
        )

    def score(candidate: _Candidate) -> tuple[int, int, int, int, int]:
        with_text = sum(1 for item in candidate.items if item.paragraphs or item.sub_points)
        return (
            not candidate.looks_like,
            bool(candidate.anchor),
            stated is None or len(candidate.items) == stated,
            with_text,
            len(candidate.items),
        )

    # max() keeps the first of equals, so of two equal lists the earlier is taken.
    chosen = max(candidates, key=score)
    warnings = list(chosen.warnings)
    skipped: list[str] = []
    if chosen.anchor and any(line.strip() for line in lines[: chosen.start]):
        warnings.insert(0, f"Read the list under {_quote(chosen.anchor)}; the text before it was left out.")
    for other in candidates:
        if other is chosen or chosen.start <= other.start < chosen.end:
            continue
        kind = {"bullet": "bulleted", "letter": "lettered"}.get(other.style, "numbered")
        why = other.looks_like or (
            "the recommendations are the list under the heading or lead-in sentence"
            if chosen.anchor
            else "the recommendations are the first list that looks like them"
        )
        skipped.append(
            f"A {kind} list of {len(other.items)} at line {other.start + 1} "
            f"({_quote(_first_line(other.items[0]), 40)}): {why}."
        )
    if chosen.stopped_at:
        warnings.append(
            f"Stopped reading at {_quote(chosen.stopped_at)}: it does not continue the list "
            f"after recommendation {chosen.items[-1].number}, so it and everything after it were "
            "left out."
        )
    if chosen.looks_like:
        warnings.append(
            f"Check this list before importing it: {chosen.looks_like}, not the peer team's recommendations."
        )
    recommendations = [_finish(item, chosen.style) for item in chosen.items]
    if stated is not None and stated != len(recommendations):
        warnings.append(
            f"The text says there are {stated} recommendations, but {len(recommendations)} "
            f"{'was' if len(recommendations) == 1 else 'were'} found: check that none is missing "
            "or extra."
        )
    headings_only = [r.number for r in recommendations if r.text_from_title]
    if headings_only:
        warnings.append(
            f"{_count_range(headings_only)} {'has' if len(headings_only) == 1 else 'have'} a "
            "title but no text, so the title stands in for the text: add the text later."
        )
    derived = [r.number for r in recommendations if r.title_derived]
    if derived:
        warnings.append(
            f"{_count_range(derived)} had no title, so one was made from the text: check "
            f"{'it' if len(derived) == 1 else 'them'}."
        )
    return ParseResult(
        recommendations=recommendations,
        warnings=warnings,
        skipped=skipped,
        stated_count=stated,
        found_under=chosen.anchor,
    )
