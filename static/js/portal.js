// Small progressive enhancements; every page works without them.
document.documentElement.classList.add("js");

document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (field && field.form) {
    field.form.requestSubmit();
  }
});

// Lists as cards on a phone (table.table-cards, portal.css): each cell is labelled with
// its column's name. A column whose header is hidden text only gets no label.
function labelCardCells(root) {
  const tables = root.matches && root.matches("table.table-cards")
    ? [root]
    : Array.from(root.querySelectorAll("table.table-cards"));
  tables.forEach((table) => {
    const headers = Array.from(table.querySelectorAll(":scope > thead > tr > th")).map((th) =>
      th.querySelector(".visually-hidden") && !th.textContent.replace(th.querySelector(".visually-hidden").textContent, "").trim()
        ? ""
        : th.textContent.trim().replace(/\s+/g, " ")
    );
    table.querySelectorAll(":scope > tbody > tr").forEach((row) => {
      let column = 0;
      Array.from(row.children).forEach((cell) => {
        if (headers[column] && !cell.hasAttribute("data-label")) {
          cell.setAttribute("data-label", headers[column]);
        }
        column += cell.colSpan || 1;
      });
    });
  });
}

// A request the user asked for (not a background poll).
function askedByUser(elt) {
  if (!elt || elt.closest("[data-live-poll]")) {
    return false;
  }
  const trigger = elt.getAttribute("hx-trigger") || "";
  return !/\bevery\b|from:body/.test(trigger);
}

// Polite announcements (#portal-announce in base.html): emptied first, so that the same
// words said twice are read twice.
function announce(text) {
  const region = document.getElementById("portal-announce");
  if (!region || !text) {
    return;
  }
  region.textContent = "";
  window.setTimeout(() => {
    region.textContent = text;
  }, 50);
}

// After an in-place update asked for by the user, focus goes to the updated results and
// what they hold is announced (the element marked data-announce: "214 messages"). When
// the update replaced the element that had focus (a row's button), focus goes to the new
// content instead of falling back to the top of the page.
// (Noted before the request: the button that had focus is disabled while it runs.)
let focusWasInside = false;
document.addEventListener("htmx:beforeRequest", (event) => {
  if (!askedByUser(event.detail.elt)) {
    return;
  }
  const target = event.detail.target;
  const active = document.activeElement;
  focusWasInside = Boolean(target && active && active !== document.body && target.contains(active));
});
document.addEventListener("htmx:afterSettle", (event) => {
  const elt = event.detail.elt;
  let target = event.detail.target;
  if (!target || !askedByUser(elt)) {
    return;
  }
  if (!target.isConnected && target.id) {
    target = document.getElementById(target.id);
  }
  if (!target || !target.isConnected) {
    return;
  }
  const summary = target.querySelector("[data-announce]") || (target.matches("[data-announce]") ? target : null);
  const lost = !document.activeElement || document.activeElement === document.body;
  if (target.dataset.focusAfterSwap !== undefined || summary || (focusWasInside && lost)) {
    if (!target.hasAttribute("tabindex")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus({ preventScroll: true });
    if (target.getBoundingClientRect().top < 0) {
      target.scrollIntoView({ block: "start" });
    }
  }
  if (summary) {
    announce(summary.textContent.trim().replace(/\s+/g, " "));
  }
});

// Downloads: the button is disabled and the progress bar shown until the file starts to
// arrive. The request carries download_token=T; the response sets the cookie download_T
// (portal/middleware.py), which ends the wait. A page that comes back instead (an export
// sent to the background, an error) replaces this one anyway.
const DOWNLOAD_PATH = /\.(xlsx|csv|pdf|txt)$/;

function isDownloadUrl(url) {
  return url.origin === window.location.origin
    && (DOWNLOAD_PATH.test(url.pathname) || url.searchParams.get("download") === "1");
}

function waitForDownload(control) {
  const token = `${Date.now()}${Math.floor(Math.random() * 1e9)}`;
  const progress = document.getElementById("portal-progress");
  const cookie = `download_${token}`;
  const started = Date.now();
  control.setAttribute("aria-disabled", "true");
  control.classList.add("disabled");
  control.dataset.downloading = "1";
  if (control.tagName === "BUTTON") {
    window.setTimeout(() => { control.disabled = true; }, 0);
  }
  if (progress) {
    progress.classList.add("htmx-request");
  }
  const timer = window.setInterval(() => {
    const arrived = document.cookie.split("; ").some((item) => item.startsWith(`${cookie}=`));
    if (arrived || Date.now() - started > 300000) {
      window.clearInterval(timer);
      document.cookie = `${cookie}=; Max-Age=0; path=/`;
      control.removeAttribute("aria-disabled");
      control.classList.remove("disabled");
      delete control.dataset.downloading;
      if (control.tagName === "BUTTON") {
        control.disabled = false;
      }
      if (progress) {
        progress.classList.remove("htmx-request");
      }
    }
  }, 250);
  return token;
}

document.addEventListener("click", (event) => {
  const link = event.target.closest("a[href]");
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
    return;
  }
  const url = new URL(link.href, window.location.href);
  if (!(link.hasAttribute("data-download") || isDownloadUrl(url))) {
    return;
  }
  event.preventDefault();
  if (link.dataset.downloading) {
    return;
  }
  url.searchParams.set("download_token", waitForDownload(link));
  window.location.assign(url.toString());
});

document.addEventListener("submit", (event) => {
  const form = event.target;
  const submitter = event.submitter;
  if (event.defaultPrevented || (form.method || "get").toLowerCase() !== "get" || form.hasAttribute("hx-get")) {
    return;
  }
  const action = new URL((submitter && submitter.getAttribute("formaction")) || form.action, window.location.href);
  if (!(form.hasAttribute("data-download") || isDownloadUrl(action))) {
    return;
  }
  if (submitter && submitter.dataset.downloading) {
    event.preventDefault();
    return;
  }
  form.querySelectorAll("input[name=download_token]").forEach((input) => input.remove());
  const hidden = document.createElement("input");
  hidden.type = "hidden";
  hidden.name = "download_token";
  hidden.value = waitForDownload(submitter || form);
  form.appendChild(hidden);
});

labelCardCells(document);
document.addEventListener("htmx:load", (event) => labelCardCells(event.target));
