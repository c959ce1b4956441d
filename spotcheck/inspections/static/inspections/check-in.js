// 到场登记: where the inspector's browser allows it, the form carries the current location. Without
// JavaScript, without the permission, or when no position comes within ten seconds, the form is
// posted without it (the time is the server's either way). A static file: the CSP allows no
// inline script.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.hasAttribute || !form.hasAttribute("data-geolocate") || form.dataset.located) return;
  if (!navigator.geolocation) return;
  event.preventDefault();
  var status = form.querySelector("[data-geo-status]");
  var button = form.querySelector("button[type=submit]");
  if (status) status.textContent = form.getAttribute("data-locating") || "";
  if (button) button.disabled = true;
  var sent = false;
  function send() {
    if (sent) return;
    sent = true;
    form.dataset.located = "1";
    form.submit();
  }
  navigator.geolocation.getCurrentPosition(
    function (position) {
      form.elements.latitude.value = position.coords.latitude.toFixed(6);
      form.elements.longitude.value = position.coords.longitude.toFixed(6);
      form.elements.accuracy.value = Math.round(position.coords.accuracy);
      send();
    },
    send,
    { enableHighAccuracy: true, timeout: 10000, maximumAge: 60000 }
  );
  // Some browsers never answer while the permission prompt is open.
  window.setTimeout(send, 15000);
});
