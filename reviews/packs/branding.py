"""The council's look in packs and page headers: its logo, checked and sanitised before it is kept.

A logo is a PNG or an SVG of at most `MAX_LOGO_BYTES`. A PNG is rebuilt from its image chunks
alone (header, palette, transparency, pixel data, end), each checked against its CRC, so text and
other ancillary chunks never travel into a published pack. An SVG is parsed without a DTD,
entities or network access and rebuilt from an allow-list: scripts, event handlers, foreign
objects, embedded or linked images and every reference outside the file itself are removed, and
the caller is told what went. Anything else is refused with a plain message (ADR 0023).
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass

from lxml import etree

MAX_LOGO_BYTES = 100 * 1024
MAX_LOGO_PIXELS = 4000
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEEP = {b"IHDR", b"PLTE", b"tRNS", b"IDAT", b"IEND"}
SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
SVG_ELEMENTS = {
    "svg",
    "g",
    "path",
    "rect",
    "circle",
    "ellipse",
    "line",
    "polyline",
    "polygon",
    "text",
    "tspan",
    "defs",
    "linearGradient",
    "radialGradient",
    "stop",
    "title",
    "desc",
    "clipPath",
    "use",
    "symbol",
}
SVG_UNWRAP = {"a", "switch"}
SVG_ATTRIBUTES = {
    "id",
    "class",
    "x",
    "y",
    "x1",
    "x2",
    "y1",
    "y2",
    "cx",
    "cy",
    "r",
    "rx",
    "ry",
    "width",
    "height",
    "d",
    "points",
    "fill",
    "fill-opacity",
    "fill-rule",
    "stroke",
    "stroke-width",
    "stroke-opacity",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-miterlimit",
    "stroke-dasharray",
    "opacity",
    "transform",
    "viewBox",
    "preserveAspectRatio",
    "version",
    "offset",
    "stop-color",
    "stop-opacity",
    "gradientUnits",
    "gradientTransform",
    "font-family",
    "font-size",
    "font-weight",
    "text-anchor",
    "clip-path",
    "clip-rule",
    "href",
    "style",
    "role",
    "aria-label",
    "focusable",
    "fx",
    "fy",
    "spreadMethod",
    "letter-spacing",
    "dominant-baseline",
    "visibility",
    "display",
}
_URL = re.compile(r"url\s*\(\s*['\"]?\s*(?!#)", re.IGNORECASE)
_STYLE_DANGER = re.compile(r"@import|expression\s*\(|javascript:|behaviou?r\s*:", re.IGNORECASE)


class LogoRefused(ValueError):
    """The file is not a logo peertrack can keep; the message says why in plain words."""


@dataclass(frozen=True)
class CleanLogo:
    content: bytes
    content_type: str
    removed: tuple[str, ...]


def clean_logo(content: bytes) -> CleanLogo:
    """Returns the logo made safe to keep, or raises LogoRefused."""
    if not content:
        raise LogoRefused("The selected file is empty")
    if len(content) > MAX_LOGO_BYTES:
        raise LogoRefused(f"The logo must be smaller than {MAX_LOGO_BYTES // 1024} KB")
    if content.startswith(PNG_SIGNATURE):
        return CleanLogo(_clean_png(content), "image/png", ())
    head = content[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"<?xml", b"<svg", b"<!--")):
        svg, removed = _clean_svg(content)
        return CleanLogo(svg, "image/svg+xml", removed)
    raise LogoRefused("The logo must be a PNG or an SVG file")


def _clean_png(content: bytes) -> bytes:
    position = len(PNG_SIGNATURE)
    kept = [PNG_SIGNATURE]
    seen_header = seen_end = False
    while position < len(content) and not seen_end:
        if position + 8 > len(content):
            raise LogoRefused("The PNG file is damaged: it ends part-way through")
        length, kind = struct.unpack(">I4s", content[position : position + 8])
        end = position + 12 + length
        if end > len(content):
            raise LogoRefused("The PNG file is damaged: it ends part-way through")
        data = content[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", content[position + 8 + length : end])
        if zlib.crc32(kind + data) & 0xFFFFFFFF != crc:
            raise LogoRefused("The PNG file is damaged: a checksum does not match")
        if not seen_header:
            if kind != b"IHDR" or length != 13:
                raise LogoRefused("The PNG file is damaged: it does not start with an image header")
            width, height = struct.unpack(">II", data[:8])
            if not (0 < width <= MAX_LOGO_PIXELS and 0 < height <= MAX_LOGO_PIXELS):
                raise LogoRefused(f"The logo must be at most {MAX_LOGO_PIXELS} pixels wide and high")
            seen_header = True
        if kind in PNG_KEEP:
            kept.append(content[position:end])
        seen_end = kind == b"IEND"
        position = end
    if not seen_end:
        raise LogoRefused("The PNG file is damaged: it has no end")
    return b"".join(kept)


def _local_name(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _clean_svg(content: bytes) -> tuple[bytes, tuple[str, ...]]:
    if b"<!DOCTYPE" in content.upper() or b"<!ENTITY" in content.upper():
        raise LogoRefused("The SVG file must not contain a document type or entities")
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True
    )
    try:
        root = etree.fromstring(content, parser)
    except etree.XMLSyntaxError:
        raise LogoRefused("The SVG file could not be read: it is not well-formed") from None
    if _local_name(root.tag) != "svg" or etree.QName(root.tag).namespace not in (SVG_NS, None):
        raise LogoRefused("The SVG file must have an <svg> element at its root")
    removed: set[str] = set()
    for element in list(root.iter()):
        name = _local_name(element.tag)
        if name in SVG_UNWRAP and element.getparent() is not None:
            # A link's drawing stays; the link (its target) goes.
            removed.add("links outside the file")
            parent = element.getparent()
            index = parent.index(element)
            for offset, child in enumerate(list(element)):
                parent.insert(index + offset, child)
            parent.remove(element)
            continue
        if (
            not isinstance(element.tag, str)
            or name not in SVG_ELEMENTS
            or etree.QName(element.tag).namespace not in (SVG_NS, None)
        ):
            parent = element.getparent()
            if parent is not None:
                removed.add("scripts" if name == "script" else f"<{name or 'unknown'}> elements")
                parent.remove(element)
            continue
        for attribute in list(element.attrib):
            local = etree.QName(attribute).localname
            namespace = etree.QName(attribute).namespace
            value = element.attrib[attribute]
            if local.lower().startswith("on"):
                removed.add("event handlers")
                del element.attrib[attribute]
            elif local == "href" and namespace in (None, XLINK_NS):
                if not value.strip().startswith("#"):
                    removed.add("links outside the file")
                    del element.attrib[attribute]
            elif namespace not in (None,) or local not in SVG_ATTRIBUTES:
                removed.add("unknown attributes")
                del element.attrib[attribute]
            elif _URL.search(value) or _STYLE_DANGER.search(value):
                removed.add("links outside the file")
                del element.attrib[attribute]
    etree.cleanup_namespaces(root)
    clean = etree.tostring(root, xml_declaration=False, encoding="utf-8")
    if not clean.strip():
        raise LogoRefused("Nothing of the SVG file was left to show")
    return clean, tuple(sorted(removed))
