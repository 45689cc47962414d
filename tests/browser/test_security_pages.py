"""The pages the security review added, seen in a browser: the locked-out page, a double-sent form
and the "still saving" page. Each passes axe-core (WCAG 2.2 AA) at 1280 and 320 px wide and does not
scroll sideways at 320 px.
"""

from __future__ import annotations

from playwright.sync_api import expect

from peertrack import idempotency
from recommendations.demo import DEMO_PASSWORDS
from recommendations.models import Action, ProgressUpdate, SubmissionKey
from tests.browser.conftest import assert_fits, sign_in


def test_the_locked_out_page_says_how_long_and_fits_a_phone(page, demo):
    for _ in range(5):
        sign_in(page, "officer", "not-the-password")
    sign_in(page, "officer", DEMO_PASSWORDS["officer"])
    expect(page.get_by_role("heading", name="Too many attempts to sign in")).to_be_visible()
    expect(page.get_by_text("Try again in 15 minutes.")).to_be_visible()
    assert_fits(page, "locked-out")


def test_a_progress_form_sent_twice_at_once_records_one_update(page, demo):
    action = Action.objects.get(recommendation__challenge__slug="coventry-2024", reference="8.3")
    before = ProgressUpdate.objects.filter(action=action).count()
    sign_in(page, "officer", DEMO_PASSWORDS["officer"])
    page.goto(action.get_absolute_url())
    page.get_by_label("Amber").check()
    page.get_by_label("What has been done").fill("Workshop moved to January; venue confirmed.")
    # Two identical submissions on the wire at the same moment, as a double click on a slow line sends.
    statuses = page.evaluate("""async () => {
        const form = [...document.querySelectorAll('form')].find(f => f.querySelector('[name=rag]'));
        const send = () => fetch(form.action, {method: 'POST', body: new FormData(form), redirect: 'manual'});
        const answers = await Promise.all([send(), send()]);
        return answers.map(a => a.status);
    }""")
    assert len(statuses) == 2
    assert ProgressUpdate.objects.filter(action=action).count() == before + 1

    page.goto(action.get_absolute_url())
    expect(page.get_by_text("You sent this twice")).to_be_visible()
    assert_fits(page, "action-sent-twice")


def test_the_still_saving_page_explains_what_happened(page, demo, client, monkeypatch):
    monkeypatch.setattr(idempotency, "WAIT", 0.2)
    action = Action.objects.get(recommendation__challenge__slug="coventry-2024", reference="8.3")
    client.force_login(action.lead_officer)
    key = idempotency.new_key()
    # The first submission with this key is still being dealt with (claimed, no outcome yet).
    SubmissionKey.objects.create(user=action.lead_officer, key=key)
    before = ProgressUpdate.objects.filter(action=action).count()
    response = client.post(f"{action.get_absolute_url()}progress/",
                           {"rag": "green", "narrative": "On track.", idempotency.FIELD: key})
    assert response.status_code == 409
    assert ProgressUpdate.objects.filter(action=action).count() == before

    # The page as the browser shows it, with the site's styles.
    page.goto("/accessibility/")
    page.set_content(response.content.decode())
    expect(page.get_by_role("heading", name="Still saving what you sent first")).to_be_visible()
    assert_fits(page, "still-saving")
