/**
 * Import into a block or allow list: paste entries or read a text file, one a line. Before
 * anything is sent it says how many lines are new, already in the list, or rejected (with the
 * line number and why). What could not be sent, and the rejected lines, stay in the box.
 */

import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { entryProblemMessage } from '../../src/messages/errors.js';
import { ActionButton } from '../shared/ActionButton.js';
import { readFileText } from '../shared/download.js';
import { analyzeImport, type BatchOutcome, type EntryLookup, type ImportAnalysis } from '../shared/entries.js';
import { formatNumber, t } from '../shared/i18n.js';
import type { StatusState } from '../shared/Status.js';

/** Rejected lines listed by name; the rest are counted. */
const SHOWN_REJECTED = 100;
/** Typing pauses this long before a big text is checked again. */
const ANALYZE_DELAY_MS = 150;

export interface ListImportProps {
  /** The list's entries (a lookup: the import leaves out what is already there). */
  readonly existing: EntryLookup;
  readonly busy: boolean;
  readonly blocked: boolean;
  /** `retry` runs the import again with what is then in the box (the entries not sent). */
  readonly onImport: (fresh: readonly string[], rejected: number, retry: () => void) => Promise<BatchOutcome | undefined>;
  readonly onError: (status: StatusState) => void;
}

export function ListImport({ existing, busy, blocked, onImport, onError }: ListImportProps) {
  const id = useId();
  const [text, setText] = useState('');
  const textRef = useRef(text);
  textRef.current = text;
  const existingRef = useRef(existing);
  existingRef.current = existing;
  const [analysis, setAnalysis] = useState<ImportAnalysis | null>(null);

  useEffect(() => {
    if (text.trim() === '') {
      setAnalysis(null);
      return undefined;
    }
    const timer = setTimeout(() => setAnalysis(analyzeImport(text, existing)), text.length < 10_000 ? 0 : ANALYZE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [text, existing]);

  async function readFile(input: HTMLInputElement) {
    const file = input.files?.[0];
    if (!file) return;
    try {
      const content = await readFileText(file);
      setText((current) => (current.trim() === '' ? content : `${current.replace(/\n*$/, '')}\n${content}`));
    } catch (e) {
      onError({ kind: 'error', text: t('importFileFailed', [file.name, e instanceof Error ? e.message : String(e)]) });
    } finally {
      input.value = '';
    }
  }

  async function submit() {
    // Checked again now: the shown analysis may be a keystroke old.
    const current = analyzeImport(textRef.current, existingRef.current);
    setAnalysis(current);
    if (current.fresh.length === 0) {
      onError({ kind: 'info', text: t('importNothingNew') });
      return;
    }
    const outcome = await onImport(current.fresh, current.rejected.length, () => void submit());
    if (outcome === undefined) return;
    // Keep what still needs the user: the rejected lines to fix, the entries not sent.
    const left = [...current.rejected.map((line) => line.text), ...outcome.rest];
    const next = left.length === 0 ? '' : left.join('\n') + '\n';
    textRef.current = next;
    setText(next);
  }

  const fresh = analysis?.fresh.length ?? 0;
  return (
    <details class="import">
      <summary>{t('importSummary')}</summary>
      <p class="hint" id={`${id}-hint`}>{t('importHint')}</p>
      <label for={`${id}-text`}>{t('importTextLabel')}</label>
      <textarea
        id={`${id}-text`}
        rows={8}
        spellcheck={false}
        value={text}
        aria-describedby={`${id}-hint ${id}-report`}
        onInput={(event) => setText(event.currentTarget.value)}
      />
      <div class="row">
        <label for={`${id}-file`}>{t('importFileLabel')}</label>
        <input id={`${id}-file`} type="file" accept=".txt,.csv,text/plain" onChange={(event) => void readFile(event.currentTarget)} />
      </div>
      <div id={`${id}-report`} class="import-report">
        {analysis && (
          <p>
            {t('importReport', [formatNumber(analysis.fresh.length), formatNumber(analysis.duplicates), formatNumber(analysis.rejected.length)])}
          </p>
        )}
      </div>
      {analysis && analysis.rejected.length > 0 && (
        <div class="rejected">
          <h4 id={`${id}-rejected`}>{t('importRejectedHeading')}</h4>
          <ul aria-labelledby={`${id}-rejected`}>
            {analysis.rejected.slice(0, SHOWN_REJECTED).map((line) => (
              <li key={line.line}>{t('importRejectedLine', [formatNumber(line.line), entryProblemMessage(t, line.problem, line.text.trim())])}</li>
            ))}
          </ul>
          {analysis.rejected.length > SHOWN_REJECTED && (
            <p>{t('importRejectedMore', [formatNumber(analysis.rejected.length - SHOWN_REJECTED)])}</p>
          )}
        </div>
      )}
      <div class="row">
        <ActionButton busy={busy} blocked={blocked || fresh === 0} busyLabel={t('importBusy')} onClick={() => void submit()}>
          {t('importButton', [formatNumber(fresh)])}
        </ActionButton>
        <button type="button" onClick={() => setText('')} disabled={text === '' || busy}>
          {t('importClear')}
        </button>
      </div>
    </details>
  );
}
