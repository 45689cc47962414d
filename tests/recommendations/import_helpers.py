"""Builders for the spreadsheets the import tests upload, and a row count to show an import saved nothing."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.apps import apps
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


def xlsx_with_formula() -> bytes:
    """Returns a one-row action plan whose due date (cell H2) is a formula, =TODAY()+30."""
    return xlsx_bytes([["1.1", 1, "Action", "", "", "", "", "=TODAY()+30", "", ""]])


def csv_bytes(rows: list[list[Any]], headers: list[str] | None = None, encoding: str = "utf-8-sig",
              delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(headers or HEADERS)
    for row in rows:
        writer.writerow(row)
    return buffer.getvalue().encode(encoding)


def row_counts(*app_labels: str) -> dict[str, int]:
    """Returns how many rows each model of the given apps holds, history tables included."""
    return {model._meta.label: model._default_manager.count()
            for model in apps.get_models() if model._meta.app_label in app_labels}


def upload(data: bytes, name: str = "plan.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def after_import_url(challenge) -> str:
    """Returns where a successful import hands over: the set-up pages, else the challenge."""
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("challenge_setup", kwargs={"slug": challenge.slug})
    except NoReverseMatch:
        return challenge.get_absolute_url()
