// The Django admin's accessibility fixes that need a script, because Django's own scripts draw
// these parts (templates/admin/base_site.html):
// - an autocomplete box (select2) gets the name of its field's label;
// - the filter widgets' help icons, spans with aria-label, become images so the name is allowed;
// - a tabular inline, which scrolls sideways on a phone, becomes a named region a keyboard reaches;
// - the two boxes of a split date-time field are named after the field.

function labelText(id) {
  const label = id && document.querySelector(`label[for="${CSS.escape(id)}"]`);
  return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
}

function nameAutocompletes(root) {
  root.querySelectorAll("select.admin-autocomplete").forEach((select) => {
    const box = select.parentElement?.querySelector(".select2-selection[role=combobox]");
    const name = labelText(select.id) || select.name;
    if (box && name && !box.hasAttribute("aria-label")) {
      box.removeAttribute("aria-labelledby");
      box.setAttribute("aria-label", name);
    }
    const shown = box && box.querySelector(".select2-selection__rendered[role=textbox]");
    if (shown && name && !shown.hasAttribute("aria-label")) shown.setAttribute("aria-label", `${name}, chosen`);
  });
  root.querySelectorAll(".help-tooltip[aria-label]:not([role])").forEach((icon) => {
    if (icon.tagName !== "IMG") icon.setAttribute("role", "img");
  });
}

// A tabular inline scrolls sideways on a phone: a keyboard must be able to reach and scroll it.
function scrollableInlines(root) {
  root.querySelectorAll(".inline-group[data-inline-type=tabular]:not([tabindex])").forEach((group) => {
    const heading = group.querySelector("h2");
    group.setAttribute("tabindex", "0");
    group.setAttribute("role", "region");
    group.setAttribute("aria-label", heading ? heading.textContent.trim() : "Related records");
  });
}

// The date and time boxes of a split date-time field (last login, date joined) have no label of
// their own: name each after its row's label.
function splitDateTimes(root) {
  root.querySelectorAll("p.datetime input:not([aria-label])").forEach((input) => {
    if (input.labels && input.labels.length) return;
    const row = input.closest(".form-row, .fieldBox");
    const label = row && row.querySelector("label");
    const field = label ? label.textContent.replace(/:\s*$/, "").trim() : input.name;
    input.setAttribute("aria-label", `${field}, ${input.classList.contains("vTimeField") ? "time" : "date"}`);
  });
}

function fixAll() {
  splitDateTimes(document);
  nameAutocompletes(document);
  scrollableInlines(document);
}

// Django starts select2 and the filter widgets when the page is ready and loaded, and again when a
// row is added to an inline formset: name whatever they draw, as they draw it.
fixAll();
new MutationObserver(fixAll).observe(document.documentElement, { childList: true, subtree: true });
