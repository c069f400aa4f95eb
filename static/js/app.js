// The phone menu: the sidebar's navigation folds behind a button below 720px.
document.addEventListener("click", (event) => {
  const toggle = event.target.closest(".menu-toggle");
  if (!toggle) return;
  const open = toggle.getAttribute("aria-expanded") !== "true";
  toggle.setAttribute("aria-expanded", String(open));
  document.body.classList.toggle("nav-open", open);
});

// A table that scrolls sideways (phones) must be reachable by keyboard to be scrolled.
function focusableScrollers(root) {
  for (const table of root.querySelectorAll("table.table, .table-wrap, .orgchart-wrap")) {
    if (!table.hasAttribute("tabindex")) table.setAttribute("tabindex", "0");
  }
}
document.addEventListener("DOMContentLoaded", () => focusableScrollers(document));
document.addEventListener("htmx:afterSwap", (event) => focusableScrollers(event.target));
