// SHA-256 (FIPS 180-4) in the page's own script, for the in-browser draw verifier.
//
// Why our own code and not crypto.subtle.digest: browsers give SubtleCrypto only to secure
// contexts (https, or localhost). The platform is often reached over plain http on an intranet
// address (http://10.x.x.x/), where window.crypto.subtle is undefined; the verifier must work
// there too. No CDN and no package: the platform serves this file itself (CSP script-src 'self').
//
// Text is hashed as Python's verify_draw.py hashes it: UTF-8, and a lone surrogate (only in a
// broken record) as its three-byte form ("surrogatepass"), so that both report the same digest.
//
//   SpotcheckSha256.hex("abc")                      → 64 lowercase hex characters
//   var h = SpotcheckSha256.create(); h.text("SC-POOL-1\n"); h.text(id + "\n"); … h.digestHex()
(function (global) {
  "use strict";

  var K = new Int32Array([
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ]);
  var INITIAL = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
  var HEX = [];
  for (var b = 0; b < 256; b++) HEX.push((b < 16 ? "0" : "") + b.toString(16));
  var TEXT_BATCH = 1 << 15; // characters of text gathered before they are encoded and hashed
  var encoder = typeof TextEncoder === "function" ? new TextEncoder() : null;

  // UTF-8 with "surrogatepass": TextEncoder for well-formed text (fast), our own loop otherwise
  // (TextEncoder would write U+FFFD for a lone surrogate, Python writes its three bytes).
  var LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?:^|[^\ud800-\udbff])[\udc00-\udfff]/;
  function utf8(text) {
    var wellFormed = typeof text.isWellFormed === "function" ? text.isWellFormed() : !LONE_SURROGATE.test(text);
    if (encoder && wellFormed) return encoder.encode(text);
    var out = new Uint8Array(text.length * 3);
    var n = 0;
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        var d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
        }
      }
      if (c < 0x80) {
        out[n++] = c;
      } else if (c < 0x800) {
        out[n++] = 0xc0 | (c >> 6);
        out[n++] = 0x80 | (c & 63);
      } else if (c < 0x10000) {
        out[n++] = 0xe0 | (c >> 12);
        out[n++] = 0x80 | ((c >> 6) & 63);
        out[n++] = 0x80 | (c & 63);
      } else {
        out[n++] = 0xf0 | (c >> 18);
        out[n++] = 0x80 | ((c >> 12) & 63);
        out[n++] = 0x80 | ((c >> 6) & 63);
        out[n++] = 0x80 | (c & 63);
      }
    }
    return out.subarray(0, n);
  }

  function Hasher() {
    this.state = new Int32Array(8);
    this.block = new Uint8Array(64);
    this.words = new Int32Array(64);
    this.reset();
  }

  Hasher.prototype.reset = function () {
    this.state.set(INITIAL);
    this.filled = 0; // bytes waiting in block
    this.total = 0; // bytes hashed in all (a Number: exact up to 2^53)
    this.pending = []; // text not yet encoded
    this.pendingLength = 0;
    this.done = false;
    return this;
  };

  // One 64-byte block from bytes[offset …].
  Hasher.prototype.compress = function (bytes, offset) {
    var w = this.words;
    var s = this.state;
    var i;
    for (i = 0; i < 16; i++) {
      var o = offset + i * 4;
      w[i] = (bytes[o] << 24) | (bytes[o + 1] << 16) | (bytes[o + 2] << 8) | bytes[o + 3];
    }
    for (i = 16; i < 64; i++) {
      var x = w[i - 15];
      var y = w[i - 2];
      var s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
      var s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
    }
    var a = s[0];
    var b = s[1];
    var c = s[2];
    var d = s[3];
    var e = s[4];
    var f = s[5];
    var g = s[6];
    var h = s[7];
    for (i = 0; i < 64; i++) {
      var S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      var ch = (e & f) ^ (~e & g);
      var t1 = (h + S1 + ch + K[i] + w[i]) | 0;
      var S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      var maj = (a & b) ^ (a & c) ^ (b & c);
      var t2 = (S0 + maj) | 0;
      h = g;
      g = f;
      f = e;
      e = (d + t1) | 0;
      d = c;
      c = b;
      b = a;
      a = (t1 + t2) | 0;
    }
    s[0] = (s[0] + a) | 0;
    s[1] = (s[1] + b) | 0;
    s[2] = (s[2] + c) | 0;
    s[3] = (s[3] + d) | 0;
    s[4] = (s[4] + e) | 0;
    s[5] = (s[5] + f) | 0;
    s[6] = (s[6] + g) | 0;
    s[7] = (s[7] + h) | 0;
  };

  // Add bytes (a Uint8Array).
  Hasher.prototype.bytes = function (bytes) {
    if (this.done) throw new Error("sha256: digest already taken");
    this.flushText();
    this.addBytes(bytes);
    return this;
  };

  Hasher.prototype.addBytes = function (bytes) {
    var i = 0;
    var n = bytes.length;
    this.total += n;
    if (this.filled > 0) {
      while (this.filled < 64 && i < n) this.block[this.filled++] = bytes[i++];
      if (this.filled < 64) return;
      this.compress(this.block, 0);
      this.filled = 0;
    }
    for (; i + 64 <= n; i += 64) this.compress(bytes, i);
    while (i < n) this.block[this.filled++] = bytes[i++];
  };

  // Add text (UTF-8). Many small pieces (one id each) are gathered and encoded together.
  Hasher.prototype.text = function (text) {
    if (this.done) throw new Error("sha256: digest already taken");
    this.pending.push(text);
    this.pendingLength += text.length;
    if (this.pendingLength >= TEXT_BATCH) this.flushText();
    return this;
  };

  Hasher.prototype.flushText = function () {
    if (!this.pending.length) return;
    var joined = this.pending.join("");
    this.pending = [];
    this.pendingLength = 0;
    this.addBytes(utf8(joined));
  };

  // The digest as 64 lowercase hex characters; the hasher is spent afterwards.
  Hasher.prototype.digestHex = function () {
    this.flushText();
    this.done = true;
    var bits = this.total * 8;
    var tail = new Uint8Array(this.filled < 56 ? 64 : 128);
    tail.set(this.block.subarray(0, this.filled));
    tail[this.filled] = 0x80;
    var end = tail.length;
    var high = Math.floor(bits / 0x100000000);
    var low = bits % 0x100000000;
    tail[end - 8] = high >>> 24;
    tail[end - 7] = (high >>> 16) & 255;
    tail[end - 6] = (high >>> 8) & 255;
    tail[end - 5] = high & 255;
    tail[end - 4] = low >>> 24;
    tail[end - 3] = (low >>> 16) & 255;
    tail[end - 2] = (low >>> 8) & 255;
    tail[end - 1] = low & 255;
    for (var o = 0; o < end; o += 64) this.compress(tail, o);
    var hex = "";
    for (var i = 0; i < 8; i++) {
      var word = this.state[i];
      hex += HEX[(word >>> 24) & 255] + HEX[(word >>> 16) & 255] + HEX[(word >>> 8) & 255] + HEX[word & 255];
    }
    return hex;
  };

  var shared = new Hasher();

  global.SpotcheckSha256 = {
    create: function () {
      return new Hasher();
    },
    // SHA-256 of a string (as UTF-8) or of a Uint8Array, as hex.
    hex: function (input) {
      var h = shared.reset(); // one hasher for the many short texts of a draw (no allocation)
      if (typeof input === "string") h.text(input);
      else h.bytes(input);
      return h.digestHex();
    },
    utf8: utf8,
  };
})(typeof self !== "undefined" ? self : this); // the page (window) or a worker
