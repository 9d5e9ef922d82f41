// The statistics page's account picker (templates/stats/statistics.html): "All my
// accounts" ticks every account, and unticking one account unticks "All my accounts".
// Without this script the boxes work as sent: "all" alone already means every account.
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.hasAttribute("data-stats-accounts")) {
      return;
    }
    const boxes = Array.from(
      document.querySelectorAll('input[data-stats-accounts][name="' + box.name + '"]')
    );
    const all = boxes.find(function (other) { return other.value === "all"; });
    if (box === all) {
      boxes.forEach(function (other) {
        if (!other.disabled) {
          other.checked = all.checked;
        }
      });
    } else if (all && !box.checked) {
      all.checked = false;
    }
  });
})();
