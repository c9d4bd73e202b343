// Sign-up: send the browser's own timezone, so a learner's study day rolls over at their 4 am, not UTC's.
(function () {
  "use strict";
  var zone = "";
  try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (error) { zone = ""; }
  document.querySelectorAll("input[data-detect-timezone]").forEach(function (input) {
    if (!input.value) { input.value = zone; }
  });
}());
