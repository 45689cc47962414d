"""The People pages' forms: inviting, choosing a role, reassigning, uploading a CSV, accepting, SSO."""

from __future__ import annotations

from functools import partial
from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.template import loader

from peertrack import tasks
from recommendations.forms import OneFileForm, person_name, text_field
from recommendations.models import Action, Council, Membership
from recommendations.people import csv_import, services

_line = partial(text_field, max_length=150, single_line=True)


def _email(missing: str) -> forms.EmailField:
    return forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": missing,
            "invalid": "Enter an email address like name@council.gov.uk",
            "max_length": "The email address must be 254 characters or fewer",
        },
    )


def _password(label: str, *, missing: str) -> forms.CharField:
    return forms.CharField(
        label=label, strip=False, widget=forms.PasswordInput, max_length=4096, error_messages={"required": missing}
    )


def _role_field(choices: list[tuple[str, str]], *, label: str = "Role") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a role", "invalid_choice": "Choose a role from the list"},
    )


class InviteForm(forms.Form):
    first_name = _line("First name", required=True, missing="Enter their first name")
    last_name = _line("Last name", required=False)
    email = _email("Enter their email address")
    role = forms.ChoiceField()

    def __init__(self, *args: Any, manager_role: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"] = _role_field(services.grantable_roles(manager_role))


class RoleForm(forms.Form):
    role = forms.ChoiceField()

    def __init__(self, *args: Any, manager_role: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"] = _role_field(services.grantable_roles(manager_role), label="New role")


class ReassignForm(forms.Form):
    to_user = forms.ModelChoiceField(
        label="New lead officer",
        queryset=get_user_model().objects.none(),
        empty_label="Choose a person",
        error_messages={
            "required": "Choose the new lead officer",
            "invalid_choice": "Choose the new lead officer from the list",
        },
    )
    actions = forms.MultipleChoiceField(
        label="Actions",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Select at least one action to reassign",
            "invalid_choice": "Select actions from the list",
        },
    )

    def __init__(self, *args: Any, council: Council, from_user: Any, actions: list[Action], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        people = (
            Action.possible_lead_officers(council, roles=services.LEADING_ROLES)
            .exclude(pk=from_user.pk)
            .order_by("last_name", "first_name", "username")
        )
        field = self.fields["to_user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = people
        field.label_from_instance = person_name  # type: ignore[method-assign,assignment]
        self.fields["actions"].choices = [  # type: ignore[attr-defined]
            (str(action.pk), f"{action.reference} {action.description[:80]} ({action.recommendation.challenge.title})")
            for action in actions
        ]
        self.fields["actions"].initial = [str(action.pk) for action in actions]


class PeopleUploadForm(OneFileForm):
    label = "CSV file"
    wanted = "a CSV file of the people to invite"
    max_bytes = csv_import.MAX_BYTES

    def too_large(self, size: int) -> str:
        return csv_import.too_large(size)


class AcceptForm(forms.Form):
    """Choosing a password when accepting an invitation (Django's password rules)."""

    new_password1 = _password("New password", missing="Enter a password")
    new_password2 = _password("Confirm the password", missing="Enter the password again")

    def __init__(self, *args: Any, person: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.person = person

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("new_password1"), data.get("new_password2")
        if first and second and first != second:
            self.add_error("new_password2", "The two passwords do not match")
        elif first:
            try:
                password_validation.validate_password(first, self.person)
            except forms.ValidationError as error:
                self.add_error("new_password1", error)
        return data


class SsoSettingForm(forms.Form):
    require_sso = forms.BooleanField(
        label="Members must sign in with single sign-on",
        required=False,
        help_text="Password sign-in is then refused for the council's members. Guest peers keep their passwords.",
    )


class ResetRequestForm(PasswordResetForm):
    """Django's password reset request with a plain-English message; `get_users` leaves out people
    whose council requires single sign-on (they have no password to reset)."""

    email = _email("Enter your email address")

    def get_users(self, email: str) -> Any:
        for user in super().get_users(email):
            if services.sso_required_council(user) is None:
                yield user

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        """Queues the email on the task queue, rendered now (inside the request, which gave the link)."""
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        tasks.enqueue_on_commit(tasks.send_email, subject=subject, body=body, to=[to_email])


# The roles as the People page names them.
ROLE_LABELS = dict(Membership.Role.choices)
