// The set-up pages: after htmx swaps a section in, move focus to what the person needs next:
// the error summary when the form came back with errors, else the section's heading (the form
// just opened, or the values just saved). Loaded as a module by the set-up templates; the pages
// work without it.
const forget = () => {
  document.querySelectorAll("[data-pt-focus]").forEach((element) => element.removeAttribute("data-pt-focus"));
};
forget();

document.body.addEventListener("htmx:afterSettle", () => {
  const target = document.querySelector(".govuk-error-summary[data-pt-focus]") ?? document.querySelector("[data-pt-focus]");
  forget();
  if (target instanceof HTMLElement) {
    target.focus();
  }
});
