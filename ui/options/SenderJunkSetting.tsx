/**
 * Whether Thunderbird's own junk mark also blocks the senders on the server (issue 11): ask each
 * time (the default), always, or never. Kept in storage.local, where the background reads it
 * when a message is marked (src/background/sender-actions.ts); nothing is sent without it.
 */

import { useId, useState } from 'preact/hooks';
import { JUNK_OPT_IN_KEY, readJunkOptIn, type JunkOptIn } from '../../src/modules/sender.js';
import { t, type MessageKey } from '../shared/i18n.js';
import { Status, type StatusState } from '../shared/Status.js';
import { useStoredSetting } from '../shared/useStoredSetting.js';

const CHOICES: readonly { readonly value: JunkOptIn; readonly label: MessageKey }[] = [
  { value: 'ask', label: 'senderJunkAsk' },
  { value: 'always', label: 'senderJunkAlways' },
  { value: 'never', label: 'senderJunkNever' },
];

export function SenderJunkSetting() {
  const id = useId();
  const [value, store] = useStoredSetting<JunkOptIn>(JUNK_OPT_IN_KEY, readJunkOptIn, 'ask');
  const [status, setStatus] = useState<StatusState | null>(null);

  async function choose(next: JunkOptIn) {
    try {
      await store(next);
      setStatus(null);
    } catch (e) {
      setStatus({ kind: 'error', text: t('advancedSaveFailed', [e instanceof Error ? e.message : String(e)]) });
    }
  }

  return (
    <fieldset class="field sender-junk">
      <legend>{t('senderJunkSetting')}</legend>
      {CHOICES.map((choice) => (
        <label class="checkbox" key={choice.value}>
          <input type="radio" name={`${id}-junk`} value={choice.value} checked={value === choice.value} onChange={() => void choose(choice.value)} />
          {t(choice.label)}
        </label>
      ))}
      <Status status={status} />
    </fieldset>
  );
}
