/**
 * The result of "Block sender" and its kin (src/background/sender-actions.ts), in a small
 * window: what the server's list got, where the messages went, and Undo. Also Thunderbird's
 * junk mark's question, "Also block these senders on the server?". The background keeps the
 * record; this page shows it and sends Undo or the answer back (`sender.*` messages).
 */

import { render } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import type { SenderAnswer } from '../../src/messages/sender.js';
import { ActionButton } from '../shared/ActionButton.js';
import { t, uiLanguage } from '../shared/i18n.js';
import { Status, type StatusState } from '../shared/Status.js';

type Answer = SenderAnswer;

const id = new URLSearchParams(location.search).get('id') ?? '';

async function send(message: Record<string, unknown>): Promise<Answer> {
  try {
    return (await browser.runtime.sendMessage({ ...message, id })) as Answer;
  } catch (e) {
    return { ok: false, lines: [t('uiBackgroundUnreachable', [e instanceof Error ? e.message : String(e)])] };
  }
}

function statusOf(ok: boolean, lines: readonly string[]): StatusState {
  return { kind: ok ? 'success' : 'error', text: lines[0] ?? '', details: lines.slice(1) };
}

function Result() {
  const [status, setStatus] = useState<StatusState | null>(null);
  const [undoable, setUndoable] = useState(false);
  const [question, setQuestion] = useState(false);
  const [remember, setRemember] = useState(false);
  const [busy, setBusy] = useState(false);
  const main = useRef<HTMLDivElement>(null);

  // The window opens from a menu or a key: put the keyboard on its first button (Undo, or Close).
  // Not on a question's answer, where a stray Enter would send what the user did not choose.
  useEffect(() => {
    if (status !== null && !busy && !question) main.current?.querySelector('button')?.focus();
  }, [status, busy, question]);

  useEffect(() => {
    void send({ type: 'sender.record' }).then((answer) => {
      const record = answer.record;
      if (!answer.ok || record === undefined) return setStatus(statusOf(false, answer.lines));
      const asking = record.question !== undefined && record.undone !== true;
      setQuestion(asking);
      setUndoable(answer.canUndo === true);
      setStatus(asking ? { kind: 'info', text: record.lines[0] ?? '' } : statusOf(!record.failed, record.lines));
    });
  }, []);

  async function run(message: Record<string, unknown>): Promise<void> {
    setBusy(true);
    const answer = await send(message);
    setBusy(false);
    setQuestion(false);
    setUndoable(answer.canUndo === true);
    setStatus(answer.lines.length === 0 ? null : statusOf(answer.ok, answer.lines));
    if (answer.lines.length === 0) window.close();
  }

  return (
    <div ref={main}>
      <h1>{t('senderResultTitle')}</h1>
      <Status status={status} />
      {question && (
        <>
          <label class="row">
            <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.currentTarget.checked)} />
            {t('senderJunkRemember')}
          </label>
          <div class="buttons">
            <ActionButton busy={busy} busyLabel={t('senderWorking')} onClick={() => void run({ type: 'sender.junkAnswer', block: true, remember })}>
              {t('senderJunkYes')}
            </ActionButton>
            <button type="button" onClick={() => void run({ type: 'sender.junkAnswer', block: false, remember })}>
              {t('senderJunkNo')}
            </button>
          </div>
        </>
      )}
      <div class="buttons">
        {undoable && (
          <ActionButton busy={busy} busyLabel={t('senderWorking')} onClick={() => void run({ type: 'sender.undo' })}>
            {t('uiUndo')}
          </ActionButton>
        )}
        <button type="button" onClick={() => window.close()}>
          {t('senderClose')}
        </button>
      </div>
    </div>
  );
}

document.documentElement.lang = uiLanguage();
document.title = t('senderResultTitle');
const root = document.getElementById('app');
if (root) render(<Result />, root);
