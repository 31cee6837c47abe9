// What the e2e chrome scripts that act in Thunderbird's main window start with (tb.chrome runs
// them with `${MAIN_WINDOW_PRELUDE} ...`): the 3-pane window, trusted mouse events, polling.

export const MAIN_WINDOW_PRELUDE = `
  const win = Services.wm.getMostRecentWindow("mail:3pane");
  const doc = win.document;
  const tabmail = doc.getElementById("tabmail");
  const sleep = (ms) => new Promise(r => win.setTimeout(r, ms));
  // A mouse event on an element, made by chrome code and so trusted, as the widget would send
  // it for a real mouse. (Thunderbird's release build has no test-only synthesizeMouseEvent,
  // and native mouse events of the headless widget never arrive.)
  function mouse(el, type, button) {
    const w = el.ownerDocument.defaultView;
    const r = el.getBoundingClientRect();
    const clientX = r.left + Math.min(10, r.width / 2), clientY = r.top + r.height / 2;
    const init = { bubbles: true, cancelable: true, composed: true, view: w, detail: 1, button, buttons: 0,
      clientX, clientY, screenX: w.mozInnerScreenX + clientX, screenY: w.mozInnerScreenY + clientY };
    return el.dispatchEvent(new w.MouseEvent(type, init));
  }
  async function until(what, check, ms = 30000) {
    const deadline = Date.now() + ms;
    for (;;) {
      const v = await check();
      if (v) return v;
      if (Date.now() > deadline) throw new Error("timed out waiting for " + what);
      await sleep(50);
    }
  }
`;
