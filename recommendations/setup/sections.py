"""Inline editing of one part of a set-up page, with htmx or without JavaScript (ADR 0020).

A set-up page is a list of sections (`Section`): each shows what is recorded and a
"Change" link. The link's `href` opens the section's own page with the form in place
(no JavaScript); htmx fetches the same address and swaps the form into the section.
Saving answers htmx with the section showing its new values (and a status message for
screen readers), and a plain POST with a redirect back to the page, at the section.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from django.contrib import messages
from django.db.models import Model, QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from peertrack import idempotency
from peertrack.http import SignedInRequest, succeeded
from recommendations import access
from recommendations.models import PeerChallenge
from recommendations.setup import services

FRAGMENT = "recommendations/setup/_section.html"


@dataclass
class Section:
    """One editable part of a page: its rows as they stand, and its form when it is being changed."""

    key: str  # the HTML id of the section, and the anchor a plain save returns to
    title: str
    rows: list[tuple[str, Any]]
    edit_url: str  # GET: the form (page or htmx fragment); POST: save
    page_url: str  # the page the section belongs to
    form: Any = None
    layout: tuple[tuple[str, ...], ...] = ()  # ("field", name[, hint]) or ("date", name, label)
    note: str = ""  # what was just saved, shown in the section
    level: int = 2  # heading level
    change_label: str = "Change"
    extra: str = ""  # a template with further controls (reorder, remove), given `section` and `item`
    item: Any = None
    caption: str = ""


@dataclass
class Editor:
    """How one section is edited: building its form, saving it, and drawing it afresh."""

    title: str  # what the section holds, in words ("the feedback report")
    make_form: Callable[[Any], Any]  # data (or None) -> a bound or unbound form
    save: Callable[[Any], bool]  # a valid form -> whether anything changed
    section: Callable[[Any, str], Section]  # (form or None, note) -> the section as it now stands
    page: Callable[[Section], HttpResponse]  # the whole page with this section open
    challenge: Any = None  # for the fragment's links
    refresh: Callable[[], None] = lambda: None  # re-reads the edited objects after a conflict
    hidden: tuple[str, ...] = field(default=("loaded",))


def edit(request: SignedInRequest, editor: Editor) -> HttpResponse:
    """GET shows the section's form; POST saves it. htmx gets the section, a plain request the page."""
    if request.method == "POST":
        form = editor.make_form(request.POST)
        if form.is_valid():
            try:
                changed = editor.save(form)
            except services.SectionChanged:
                editor.refresh()
                fresh = editor.make_form(None)
                data = request.POST.copy()
                for name in editor.hidden:
                    if name in fresh.fields:
                        data[name] = fresh[name].value()
                form = editor.make_form(data)
                form.is_valid()
                form.add_error(
                    None,
                    f"Someone else changed {editor.title} while you were editing, so nothing "
                    "was saved. The page now shows their change; your entries are still in "
                    "the form. Check them, then save again.",
                )
            except services.NotSaved as refusal:
                form.add_error(None, str(refusal))
            else:
                note = f"Saved {editor.title}." if changed else f"Nothing was changed in {editor.title}."
                section = editor.section(None, note)
                location = f"{section.page_url}#{section.key}"
                if request.htmx:
                    idempotency.finished(request, location)
                    return render(
                        request, FRAGMENT, {"section": section, "status": note, "challenge": editor.challenge}
                    )
                messages.success(request, note)
                return redirect(location)
    else:
        form = editor.make_form(None)
    section = editor.section(form, "")
    if request.htmx:
        return render(request, FRAGMENT, {"section": section, "challenge": editor.challenge})
    return editor.page(section)


def item_editor(
    request: SignedInRequest,
    item: Model,
    form_class: Callable[..., Any],
    *,
    challenge: Any,
    title: str,
    section: Callable[[Any, str], Section],
    page: Callable[[Section], HttpResponse],
) -> Editor:
    """Returns the editor of one item's section (a theme, a peer, a meeting, a recommendation's text): the
    model form `form_class` on `item`, saved unless someone else saved the same fields first. `section` draws
    the item as the database now holds it."""

    def draw(form: Any, note: str) -> Section:
        item.refresh_from_db()
        return section(form, note)

    return Editor(
        challenge=challenge,
        title=title,
        make_form=lambda data: form_class(data, instance=item),
        save=lambda form: services.save_section(
            instance=item, changes=form.changes(), loaded=form.cleaned_data["loaded"], by=request.user
        ),
        section=draw,
        page=page,
        refresh=item.refresh_from_db,
    )


T = TypeVar("T", bound=Model)


@dataclass(frozen=True)
class ItemList(Generic[T]):
    """A set-up page listing some of a challenge's items (its themes, its peer team, its committee meetings), for
    the coordinators of its council: each item a section changed in place, and a form at the foot adding one."""

    model: type[T]
    form_class: type[Any]  # the section form that adds an item and changes one
    title: str  # one item, in words ("the theme"), for "Saved ..."
    new: Callable[[PeerChallenge], T]  # the add form's item
    section: Callable[[PeerChallenge, T, Any, str], Section]  # (challenge, item, form or None, note)
    page: Callable[..., HttpResponse]  # (request, challenge, *, add_form=None, open_section=None) -> the page
    added: Callable[[T], tuple[str, str]]  # a new item -> the message saying so, and where the page shows it
    # (challenge, the add form's data) -> the items a new one goes after, in an ordered list
    siblings: Callable[[PeerChallenge, dict[str, Any]], QuerySet[T]] | None = None

    def get(self, request: SignedInRequest, slug: str, pk: int) -> tuple[PeerChallenge, T]:
        """Returns the challenge (`access.coordinated_challenge`) and its item `pk`: 404 for another's."""
        challenge = access.coordinated_challenge(request, slug)
        item = get_object_or_404(self.model, challenge=challenge, pk=pk)
        item.challenge = challenge  # type: ignore[attr-defined]  # each item belongs to a challenge
        return challenge, item

    def add(self, request: SignedInRequest, slug: str) -> HttpResponse:
        """GET shows the list page; POST adds an item from the page's add form (after its siblings when the
        list is ordered). Saved: a redirect to the item with a message; else the page, showing what is wrong."""
        challenge = access.coordinated_challenge(request, slug)
        if request.method != "POST":
            return self.page(request, challenge)
        item = self.new(challenge)
        form = self.form_class(request.POST, instance=item, prefix="new")
        if form.is_valid():
            if self.siblings is not None:
                item.position = services.next_position(self.siblings(challenge, form.cleaned_data))  # type: ignore[attr-defined]
            if services.add_new(form=form, instance=item, by=request.user):
                return succeeded(request, *self.added(item))
        return self.page(request, challenge, add_form=form)

    def edit(self, request: SignedInRequest, slug: str, **item_id: int) -> HttpResponse:
        """Changes an item in place (`edit`): the one whose id the URL captures, whatever it names it
        (`theme_id`, `peer_id`, `meeting_id`)."""
        (pk,) = item_id.values()
        challenge, item = self.get(request, slug, pk)
        editor = item_editor(
            request,
            item,
            self.form_class,
            challenge=challenge,
            title=self.title,
            section=lambda form, note: self.section(challenge, item, form, note),
            page=lambda section: self.page(request, challenge, open_section=section),
        )
        return edit(request, editor)


def item_sections(
    items: Iterable[Model], draw: Callable[[Any], Section], open_section: Section | None
) -> list[Section]:
    """Returns the section of each item on a list page, `open_section` (the one being edited) in its item's place."""
    return [
        open_section if open_section is not None and open_section.item.pk == item.pk else draw(item) for item in items
    ]
