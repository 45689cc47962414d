"""PDF/UA-1 from WeasyPrint: its tagged PDF, finished by one pass over the structure tree (ADR 0025).

WeasyPrint 70 tags a document page by page (its issues #1836, #2902, #2903, #2482), which leaves a
PDF/UA-1 reader with:

* page furniture (running heads, footers, "Page N of M") marked as content but left out of the tree;
* leader dots (`content: leader(".")`) tagged one dot at a time inside the link;
* every element that crosses a page break (a section, a list, a table) split into one structure element
  per page, a table's repeated header row tagged as real headers on each later page, and cells of a
  later page pointing at the copy's header IDs;
* header IDs but no ID tree, and link annotations described by their target ("rec-1").

`write_pdf_ua` lets WeasyPrint write its tagged PDF while a small wrapper round its tagging function
records, on each structure element, which HTML element (or pseudo-element) it came from and whether it
is a leader or sits in a page margin. `finish` then, with pikepdf:

1. marks page-margin content as `/Artifact` (`/Pagination`, `/Header` or `/Footer`), leader dots as
   `/Artifact` (`/Layout`) and a table's repeated header and footer rows as `/Artifact` (`/Pagination`);
2. merges the pieces of one element split across pages into one structure element (a Table keeps its
   Caption, header, body rows in order), converting each moved marked-content reference to an MCR;
3. points each data cell's `/Headers` at the first, real header cells, adds `/Scope` to header cells
   and builds the `/IDTree`;
4. folds the nested links WeasyPrint makes for `a`, `a::after` and the leader into one Link element,
   drops the duplicate annotations, and describes each link by its words (and, for a link within the
   document, the page it goes to);
5. rebuilds the `/ParentTree`, and checks the title and language are there.

Nothing here knows about packs or statements: it works on any HTML the project renders.
"""

from __future__ import annotations

import contextvars
import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pikepdf
import pydyf
from weasyprint import Document
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.pdf import tags as weasyprint_tags

logger = logging.getLogger(__name__)

PDF_VARIANT = "pdf/ua-1"

# Private keys the recording writes on structure elements; `finish` reads them and takes them out.
_KEY = "PeertrackKey"  # the HTML element (and pseudo-element) the structure element came from
_ROLE = "PeertrackRole"  # /Leader; /Hidden or /Watermark (aria-hidden); the page margin: /Header, /Footer, /Margin
_TEXT = "PeertrackText"  # a link's own words

_recording: contextvars.ContextVar[bool] = contextvars.ContextVar("pdf_structure_recording", default=False)
_margin: contextvars.ContextVar[str | None] = contextvars.ContextVar("pdf_structure_margin", default=None)

_original_build_box_tree = getattr(weasyprint_tags, "_build_box_tree", None)


class StructureError(RuntimeError):
    """The tagged PDF lacks something PDF/UA-1 needs that no pass can supply (a title, a language)."""


def _margin_role(at_keyword: str) -> str:
    if at_keyword.startswith("@top"):
        return "Header"
    if at_keyword.startswith("@bottom"):
        return "Footer"
    return "Margin"


def _words(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def _annotate(element: pydyf.Dictionary, box: Any) -> None:
    """Writes on `element` where it came from: the HTML element, a leader or a margin, a link's words."""
    if _KEY in element:  # a deeper call (html, body, a list item's body) already said
        return
    role = _margin.get()
    if role:
        element[_ROLE] = f"/{role}"
    elif box.is_leader:
        element[_ROLE] = "/Leader"
    if box.element is None:
        return
    if not role and (box.element.get("aria-hidden") or "").strip().lower() == "true":
        # Hidden from assistive technology in HTML, so in the PDF too: a watermark, a decoration.
        kind = (box.element.get("data-pdf-artifact") or "").strip().lower()
        element[_ROLE] = "/Watermark" if kind == "watermark" else "/Hidden"
    element[_KEY] = pydyf.String(f"{id(box.element)}{box.element_tag}")
    if element["S"] == "/Link":
        element[_TEXT] = pydyf.String(_words(box.element))
    elif element["S"] == "/TH" and "A" in element:
        scope = {"col": "/Column", "row": "/Row", "colgroup": "/Column", "rowgroup": "/Row"}.get(
            (box.element.get("scope") or "col").lower(), "/Column"
        )
        element["A"]["Scope"] = scope


def _build_box_tree_recorded(box: Any, parent: Any, pdf: Any, *args: Any) -> Iterator[pydyf.Dictionary]:
    """WeasyPrint's `_build_box_tree`, noting on each element it yields what `finish` needs to know."""
    assert _original_build_box_tree is not None
    if not _recording.get():
        yield from _original_build_box_tree(box, parent, pdf, *args)
        return
    real = box._box if isinstance(box, AbsolutePlaceholder) else box
    token = _margin.set(_margin_role(real.at_keyword)) if isinstance(real, boxes.MarginBox) else None
    try:
        for element in _original_build_box_tree(box, parent, pdf, *args):
            _annotate(element, real)
            yield element
    finally:
        if token is not None:
            _margin.reset(token)


if _original_build_box_tree is not None:
    weasyprint_tags._build_box_tree = _build_box_tree_recorded
else:  # pragma: no cover - a WeasyPrint upgrade; tests/test_pdf_structure.py fails loudly
    logger.error("WeasyPrint no longer has tags._build_box_tree: PDFs will miss their PDF/UA structure pass.")


def write_pdf_ua(document: Document) -> bytes:
    """Returns `document` (rendered with `pdf_variant=PDF_VARIANT`) as a PDF/UA-1 file."""
    return finish(write_tagged(document))


def write_tagged(document: Document) -> bytes:
    """Returns WeasyPrint's tagged PDF of `document`, with the notes `finish` reads."""
    token = _recording.set(True)
    try:
        return bytes(document.write_pdf(pdf_variant=PDF_VARIANT))
    finally:
        _recording.reset(token)


# --- the pass over the structure tree ---------------------------------------------------------

_HEADER_GROUPS = (pikepdf.Name.THead, pikepdf.Name.TFoot)
_KEY_NAME, _ROLE_NAME = "/" + _KEY, "/" + _ROLE
# What an artifact's marked-content sequence says it is.
_LAYOUT = pikepdf.Dictionary(Type=pikepdf.Name.Layout)
# How WeasyPrint writes a tagged marked-content sequence's start.
_MARKED = re.compile(rb"/[A-Za-z][A-Za-z0-9]*\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")


def _pagination(subtype: str | None) -> pikepdf.Dictionary:
    if subtype in ("Header", "Footer", "Watermark"):
        return pikepdf.Dictionary(Type=pikepdf.Name.Pagination, Subtype=pikepdf.Name("/" + subtype))
    return pikepdf.Dictionary(Type=pikepdf.Name.Pagination)


def _is_elem(obj: Any) -> bool:
    # Of what a /K holds, only a structure element has /S (an MCR or an OBJR has none).
    return isinstance(obj, pikepdf.Dictionary) and "/S" in obj


def _is_objr(obj: Any) -> bool:
    return isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == pikepdf.Name.OBJR


def _kids(elem: pikepdf.Dictionary) -> list[Any]:
    kids = elem.get("/K")
    if kids is None:
        return []
    if isinstance(kids, pikepdf.Array):
        return list(kids)
    return [kids]


def _key(elem: pikepdf.Dictionary) -> str | None:
    key = elem.get(_KEY_NAME)
    return str(key) if key is not None else None


def _box(rect: Any) -> tuple[float, float, float, float]:
    x1, y1, x2, y2 = (float(value) for value in rect)
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def _contains(outer: Any, inner: Any, slack: float = 0.5) -> bool:
    """Whether rectangle `inner` lies within `outer` (PDF points, give or take `slack`)."""
    ox1, oy1, ox2, oy2 = _box(outer)
    ix1, iy1, ix2, iy2 = _box(inner)
    return ix1 >= ox1 - slack and iy1 >= oy1 - slack and ix2 <= ox2 + slack and iy2 <= oy2 + slack


def _target(annotation: pikepdf.Dictionary) -> str:
    if "/Dest" in annotation:
        return "dest:" + str(annotation.Dest)
    action = annotation.get("/A")
    if action is not None and "/URI" in action:
        return "uri:" + str(action.URI)
    return f"annot:{annotation.objgen[0]}"


@dataclass
class _Pass:
    pdf: pikepdf.Pdf
    page_index: dict[tuple[int, int], int] = field(default_factory=dict)
    # page -> MCID -> what the artifact is, for content taken out of the tree on purpose
    artifacts: dict[int, dict[int, pikepdf.Dictionary]] = field(default_factory=dict)
    # page -> MCID -> the structure element WeasyPrint gave it (margins included), from its ParentTree
    original_owner: dict[int, dict[int, pikepdf.Dictionary]] = field(default_factory=dict)
    seen_header_groups: set[str] = field(default_factory=set)
    first_header_id: dict[str, str] = field(default_factory=dict)  # TH key -> the first TH's ID
    header_alias: dict[str, str] = field(default_factory=dict)  # a repeated TH's ID -> the first's
    dropped_annotations: set[tuple[int, int]] = field(default_factory=set)
    dest_pages: dict[str, int] = field(default_factory=dict)
    ids: list[tuple[str, Any]] = field(default_factory=list)  # (ID, element), sorted, for the IDTree
    finished: list[tuple[Any, list[Any]]] = field(default_factory=list)  # each element and its kids, walked

    def page_of(self, elem: pikepdf.Dictionary) -> int | None:
        page = elem.get("/Pg")
        return self.page_index.get(page.objgen) if page is not None else None

    # Reading --------------------------------------------------------------------------------

    def read(self) -> None:
        self.page_index = {page.obj.objgen: i for i, page in enumerate(self.pdf.pages)}
        root = self.pdf.Root.StructTreeRoot
        page_keys = {
            int(page.obj.StructParents): i for i, page in enumerate(self.pdf.pages) if "/StructParents" in page.obj
        }
        nums = root.ParentTree.get("/Nums", pikepdf.Array())
        for position in range(0, len(nums), 2):
            page = page_keys.get(int(nums[position]))
            value = nums[position + 1]
            if page is not None and isinstance(value, pikepdf.Array):
                self.original_owner[page] = {
                    mcid: owner for mcid, owner in enumerate(value) if isinstance(owner, pikepdf.Dictionary)
                }
        names = self.pdf.Root.get("/Names")
        dests = names.get("/Dests") if names is not None else None
        if dests is not None:
            entries = dests.get("/Names", pikepdf.Array())
            for position in range(0, len(entries), 2):
                destination = entries[position + 1]
                if isinstance(destination, pikepdf.Array) and len(destination):
                    page = self.page_index.get(destination[0].objgen)
                    if page is not None:
                        self.dest_pages[str(entries[position])] = page

    # Taking content out of the tree ---------------------------------------------------------

    def to_artifacts(self, elem: pikepdf.Dictionary, kind: pikepdf.Dictionary) -> None:
        """Marks every piece of content under `elem` as an artifact of `kind`; drops its annotations."""
        page = self.page_of(elem)
        for kid in _kids(elem):
            if isinstance(kid, int):
                if page is not None:
                    self.artifacts.setdefault(page, {})[int(kid)] = kind
            elif _is_objr(kid):
                self.dropped_annotations.add(kid.Obj.objgen)
            elif isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == pikepdf.Name.MCR:
                kid_page = self.page_index.get(kid.Pg.objgen) if "/Pg" in kid else page
                if kid_page is not None:
                    self.artifacts.setdefault(kid_page, {})[int(kid.MCID)] = kind
            elif _is_elem(kid):
                self.to_artifacts(kid, kind)

    def header_cells(self, elem: pikepdf.Dictionary) -> Iterator[pikepdf.Dictionary]:
        for kid in _kids(elem):
            if _is_elem(kid):
                if kid.S == pikepdf.Name.TH:
                    yield kid
                yield from self.header_cells(kid)

    def keep(self, kid: Any) -> bool:
        """Whether `kid` stays in the tree: leaders and repeated table header rows leave it."""
        if not isinstance(kid, pikepdf.Dictionary):
            return True
        if "/S" not in kid:
            return not (_is_objr(kid) and kid.Obj.objgen in self.dropped_annotations)
        role = kid.get(_ROLE_NAME)
        if role is not None:
            if role == pikepdf.Name.Leader or role == pikepdf.Name.Hidden:
                self.to_artifacts(kid, _LAYOUT)
                return False
            if role == pikepdf.Name.Watermark:
                self.to_artifacts(kid, _pagination("Watermark"))
                return False
        if kid.S not in _HEADER_GROUPS:
            return True
        key = _key(kid)
        if key is not None:
            cells = list(self.header_cells(kid))
            if key in self.seen_header_groups:
                for cell in cells:
                    cell_key, cell_id = _key(cell), cell.get("/ID")
                    if cell_key in self.first_header_id and cell_id is not None:
                        self.header_alias[str(cell_id)] = self.first_header_id[cell_key]
                self.to_artifacts(kid, _pagination(None))
                return False
            self.seen_header_groups.add(key)
            for cell in cells:
                cell_key, cell_id = _key(cell), cell.get("/ID")
                if cell_key is not None and cell_id is not None:
                    self.first_header_id.setdefault(cell_key, str(cell_id))
        return True

    # Putting pieces together ----------------------------------------------------------------

    def moved(self, kid: Any, source: pikepdf.Dictionary, target: pikepdf.Dictionary) -> Any:
        """Returns `kid` of `source` as a kid of `target`: its parent set, a bare MCID made an MCR."""
        if isinstance(kid, int):
            if source.get("/Pg") is not None and self.page_of(source) != self.page_of(target):
                return self.pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.MCR, Pg=source.Pg, MCID=int(kid)))
            return kid
        if _is_elem(kid):
            kid.P = target
        return kid

    def merged(self, kids: list[Any]) -> list[Any]:
        """Joins consecutive pieces of one element that a page break split (same key, later page)."""
        out: list[Any] = []
        previous_key: str | None = None
        last_page = -1
        for kid in kids:
            key = _key(kid) if _is_elem(kid) else None
            if key is not None and key == previous_key and kid.S == out[-1].S:
                page = self.page_of(kid)
                if page is not None and page > last_page:
                    first = out[-1]
                    first.K = pikepdf.Array(_kids(first) + [self.moved(k, kid, first) for k in _kids(kid)])
                    last_page = page
                    continue
            out.append(kid)
            previous_key = key
            page = self.page_of(kid) if key is not None else None
            last_page = page if page is not None else -1
        return out

    def flatten_link(self, link: pikepdf.Dictionary, kids: list[Any]) -> list[Any]:
        """Returns `kids` of `link` with the Link elements nested in it (`a::after`) folded in."""
        out: list[Any] = []
        for kid in kids:
            if _is_elem(kid) and kid.S == pikepdf.Name.Link:
                inner = self.flatten_link(kid, [k for k in _kids(kid) if self.keep(k)])
                out.extend(self.moved(k, kid, link) for k in inner)
            else:
                out.append(kid)
        return out

    def describe_link(self, link: pikepdf.Dictionary, kids: list[Any]) -> list[Any]:
        """Drops annotations repeating an earlier one of the link; describes the rest by the link's words."""
        words = str(link.get("/" + _TEXT, ""))
        kept: list[tuple[Any, pikepdf.Dictionary]] = []  # (page, annotation)
        out: list[Any] = []
        for kid in kids:
            if _is_objr(kid):
                annotation, page = kid.Obj, kid.get("/Pg")
                if any(
                    _target(annotation) == _target(other)
                    and page == other_page
                    and _contains(other.Rect, annotation.Rect)
                    for other_page, other in kept
                ):
                    self.dropped_annotations.add(annotation.objgen)
                    continue
                kept.append((page, annotation))
                annotation.Contents = pikepdf.String(self.link_description(words, annotation))
            out.append(kid)
        return out

    def link_description(self, words: str, annotation: pikepdf.Dictionary) -> str:
        if "/Dest" in annotation:
            page = self.dest_pages.get(str(annotation.Dest))
            where = f"page {page + 1}" if page is not None else "elsewhere in this document"
            return f"{words} (go to {where})" if words else f"Go to {where}"
        if words:
            return words
        action = annotation.get("/A")
        return str(action.URI) if action is not None and "/URI" in action else "Link"

    def walk(self, elem: pikepdf.Dictionary) -> None:
        original = _kids(elem)
        kids = [kid for kid in original if self.keep(kid)]
        changed = len(kids) != len(original)
        if elem.S == pikepdf.Name.Link:
            kids = self.describe_link(elem, self.flatten_link(elem, kids))
            changed = True
        merged = self.merged(kids)
        if changed or len(merged) != len(kids):
            elem.K = pikepdf.Array(merged)
        kids = merged
        self.finished.append((elem, kids))
        for kid in kids:
            if _is_elem(kid):
                self.walk(kid)

    # Writing ------------------------------------------------------------------------------

    def owners(self) -> tuple[dict[int, dict[int, Any]], list[tuple[Any, Any]]]:
        """Returns, from the finished tree, page -> MCID -> element, and (annotation, element) pairs."""
        marked: dict[int, dict[int, Any]] = {}
        annotations: list[tuple[Any, Any]] = []
        ids: list[tuple[str, Any]] = []
        for elem, kids in self.finished:
            page = self.page_of(elem)
            for name in (_KEY, _ROLE, _TEXT):
                if "/" + name in elem:
                    del elem["/" + name]
            if "/ID" in elem:
                ids.append((str(elem.ID), elem))
            attributes = elem.get("/A")
            if isinstance(attributes, pikepdf.Dictionary) and "/Headers" in attributes:
                headers: list[str] = []
                for header in attributes.Headers:
                    header_id = self.header_alias.get(str(header), str(header))
                    if header_id not in headers:
                        headers.append(header_id)
                attributes.Headers = pikepdf.Array([pikepdf.String(h) for h in headers])
            for kid in kids:
                if isinstance(kid, int):
                    if page is not None:
                        marked.setdefault(page, {})[int(kid)] = elem
                elif "/S" in kid:
                    continue  # walked on its own
                elif _is_objr(kid):
                    annotations.append((kid.Obj, elem))
                elif kid.get("/Type") == pikepdf.Name.MCR:
                    kid_page = self.page_index.get(kid.Pg.objgen) if "/Pg" in kid else page
                    if kid_page is not None:
                        marked.setdefault(kid_page, {})[int(kid.MCID)] = elem
        self.ids = sorted(ids, key=lambda pair: pair[0])
        return marked, annotations

    def artifact_kind(self, page: int, mcid: int) -> pikepdf.Dictionary:
        if mcid in self.artifacts.get(page, {}):
            return self.artifacts[page][mcid]
        owner: Any = self.original_owner.get(page, {}).get(mcid)
        for _ in range(64):  # climb to the margin box's note
            if owner is None:
                break
            role = owner.get(_ROLE_NAME)
            if role in (pikepdf.Name.Header, pikepdf.Name.Footer, pikepdf.Name.Margin):
                return _pagination(str(role)[1:])
            owner = owner.get("/P")
        return _pagination(None)

    def rewrite_content(self, marked: dict[int, dict[int, Any]]) -> None:
        """Turns every marked-content sequence the tree no longer owns into an artifact.

        WeasyPrint writes each one as `/Tag <</MCID n>> BDC` and its text as hex strings, so a pattern
        finds them all; should a page hold any other `BDC`, that page is read with the tokenizer.
        """
        kinds: dict[bytes, bytes] = {}

        def artifact(kind: pikepdf.Dictionary) -> bytes:
            key = kind.unparse()
            if key not in kinds:
                kinds[key] = b"/Artifact " + key + b" BDC"
            return kinds[key]

        for index, page in enumerate(self.pdf.pages):
            owned = marked.get(index, {})
            content = page.obj.Contents
            if isinstance(content, pikepdf.Array) or "/DecodeParms" in content:
                self.rewrite_tokens(index, page, owned)
                continue
            data = content.read_bytes()
            found = 0

            def replace(match: re.Match[bytes], index: int = index, owned: dict[int, Any] = owned) -> bytes:
                nonlocal found
                found += 1
                mcid = int(match.group(1))
                return match.group(0) if mcid in owned else artifact(self.artifact_kind(index, mcid))

            rewritten = _MARKED.sub(replace, data)
            if found != data.count(b"BDC"):
                self.rewrite_tokens(index, page, owned)
            elif rewritten != data:
                page.obj.Contents = self.pdf.make_stream(rewritten)

    def rewrite_tokens(self, index: int, page: pikepdf.Page, owned: dict[int, Any]) -> None:
        """`rewrite_content` for one page, reading its content with pikepdf's tokenizer."""
        instructions = pikepdf.parse_content_stream(page)
        changed = False
        for position, instruction in enumerate(instructions):
            operands, operator = instruction.operands, instruction.operator
            if str(operator) != "BDC" or len(operands) < 2:
                continue
            properties = operands[1]
            if not isinstance(properties, pikepdf.Dictionary) or "/MCID" not in properties:
                continue
            mcid = int(properties.MCID)
            if mcid in owned:
                continue
            instructions[position] = pikepdf.ContentStreamInstruction(
                [pikepdf.Name.Artifact, self.artifact_kind(index, mcid)], pikepdf.Operator("BDC")
            )
            changed = True
        if changed:
            page.obj.Contents = self.pdf.make_stream(pikepdf.unparse_content_stream(instructions))

    def rebuild_parent_tree(self, marked: dict[int, dict[int, Any]], annotations: list[tuple[Any, Any]]) -> None:
        root = self.pdf.Root.StructTreeRoot
        nums: list[Any] = []
        next_key = 0
        for index, page in enumerate(self.pdf.pages):
            owned = marked.get(index, {})
            page.obj.StructParents = index
            size = max(owned) + 1 if owned else 0
            nums.extend([index, pikepdf.Array([owned.get(mcid) for mcid in range(size)])])
            next_key = index + 1
        kept = [
            (annotation, elem) for annotation, elem in annotations if annotation.objgen not in self.dropped_annotations
        ]
        for annotation, elem in kept:
            annotation.StructParent = next_key
            nums.extend([next_key, elem])
            next_key += 1
        root.ParentTree = self.pdf.make_indirect(pikepdf.Dictionary(Nums=pikepdf.Array(nums)))
        root.ParentTreeNextKey = next_key
        if self.ids:
            names: list[Any] = []
            for header_id, elem in self.ids:
                names.extend([pikepdf.String(header_id), elem])
            root.IDTree = self.pdf.make_indirect(pikepdf.Dictionary(Names=pikepdf.Array(names)))
        for page in self.pdf.pages:
            if "/Annots" in page.obj:
                page.obj.Annots = pikepdf.Array(
                    [a for a in page.obj.Annots if a.objgen not in self.dropped_annotations]
                )
            page.obj.Tabs = pikepdf.Name.S


def finish(tagged: bytes) -> bytes:
    """Returns WeasyPrint's tagged PDF `tagged` (from `write_tagged`) brought to PDF/UA-1, as the module says.

    Raises StructureError when the document has no title or no language: those come from the HTML
    (`<title>`, `<html lang>`), never from here.
    """
    with pikepdf.open(io.BytesIO(tagged)) as pdf:
        root = pdf.Root
        if "/StructTreeRoot" not in root:
            raise StructureError("The PDF has no structure tree: render it with pdf_variant='pdf/ua-1'.")
        if not str(root.get("/Lang", "")).strip():
            raise StructureError("The document has no language: give the HTML a lang attribute.")
        if not str(pdf.docinfo.get("/Title", "")).strip():
            raise StructureError("The document has no title: give the HTML a <title>.")
        structure = _Pass(pdf)
        structure.read()
        document = root.StructTreeRoot.K
        documents: list[Any] = list(document) if isinstance(document, pikepdf.Array) else [document]
        for elem in documents:
            structure.walk(elem)
        marked, annotations = structure.owners()
        structure.rewrite_content(marked)
        structure.rebuild_parent_tree(marked, annotations)
        root.ViewerPreferences = pikepdf.Dictionary(DisplayDocTitle=True)
        root.MarkInfo = pikepdf.Dictionary(Marked=True)
        out = io.BytesIO()
        pdf.save(out, compress_streams=True, object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return out.getvalue()
