"""Evidence files on progress updates: which files are accepted, and storing them with their update.

Accepted, up to `PEERTRACK_EVIDENCE_MAX_FILES` files per update of up to `PEERTRACK_EVIDENCE_MAX_BYTES`
each: PDF, Word (.docx, .doc), Excel (.xlsx, .xls), PowerPoint (.pptx, .ppt), images (PNG, JPEG, GIF,
WebP) and CSV. What a file is comes from its content, never its name, and the name's extension must
agree with it:

- PDF and images by their magic bytes (`filetype`);
- Word, Excel and PowerPoint (.docx, .xlsx, .pptx): a zip whose directory and listed sizes pass the
  limits the action plan reader puts on workbooks (`recommendations.spreadsheets`: number of members,
  size expanded, compression ratio, no encryption, no unusual compression), with no member listed
  twice, and whose `[Content_Types].xml` (no DTDs) names exactly one main part, of the claimed kind,
  inside that kind's folder (word/, xl/, ppt/); macro-enabled documents are refused;
- Word, Excel and PowerPoint 97-2003 (.doc, .xls, .ppt): an OLE2 compound file whose top level holds
  the claimed kind's stream (WordDocument; Workbook or Book; PowerPoint Document); Word and Excel
  macros and password-protected Office files (an encrypted package) are refused;
- CSV: text that reads as UTF-8 (or Windows-1252, which Excel writes) and holds no NUL byte.

Nothing here scans for malware: files are only ever sent back as downloads (`Content-Disposition:
attachment`, `X-Content-Type-Options: nosniff`, the content type found here), to people who may read
the action. `record_progress` stores an update and its files together: the files through Django's
default storage under `evidence/<challenge slug>/<random>.<extension>` (never the uploader's name,
which is kept, cleaned, on the row), the rows in one transaction; if anything fails, the files
already written are deleted again, so neither the update nor any file is kept.
"""

from __future__ import annotations

import hashlib
import io
import math
import struct
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote
from xml.parsers import expat

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from peertrack import inputs
from recommendations.models import Action, EvidenceFile, ProgressUpdate
from recommendations.spreadsheets import (
    SpreadsheetError,
    _check_zip_directory,
    _check_zip_members,
    _refuse_declarations,
)

ALLOWED = "a PDF, Word, Excel, PowerPoint, image or CSV file"
NAME_MAX_LENGTH = 200  # EvidenceFile.name
# [Content_Types].xml lists a few dozen parts; a real one is a few kilobytes.
MAX_CONTENT_TYPES_BYTES = 1024 * 1024
_OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_SIGNATURE = b"PK\x03\x04"


@dataclass(frozen=True)
class Kind:
    """A kind of file peertrack accepts as evidence."""

    extension: str  # the usual one, used for the stored copy
    label: str  # "Word document"
    article: str  # "a" or "an", for "an Excel spreadsheet"
    content_type: str
    application: str = ""  # the program that saves it again, for messages

    @property
    def a_label(self) -> str:
        return f"{self.article} {self.label}"


PDF = Kind("pdf", "PDF", "a", "application/pdf")
DOCX = Kind("docx", "Word document", "a",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word")
XLSX = Kind("xlsx", "Excel spreadsheet", "an",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel")
PPTX = Kind("pptx", "PowerPoint presentation", "a",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation", "PowerPoint")
DOC = Kind("doc", "Word 97-2003 document", "a", "application/msword", "Word")
XLS = Kind("xls", "Excel 97-2003 spreadsheet", "an", "application/vnd.ms-excel", "Excel")
PPT = Kind("ppt", "PowerPoint 97-2003 presentation", "a", "application/vnd.ms-powerpoint", "PowerPoint")
PNG = Kind("png", "PNG image", "a", "image/png")
JPEG = Kind("jpg", "JPEG image", "a", "image/jpeg")
GIF = Kind("gif", "GIF image", "a", "image/gif")
WEBP = Kind("webp", "WebP image", "a", "image/webp")
CSV = Kind("csv", "CSV file", "a", "text/csv")

# By the extension a file's name may end with.
KINDS: dict[str, Kind] = {
    "pdf": PDF, "docx": DOCX, "xlsx": XLSX, "pptx": PPTX, "doc": DOC, "xls": XLS, "ppt": PPT,
    "png": PNG, "jpg": JPEG, "jpeg": JPEG, "gif": GIF, "webp": WEBP, "csv": CSV,
}
# What the file chooser offers (the server checks again, by content).
ACCEPT = ",".join(f".{extension}" for extension in KINDS)
_BY_MAGIC = {kind.content_type: kind for kind in (PDF, PNG, JPEG, GIF, WEBP)}

# The main part of an Office Open XML package, by its content type.
_OOXML_MAIN = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (DOCX, "word/"),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": (XLSX, "xl/"),
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": (PPTX, "ppt/"),
}
_OOXML_MACROS = {
    "application/vnd.ms-word.document.macroEnabled.main+xml": DOCX,
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml": DOCX,
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": XLSX,
    "application/vnd.ms-excel.template.macroEnabled.main+xml": XLSX,
    "application/vnd.ms-excel.addin.macroEnabled.main+xml": XLSX,
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml": PPTX,
    "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml": PPTX,
    "application/vnd.ms-powerpoint.template.macroEnabled.main+xml": PPTX,
    "application/vnd.ms-powerpoint.addin.macroEnabled.main+xml": PPTX,
}
# The stream at the top of an OLE2 compound file that says what it is.
_OLE2_MAIN = {"WordDocument": DOC, "Workbook": XLS, "Book": XLS, "PowerPoint Document": PPT}
_OLE2_MACROS = {"Macros", "_VBA_PROJECT_CUR"}  # Word's and Excel's macro storages
_OLE2_ENCRYPTED = "EncryptedPackage"  # a password-protected .docx, .xlsx or .pptx


class EvidenceError(ValueError):
    """A file cannot be accepted as evidence; the message names it and says why."""


class EvidenceStorageError(Exception):
    """The files could not be written to storage; nothing was kept."""


@dataclass(frozen=True)
class CheckedFile:
    """An uploaded file that passed the checks, with what they found."""

    upload: UploadedFile
    name: str  # cleaned, ends with the extension that agrees with `kind`
    kind: Kind
    size: int
    sha256: str


def label_of(content_type: str) -> str:
    """Returns what a stored file is, in words, from its content type."""
    for kind in KINDS.values():
        if kind.content_type == content_type:
            return kind.label
    return "File"


def max_files() -> int:
    return int(settings.PEERTRACK_EVIDENCE_MAX_FILES)


def max_bytes() -> int:
    return int(settings.PEERTRACK_EVIDENCE_MAX_BYTES)


def megabytes(size: int) -> str:
    """Returns a size in MB as people read it, rounded up to a tenth: "20 MB", "20.1 MB", "0.1 MB"."""
    value = size / (1024 * 1024)
    if value == int(value):
        return f"{value:,.0f} MB"
    return f"{math.ceil(value * 10) / 10:,.1f} MB"


# --- names -------------------------------------------------------------------------------


def clean_name(raw: str) -> str:
    """Returns the uploaded file's name fit to show and to offer back as a download name.

    The last path segment only; no control or invisible formatting characters (a right-to-left
    override can make "report\\u202efdp.exe" look like "reportexe.pdf"); spaces collapsed; at most
    200 characters, keeping the extension.
    """
    name = unicodedata.normalize("NFC", raw.replace("\\", "/").rpartition("/")[2])
    name = inputs.clean_text(name, multiline=False)
    name = "".join(character for character in name if unicodedata.category(character) not in ("Cf", "Cc"))
    name = " ".join(name.split()).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    extension = extension[:10]
    if not stem.strip():
        stem = "evidence"
    room = NAME_MAX_LENGTH - (len(extension) + 1 if extension else 0)
    stem = stem[:room].rstrip(" .") or "evidence"
    return f"{stem}.{extension}" if extension else stem


def _shown(name: str) -> str:
    """Returns a file name as a message shows it: long names are shortened in the middle."""
    return name if len(name) <= 80 else f"{name[:50]}…{name[-25:]}"


def extension_of(name: str) -> str:
    return name.rpartition(".")[2].lower() if "." in name else ""


def content_disposition(name: str) -> str:
    """Returns an attachment header naming the file (RFC 6266): an ASCII fallback, then UTF-8."""
    fallback = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    fallback = "".join(c if c.isalnum() or c in " ._-()" else "_" for c in fallback).strip(" .") or "evidence"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


# --- what a file is ------------------------------------------------------------------------


def _refused_office(name: str, claimed: Kind) -> EvidenceError:
    application = claimed.application or "the program that made it"
    return EvidenceError(
        f"{_shown(name)} could not be opened safely as {claimed.a_label}: it is damaged, or it expands "
        f"to far more than a real document does. Open it in {application}, save it again and choose it again"
    )


def _ooxml_kind(data: bytes, name: str, claimed: Kind) -> Kind | None:
    """Returns the kind of Office Open XML package `data` is, or None when it is not one."""
    try:
        _check_zip_directory(data)
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (SpreadsheetError, zipfile.BadZipFile, EOFError, ValueError, NotImplementedError,
            struct.error):
        raise _refused_office(name, claimed) from None
    with archive:
        try:
            _check_zip_members(archive)
        except SpreadsheetError:
            raise _refused_office(name, claimed) from None
        members = archive.infolist()
        by_name = {member.filename.lower(): member for member in members}
        if len(by_name) != len(members):  # a second copy of a part (names ignore case), read by some programs only
            raise _refused_office(name, claimed)
        listing = by_name.get("[content_types].xml")
        if listing is None:
            return None
        if listing.file_size > MAX_CONTENT_TYPES_BYTES:
            raise _refused_office(name, claimed)
        try:
            overrides = _content_types(archive.read(listing))
        except (SpreadsheetError, expat.ExpatError, zipfile.BadZipFile, zlib.error, EOFError, OSError,
                ValueError, NotImplementedError, RuntimeError):
            raise _refused_office(name, claimed) from None
        macro_kinds = [_OOXML_MACROS[content_type] for _part, content_type in overrides
                       if content_type in _OOXML_MACROS]
        if macro_kinds or any(member.endswith("vbaproject.bin") for member in by_name):
            kind = macro_kinds[0] if macro_kinds else claimed
            raise EvidenceError(
                f"{_shown(name)} contains macros, which peertrack does not accept. Save it as "
                f"{kind.a_label} (.{kind.extension}) without macros and choose it again")
        mains = [(part, _OOXML_MAIN[content_type]) for part, content_type in overrides
                 if content_type in _OOXML_MAIN]
        if len(mains) != 1:
            return None
        part, (kind, folder) = mains[0]
        part = part.lstrip("/").lower()
        if part not in by_name or not part.startswith(folder):
            return None
        return kind


def _content_types(xml: bytes) -> list[tuple[str, str]]:
    """Returns (part name, content type) of each Override in a package's [Content_Types].xml.

    Document type declarations are refused, so no entity is ever expanded.
    """
    overrides: list[tuple[str, str]] = []

    def start(element: str, attributes: dict[str, str]) -> None:
        if element.rpartition(" ")[2] == "Override":
            overrides.append((attributes.get("PartName", ""), attributes.get("ContentType", "")))

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = _refuse_declarations
    parser.EntityDeclHandler = _refuse_declarations
    parser.StartElementHandler = start
    parser.Parse(xml, True)
    return overrides


def _ole2_top_level(data: bytes) -> dict[str, int]:
    """Returns the names of the entries at the top of an OLE2 compound file, with their type
    (1 a storage, 2 a stream). Raises ValueError when the file's structure does not hold together.

    Reads the header, the sector allocation table (through the DIFAT chain when it is long),
    the directory's chain of sectors, then walks the root's children; every step is bounded by
    the file's own number of sectors, so a loop in a hostile file ends.
    """
    if len(data) < 512 or not data.startswith(_OLE2_SIGNATURE):
        raise ValueError("not a compound file")
    shift = struct.unpack_from("<H", data, 0x1E)[0]
    if shift not in (9, 12):
        raise ValueError("unusual sector size")
    size = 1 << shift
    sectors = (len(data) - size) // size + 1
    fat_count, first_directory = struct.unpack_from("<II", data, 0x2C)
    first_difat, difat_count = struct.unpack_from("<II", data, 0x44)
    if fat_count > sectors or difat_count > sectors:
        raise ValueError("more tables than sectors")

    def sector(number: int) -> bytes:
        start = (number + 1) * size
        if start >= len(data):
            raise ValueError("a sector outside the file")
        return data[start:start + size].ljust(size, b"\0")  # some writers cut the last one short

    fat_sectors = [number for number in struct.unpack_from("<109I", data, 0x4C) if number < 0xFFFFFFFA]
    following, seen = first_difat, 0
    while following < 0xFFFFFFFA and seen < difat_count:
        entries = struct.unpack(f"<{size // 4}I", sector(following))
        fat_sectors += [number for number in entries[:-1] if number < 0xFFFFFFFA]
        following, seen = entries[-1], seen + 1
    fat: list[int] = []
    for number in fat_sectors[:fat_count]:
        fat.extend(struct.unpack(f"<{size // 4}I", sector(number)))

    directory = bytearray()
    number, steps = first_directory, 0
    while number < 0xFFFFFFFA:
        steps += 1
        if steps > sectors or number >= len(fat):
            raise ValueError("a broken directory chain")
        directory += sector(number)
        number = fat[number]
    entries_count = len(directory) // 128
    if entries_count == 0:
        raise ValueError("no directory")

    def entry(index: int) -> tuple[str, int, int, int, int]:
        raw = bytes(directory[index * 128:(index + 1) * 128])
        length = min(struct.unpack_from("<H", raw, 0x40)[0], 64)
        name = raw[:max(length - 2, 0)].decode("utf-16-le", errors="replace")
        kind = raw[0x42]
        left, right, child = struct.unpack_from("<III", raw, 0x44)
        return name, kind, left, right, child

    found: dict[str, int] = {}
    pending = [entry(0)[4]]
    visited: set[int] = set()
    while pending:
        index = pending.pop()
        if index >= entries_count or index in visited:
            continue
        visited.add(index)
        name, kind, left, right, _child = entry(index)
        found[name] = kind
        pending += [left, right]
    return found


def _ole2_kind(data: bytes, name: str, claimed: Kind) -> Kind | None:
    try:
        entries = _ole2_top_level(data)
    except (ValueError, struct.error):
        raise _refused_office(name, claimed) from None
    if _OLE2_ENCRYPTED in entries:
        raise EvidenceError(f"{_shown(name)} is password-protected. Remove the password, save it and "
                            "choose it again")
    found = next((kind for stream, kind in _OLE2_MAIN.items() if entries.get(stream) == 2), None)
    if any(entries.get(storage) == 1 for storage in _OLE2_MACROS):
        kind = found or claimed
        raise EvidenceError(
            f"{_shown(name)} contains macros, which peertrack does not accept. Save it as "
            f"{kind.a_label} (.{kind.extension}) without macros and choose it again")
    return found


def _detect(data: bytes, name: str, claimed: Kind) -> Kind | None:
    """Returns the kind `data` is, from its content, or None when it is none peertrack accepts.

    Text has no magic bytes, so a file is read as CSV only when its name says so and nothing
    else was recognised (filetype's weaker signatures, such as "BM" for a bitmap, are words too).
    """
    if data.startswith(_OLE2_SIGNATURE):
        return _ole2_kind(data, name, claimed)
    if data.startswith(_ZIP_SIGNATURE):
        return _ooxml_kind(data, name, claimed)
    guess = filetype.guess(data[:8192])
    if guess is not None and guess.mime in _BY_MAGIC:
        return _BY_MAGIC[guess.mime]
    if claimed is CSV and _is_text(data, name):
        return CSV
    return None


def _is_text(data: bytes, name: str) -> bool:
    if b"\x00" in data:
        raise EvidenceError(f"{_shown(name)} is not a CSV file: it holds binary data, not text")
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            data.decode("cp1252")  # Excel on Windows saves "CSV" in this code page
        except UnicodeDecodeError:
            raise EvidenceError(f"{_shown(name)} is not a CSV file peertrack can read. Save it from Excel as "
                                "“CSV UTF-8” and choose it again") from None
    return True


def check(upload: UploadedFile) -> CheckedFile:
    """Returns what `upload` is, or raises EvidenceError naming it and saying why it is refused."""
    name = clean_name(upload.name or "")
    claimed = KINDS.get(extension_of(name))
    if claimed is None:
        raise EvidenceError(f"{_shown(name)} is not {ALLOWED}")
    size = upload.size or 0
    if size > max_bytes():
        raise EvidenceError(f"{_shown(name)} must be {megabytes(max_bytes())} or smaller; it is {megabytes(size)}")
    upload.seek(0)
    data = upload.read(max_bytes() + 1)
    if not data:
        raise EvidenceError(f"{_shown(name)} is empty")
    if len(data) > max_bytes():
        raise EvidenceError(f"{_shown(name)} must be {megabytes(max_bytes())} or smaller")
    actual = _detect(data, name, claimed)
    if actual is None:
        raise EvidenceError(f"{_shown(name)} is not {ALLOWED}: its content is not {claimed.a_label}, "
                            "whatever its name says")
    if actual is not claimed:
        raise EvidenceError(f"{_shown(name)} is called {claimed.a_label} but its content is {actual.a_label}. "
                            f"Rename it to end .{actual.extension}, or choose the right file")
    return CheckedFile(upload=upload, name=name, kind=actual, size=len(data),
                       sha256=hashlib.sha256(data).hexdigest())


def check_all(uploads: list[UploadedFile]) -> list[CheckedFile]:
    """Returns every upload checked, or raises ValidationError with one message per refused file."""
    if len(uploads) > max_files():
        raise ValidationError(f"Choose {max_files()} files or fewer: you chose {len(uploads)}")
    checked: list[CheckedFile] = []
    problems: list[str] = []
    for upload in uploads:
        try:
            found = check(upload)
        except EvidenceError as problem:
            problems.append(str(problem))
            continue
        twin = next((other for other in checked if other.sha256 == found.sha256), None)
        if twin is not None:
            problems.append(f"{_shown(found.name)} is the same file as {_shown(twin.name)}: choose it once")
            continue
        checked.append(found)
    if problems:
        raise ValidationError(problems)
    return checked


# --- storing ---------------------------------------------------------------------------------


def _discard(names: list[str]) -> None:
    for stored in names:
        try:
            default_storage.delete(stored)
        except OSError:  # already gone, or the storage is down: nothing more can be done here
            pass


def attach(*, update: ProgressUpdate, checked: CheckedFile, by: Any = None) -> EvidenceFile:
    """Stores a checked file and its row with `update` (by `by`), and returns the row.

    The file is written first; if its row cannot be saved, the file is deleted again.
    A storage failure is raised as EvidenceStorageError.
    """
    stored = EvidenceFile(update=update, name=checked.name, content_type=checked.kind.content_type,
                          size=checked.size, sha256=checked.sha256)
    try:
        # Only the extension reaches the path (EvidenceFile's upload_to), never the uploaded name.
        stored.file.save(f"evidence.{checked.kind.extension}", checked.upload, save=False)
    except OSError as error:
        raise EvidenceStorageError(
            "The files could not be saved, so your update was not recorded. Try again; if it happens "
            "again, tell your administrator") from error
    try:
        stored._history_user = by  # type: ignore[attr-defined]
        stored.save()
    except BaseException:
        _discard([stored.file.name])
        raise
    return stored


def record_progress(*, action: Action, files: list[CheckedFile], **progress: Any) -> ProgressUpdate:
    """Appends a progress update (`Action.record_progress`, given `progress`) with its evidence files.

    One transaction: the update, its status change and a row per file. Each file is written to
    storage inside it; if anything fails (the update is refused, the database or the storage
    fails), the files already written are deleted before the error is passed on, so nothing is
    kept. A storage failure is raised as EvidenceStorageError. Called inside a caller's own
    transaction that later rolls back, the files stay behind without rows; views call it outside.
    """
    written: list[str] = []
    try:
        with transaction.atomic():
            update = action.record_progress(**progress)
            for checked in files:
                written.append(attach(update=update, checked=checked, by=progress.get("by")).file.name)
    except BaseException:
        _discard(written)
        raise
    return update
