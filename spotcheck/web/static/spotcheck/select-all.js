// "Select all on this page" (issue 12, item 6): a checkbox with data-select-all="NAME" ticks or
// clears every checkbox named NAME in its form, and shows whether all of them are ticked. A
// static file, as the CSP allows no inline script.
(function () {
  function boxes(master) {
    var scope = master.form || document;
    var name = master.getAttribute("data-select-all");
    return Array.prototype.slice.call(scope.querySelectorAll('input[type="checkbox"]')).filter(function (box) {
      return box.name === name;
    });
  }
  function sync(master) {
    var all = boxes(master);
    var ticked = all.filter(function (box) { return box.checked; }).length;
    master.checked = all.length > 0 && ticked === all.length;
    master.indeterminate = ticked > 0 && ticked < all.length;
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (!target || target.type !== "checkbox") return;
    if (target.hasAttribute("data-select-all")) {
      boxes(target).forEach(function (box) { box.checked = target.checked; });
      return;
    }
    document.querySelectorAll("input[data-select-all]").forEach(function (master) {
      if (master.getAttribute("data-select-all") === target.name) sync(master);
    });
  });
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-select-all]").forEach(sync);
  });
})();
