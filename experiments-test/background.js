// Placeholder background script until the real (TypeScript) background is
// built. It does nothing: the e2e tests drive the experiment from
// experiments-test/page.html.
"use strict";
