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

// Feedback where one acts: messages of an HTMX write come back in an HX-Trigger event
// (kamapp.http.toast_messages) and show in the live region, beside the element acted on, or
// at the top of the region that replaced it, always inside the viewport.
const TOAST_SECONDS = 6;
const TOAST_WIDTH = 416;
let toastAnchor = null;

function placeToasts(region, anchor, inside) {
  const rect = anchor.getBoundingClientRect();
  const top = inside ? rect.top + 8 : rect.bottom + 8;
  const width = region.offsetWidth || TOAST_WIDTH;
  const left = inside ? rect.right - width - 8 : rect.left;
  const clamp = (value, low, high) => Math.max(low, Math.min(value, high));
  region.style.setProperty("--toast-top", `${Math.round(clamp(top, 16, innerHeight - 96))}px`);
  region.style.setProperty("--toast-left", `${Math.round(clamp(left, 16, innerWidth - width - 16))}px`);
  region.classList.add("is-anchored");
}

document.addEventListener("kamapp:toast", (event) => {
  const region = document.getElementById("toasts");
  if (!region) return;
  toastAnchor = event.target instanceof Element ? event.target : null;
  if (toastAnchor && toastAnchor.isConnected) placeToasts(region, toastAnchor, false);
  region.replaceChildren();
  for (const message of event.detail.messages || []) {
    const toast = document.createElement("div");
    toast.className = `toast message message-${message.level}`;
    toast.textContent = message.text;
    const close = document.createElement("button");
    close.type = "button";
    close.className = "btn btn-link btn-sm toast-close";
    close.setAttribute("aria-label", "Dismiss");
    close.textContent = "×";
    close.addEventListener("click", () => toast.remove());
    toast.append(close);
    region.append(toast);
    // Errors stay until dismissed: they say what to fix.
    if (message.level !== "error") setTimeout(() => toast.remove(), TOAST_SECONDS * 1000);
  }
});

// The element acted on was swapped away (a form replaced by the list it added to): the toasts
// move to the top of what replaced it.
function reanchorToasts(region) {
  const toasts = document.getElementById("toasts");
  if (!toasts || !toastAnchor || toastAnchor.isConnected || !toasts.children.length) return;
  placeToasts(toasts, region, true);
  toastAnchor = null;
}

// Focus after a swap the user asked for: when the focused element was swapped away, put focus
// on the first field with an error, else on the swapped region's heading (htmx itself keeps
// focus on an element that comes back with the same id). Polling never moves focus.
function focusAfterSwap(target) {
  const active = document.activeElement;
  if (active && active !== document.body && active.isConnected) return;
  const invalid = target.querySelector("[aria-invalid='true'], .has-error input, .has-error select, .has-error textarea");
  const heading = target.querySelector("h1, h2, h3");
  const destination = invalid || heading || target;
  if (destination !== invalid && !destination.hasAttribute("tabindex")) {
    destination.setAttribute("tabindex", "-1");
  }
  destination.focus({ preventScroll: !invalid });
}
const settled = new WeakSet();
document.addEventListener("htmx:afterSettle", (event) => {
  const { elt, target, xhr } = event.detail;
  if (!xhr || settled.has(xhr)) return;
  settled.add(xhr);
  if ((elt.getAttribute("hx-trigger") || "").startsWith("every")) return;
  // An outerHTML swap leaves the old target detached: the region is what replaced it.
  const region = target && target.isConnected ? target : event.target;
  reanchorToasts(region);
  focusAfterSwap(region);
});

// A form with data-confirm asks before it is sent (finalising a review cannot be undone).
document.addEventListener("submit", (event) => {
  const question = event.target.dataset && event.target.dataset.confirm;
  if (question && !window.confirm(question)) event.preventDefault();
});

// "Use suggested": a button carrying a value puts it in the field it names.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-use-value]");
  if (!button) return;
  const field = document.getElementById(button.dataset.for);
  if (!field) return;
  field.value = button.dataset.useValue;
  field.dispatchEvent(new Event("change", { bubbles: true }));
  field.focus();
});

// A "New …" disclosure opened by the user puts focus in its form's first field.
document.addEventListener("toggle", (event) => {
  const details = event.target;
  if (!(details instanceof HTMLDetailsElement) || !details.classList.contains("disclosure") || !details.open) return;
  const field = details.querySelector("input:not([type=hidden]), select, textarea");
  if (field) field.focus();
}, true);
