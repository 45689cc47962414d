"""The coordinator's forms for committee packs: the report, issuing, withdrawing, the council's look."""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import Any

from django import forms
from django.core.validators import MaxLengthValidator
from django.utils import timezone

from peertrack import inputs
from recommendations import rag as rag_rules
from recommendations.asof import plan_as_at
from recommendations.forms import DatePartsForm, long_date
from reviews.models import CommitteeReport, IssuedPack
from reviews.packs.branding import MAX_LOGO_BYTES, LogoRefused, clean_logo
from reviews.packs.snapshot import prefill_summary, risk_candidates

TEXT_MAX_LENGTH = 20000
SUMMARY_MAX_LENGTH = 3000
MAX_TEMPLATE_BYTES = 5 * 1024 * 1024
DOCX_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOTX_TYPE = b"application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml"


class CommitteeReportForm(DatePartsForm, forms.ModelForm):
    """Validates a report's sections; every message says in plain words what to fix.

    Dates are GOV.UK date inputs (day, month and year boxes). Beside the text sections the
    form holds one summary per recommendation (pre-filled from the latest updates) and the key
    risks, chosen from the open actions rated Red or Amber or overdue (Red and overdue ticked
    to start with).
    """

    include_position_statement = forms.BooleanField(
        required=False, label="Include the position statement for the progress review as an appendix"
    )

    class Meta:
        model = CommitteeReport
        fields = [
            "committee",
            "subject",
            "author_name",
            "author_job_title",
            "author_service_area",
            "author_contact",
            "purpose",
            "recommendations_to_committee",
            "key_risks",
            "next_steps",
            "include_position_statement",
        ]
        help_texts = {
            "purpose": "A blank line starts a new numbered paragraph. Lines starting with a "
            "dash become a bulleted list.",
            "key_risks": "A blank line starts a new numbered paragraph. The actions you choose "
            "below are listed after this text.",
            "next_steps": "A blank line starts a new numbered paragraph.",
        }
        error_messages = {
            "committee": {"required": "Enter the committee the report goes to"},
            "subject": {"required": "Enter the subject of the report"},
            "author_name": {"required": "Enter the name of the report author"},
            "purpose": {"required": "Enter the purpose of the report"},
            "recommendations_to_committee": {"required": "Enter at least one recommendation to the committee"},
            "key_risks": {"required": "Enter the key risks"},
            "next_steps": {"required": "Enter the next steps"},
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        instance: CommitteeReport = kwargs["instance"]
        initial = kwargs.setdefault("initial", {})
        for name in ("meeting_date", "figures_as_of"):
            value = getattr(instance, name)
            if value:
                initial.setdefault(f"{name}_day", value.day)
                initial.setdefault(f"{name}_month", value.month)
                initial.setdefault(f"{name}_year", value.year)
        super().__init__(*args, **kwargs)
        self.fields.update(self.date_parts_fields("meeting_date"))
        self.fields.update(self.date_parts_fields("figures_as_of"))
        for name in ("purpose", "recommendations_to_committee", "key_risks", "next_steps"):
            self.fields[name].validators.append(
                MaxLengthValidator(
                    TEXT_MAX_LENGTH, message=f"{self.fields[name].label} must be {TEXT_MAX_LENGTH} characters or fewer"
                )
            )
        self.fields["include_position_statement"].initial = instance.include_position_statement

        challenge = instance.challenge
        day = instance.figures_as_of or timezone.localdate()
        plan = plan_as_at(challenge, day, details=True)
        stored = instance.recommendation_summaries or {}
        self.summary_names: list[tuple[str, Any]] = []
        for item in plan.recommendations:
            number = item.recommendation.number
            name = f"summary_{number}"
            self.fields[name] = forms.CharField(
                label=f"Recommendation {number}: {item.recommendation.title}",
                required=False,
                max_length=SUMMARY_MAX_LENGTH,
                widget=forms.Textarea,
                initial=stored.get(str(number)) or prefill_summary(item),
                error_messages={
                    "max_length": f"The summary of recommendation {number} must be "
                    f"{SUMMARY_MAX_LENGTH} characters or fewer"
                },
            )
            self.summary_names.append((name, item))
        self.candidates = risk_candidates(plan)
        choices = [(str(row["id"]), f"{row['reference']} {row['description']}") for row in self.candidates]
        chosen = instance.chosen_risks if instance.pk else [row["id"] for row in self.candidates if row["preselected"]]
        self.fields["risks"] = forms.MultipleChoiceField(
            label="Actions to list as key risks",
            required=False,
            choices=choices,
            widget=forms.CheckboxSelectMultiple,
            initial=[str(pk) for pk in chosen],
            error_messages={"invalid_choice": "Choose the key risks from the list"},
        )

    @property
    def dates(self) -> dict[str, dict[str, Any]]:
        """Returns each date's three boxes (bound fields) and its errors, for the date inputs."""
        return {
            name: {
                "parts": [self[f"{name}_{part}"] for part in ("day", "month", "year")],
                "errors": self.date_parts(name)["errors"],
            }
            for name in ("meeting_date", "figures_as_of")
        }

    def summary_fields(self) -> list[Any]:
        return [self[name] for name, _ in self.summary_names]

    def risk_rows(self) -> list[dict[str, Any]]:
        """Returns the candidate risks with whether each is ticked, for the checkboxes."""
        value = {str(v) for v in (self["risks"].value() or [])}
        return [
            {**row, "checked": str(row["id"]) in value, "rag_label": rag_rules.label(row["rag"])}
            for row in self.candidates
        ]

    def clean_recommendations_to_committee(self) -> str:
        value = self.cleaned_data.get("recommendations_to_committee", "")
        if not [line for line in value.splitlines() if line.strip()]:
            raise forms.ValidationError("Enter at least one recommendation to the committee")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        challenge = self.instance.challenge
        meeting = self.clean_date_parts("meeting_date", "Meeting date", required=True)
        figures = self.clean_date_parts("figures_as_of", "Figures as at date", required=False)
        if meeting and meeting < challenge.onsite_start:
            self.add_error(
                "meeting_date_day",
                f"The meeting date must be on or after the challenge began ({long_date(challenge.onsite_start)})",
            )
        if figures and figures > timezone.localdate():
            self.add_error("figures_as_of_day", "The figures cannot be as at a date in the future")
        elif figures and figures < challenge.onsite_start:
            self.add_error(
                "figures_as_of_day",
                "The figures must be as at a date on or after the "
                f"challenge began ({long_date(challenge.onsite_start)})",
            )
        cleaned["meeting_date"] = meeting
        cleaned["figures_as_of"] = figures
        return cleaned

    def save(self, commit: bool = True) -> CommitteeReport:
        report: CommitteeReport = super().save(commit=False)
        report.meeting_date = self.cleaned_data["meeting_date"]
        report.figures_as_of = self.cleaned_data["figures_as_of"]
        report.recommendation_summaries = {
            str(item.recommendation.number): self.cleaned_data.get(name, "").strip()
            for name, item in self.summary_names
        }
        report.chosen_risks = sorted(int(pk) for pk in self.cleaned_data.get("risks", []))
        if commit:
            report.save()
        return report


class IssueForm(forms.Form):
    """Issuing a report, optionally as the replacement of a pack already issued."""

    replaces = forms.TypedChoiceField(
        label="Does this pack replace one already issued?",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Choose a pack from the list, or that it replaces none"},
    )
    reason = inputs.SingleLineField(
        label="Why is it being replaced?",
        required=False,
        max_length=500,
        help_text="This is printed on the new pack and shown beside the old one, for example "
        "“the figures for recommendation 4 were wrong”.",
        error_messages={"max_length": "The reason must be 500 characters or fewer"},
    )

    def __init__(self, *args: Any, packs: list[IssuedPack], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.packs = {pack.pk: pack for pack in packs}
        choices = [("", "No, it is a new pack")] + [
            (str(pack.pk), f"Yes, it replaces pack {pack.sequence}: {pack.committee}, {long_date(pack.meeting_date)}")
            for pack in packs
        ]
        replaces = self.fields["replaces"]
        assert isinstance(replaces, forms.TypedChoiceField)
        replaces.choices = choices

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        if cleaned.get("replaces") and not cleaned.get("reason", "").strip():
            self.add_error("reason", "Say why the pack is being replaced")
        cleaned["replaces_pack"] = self.packs.get(cleaned.get("replaces") or 0)
        return cleaned


class WithdrawForm(forms.Form):
    reason = inputs.SingleLineField(
        label="Why is this pack being withdrawn?",
        max_length=500,
        help_text="This is shown beside the pack on the packs page. The pack stays downloadable.",
        error_messages={
            "required": "Say why the pack is being withdrawn",
            "max_length": "The reason must be 500 characters or fewer",
        },
    )


class _FileUnder(forms.FileField):
    """An optional upload of at most `max_bytes`; a larger file is refused with `too_big`."""

    def __init__(self, max_bytes: int, *, too_big: str, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)
        self.max_bytes = max_bytes
        self.too_big = too_big

    def clean(self, data: Any, initial: Any = None) -> Any:
        upload = super().clean(data, initial)
        if upload and upload.size > self.max_bytes:
            raise forms.ValidationError(self.too_big)
        return upload


class CouncilLookForm(forms.Form):
    """The council's logo, Word template and wording for each RAG band."""

    logo = _FileUnder(MAX_LOGO_BYTES, label="Logo", too_big="The logo must be smaller than 100 KB",
                      help_text="A PNG or SVG file, smaller than 100 KB. It is shown in the page header and on "
                                "the cover of every pack issued from now on.")
    remove_logo = forms.BooleanField(label="Remove the logo", required=False)
    word_template = _FileUnder(MAX_TEMPLATE_BYTES, label="Word template",
                               too_big="The Word template must be smaller than 5 MB",
                               help_text="Your committee report template (.docx or .dotx), smaller than 5 MB. "
                                         "The Word version of each pack is written in its styles; its own text "
                                         "is left out.")
    remove_word_template = forms.BooleanField(label="Use the built-in Word style instead", required=False)

    def __init__(self, *args: Any, council: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.council = council
        for value in rag_rules.ORDER:
            self.fields[f"rag_{value}"] = inputs.SingleLineField(
                label=f"What {rag_rules.label(value)} means",
                required=False,
                max_length=120,
                initial=(council.rag_wording or {}).get(value, ""),
                help_text=f"Leave empty for “{rag_rules.MEANINGS[value]}”.",
                error_messages={"max_length": "The wording must be 120 characters or fewer"},
            )

    def rag_fields(self) -> list[Any]:
        return [self[f"rag_{value}"] for value in rag_rules.ORDER]

    def clean_logo(self) -> Any:
        upload = self.cleaned_data.get("logo")
        if not upload:
            return None
        try:
            return clean_logo(upload.read())
        except LogoRefused as refused:
            raise forms.ValidationError(str(refused)) from None

    def clean_word_template(self) -> Any:
        upload = self.cleaned_data.get("word_template")
        if not upload:
            return None
        content = upload.read()
        problem = "The Word template must be a .docx or .dotx file saved by Word"
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = archive.namelist()
                if len(names) > 500 or sum(info.file_size for info in archive.infolist()) > 50 * 1024 * 1024:
                    raise forms.ValidationError(problem)
                types = archive.read("[Content_Types].xml")
        except (zipfile.BadZipFile, KeyError, OSError, RuntimeError, ValueError):
            raise forms.ValidationError(problem) from None
        if DOCX_TYPE not in types and DOTX_TYPE not in types:
            raise forms.ValidationError(problem)
        if DOTX_TYPE in types:
            # python-docx opens documents, not templates: the main part's type is all that differs.
            content = _dotx_as_docx(content)
        try:
            from docx import Document

            Document(io.BytesIO(content))
        except Exception:  # python-docx raises several kinds for a file it cannot read
            raise forms.ValidationError(problem) from None
        name = (upload.name or "template.docx")[-150:]
        return {"content": content, "name": name, "sha256": hashlib.sha256(content).hexdigest()}

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        for value in rag_rules.ORDER:
            cleaned[f"rag_{value}"] = (cleaned.get(f"rag_{value}") or "").strip()
        return cleaned

    def rag_wording(self) -> dict[str, str]:
        return {
            value: self.cleaned_data[f"rag_{value}"]
            for value in rag_rules.ORDER
            if self.cleaned_data.get(f"rag_{value}")
        }


def _dotx_as_docx(content: bytes) -> bytes:
    """Returns a .dotx rewritten as a .docx: the same parts, the main part typed as a document."""
    source = zipfile.ZipFile(io.BytesIO(content))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(DOTX_TYPE, DOCX_TYPE)
            target.writestr(info, data)
    return output.getvalue()
