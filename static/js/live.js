// The live inbox (messages_app/live.py): a browser notification for each new urgent
// message once the user has allowed them, and a page whose session has ended is reloaded
// (to the sign-in page) rather than polling in vain. Without JavaScript nothing polls.
(() => {
  const supported = "Notification" in window;

  function showNotificationControls() {
    const permission = supported ? Notification.permission : "denied";
    document.querySelectorAll("[data-notify-urgent]").forEach((button) => {
      button.hidden = permission !== "default";
    });
    document.querySelectorAll("[data-notify-on]").forEach((note) => {
      note.hidden = permission !== "granted";
    });
  }

  document.addEventListener("click", (event) => {
    if (supported && event.target.closest("[data-notify-urgent]")) {
      Notification.requestPermission().then(showNotificationControls);
    }
  });

  document.addEventListener("messages-arrived", (event) => {
    if (!supported || Notification.permission !== "granted") {
      return;
    }
    (event.detail.urgent || []).forEach((item) => {
      const notification = new Notification(item.title, { body: item.body, tag: item.tag });
      notification.addEventListener("click", () => {
        window.focus();
        window.location.assign(item.url);
      });
    });
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    const source = event.detail.elt;
    const xhr = event.detail.xhr;
    if (!source || !source.matches("[data-live-poll]") || !xhr || !xhr.responseURL) {
      return;
    }
    // Signed out (idle too long, or elsewhere): the poll was sent to the sign-in page.
    if (!new URL(xhr.responseURL).pathname.endsWith("/messages/poll")) {
      window.location.reload();
    }
  });

  document.addEventListener("DOMContentLoaded", showNotificationControls);
})();
