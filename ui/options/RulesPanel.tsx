/**
 * Server rules (PROTOCOL.md §6.7, issue 12): the ordered list (RuleList), the editor
 * (RuleEditor) with folders from Thunderbird's own tree of the account, and moving
 * Thunderbird's filters to the server (FilterImport). Every change answers the whole list as
 * the server has it then, which the panel shows; a failed change keeps the editor's text.
 */

import type { VNode } from 'preact';
import { useState } from 'preact/hooks';
import type { FolderChoice } from '../../src/modules/folder-names.js';
import { draftOf as storedDraft, type Rule, type RuleDraft, type RulesState } from '../../src/modules/rules.js';
import { ActionButton } from '../shared/ActionButton.js';
import { ask } from '../shared/api.js';
import { formatNumber, t } from '../shared/i18n.js';
import { LoadFailed, Loading } from '../shared/LoadFailed.js';
import { errorStatus, Status, type StatusState } from '../shared/Status.js';
import { useAction } from '../shared/useAction.js';
import { useLoad } from '../shared/useLoad.js';
import { FilterImport } from './FilterImport.js';
import { emptyForm, formOf, type RuleForm } from './rule-form.js';
import { RuleEditor } from './RuleEditor.js';
import { RuleList } from './RuleList.js';

export interface RulesPanelProps {
  readonly accountId: string;
}

type Editing = { readonly id: number | null; readonly form: RuleForm } | null;

/**
 * The new list with each rule the server did not change kept as the object shown before, so
 * only changed rules render again (RuleItem); a rule's identity is its id and its content.
 */
export function keepUnchanged(before: readonly Rule[], after: RulesState): RulesState {
  const old = new Map(before.map((rule) => [rule.id, rule]));
  const rules = after.rules.map((rule) => {
    const previous = old.get(rule.id);
    return previous !== undefined && JSON.stringify(previous) === JSON.stringify(rule) ? previous : rule;
  });
  return { ...after, rules };
}

/**
 * The account's folders for the editor's folder choices, read from Thunderbird when an editor
 * opens (not with the list: the list shows sooner). The editor shows at once, its folder choices
 * saying they are being read until they are; a failed read says so with Retry.
 */
function FolderTree({ accountId, children }: { readonly accountId: string; readonly children: (folders: readonly FolderChoice[] | null) => VNode }) {
  const folders = useLoad(() => ask({ type: 'folders.list', accountId }));
  return (
    <>
      {folders.loaded.state === 'failed' && <LoadFailed error={folders.loaded.error} onRetry={folders.reload} />}
      {children(folders.loaded.state === 'ready' ? folders.loaded.value.folders : folders.loaded.state === 'loading' ? null : [])}
    </>
  );
}

export function RulesPanel({ accountId }: RulesPanelProps) {
  const { loaded, reload, setValue } = useLoad(() => ask({ type: 'rules.list', accountId }));
  const [editing, setEditing] = useState<Editing>(null);
  const [status, setStatus] = useState<StatusState | null>(null);
  const action = useAction<string>();

  if (loaded.state === 'loading') return <Loading />;
  if (loaded.state === 'failed') return <LoadFailed error={loaded.error} onRetry={reload} />;
  const state = loaded.value;
  const show = (next: RulesState) => setValue(keepUnchanged(state.rules, next));

  /** Runs one change; the answer is the new list. */
  async function change(
    name: string,
    busyText: string,
    request: () => ReturnType<typeof ask<'rules.list'>>,
    done: (s: RulesState) => string,
    undo?: () => void,
  ): Promise<boolean> {
    const result = await action.run(name, async () => {
      setStatus({ kind: 'busy', text: busyText });
      const response = await request();
      if (!response.ok) {
        setStatus(errorStatus(response.error, () => void change(name, busyText, request, done, undo), t('rulesChangeFailed', [response.error.message])));
        return false;
      }
      show(response.value);
      setStatus({ kind: 'success', text: done(response.value), undo });
      return true;
    });
    return result === true;
  }

  const toggle = (rule: Rule) => void change('toggle', t('rulesSaving'), () => ask({ type: rule.enabled ? 'rules.disable' : 'rules.enable', accountId, id: rule.id }),
    () => t(rule.enabled ? 'rulesTurnedOff' : 'rulesTurnedOn', [rule.name]));
  // Deleting is at once, with Undo (as the lists' removals): the rule comes back at its place,
  // under a new id (ids are never given twice, PROTOCOL.md §6.7).
  const remove = (rule: Rule) => {
    const position = state.rules.findIndex((r) => r.id === rule.id) + 1;
    const restore = () => void change('undo', t('rulesSaving'), async () => {
      const added = await ask({ type: 'rules.add', accountId, rule: storedDraft(rule) });
      if (!added.ok || added.value.added === null || position >= added.value.rules.length) return added;
      return ask({ type: 'rules.move', accountId, id: added.value.added, to: position });
    }, () => t('rulesRestored', [rule.name]));
    void change('delete', t('rulesDeleting'), () => ask({ type: 'rules.delete', accountId, id: rule.id }), () => t('rulesDeleted', [rule.name]), restore);
  };
  const move = (rule: Rule, to: 'up' | 'down' | number) => void change('move', t('rulesMoving'), () => ask({ type: 'rules.move', accountId, id: rule.id, to }),
    (s) => t('rulesMoved', [rule.name, formatNumber(s.rules.findIndex((r) => r.id === rule.id) + 1)]));

  async function save(rule: RuleDraft) {
    const id = editing?.id ?? null;
    const saved = await change('save', t('rulesSaving'),
      () => (id === null ? ask({ type: 'rules.add', accountId, rule }) : ask({ type: 'rules.replace', accountId, id, rule })),
      () => t(id === null ? 'rulesAdded' : 'rulesSaved', [rule.name.trim()]));
    if (saved) setEditing(null);
  }

  async function check(rule: RuleDraft) {
    await action.run('check', async () => {
      setStatus({ kind: 'busy', text: t('rulesChecking') });
      const response = await ask({ type: 'rules.check', accountId, rule });
      setStatus(response.ok ? { kind: 'success', text: t('rulesCheckOk') } : errorStatus(response.error, () => void check(rule), t('rulesCheckFailed', [response.error.message])));
    });
  }

  const full = state.maxRules !== null && state.rules.length >= state.maxRules;
  return (
    <div class="panel-body rules-panel">
      <p class="panel-intro">{t('rulesIntro')}</p>
      <p class="state" data-testid="rules-state">
        {state.maxRules === null
          ? t('rulesCount', [formatNumber(state.rules.length)])
          : t('rulesCountOf', [formatNumber(state.rules.length), formatNumber(state.maxRules)])}
      </p>
      {editing === null ? (
        <>
          <RuleList
            rules={state.rules}
            blocked={action.busy !== null}
            onToggle={toggle}
            onEdit={(rule) => setEditing({ id: rule.id, form: formOf(storedDraft(rule)) })}
            onDelete={remove}
            onMove={move}
          />
          <div class="buttons">
            <ActionButton busy={false} blocked={action.busy !== null || full} busyLabel={t('rulesAddNew')} onClick={() => setEditing({ id: null, form: emptyForm() })}>
              {t('rulesAddNew')}
            </ActionButton>
          </div>
          {full && <p class="hint">{t('rulesFull')}</p>}
        </>
      ) : (
        <>
          <FolderTree accountId={accountId}>
            {(folders) => (
              <RuleEditor
                key={editing.id ?? 'new'}
                initial={editing.form}
                existing={editing.id !== null}
                abilities={state.abilities}
                folders={folders}
                busy={action.busy}
                onSave={save}
                onCheck={check}
                onCancel={() => setEditing(null)}
              />
            )}
          </FolderTree>
        </>
      )}
      <Status status={status} />
      {editing === null && <FilterImport accountId={accountId} abilities={state.abilities} action={action} onState={show} setStatus={setStatus} />}
    </div>
  );
}
