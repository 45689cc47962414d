// Starts GOV.UK Frontend and MOJ Frontend components on every page, and again
// inside content that htmx swaps in. Loaded as a module, so only browsers that
// support GOV.UK Frontend's JavaScript run it; everything works without it.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

document.body.classList.add("js-enabled", "govuk-frontend-supported");
initAll();

document.body.addEventListener("htmx:afterSettle", (event) => {
  initAll({ scope: event.target });
});
