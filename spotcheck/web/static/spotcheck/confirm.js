// Irreversible steps ask first (issue 12, item 3): a form with data-confirm="…" is submitted only
// once the user agrees to that text; a submit button's own data-confirm speaks for it (a form
// with two decisions, such as the merge page's). A static file, as the CSP allows no inline
// script. Capture phase, so that nothing (htmx included) acts on a submit the user cancelled.
document.addEventListener(
  "submit",
  function (event) {
    var form = event.target;
    var button = event.submitter;
    var message = button && button.getAttribute ? button.getAttribute("data-confirm") : null;
    if (!message) message = form && form.getAttribute ? form.getAttribute("data-confirm") : null;
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  },
  true
);
