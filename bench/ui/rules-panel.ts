// Rules panel benchmark (issue 12): 500 rules, the administrator's default limit, shown in the
// settings tab of a real Thunderbird against a real Dovecot with the rules module. Times, in the
// page, from the click on the Rules tab of a newly opened settings tab until the 500 rules are
// painted (the background's rules.list through the experiment, the parse, the render), a render
// alone (a drag over the list), and from a click on a rule's switch until the changed list is
// painted (the server regenerates and compiles the script). Run with
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
    for (let r = 0; r < RUNS; r++) {
      // A new settings tab each run: the Rules panel mounts and reads the list from the server
      // (a tab's panels stay mounted once shown, so switching tabs would time a render only).
      const tab = r === 0 ? s.tab : await s.reopen();
      const [first, all] = await tab.dom<[number, number]>(`
        const t0 = window.performance.now();
        view().querySelector('[role="tab"][data-panel="rules"]').click();
        // The panel is in the page only once its tab is selected.
        const count = () => { try { return scope("rules").querySelectorAll("li[data-rule]").length; } catch { return 0; } };
        await until("the first rules", () => count() > 0, 60000);
        await painted();
        const first = window.performance.now() - t0;
        await until("500 rules", () => count() === args[0], 60000);
        await painted();
        return [first, window.performance.now() - t0];
      `, [RULES]);
      shownFirst.push(first);
      open.push(all);
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
      // A render alone: a drag over the first rule marks it as the drop target, so the whole
      // list renders again with no request.
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
        const item = scope("rules").querySelector('li[data-rule="250"]');
        const before = item.querySelector('[role="switch"]').checked;
        const t0 = window.performance.now();
        item.querySelector('[role="switch"]').click();
        await until("the switch to follow", () => scope("rules").querySelector('li[data-rule="250"] [role="switch"]').checked !== before
          && !scope("rules").querySelector('[data-busy="true"]'), 60000);
        await painted();
        return window.performance.now() - t0;
      `));
    }
    const fmt = (runs: number[]) => `median ${median(runs).toFixed(0)} ms, min ${Math.min(...runs).toFixed(0)} ms, max ${Math.max(...runs).toFixed(0)} ms`;
    console.log(`open the Rules tab, the first rules (more than a window) painted: ${fmt(shownFirst)}`);
    console.log(`open the Rules tab, 500 rules painted: ${fmt(open)}`);
    console.log(`rules.list asked by the page, not rendered: ${fmt(fetch)}`);
    console.log(`render the 500 rules again (no request): ${fmt(render)}`);
    console.log(`switch one rule off/on, the list painted again: ${fmt(toggle)}`);
  } finally {
    await s.stop();
  }
}

await main();
