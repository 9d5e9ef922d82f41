// The "Voice" player: our own controls on an <audio> element (calllog/_player.html), on
// a call's page and inline in a call-log row. Without this script the browser's own
// controls are shown on the call's page, and "Voice" in the log opens the call's page.
(function () {
  "use strict";

  function formatTime(seconds) {
    if (!isFinite(seconds) || seconds < 0) {
      seconds = 0;
    }
    const whole = Math.floor(seconds);
    const hours = Math.floor(whole / 3600);
    const minutes = Math.floor((whole % 3600) / 60);
    const secs = String(whole % 60).padStart(2, "0");
    return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
  }

  function setUp(player) {
    if (player.dataset.playerReady) {
      return;
    }
    player.dataset.playerReady = "1";
    const audio = player.querySelector("[data-player-audio]");
    const controls = player.querySelector("[data-player-controls]");
    const toggle = player.querySelector("[data-player-toggle]");
    const back = player.querySelector("[data-player-back]");
    const forward = player.querySelector("[data-player-forward]");
    const seek = player.querySelector("[data-player-seek]");
    const speed = player.querySelector("[data-player-speed]");
    const current = player.querySelector("[data-player-current]");
    const total = player.querySelector("[data-player-duration]");
    let seeking = false;

    audio.removeAttribute("controls");
    controls.hidden = false;

    function duration() {
      return isFinite(audio.duration) ? audio.duration : Number(seek.max) || 0;
    }

    function showTime() {
      current.textContent = formatTime(audio.currentTime);
      if (!seeking) {
        seek.value = String(audio.currentTime);
      }
      seek.setAttribute("aria-valuetext", `${formatTime(audio.currentTime)} / ${formatTime(duration())}`);
    }

    function showState() {
      const label = audio.paused ? toggle.dataset.labelPlay : toggle.dataset.labelPause;
      toggle.textContent = label;
      toggle.setAttribute("aria-label", label);
      toggle.setAttribute("aria-pressed", audio.paused ? "false" : "true");
    }

    function jump(by) {
      const target = Math.min(Math.max(audio.currentTime + by, 0), duration());
      audio.currentTime = target;
      showTime();
    }

    audio.addEventListener("loadedmetadata", () => {
      if (isFinite(audio.duration)) {
        seek.max = String(audio.duration);
        total.textContent = formatTime(audio.duration);
      }
      audio.playbackRate = Number(speed.value);
      showTime();
    });
    audio.addEventListener("timeupdate", showTime);
    audio.addEventListener("play", showState);
    audio.addEventListener("pause", showState);
    audio.addEventListener("ended", showState);

    toggle.addEventListener("click", () => {
      if (audio.paused) {
        audio.play();
      } else {
        audio.pause();
      }
    });
    back.addEventListener("click", () => jump(-10));
    forward.addEventListener("click", () => jump(10));

    // Arrow keys step 5 s (the range's own step, 0.1 s, is for dragging); Page Up/Down
    // 30 s; Home and End go to either end.
    seek.addEventListener("keydown", (event) => {
      const steps = { ArrowLeft: -5, ArrowDown: -5, ArrowRight: 5, ArrowUp: 5, PageDown: -30, PageUp: 30 };
      if (event.key in steps) {
        jump(steps[event.key]);
      } else if (event.key === "Home") {
        jump(-duration());
      } else if (event.key === "End") {
        jump(duration());
      } else {
        return;
      }
      event.preventDefault();
    });

    seek.addEventListener("input", () => {
      seeking = true;
      current.textContent = formatTime(Number(seek.value));
    });
    seek.addEventListener("change", () => {
      audio.currentTime = Number(seek.value);
      seeking = false;
      showTime();
    });

    speed.addEventListener("change", () => {
      audio.playbackRate = Number(speed.value);
    });

    showState();
  }

  function setUpAll(root) {
    root.querySelectorAll("[data-player]").forEach(setUp);
  }

  // "Voice" in a call-log row: a player opens in a row of its own under the call, with
  // the download beside it, and starts playing; pressed again, it closes.
  function toggleInline(button) {
    const row = button.closest("tr");
    const open = document.getElementById(button.getAttribute("aria-controls") || "");
    if (open) {
      const audio = open.querySelector("audio");
      if (audio) {
        audio.pause();
      }
      open.remove();
      button.setAttribute("aria-expanded", "false");
      return;
    }
    const template = document.getElementById("call-player-template");
    if (!row || !template) {
      window.location.assign(button.href);
      return;
    }
    const callId = button.dataset.callId;
    const url = button.dataset.inlinePlayer;
    const playerRow = document.createElement("tr");
    playerRow.className = "calllog-player-row";
    playerRow.id = `call-player-${callId}`;
    const cell = document.createElement("td");
    cell.colSpan = row.children.length;
    cell.appendChild(template.content.cloneNode(true));
    playerRow.appendChild(cell);
    cell.querySelectorAll("[id]").forEach((element) => {
      element.id = `${element.id}-${callId}`;
    });
    cell.querySelectorAll("label[for]").forEach((label) => {
      label.htmlFor = `${label.htmlFor}-${callId}`;
    });
    const player = cell.querySelector("[data-player]");
    player.setAttribute("role", "group");
    player.setAttribute("aria-label", button.dataset.playerLabel || button.textContent.trim());
    const audio = cell.querySelector("[data-player-audio]");
    audio.src = url;
    cell.querySelectorAll("[data-player-download]").forEach((link) => {
      link.href = `${url}?download=1`;
    });
    const seek = cell.querySelector("[data-player-seek]");
    if (button.dataset.duration) {
      seek.max = button.dataset.duration;
    }
    row.after(playerRow);
    button.setAttribute("aria-controls", playerRow.id);
    button.setAttribute("aria-expanded", "true");
    setUp(player);
    const toggle = cell.querySelector("[data-player-toggle]");
    const playing = audio.play();
    if (playing && playing.catch) {
      playing.catch(() => {});
    }
    toggle.focus();
  }

  document.addEventListener("click", (event) => {
    const button = event.target.closest("[data-inline-player]");
    if (!button || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    event.preventDefault();
    toggleInline(button);
  });

  function markInlineButtons(root) {
    root.querySelectorAll("a[data-inline-player]:not([aria-expanded])").forEach((link) => {
      link.setAttribute("aria-expanded", "false");
    });
  }

  setUpAll(document);
  markInlineButtons(document);
  document.addEventListener("htmx:load", (event) => {
    setUpAll(event.target);
    markInlineButtons(event.target);
  });
})();
