/**
 * The raw console, for administrators: run any module with any arguments and see exactly what
 * came back (the lines, the code, the message). Shown only when enabled under Advanced.
 */

import { useId, useState } from 'preact/hooks';
import type { ConsoleResult } from '../../src/messages/messages.js';
import { bytesToHex } from '../../src/protocol/bytes.js';
import type { OutputLine } from '../../src/protocol/data-line.js';
import { ActionButton } from '../shared/ActionButton.js';
import { Field } from '../shared/Field.js';
import { ask } from '../shared/api.js';
import { formatNumber, t } from '../shared/i18n.js';
import { errorStatus, Status, type StatusState } from '../shared/Status.js';
import { useAction } from '../shared/useAction.js';

interface Run {
  readonly n: number;
  readonly module: string;
  readonly args: readonly string[];
  readonly result: ConsoleResult;
}

/** One argument a line; a last empty line (the Enter after the last argument) is not one. */
export function parseArguments(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r\n|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** "OK", or the code as the server writes it: "XEXEC-EXIT 2", "timeout". */
export function codeText(result: ConsoleResult['result']): string {
  if (result.ok) return 'OK';
  return result.detail === null ? result.code : `${result.code} ${result.detail}`;
}

/** A command line to show: arguments with spaces or quotes are quoted. */
function commandLine(module: string, args: readonly string[]): string {
  const show = (arg: string) => (arg === '' || /[\s"\\]/.test(arg) ? JSON.stringify(arg) : arg);
  return [module, ...args.map(show)].join(' ');
}

function Line({ line }: { line: OutputLine }) {
  if (typeof line === 'string') return <li>{line === '' ? <span class="placeholder">{t('consoleEmptyLine')}</span> : line}</li>;
  return <li class="binary">{t('consoleBinaryLine', [formatNumber(line.length), bytesToHex(line)])}</li>;
}

export function ConsolePanel({ accountId, modules }: { accountId: string; modules: readonly string[] }) {
  const id = useId();
  const [module, setModule] = useState(modules[0] ?? '.modules');
  const [argsText, setArgsText] = useState('');
  const [runs, setRuns] = useState<Run[]>([]);
  const [fieldError, setFieldError] = useState<{ field: 'module' | 'args'; message: string } | null>(null);
  const [status, setStatus] = useState<StatusState | null>(null);
  const action = useAction<'run'>();

  async function run() {
    const name = module.trim();
    const args = parseArguments(argsText);
    if (name === '') {
      setFieldError({ field: 'module', message: t('consoleModuleEmpty') });
      return;
    }
    setFieldError(null);
    await action.run('run', async () => {
      setStatus({ kind: 'busy', text: t('consoleRunning', [name]) });
      const response = await ask({ type: 'console', accountId, module: name, args });
      if (!response.ok) {
        const error = response.error;
        if (error.kind === 'input') setFieldError({ field: error.field === 'module' ? 'module' : 'args', message: error.message });
        setStatus(errorStatus(error, () => void run()));
        return;
      }
      const result = response.value;
      setRuns((previous) => [{ n: (previous[0]?.n ?? 0) + 1, module: name, args, result }, ...previous]);
      const text = t('consoleDone', [name, codeText(result.result), formatNumber(result.result.lines.length)]);
      setStatus(result.error === null ? { kind: result.result.ok ? 'success' : 'error', text } : errorStatus(result.error, () => void run(), text));
    });
  }

  return (
    <div class="panel-body console-panel">
      <p class="panel-intro">{t('consoleIntro')}</p>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void run();
        }}
      >
        <Field id={`${id}-module`} label={t('consoleModuleLabel')} error={fieldError?.field === 'module' ? fieldError.message : null}>
          {(control) => (
            <>
              <input
                {...control}
                type="text"
                list={`${id}-modules`}
                class="mono"
                autoComplete="off"
                spellcheck={false}
                value={module}
                onInput={(event) => setModule(event.currentTarget.value)}
              />
              <datalist id={`${id}-modules`}>
                {['.modules', ...modules].map((name) => <option key={name} value={name} />)}
              </datalist>
            </>
          )}
        </Field>
        <Field id={`${id}-args`} label={t('consoleArgsLabel')} error={fieldError?.field === 'args' ? fieldError.message : null} hint={t('consoleArgsHint')}>
          {(control) => (
            <textarea
              {...control}
              rows={4}
              class="mono"
              spellcheck={false}
              value={argsText}
              onInput={(event) => setArgsText(event.currentTarget.value)}
              onKeyDown={(event) => {
                if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
                  event.preventDefault();
                  void run();
                }
              }}
            />
          )}
        </Field>
        <div class="buttons">
          <ActionButton type="submit" busy={action.busy === 'run'} blocked={action.busy !== null} busyLabel={t('consoleRunBusy')}>
            {t('consoleRunButton')}
          </ActionButton>
          <button type="button" disabled={runs.length === 0} onClick={() => setRuns([])}>
            {t('consoleClear')}
          </button>
        </div>
      </form>
      <Status status={status} />

      <section class="console-log" aria-labelledby={`${id}-log`}>
        <h3 id={`${id}-log`}>{t('consoleLogHeading')}</h3>
        {runs.length === 0 && <p class="empty">{t('consoleLogEmpty')}</p>}
        {runs.map((entry) => (
          <article key={entry.n} class={entry.result.result.ok ? 'run ok' : 'run failed'} aria-labelledby={`${id}-run-${entry.n}`}>
            <h4 id={`${id}-run-${entry.n}`} class="mono">{commandLine(entry.module, entry.args)}</h4>
            <dl>
              <dt>{t('consoleCode')}</dt>
              <dd class="mono">{codeText(entry.result.result)}</dd>
              {!entry.result.result.ok && (
                <>
                  <dt>{t('consoleMessage')}</dt>
                  <dd>{entry.result.result.message}</dd>
                </>
              )}
              {entry.result.error !== null && (
                <>
                  <dt>{t('consoleMeaning')}</dt>
                  <dd>{entry.result.error.message}</dd>
                </>
              )}
              <dt>{t('consoleLines', [formatNumber(entry.result.result.lines.length)])}</dt>
              <dd>
                <ol class="lines mono">
                  {entry.result.result.lines.map((line, i) => <Line key={i} line={line} />)}
                </ol>
              </dd>
            </dl>
          </article>
        ))}
      </section>
    </div>
  );
}
