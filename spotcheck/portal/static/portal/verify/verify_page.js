// The portal's "verify in the browser" boxes (portal/_verify_in_browser.html): the task page's
// button fetches the task's record (same origin); /public/verify/ reads a file the visitor opens
// or the text they paste. The record never leaves the browser. The work runs in a worker
// (verify_worker.js) where the browser has one, else here. The verdict and every reason, in the
// page's language: the reasons in Chinese as verify_draw.py prints them, in English as its
// --lang en does. The page's other messages come translated from the template (data-msg-*).
(function () {
  "use strict";

  var english = /^en\b/i.test(document.documentElement.lang || "");

  function message(box, key, values) {
    var text = box.getAttribute("data-msg-" + key) || key;
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  }

  function element(tag, text) {
    var el = document.createElement(tag);
    if (text !== undefined) el.textContent = text; // never innerHTML: a record is anyone's text
    return el;
  }

  function show(box, verdict, title, lines, reasons, shown) {
    var out = box.querySelector("[data-verdict-box]");
    out.textContent = "";
    out.setAttribute("data-verdict", verdict);
    out.appendChild(element("h3", title));
    (lines || []).forEach(function (line) {
      out.appendChild(element("p", line));
    });
    if (reasons && reasons.length) {
      var list = element("ol");
      reasons.forEach(function (reason, k) {
        var item = element("li", shown[k]);
        item.setAttribute("data-reason", reason); // the English reason, as verify_draw.verify() gives it
        list.appendChild(item);
      });
      out.appendChild(list);
    }
    out.hidden = false;
  }

  function unreadable(box, text) {
    show(box, "unreadable", message(box, "unreadable"), [text]);
  }

  // SpotcheckVerify.judge()'s verdict, on the page.
  function render(box, v, where) {
    if (v.verdict === "unreadable") {
      unreadable(box, v.problem === "not-utf8" ? message(box, "not-utf8") : message(box, "not-json", { error: v.error }));
    } else if (v.verdict === "fail") {
      var lines = [message(box, "fail-count", { count: v.reasons.length })];
      show(box, "fail", message(box, "fail"), lines, v.reasons, english ? v.reasons : v.zh);
    } else {
      var passed = [message(box, "pass-detail")];
      if (v.task !== undefined) passed.push(message(box, "summary", { task: v.task, targets: v.targets }));
      if (v.unchecked) passed.push(message(box, "unchecked"));
      show(box, "pass", message(box, "pass"), passed);
    }
    box.querySelector("[data-verdict-box]").setAttribute("data-verified-in", where); // "worker" or "page"
  }

  function here(box, input) {
    // let the page paint "verifying…" first
    window.setTimeout(function () {
      try {
        render(box, window.SpotcheckVerify.judge(input), "page");
      } catch (e) {
        unreadable(box, String(e && e.message ? e.message : e));
      }
    }, 30);
  }

  // Verify input ({bytes} or {text}) in a worker, or here when there is none or it fails.
  function run(box, input) {
    show(box, "working", message(box, "working"));
    var worker = null;
    if (typeof Worker === "function" && box.getAttribute("data-worker-url")) {
      try {
        worker = new Worker(box.getAttribute("data-worker-url"));
      } catch (e) {
        worker = null;
      }
    }
    if (!worker) {
      here(box, input);
      return;
    }
    worker.onmessage = function (event) {
      worker.terminate();
      render(box, event.data, "worker");
    };
    worker.onerror = function (event) {
      event.preventDefault();
      worker.terminate();
      here(box, input);
    };
    var scripts = [box.getAttribute("data-sha256-url"), box.getAttribute("data-verifier-url")].map(function (url) {
      return new URL(url, document.baseURI).href;
    });
    worker.postMessage({ scripts: scripts, input: input });
  }

  function tooLarge(box) {
    unreadable(box, message(box, "too-large"));
  }

  // The record from the server, stopped once it is larger than the limit.
  function fetchRecord(box, url, limit) {
    show(box, "working", message(box, "working"));
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("HTTP " + response.status);
        var declared = Number(response.headers.get("Content-Length"));
        if (declared > limit) return null;
        if (!response.body || !response.body.getReader) {
          return response.arrayBuffer().then(function (buffer) {
            return buffer.byteLength > limit ? null : new Uint8Array(buffer);
          });
        }
        var reader = response.body.getReader();
        var chunks = [];
        var total = 0;
        function pump() {
          return reader.read().then(function (step) {
            if (step.done) {
              var all = new Uint8Array(total);
              var at = 0;
              chunks.forEach(function (chunk) {
                all.set(chunk, at);
                at += chunk.length;
              });
              return all;
            }
            total += step.value.length;
            if (total > limit) {
              reader.cancel();
              return null;
            }
            chunks.push(step.value);
            return pump();
          });
        }
        return pump();
      })
      .then(function (bytes) {
        if (bytes === null) tooLarge(box);
        else run(box, { bytes: bytes });
      })
      .catch(function (error) {
        unreadable(box, message(box, "fetch-failed", { error: error.message || String(error) }));
      });
  }

  function readFile(box, file, limit) {
    if (file.size > limit) {
      tooLarge(box);
      return;
    }
    show(box, "working", message(box, "working"));
    var reader = new FileReader();
    reader.onload = function () {
      run(box, { bytes: new Uint8Array(reader.result) });
    };
    reader.onerror = function () {
      unreadable(box, message(box, "fetch-failed", { error: String(reader.error && reader.error.name) }));
    };
    reader.readAsArrayBuffer(file);
  }

  function setUp(box) {
    var limit = Number(box.getAttribute("data-max-bytes")) || Infinity;
    var fetchButton = box.querySelector("[data-verify-fetch]");
    if (fetchButton) {
      fetchButton.addEventListener("click", function () {
        fetchRecord(box, box.getAttribute("data-record-url"), limit);
      });
    }
    var inputButton = box.querySelector("[data-verify-input]");
    if (inputButton) {
      var fileInput = box.querySelector("[data-verify-file]");
      var textInput = box.querySelector("[data-verify-text]");
      inputButton.addEventListener("click", function () {
        var file = fileInput.files && fileInput.files[0];
        if (file) {
          readFile(box, file, limit);
          return;
        }
        var text = textInput.value;
        if (!text.trim()) {
          unreadable(box, message(box, "empty"));
          return;
        }
        // the size as the file would have it (UTF-8), not in characters
        if (text.length > limit || window.SpotcheckSha256.utf8(text).length > limit) {
          tooLarge(box);
          return;
        }
        run(box, { text: text });
      });
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-draw-verifier]"), setUp);
})();
