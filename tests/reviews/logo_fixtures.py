"""Logos for the tests of the council's look: a real PNG (with a text chunk to strip) and SVGs."""

from __future__ import annotations

import struct
import zlib


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(width: int = 40, height: int = 20, *, comment: bytes = b"private note") -> bytes:
    """Returns a blue RGB PNG of `width` x `height` pixels with a tEXt chunk carrying `comment`."""
    rows = b"".join(b"\x00" + b"\x1d\x70\xb8" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + _chunk(b"tEXt", b"Comment\x00" + comment)
        + _chunk(b"IDAT", zlib.compress(rows))
        + _chunk(b"IEND", b"")
    )


HOSTILE_SVG = b"""<?xml version="1.0"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="120" height="40"
     viewBox="0 0 120 40" onload="alert(1)">
  <script>alert("pt")</script>
  <foreignObject><iframe src="https://evil.example/"></iframe></foreignObject>
  <image xlink:href="https://evil.example/track.png" width="10" height="10"/>
  <rect width="120" height="40" fill="#1d70b8" style="fill: url(https://evil.example/x)"/>
  <a href="javascript:alert(1)"><text x="4" y="26" fill="#fff">Northtown</text></a>
  <use href="https://evil.example/sprite.svg#logo"/>
  <circle cx="100" cy="20" r="10" fill="#ffffff" onclick="steal()"/>
</svg>"""

ENTITY_SVG = b"""<?xml version="1.0"?>
<!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>
<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>"""
