"""Forms for signing in, recording progress, signing off and editing actions.

Every message is written for the person filling the form in, in the GOV.UK
style ("Select a RAG rating", "Enter what has been done"), and each form
rejects values the page never offered (a period in the future, a lead officer
of another council) as a field error rather than a server error.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import QuerySet
from django.utils import timezone

from peertrack import inputs
from recommendations import evidence as evidence_checks
from recommendations import rag as rag_rules
from recommendations.models import Action, Council, Deputy, Membership, ProgressUpdate, Recommendation
from recommendations.periods import ReportingPeriod
from recommendations.rag import Rag

# How many finished periods an officer may still report on, besides the current one.
PREVIOUS_PERIODS_OPEN = 4
TEXT_MAX_LENGTH = ProgressUpdate.NARRATIVE_MAX_LENGTH


class SignInForm(AuthenticationForm):
    """Django's sign-in form with plain-English messages."""

    error_messages = {
        "invalid_login": "Enter a correct username and password. Your password is case-sensitive.",
        "inactive": "This account has been switched off. Ask your coordinator to restore it.",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"

    def confirm_login_allowed(self, user: Any) -> None:
        """Refuses a password sign-in when the person's council requires single sign-on (ADR 0021);
        said only after the password was right, so it tells a stranger nothing."""
        super().confirm_login_allowed(user)
        from recommendations.people.services import sso_required_council

        council = sso_required_council(user)
        if council is not None:
            raise forms.ValidationError(
                f"{council.name} signs its people in with single sign-on. Use the "
                f"“{settings.PEERTRACK_OIDC_LABEL}” button instead of a password.", code="sso_required")


def text_field(label: str, *, max_length: int, required: bool = True, missing: str = "", help_text: str = "",
               single_line: bool = False, widget: Any = None) -> forms.CharField:
    """Returns a text field whose messages say what to do: `missing` when it is required and left empty,
    and the most characters it takes. `single_line` turns tabs and line breaks into spaces."""
    messages = {"max_length": f"{label} must be {max_length:,} characters or fewer"}
    if missing:
        messages["required"] = missing
    field_class = inputs.SingleLineField if single_line else forms.CharField
    return field_class(label=label, required=required, max_length=max_length, strip=True, error_messages=messages,
                       help_text=help_text, widget=widget)


_text = partial(text_field, max_length=TEXT_MAX_LENGTH)


def open_periods(today: dt.date | None = None) -> list[ReportingPeriod]:
    """Returns the periods an update may be recorded for: the current one first, then earlier."""
    current = ReportingPeriod.for_date(today or timezone.localdate())
    periods = [current]
    for _ in range(PREVIOUS_PERIODS_OPEN):
        periods.append(periods[-1].previous())
    return periods


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Any number of files from one file input (`<input type="file" multiple>`), as a list.

    The list is checked as a whole by `recommendations.evidence.check_all` in the form.
    """

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        return [super(EvidenceFilesField, self).clean(upload, initial) for upload in files]


class ProgressForm(forms.Form):
    """An officer's progress update: RAG, period, what has been done, evidence (text and files),
    next steps."""

    rag = forms.ChoiceField(
        label="RAG rating", choices=Rag.choices, widget=forms.RadioSelect,  # drawn as radios by action_detail.html
        error_messages={"required": "Select a RAG rating",
                        "invalid_choice": "Select a RAG rating from the list"},
    )
    period = forms.CharField(label="Reporting period",
                             error_messages={"required": "Select a reporting period"})
    narrative = _text("What has been done", required=True, missing="Enter what has been done")
    evidence = _text("Evidence", required=False)
    # Empty files and every other problem are named per file by evidence.check_all.
    evidence_files = EvidenceFilesField(label="Evidence files", required=False, allow_empty_file=True,
                                        error_messages={"invalid": "A file could not be read. Choose it again",
                                                        "missing": "A file could not be read. Choose it again"})
    next_steps = _text("Next steps", required=False)

    def __init__(self, *args: Any, today: dt.date | None = None, **kwargs: Any) -> None:
        self.today = today or timezone.localdate()
        self.periods = open_periods(self.today)
        kwargs.setdefault("initial", {}).setdefault("period", self.periods[0].key)
        super().__init__(*args, **kwargs)

    @property
    def rag_options(self) -> list[dict[str, str]]:
        """Returns each rating with its meaning, for the radios' hints."""
        hints: dict[str, str] = {Rag.BLUE: "Complete. A coordinator will be asked to sign the action off."}
        return [
            {"value": value, "label": label,
             "meaning": hints.get(value, rag_rules.MEANINGS[value])}
            for value, label in Rag.choices
        ]

    def clean_period(self) -> ReportingPeriod:
        raw = self.cleaned_data["period"]
        try:
            if not raw.isascii():  # the parser's \d would read "٢٠٢٤" as 2024
                raise ValueError
            period = ReportingPeriod.parse(raw)
        except ValueError:
            raise forms.ValidationError("Select a reporting period from the list") from None
        if period > self.periods[0]:
            raise forms.ValidationError(
                f"The reporting period cannot be in the future: the current period is "
                f"{self.periods[0]}")
        if period not in self.periods:
            raise forms.ValidationError(
                f"Updates can only be recorded for {self.periods[-1]} or later")
        return period

    def clean_evidence_files(self) -> list[evidence_checks.CheckedFile]:
        return evidence_checks.check_all(self.cleaned_data["evidence_files"])

    @property
    def evidence_accept(self) -> str:
        return evidence_checks.ACCEPT

    @property
    def evidence_limits(self) -> dict[str, Any]:
        """The limits the file input's hint states, as configured."""
        return {"files": evidence_checks.max_files(), "size": evidence_checks.megabytes(evidence_checks.max_bytes())}


def person_name(user: Any) -> str:
    """How a person is named in a list of choices: full name, else username."""
    return user.get_full_name() or user.get_username()


def offer(field: forms.Field, queryset: QuerySet[Any], label: Callable[[Any], str] | None = None) -> None:
    """Points a model choice field at `queryset`, labelling each option `label(obj)` if given.

    Forms narrow their choices per request (one challenge's recommendations, one council's
    people), so the queryset is set after the form is built.
    """
    if not isinstance(field, forms.ModelChoiceField):
        raise TypeError(f"{field!r} is not a model choice field")
    field.queryset = queryset
    if label is not None:
        # Django's documented alternative to subclassing the field for one label.
        field.label_from_instance = label  # type: ignore[method-assign, assignment]


class DatePartsForm(forms.Form):
    """Reads a GOV.UK date input (separate day, month and year boxes) into a date.

    A form declares `<name>_day`, `<name>_month`, `<name>_year` with `date_parts_fields`
    and calls `clean_date_parts(name, label)` from `clean()`.
    """

    @staticmethod
    def date_parts_fields(name: str) -> dict[str, forms.Field]:
        return {f"{name}_{part}": forms.CharField(required=False, max_length=4)
                for part in ("day", "month", "year")}

    def date_parts(self, name: str) -> dict[str, Any]:
        """Returns the day, month and year as typed (or as initially set) and their errors."""
        bound = {part: self[f"{name}_{part}"] for part in ("day", "month", "year")}
        errors = [error for field in bound.values() for error in field.errors]
        return {**{part: field.value() for part, field in bound.items()}, "errors": errors}

    def clean_date_parts(self, name: str, label: str, *, required: bool) -> dt.date | None:
        """Returns the date typed into the three boxes, adding a field error when it is not one."""
        parts = [self.cleaned_data.get(f"{name}_{part}", "").strip()
                 for part in ("day", "month", "year")]
        if not any(parts):
            if required:
                self.add_error(f"{name}_day", f"Enter the {label.lower()}")
            return None
        missing = [part for part, value in zip(("day", "month", "year"), parts, strict=True)
                   if not value]
        if missing:
            self.add_error(f"{name}_{missing[0]}",
                           f"{label} must include a {' and '.join(missing)}")
            return None
        try:
            # ASCII digits only: int() would read "٣" and "３", and overflow on 30 digits.
            day, month, year = (inputs.whole_number(value) for value in parts)
            if not inputs.year_in_range(year):
                self.add_error(f"{name}_year", inputs.YEAR_MESSAGE)
                return None
            return dt.date(year, month, day)
        except ValueError:
            self.add_error(f"{name}_day", f"{label} must be a real date, like 31 3 2025")
            return None

    def clean_date_range(
        self, start: tuple[str, str, bool], end: tuple[str, str, bool], *, backwards: str
    ) -> tuple[dt.date | None, dt.date | None]:
        """Returns the two dates typed, each given as (name, label, required) to `clean_date_parts`;
        adds `backwards` as the end date's error when it is before the start."""
        first = self.clean_date_parts(start[0], start[1], required=start[2])
        last = self.clean_date_parts(end[0], end[1], required=end[2])
        if first and last and last < first:
            self.add_error(f"{end[0]}_day", backwards)
        return first, last


class OneFileForm(forms.Form):
    """A form of one uploaded file, `file`, refused by its size before a byte of it is read, so a huge
    file costs nothing more. A subclass names the file (`label`) and what to choose (`wanted`, for "Choose
    ..." when no file or an empty one is sent; `formats`, the kinds of file, are added to the first), declares
    `max_bytes`, and says in `too_large` why."""

    label: str
    wanted: str
    formats = ""
    max_bytes: int

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        required = f"Choose {self.wanted}" + (f" ({self.formats})" if self.formats else "")
        self.fields["file"] = forms.FileField(
            label=self.label, error_messages={"required": required, "empty": f"The file is empty. Choose {self.wanted}"}
        )

    def too_large(self, size: int) -> str:
        raise NotImplementedError

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(self.too_large(upload.size))
        return upload


def _lead_officer_field(council: Council) -> forms.ModelChoiceField:
    # Officers and coordinators lead actions; Action.clean holds the wider rule (any active member).
    people = Action.possible_lead_officers(
        council, roles=[Membership.Role.OFFICER, Membership.Role.COORDINATOR],
    ).order_by("first_name", "last_name", "username")
    field = forms.ModelChoiceField(
        label="Lead officer", queryset=people, required=False, empty_label="Not assigned",
        error_messages={"invalid_choice": "Select a lead officer from the list"},
    )
    offer(field, people, person_name)
    return field


class ActionEditForm(DatePartsForm):
    """A coordinator's change to an action's description, lead officer or due date."""

    version = inputs.WholeNumberField(widget=forms.HiddenInput, min_value=1, error_messages={
        "required": "This form is out of date. Reload the page and make your change again.",
        "invalid": "This form is out of date. Reload the page and make your change again.",
    })
    description = _text("Description", required=True, missing="Enter a description of the action")
    # Not required by the field: `clean` asks for it only when the due date moves (the label says so).
    reason = _text("Why is the due date changing?", required=False, max_length=2000)

    def __init__(self, *args: Any, action: Action, **kwargs: Any) -> None:
        self.action = action
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("version", action.version)
        initial.setdefault("description", action.description)
        initial.setdefault("lead_officer", action.lead_officer_id)
        if action.due_date:
            initial.setdefault("due_date_day", action.due_date.day)
            initial.setdefault("due_date_month", action.due_date.month)
            initial.setdefault("due_date_year", action.due_date.year)
        super().__init__(*args, **kwargs)
        self.fields["lead_officer"] = _lead_officer_field(action.recommendation.challenge.council)
        self.fields.update(self.date_parts_fields("due_date"))

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        due = self.clean_date_parts("due_date", "Due date", required=self.action.due_date is not None)
        cleaned["due_date"] = due
        start = self.action.start_date
        if due and start and due < start:
            self.add_error("due_date_day", f"The due date cannot be before the start date, "
                           f"{start:%-d %B %Y}")
        moves = self.action.due_date is not None and due is not None and due != self.action.due_date
        if moves and not cleaned.get("reason"):
            self.add_error("reason", "Give the reason the due date is changing")
        return cleaned

    @property
    def due_date_parts(self) -> dict[str, Any]:
        return self.date_parts("due_date")

    def changes(self) -> dict[str, Any]:
        """Returns the edited values in the form `Action.edit` takes."""
        return {name: self.cleaned_data[name] for name in Action.EDITABLE_FIELDS}


class ReturnForm(forms.Form):
    """A coordinator's reason for not signing an action off."""

    reason = _text("Why is the action not complete?", required=True, max_length=2000,
                   missing="Say why the action is not yet complete")


class NewActionForm(DatePartsForm):
    """A coordinator's new action for a recommendation."""

    reference = inputs.SingleLineField(label="Reference", max_length=20, error_messages={
        "required": "Enter a reference, like 3.4",
        "max_length": "Reference must be 20 characters or fewer"})
    description = _text("Description", required=True, missing="Enter a description of the action")
    cabinet_member = _text("Cabinet member", required=False, max_length=200, single_line=True)
    directorate = _text("Directorate", required=False, max_length=200, single_line=True)

    def __init__(self, *args: Any, recommendation: Recommendation, **kwargs: Any) -> None:
        self.recommendation = recommendation
        kwargs.setdefault("initial", {}).setdefault("reference", recommendation.next_action_reference())
        super().__init__(*args, **kwargs)
        self.fields["lead_officer"] = _lead_officer_field(recommendation.challenge.council)
        self.fields.update(self.date_parts_fields("start_date"))
        self.fields.update(self.date_parts_fields("due_date"))

    def clean_reference(self) -> str:
        reference = self.cleaned_data["reference"].strip()
        if Action.objects.filter(recommendation=self.recommendation, reference=reference).exists():
            raise forms.ValidationError(f"Action {reference} already exists: choose another reference")
        return reference

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        cleaned["start_date"], cleaned["due_date"] = self.clean_date_range(
            ("start_date", "Start date", False),
            ("due_date", "Due date", True),
            backwards="The due date cannot be before the start date",
        )
        return cleaned

    @property
    def start_date_parts(self) -> dict[str, Any]:
        return self.date_parts("start_date")

    @property
    def due_date_parts(self) -> dict[str, Any]:
        return self.date_parts("due_date")

    def create(self, *, by: Any) -> Action:
        """Saves the new action (it starts not started, with no updates)."""
        data = self.cleaned_data
        action = Action(
            recommendation=self.recommendation, reference=data["reference"],
            description=data["description"], lead_officer=data["lead_officer"],
            cabinet_member=data["cabinet_member"], directorate=data["directorate"],
            start_date=data["start_date"], due_date=data["due_date"],
        )
        action._history_user = by  # type: ignore[attr-defined]
        action.save()
        return action


# --- dates in the query string -------------------------------------------------------------


DATE_PARTS = ("day", "month", "year")


@dataclass(frozen=True)
class DateChoice:
    """A date read from the query string: the date used, and what to tell the user about it.

    `typed` is what was typed into the three boxes (shown back with an error), `error_part` the
    box an error is about (the error summary links to it).
    """

    date: dt.date
    requested: str = ""
    error: str = ""
    note: str = ""
    typed: tuple[str, str, str] = ("", "", "")
    error_part: str = "day"

    @property
    def is_today(self) -> bool:
        return self.date == timezone.localdate()

    @property
    def parts(self) -> dict[str, Any]:
        """Returns the day, month and year to show in the boxes, and the errors (the date input's
        context, as `DatePartsForm.date_parts` gives it): what was typed when it was wrong."""
        if self.error:
            day, month, year = self.typed
            return {"day": day, "month": month, "year": year, "errors": [self.error]}
        return {"day": self.date.day, "month": self.date.month, "year": self.date.year, "errors": []}

    def error_anchor(self, name: str) -> str:
        """Returns the id of the box the error summary links to (the date input's ids)."""
        return f"id_{name}_{self.error_part}"


def long_date(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


class _IsoDateField(inputs.DateField):
    """A year-month-day date; a real-looking date with a year outside 1990 to 2100 (even year 0,
    which no calendar has) gets the "year" message rather than "not a date"."""

    def to_python(self, value: Any) -> dt.date | None:
        text = value.strip() if isinstance(value, str) else ""
        if len(text) == 10 and text[4] == "-" and text[7] == "-" and inputs.is_ascii_number(text[:4]) \
                and not inputs.year_in_range(int(text[:4])):
            raise forms.ValidationError(self.error_messages["year"], code="year")
        return super().to_python(value)

    def validate(self, value: Any) -> None:
        super().validate(value)
        if value is not None and not inputs.year_in_range(value.year):
            raise forms.ValidationError(self.error_messages["year"], code="year")


class QueryDateForm(DatePartsForm):
    """Reads one date from the query string: the GOV.UK date input's three boxes when any is
    filled in (`parts`), else year-month-day (`raw`, what links such as `?as_of=2024-11-22` carry).

    The one way a page reads a date from its address: `read_date` below.
    """

    day = _IsoDateField(required=False, input_formats=["%Y-%m-%d"])

    def __init__(self, raw: str, *, what: str, parts: tuple[str, str, str] = ("", "", "")) -> None:
        super().__init__({"day": "" if any(parts) else raw,
                          **{f"date_{part}": value for part, value in zip(DATE_PARTS, parts, strict=True)}})
        self.what = what
        self.fields.update(self.date_parts_fields("date"))
        for part in DATE_PARTS:  # a box holds at most 4 characters (date_parts_fields)
            self.fields[f"date_{part}"].error_messages["max_length"] = (
                f"{what[0].upper()}{what[1:]} must be a real date, like 22 11 2024")
        field = self.fields["day"]
        field.validators = []  # the year is checked with this form's own words, in _IsoDateField
        field.error_messages.update({
            "invalid": f"Enter {what} as a real date in the form year-month-day, for example 2024-11-22. "
                       f"“{raw[:20]}” is not one.",
            # Year 1 or 9999 would overflow the date arithmetic of every dashboard.
            "year": f"{inputs.YEAR_MESSAGE}. Enter {what} as year-month-day, for example 2024-11-22.",
        })

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if any(self.data.get(f"date_{part}") for part in DATE_PARTS):
            cleaned["day"] = self.clean_date_parts("date", f"{self.what[0].upper()}{self.what[1:]}", required=True)
        return cleaned

    def first_error(self) -> tuple[str, str]:
        """Returns the first error and the box it is about ("day", "month" or "year")."""
        for part in DATE_PARTS:
            if self.errors.get(f"date_{part}"):
                return str(self.errors[f"date_{part}"][0]), part
        return str(next(iter(self.errors.values()))[0]), "day"


def read_date(query: Any, name: str, *, default: dt.date, what: str,
              not_after: dt.date | None = None) -> DateChoice:
    """Returns the date in the three boxes `?name_day=22&name_month=11&name_year=2024` (what the
    page's GOV.UK date input sends) or in `?name=YYYY-MM-DD` (what links carry), or `default`
    with an error in the GOV.UK style.

    A date after `not_after` (today unless given) is brought back to it, with a note.
    """
    typed = (query.get(f"{name}_day", "").strip(), query.get(f"{name}_month", "").strip(),
             query.get(f"{name}_year", "").strip())
    raw = " ".join(part for part in typed if part) if any(typed) else query.get(name, "").strip()
    if not raw:
        return DateChoice(date=default)
    form = QueryDateForm(raw, what=what, parts=typed)
    if not form.is_valid():
        error, part = form.first_error()
        shown = (typed[0][:20], typed[1][:20], typed[2][:20])
        return DateChoice(date=default, requested=raw[:100], error=error, typed=shown, error_part=part)
    day = form.cleaned_data["day"]
    chosen = (str(day.day), str(day.month), str(day.year))
    latest = not_after or timezone.localdate()
    if day > latest:
        return DateChoice(date=latest, requested=raw, typed=chosen,
                          note=f"{long_date(day)} is later than {long_date(latest)}, so "
                               f"{long_date(latest)} is shown.")
    return DateChoice(date=day, requested=raw, typed=chosen)


# --- closing actions and naming deputies ---------------------------------------------------


class CloseForm(forms.Form):
    """A coordinator's reason for closing an action (superseded, or no longer needed)."""

    reason = _text("Why is the action being closed?", required=True, max_length=2000,
                   missing="Say why the action is being closed")


class ReopenForm(forms.Form):
    """A coordinator's reason for opening a closed action again."""

    reason = _text("Why is the action being reopened?", required=True, max_length=2000,
                   missing="Say why the action is being reopened")


class DeputyForm(DatePartsForm):
    """Names a deputy who may record progress for a lead officer until the end of a date.

    For one action (`action`: the lead is its lead officer), or for every action an officer
    leads in `council`: an officer names deputies for themselves (`lead`), a coordinator
    chooses the officer (no `lead`: the form has a `lead_officer` field). The deputy must be
    an active officer or coordinator of the council, not the lead, and the end date today or
    later; someone already deputising for the same actions is refused rather than named twice.
    """

    def __init__(self, *args: Any, council: Council, action: Action | None = None, lead: Any = None,
                 today: dt.date | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.council = council
        self.action = action
        self.lead = action.lead_officer if action is not None else lead
        self.today = today or timezone.localdate()
        self.people = Action.possible_lead_officers(
            council, roles=[Membership.Role.OFFICER, Membership.Role.COORDINATOR],
        ).order_by("first_name", "last_name", "username")
        self.not_member = f"Choose a deputy who is an officer or coordinator of {council.name}"
        if action is None and lead is None:
            field = forms.ModelChoiceField(
                label="Whose actions", queryset=self.people, error_messages={
                    "required": "Select the officer whose actions the deputy will cover",
                    "invalid_choice": f"Choose an officer or coordinator of {council.name} from the list"})
            offer(field, self.people, person_name)
            self.fields["lead_officer"] = field
        # Any account is looked up, so that someone who may not deputise gets a message saying
        # why rather than "not one of the choices"; only the council's people are offered.
        self.fields["deputy"] = forms.ModelChoiceField(
            label="Deputy", queryset=get_user_model().objects.all(),
            error_messages={"required": "Select who will deputise", "invalid_choice": self.not_member})
        self.fields.update(self.date_parts_fields("ends_on"))

    @property
    def deputy_options(self) -> list[tuple[int, str]]:
        """The people offered as deputy: the council's officers and coordinators, less a known lead."""
        people = self.people.exclude(pk=self.lead.pk) if self.lead is not None else self.people
        return [(person.pk, person_name(person)) for person in people]

    @property
    def ends_on_parts(self) -> dict[str, Any]:
        return self.date_parts("ends_on")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        lead = self.lead if self.lead is not None else cleaned.get("lead_officer")
        deputy = cleaned.get("deputy")
        if self.action is not None and lead is None:
            self.add_error(None, "This action has no lead officer, so there is nobody to deputise for. "
                                 "Choose its lead officer first.")
        if deputy is not None and not self.people.filter(pk=deputy.pk).exists():
            self.add_error("deputy", self.not_member)
        elif deputy is not None and lead is not None and deputy.pk == lead.pk:
            whose = "this action" if self.action is not None else "these actions"
            self.add_error("deputy", f"{person_name(lead)} leads {whose}, so cannot be their own deputy: "
                                     "choose someone else")
        elif deputy is not None and lead is not None:
            already = self._same_cover(deputy, lead).first()
            if already is not None:
                self.add_error("deputy", f"{person_name(deputy)} is already a deputy for "
                                         f"{self._scope(lead)} until the end of {long_date(already.ends_on)}. "
                                         "To change the date, end that first")
        ends_on = self.clean_date_parts("ends_on", "End date", required=True)
        if ends_on is not None and ends_on < self.today:
            self.add_error("ends_on_day", f"The end date must be today or later: today is {long_date(self.today)}")
        cleaned["ends_on"] = ends_on
        cleaned["lead"] = lead
        return cleaned

    def _same_cover(self, deputy: Any, lead: Any) -> QuerySet[Deputy]:
        named = Deputy.objects.active(self.today).filter(council=self.council, deputy=deputy)
        if self.action is not None:
            return named.filter(action=self.action)
        return named.filter(lead_officer=lead)

    def _scope(self, lead: Any) -> str:
        if self.action is not None:
            return f"action {self.action.reference}"
        return f"all of {person_name(lead)}’s actions"

    def save(self, *, by: Any) -> Deputy:
        """Stores the deputy, named by `by`."""
        data = self.cleaned_data
        deputy = Deputy(council=self.council, deputy=data["deputy"], action=self.action,
                        lead_officer=None if self.action is not None else data["lead"],
                        ends_on=data["ends_on"], named_by=by)
        deputy._history_user = by  # type: ignore[attr-defined]
        deputy.save()
        return deputy
