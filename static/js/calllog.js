// The "Voice" player: our own controls on an <audio> element (calllog/call_detail.html).
// Without this script the browser's own controls are shown instead.
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

  setUpAll(document);
  document.addEventListener("htmx:load", (event) => setUpAll(event.target));
})();
