"""Hostile action plan uploads: how long the spreadsheet reader takes to refuse each, and how much memory.

    .venv/bin/python bench/hostile_uploads.py            # every file at full size
    .venv/bin/python bench/hostile_uploads.py --only huge-shared-string.xlsx

Builds each hostile file (zipfile and hand-written XML, or CSV text) into a temporary
folder, then reads it with `spreadsheets.read_action_plan` in a fresh Python process per
file, so one file's memory cannot hide another's. The child reports its wall-clock time
and its peak resident memory (`resource.getrusage` maxrss) before and after the read; the
table shows the file, its size on disk, the time, the peak and the growth of the peak
over the child's baseline (Python, openpyxl and the file's bytes), and the start of the
message. The issue's bar is every hostile file refused within 2 seconds and under 200 MB.

The builders are reused by `tests/recommendations/test_hostile_spreadsheets.py` at
smaller sizes; each takes its size as a keyword argument.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
HEADERS = ["Reference", "Recommendation number", "Action", "Lead officer", "Due date"]
ROW = ["1.1", "1", "Publish the workforce plan", "Bob Lead", "30/09/2024"]
CHUNK = 1 << 20

Chunks = Iterable[bytes]


# --- building -------------------------------------------------------------------------


def column_letter(index: int) -> str:
    """Returns the spreadsheet letters of a 1-based column index (16384 is XFD)."""
    letters = ""
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def inline_row(number: int, values: list[str]) -> bytes:
    """Returns a `<row>` of inline-string cells."""
    cells = "".join(
        f'<c r="{column_letter(i)}{number}" t="inlineStr"><is><t>{value}</t></is></c>'
        for i, value in enumerate(values, start=1))
    return f'<row r="{number}">{cells}</row>'.encode()


def sheet_xml(body: Chunks, *, dimension: str = "A1:E2", prolog: bytes = b"") -> Iterator[bytes]:
    """Yields a worksheet part: `prolog`, the dimension, then `body` inside `<sheetData>`."""
    yield b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + prolog
    yield (f'<worksheet xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><dimension ref="{dimension}"/>'
           "<sheetData>").encode()
    yield from body
    yield b"</sheetData></worksheet>"


def plan_rows() -> Iterator[bytes]:
    """Yields a header row and one action: a plan the reader accepts."""
    yield inline_row(1, HEADERS)
    yield inline_row(2, ROW)


def xlsx_package(*, sheet: Chunks | None = None, shared_strings: Chunks | None = None,
                 styles: Chunks | None = None, extra: dict[str, bytes] | None = None,
                 compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """Returns a minimal workbook (one sheet "Action plan") written part by part.

    Parts are streamed into the zip chunk by chunk, so a member of a gigabyte costs
    megabytes to build.
    """
    overrides = [("/xl/workbook.xml", "sheet.main"), ("/xl/worksheets/sheet1.xml", "worksheet")]
    relationships = [("worksheet", "worksheets/sheet1.xml")]
    if shared_strings is not None:
        overrides.append(("/xl/sharedStrings.xml", "sharedStrings"))
        relationships.append(("sharedStrings", "sharedStrings.xml"))
    if styles is not None:
        overrides.append(("/xl/styles.xml", "styles"))
        relationships.append(("styles", "styles.xml"))
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{part}" ContentType="application/vnd.openxmlformats-'
                  f'officedocument.spreadsheetml.{kind}+xml"/>' for part, kind in overrides)
        + "</Types>")
    package_rels = (f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" Type="{REL_NS}/'
                    'officeDocument" Target="xl/workbook.xml"/></Relationships>')
    workbook = (f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets><sheet name="Action plan" '
                'sheetId="1" r:id="rId1"/></sheets></workbook>')
    workbook_rels = (f'<Relationships xmlns="{PKG_REL_NS}">'
                     + "".join(f'<Relationship Id="rId{n}" Type="{REL_NS}/{kind}" Target="{target}"/>'
                               for n, (kind, target) in enumerate(relationships, start=1))
                     + "</Relationships>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", package_rels)
        archive.writestr("xl/workbook.xml", workbook)
        archive.writestr("xl/_rels/workbook.xml.rels", workbook_rels)
        parts = {"xl/worksheets/sheet1.xml": sheet if sheet is not None else sheet_xml(plan_rows())}
        if shared_strings is not None:
            parts["xl/sharedStrings.xml"] = shared_strings
        if styles is not None:
            parts["xl/styles.xml"] = styles
        for name, chunks in parts.items():
            with archive.open(name, "w", force_zip64=True) as member:
                for chunk in chunks:
                    member.write(chunk)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def _repeat(text: bytes, times: int) -> Iterator[bytes]:
    per_chunk = max(1, CHUNK // len(text))
    while times > 0:
        count = min(times, per_chunk)
        yield text * count
        times -= count


def blank_rows_to_xfd(*, rows: int = 5_000) -> bytes:
    """A plan followed by `rows` blank rows, each a styled empty cell in column XFD, with a
    `<dimension>` claiming A1:XFD1048576 (what openpyxl pads every row to)."""
    def body() -> Iterator[bytes]:
        yield from plan_rows()
        for start in range(3, rows + 3, 10_000):
            yield b"".join(f'<row r="{n}"><c r="XFD{n}" s="0"/></row>'.encode()
                           for n in range(start, min(start + 10_000, rows + 3)))
    return xlsx_package(sheet=sheet_xml(body(), dimension="A1:XFD1048576"))


def far_corner_cell() -> bytes:
    """A plan and one empty cell at XFD1048576: a tiny file whose rows reach the sheet's end."""
    body = [*plan_rows(), b'<row r="1048576"><c r="XFD1048576" s="0"/></row>']
    return xlsx_package(sheet=sheet_xml(body, dimension="A1:XFD1048576"))


def huge_shared_string(*, characters: int = 1_000_000_000) -> bytes:
    """A plan whose action text is one shared string of `characters` letters (1 GB: 1 MB zipped)."""
    def strings() -> Iterator[bytes]:
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="1" uniqueCount="1"><si><t>'.encode()
        yield from _repeat(b"A", characters)
        yield b"</t></si></sst>"
    row = (b'<row r="2"><c r="A2" t="inlineStr"><is><t>1.1</t></is></c><c r="B2"><v>1</v></c>'
           b'<c r="C2" t="s"><v>0</v></c></row>')
    return xlsx_package(sheet=sheet_xml([inline_row(1, HEADERS), row]), shared_strings=strings())


def many_shared_strings(*, count: int = 2_000_000,
                        compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A shared string table of `count` one-letter strings."""
    def strings() -> Iterator[bytes]:
        yield f'<sst xmlns="{MAIN_NS}">'.encode()
        yield from _repeat(b"<si><t>x</t></si>", count)
        yield b"</sst>"
    return xlsx_package(shared_strings=strings(), compression=compression)


def long_cell_text(*, characters: int = 200_000) -> bytes:
    """One shared string longer than a cell may hold (Excel's own limit is 32,767)."""
    strings = [f'<sst xmlns="{MAIN_NS}"><si><t>'.encode(), b"B" * characters, b"</t></si></sst>"]
    return xlsx_package(shared_strings=strings)


def long_inline_text(*, characters: int = 2_000_000) -> bytes:
    """A sheet cell holding `characters` letters as an inline string."""
    row = (b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + b"C" * characters + b"</t></is></c></row>")
    return xlsx_package(sheet=sheet_xml([inline_row(1, HEADERS), row]))


def long_number(*, digits: int = 5000) -> bytes:
    """A numeric cell of `digits` digits (Python refuses to read an int over 4,300 digits)."""
    row = f'<row r="2"><c r="A2"><v>{"9" * digits}</v></c><c r="B2"><v>1</v></c></row>'.encode()
    return xlsx_package(sheet=sheet_xml([inline_row(1, HEADERS), row]))


def wide_row(*, columns: int = 16_384) -> bytes:
    """A plan plus one row with a number in each of `columns` columns (to XFD)."""
    cells = "".join(f'<c r="{column_letter(i)}3"><v>{i}</v></c>' for i in range(1, columns + 1))
    return xlsx_package(sheet=sheet_xml([*plan_rows(), f'<row r="3">{cells}</row>'.encode()]))


def many_styles(*, formats: int = 1_000_000, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    """A style sheet of `formats` cell formats (openpyxl loads every one, even read-only)."""
    def styles() -> Iterator[bytes]:
        yield f'<styleSheet xmlns="{MAIN_NS}"><cellXfs count="{formats}">'.encode()
        yield from _repeat(b'<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>', formats)
        yield b"</cellXfs></styleSheet>"
    return xlsx_package(styles=styles(), compression=compression)


def entity_expansion() -> bytes:
    """The "billion laughs": ten levels of entities, each ten of the one below."""
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10}">' for n in range(1, 10)]
    prolog = ("<!DOCTYPE worksheet [" + "".join(entities) + "]>").encode()
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    return xlsx_package(sheet=sheet_xml([inline_row(1, HEADERS), row], prolog=prolog))


def external_entity() -> bytes:
    """A shared string table that asks to include a file of the server."""
    strings = [b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY secret SYSTEM "file:///etc/passwd">]>',
               f'<sst xmlns="{MAIN_NS}"><si><t>&secret;</t></si></sst>'.encode()]
    return xlsx_package(shared_strings=strings)


def many_members(*, members: int = 50_000) -> bytes:
    """A workbook with `members` tiny extra files in its zip."""
    return xlsx_package(extra={f"xl/media/m{n}.xml": b"" for n in range(members)})


def bzip2_member(*, characters: int = 200_000_000) -> bytes:
    """A workbook compressed with bzip2, which Excel never writes and which expands without a
    bound per read."""
    def strings() -> Iterator[bytes]:
        yield f'<sst xmlns="{MAIN_NS}"><si><t>'.encode()
        yield from _repeat(b"D", characters)
        yield b"</t></si></sst>"
    return xlsx_package(shared_strings=strings(), compression=zipfile.ZIP_BZIP2)


def lying_sizes(*, characters: int = 50_000_000) -> bytes:
    """A shared string table whose zip directory entry says it is 100 bytes."""
    data = bytearray(huge_shared_string(characters=characters))
    archive = zipfile.ZipFile(io.BytesIO(bytes(data)))
    info = archive.getinfo("xl/sharedStrings.xml")
    # Rewrites the uncompressed size in the central directory record of the member (its zip64
    # extra field when present, else the 32-bit field).
    name = info.filename.encode()
    start = data.rfind(b"PK\x01\x02", 0, data.rfind(name))
    if info.file_size >= 0xFFFFFFFF or data[start + 24:start + 28] == b"\xff\xff\xff\xff":
        extra_start = start + 46 + len(name)
        data[extra_start + 4:extra_start + 12] = (100).to_bytes(8, "little")
    else:
        data[start + 24:start + 28] = (100).to_bytes(4, "little")
    return bytes(data)


def not_a_zip() -> bytes:
    """Random bytes after a zip signature, named .xlsx."""
    return b"PK\x03\x04" + os.urandom(20_000)


def cells_at_limit(*, rows: int = 1_990, columns: int = 25) -> bytes:
    """A header and `rows` rows of `columns` numbers: just inside the cell limit (50,000)."""
    def body() -> Iterator[bytes]:
        yield inline_row(1, HEADERS)
        for r in range(2, rows + 2):
            yield (f'<row r="{r}">' + "".join(f'<c r="{column_letter(c)}{r}"><v>{c}</v></c>'
                                               for c in range(1, columns + 1)) + "</row>").encode()
    return xlsx_package(sheet=sheet_xml(body(), dimension=f"A1:{column_letter(columns)}{rows + 1}"))


def styles_at_limit(*, formats: int = 19_950) -> bytes:
    """A style sheet just inside the limit of 20,000 formats and other settings."""
    return many_styles(formats=formats, compression=zipfile.ZIP_STORED)


def merged_cells_at_limit(*, ranges: int = 19_950) -> bytes:
    """A plan whose sheet merges `ranges` pairs of cells: just inside the same limit."""
    merges = (f'<mergeCells count="{ranges}">'.encode()
              + b"".join(f'<mergeCell ref="A{r}:B{r}"/>'.encode() for r in range(3, ranges + 3))
              + b"</mergeCells>")
    chunks = list(sheet_xml(plan_rows()))
    chunks[-1] = b"</sheetData>" + merges + b"</worksheet>"
    return xlsx_package(sheet=chunks)


def real_plan(*, actions: int = 2_000) -> bytes:
    """peertrack's own export of a plan of `actions` actions (the most a file may hold)."""
    import datetime as dt

    from recommendations.spreadsheets import build_export

    return build_export(rows=[{
        "reference": f"{n % 20 + 1}.{n // 20 + 1}", "recommendation": n % 20 + 1,
        "description": f"Action {n}: publish and deliver the agreed plan with partners " * 2,
        "lead_officer": f"Officer {n % 30} <officer{n % 30}@bench.invalid>",
        "cabinet_member": "Cllr Example", "directorate": "Place",
        "start_date": dt.date(2024, 2, 1), "due_date": dt.date(2024, 9, 30),
        "rag": "Green", "narrative": f"Progress on action {n}.",
    } for n in range(actions)])


def csv_one_long_line(*, characters: int = 9_000_000) -> bytes:
    """A CSV file whose second line is one field of `characters` letters."""
    return ",".join(HEADERS).encode() + b"\r\n" + b"E" * characters + b"\r\n"


def csv_commas(*, commas: int = 9_000_000) -> bytes:
    """A CSV file whose second line is `commas` commas: millions of empty cells in one row."""
    return ",".join(HEADERS).encode() + b"\r\n" + b"," * commas + b"\r\n"


def csv_blank_lines(*, lines: int = 4_500_000) -> bytes:
    """A CSV plan followed by `lines` empty lines."""
    return (",".join(HEADERS) + "\r\n" + ",".join(ROW) + "\r\n").encode() + b"\r\n" * lines


def csv_quoted_newlines(*, lines: int = 1_000_000) -> bytes:
    """One quoted field running over `lines` lines of commas (a row the csv module never ends)."""
    return ",".join(HEADERS).encode() + b'\r\n"' + b",,,,,,,,\n" * lines + b'"\r\n'


def csv_too_big(*, megabytes: int = 50) -> bytes:
    """A 50 MB CSV file (the upload limit is 10 MB)."""
    return ",".join(HEADERS).encode() + b"\r\n" + b"1.1,1,x,y,z\r\n" * (megabytes * 2**20 // 13)


@dataclass(frozen=True)
class Hostile:
    filename: str
    build: Callable[[], bytes]


HOSTILE: tuple[Hostile, ...] = (
    Hostile("blank-rows-to-xfd.xlsx", blank_rows_to_xfd),
    Hostile("blank-rows-100k.xlsx", lambda: blank_rows_to_xfd(rows=100_000)),
    Hostile("far-corner-cell.xlsx", far_corner_cell),
    Hostile("huge-shared-string.xlsx", huge_shared_string),
    Hostile("many-shared-strings.xlsx", many_shared_strings),
    Hostile("long-cell-text.xlsx", long_cell_text),
    Hostile("long-inline-text.xlsx", long_inline_text),
    Hostile("long-number.xlsx", long_number),
    Hostile("wide-row.xlsx", wide_row),
    Hostile("many-styles.xlsx", many_styles),
    Hostile("entity-expansion.xlsx", entity_expansion),
    Hostile("external-entity.xlsx", external_entity),
    Hostile("many-members.xlsx", many_members),
    Hostile("bzip2-member.xlsx", bzip2_member),
    Hostile("lying-sizes.xlsx", lying_sizes),
    Hostile("not-a-zip.xlsx", not_a_zip),
    Hostile("one-long-line.csv", csv_one_long_line),
    Hostile("commas.csv", csv_commas),
    Hostile("blank-lines.csv", csv_blank_lines),
    Hostile("quoted-newlines.csv", csv_quoted_newlines),
    Hostile("too-big.csv", csv_too_big),
)
# Files inside every limit: what the slowest accepted upload costs, against a real plan.
ACCEPTED: tuple[Hostile, ...] = (
    Hostile("real-plan-2000.xlsx", real_plan),
    Hostile("cells-at-limit.xlsx", cells_at_limit),
    Hostile("styles-at-limit.xlsx", styles_at_limit),
    Hostile("merged-cells-at-limit.xlsx", merged_cells_at_limit),
)


# --- measuring ------------------------------------------------------------------------


def _resident_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def _child(path: str) -> None:
    """Reads one file and prints a JSON line: seconds, peak memory before and after, result."""
    import resource

    from recommendations.spreadsheets import SpreadsheetError, read_action_plan

    data = Path(path).read_bytes()
    # Linux carries the peak over from the parent across exec; "5" resets it to what is
    # resident now (Linux 4.0+), so the peak below is this read's.
    try:
        Path("/proc/self/clear_refs").write_text("5")
        before = _resident_kib("VmRSS")
    except OSError:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    try:
        result = read_action_plan(data, Path(path).name)
        outcome = f"read: {len(result.rows)} rows, {len(result.errors)} cell errors"
    except SpreadsheetError as error:
        outcome = f"refused: {error}"
    elapsed = time.perf_counter() - started
    after = _resident_kib("VmHWM") or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": elapsed, "before_kib": before, "after_kib": after,
                      "outcome": outcome}))


def _measure(path: Path, timeout: float) -> dict[str, object]:
    started = time.perf_counter()
    try:
        process = subprocess.run(  # noqa: S603 - this script on a file it wrote
            [sys.executable, __file__, "--child", str(path)], capture_output=True, text=True,
            timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"seconds": time.perf_counter() - started, "before_kib": 0, "after_kib": 0,
                "outcome": f"still running after {timeout:.0f} s (killed)"}
    if process.returncode != 0:
        last = (process.stderr.strip().splitlines() or ["?"])[-1]
        return {"seconds": time.perf_counter() - started, "before_kib": 0, "after_kib": 0,
                "outcome": f"crashed ({process.returncode}): {last}"}
    return dict(json.loads(process.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--only", action="append", help="a file name from the table (repeatable)")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="seconds before a read is killed (default 60)")
    args = parser.parse_args()
    if args.child:
        _child(args.child)
        return
    print(f"Hostile uploads, {time.strftime('%Y-%m-%d %H:%M')}; load: {os.getloadavg()}")
    print("| file | size on disk | seconds | peak RSS MiB | growth MiB | result |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as folder:
        for hostile in HOSTILE + ACCEPTED:
            if args.only and hostile.filename not in args.only:
                continue
            path = Path(folder) / hostile.filename
            path.write_bytes(hostile.build())
            figures = _measure(path, args.timeout)
            after = int(figures["after_kib"]) / 1024  # type: ignore[call-overload]
            growth = after - int(figures["before_kib"]) / 1024  # type: ignore[call-overload]
            size = path.stat().st_size
            shown = f"{size / 1024:,.0f} KiB" if size < 2**20 else f"{size / 2**20:,.1f} MiB"
            outcome = str(figures["outcome"])
            print(f"| {hostile.filename} | {shown} | {float(figures['seconds']):.2f} "  # type: ignore[arg-type]
                  f"| {after:.0f} | {growth:.0f} | {outcome[:90]} |", flush=True)
            path.unlink()


if __name__ == "__main__":
    main()
