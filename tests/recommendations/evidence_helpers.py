"""Tiny real files of every kind peertrack accepts as evidence, built in the test, and a factory.

Office Open XML packages are zips written by hand (or by openpyxl, for a workbook); the 97-2003
formats are OLE2 compound files written by hand, with the streams that say what they are.
"""

from __future__ import annotations

import io
import struct
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook
from PIL import Image

from recommendations import evidence
from recommendations.models import EvidenceFile, ProgressUpdate

PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
       b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
       b"trailer << /Root 1 0 R >>\n%%EOF\n")
CSV = "Ward,Homes started\nFoleshill,12\nSt Michael’s,7\n".encode()

_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="{part}"/></Relationships>')
_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}'
                  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                  '<Default Extension="xml" ContentType="application/xml"/>'
                  '<Override PartName="/{part}" ContentType="{content_type}"/></Types>')
MAIN_PARTS = {
    "docx": ("word/document.xml",
             "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
             '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
             "<w:body><w:p><w:r><w:t>Cabinet approved the masterplan.</w:t></w:r></w:p></w:body></w:document>"),
    "pptx": ("ppt/presentation.xml",
             "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
             '<p:presentation xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"/>'),
    "docm": ("word/document.xml", "application/vnd.ms-word.document.macroEnabled.main+xml",
             '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"/>'),
}


def ooxml(kind: str, *, extra: dict[str, bytes] | None = None, doctype: str = "",
          content_types: bool = True) -> bytes:
    """Returns a minimal .docx or .pptx ("docm": a macro-enabled Word document) as a zip."""
    part, content_type, body = MAIN_PARTS[kind]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if content_types:
            archive.writestr("[Content_Types].xml", _CONTENT_TYPES.format(
                part=part, content_type=content_type, doctype=doctype))
        archive.writestr("_rels/.rels", _RELS.format(part=part))
        archive.writestr(part, body)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def xlsx() -> bytes:
    workbook = Workbook()
    workbook.active.append(["Ward", "Homes started"])
    workbook.active.append(["Foleshill", 12])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def image(kind: str) -> bytes:
    """Returns a 2 by 2 image saved as PNG, JPEG, GIF or WEBP."""
    buffer = io.BytesIO()
    Image.new("RGB", (2, 2), (29, 112, 184)).save(buffer, format=kind)
    return buffer.getvalue()


def compound_file(*streams: str, storages: tuple[str, ...] = (), padding: int = 0) -> bytes:
    """Returns an OLE2 compound file (the 97-2003 Office container) whose top level holds `streams`
    (empty) and `storages`, as Word, Excel and PowerPoint write them; `padding` adds free sectors."""
    names = [(name, 2) for name in streams] + [(name, 1) for name in storages]
    entries = [("Root Entry", 5)] + names
    directory_sectors = (len(entries) + 3) // 4
    free, end, fat_mark = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    fat = [fat_mark] + [index + 2 if index + 1 < directory_sectors else end for index in range(directory_sectors)]
    fat += [free] * (128 - len(fat))
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 0x18, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIII", header, 0x2C, 1, 1, 0, 4096)
    struct.pack_into("<IIII", header, 0x3C, end, 0, end, 0)
    struct.pack_into("<109I", header, 0x4C, 0, *([free] * 108))
    directory = bytearray()
    for index, (name, kind) in enumerate(entries):
        raw = bytearray(128)
        encoded = name.encode("utf-16-le") + b"\0\0"
        raw[0:len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 0x40, len(encoded), kind, 1)
        # The root's child is the first name; each name's right sibling the next one.
        child = 1 if index == 0 and len(entries) > 1 else free
        right = index + 1 if 0 < index < len(entries) - 1 else free
        struct.pack_into("<III", raw, 0x44, free, right, child)
        struct.pack_into("<II", raw, 0x74, end, 0)  # no data: the stream is empty
        directory += raw
    directory += b"\0" * (directory_sectors * 512 - len(directory))
    for index in range(len(entries), directory_sectors * 4):  # unused entries
        struct.pack_into("<III", directory, index * 128 + 0x44, free, free, free)
    return bytes(header) + struct.pack("<128I", *fat) + bytes(directory) + b"\0" * (512 * padding)


def zip_bomb_docx() -> bytes:
    """Returns a .docx-looking zip with a part that expands a thousand times (5 MB of zeros)."""
    return ooxml("docx", extra={"word/media/filler.bin": b"\0" * (5 * 1024 * 1024)})


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def make_evidence_file(*, update: ProgressUpdate, name: str = "minutes.pdf", content: bytes = PDF) -> EvidenceFile:
    """Attaches a file to a saved update through the same checks and storage as the product."""
    return evidence.attach(update=update, checked=evidence.check(upload(name, content)), by=update.author)
