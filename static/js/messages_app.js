// Messages: "Email report" sends the ticked messages too (the checkboxes belong to the
// download form). Without JavaScript the report holds every message of the filter.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const name = form.dataset ? form.dataset.tickedFrom : undefined;
  if (!name) {
    return;
  }
  form.querySelectorAll("input[data-ticked]").forEach((input) => input.remove());
  document.querySelectorAll(`input[type=checkbox][name="${name}"]:checked`).forEach((box) => {
    const hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = name;
    hidden.value = box.value;
    hidden.dataset.ticked = "";
    form.appendChild(hidden);
  });
});
