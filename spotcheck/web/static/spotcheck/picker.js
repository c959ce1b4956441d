// Searchable pickers (spotcheck/core/widgets.py, SearchableSelectMultiple): each
// <select multiple class="picker"> becomes a Tom Select control: type part of a name, tap to
// pick, × to remove. The select stays in the form and posts as before, and Tom Select fires a
// native "change" on it, so htmx triggers (the scope's match count) still see every pick.
// Without this script (or Tom Select) the plain select works as it is.
(function () {
  "use strict";

  function enhance(select) {
    if (select.tomselect || typeof window.TomSelect !== "function") {
      return;
    }
    var words = select.dataset;
    new window.TomSelect(select, {
      plugins: { remove_button: { title: words.pickerRemove || "" } },
      placeholder: words.pickerPlaceholder || "",
      hidePlaceholder: false,
      // Long lists (GB/T 4754 has ~1,400 entries) show their first entries until one types.
      maxOptions: 200,
      closeAfterSelect: false,
      // Every choice is in the page, so filter at each keystroke: Tom Select's default delay
      // (300 ms) could reopen this picker, and take the focus back, after a quick pick.
      refreshThrottle: 0,
      // After a pick the typed words go, so the next name can be typed at once.
      onItemAdd: function () {
        this.setTextboxValue("");
        this.refreshOptions(false);
      },
      render: {
        no_results: function (_data, escape) {
          return '<div class="no-results">' + escape(words.pickerNoResults || "") + "</div>";
        },
      },
    });
  }

  function enhanceAll(root) {
    var scope = root && root.querySelectorAll ? root : document;
    scope.querySelectorAll("select.picker[multiple]").forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      enhanceAll(document);
    });
  } else {
    enhanceAll(document);
  }
  // Content that htmx swaps in later (a form re-rendered in place) gets its pickers too.
  document.addEventListener("htmx:load", function (event) {
    enhanceAll(event.target);
  });
})();
