/**
 * The block list and the allow list (PROTOCOL.md §6.1): the entries with their count, a filter
 * that keeps up with typing, add one, remove any number (with Undo), import from pasted text
 * or a file, export to a file. Changes of many entries go in batches that keep each IMAP line
 * under ~60 kB; the list on screen follows what the server answered for each batch. Stop ends
 * a run between batches: every batch sent is answered, so the list stays what the server has.
 */

import { useEffect, useId, useMemo, useRef, useState } from 'preact/hooks';
import { entryProblemMessage } from '../../src/messages/errors.js';
import { splitEntries, type ListName } from '../../src/messages/messages.js';
import { normalizeEntry } from '../../src/modules/address.js';
import type { EntryChange } from '../../src/modules/lists.js';
import { ActionButton } from '../shared/ActionButton.js';
import { Field } from '../shared/Field.js';
import { ask } from '../shared/api.js';
import { downloadText } from '../shared/download.js';
import { batchEntries, exportText, mergeSorted, removeEntries, sortedHas, type BatchOutcome, type EntryLookup } from '../shared/entries.js';
import { formatNumber, t, type MessageKey } from '../shared/i18n.js';
import { LoadFailed, Loading } from '../shared/LoadFailed.js';
import { errorStatus, Status, type StatusState } from '../shared/Status.js';
import { useAction } from '../shared/useAction.js';
import { useFilter } from '../shared/useFilter.js';
import { useLoad } from '../shared/useLoad.js';
import { VirtualListbox } from '../shared/VirtualListbox.js';
import { ListImport } from './ListImport.js';

interface ListTexts {
  readonly description: MessageKey;
  readonly listLabel: MessageKey;
  readonly empty: MessageKey;
  readonly duplicate: MessageKey;
}

const TEXTS: Readonly<Record<ListName, ListTexts>> = {
  blacklist: { description: 'blacklistDescription', listLabel: 'blacklistLabel', empty: 'blacklistEmpty', duplicate: 'blacklistDuplicate' },
  whitelist: { description: 'whitelistDescription', listLabel: 'whitelistLabel', empty: 'whitelistEmpty', duplicate: 'whitelistDuplicate' },
};

type ActionName = 'add' | 'remove' | 'import' | 'undo';

interface Progress {
  readonly label: string;
  readonly done: number;
  readonly total: number;
}

const EMPTY: readonly string[] = [];

/** A failed change whose list could not be read again: the page says its list may be stale. */
function notInStep(inStep: boolean): Pick<StatusState, 'details'> {
  return inStep ? {} : { details: [t('listNotReread')] };
}

export function ListPanel({ accountId, list }: { accountId: string; list: ListName }) {
  const texts = TEXTS[list];
  const id = useId();
  const { loaded, reload, refresh, setValue } = useLoad(async () => {
    const response = await ask({ type: 'list.show', accountId, list });
    return response.ok ? { ok: true, value: { entries: splitEntries(response.value.entries) } } as const : response;
  });
  const entries = loaded.state === 'ready' ? loaded.value.entries : EMPTY;
  const entriesRef = useRef(entries);
  entriesRef.current = entries;
  const update = (change: (current: readonly string[]) => string[]) => setValue({ entries: change(entriesRef.current) });

  const action = useAction<ActionName>();
  const [status, setStatus] = useState<StatusState | null>(null);
  const [progress, setProgress] = useState<Progress | null>(null);
  /** Stop asked for: the run of batches ends before its next batch (read there, so a ref). */
  const stopRef = useRef(false);
  const [stopping, setStopping] = useState(false);
  const [draft, setDraft] = useState('');
  const [draftError, setDraftError] = useState<string | null>(null);
  const [query, setQuery] = useState('');
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const filtered = useFilter(entries, query);
  const addInput = useRef<HTMLInputElement>(null);
  const selectAll = useRef<HTMLInputElement>(null);

  // Only what is shown can be selected: a filter change drops the hidden rows from the selection.
  // (Checked when the shown rows change, not on every click: that would cost a pass over them.)
  useEffect(() => {
    if (filtered.pending) return;
    setSelected((current) => {
      if (current.size === 0) return current;
      const shown = new Set(filtered.items);
      for (const entry of current) {
        if (!shown.has(entry)) return new Set([...current].filter((e) => shown.has(e)));
      }
      return current;
    });
  }, [filtered.items, filtered.pending]);

  const allShownSelected = filtered.items.length > 0 && selected.size >= filtered.items.length;
  useEffect(() => {
    if (selectAll.current) selectAll.current.indeterminate = selected.size > 0 && !allShownSelected;
  }, [selected, allShownSelected]);

  /** Sends `entries` in batches; the list follows each batch's answer. */
  async function sendBatches(verb: 'add' | 'del', all: readonly string[], label: string): Promise<BatchOutcome> {
    const batches = batchEntries(all);
    const changed: string[] = [];
    let done = 0;
    stopRef.current = false;
    setStopping(false);
    if (batches.length > 1) setProgress({ label, done: 0, total: all.length });
    try {
      for (let b = 0; b < batches.length; b++) {
        // Between batches only: a batch sent is answered, so the list stays what the server has.
        if (stopRef.current) return { changed, rest: batches.slice(b).flat(), error: null, cancelled: true, listInStep: true };
        const batch = batches[b] as string[];
        const response = verb === 'add'
          ? await ask({ type: 'list.add', accountId, list, entries: batch })
          : await ask({ type: 'list.del', accountId, list, entries: batch });
        if (!response.ok) {
          // A timeout or a dropped connection may come after the module changed the list.
          const listInStep = await refresh();
          return { changed, rest: batches.slice(b).flat(), error: response.error, cancelled: false, listInStep };
        }
        const changes: readonly EntryChange[] = response.value.changes;
        // added/exists: the server has it now; removed/absent: it has not.
        const now = changes.map((change) => change.entry);
        if (verb === 'add') update((current) => mergeSorted(current, now));
        else update((current) => removeEntries(current, new Set(now)));
        changed.push(...changes.filter((c) => c.outcome === 'added' || c.outcome === 'removed').map((c) => c.entry));
        done += batch.length;
        if (batches.length > 1) setProgress({ label, done, total: all.length });
      }
      return { changed, rest: [], error: null, cancelled: false, listInStep: true };
    } finally {
      setProgress(null);
      setStopping(false);
    }
  }

  async function add() {
    const raw = draft;
    const entry = normalizeEntry(raw);
    if (!entry.ok) {
      setDraftError(entryProblemMessage(t, entry.error, raw.trim()));
      addInput.current?.focus();
      return;
    }
    if (sortedHas(entriesRef.current, entry.value)) {
      setDraftError(t(texts.duplicate, [entry.value]));
      addInput.current?.focus();
      return;
    }
    setDraftError(null);
    await action.run('add', async () => {
      setStatus({ kind: 'busy', text: t('listAdding', [entry.value]) });
      const response = await ask({ type: 'list.add', accountId, list, entries: [entry.value] });
      if (!response.ok) {
        if (response.error.kind === 'input') setDraftError(response.error.message);
        const inStep = response.error.kind === 'input' || await refresh();
        setStatus({ ...errorStatus(response.error, () => void add()), ...notInStep(inStep) });
        return;
      }
      update((current) => mergeSorted(current, response.value.changes.map((c) => c.entry)));
      const added = response.value.changes.some((c) => c.outcome === 'added');
      setStatus({ kind: added ? 'success' : 'info', text: t(added ? 'listAdded' : 'listAlreadyThere', [entry.value]) });
      // Only clear what was sent: the user may have typed on while it was sent.
      setDraft((current) => (current === raw ? '' : current));
    });
  }

  async function remove(entriesToRemove: readonly string[]) {
    if (entriesToRemove.length === 0) {
      setStatus({ kind: 'info', text: t('listNothingSelected') });
      return;
    }
    await action.run('remove', async () => {
      setStatus({ kind: 'busy', text: t('listRemoving', [formatNumber(entriesToRemove.length)]) });
      const outcome = await sendBatches('del', entriesToRemove, t('listRemovingProgress'));
      const gone = new Set(outcome.changed);
      setSelected((current) => new Set([...current].filter((entry) => !gone.has(entry))));
      const undo = outcome.changed.length > 0 ? () => void restore(outcome.changed) : undefined;
      if (outcome.error !== null) {
        setStatus({
          ...errorStatus(outcome.error, () => void remove(outcome.rest), t('listRemoveStopped', [outcome.error.message, formatNumber(outcome.changed.length)])),
          ...notInStep(outcome.listInStep),
          undo,
        });
        return;
      }
      if (outcome.cancelled) {
        setStatus({ kind: 'warning', text: t('listRemoveCancelled', [formatNumber(outcome.changed.length), formatNumber(outcome.rest.length)]), undo });
        return;
      }
      const text = entriesToRemove.length === 1 && outcome.changed.length === 1
        ? t('listRemovedOne', [outcome.changed[0] as string])
        : t('listRemoved', [formatNumber(outcome.changed.length)]);
      setStatus({ kind: 'success', text, undo });
    });
  }

  async function restore(removed: readonly string[]) {
    await action.run('undo', async () => {
      setStatus({ kind: 'busy', text: t('listRestoring') });
      const outcome = await sendBatches('add', removed, t('listRestoringProgress'));
      if (outcome.error !== null) {
        setStatus({
          ...errorStatus(outcome.error, () => void restore(outcome.rest), t('listRestoreStopped', [outcome.error.message])),
          ...notInStep(outcome.listInStep),
        });
        return;
      }
      if (outcome.cancelled) {
        setStatus({ kind: 'warning', text: t('listRestoreCancelled', [formatNumber(outcome.changed.length), formatNumber(outcome.rest.length)]) });
        return;
      }
      setStatus({ kind: 'success', text: t('listRestored', [formatNumber(removed.length)]) });
    });
  }

  /** For ListImport: adds the new entries in batches; resolves with what was not sent. */
  async function importEntries(fresh: readonly string[], rejected: number, retry: () => void): Promise<BatchOutcome | undefined> {
    return action.run('import', async () => {
      setStatus({ kind: 'busy', text: t('listImporting', [formatNumber(fresh.length)]) });
      const outcome = await sendBatches('add', fresh, t('listImportingProgress'));
      if (outcome.error !== null) {
        setStatus({
          ...errorStatus(
            outcome.error,
            retry,
            t('listImportStopped', [outcome.error.message, formatNumber(outcome.changed.length), formatNumber(outcome.rest.length)]),
          ),
          ...notInStep(outcome.listInStep),
        });
        return outcome;
      }
      if (outcome.cancelled) {
        setStatus({ kind: 'warning', text: t('listImportCancelled', [formatNumber(outcome.changed.length), formatNumber(outcome.rest.length)]) });
        return outcome;
      }
      const details = rejected > 0 ? [t('listImportRejectedKept', [formatNumber(rejected)])] : undefined;
      setStatus({ kind: rejected > 0 ? 'warning' : 'success', text: t('listImported', [formatNumber(outcome.changed.length)]), details });
      return outcome;
    });
  }

  function exportList() {
    downloadText(`${list}.txt`, exportText(entriesRef.current));
    setStatus({ kind: 'success', text: t('listExported', [formatNumber(entriesRef.current.length), `${list}.txt`]) });
  }

  // For the import's check: a lookup in the sorted list, not a Set of 100,000 entries built on every change.
  const existing = useMemo<EntryLookup>(() => ({ has: (entry) => sortedHas(entries, entry) }), [entries]);

  if (loaded.state === 'loading') return <Loading text={t('listLoading')} />;
  if (loaded.state === 'failed') return <LoadFailed error={loaded.error} onRetry={reload} />;

  const busy = action.busy;
  const countId = `${id}-count`;
  const filtering = query.trim() !== '';
  return (
    <div class="panel-body list-panel">
      <p class="panel-intro">{t(texts.description)}</p>

      <form
        class="add-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void add();
        }}
      >
        {/* The hint gives way to the error: one line under the field either way. */}
        <Field id={`${id}-add`} label={t('listAddLabel')} error={draftError} hint={draftError === null ? t('listAddHint') : undefined}>
          {(control) => (
            <div class="row">
              <input
                {...control}
                ref={addInput}
                type="text"
                inputMode="email"
                autoComplete="off"
                spellcheck={false}
                placeholder={t('listAddPlaceholder')}
                value={draft}
                onInput={(event) => {
                  setDraft(event.currentTarget.value);
                  setDraftError(null);
                }}
              />
              <ActionButton type="submit" busy={busy === 'add'} blocked={busy !== null} busyLabel={t('listAddBusy')}>
                {t('listAddButton')}
              </ActionButton>
            </div>
          )}
        </Field>
      </form>

      <div class="list-toolbar">
        <label class="filter">
          <span>{t('listFilterLabel')}</span>
          <input type="search" value={query} autoComplete="off" spellcheck={false} aria-controls={`${id}-list`} onInput={(e) => setQuery(e.currentTarget.value)} />
        </label>
        <p id={countId} class="count">
          {filtering
            ? t('listCountFiltered', [formatNumber(filtered.items.length), formatNumber(entries.length)])
            : t('listCount', [formatNumber(entries.length)])}
          {filtered.pending && <span class="pending"> {t('listFiltering')}</span>}
          {selected.size > 0 && <span> · {t('listSelectedCount', [formatNumber(selected.size)])}</span>}
        </p>
      </div>

      <div class="list-actions">
        <label class="select-all">
          <input
            ref={selectAll}
            type="checkbox"
            checked={allShownSelected}
            disabled={filtered.items.length === 0}
            onChange={() => setSelected(allShownSelected ? new Set() : new Set(filtered.items))}
          />
          {t('listSelectAll')}
        </label>
        <ActionButton
          busy={busy === 'remove'}
          blocked={busy !== null || selected.size === 0}
          busyLabel={t('listRemoveBusy')}
          onClick={() => void remove(filtered.items.filter((entry) => selected.has(entry)))}
        >
          {t('listRemoveButton', [formatNumber(selected.size)])}
        </ActionButton>
        <button type="button" onClick={exportList} disabled={entries.length === 0}>
          {t('listExportButton')}
        </button>
      </div>

      {entries.length === 0
        ? <p class="empty">{t(texts.empty)}</p>
        : filtered.items.length === 0 && !filtered.pending
          ? <p class="empty">{t('listNoMatch', [query.trim()])}</p>
          : (
            <VirtualListbox
              id={`${id}-list`}
              items={filtered.items}
              sizeRows={entries.length}
              selected={selected}
              onSelectionChange={setSelected}
              label={t(texts.listLabel)}
              describedBy={`${countId} ${id}-keys`}
              onDelete={() => {
                if (selected.size > 0) void remove(filtered.items.filter((entry) => selected.has(entry)));
              }}
            />
          )}
      <p id={`${id}-keys`} class="hint">{t('listKeysHint')}</p>

      {progress && (
        <p class="progress">
          <label>
            {progress.label}
            <progress max={progress.total} value={progress.done} />
          </label>
          <span>{t('listProgress', [formatNumber(progress.done), formatNumber(progress.total)])}</span>
          <button
            type="button"
            aria-disabled={stopping ? 'true' : undefined}
            onClick={() => {
              stopRef.current = true;
              setStopping(true);
            }}
          >
            {stopping ? t('listStopping') : t('listStop')}
          </button>
        </p>
      )}
      <Status status={status} />

      <ListImport existing={existing} busy={busy === 'import'} blocked={busy !== null} onImport={importEntries} onError={setStatus} />
    </div>
  );
}
