"""Scrutiny dashboards: where the plan stands at a glance, why, and how it moved.

Every page here can be viewed as the plan stood on a date (`?as_of=YYYY-MM-DD`,
default today). Everyone who may open a challenge reads its dashboards: the
council's officers, coordinators, scrutiny members and administrators, and a
returning peer with guest access to that one challenge. Nothing here changes
anything; another council's user gets a 404. See docs/decisions/0006 and 0011.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Any
from urllib.parse import urlencode

from django.core.cache import cache
from django.core.paginator import EmptyPage, Paginator
from django.db import connection
from django.db.models import Q, QuerySet
from django.db.models.expressions import RawSQL
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django_tables2 import RequestConfig

from peertrack import caching, inputs
from peertrack.http import SignedInRequest
from peertrack.routing import CHALLENGE, Routes
from recommendations import access, asof, charts, exports, timetable
from recommendations import rag as rag_rules
from recommendations.filters import ActionPlanFilter
from recommendations.forms import DATE_PARTS, DateChoice, long_date, read_date
from recommendations.models import (
    Action,
    Council,
    PeerChallenge,
    ProgressUpdate,
    Recommendation,
    Theme,
)
from recommendations.tables import ActionPlanTable, action_url

routes = Routes()
challenge_routes = routes.under(CHALLENGE)

PER_PAGE = 25
SEARCH_LIMIT = 50
# The portfolio shows this many councils a page (an adviser may read all 350).
COUNCILS_PER_PAGE = 10
CACHED_PAGE = "shared/cached_content.html"


def _page_parts(request: HttpRequest, *, role: str | None = None) -> tuple[Any, ...]:
    """Returns what besides the challenge's version changes a cached page: the path, every query
    parameter, today's date (a page "as at today" moves with the day), htmx or not, and the role."""
    return (request.path, sorted(request.GET.lists()), timezone.localdate().isoformat(),
            bool(getattr(request, "htmx", False)), role)


def _content_of(template_name: str, context: dict[str, Any], request: HttpRequest) -> str:
    """Renders only the page template's `content` block (what the server caches, ADR 0026)."""
    from django.template.context import make_context
    from django.template.loader import get_template
    from django.template.loader_tags import BlockNode

    template = get_template(template_name).template  # type: ignore[attr-defined]
    block = next(node for node in template.nodelist.get_nodes_by_type(BlockNode) if node.name == "content")
    bound = make_context(context, request)
    with bound.render_context.push_state(template), bound.bind_template(template):
        return str(block.nodelist.render(bound))


def _render_cached(request: HttpRequest, template_name: str, *, challenge: PeerChallenge | None = None,
                   kind: str, past: bool, frame: dict[str, Any], build: Any,
                   challenges: list[PeerChallenge] | None = None, extra: Any = None) -> HttpResponse:
    """Renders `template_name` with its `content` block from the cache when the challenge (or each
    of `challenges`) has not changed since it was stored. On a miss `build()` returns the full
    context and the status; `frame` is what the rest of the page (title, breadcrumbs) needs."""
    scope = challenges if challenges is not None else [challenge] if challenge is not None else []

    def content() -> tuple[str, int]:
        context, status = build()
        return _content_of(template_name, context, request), status

    html, status = caching.cached(caching.page_key(kind, scope, _page_parts(request), extra), content, past=past)
    # page_status: the title starts "Error: " on a 400 (an impossible date or filter).
    return render(request, CACHED_PAGE, {**frame, "page_template": template_name, "page_status": status,
                                          "cached_content": mark_safe(html)},  # noqa: S308  # nosec B308 B703
                  status=status)


def _readable_challenge(request: HttpRequest, slug: str) -> PeerChallenge:
    """Everyone who may open a challenge may read its dashboards (docs/decisions/0011)."""
    return access.get_challenge(request, slug)


def _as_of(request: HttpRequest) -> DateChoice:
    return read_date(request.GET, "as_of", default=timezone.localdate(), what="the “as at” date")


def _kept_params(request: HttpRequest, *leave_out: str) -> list[tuple[str, str]]:
    """Returns the query parameters a form must carry along so the view keeps them; a date left
    out goes in both its spellings (`as_of`, and the date input's `as_of_day`, `_month`, `_year`)."""
    dropped = {*leave_out, *(f"{name}_{part}" for name in leave_out for part in DATE_PARTS)}
    return [(key, value) for key, values in request.GET.lists() if key not in dropped for value in values]


def _date_errors(*choices: tuple[str, DateChoice]) -> list[dict[str, str]]:
    return [
        {"href": f"#{choice.error_anchor(field)}", "text": choice.error} for field, choice in choices if choice.error
    ]


def _status(errors: list[Any]) -> int:
    # The page still shows (for the date it could use) and says what was wrong.
    return 400 if errors else 200


@challenge_routes.get("dashboard/", name="dashboard")
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """Shows a challenge's RAG counts, theme matrix, timetable, lists and movement as at a date.

    Its content is cached until the challenge changes (ADR 0026)."""
    challenge = _readable_challenge(request, slug)
    as_of = _as_of(request)
    return _render_cached(request, "recommendations/dashboard.html", challenge=challenge, kind="dashboard",
                          past=not as_of.is_today, frame={"challenge": challenge, "as_of": as_of, "nav": "dashboard"},
                          build=lambda: _dashboard_context(request, challenge, as_of))


def _dashboard_context(request: HttpRequest, challenge: PeerChallenge, as_of: DateChoice) -> tuple[dict[str, Any], int]:
    meetings = list(challenge.committee_meetings.order_by("meeting_date", "committee"))
    earlier = [meeting for meeting in meetings if meeting.meeting_date < as_of.date]
    default_since = earlier[-1].meeting_date if earlier else as_of.date - dt.timedelta(
        days=asof.DEFAULT_MOVEMENT_DAYS)
    since = read_date(request.GET, "since", default=default_since, what="the date to compare with",
                      not_after=as_of.date)
    if not since.error and since.requested and since.date >= as_of.date:
        since = DateChoice(date=default_since, requested=since.requested, typed=since.typed,
                           error=f"Enter a date to compare with that is before {long_date(as_of.date)}.")
    board = asof.plan_as_at(challenge, as_of.date, timeline=True)
    milestones = timetable.timetables_for([challenge], as_of=as_of.date)[challenge.pk]
    over_time = board.over_time()
    over_time_rows = [(str(picture.period) + (" (so far)" if picture.is_partial else ""), picture.counts)
                      for picture in over_time]
    errors = _date_errors(("as_of", as_of), ("since", since))
    period = board.period
    movement = board.movement_since(board.earlier(since.date))
    context = {
        "challenge": challenge,
        "nav": "dashboard",
        "movement_groups": [
            {"key": "down", "heading": "Moved down a band", "moves": movement["down"],
             "empty": "None moved down."},
            {"key": "up", "heading": "Moved up a band", "moves": movement["up"],
             "empty": "None moved up."},
            {"key": "rated", "heading": "Rated for the first time", "moves": movement["rated"],
             "empty": "None was rated for the first time."},
            {"key": "unrated", "heading": "No longer rated", "moves": movement["unrated"],
             "empty": "None lost its rating."},
        ],
        "attention": [
            {"key": "overdue", "heading": "Overdue", "actions": board.overdue,
             "empty": f"No open action was past its due date on {long_date(as_of.date)}."},
            {"key": "due-soon", "heading": f"Due in the next {asof.DUE_SOON_DAYS} days",
             "actions": board.due_soon, "empty": "No open action falls due in the next 30 days."},
            {"key": "no-update", "heading": f"No update for {period}", "actions": board.without_update,
             "empty": f"Every open action has an update for {period}."},
        ],
        "as_of": as_of,
        "since": since,
        "since_meeting": next((m for m in reversed(earlier) if m.meeting_date == since.date), None),
        "meetings": [m for m in meetings if m.meeting_date < as_of.date],
        "board": board,
        "movement": movement,
        "theme_matrix": board.theme_matrix(list(challenge.themes.all())),
        "over_time": over_time,
        "milestones": milestones,
        "timetable_summary": timetable.summarise(milestones),
        "recommendation_chart": charts.bar_chart(
            id="chart-recommendations", title="Recommendations by RAG rating",
            subject="Recommendations", counts=board.recommendation_counts),
        "action_chart": charts.bar_chart(
            id="chart-actions", title="Actions by RAG rating", subject="Actions (closed ones left out)",
            counts=board.action_counts),
        "over_time_chart": charts.stacked_chart(
            id="chart-over-time", title="Recommendations by RAG rating at the end of each quarter",
            subject="Recommendations", rows=over_time_rows) if over_time_rows else None,
        "chart_key": charts.key(),
        "rule_text": rag_rules.RULE_TEXT,
        "errors": errors,
        "kept": _kept_params(request, "as_of"),
        "today_query": urlencode(_kept_params(request, "as_of")),
        "kept_for_since": _kept_params(request, "since"),
    }
    return context, _status(errors)


def _share_related(challenge: PeerChallenge, actions: list[Action]) -> None:
    """Gives `actions` their recommendation (with its theme and this challenge) and lead officer,
    one shared object each, in 2 queries: a join would build a copy of each on every action (a
    4,000-action export built 24,000 model objects, issue 20)."""
    from django.contrib.auth import get_user_model

    recommendations = {r.pk: r for r in Recommendation.objects.filter(challenge=challenge).select_related("theme")}
    for recommendation in recommendations.values():
        recommendation.challenge = challenge
    officer_ids = {action.lead_officer_id for action in actions if action.lead_officer_id is not None}
    officers = get_user_model().objects.in_bulk(officer_ids) if officer_ids else {}
    for action in actions:
        action.recommendation = recommendations[action.recommendation_id]
        action.lead_officer = officers.get(action.lead_officer_id) if action.lead_officer_id else None


def _plan(request: HttpRequest, challenge: PeerChallenge, as_of: dt.date) -> tuple[ActionPlanFilter, ActionPlanTable]:
    """Returns the filter and the sorted (not yet paged) table of the challenge's actions as at `as_of`."""
    actions = Action.objects.filter(recommendation__challenge=challenge)
    then = asof.actions_as_at(actions, as_of)
    _share_related(challenge, [item.action for item in then])
    filterset = ActionPlanFilter(request.GET or None, queryset=actions, challenge=challenge, actions_then=then)
    chosen = set(filterset.qs.values_list("pk", flat=True))
    table = ActionPlanTable([item for item in then if item.pk in chosen], as_of=as_of)
    RequestConfig(request, paginate=False).configure(table)
    return filterset, table


@challenge_routes.get("plan/", name="action_plan")
def action_plan(request: SignedInRequest, slug: str) -> HttpResponse:
    """Lists every action with its RAG as at a date; filters, sorting and pages live in the URL.

    An htmx request (the filter form, a sort or page link) gets only the results fragment. Both are
    cached until the challenge changes (ADR 0026).
    """
    challenge = _readable_challenge(request, slug)
    as_of = _as_of(request)
    template = "recommendations/action_plan.html"
    if request.htmx and not request.htmx.history_restore_request:
        def fragment() -> tuple[str, int]:
            context, status = _action_plan_context(request, challenge, as_of)
            return render_to_string(template + "#results", context, request), status

        html, status = caching.cached(caching.page_key("plan-results", [challenge], _page_parts(request)),
                                      fragment, past=not as_of.is_today)
        return HttpResponse(html, status=status)
    return _render_cached(request, template, challenge=challenge, kind="plan", past=not as_of.is_today,
                          frame={"challenge": challenge, "as_of": as_of, "nav": "dashboard"},
                          build=lambda: _action_plan_context(request, challenge, as_of))


def _action_plan_context(request: HttpRequest, challenge: PeerChallenge,
                         as_of: DateChoice) -> tuple[dict[str, Any], int]:
    filterset, table = _plan(request, challenge, as_of.date)
    # ?show=all: every filtered row on one page, to print the whole plan.
    per_page = max(len(table.rows), 1) if request.GET.get("show") == "all" else PER_PAGE
    # django-tables2 pages its own rows: only the shown page's cells are ever rendered.
    try:
        table.paginate(page=inputs.page_number(request.GET.get("page")), per_page=per_page)
    except EmptyPage:
        table.paginate(page=table.paginator.num_pages, per_page=per_page)
    errors = _date_errors(("as_of", as_of)) + [
        {"href": f"#id_{name}", "text": message}
        for name, messages in filterset.form.errors.items() for message in messages
    ]
    context = {
        "challenge": challenge,
        "nav": "dashboard",
        "as_of": as_of,
        "filter": filterset,
        "checkbox_filters": [filterset.form["rag"], filterset.form["status"]],
        "table": table,
        "errors": errors,
        "kept": _kept_params(request, "as_of", "page"),
        "today_query": urlencode(_kept_params(request, "as_of", "page")),
        "export_query": urlencode(_kept_params(request, "page")),
        "print_query": urlencode([*_kept_params(request, "page", "show"), ("show", "all")]),
        "showing_all": request.GET.get("show") == "all",
    }
    return context, _status(errors)


def _export(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    challenge = _readable_challenge(request, slug)
    as_of = _as_of(request)
    _filterset, table = _plan(request, challenge, as_of.date)
    rows = exports.plan_rows(table.data)
    name = f"{challenge.slug}-action-plan-{as_of.date.isoformat()}"
    if kind == "csv":
        response = HttpResponse(exports.to_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        title = f"{challenge.council.name}, {challenge.title}: action plan as at {long_date(as_of.date)}"
        response = HttpResponse(
            exports.to_xlsx(rows, title=title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response


@challenge_routes.get("plan/export.csv", name="action_plan_csv")
def action_plan_csv(request: HttpRequest, slug: str) -> HttpResponse:
    """Returns the filtered, sorted action plan table (every page) as CSV."""
    return _export(request, slug, "csv")


@challenge_routes.get("plan/export.xlsx", name="action_plan_xlsx")
def action_plan_xlsx(request: HttpRequest, slug: str) -> HttpResponse:
    """Returns the filtered, sorted action plan table (every page) as an XLSX workbook."""
    return _export(request, slug, "xlsx")


def _readable_challenges(request: HttpRequest) -> QuerySet[PeerChallenge]:
    return PeerChallenge.objects.visible_to(request.user)


@routes.get("portfolio/", name="portfolio")
def portfolio(request: HttpRequest) -> HttpResponse:
    """Shows every challenge the user may read with its RAG summary and timetable, and
    a council's challenges side by side by theme."""
    as_of = _as_of(request)
    readable = _readable_challenges(request)
    council_ids = list(Council.objects.filter(challenges__in=readable).distinct().order_by("name", "pk")
                       .values_list("pk", flat=True))
    paginator = Paginator(council_ids, COUNCILS_PER_PAGE)
    page = paginator.get_page(inputs.page_number(request.GET.get("page")))
    challenges = list(readable.filter(council__in=list(page.object_list)).select_related("council")
                      .order_by("council__name", "council", "onsite_start"))
    # The page is cached until one of its challenges changes (or the number of councils readable).
    return _render_cached(request, "recommendations/portfolio.html", challenges=challenges, kind="portfolio",
                          past=not as_of.is_today, frame={"nav": "portfolio", "as_of": as_of},
                          extra=paginator.count,
                          build=lambda: _portfolio_context(request, as_of, challenges, page))


def _portfolio_context(request: HttpRequest, as_of: DateChoice, challenges: list[PeerChallenge],
                       page: Any) -> tuple[dict[str, Any], int]:
    # Each challenge's row is cached too, until the challenge changes (ADR 0026).
    keys = {c.pk: caching.page_key("portfolio-row", [c], as_of.date.isoformat(), timezone.localdate().isoformat())
            for c in challenges}
    found = cache.get_many(list(keys.values()))
    missing = [c for c in challenges if keys[c.pk] not in found]
    built = _portfolio_rows(missing, as_of.date) if missing else {}
    cache.set_many({keys[pk]: row for pk, row in built.items()},
                   caching.TODAY_TIMEOUT if as_of.is_today else caching.PAST_TIMEOUT)
    rows = [{**(found.get(keys[c.pk]) or built[c.pk]), "challenge": c} for c in challenges]
    councils: dict[int, dict[str, Any]] = {}
    for row in rows:
        council = row["challenge"].council
        councils.setdefault(council.pk, {"council": council, "rows": []})["rows"].append(row)
    errors = _date_errors(("as_of", as_of))
    kept = _kept_params(request, "as_of", "page")
    context = {
        "nav": "portfolio",
        "as_of": as_of,
        "councils": list(councils.values()),
        "page": page if page.paginator.num_pages > 1 else None,
        "page_query": urlencode(_kept_params(request, "page")),
        "errors": errors,
        "kept": kept,
        "today_query": urlencode(kept),
    }
    return context, _status(errors)


def _portfolio_rows(challenges: list[PeerChallenge], day: dt.date) -> dict[int, dict[str, Any]]:
    """Returns each challenge's portfolio row (without the challenge itself), by challenge id."""
    plans = asof.plans_as_at(challenges, day)
    timetables = timetable.timetables_for(challenges, as_of=day)
    themes: dict[int, list[Theme]] = defaultdict(list)
    for theme in Theme.objects.filter(challenge__in=challenges).order_by("kind", "position", "name"):
        themes[theme.challenge_id].append(theme)
    rows: dict[int, dict[str, Any]] = {}
    for challenge in challenges:
        plan = plans[challenge.pk]
        rows[challenge.pk] = {
            "counts": plan.recommendation_counts,
            "total": len(plan.recommendations),
            "overdue": len(plan.overdue),
            "milestones": timetables[challenge.pk],
            "summary": timetable.summarise(timetables[challenge.pk]),
            "themes": [
                {"theme": row["theme_object"], "counts": row["counts"], "total": row["total"]}
                for row in plan.theme_matrix(themes[challenge.pk]) if row["theme_object"] is not None
            ],
        }
    return rows


def _terms(text: str) -> list[str]:
    return [term for term in re.split(r"\s+", text.strip()) if term][:10]


def _matching(fields: list[str], terms: list[str]) -> Q:
    """Returns a filter where every term appears in at least one of `fields` (the SQLite search)."""
    condition = Q()
    for term in terms:
        any_field = Q()
        for name in fields:
            any_field |= Q(**{f"{name}__icontains": term})
        condition &= any_field
    return condition


def _search(queryset: QuerySet[Any], fields: list[str], text: str, order: list[str], *,
            ranked: bool = True) -> QuerySet[Any]:
    """Returns the rows matching `text`: on PostgreSQL the stored `search_vector` column (GIN
    indexed, kept by the database, migration 0011) against a web-style query; a word match elsewhere.

    `queryset` is already scoped to the user's challenges, so the match only ever looks at them.
    `ranked` orders by relevance first (cheap for recommendations; updates go newest first, which
    lets PostgreSQL stop at the limit instead of ranking every match)."""
    if connection.vendor == "postgresql":
        table = queryset.model._meta.db_table
        query = "websearch_to_tsquery('english'::regconfig, %s)"
        matched = queryset.extra(where=[f'"{table}"."search_vector" @@ {query}'], params=[text])  # noqa: S610  # nosec B610: table name from the model, text bound as a parameter
        if not ranked:
            return matched.order_by(*order)
        rank = RawSQL(f'ts_rank("{table}"."search_vector", {query})', [text])  # noqa: S611  # nosec B611: table name from the model, text bound as a parameter
        return matched.annotate(rank=rank).order_by("-rank", *order)
    return queryset.filter(_matching(fields, _terms(text))).order_by(*order)


def snippet(text: str, terms: list[str], *, words: int = 30) -> SafeString:
    """Returns about `words` words of `text` around the first term found, terms marked, HTML escaped."""
    parts = text.split()
    lowered = [part.lower() for part in parts]
    stems = [term.lower().strip("\"'") for term in terms if term.strip("\"'")]
    first = next((i for i, part in enumerate(lowered) if any(stem[:5] in part for stem in stems)), 0)
    start = max(0, first - words // 3)
    chosen = parts[start:start + words]
    marked = []
    for word in chosen:
        escaped: str = escape(word)
        if any(stem[:5] in word.lower() for stem in stems):
            escaped = f"<mark>{escaped}</mark>"
        marked.append(escaped)
    prefix = "… " if start else ""
    suffix = " …" if start + words < len(parts) else ""
    # Safe: every word was escaped above before <mark> was added.
    return mark_safe(prefix + " ".join(marked) + suffix)  # noqa: S308  # nosec B308 B703


def _limited(queryset: QuerySet[Any]) -> tuple[list[Any], bool]:
    """Returns up to SEARCH_LIMIT rows and whether there were more: one query, never a count."""
    rows = list(queryset[:SEARCH_LIMIT + 1])
    return rows[:SEARCH_LIMIT], len(rows) > SEARCH_LIMIT


@routes.get("search/", name="search")
def search(request: HttpRequest) -> HttpResponse:
    """Finds recommendations, council responses and progress narratives in the user's councils."""
    # The middleware already strips control characters; PostgreSQL refuses a NUL in any query.
    text = inputs.clean_text(request.GET.get("q", ""), multiline=False).strip()
    errors = []
    if request.GET.get("q") is not None and len(text) < 2:
        errors.append({"href": "#q", "text": "Enter at least 2 characters to search for."})
    elif len(text) > 200:
        errors.append({"href": "#q", "text": "Enter at most 200 characters to search for."})
    context: dict[str, Any] = {"nav": "search", "q": text, "errors": errors, "searched": False}
    if not text or errors:
        return render(request, "recommendations/search.html", context, status=_status(errors))
    # The results are cached until any challenge the user may read changes (ADR 0026).
    readable = list(_readable_challenges(request).only("pk", "cache_version", "archived_at").order_by("pk"))
    return _render_cached(request, "recommendations/search.html", challenges=readable, kind="search", past=False,
                          frame={"nav": "search", "q": text, "searched": True},
                          build=lambda: _search_context(text, [c.pk for c in readable], context))


def _search_context(text: str, challenges: list[int], context: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Returns the search page's context with what `text` matches in `challenges` (their ids)."""
    if text:
        terms = _terms(text)
        recommendations = _search(
            Recommendation.objects.filter(challenge__in=challenges).select_related("challenge__council", "theme"),
            ["title", "text", "response_narrative", "response_reasons"], text,
            ["-challenge__onsite_start", "number"],
        )
        # Scope first: the user's actions by id (an index), then the text match on their updates.
        actions = Action.objects.filter(recommendation__challenge__in=challenges).values("pk")
        updates = _search(
            ProgressUpdate.objects.filter(action__in=actions)
            .select_related("action__recommendation__challenge__council", "author"),
            ["narrative", "evidence", "next_steps"], text, ["-created_at", "-pk"], ranked=False,
        )
        found_recommendations, more_recommendations = _limited(recommendations)
        found_updates, more_updates = _limited(updates)
        context.update({
            "searched": True,
            "recommendations": [
                {"object": r, "snippet": snippet(" ".join([r.text, r.response_narrative, r.response_reasons]), terms)}
                for r in found_recommendations
            ],
            # Never counted: past the limit the page says so and asks for a narrower search.
            "recommendation_total": len(found_recommendations),
            "more_recommendations": more_recommendations,
            "updates": [
                {"object": u, "url": action_url(u.action),
                 "snippet": snippet(" ".join([u.narrative, u.evidence, u.next_steps]), terms)}
                for u in found_updates
            ],
            "update_total": len(found_updates),
            "more_updates": more_updates,
            "limit": SEARCH_LIMIT,
        })
    return context, 200
