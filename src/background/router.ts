/**
 * The background's message API (src/messages/messages.ts): checks each request, builds the module
 * command with src/modules and its text with src/protocol, sends it through the experiment's
 * raw transport (`messenger.xexec.send`), reads the reply and parses it, and turns every
 * failure into a UserError. The administrator's policy (policy.ts) names the
 * modules it sends and turns panels off. Thunderbird is reached only through `deps`, so the
 * whole router runs in unit tests.
 */

import type { XexecExperimentApi } from '../../experiments/xexec/api.js';
import type { XexecFiltersApi } from '../../experiments/xexec/filters-api.js';
import type { XexecOutgoingApi } from '../../experiments/xexec/outgoing-api.js';
import { folderChoices } from '../modules/folder-names.js';
import { modulesRequest, parseModulesReply } from '../modules/discovery.js';
import { alertsConfirmRequest, alertsContactsSetRequest, alertsOffRequest, alertsResendRequest, alertsSetRequest, alertsShowRequest, parseAlertsState } from '../modules/alerts.js';
import { forwardOffRequest, forwardSetRequest, forwardShowRequest, parseForwardState } from '../modules/forwarding.js';
import { addRequest, deleteRequest, listRequest, parseAddReply, parseDeleteReply, parseListReply } from '../modules/lists.js';
import { changePasswordRequest, parseChangePasswordReply, passwordInfoRequest, readPasswordInfo } from '../modules/password.js';
import type { ReplyError } from '../modules/reply.js';
import { parseRulesCheck, parseRulesState, rulesAddRequest, rulesCheckRequest, rulesIdRequest, rulesListRequest, rulesMoveRequest, rulesReplaceRequest, type RulesInputError } from '../modules/rules.js';
import {
  parseSpamContacts,
  parseSpamState,
  spamContactsClearRequest,
  spamContactsListRequest,
  spamContactsSetRequest,
  spamOffRequest,
  spamSetRequest,
  spamShowRequest,
  withFixed,
} from '../modules/spam.js';
import { parseVacationState, vacationOffRequest, vacationSetRequest, vacationShowRequest, type VacationState } from '../modules/vacation.js';
import { buildCommandText, type CommandError, type XexecRequest } from '../protocol/command.js';
import type { XexecReply } from '../protocol/data-line.js';
import { readReport, type ExecuteResult } from '../protocol/execute-result.js';
import { err, ok, type Result } from '../protocol/result.js';
import { contactAddresses, localBooks, type AddressBookNode } from './contacts.js';
import { DiscoveryCache } from './discovery-cache.js';
import { sendingLocked, sendingSet, sendingState, type SendingPolicyContext } from './sending.js';
import { badRequestError, executeFailureError, internalError, replyError } from './errors.js';
import { standardNames, type PolicySource } from './policy.js';
import { alertsInputError } from '../messages/alerts-errors.js';
import { rulesInputError } from '../messages/rules-text.js';
import {
  addressInputError,
  commandInputError,
  entryInputError,
  passwordInputError,
  spamInputError,
  userError,
  vacationInputError,
  type Translate,
  type UserError,
} from '../messages/errors.js';
import {
  isBackgroundRequest,
  joinEntries,
  type BackgroundResponse,
  type RequestOf,
  type RequestType,
  type ResponseValues,
} from '../messages/messages.js';
import { DEFAULT_POLICY } from '../messages/policy.js';
import type { StandardModule } from '../modules/standard.js';

export interface RouterDeps {
  readonly xexec: XexecExperimentApi;
  readonly translate: Translate;
  /** Keeps the background from being suspended while `work` runs (keepalive.ts); default: just runs it. */
  readonly keepAlive?: <T>(work: () => Promise<T>) => Promise<T>;
  /** The administrator's policy for an account (policy.ts); default: none. */
  readonly policy?: PolicySource;
  /** The vCards of the contacts in the user's local address books (`books`: only these); default: none. */
  readonly readContacts?: (books?: readonly string[]) => Promise<readonly string[]>;
  /** The user's local address books; default: none. */
  readonly listBooks?: () => Promise<readonly AddressBookNode[]>;
  /** The WebExtension paths of an account's folders (messenger.folders), in tree order; default: none. */
  readonly folderPaths?: (accountId: string) => Promise<readonly string[]>;
  /** Thunderbird's message filters (experiment xexecFilters); default: none, so the rules panel offers no move. */
  readonly filters?: XexecFiltersApi;
  /** Told each automatic reply a set or off leaves on the server (the reminder, reminder.ts). */
  readonly onVacationChange?: (accountId: string, state: VacationState) => void;
  /** The outgoing server type xexec (experiment xexecOutgoing); default: none, so the Sending panel cannot turn on. */
  readonly outgoing?: XexecOutgoingApi;
  /** false while Thunderbird works offline (the policy's Sending "on" waits); default: online. */
  readonly online?: () => boolean;
  /** Lines for administrators (the background's console); default: console.warn. */
  readonly warn?: (message: string) => void;
}

export interface Router {
  /** Answers one message; never rejects. */
  handle(message: unknown): Promise<BackgroundResponse>;
}

type Handlers = { [K in RequestType]: (request: RequestOf<K>) => Promise<Result<ResponseValues[K], UserError>> };

export function createRouter(deps: RouterDeps): Router {
  const t = deps.translate;
  const keepAlive = deps.keepAlive ?? (<T>(work: () => Promise<T>) => work());
  const policy: PolicySource = deps.policy ?? (async () => DEFAULT_POLICY);

  /** Refused before anything is sent: the administrator turned it off. */
  const policyOff = (): UserError => userError('input', t('errorPolicyOff'));
  /** Refused before anything is sent: the administrator fixed the alert conditions. */
  const conditionsLocked = (): UserError => userError('input', t('alertsConditionsLocked'), { field: 'conditions' });

  /** The name the account's server knows `module` by, unless the policy hides its panel. */
  async function moduleName(accountId: string, module: StandardModule): Promise<Result<string, UserError>> {
    const effective = await policy(accountId);
    return effective.hiddenPanels.includes(module) ? err(policyOff()) : ok(effective.modules[module]);
  }

  /** Sends a request through the experiment and reads what Thunderbird reported. */
  async function execute(accountId: string, request: XexecRequest): Promise<Result<ExecuteResult, CommandError>> {
    const text = buildCommandText(request);
    if (!text.ok) return text;
    const report = await keepAlive(() => deps.xexec.send(accountId, text.value));
    return ok(readReport(report, request.module));
  }

  /** Runs a module and parses its reply; every failure becomes a UserError. */
  async function run<T>(
    accountId: string,
    request: XexecRequest,
    parse: (reply: XexecReply, module: string) => Result<T, ReplyError>,
  ): Promise<Result<T, UserError>> {
    const executed = await execute(accountId, request);
    // The modules' requests are built from checked input: a bad one is a bug.
    if (!executed.ok) return err(internalError(t, new Error(executed.error.message)));
    const result = executed.value;
    if (!result.ok) return err(executeFailureError(t, result, request.module));
    const parsed = parse({ module: request.module, lines: result.lines }, request.module);
    return parsed.ok ? parsed : err(replyError(t, parsed.error, request.module));
  }

  /** Passes a changed automatic reply on; a listener's failure is no failure of the change. */
  function changedVacation(accountId: string, result: Result<VacationState, UserError>): Result<VacationState, UserError> {
    if (result.ok) {
      try {
        deps.onVacationChange?.(accountId, result.value);
      } catch (e) {
        console.warn('vacation change listener:', e instanceof Error ? e.message : String(e));
      }
    }
    return result;
  }

  /** The request, or the page's input error in the module's words. */
  function checked<E>(request: Result<XexecRequest, E>, words: (t: Translate, error: E) => UserError): Result<XexecRequest, UserError> {
    return request.ok ? request : err(words(t, request.error));
  }

  /**
   * Every module message has this shape: the name the account's server knows the module by
   * (refused when the policy hides its panel), the request built from the page's input and
   * checked, then run and its reply parsed.
   */
  async function call<T>(
    accountId: string,
    module: StandardModule,
    build: (name: string) => Result<XexecRequest, UserError>,
    parse: (reply: XexecReply, module: string) => Result<T, ReplyError>,
  ): Promise<Result<T, UserError>> {
    const name = await moduleName(accountId, module);
    if (!name.ok) return name;
    const request = build(name.value);
    return request.ok ? run(accountId, request.value, parse) : request;
  }

  /** A rules command from the page's input, read as the list it answers. */
  function rules(accountId: string, build: (name: string) => Result<XexecRequest, RulesInputError>) {
    return call(accountId, 'rules', (name) => checked(build(name), rulesInputError), parseRulesState);
  }

  const discovery = new DiscoveryCache(async (accountId) => {
    const modules = await run(accountId, modulesRequest(), parseModulesReply);
    return modules.ok ? { ok: true, modules: modules.value } : modules;
  });

  const handlers: Handlers = {
    async 'discover'(r) {
      // The cache keeps the server's own names; the pages get the standard ones.
      const found = await discovery.get(r.accountId, r.refresh === true);
      return found.ok ? ok({ modules: standardNames(await policy(r.accountId), found.modules) }) : found;
    },

    async 'list.show'(r) {
      const entries = await call(r.accountId, r.list, (name) => ok(listRequest(name)), parseListReply);
      return entries.ok ? ok({ entries: joinEntries(entries.value) }) : entries;
    },
    async 'list.add'(r) {
      const changes = await call(r.accountId, r.list, (name) => checked(addRequest(name, r.entries), entryInputError), parseAddReply);
      return changes.ok ? ok({ changes: changes.value }) : changes;
    },
    async 'list.del'(r) {
      const changes = await call(r.accountId, r.list, (name) => checked(deleteRequest(name, r.entries), entryInputError), parseDeleteReply);
      return changes.ok ? ok({ changes: changes.value }) : changes;
    },

    async 'password.info'(r) {
      const name = await moduleName(r.accountId, 'changepassword');
      if (!name.ok) return name;
      const executed = await execute(r.accountId, passwordInfoRequest(name.value));
      if (!executed.ok) return err(internalError(t, new Error(executed.error.message)));
      // An older module's refusal of the bare form is an answer (readPasswordInfo).
      const info = readPasswordInfo(executed.value, name.value);
      if (info.ok) return info;
      const e = info.error;
      return err(e.kind === 'failed' ? executeFailureError(t, e.result, name.value) : replyError(t, e.error, name.value));
    },
    async 'password.change'(r) {
      const request = (name: string) => changePasswordRequest(r.newPassword, { module: name, currentPassword: r.currentPassword });
      const build = (name: string) => checked(request(name), passwordInputError);
      const changed = await call(r.accountId, 'changepassword', build, parseChangePasswordReply);
      if (!changed.ok) return changed;
      // The server has the new password now: Thunderbird must use it for its next login.
      try {
        const updated = await keepAlive(() => deps.xexec.updateSavedPassword(r.accountId, r.newPassword));
        return ok({ updated, updateError: null });
      } catch (e) {
        const detail = e instanceof Error ? e.message : String(e);
        const updateError = userError('internal', t('errorPasswordNotSaved', [detail]));
        return ok({ updated: null, updateError });
      }
    },

    'forward.show': (r) => call(r.accountId, 'forwardmail', (name) => ok(forwardShowRequest(name)), parseForwardState),
    'forward.off': (r) => call(r.accountId, 'forwardmail', (name) => ok(forwardOffRequest(name)), parseForwardState),
    'forward.set': (r) =>
      call(r.accountId, 'forwardmail', (name) => checked(forwardSetRequest(r.address, r.keepCopy, name), addressInputError), parseForwardState),

    'vacation.show': (r) => call(r.accountId, 'vacation', (name) => ok(vacationShowRequest(name)), parseVacationState),
    async 'vacation.off'(r) {
      return changedVacation(r.accountId, await call(r.accountId, 'vacation', (name) => ok(vacationOffRequest(name)), parseVacationState));
    },
    async 'vacation.set'(r) {
      const build = (name: string) => checked(vacationSetRequest(r.update, name), vacationInputError);
      return changedVacation(r.accountId, await call(r.accountId, 'vacation', build, parseVacationState));
    },

    async 'contacts.addresses'(r) {
      const found = contactAddresses(await (deps.readContacts ?? (async () => []))(r.books));
      return ok({ addresses: joinEntries(found.addresses), skipped: found.skipped });
    },
    async 'contacts.books'() {
      const books = await (deps.listBooks ?? (async () => []))();
      return ok({ books: localBooks(books) });
    },

    'spam.show': (r) => call(r.accountId, 'spam', (name) => ok(spamShowRequest(name)), parseSpamState),
    async 'spam.off'(r) {
      // Off would undo a level the administrator fixed.
      const fixed = (await policy(r.accountId)).spam.level !== undefined;
      const build = (name: string) => (fixed ? err(userError('input', t('spamFixedByAdmin'), { field: 'level' })) : ok(spamOffRequest(name)));
      return call(r.accountId, 'spam', build, parseSpamState);
    },
    async 'spam.set'(r) {
      // What the administrator fixed is sent whatever the page asked for.
      const update = withFixed(r.update, (await policy(r.accountId)).spam);
      return call(r.accountId, 'spam', (name) => checked(spamSetRequest(update, name), spamInputError), parseSpamState);
    },
    async 'spam.contacts.list'(r) {
      const addresses = await call(r.accountId, 'spam', (name) => ok(spamContactsListRequest(name)), parseSpamContacts);
      return addresses.ok ? ok({ addresses: joinEntries(addresses.value) }) : addresses;
    },
    'spam.contacts.set': (r) =>
      call(r.accountId, 'spam', (name) => checked(spamContactsSetRequest(r.addresses, name), spamInputError), parseSpamState),
    'spam.contacts.clear': (r) => call(r.accountId, 'spam', (name) => ok(spamContactsClearRequest(name)), parseSpamState),

    'alerts.show': (r) => call(r.accountId, 'alerts', (name) => ok(alertsShowRequest(name)), parseAlertsState),
    'alerts.off': (r) => call(r.accountId, 'alerts', (name) => ok(alertsOffRequest(name)), parseAlertsState),
    async 'alerts.set'(r) {
      const fixed = (await policy(r.accountId)).alerts;
      const u = r.update;
      // Conditions the administrator fixed are not the user's to change (docs/ADMIN.md).
      const locked = fixed.lockConditions && (u.senders !== undefined || u.words !== undefined || u.urgent !== undefined || u.contacts !== undefined);
      const build = (name: string) =>
        (locked ? err(conditionsLocked()) : checked(alertsSetRequest(u, name, fixed.targetDomains), alertsInputError));
      return call(r.accountId, 'alerts', build, parseAlertsState);
    },
    'alerts.confirm': (r) => call(r.accountId, 'alerts', (name) => checked(alertsConfirmRequest(r.code, name), alertsInputError), parseAlertsState),
    'alerts.resend': (r) => call(r.accountId, 'alerts', (name) => ok(alertsResendRequest(name)), parseAlertsState),
    // The same file as spam's (§6.6), read through alerts so a page without the spam module works.
    async 'alerts.contacts.list'(r) {
      const addresses = await call(r.accountId, 'alerts', (name) => ok(spamContactsListRequest(name)), parseSpamContacts);
      return addresses.ok ? ok({ addresses: joinEntries(addresses.value) }) : addresses;
    },
    async 'alerts.contacts.set'(r) {
      const locked = (await policy(r.accountId)).alerts.lockConditions;
      const build = (name: string) => (locked ? err(conditionsLocked()) : checked(alertsContactsSetRequest(r.addresses, name), alertsInputError));
      return call(r.accountId, 'alerts', build, parseAlertsState);
    },

    'rules.list': (r) => rules(r.accountId, (name) => ok(rulesListRequest(name))),
    // The server refuses a body test it cannot run; the page hides it by the listed abilities.
    'rules.add': (r) => rules(r.accountId, (name) => rulesAddRequest(r.rule, undefined, name)),
    'rules.replace': (r) => rules(r.accountId, (name) => rulesReplaceRequest(r.id, r.rule, undefined, name)),
    'rules.delete': (r) => rules(r.accountId, (name) => rulesIdRequest('delete', r.id, name)),
    'rules.enable': (r) => rules(r.accountId, (name) => rulesIdRequest('enable', r.id, name)),
    'rules.disable': (r) => rules(r.accountId, (name) => rulesIdRequest('disable', r.id, name)),
    'rules.move': (r) => rules(r.accountId, (name) => rulesMoveRequest(r.id, r.to, name)),
    async 'rules.check'(r) {
      const build = (name: string) => checked(rulesCheckRequest(r.rule, undefined, name), rulesInputError);
      const compiled = await call(r.accountId, 'rules', build, parseRulesCheck);
      return compiled.ok ? ok({ compiled: true as const }) : compiled;
    },

    // Reading the state applies the administrator's `sending` (sending.ts).
    async 'sending.state'(r) {
      const context: SendingPolicyContext = {
        fixed: (await policy(r.accountId)).sending,
        online: deps.online ?? (() => true),
        discover: () => discovery.get(r.accountId, false),
        warn: deps.warn ?? ((message) => console.warn(message)),
      };
      return sendingState(deps.outgoing, t, r.accountId, context);
    },
    async 'sending.set'(r) {
      const locked = sendingLocked(t, (await policy(r.accountId)).sending, r.on);
      if (locked) return err(locked);
      // Turned on only where the server sends (its discovery lists submit); off always works.
      const found = r.on ? await discovery.get(r.accountId, false) : null;
      if (found && !found.ok) return found;
      return sendingSet(deps.outgoing, t, r.accountId, r.on, found ? found.modules : []);
    },

    async 'folders.list'(r) {
      if (deps.filters === undefined) return ok({ folders: [] });
      const separator = await deps.filters.separator(r.accountId);
      // Without the server's separator no nested folder has a name the server knows.
      if (separator === '') return err(userError('internal', t('rulesSeparatorUnknown')));
      return ok({ folders: folderChoices(await (deps.folderPaths ?? (async () => []))(r.accountId), separator) });
    },
    async 'filters.list'(r) {
      return ok(deps.filters === undefined ? { serverUri: '', separator: '', filters: [] } : await deps.filters.list(r.accountId));
    },
    async 'filters.disable'(r) {
      if (deps.filters === undefined) return err(userError('internal', t('rulesFiltersUnavailable')));
      await deps.filters.disable(r.accountId, r.indexes, r.names);
      return ok({ disabled: r.indexes.length });
    },

    async 'console'(r) {
      // The raw console sends names as typed: it is the administrator's tool, unless locked off.
      if ((await policy(r.accountId)).consoleDisabled) return err(policyOff());
      // A name or argument the codec cannot send is an answer, not a rejected call.
      const executed = await execute(r.accountId, { module: r.module, args: r.args });
      if (!executed.ok) return err(commandInputError(t, executed.error));
      const result = executed.value;
      return ok({ result, error: result.ok ? null : executeFailureError(t, result, r.module) });
    },

    async 'policy.get'(r) {
      return ok(await policy(r.accountId ?? null));
    },
  };

  async function handle(message: unknown): Promise<BackgroundResponse> {
    if (!isBackgroundRequest(message)) return { ok: false, error: badRequestError(t) };
    const handler = handlers[message.type] as (request: typeof message) => Promise<Result<unknown, UserError>>;
    try {
      const result = await handler(message);
      return (result.ok ? { ok: true, value: result.value } : { ok: false, error: result.error }) as BackgroundResponse;
    } catch (e) {
      // send() rejects only for programmer errors (an unknown account, say); so does a bug here.
      return { ok: false, error: internalError(t, e) };
    }
  }

  return { handle };
}
