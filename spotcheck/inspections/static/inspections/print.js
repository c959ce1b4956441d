// A print view's 打印 button (the CSP allows no inline onclick).
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("[data-print]") : null;
  if (button) window.print();
});
