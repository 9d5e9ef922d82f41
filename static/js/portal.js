// Small progressive enhancements; every page works without them.
document.documentElement.classList.add("js");

document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (field && field.form) {
    field.form.requestSubmit();
  }
});

// After an in-place update, move focus to the updated results for screen-reader users
// only when the update was asked for by a button (not while typing in a filter).
document.addEventListener("htmx:afterSwap", (event) => {
  const target = event.detail.target;
  if (target && target.dataset.focusAfterSwap !== undefined) {
    target.focus({ preventScroll: true });
  }
});
