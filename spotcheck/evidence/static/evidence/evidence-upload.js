// 证据材料 upload (issue 13, item 6). A photo whose longest side is over data-max-side pixels is
// drawn on a canvas at that size and sent as a JPEG (quality 0.85) instead of the original, so a
// phone's 12-megapixel photo travels as a few hundred kilobytes. Every send carries a client id,
// kept until the server answers, so a retry after a lost answer is stored once. Without this
// script the plain form posts the original file. A static file: the CSP allows no inline script.
// Two inputs lead to a file — 拍照 (the camera) and 选择文件 (a photo or a PDF): choosing in one
// empties the other, and whichever holds the file is sent as "file".
(function () {
  "use strict";
  var form = document.getElementById("evidence-upload");
  if (!form || !window.fetch || !window.FormData) return;
  var maxSide = parseInt(form.getAttribute("data-max-side"), 10) || 2048;
  var status = form.querySelector("[data-evidence-status]");
  var clientId = form.querySelector("input[name=client_id]");
  var fileInputs = Array.prototype.slice.call(form.querySelectorAll("input[type=file]"));
  var button = form.querySelector("button[type=submit]");
  var scalable = ["image/jpeg", "image/png", "image/webp"];

  function uuid4() {
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function say(key) {
    if (status) status.textContent = form.getAttribute("data-say-" + key) || "";
  }

  function jpegName(name) {
    var stem = name.replace(/\.[^.]*$/, "") || "photo";
    return stem + ".jpg";
  }

  // The photo itself, or a smaller JPEG of it when its longest side is over the limit.
  function scaled(file) {
    if (scalable.indexOf(file.type) < 0 || !window.createImageBitmap) return Promise.resolve(file);
    return createImageBitmap(file, { imageOrientation: "from-image" })
      .then(function (bitmap) {
        var side = Math.max(bitmap.width, bitmap.height);
        if (side <= maxSide) {
          bitmap.close();
          return file;
        }
        var ratio = maxSide / side;
        var canvas = document.createElement("canvas");
        canvas.width = Math.max(1, Math.round(bitmap.width * ratio));
        canvas.height = Math.max(1, Math.round(bitmap.height * ratio));
        var context = canvas.getContext("2d");
        context.fillStyle = "#fff"; // a transparent PNG becomes a JPEG on white, not black
        context.fillRect(0, 0, canvas.width, canvas.height);
        context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
        bitmap.close();
        return new Promise(function (resolve) {
          canvas.toBlob(
            function (blob) {
              resolve(blob ? new File([blob], jpegName(file.name), { type: "image/jpeg" }) : file);
            },
            "image/jpeg",
            0.85
          );
        });
      })
      .catch(function () {
        return file; // a photo the browser cannot decode: the server decides
      });
  }

  function chosenFile() {
    for (var i = 0; i < fileInputs.length; i++) {
      var files = fileInputs[i].files;
      if (files && files[0]) return files[0];
    }
    return null;
  }

  fileInputs.forEach(function (input) {
    input.addEventListener("change", function () {
      if (!input.files || !input.files[0]) return;
      fileInputs.forEach(function (other) {
        if (other !== input) other.value = "";
      });
      if (status) status.textContent = "";
    });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var file = chosenFile();
    if (!file) {
      say("choose");
      return;
    }
    if (!clientId.value) clientId.value = uuid4();
    button.disabled = true;
    say("scaling");
    scaled(file)
      .then(function (chosen) {
        var data = new FormData(form);
        fileInputs.forEach(function (input) {
          data.delete(input.name);
        });
        data.set("file", chosen, chosen.name);
        say("sending");
        return fetch(form.action, {
          method: "POST",
          body: data,
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
      })
      .then(function (response) {
        return response.json().then(function (body) {
          return { ok: response.ok, body: body };
        });
      })
      .then(function (answer) {
        if (answer.ok) {
          clientId.value = "";
          window.location.reload();
          return;
        }
        // Refused: the next try is a new upload.
        clientId.value = "";
        button.disabled = false;
        if (status) status.textContent = (answer.body.errors || []).join(" ");
      })
      .catch(function () {
        // No answer (connection lost): the same client id goes with the retry.
        button.disabled = false;
        say("failed");
      });
  });
})();
