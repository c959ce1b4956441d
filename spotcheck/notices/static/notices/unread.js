// The menu's unread count (提醒): fetched after the page has loaded, so that no page pays a
// query for it. The answer is a small HTML fragment of our own (an empty one when all is read).
document.addEventListener("DOMContentLoaded", () => {
  for (const badge of document.querySelectorAll("[data-unread-badge][data-src]")) {
    fetch(badge.dataset.src, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then((response) => (response.ok ? response.text() : ""))
      .then((html) => { badge.innerHTML = html; })
      .catch(() => {});
  }
});
