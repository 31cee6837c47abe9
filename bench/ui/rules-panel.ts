// Rules panel benchmark (issue 12): 500 rules, the administrator's default limit, shown in the
// settings tab of a real Thunderbird against a real Dovecot with the rules module. Times, in the
// page: from the click on the Rules tab of a newly opened settings tab until the list is painted
// (the background's rules.list through the experiment, the parse, the render), and the render
// alone, from the moment the page has rules.list's answer; scrolling to the end; a render with
// no request (a drag over the list); and from a click on a rule's switch until the changed list
// is painted (the server regenerates and compiles the script). Run with
// `npx vite-node bench/ui/rules-panel.ts` (after `npm run build:server`); XEXEC_THUNDERBIRD picks
// the Thunderbird. It prints figures and asserts nothing about time; they go into
// docs/PERFORMANCE.md by hand.
import * as os from 'node:os';
import { defaultModules, dovecotLabel, rulesModule, USERS } from '../../test/server/fixture/index.js';
import { startSettingsTab } from '../../test/e2e/settings-tab.js';
import { lit, median, rule } from '../common.js';

const RULES = 500;
const RUNS = 7;
async function main(): Promise<void> {
  const user = USERS.bob;
  const s = await startSettingsTab({
    user,
    server: { modules: (dir) => [...defaultModules(dir), rulesModule(dir)] },
    beforeOpen: async ({ server }) => {
      const c = await server.login(user);
      try {
        for (let i = 1; i <= RULES; i++) {
          const r = await c.command(`XEXEC rules add ${lit(rule(i))}`);
          if (r.status !== 'OK') throw new Error(`rule ${i}: ${r.text}`);
        }
      } finally {
        await c.logout();
      }
    },
  });
  try {
    console.log(`Rules panel benchmark: Thunderbird ${s.tb.version}, ${dovecotLabel()}, ${os.cpus().length} cores (${os.cpus()[0]?.model}), Node ${process.version}`);
    const open: number[] = [];
    const toggle: number[] = [];
    const render: number[] = [];
    const fetch: number[] = [];
    const shownFirst: number[] = [];
    const scroll: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      // A new settings tab each run: the Rules panel mounts and reads the list from the server
      // (a tab's panels stay mounted once shown, so switching tabs would time a render only).
      const tab = r === 0 ? s.tab : await s.reopen();
      // The page's rules.list answer is timed where the page receives it, so the render (the
      // parse done, the panel's render and the paint) is told apart from the request.
      const [first, afterAnswer] = await tab.dom<[number, number]>(`
        const runtime = (window.browser || window.messenger).runtime;
        const send = runtime.sendMessage;
        let answered = null;
        runtime.sendMessage = (message, ...rest) => send.call(runtime, message, ...rest).then((answer) => {
          if (message && message.type === "rules.list" && answered === null) answered = window.performance.now();
          return answer;
        });
        try {
          const t0 = window.performance.now();
          view().querySelector('[role="tab"][data-panel="rules"]').click();
          // The panel is in the page only once its tab is selected.
          const count = () => { try { return scope("rules").querySelectorAll("li[data-rule]").length; } catch { return 0; } };
          await until("the rules in view", () => count() > 0, 60000);
          await painted();
          const t1 = window.performance.now();
          const setsize = Number(scope("rules").querySelector("li[data-rule]").getAttribute("aria-setsize"));
          if (setsize !== args[0]) throw new Error("the list says it has " + setsize + " rules");
          return [t1 - t0, t1 - answered];
        } finally {
          runtime.sendMessage = send;
        }
      `, [RULES]);
      shownFirst.push(first);
      open.push(afterAnswer);
      // Scrolling to the end: the last rules rendered and painted.
      scroll.push(await tab.dom<number>(`
        const box = scope("rules").querySelector(".rule-scroll");
        const t0 = window.performance.now();
        box.scrollTop = box.scrollHeight;
        await until("the last rule", () => scope("rules").querySelector('li[aria-posinset="' + args[0] + '"]'), 10000);
        await painted();
        const ms = window.performance.now() - t0;
        box.scrollTop = 0;
        await until("the first rule", () => scope("rules").querySelector('li[aria-posinset="1"]'), 10000);
        return ms;
      `, [RULES]));
      // The page's request alone (rules.list through the background and the experiment, the
      // answer cloned into the page), without rendering it.
      fetch.push(await tab.dom<number>(`
        const runtime = (window.browser || window.messenger).runtime;
        const t0 = window.performance.now();
        const answer = await runtime.sendMessage({ type: "rules.list", accountId: acct });
        const ms = window.performance.now() - t0;
        if (!answer.ok || answer.value.rules.length !== args[0]) throw new Error("rules.list: " + JSON.stringify(answer).slice(0, 200));
        return ms;
      `, [RULES]));
      // A render alone: a drag over the first rule marks it as the drop target, so the list
      // renders again with no request.
      render.push(await tab.dom<number>(`
        const first = scope("rules").querySelector("li[data-rule]");
        const t0 = window.performance.now();
        for (const name of ["dragover", "DragOver"]) first.dispatchEvent(new window.Event(name, { bubbles: true, cancelable: true }));
        await until("the drop target", () => scope("rules").querySelector("li.drop-target"), 10000);
        await painted();
        const ms = window.performance.now() - t0;
        for (const name of ["dragleave", "DragLeave"]) first.dispatchEvent(new window.Event(name, { bubbles: true }));
        await until("no drop target", () => !scope("rules").querySelector("li.drop-target"), 10000);
        return ms;
      `));
      toggle.push(await tab.dom<number>(`
        // Rule 250 is far below the window: scroll to it first (not timed).
        const box = scope("rules").querySelector(".rule-scroll");
        box.scrollTop = 249 * box.scrollHeight / args[0];
        await until("rule 250", () => scope("rules").querySelector('li[data-rule="250"]'), 10000);
        await painted();
        const item = scope("rules").querySelector('li[data-rule="250"]');
        const before = item.querySelector('[role="switch"]').checked;
        const t0 = window.performance.now();
        item.querySelector('[role="switch"]').click();
        await until("the switch to follow", () => scope("rules").querySelector('li[data-rule="250"] [role="switch"]').checked !== before
          && !scope("rules").querySelector('[data-busy="true"]'), 60000);
        await painted();
        return window.performance.now() - t0;
      `, [RULES]));
    }
    const fmt = (runs: number[]) => `median ${median(runs).toFixed(0)} ms, min ${Math.min(...runs).toFixed(0)} ms, max ${Math.max(...runs).toFixed(0)} ms`;
    console.log(`open the Rules tab: the 500-rule list painted, from the click: ${fmt(shownFirst)}`);
    console.log(`  of which the render, from the page's rules.list answer to the paint: ${fmt(open)}`);
    console.log(`scroll to the end, the last rules painted: ${fmt(scroll)}`);
    console.log(`rules.list asked by the page, not rendered: ${fmt(fetch)}`);
    console.log(`render the list again (a drag over it, no request): ${fmt(render)}`);
    console.log(`switch one rule off/on, the list painted again: ${fmt(toggle)}`);
  } finally {
    await s.stop();
  }
}

await main();
