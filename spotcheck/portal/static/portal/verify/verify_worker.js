// The in-browser verifier off the page's main thread, so that a large record (seconds of work)
// does not freeze the page. The page posts {scripts: [sha256.js, verify_draw.js URLs], input:
// {bytes} or {text}} and gets SpotcheckVerify.judge()'s plain verdict back.
self.onmessage = function (event) {
  "use strict";
  if (!self.SpotcheckVerify) self.importScripts.apply(self, event.data.scripts);
  self.postMessage(self.SpotcheckVerify.judge(event.data.input));
};
