"""The shared template pieces every page's forms and tables are drawn with."""

from __future__ import annotations

import pytest
from django import forms
from django.template import Context, Template, TemplateSyntaxError


class Sample(forms.Form):
    title = forms.CharField()
    rag = forms.ChoiceField(choices=[("red", "Red"), ("green", "Green")], widget=forms.RadioSelect)
    themes = forms.MultipleChoiceField(choices=[("1", "One")], widget=forms.CheckboxSelectMultiple)
    kind = forms.ChoiceField(choices=[("a", "A")])  # a select box links to itself
    confirm = forms.BooleanField()  # one checkbox links to itself


@pytest.mark.parametrize(("name", "anchor"), [
    ("title", "id_title"), ("rag", "id_rag_0"), ("themes", "id_themes_0"), ("kind", "id_kind"),
    ("confirm", "id_confirm"),
])
def test_an_error_links_to_the_first_input_a_person_can_reach(name: str, anchor: str) -> None:
    html = Template("{% load forms_extras %}{{ field|first_input_id }}").render(Context({"field": Sample()[name]}))
    assert html == anchor


def test_the_error_summary_lists_given_errors_then_the_forms_and_links_each_to_its_field() -> None:
    form = Sample(data={"rag": "blue"})
    form.add_error(None, "Someone else changed this action.")
    html = Template('{% include "shared/error_summary.html" %}').render(Context({
        "form": form, "errors": [{"text": "Enter a date", "href": "#as_of"}], "error_anchor": "changes",
    }))
    assert html.index("Enter a date") < html.index("Someone else changed") < html.index('href="#id_title"')
    assert 'href="#changes"' in html and 'href="#id_rag_0"' in html and 'href="#id_themes_0"' in html
    assert 'role="alert"' in html and "There is a problem" in html


def test_no_error_draws_no_summary() -> None:
    html = Template('{% include "shared/error_summary.html" %}').render(Context({"form": Sample(), "errors": []}))
    assert html.strip() == ""


def test_a_data_table_frames_its_cells_in_a_named_scrolling_region() -> None:
    html = Template(
        '{% load govuk_tables %}{% data_table label="Overdue actions" id="overdue" %}'
        '<th scope="col" class="govuk-table__header">Action</th>{% body %}<tr><td>1.1</td></tr>{% enddata_table %}'
    ).render(Context({}))
    assert 'aria-label="Overdue actions"' in html and 'id="overdue"' in html
    assert "<caption" in html and "Overdue actions</caption>" in html
    assert html.index("<thead") < html.index(">Action</th>") < html.index("<tbody") < html.index("<td>1.1</td>")


def test_a_data_table_takes_only_named_options() -> None:
    with pytest.raises(TemplateSyntaxError, match="only name=value"):
        Template('{% load govuk_tables %}{% data_table "Overdue" %}{% body %}{% enddata_table %}')
