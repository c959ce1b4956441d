// "增加岗位" on the task form without a round trip: appends a copy of the empty slot row (the
// <template>), numbered as the formset's next form. Without JavaScript the button posts and the
// server adds the rows. A static file: the Content-Security-Policy allows no inline script.
document.addEventListener("click", function (event) {
  var button = event.target.closest ? event.target.closest("button[data-add-row]") : null;
  if (!button) return;
  var template = document.getElementById(button.getAttribute("data-add-row"));
  var rows = document.getElementById(button.getAttribute("data-rows"));
  var prefix = template && template.getAttribute("data-prefix");
  var total = prefix && document.getElementById("id_" + prefix + "-TOTAL_FORMS");
  var max = prefix && document.getElementById("id_" + prefix + "-MAX_NUM_FORMS");
  if (!rows || !total) return;
  event.preventDefault();
  var index = parseInt(total.value, 10);
  if (max && index >= parseInt(max.value, 10)) return;
  rows.insertAdjacentHTML("beforeend", template.innerHTML.replace(/__prefix__/g, String(index)));
  total.value = String(index + 1);
  var name = rows.lastElementChild && rows.lastElementChild.querySelector("input[type=text]");
  if (name) name.focus();
});
