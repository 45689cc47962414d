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


@dataclass
class ParseResult:
    recommendations: list[ParsedRecommendation]
    warnings: list[str]


# --- line classification -------------------------------------------------------------

_BULLET = re.compile(r"^(?P<indent>\s*)(?P<mark>[-•●▪◦*–·‣○■□➢►o])\s+(?P<rest>\S.*)$")
_LETTER_POINT = re.compile(
    r"^\s*\(?(?P<letter>[a-h])\)\s*(?P<rest>\S.*)$|^\s*(?P<letter2>[a-h])\.\s+(?P<rest2>\S.*)$"
)
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

_PAGE_NUMBER = re.compile(
    r"^\s*(?:page\s+)?\d{1,3}(?:\s*(?:of|/)\s*\d{1,3})?\s*$|^\s*[-–]\s*\d{1,3}\s*[-–]\s*$",
    re.IGNORECASE,
)
_BLANK_PAGE = re.compile(
    r"^\s*this\s+page\s+(?:is\s+|has\s+been\s+)?(?:intentionally|deliberately)\s+(?:left\s+)?blank\.?\s*$",
    re.IGNORECASE,
)
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
    parts = [(100, "c"), (90, "xc"), (50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"),
             (4, "iv"), (1, "i")]
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
        return _Marker("section", int(match["num"]), (match["rest"] or "").strip(),
                       section=match["section"])
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


def parse_recommendations(text: str) -> ParseResult:
    """Returns the recommendations in `text` with warnings about anything left out.

    Raises RecommendationParseError when `text` is empty or has no recognisable
    recommendation.
    """
    if not text or not text.strip():
        raise RecommendationParseError(
            "Paste the “Key recommendations” section of the feedback report."
        )
    lines = _normalise(text)
    warnings: list[str] = []

    # Pasting the whole report is fine: start after the "Key recommendations" heading.
    start = 0
    for index, line in enumerate(lines):
        if _SECTION_HEADING.match(line) and len(line.split()) <= 12:
            start = index + 1
            if any(previous.strip() for previous in lines[:index]):
                warnings.append(
                    f"Ignored the text before the heading {_quote(line)}."
                )
            break

    items: list[_Item] = []
    style = ""
    section = ""
    bullet_indent = 0
    preamble: list[str] = []
    pending_heading: tuple[int, str] | None = None  # a short line that may be a heading
    blank_before = False
    stopped_at = ""

    for number, raw in enumerate(lines[start:], start=start + 1):
        line = raw.rstrip()
        if not line.strip():
            blank_before = True
            continue
        if _BLANK_PAGE.match(line):
            warnings.append(f"Ignored “{line.strip()}” (line {number}).")
            continue
        if _PAGE_NUMBER.match(line):
            warnings.append(f"Ignored the page number {line.strip()} (line {number}).")
            continue
        if _SECTION_HEADING.match(line) and len(line.split()) <= 12:
            warnings.append(f"Ignored the heading {_quote(line)} (line {number}).")
            continue
        marker = _marker(line)
        current = items[-1] if items else None

        if not style:
            # The first marker numbered 1 (or the first bullet) fixes the layout.
            if marker and (marker.style == "bullet" or marker.number == 1):
                style, section, bullet_indent = marker.style, marker.section, marker.indent
                if preamble:
                    warnings.append(f"Ignored the introduction {_quote(' '.join(preamble))}.")
                items.append(_Item(number=1, heading=marker.rest))
                if marker.style == "bullet":
                    items[-1].add_text(marker.rest, new_paragraph=True)
                    items[-1].heading = ""
            else:
                preamble.append(line.strip())
            blank_before = False
            continue

        assert current is not None
        if style == "bullet":
            if marker and marker.style == "bullet":
                if marker.indent <= bullet_indent:
                    items.append(_Item(number=len(items) + 1, heading=""))
                    items[-1].add_text(marker.rest, new_paragraph=True)
                else:
                    current.add_sub_point(marker.rest)
            elif marker and marker.style != "bullet":
                stopped_at = line
                break
            elif blank_before:
                stopped_at = line
                break
            else:
                current.add_text(line, new_paragraph=False)
            blank_before = False
            continue

        # Numbered layouts.
        if marker and _continues(marker, style, section, current.number + 1):
            if pending_heading:
                warnings.append(
                    f"Ignored the heading {_quote(pending_heading[1])} (line {pending_heading[0]})."
                )
                pending_heading = None
            items.append(_Item(number=marker.number, heading=marker.rest))
            blank_before = False
            continue
        if marker and marker.style in ("plain", "section", "word") and (
            marker.punct or (blank_before and _looks_like_title(marker.rest))
        ):
            # A numbered line that breaks the sequence starts the report's next section.
            stopped_at = line
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
        elif (blank_before and (current.paragraphs or current.sub_points)
              and _looks_like_title(line) and line.strip()[:1].isupper()):
            # A short line on its own after the text: a heading if the next number follows.
            pending_heading = (number, line.strip())
        else:
            current.add_text(line, new_paragraph=blank_before)
        blank_before = False

    if pending_heading and items:
        items[-1].add_text(pending_heading[1], new_paragraph=True)
    if not items:
        raise RecommendationParseError(
            "No numbered recommendations were found. Paste the “Key recommendations” section "
            "with each recommendation starting with its number (such as “1.” or “2.1”) or a "
            "bullet point."
        )
    if stopped_at:
        warnings.append(
            f"Stopped reading at {_quote(stopped_at)}: it does not continue the numbering after "
            f"recommendation {items[-1].number}, so it and everything after it were left out."
        )
    recommendations = [_finish(item, style) for item in items]
    for recommendation in recommendations:
        if not recommendation.text:
            warnings.append(f"Recommendation {recommendation.number} has a title but no text.")
        if recommendation.title_derived:
            warnings.append(
                f"Recommendation {recommendation.number} had no title, so one was made from its "
                "text: check it."
            )
    return ParseResult(recommendations=recommendations, warnings=warnings)
