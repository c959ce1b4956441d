// The SC-DRAW-1 verifier in the visitor's browser: a line-by-line port of
// spotcheck/drawspec/verify_draw.py (the program a visitor downloads), reaching the same verdict
// with the same reasons, in the same order and the same words. Needs sha256.js before it; no
// other dependency, no eval. tests/browser/test_verify_in_browser.py runs it in Chromium against
// verify_draw.py on every test vector.
//
// The record is read with our own JSON reader (parseRecord), not JSON.parse, so that it is read
// as Python's json module reads it: integers exact (BigInt) and apart from floats (1 is not 1.0,
// which matters to the canonical JSON of the input and to the checks of counts), NaN and
// Infinity accepted, objects in the order of their keys as written (a JS object would move
// "1", "2" … to the front).
//
//   var record = SpotcheckVerify.parseRecord(text);   // throws SpotcheckVerify.ReadError
//   var reasons = SpotcheckVerify.verify(record);      // [] when reproduced exactly (English)
//   SpotcheckVerify.inChinese(reasons[0]);             // as verify_draw.py prints it
(function (global) {
  "use strict";

  var SPEC = "SC-DRAW-1";
  var sha = global.SpotcheckSha256;
  var INT_MAX_DIGITS = 4300; // Python's int(str) limit (sys.get_int_max_str_digits)
  var MAX_DEPTH = 900; // Python's parser gives up near its recursion limit (1000)

  // ---------------------------------------------------------------- values as Python has them
  function PyInt(big) {
    this.big = big;
  }
  function PyFloat(value) {
    this.value = value;
  }
  function isInt(v) {
    return v instanceof PyInt;
  }
  function isDict(v) {
    return v instanceof Map;
  }
  function isList(v) {
    return Array.isArray(v);
  }
  function isStr(v) {
    return typeof v === "string";
  }
  // dict.get(key): None (null) when absent
  function pget(dict, key) {
    return dict.has(key) ? dict.get(key) : null;
  }

  function PyError(type) {
    this.type = type;
  }

  // ------------------------------------------------------------------------- the JSON reader
  function ReadError(message) {
    this.message = message;
  }
  ReadError.prototype.toString = function () {
    return this.message;
  };

  function parseRecord(text) {
    var i = 0;
    var n = text.length;
    function fail(what) {
      throw new ReadError(what + " (" + (i + 1) + ")");
    }
    function ws() {
      for (;;) {
        var c = text.charCodeAt(i);
        if (c === 32 || c === 9 || c === 10 || c === 13) i++;
        else return;
      }
    }
    var NUMBER = /-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/y;
    function value(depth) {
      if (depth > MAX_DEPTH) fail("nested too deeply");
      ws();
      var c = text[i];
      if (c === "{") return object(depth);
      if (c === "[") return array(depth);
      if (c === '"') return string();
      if (text.startsWith("null", i)) {
        i += 4;
        return null;
      }
      if (text.startsWith("true", i)) {
        i += 4;
        return true;
      }
      if (text.startsWith("false", i)) {
        i += 5;
        return false;
      }
      if (text.startsWith("NaN", i)) {
        i += 3;
        return new PyFloat(NaN);
      }
      if (text.startsWith("Infinity", i)) {
        i += 8;
        return new PyFloat(Infinity);
      }
      if (text.startsWith("-Infinity", i)) {
        i += 9;
        return new PyFloat(-Infinity);
      }
      NUMBER.lastIndex = i;
      var m = NUMBER.exec(text);
      if (!m) fail("expecting value");
      i += m[0].length;
      if (m[1] === undefined && m[2] === undefined) {
        if (m[0].replace("-", "").length > INT_MAX_DIGITS) fail("integer too long");
        return new PyInt(BigInt(m[0]));
      }
      return new PyFloat(Number(m[0]));
    }
    function string() {
      i++; // the opening quote
      var parts = [];
      var start = i;
      for (;;) {
        if (i >= n) fail("unterminated string");
        var c = text.charCodeAt(i);
        if (c === 34) {
          parts.push(text.slice(start, i));
          i++;
          return parts.join("");
        }
        if (c < 32) fail("invalid control character");
        if (c !== 92) {
          i++;
          continue;
        }
        parts.push(text.slice(start, i));
        var e = text[i + 1];
        if (e === "u") {
          var hex = text.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("invalid \\uXXXX escape");
          parts.push(String.fromCharCode(parseInt(hex, 16)));
          i += 6;
        } else {
          var map = { '"': '"', "\\": "\\", "/": "/", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t" };
          if (!Object.prototype.hasOwnProperty.call(map, e)) fail("invalid escape");
          parts.push(map[e]);
          i += 2;
        }
        start = i;
      }
    }
    function array(depth) {
      i++;
      var out = [];
      ws();
      if (text[i] === "]") {
        i++;
        return out;
      }
      for (;;) {
        out.push(value(depth + 1));
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "]") {
          i++;
          return out;
        }
        fail("expecting ',' or ']'");
      }
    }
    function object(depth) {
      i++;
      var out = new Map();
      ws();
      if (text[i] === "}") {
        i++;
        return out;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail("expecting property name");
        var key = string();
        ws();
        if (text[i] !== ":") fail("expecting ':'");
        i++;
        out.set(key, value(depth + 1)); // a repeated key: its last value, at its first place (as a dict)
        ws();
        if (text[i] === ",") {
          i++;
          continue;
        }
        if (text[i] === "}") {
          i++;
          return out;
        }
        fail("expecting ',' or '}'");
      }
    }
    var result = value(0);
    ws();
    if (i !== n) fail("extra data");
    return result;
  }

  // -------------------------------------------------------------- JSON out, as json.dumps does
  function quoted(s) {
    // json.dumps(s, ensure_ascii=False)
    return (
      '"' +
      s.replace(/[\x00-\x1f"\\]/g, function (c) {
        var named = { '"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f" }[c];
        return named || "\\u" + ("000" + c.charCodeAt(0).toString(16)).slice(-4);
      }) +
      '"'
    );
  }

  // float.__repr__: the shortest digits that read back, in exponent form below 1e-4 or from 1e16.
  function floatRepr(x) {
    if (Number.isNaN(x)) return "NaN";
    if (x === Infinity) return "Infinity";
    if (x === -Infinity) return "-Infinity";
    if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
    var sign = x < 0 ? "-" : "";
    var m = /^(\d)(?:\.(\d+))?e([-+]\d+)$/.exec(Math.abs(x).toExponential());
    var digits = m[1] + (m[2] || "");
    var exp = parseInt(m[3], 10);
    if (exp < -4 || exp >= 16) {
      var mantissa = digits.length > 1 ? digits[0] + "." + digits.slice(1) : digits;
      var e = Math.abs(exp);
      return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (e < 10 ? "0" + e : String(e));
    }
    if (exp < 0) return sign + "0." + "0".repeat(-exp - 1) + digits;
    if (digits.length <= exp + 1) return sign + digits + "0".repeat(exp + 1 - digits.length) + ".0";
    return sign + digits.slice(0, exp + 1) + "." + digits.slice(exp + 1);
  }

  // json.dumps(v, sort_keys=True, separators=(",", ":"), ensure_ascii=False): the canonical JSON.
  function canonicalJson(v) {
    if (v === null || v === undefined) return "null";
    if (v === true) return "true";
    if (v === false) return "false";
    if (isStr(v)) return quoted(v);
    if (isInt(v)) return v.big.toString();
    if (v instanceof PyFloat) return floatRepr(v.value);
    if (isList(v)) return "[" + v.map(canonicalJson).join(",") + "]";
    var keys = Array.from(v.keys()).sort(compare);
    return "{" + keys.map((k) => quoted(k) + ":" + canonicalJson(v.get(k))).join(",") + "}";
  }

  // same_json(): the same JSON text with sorted keys (so 1 and true, 1 and 1.0 differ).
  function sameJson(a, b) {
    return canonicalJson(a) === canonicalJson(b);
  }

  // Python's order of strings: by code point, which is the bytewise order of UTF-8 (spec §1).
  // JS's own < compares UTF-16 code units and puts U+E000…U+FFFF above the astral planes.
  function compare(a, b) {
    if (a === b) return 0;
    var n = Math.min(a.length, b.length);
    var k = 0;
    while (k < n && a.charCodeAt(k) === b.charCodeAt(k)) k++;
    if (k === n) return a.length - b.length;
    var x = a.charCodeAt(k);
    var y = b.charCodeAt(k);
    if ((x < 0xd800 || x > 0xdfff) && (y < 0xd800 || y > 0xdfff)) return x - y;
    var i = 0;
    var j = 0;
    while (i < a.length && j < b.length) {
      var p = a.codePointAt(i);
      var q = b.codePointAt(j);
      if (p !== q) return p - q;
      i += p > 0xffff ? 2 : 1;
      j += q > 0xffff ? 2 : 1;
    }
    return a.length - i - (b.length - j);
  }
  function sorted(values) {
    return values.slice().sort(compare);
  }

  // --------------------------------------------------------------------------- the protocol
  function sha256Hex(text) {
    return sha.hex(text);
  }

  // Python's str.isspace() of one character
  var SPACE = /^[\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/;
  var LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?:^|[^\ud800-\udbff])[\udc00-\udfff]/;
  var PLAIN_ASCII = /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/;

  // Spec §1: NFC, not empty, no white space at either end, no control characters.
  function isCanonical(s) {
    if (PLAIN_ASCII.test(s)) return true; // the usual case, and ASCII is always NFC
    if (LONE_SURROGATE.test(s)) return false;
    return (
      s !== "" &&
      !SPACE.test(s[0]) &&
      !SPACE.test(s[s.length - 1]) &&
      !/[\x00-\x1f\x7f]/.test(s) &&
      s.normalize("NFC") === s
    );
  }

  function isCount(value, least) {
    return isInt(value) && value.big >= BigInt(least || 0);
  }

  function codePoints(s) {
    var n = 0;
    for (var i = 0; i < s.length; i++) {
      var c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
        var d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) i++;
      }
      n++;
    }
    return n;
  }

  // Spec §3; null if the ratio, minimum or maximum is not valid.
  function sampleSize(count, ratio, minimum, maximum) {
    if (!isStr(ratio) || !/^[0-9]+(\.[0-9]{1,6})?$/.test(ratio)) return null;
    var point = ratio.indexOf(".");
    var whole = point < 0 ? ratio : ratio.slice(0, point);
    var fraction = point < 0 ? "" : ratio.slice(point + 1);
    if ((whole + fraction).length > INT_MAX_DIGITS) throw new PyError("ValueError"); // as int() does
    var p = BigInt(whole + fraction);
    var scale = 10n ** BigInt(fraction.length);
    if (p > scale || ![minimum, maximum].every((v) => v === null || isCount(v))) return null;
    var N = BigInt(count);
    var size = (N * p + scale - 1n) / scale; // ceil(count × ratio), in whole numbers
    if (minimum !== null && minimum.big > size) size = minimum.big;
    if (N < size) size = N;
    if (maximum !== null && maximum.big < size) size = maximum.big;
    return Number(size);
  }

  function stratumDigest(name, ids) {
    var h = sha.create().text("SC-POOL-1\n" + name + "\n");
    for (var k = 0; k < ids.length; k++) h.text(ids[k] + "\n");
    return h.digestHex();
  }

  // int(hex, 16) % m, digit by digit (m is at most a list's length)
  function hexMod(hex, m) {
    var r = 0;
    for (var k = 0; k < hex.length; k++) {
      var c = hex.charCodeAt(k);
      r = (r * 16 + (c <= 57 ? c - 48 : c - 87)) % m; // "0"-"9", "a"-"f": sha256 hex is lowercase
    }
    return r;
  }

  // Spec §7: the first n places of a Fisher–Yates shuffle driven by the seed.
  function draw(name, ids, n, seed) {
    var a = ids.slice();
    for (var i = 0; i < n; i++) {
      var h = sha256Hex("SC-DRAW-1\n" + seed + "\n" + name + "\n" + i);
      var j = i + hexMod(h, a.length - i);
      var t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a.slice(0, n);
  }

  // Spec §8. {teams} or {failure: [target, slot]} when no one is eligible.
  function match(targets, slots, roster, excluded, cap, seed) {
    // Who may ever fill each slot (department and qualifications), in id order.
    var candidates = slots.map(function (s) {
      return roster
        .filter(function (p) {
          var has = new Set(p.get("quals"));
          return p.get("dept") === s.get("dept") && s.get("quals").every((q) => has.has(q));
        })
        .map((p) => p.get("id"));
    });
    var load = new Map();
    roster.forEach((p) => load.set(p.get("id"), 0));
    var teams = new Map();
    for (var t of targets) {
      var team = [];
      for (var k = 0; k < slots.length; k++) {
        var s = slots[k];
        var onTeam = team.map((m) => m.get("inspector"));
        var eligible = candidates[k].filter(
          (id) => !excluded.has(pairKey(t, id)) && onTeam.indexOf(id) < 0 && BigInt(load.get(id)) < cap
        );
        if (!eligible.length) return { failure: [t, s.get("name")] };
        var h = sha256Hex("SC-MATCH-1\n" + seed + "\n" + t + "\n" + s.get("name"));
        var chosen = eligible[hexMod(h, eligible.length)];
        load.set(chosen, load.get(chosen) + 1);
        team.push(
          new Map([
            ["slot", s.get("name")],
            ["inspector", chosen],
          ])
        );
      }
      if (slots.length) teams.set(t, team);
    }
    return { teams: teams };
  }

  function pairKey(t, i) {
    return JSON.stringify([t, i]);
  }

  // The ids of each stratum (in pool order, each stratum's ids sorted) that an earlier stratum
  // holds too, in that order: where verify_draw.py's seen.setdefault() finds an id a second
  // time. A few strata: walk each against every earlier one (both sorted; a Map of millions of
  // ids takes seconds); many: the Map.
  function idsInTwoStrata(strata) {
    var found = [];
    var j, k;
    if (strata.length > 16) {
      var seen = new Map();
      for (j = 0; j < strata.length; j++) {
        for (k = 0; k < strata[j].length; k++) {
          var first = seen.get(strata[j][k]);
          if (first === undefined) seen.set(strata[j][k], j);
          else if (first !== j) found.push(strata[j][k]);
        }
      }
      return found;
    }
    for (j = 1; j < strata.length; j++) {
      var b = strata[j];
      var again = new Uint8Array(b.length);
      for (var i = 0; i < j; i++) {
        var a = strata[i];
        var x = 0;
        var y = 0;
        while (x < a.length && y < b.length) {
          var c = compare(a[x], b[y]);
          if (c < 0) x++;
          else {
            if (c === 0) again[y] = 1;
            y++;
          }
        }
      }
      for (k = 0; k < b.length; k++) if (again[k]) found.push(b[k]);
    }
    return found;
  }

  // Every reason the record fails, in English; an empty list means it is reproduced exactly.
  function verify(record) {
    if (!isDict(record)) return ["record is not a JSON object"];
    var reasons = [];
    function fail(reason) {
      if (reasons.indexOf(reason) < 0) reasons.push(reason);
    }
    function get(parent, key, test, label) {
      var value = isDict(parent) ? pget(parent, key) : null;
      if (!test(value)) {
        fail('missing or malformed "' + label + '"');
        return null;
      }
      return value;
    }
    function strings(values, label) {
      if (!isList(values) || !values.every(isStr)) {
        fail('missing or malformed "' + label + '"');
        return null;
      }
      for (var k = 0; k < values.length; k++) {
        if (!isCanonical(values[k])) fail(label + ": " + quoted(values[k]) + " is not a canonical string");
      }
      return values;
    }
    try {
      check(record, fail, get, strings);
    } catch (e) {
      // a malformed record must be reported, never crash the verifier
      if (!(e instanceof PyError)) throw e;
      fail("malformed record (" + e.type + ")");
    }
    return reasons;
  }

  // The checks of spec §9, in order, as verify_draw.check(). A check whose data is malformed is
  // skipped: the malformed part has already been reported, so nothing can pass unchecked.
  function check(record, fail, get, strings) {
    if (pget(record, "spec") !== SPEC) fail('spec is not "' + SPEC + '"');
    var inp = get(record, "input", isDict, "input");
    if (inp !== null && pget(inp, "spec") !== SPEC) fail('input spec is not "' + SPEC + '"');
    var matchParams = get(inp, "match", isDict, "input.match");
    var name, ids, k;

    // 1. The pool: each stratum in byte order, no id in two strata.
    var pool = get(record, "pool", isDict, "pool");
    var unordered = new Set(); // strata whose ids must be sorted (the others already are)
    if (pool !== null) {
      for (var entry of pool) {
        name = entry[0];
        ids = entry[1];
        if (!isCanonical(name)) fail("stratum " + quoted(name) + ": name is not a canonical string");
        if (strings(ids, "stratum " + quoted(name) + " ids") === null) {
          pool = null;
          break;
        }
        for (k = 1; k < ids.length; k++) {
          if (compare(ids[k - 1], ids[k]) >= 0) {
            fail("stratum " + quoted(name) + " ids not in strictly increasing byte order");
            unordered.add(name);
            break;
          }
        }
      }
    }
    if (pool !== null) {
      var sortedPool = new Map();
      for (var e of pool) sortedPool.set(e[0], unordered.has(e[0]) ? sorted(e[1]) : e[1]);
      pool = sortedPool;
      idsInTwoStrata(Array.from(pool.values())).forEach(function (id) {
        fail("id " + quoted(id) + " in two strata");
      });
    }
    var digests = new Map(); // each stratum's digest, computed once
    function digestOf(stratum) {
      if (!digests.has(stratum)) digests.set(stratum, stratumDigest(stratum, pool.get(stratum)));
      return digests.get(stratum);
    }

    // 2. Each stratum of the input: count, digest, and its sample size.
    var sizes = new Map();
    var strata = get(inp, "strata", isList, "input.strata");
    for (var s of strata !== null ? strata : []) {
      name = isDict(s) ? pget(s, "name") : null;
      if (!isStr(name) || sizes.has(name)) {
        fail('missing or malformed "input.strata"');
        sizes = null;
        break;
      }
      var count = 0;
      if (pool !== null) {
        if (!pool.has(name)) {
          fail("stratum " + quoted(name) + " missing from pool");
          sizes = null;
          break;
        }
        count = pool.get(name).length;
        if (!isCount(pget(s, "count")) || s.get("count").big !== BigInt(count)) {
          fail("stratum " + quoted(name) + " count mismatch");
        }
        if (pget(s, "digest") !== digestOf(name)) fail("stratum " + quoted(name) + " digest mismatch");
      }
      var size = sampleSize(count, pget(s, "ratio"), pget(s, "min"), pget(s, "max"));
      sizes.set(name, size);
      if (size === null) {
        fail("stratum " + quoted(name) + " ratio, min or max invalid");
        sizes = null;
        break;
      }
    }
    if (strata === null) sizes = null;
    if (sizes !== null) {
      var names = Array.from(sizes.keys());
      if (canonicalJson(names) !== canonicalJson(sorted(names))) fail("input strata not ordered by name");
      var left = sorted(Array.from(pool !== null ? pool.keys() : []).filter((x) => !sizes.has(x)));
      for (name of left) fail("pool stratum " + quoted(name) + " not in input");
    }

    // 3. The roster (inspectors in id order) and its digest.
    var roster = get(record, "roster", isList, "roster");
    for (var p of roster || []) {
      if (!isDict(p) || !isStr(pget(p, "id")) || !isStr(pget(p, "dept"))) {
        fail('missing or malformed "roster"');
        roster = null;
        break;
      }
      if (strings(pget(p, "quals"), "roster") === null) {
        roster = null;
        break;
      }
      strings([p.get("id"), p.get("dept")], "roster");
    }
    if (roster !== null) {
      var rosterIds = roster.map((x) => x.get("id"));
      if (canonicalJson(rosterIds) !== canonicalJson(sorted(Array.from(new Set(rosterIds))))) {
        fail("roster not ordered by id, or an id listed twice");
      }
      roster = roster.slice().sort((x, y) => compare(x.get("id"), y.get("id")));
      var rh = sha.create().text("SC-ROSTER-1\n");
      for (var q of roster) rh.text(q.get("id") + "\t" + q.get("dept") + "\t" + sorted(q.get("quals")).join(",") + "\n");
      var rosterDigest = rh.digestHex();
      if (matchParams !== null && rosterDigest !== pget(matchParams, "roster_digest")) fail("roster digest mismatch");
    }

    // 4. The exclusions (回避名单). The public copy leaves them out; then the teams can be
    //    checked only if the input says the list is empty.
    var stated = matchParams !== null ? pget(matchParams, "exclusions_digest") : null;
    var excluded = null;
    if (!record.has("exclusions")) {
      if (stated === sha256Hex("SC-EXCL-1\n")) excluded = new Set();
    } else {
      var pairs = record.get("exclusions");
      if (!isList(pairs) || !pairs.every((x) => isList(x) && x.length === 2)) {
        fail('missing or malformed "exclusions"');
      } else if (strings([].concat.apply([], pairs), "exclusions") !== null) {
        excluded = new Set();
        var distinct = [];
        for (var pair of pairs) {
          var key = pairKey(pair[0], pair[1]);
          if (!excluded.has(key)) {
            excluded.add(key);
            distinct.push(pair);
          }
        }
        distinct.sort((x, y) => compare(x[0], y[0]) || compare(x[1], y[1]));
        var eh = sha.create().text("SC-EXCL-1\n");
        for (var d of distinct) eh.text(d[0] + "\t" + d[1] + "\n");
        if (eh.digestHex() !== stated) fail("exclusions digest mismatch");
      }
    }

    // 5. The input digest and the pool digest.
    if (inp !== null) {
      if (sha256Hex("SC-INPUT-1\n" + canonicalJson(inp)) !== pget(record, "input_digest")) {
        fail("input digest mismatch");
      }
    }
    if (pool !== null) {
      var ph = sha.create().text("SC-POOL-1\n");
      for (name of sorted(Array.from(pool.keys()))) {
        ph.text(name + "\t" + pool.get(name).length + "\t" + digestOf(name) + "\n");
      }
      if (ph.digestHex() !== pget(record, "pool_digest")) fail("pool digest mismatch");
    }

    // 6. The ceremony: secret against commitment, witnesses, seed.
    var secret = get(record, "server_secret", isStr, "server_secret");
    if (secret !== null) {
      if (!/^[0-9a-f]{64}$/.test(secret)) fail("server secret is not 64 lowercase hex characters");
      if (sha256Hex("SC-COMMIT-1\n" + secret) !== pget(record, "commitment")) {
        fail("server secret does not match the commitment");
      }
    }
    var witnesses = strings(pget(record, "witnesses"), "witnesses");
    if (witnesses !== null) {
      if (witnesses.length < 2) fail("fewer than two witnesses");
      witnesses.forEach(function (w, index) {
        if (codePoints(w) > 64) fail("witness " + (index + 1) + " longer than 64 characters");
      });
    }
    var seed = get(record, "seed", isStr, "seed");
    var inputDigest = get(record, "input_digest", isStr, "input_digest");
    if (secret !== null && witnesses !== null && seed !== null && inputDigest !== null) {
      var text = "SC-SEED-1\n" + inputDigest + "\n" + secret + "\n" + witnesses.map((w) => w + "\n").join("");
      if (sha256Hex(text) !== seed) fail("seed mismatch");
    }

    // 7. The targets: strata in name order, each stratum's draw in rank order.
    var result = get(record, "result", isDict, "result");
    if (seed === null || result === null || pool === null || sizes === null) return;
    var targets = [];
    for (name of sorted(Array.from(sizes.keys()))) {
      draw(name, pool.get(name), sizes.get(name), seed).forEach(function (drawn, index) {
        targets.push(
          new Map([
            ["stratum", name],
            ["rank", new PyInt(BigInt(index + 1))],
            ["id", drawn],
          ])
        );
      });
    }
    if (!sameJson(pget(result, "targets"), targets)) fail("targets differ");

    // 8. The teams.
    if (matchParams === null || roster === null || excluded === null) return;
    var slots = pget(matchParams, "slots");
    var cap = pget(matchParams, "cap");
    if (!isList(slots) || !slots.every(isDict)) {
      fail('missing or malformed "input.match.slots"');
      return;
    }
    for (var slot of slots) {
      if (strings([pget(slot, "name"), pget(slot, "dept")], "input.match.slots") === null) return;
      if (strings(pget(slot, "quals"), "input.match.slots") === null) return;
    }
    if (!isCount(cap, 1)) {
      fail('missing or malformed "input.match.cap"');
      return;
    }
    var outcome = match(
      targets.map((t) => t.get("id")),
      slots,
      roster,
      excluded,
      cap.big,
      seed
    );
    if (outcome.failure) {
      fail(
        "teams cannot be reproduced: no eligible inspector for target " +
          quoted(outcome.failure[0]) +
          " slot " +
          quoted(outcome.failure[1])
      );
    } else if (!sameJson(pget(result, "teams"), outcome.teams)) {
      fail("teams differ");
    }
  }

  // The exclusions are left out and not known to be empty: the teams were not checked.
  function teamsUnchecked(record) {
    if (!isDict(record) || record.has("exclusions")) return false;
    var inp = pget(record, "input");
    var m = isDict(inp) ? pget(inp, "match") : null;
    return !(isDict(m) && pget(m, "exclusions_digest") === sha256Hex("SC-EXCL-1\n"));
  }

  // The reasons in Chinese, as verify_draw.py prints them: its ZH_REASONS, pattern for pattern,
  // each matched against the whole English reason; the more specific patterns come first.
  var Q = '("(?:[^"\\\\]|\\\\.)*")';
  var ZH_REASONS = [
    ["record is not a JSON object", "记录不是 JSON 对象"],
    ['missing or malformed "stratum ' + Q + ' ids"', "分层 \\1 的对象编号缺失或格式不正确"],
    ['missing or malformed "(.+)"', '字段 "\\1" 缺失或格式不正确'],
    ["stratum " + Q + " ids: (.+) is not a canonical string", "分层 \\1 的对象编号 \\2 不是规范字符串"],
    ["stratum " + Q + ": name is not a canonical string", "分层名称 \\1 不是规范字符串"],
    ["(.+): (.+) is not a canonical string", '字段 "\\1" 中的 \\2 不是规范字符串'],
    ["malformed record \\((.+)\\)", '记录格式不正确（错误类型 "\\1"）'],
    ['spec is not "(.+)"', "协议版本不是 \\1"],
    ['input spec is not "(.+)"', "输入的协议版本不是 \\1"],
    ["stratum " + Q + " ids not in strictly increasing byte order", "分层 \\1 的对象编号未按字节严格递增排列"],
    ["id " + Q + " in two strata", "对象编号 \\1 同时出现在两个分层"],
    ["stratum " + Q + " missing from pool", "对象库中缺少分层 \\1"],
    ["stratum " + Q + " count mismatch", "分层 \\1 的对象数不符"],
    ["stratum " + Q + " digest mismatch", "分层 \\1 的摘要不符"],
    ["stratum " + Q + " ratio, min or max invalid", "分层 \\1 的抽取比例、下限或上限无效"],
    ["input strata not ordered by name", "输入中的分层未按名称排序"],
    ["pool stratum " + Q + " not in input", "对象库中的分层 \\1 不在输入中"],
    ["roster not ordered by id, or an id listed twice", "检查人员名单未按编号排序，或有编号重复"],
    ["roster digest mismatch", "检查人员名单摘要不符"],
    ["exclusions digest mismatch", "回避名单摘要不符"],
    ["input digest mismatch", "输入摘要不符"],
    ["pool digest mismatch", "对象库摘要不符"],
    ["server secret is not 64 lowercase hex characters", "服务器密钥不是 64 位小写十六进制字符"],
    ["server secret does not match the commitment", "服务器密钥与事先公布的承诺值不符"],
    ["fewer than two witnesses", "见证人少于两名"],
    ["witness ([0-9]+) longer than 64 characters", "第 \\1 名见证人的输入超过 64 个字符"],
    ["seed mismatch", "随机种子不符"],
    ["targets differ", "抽中的检查对象不符"],
    [
      "teams cannot be reproduced: no eligible inspector for target " + Q + " slot " + Q,
      "无法重现检查人员匹配：检查对象 \\1 的岗位 \\2 没有符合条件的检查人员",
    ],
    ["teams differ", "检查人员匹配结果不符"],
  ].map(function (row) {
    // "s": Python's "." matches every character but "\n", which a reason never holds raw
    return [new RegExp("^(?:" + row[0] + ")$", "s"), row[1]];
  });

  function inChinese(reason) {
    for (var k = 0; k < ZH_REASONS.length; k++) {
      var found = ZH_REASONS[k][0].exec(reason);
      if (found) return ZH_REASONS[k][1].replace(/\\([0-9])/g, (_, g) => found[Number(g)]);
    }
    return reason;
  }

  // A record file (its bytes, or pasted text) to a verdict, as verify_draw.py's main() reads
  // and judges it: {verdict: "pass" | "fail" | "unreadable", …}. Plain data, so that a worker
  // can post it back to the page.
  function judge(input) {
    var text = input.text;
    if (typeof text !== "string") {
      try {
        // UTF-8 as verify_draw.py opens the file; a byte-order mark is kept, and refused by the
        // JSON reader as Python's json refuses it
        text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(input.bytes);
      } catch (e) {
        return { verdict: "unreadable", problem: "not-utf8" };
      }
    }
    var record;
    try {
      record = parseRecord(text);
    } catch (e) {
      if (!(e instanceof ReadError)) throw e;
      return { verdict: "unreadable", problem: "not-json", error: e.message };
    }
    var reasons = verify(record);
    var out = {
      verdict: reasons.length ? "fail" : "pass",
      reasons: reasons,
      zh: reasons.map(inChinese),
      unchecked: !reasons.length && teamsUnchecked(record),
    };
    // what was verified, when the record says it plainly: the task and how many targets
    var input_ = isDict(record) ? pget(record, "input") : null;
    var result = isDict(record) ? pget(record, "result") : null;
    var task = isDict(input_) ? pget(input_, "task") : null;
    var targets = isDict(result) ? pget(result, "targets") : null;
    if (isStr(task) && isList(targets)) {
      out.task = task;
      out.targets = targets.length;
    }
    return out;
  }

  global.SpotcheckVerify = {
    judge: judge,
    parseRecord: parseRecord,
    ReadError: ReadError,
    verify: verify,
    inChinese: inChinese,
    teamsUnchecked: teamsUnchecked,
    canonicalJson: canonicalJson,
  };
})(typeof self !== "undefined" ? self : this); // the page (window) or a worker
