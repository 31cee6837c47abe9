/**
 * The background's message API (messages.ts): checks each request, builds the module
 * command with src/modules, runs it through `messenger.xexec.execute`, parses the reply and
 * turns every failure into a UserError. Thunderbird is reached only through `deps`, so the
 * whole router runs in unit tests.
 */

import type { XexecExperimentApi } from '../../experiments/xexec/api.js';
import { modulesRequest, parseModulesReply } from '../modules/discovery.js';
import { forwardOffRequest, forwardSetRequest, forwardShowRequest, parseForwardState } from '../modules/forwarding.js';
import { addRequest, deleteRequest, listRequest, parseAddReply, parseDeleteReply, parseListReply } from '../modules/lists.js';
import { changePasswordRequest, parseChangePasswordReply } from '../modules/password.js';
import type { ReplyError } from '../modules/reply.js';
import { parseVacationState, vacationOffRequest, vacationSetRequest, vacationShowRequest } from '../modules/vacation.js';
import { buildCommandText, type XexecRequest } from '../protocol/command.js';
import type { XexecReply } from '../protocol/data-line.js';
import { replyFromLines } from '../protocol/execute-result.js';
import { err, ok, type Result } from '../protocol/result.js';
import { DiscoveryCache } from './discovery-cache.js';
import {
  addressInputError,
  badRequestError,
  commandInputError,
  entryInputError,
  executeFailureError,
  internalError,
  passwordInputError,
  replyError,
  vacationInputError,
  type Translate,
} from './errors.js';
import {
  isBackgroundRequest,
  type BackgroundResponse,
  type RequestOf,
  type RequestType,
  type ResponseValues,
  type UserError,
} from './messages.js';

export interface RouterDeps {
  readonly xexec: XexecExperimentApi;
  readonly translate: Translate;
  /** Keeps the background from being suspended while `work` runs (keepalive.ts); default: just runs it. */
  readonly keepAlive?: <T>(work: () => Promise<T>) => Promise<T>;
}

export interface Router {
  /** Answers one message; never rejects. */
  handle(message: unknown): Promise<BackgroundResponse>;
  readonly discovery: DiscoveryCache;
}

type Handlers = { [K in RequestType]: (request: RequestOf<K>) => Promise<Result<ResponseValues[K], UserError>> };

export function createRouter(deps: RouterDeps): Router {
  const t = deps.translate;
  const keepAlive = deps.keepAlive ?? (<T>(work: () => Promise<T>) => work());

  /** Runs a module and parses its reply; every failure becomes a UserError. */
  async function run<T>(
    accountId: string,
    request: XexecRequest,
    parse: (reply: XexecReply, module: string) => Result<T, ReplyError>,
  ): Promise<Result<T, UserError>> {
    const result = await keepAlive(() => deps.xexec.execute(accountId, request.module, [...request.args]));
    if (!result.ok) return err(executeFailureError(t, result, request.module));
    const parsed = parse(replyFromLines(request.module, result.lines), request.module);
    return parsed.ok ? parsed : err(replyError(t, parsed.error, request.module));
  }

  const discovery = new DiscoveryCache(async (accountId) => {
    const modules = await run(accountId, modulesRequest(), parseModulesReply);
    return modules.ok ? { ok: true, modules: modules.value } : modules;
  });

  const handlers: Handlers = {
    async 'discover'(r) {
      const found = await discovery.get(r.accountId, r.refresh === true);
      return found.ok ? ok({ modules: found.modules }) : found;
    },

    async 'list.show'(r) {
      const entries = await run(r.accountId, listRequest(r.list), parseListReply);
      return entries.ok ? ok({ entries: entries.value }) : entries;
    },
    async 'list.add'(r) {
      const request = addRequest(r.list, r.entries);
      if (!request.ok) return err(entryInputError(t, request.error));
      const changes = await run(r.accountId, request.value, parseAddReply);
      return changes.ok ? ok({ changes: changes.value }) : changes;
    },
    async 'list.del'(r) {
      const request = deleteRequest(r.list, r.entries);
      if (!request.ok) return err(entryInputError(t, request.error));
      const changes = await run(r.accountId, request.value, parseDeleteReply);
      return changes.ok ? ok({ changes: changes.value }) : changes;
    },

    async 'password.change'(r) {
      const request = changePasswordRequest(r.newPassword);
      if (!request.ok) return err(passwordInputError(t, request.error));
      const changed = await run(r.accountId, request.value, parseChangePasswordReply);
      if (!changed.ok) return changed;
      // The server has the new password now: Thunderbird must use it for its next login.
      try {
        const updated = await keepAlive(() => deps.xexec.updateSavedPassword(r.accountId, r.newPassword));
        return ok({ updated, updateError: null });
      } catch (e) {
        const detail = e instanceof Error ? e.message : String(e);
        const updateError: UserError = { ...internalError(t, e), message: t('errorPasswordNotSaved', [detail]) };
        return ok({ updated: null, updateError });
      }
    },

    'forward.show': (r) => run(r.accountId, forwardShowRequest(), parseForwardState),
    'forward.off': (r) => run(r.accountId, forwardOffRequest(), parseForwardState),
    async 'forward.set'(r) {
      const request = forwardSetRequest(r.address, r.keepCopy);
      if (!request.ok) return err(addressInputError(t, request.error));
      return run(r.accountId, request.value, parseForwardState);
    },

    'vacation.show': (r) => run(r.accountId, vacationShowRequest(), parseVacationState),
    'vacation.off': (r) => run(r.accountId, vacationOffRequest(), parseVacationState),
    async 'vacation.set'(r) {
      const request = vacationSetRequest(r.update);
      if (!request.ok) return err(vacationInputError(t, request.error));
      return run(r.accountId, request.value, parseVacationState);
    },

    async 'console'(r) {
      // Checked here so that a typo is an answer, not a rejected call.
      const text = buildCommandText({ module: r.module, args: r.args });
      if (!text.ok) return err(commandInputError(t, text.error));
      const result = await keepAlive(() => deps.xexec.execute(r.accountId, r.module, [...r.args]));
      return ok({ result, error: result.ok ? null : executeFailureError(t, result, r.module) });
    },
  };

  async function handle(message: unknown): Promise<BackgroundResponse> {
    if (!isBackgroundRequest(message)) return { ok: false, error: badRequestError(t) };
    const handler = handlers[message.type] as (request: typeof message) => Promise<Result<unknown, UserError>>;
    try {
      const result = await handler(message);
      return (result.ok ? { ok: true, value: result.value } : { ok: false, error: result.error }) as BackgroundResponse;
    } catch (e) {
      // execute() rejects only for programmer errors (an unknown account, say); so does a bug here.
      return { ok: false, error: internalError(t, e) };
    }
  }

  return { handle, discovery };
}
