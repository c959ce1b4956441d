// The result form (issue 13, items 5 and 8): shows only the fields that apply, and keeps what
// is typed — in localStorage at once, on the server (debounced) while online, and sends the
// local copy when the connection returns. A static file: the CSP allows no inline script.
(function () {
  "use strict";
  var form = document.getElementById("result-form");
  if (!form) return;
  var SKIP = { csrfmiddlewaretoken: 1, base_revision: 1, client_id: 1 };
  var DEBOUNCE_MS = 1200;
  var key = form.dataset.storageKey;
  var status = document.getElementById("draft-status");
  var notice = document.getElementById("draft-notice");
  var baseInput = form.querySelector('input[name="base_revision"]');
  var timer = null;

  function base() {
    return baseInput.value === "" ? null : parseInt(baseInput.value, 10);
  }

  function collect() {
    var data = {};
    new FormData(form).forEach(function (value, name) {
      if (SKIP[name] || typeof value !== "string") return;
      (data[name] = data[name] || []).push(value);
    });
    return data;
  }

  function restore(data) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || SKIP[el.name]) return;
      var values = data[el.name] || [];
      if (el.type === "checkbox" || el.type === "radio") el.checked = values.indexOf(el.value) !== -1;
      else if (el.tagName === "SELECT" || el.tagName === "TEXTAREA" || el.type === "text" || el.type === "date")
        el.value = values.length ? values[values.length - 1] : "";
    });
  }

  function readLocal() {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function writeLocal(entry) {
    try { window.localStorage.setItem(key, JSON.stringify(entry)); } catch (e) { /* full or disabled */ }
  }

  // ``kind`` (saved, offline, failed) lets the stylesheet make a draft kept only on the phone
  // stand out: the inspector must not leave the page believing it reached the server.
  function say(text, kind) {
    if (!status) return;
    status.textContent = text;
    status.setAttribute("data-kind", kind);
  }

  function csrf() {
    var input = form.querySelector('input[name="csrfmiddlewaretoken"]');
    return input ? input.value : "";
  }

  function send() {
    var entry = readLocal();
    if (!entry || !entry.pending) return;
    if (!navigator.onLine) { say(form.dataset.textOffline, "offline"); return; }
    var sent = JSON.stringify(entry.data);
    fetch(form.dataset.draftUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() },
      body: JSON.stringify({ data: entry.data, base_revision: entry.base }),
    }).then(function (response) {
      if (!response.ok) throw new Error(String(response.status));
      var now = readLocal();
      // Only what was sent is acknowledged: typing meanwhile stays pending.
      if (now && JSON.stringify(now.data) === sent) { now.pending = false; writeLocal(now); }
      say(form.dataset.textSaved + " " + new Date().toLocaleTimeString(), "saved");
      form.dataset.draftSynced = "1";
    }).catch(function () {
      if (navigator.onLine) say(form.dataset.textFailed, "failed");
      else say(form.dataset.textOffline, "offline");
    });
  }

  function changed() {
    writeLocal({ data: collect(), base: base(), pending: true, submitted: false });
    form.dataset.draftSynced = "";
    if (!navigator.onLine) { say(form.dataset.textOffline, "offline"); return; }
    window.clearTimeout(timer);
    timer = window.setTimeout(send, DEBOUNCE_MS);
  }

  // Which fields apply: the items only when the visit was carried out, an item's body only when
  // it was checked, the adopted-from field only for methods 3 and 6; 未发现问题 stands alone.
  function toggle() {
    var outcome = (form.querySelector('input[name="outcome"]:checked') || {}).value || "carried_out";
    form.querySelectorAll("[data-when-outcome]").forEach(function (el) {
      el.hidden = el.getAttribute("data-when-outcome") !== outcome;
    });
    form.querySelectorAll(".result-item").forEach(function (item) {
      var checked = item.querySelector(".item-checked");
      var body = item.querySelector(".item-body");
      if (checked && body) body.hidden = checked.value === "no";
      var method = item.querySelector(".item-method");
      var adopted = item.querySelector(".adopted-from");
      if (method && adopted) adopted.hidden = !(method.value === "3" || method.value === "6");
    });
  }

  form.addEventListener("change", function (event) {
    var el = event.target;
    if (el.type === "checkbox" && /-codes$/.test(el.name) && el.checked) {
      form.querySelectorAll('input[name="' + el.name + '"]').forEach(function (other) {
        if (other !== el && (el.value === "1" || other.value === "1")) other.checked = false;
      });
    }
    toggle();
    changed();
  });
  form.addEventListener("input", changed);
  form.addEventListener("submit", function () {
    window.clearTimeout(timer);
    var entry = readLocal();
    if (entry) { entry.submitted = true; writeLocal(entry); }
  });
  window.addEventListener("online", send);
  window.addEventListener("offline", function () { say(form.dataset.textOffline, "offline"); });

  // On load: a local copy the server has not acknowledged wins over what the server rendered
  // (its own draft or the saved result). One typed against another revision is restored with
  // that revision, so submitting it shows both versions (409) instead of overwriting; a copy
  // already submitted and saved (the revision moved on) is dropped.
  var local = readLocal();
  var current = form.dataset.baseRevision === "" ? null : parseInt(form.dataset.baseRevision, 10);
  if (local && local.base !== current && (local.submitted || !local.pending)) {
    window.localStorage.removeItem(key);
  } else if (local && (local.pending || local.submitted)) {
    restore(local.data);
    baseInput.value = local.base === null ? "" : String(local.base);
    if (notice) { notice.textContent = notice.dataset.localText; notice.hidden = false; }
    local.pending = true;
    local.submitted = false;
    writeLocal(local);
    send();
  }
  toggle();
})();
