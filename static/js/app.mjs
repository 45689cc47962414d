// Starts GOV.UK Frontend and MOJ Frontend components on every page, and again
// inside content that htmx swaps in. Loaded as a module, so only browsers that
// support GOV.UK Frontend's JavaScript run it; everything works without it.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

const ERROR_PREFIX = "Error: ";

// The title says "Error: " exactly while the page shows an error summary (GOV.UK pattern), also
// after htmx swapped one in or out.
function titleFollowsErrors() {
  const hasErrors = document.querySelector("main .govuk-error-summary") !== null;
  const title = document.title.startsWith(ERROR_PREFIX) ? document.title.slice(ERROR_PREFIX.length) : document.title;
  document.title = hasErrors ? ERROR_PREFIX + title : title;
}

// After a swap that took the focus away (or brought an error summary), focus goes to the region's
// error summary, else to its element marked data-pt-focus (a heading or results summary), else to
// its first heading. In a region marked data-pt-swap-focus, the text of its data-pt-announce
// element is also read out by the page's polite live region (data-pt-live).
function afterSwap(region) {
  titleFollowsErrors();
  if (!(region instanceof HTMLElement) || !region.isConnected) return;
  const owned = region.matches("[data-pt-swap-focus]");
  // Focus moves only when the swap took it away (the sort or page link was replaced). A filter
  // changed by a check box keeps focus on that box (WCAG 3.2.2: no change of context on input);
  // the live region says what changed.
  const active = document.activeElement;
  const lost = active === null || active === document.body || !active.isConnected;
  const summary = region.querySelector(".govuk-error-summary");
  if (lost || summary) {
    const target = summary || region.querySelector("[data-pt-focus]") || region.querySelector("h1, h2, h3");
    if (target) {
      if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
      target.focus();
    }
  }
  const announce = owned && region.querySelector("[data-pt-announce]");
  const live = document.querySelector("[data-pt-live]");
  if (announce && live) {
    // Emptied first so the same words twice ("25 actions.") are read twice.
    live.textContent = "";
    window.setTimeout(() => { live.textContent = announce.textContent.replace(/\s+/g, " ").trim(); }, 50);
  }
}

// An outerHTML swap replaces its target: find the new element by the same id.
function swappedRegion(event) {
  const target = event.detail && event.detail.target;
  return target && !target.isConnected && target.id ? document.getElementById(target.id) : target;
}

// Focus moves on htmx:afterSwap, in the same task that put the new content in: htmx settles 20 ms
// later, and moving focus only then left it on <body> in between, where a screen reader (or a
// test) could find it lost.
document.body.addEventListener("htmx:afterSwap", (event) => {
  afterSwap(swappedRegion(event));
});

document.body.addEventListener("htmx:afterSettle", (event) => {
  const region = swappedRegion(event);
  initAll({ scope: region && region.isConnected ? region : event.target });
  // htmx sets a fragment's <title> after afterSwap; the "Error: " prefix follows it.
  titleFollowsErrors();
});

// A 400 or 422 from htmx carries a page fragment with an error summary: show it, do not drop it.
document.body.addEventListener("htmx:beforeSwap", (event) => {
  const status = event.detail.xhr.status;
  if (status === 400 || status === 422) {
    event.detail.shouldSwap = true;
    event.detail.isError = false;
  }
});

// The action plan's filters fold away on a phone unless some are applied.
const PHONE = window.matchMedia("(max-width: 40.0525em)");
document.querySelectorAll("details[data-pt-collapse-on-phone]").forEach((panel) => {
  const applied = new URLSearchParams(window.location.search);
  const filtered = [...applied.keys()].some((key) => !/^(as_of(_day|_month|_year)?|sort|page|show)$/.test(key));
  if (PHONE.matches && !filtered) panel.open = false;
});

// "Print this plan": the button appears only with JavaScript; the page prints without it too.
document.querySelectorAll(".pt-print-button").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
