// TEST PAGE ONLY (test/e2e): marks the page as ready once the experiment
// namespace is visible. The tests run their own scripts in this page.
"use strict";
window.xexecTestPage = {
  ready: typeof messenger === "object" && typeof messenger.xexec === "object",
};
