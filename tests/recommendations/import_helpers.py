"""Builders for the spreadsheets the import tests upload."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

HEADERS = ["Reference", "Recommendation number", "Action", "Lead officer", "Cabinet member",
           "Directorate", "Start date", "Due date", "Current RAG", "Progress narrative"]


def xlsx_bytes(rows: list[list[Any]], headers: list[str] | None = None,
               title: str = "Action plan") -> bytes:
    """Returns an .xlsx workbook with `headers` then `rows` on one sheet."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    sheet.append(headers or HEADERS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[Any]], headers: list[str] | None = None, encoding: str = "utf-8-sig",
              delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers or HEADERS)
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode(encoding)


def upload(data: bytes, name: str = "plan.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def after_import_url(challenge) -> str:
    """Returns where a successful import hands over: the set-up pages, else the challenge."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("challenge_setup", kwargs={"slug": challenge.slug})
    except NoReverseMatch:
        return challenge.get_absolute_url()
