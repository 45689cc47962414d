"""Every drop-down, list and search box in the admin offers only the user's councils' rows."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse

from tests.admin_helpers import SECRET, make_staff, make_world, scoped_models

pytestmark = pytest.mark.usefixtures("media_root")


@pytest.fixture
def worlds(northtown, southport):
    return make_world(northtown, prefix="Northtown"), make_world(southport, prefix=SECRET)


def choice_fields(response):
    """Returns (name, field) for every model choice field on an admin add or change page.

    An inline row's hidden id is left out: it offers nothing, and Django looks a posted id
    up among the parent's own rows only.
    """
    forms_on_page = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms_on_page.append(inline.formset.empty_form)
    return [(f"{form.prefix or ''}{name}", field) for form in forms_on_page
            for name, field in form.fields.items()
            if isinstance(field, forms.ModelChoiceField) and not field.widget.is_hidden]


def pages(model, northtown_obj):
    opts = model._meta
    return [reverse(f"admin:{opts.app_label}_{opts.model_name}_add"),
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[northtown_obj.pk])]


@pytest.mark.django_db
@pytest.mark.parametrize("model", [*scoped_models(), get_user_model()], ids=lambda m: m._meta.model_name)
def test_no_drop_down_offers_another_councils_rows(client, alice, worlds, model):
    ours, theirs = worlds
    southport_users = set(get_user_model().objects.filter(username__startswith=SECRET.lower())
                          .values_list("pk", flat=True))
    northtown_obj = ours.get(model) or alice
    client.force_login(make_staff(alice))
    for url in pages(model, northtown_obj):
        response = client.get(url)
        if response.status_code == 403:  # no add page (e.g. issued packs, guest access)
            continue
        assert response.status_code == 200, url
        assert SECRET not in response.content.decode(), url
        for name, field in choice_fields(response):
            target = field.queryset.model
            if target is get_user_model():
                assert not field.queryset.filter(pk__in=southport_users).exists(), (url, name)
            elif target in theirs:
                assert not field.queryset.filter(pk=theirs[target].pk).exists(), (url, name)


@pytest.mark.django_db
@pytest.mark.parametrize(("model_name", "field_name"), [("action", "lead_officer"), ("membership", "user")])
def test_people_search_boxes_find_only_the_councils_people(client, alice, worlds, model_name, field_name):
    client.force_login(make_staff(alice))
    response = client.get(reverse("admin:autocomplete"), {
        "app_label": "recommendations", "model_name": model_name, "field_name": field_name, "term": ""})
    assert response.status_code == 200
    names = [result["text"] for result in response.json()["results"]]
    assert "northtown-officer" in names
    assert not [name for name in names if SECRET.lower() in name]
