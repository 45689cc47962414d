"""The covering report of a committee pack as a Word document (.docx), built from the snapshot.

Clerks fit a report into the council's committee template, so the report is written with real
Word structure: headings in the "Heading 1/2" styles, numbered paragraphs (1.1, 1.2 ...), tables
with header rows. With the council's own template (`WordTemplate`) the document starts from it:
its styles, page set-up, headers and footers are kept and only its body text is replaced. Without
one a clean built-in style (Arial, black headings, page numbers) is used. The appendices (every
action, the position statement, the recommendations in full) stay in the PDF, which the report
refers to. Only the snapshot is read, so an issued pack's .docx is as frozen as its PDF.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from typing import Any

from docx import Document
from docx.document import Document as DocumentType
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table
from docx.text.paragraph import Paragraph

from reviews.templatetags.packs import blocks, letter

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
RAG_FILL = {"blue": "1D70B8", "green": "00703C", "amber": "FFDD00", "red": "D4351C"}
RAG_TEXT_WHITE = {"blue", "green", "red"}
RAG_LABELS = {"blue": "Blue", "green": "Green", "amber": "Amber", "red": "Red"}


def _date(value: str | None, pattern: str = "%-d %B %Y") -> str:
    if not value:
        return ""
    try:
        return dt.date.fromisoformat(value).strftime(pattern)
    except ValueError:
        return ""


def _rag_label(value: str | None) -> str:
    return RAG_LABELS.get(value or "", "Not yet rated")


class _Writer:
    """Writes paragraphs, numbered paragraphs and tables in whichever styles the document has."""

    def __init__(self, document: DocumentType) -> None:
        self.document = document
        self.style_names = {style.name for style in document.styles}

    def style(self, *names: str) -> str | None:
        return next((name for name in names if name in self.style_names), None)

    def heading(self, text: str, level: int) -> Paragraph:
        name = self.style(f"Heading {level}")
        if name:
            return self.document.add_paragraph(text, style=name)
        paragraph = self.document.add_paragraph()
        run = paragraph.add_run(text)
        run.bold = True
        run.font.size = Pt(16 if level == 1 else 13)
        return paragraph

    def paragraph(self, text: str = "", *, bold_lead: str = "", style: str | None = None) -> Paragraph:
        paragraph = self.document.add_paragraph(style=self.style(style) if style else None)
        if bold_lead:
            paragraph.add_run(bold_lead).bold = True
        if text:
            paragraph.add_run(text)
        return paragraph

    def numbered(self, number: str, text: str) -> Paragraph:
        """A committee-report paragraph: its number, a tab, the text, with a hanging indent."""
        paragraph = self.document.add_paragraph()
        paragraph.paragraph_format.left_indent = Mm(12)
        paragraph.paragraph_format.first_line_indent = Mm(-12)
        paragraph.paragraph_format.tab_stops.add_tab_stop(Mm(12))
        paragraph.add_run(number).bold = True
        paragraph.add_run("\t" + text)
        return paragraph

    def text_blocks(self, number_prefix: str, text: str, *, start: int = 1) -> int:
        """Writes plain text as numbered paragraphs (and bulleted lists); returns the next number."""
        counter = start
        for block in blocks(text):
            if block["kind"] == "ul":
                for item in block["items"]:
                    self.bullet(item)
            else:
                self.numbered(f"{number_prefix}.{counter}", block["text"])
                counter += 1
        return counter

    def bullet(self, text: str) -> Paragraph:
        name = self.style("List Bullet")
        if name:
            paragraph = self.document.add_paragraph(text, style=name)
        else:
            paragraph = self.document.add_paragraph("• " + text)
        paragraph.paragraph_format.left_indent = Mm(18)
        return paragraph

    def table(
        self,
        headers: list[str] | None,
        rows: list[list[str]],
        *,
        widths: list[float] | None = None,
        rag_column: int | None = None,
        rag_values: list[str] | None = None,
    ) -> Table:
        """A table with a repeated header row (or, with no headers, a key column in bold)."""
        columns = len(headers) if headers else len(rows[0])
        table = self.document.add_table(rows=1 if headers else 0, cols=columns)
        name = self.style("Table Grid", "Light Grid Accent 1", "Table Normal")
        if name:
            table.style = name
        if headers:
            for cell, text in zip(table.rows[0].cells, headers, strict=True):
                cell.text = ""
                cell.paragraphs[0].add_run(text).bold = True
                _shade(cell, "F3F2F1")
            _repeat_header(table.rows[0])
        for index, values in enumerate(rows):
            cells = table.add_row().cells
            for column, (cell, text) in enumerate(zip(cells, values, strict=True)):
                cell.text = text
                if not headers and column == 0:
                    cell.paragraphs[0].runs[0].bold = True
                if rag_column is not None and rag_values is not None and column == rag_column:
                    _rag_cell(cell, rag_values[index])
        if widths:
            # Word reads the cells' widths, LibreOffice the table grid's: both are set.
            table.autofit = False
            for column, width in zip(table.columns, widths, strict=True):
                column.width = Mm(width)
            for row in table.rows:
                for cell, width in zip(row.cells, widths, strict=True):
                    cell.width = Mm(width)
        self.document.add_paragraph()
        return table


def _shade(cell: Any, fill: str) -> None:
    properties = cell._tc.get_or_add_tcPr()
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    properties.append(shading)


def _repeat_header(row: Any) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _rag_cell(cell: Any, rating: str) -> None:
    """The rating's word, in bold, on its colour: the word says it, the colour only repeats it."""
    fill = RAG_FILL.get(rating)
    paragraph = cell.paragraphs[0]
    for run in paragraph.runs:
        run.bold = True
        if rating in RAG_TEXT_WHITE:
            run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
    if fill:
        _shade(cell, fill)


def _page_number_field(paragraph: Paragraph) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _clean_builtin(document: DocumentType, snapshot: dict[str, Any]) -> None:
    """The built-in look: Arial, black headings, A4 margins, a footer with the meeting and page."""
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = "Arial"
    normal.font.size = Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Arial")
    normal.paragraph_format.space_after = Pt(6)
    for level, size in ((1, 15), (2, 12.5), (3, 11)):
        style = styles[f"Heading {level}"]
        style.font.name = "Arial"
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
        fonts = style.element.rPr.rFonts
        for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(theme), None)  # a theme font would win over Arial
        style.paragraph_format.space_before = Pt(14 if level == 1 else 10)
        style.paragraph_format.space_after = Pt(6)
    title = styles["Title"]
    border = title.element.pPr.find(qn("w:pBdr")) if title.element.pPr is not None else None
    if border is not None:
        title.element.pPr.remove(border)  # the default Title's blue rule is not a council's look
    title.font.name = "Arial"
    title.font.size = Pt(22)
    title.font.bold = True
    title.font.color.rgb = RGBColor(0x0B, 0x0C, 0x0C)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin, section.bottom_margin = Mm(22), Mm(20)
    footer = section.footer.paragraphs[0]
    report = snapshot["report"]
    footer.text = f"{snapshot['challenge']['council']} – {report['committee']}, {_date(report['meeting_date'])} – Page "
    _page_number_field(footer)
    for run in footer.runs:
        run.font.size = Pt(8)


def _empty_body(document: DocumentType) -> None:
    """Removes the template's sample text and tables, keeping its final section properties."""
    body = document.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)


def render_docx(snapshot: dict[str, Any], *, template: bytes | None = None) -> bytes:
    """Returns the covering report as .docx bytes; with `template`, in the council's own styles."""
    if template:
        document = Document(io.BytesIO(template))
        _empty_body(document)
    else:
        document = Document()
        _clean_builtin(document, snapshot)
    write = _Writer(document)
    report, challenge = snapshot["report"], snapshot["challenge"]
    council = snapshot.get("council") or {}
    as_of = _date(snapshot["as_of"])
    position = snapshot.get("position_statement")

    logo = council.get("logo")
    if logo and logo.get("content_type") == "image/png":
        document.add_picture(io.BytesIO(base64.b64decode(logo["data"])), height=Mm(18))
        document.paragraphs[-1].runs[0]._r.xpath("./w:drawing/wp:inline/wp:docPr")[0].set(
            "descr", f"{challenge['council']} logo"
        )
    write.paragraph(bold_lead=challenge["council"])
    write.paragraph(f"{challenge['kind']} {_date(challenge['onsite_start'], '%Y')}: progress report")
    if write.style("Title"):
        document.add_paragraph(report["subject"], style="Title")
    else:
        write.heading(report["subject"], 1)
    author = ", ".join(
        part
        for part in (report["author_name"], report.get("author_job_title", ""), report.get("author_service_area", ""))
        if part
    )
    facts = [
        ["To", report["committee"]],
        ["Date", _date(report["meeting_date"])],
        ["Subject", report["subject"]],
        ["Report author", author],
        ["Figures as at", as_of],
    ]
    write.table(None, facts, widths=[40, 130])
    if snapshot.get("issued"):
        issued = snapshot["issued"]
        text = (
            f"Issued pack {issued['sequence']}, {_date(issued['issued_on'])}. This is the record "
            "of what was presented to the committee; it is not changed after issue."
        )
        if issued.get("supersedes"):
            text += f" It replaces pack {issued['supersedes']['sequence']}, because {issued['supersedes']['reason']}"
        write.paragraph(text)
    elif snapshot.get("draft"):
        write.paragraph(bold_lead="DRAFT: ", text="not yet issued to the committee.")
    if report.get("is_demo"):
        write.paragraph(
            "Demo content: made by peertrack's demo loader from the demo action plan. "
            "It is not a paper the council published."
        )

    write.heading("1 Purpose of the note", 1)
    write.text_blocks("1", report["purpose"])

    write.heading("2 Recommendations", 1)
    write.numbered("2.1", f"{report['committee']} is recommended to:")
    for index, line in enumerate(report["committee_recommendations"], start=1):
        paragraph = write.paragraph(f"({index})\t{line}")
        paragraph.paragraph_format.left_indent = Mm(21)
        paragraph.paragraph_format.first_line_indent = Mm(-9)

    write.heading("3 Information and background", 1)
    write.numbered(
        "3.1",
        (
            f"{challenge['council']} hosted a Local Government Association (LGA) {challenge['kind']} from "
            f"{_date(challenge['onsite_start'])} to {_date(challenge['onsite_end'])}."
            + (
                " The peer team was: "
                + "; ".join(
                    f"{peer['name']} ({peer['role']}{', ' + peer['organisation'] if peer['organisation'] else ''})"
                    for peer in challenge["peer_team"]
                )
                + "."
                if challenge.get("peer_team")
                else ""
            )
        ),
    )
    count = snapshot["recommendation_count"]
    write.numbered(
        "3.2",
        (
            f"The LGA's feedback report made {count} key recommendation{'s' if count != 1 else ''} "
            "(Appendix B of the pack). The council's action plan sets out "
            f"{snapshot['action_count']} actions in response. Lead officers report progress on each "
            "action with a RAG rating, a narrative, evidence and next steps; Appendix A of the pack gives "
            "every action with its officer's latest update."
        ),
    )

    write.heading("4 Summary of progress", 1)
    counts = "; ".join(
        f"{item['count']} not yet rated"
        if item["rag"] == "not_rated"
        else f"{item['count']} {item['label']} ({item['meaning'].lower()})"
        for item in snapshot["rag_counts"]
    )
    previous = snapshot.get("previous_pack")
    write.numbered(
        "4.1",
        (
            f"This note reports the action plan as it stood on {as_of}. Of the {count} recommendations: "
            f"{counts}. "
            + (
                f"Movement is measured against pack {previous['sequence']}, presented to "
                f"{previous['committee']} on {_date(previous['meeting_date'])}."
                if previous
                else "This is the first pack issued for this challenge, so no movement is shown."
            )
        ),
    )
    write.paragraph(bold_lead="Table 1: Every recommendation, its RAG rating and its movement")
    recs = snapshot["recommendations"]
    write.table(
        ["No.", "Recommendation", "RAG rating", "Since the last pack"],
        [[str(r["number"]), r["title"], _rag_label(r["rag"]), r["movement"]["text"]] for r in recs],
        widths=[12, 88, 28, 42],
        rag_column=2,
        rag_values=[r["rag"] for r in recs],
    )
    write.paragraph(
        "RAG key: " + "; ".join(f"{item['label']}: {item['meaning']}" for item in snapshot["rag_key"]) + "."
    )

    write.heading("5 Progress against each recommendation", 1)
    write.numbered(
        "5.1",
        "A summary of progress on each recommendation follows. The detail of every "
        "action, with its lead officer's latest update, is in Appendix A of the pack.",
    )
    for index, rec in enumerate(recs, start=1):
        write.heading(f"{letter(index)}) Recommendation {rec['number']}: {rec['title']} ({_rag_label(rec['rag'])})", 2)
        for block in blocks(rec.get("summary", "")):
            if block["kind"] == "ul":
                for item in block["items"]:
                    write.bullet(item)
            else:
                write.paragraph(block["text"])

    write.heading("6 Key risks", 1)
    next_number = write.text_blocks("6", report["key_risks"])
    risks = snapshot.get("chosen_risks") or []
    if risks:
        write.numbered(
            f"6.{next_number}", f"The actions the programme lead has identified as the key risks on {as_of}:"
        )
        write.paragraph(bold_lead="Table 2: Key risks")
        write.table(
            ["Ref.", "Action", "Lead officer", "Due", "RAG"],
            [
                [
                    r["reference"],
                    r["description"],
                    r["lead_officer"] or "Not assigned",
                    _date(r["due_date"], "%-d %b %Y") + (" (overdue)" if r["overdue"] else ""),
                    _rag_label(r["rag"]),
                ]
                for r in risks
            ],
            widths=[14, 80, 30, 24, 22],
            rag_column=4,
            rag_values=[r["rag"] for r in risks],
        )

    write.heading("7 Next steps", 1)
    write.text_blocks("7", report["next_steps"])

    write.heading("Appendices", 1)
    appendices = [
        "Appendix A: Progress on every action, and the RAG key",
        "Appendix B: The LGA's key recommendations in full",
    ]
    if snapshot.get("evidence_files"):
        appendices.append("Appendix C: Evidence files, listed by name")
    if position:
        appendices.append(
            f"Appendix {'D' if snapshot.get('evidence_files') else 'C'}: Position statement for the progress review"
        )
    write.paragraph("The appendices are in the PDF of this pack:")
    for name in appendices:
        write.bullet(name)

    write.heading("Report author", 1)
    rows = [
        ["Name and job title", ", ".join(p for p in (report["author_name"], report.get("author_job_title", "")) if p)]
    ]
    if report.get("author_service_area"):
        rows.append(["Directorate or service area", report["author_service_area"]])
    if report.get("author_contact"):
        rows.append(["Telephone and email contact", report["author_contact"]])
    write.table(None, rows, widths=[55, 115])
    write.paragraph("Enquiries should be directed to the above person.")
    document.core_properties.title = report["subject"]
    document.core_properties.author = report["author_name"]
    document.core_properties.subject = f"Progress report to {report['committee']}"
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()
