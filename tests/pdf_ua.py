"""Reads a tagged PDF the way assistive technology does, with pikepdf: its structure tree and, for
each marked-content sequence on each page, its text (through the fonts' ToUnicode maps) and whether
it is tagged content or an artifact. tests/test_pdf_structure.py and tests/reviews/test_pdf_ua.py
assert PDF/UA-1 (ADR 0025) on what this returns.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

import pikepdf


@dataclass
class Marked:
    """One marked-content sequence: its page (from 1), tag, MCID (None for an artifact) and text."""

    page: int
    tag: str
    properties: dict[str, str]
    mcid: int | None
    text: str = ""


@dataclass
class Elem:
    """A structure element: its type, its page (from 1), attributes, kids and the text it holds."""

    role: str
    page: int | None
    obj: Any
    kids: list[Elem] = field(default_factory=list)
    content: list[tuple[int, int]] = field(default_factory=list)  # (page, MCID)
    annotations: list[Any] = field(default_factory=list)
    parent: Elem | None = None

    def walk(self):
        yield self
        for kid in self.kids:
            yield from kid.walk()

    def find(self, role: str) -> list[Elem]:
        return [elem for elem in self.walk() if elem.role == role]


def _unicode_map(font: Any) -> dict[int, str]:
    mapping: dict[int, str] = {}
    if "/ToUnicode" not in font:
        return mapping
    text = font.ToUnicode.read_bytes().decode("latin-1")

    def hex_text(value: str) -> str:
        return bytes.fromhex(value).decode("utf-16-be", errors="replace")

    for block in re.findall(r"beginbfchar(.*?)endbfchar", text, re.S):
        for code, value in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", block):
            mapping[int(code, 16)] = hex_text(value)
    for block in re.findall(r"beginbfrange(.*?)endbfrange", text, re.S):
        for start, end, value in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            first = int(value, 16)
            for offset, code in enumerate(range(int(start, 16), int(end, 16) + 1)):
                mapping[code] = chr(first + offset)
    return mapping


@dataclass
class TaggedPdf:
    pdf: pikepdf.Pdf
    marked: list[Marked]
    root: Elem
    id_tree: dict[str, Any]

    @property
    def artifacts(self) -> list[Marked]:
        return [m for m in self.marked if m.tag == "/Artifact"]

    def text_of(self, elem: Elem) -> str:
        """The text of `elem` and everything under it, in order."""
        by_key = {(m.page, m.mcid): m.text for m in self.marked if m.mcid is not None}
        parts = []
        for each in elem.walk():
            parts.extend(by_key.get(key, "") for key in each.content)
        return " ".join("".join(parts).split())

    def tagged_text(self) -> str:
        return self.text_of(self.root)


def read(data: bytes) -> TaggedPdf:
    """Returns the structure tree and the page content of the PDF `data`."""
    pdf = pikepdf.open(io.BytesIO(data))
    page_number = {page.obj.objgen: i + 1 for i, page in enumerate(pdf.pages)}
    marked: list[Marked] = []
    for number, page in enumerate(pdf.pages, start=1):
        fonts = {str(name): _unicode_map(font) for name, font in page.obj.Resources.get("/Font", {}).items()}
        font: dict[int, str] = {}
        stack: list[Marked] = []
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op in ("BDC", "BMC"):
                properties = operands[1] if op == "BDC" else None
                mcid = None
                described: dict[str, str] = {}
                if isinstance(properties, pikepdf.Dictionary):
                    described = {str(k): str(v) for k, v in properties.items() if k != "/MCID"}
                    mcid = int(properties.MCID) if "/MCID" in properties else None
                sequence = Marked(number, str(operands[0]), described, mcid)
                marked.append(sequence)
                stack.append(sequence)
            elif op == "EMC" and stack:
                stack.pop()
            elif op == "Tf":
                font = fonts.get(str(operands[0]), {})
            elif op in ("Tj", "TJ") and stack:
                pieces = operands[0] if op == "TJ" else [operands[0]]
                for piece in pieces:
                    if isinstance(piece, pikepdf.String):
                        raw = bytes(piece)
                        codes = [int.from_bytes(raw[i : i + 2], "big") for i in range(0, len(raw), 2)]
                        stack[-1].text += "".join(font.get(code, "") for code in codes)
                    elif float(piece) < -200:  # a wide gap is a space
                        stack[-1].text += " "
            elif op in ("ET",) and stack:
                stack[-1].text += " "

    def build(obj: Any, parent: Elem | None) -> Elem:
        page = page_number.get(obj.Pg.objgen) if "/Pg" in obj else (parent.page if parent else None)
        elem = Elem(str(obj.S), page, obj, parent=parent)
        kids = obj.get("/K")
        kids = list(kids) if isinstance(kids, pikepdf.Array) else ([] if kids is None else [kids])
        for kid in kids:
            if isinstance(kid, int):
                elem.content.append((page, int(kid)))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.MCR:
                elem.content.append((page_number[kid.Pg.objgen] if "/Pg" in kid else page, int(kid.MCID)))
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.OBJR:
                elem.annotations.append(kid.Obj)
            elif isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                elem.kids.append(build(kid, elem))
        return elem

    tree = pdf.Root.StructTreeRoot
    documents = tree.K if isinstance(tree.K, pikepdf.Array) else [tree.K]
    root = Elem("/StructTreeRoot", None, tree)
    root.kids = [build(obj, root) for obj in documents]
    id_tree: dict[str, Any] = {}
    if "/IDTree" in tree:
        names = tree.IDTree.get("/Names", [])
        id_tree = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
    return TaggedPdf(pdf, marked, root, id_tree)


def attribute(elem: Elem, name: str) -> Any:
    """Returns the structure attribute `name` (e.g. "/Headers", "/Scope") of `elem`, or None."""
    attributes = elem.obj.get("/A")
    for owner in attributes if isinstance(attributes, pikepdf.Array) else [attributes]:
        if isinstance(owner, pikepdf.Dictionary) and name in owner:
            return owner[name]
    return None
