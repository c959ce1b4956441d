// The menu's unread count (提醒): fetched after the page has loaded, so that no page pays a
// query for it. The answer is a small HTML fragment of our own (an empty one when all is read).
// The count shows in the wide screen's row of links and in the phone's bar (gaps13): one fetch
// per address fills every badge that asks it.
document.addEventListener("DOMContentLoaded", () => {
  const badges = new Map();
  for (const badge of document.querySelectorAll("[data-unread-badge][data-src]")) {
    if (!badges.has(badge.dataset.src)) badges.set(badge.dataset.src, []);
    badges.get(badge.dataset.src).push(badge);
  }
  for (const [src, group] of badges) {
    fetch(src, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then((response) => (response.ok ? response.text() : ""))
      .then((html) => {
        for (const badge of group) badge.innerHTML = html;
      })
      .catch(() => {});
  }
});
