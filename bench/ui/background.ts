// BENCHMARK ONLY: bundled by bench/ui/run.ts in place of background/background.js in its
// staged copy of the add-on (never in the .xpi). The same router, wired as
// src/background/index.ts wires it, with clocks around it: when a request reached the
// background, when the experiment's send() started and ended, and when the router's answer
// was ready. The settings page asks for them with `bench.marks`. Date.now(): the page and
// the background have different performance.now() origins.
import browser from 'webextension-polyfill';
import type { XexecExperimentApi } from '../../experiments/xexec/api.js';
import type { Translate } from '../../src/messages/errors.js';
import { createPolicySource, type ManagedStorageArea } from '../../src/background/policy.js';
import { createRouter } from '../../src/background/router.js';

interface Marks { type: string; received: number; sendStart: number; sendEnd: number; answered: number }

const messenger = (globalThis as unknown as { messenger: { xexec: XexecExperimentApi } }).messenger;
const translate: Translate = (key, substitutions) => browser.i18n.getMessage(key, substitutions ? [...substitutions] : undefined);
const marks: Marks[] = [];
let current: Marks | null = null;

const xexec: XexecExperimentApi = {
  async send(accountId, text) {
    const mine = current;
    if (mine) mine.sendStart = Date.now();
    const report = await messenger.xexec.send(accountId, text);
    if (mine) mine.sendEnd = Date.now();
    return report;
  },
  getServerHost: (accountId) => messenger.xexec.getServerHost(accountId),
  updateSavedPassword: (accountId, password) => messenger.xexec.updateSavedPassword(accountId, password),
};

const managed = (browser.storage as { managed?: ManagedStorageArea } | undefined)?.managed;
const policy = createPolicySource(managed, (accountId) => xexec.getServerHost(accountId), (m) => console.warn(m));
const router = createRouter({ xexec, translate, policy });

browser.runtime.onMessage.addListener(async (message: unknown) => {
  const type = (message as { type?: string } | null)?.type ?? '';
  if (type === 'bench.marks') return marks.splice(0);
  const mine: Marks = { type, received: Date.now(), sendStart: NaN, sendEnd: NaN, answered: NaN };
  if (type === 'list.show' || type === 'list.add') current = mine;
  const answer = await router.handle(message);
  mine.answered = Date.now();
  if (type === 'list.show' || type === 'list.add') marks.push(mine);
  return answer;
});
