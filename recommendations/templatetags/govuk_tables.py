"""`{% data_table %}`: the GOV.UK table frame (scrolling region, caption, header row, body) around a page's cells,
and `{% header_cells %}`: a header row's plain cells."""

from __future__ import annotations

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token, token_kwargs
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

register = template.Library()

FRAME = "shared/data_table.html"


class DataTableNode(template.Node):
    def __init__(self, options: dict[str, FilterExpression], head: NodeList, body: NodeList) -> None:
        self.options, self.head, self.body = options, head, body

    def render(self, context: template.Context) -> SafeString:
        frame = template.Engine.get_default().get_template(FRAME)
        values = {"region": True, **{name: value.resolve(context) for name, value in self.options.items()}}
        values.update(head=self.head.render(context), body=self.body.render(context))
        return frame.render(context.new(values))


@register.tag
def data_table(parser: Parser, token: Token) -> DataTableNode:
    """Returns a GOV.UK table around the header cells before `{% body %}` and the body rows after it::

        {% data_table label="The numbers in the chart" id="over-time" caption_class="govuk-table__caption--s" %}
          <th scope="col" class="govuk-table__header">Period</th>
        {% body %}
          {% for row in rows %}<tr class="govuk-table__row">...</tr>{% endfor %}
        {% enddata_table %}

    Options: `label` names the scrolling region and is the caption unless `caption` is given; `caption_class`
    (default govuk-table__caption--m); `id`; `table_class`, classes added to govuk-table; `region=False` for a
    table without the scrolling region; `wrapper_class` instead of pt-table-wrapper.
    """
    bits = token.split_contents()
    options = token_kwargs(bits[1:], parser)
    if len(options) != len(bits) - 1:
        raise template.TemplateSyntaxError(f"{bits[0]} takes only name=value options")
    head = parser.parse(("body",))
    parser.delete_first_token()
    body = parser.parse(("enddata_table",))
    parser.delete_first_token()
    return DataTableNode(options, head, body)


@register.simple_tag
def header_cells(*labels: str) -> SafeString:
    """Returns a plain column header cell for each label, for the head of a `{% data_table %}`::

        {% header_cells "Action" "Rating" "Due" %}

    A cell with a class of its own (a numeric column) is written out instead."""
    return format_html_join("\n", '<th scope="col" class="govuk-table__header">{}</th>', ((label,) for label in labels))
