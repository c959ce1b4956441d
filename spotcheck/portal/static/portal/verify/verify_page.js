// The portal's "verify in the browser" boxes (portal/_verify_in_browser.html): the task page's
// button fetches the task's record (same origin); /public/verify/ reads a file the visitor opens
// or the text they paste. The record never leaves the browser. The verdict and every reason, in
// the page's language: the reasons in Chinese as verify_draw.py prints them, in English as its
// --lang en does. The page's other messages come translated from the template (data-msg-*).
(function () {
  "use strict";

  var V = window.SpotcheckVerify;
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

  function show(box, verdict, title, lines, reasons) {
    var out = box.querySelector("[data-verdict-box]");
    out.textContent = "";
    out.setAttribute("data-verdict", verdict);
    out.appendChild(element("h3", title));
    (lines || []).forEach(function (line) {
      out.appendChild(element("p", line));
    });
    if (reasons && reasons.length) {
      var list = element("ol");
      reasons.forEach(function (reason) {
        var item = element("li", english ? reason : V.inChinese(reason));
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

  // "任务 X，抽中 N 个检查对象", when the record says so plainly.
  function summary(box, record) {
    var input = record.get("input");
    var result = record.get("result");
    var task = input instanceof Map ? input.get("task") : null;
    var targets = result instanceof Map ? result.get("targets") : null;
    if (typeof task !== "string" || !Array.isArray(targets)) return [];
    return [message(box, "summary", { task: task, targets: targets.length })];
  }

  // Decode (UTF-8, as verify_draw.py opens the file), read and verify; show the verdict.
  function verifyBytes(box, bytes) {
    var text;
    try {
      // ignoreBOM: keep a byte-order mark, which Python's json refuses as verify_draw.py does
      text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch (e) {
      unreadable(box, message(box, "not-utf8"));
      return;
    }
    verifyText(box, text);
  }

  function verifyText(box, text) {
    var record;
    try {
      record = V.parseRecord(text);
    } catch (e) {
      if (!(e instanceof V.ReadError)) throw e;
      unreadable(box, message(box, "not-json", { error: e.message }));
      return;
    }
    var reasons = V.verify(record);
    if (reasons.length) {
      var lines = [message(box, "fail-count", { count: reasons.length })];
      show(box, "fail", message(box, "fail"), lines, reasons);
      return;
    }
    var lines2 = [message(box, "pass-detail")].concat(summary(box, record));
    if (V.teamsUnchecked(record)) lines2.push(message(box, "unchecked"));
    show(box, "pass", message(box, "pass"), lines2);
  }

  // Show "verifying…" and let the page paint before the work (a large record takes seconds).
  function working(box, then) {
    show(box, "working", message(box, "working"));
    window.setTimeout(function () {
      try {
        then();
      } catch (e) {
        unreadable(box, String(e && e.message ? e.message : e));
      }
    }, 30);
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
        else
          working(box, function () {
            verifyBytes(box, bytes);
          });
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
      working(box, function () {
        verifyBytes(box, new Uint8Array(reader.result));
      });
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
        working(box, function () {
          verifyText(box, text);
        });
      });
    }
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-draw-verifier]"), setUp);
})();
