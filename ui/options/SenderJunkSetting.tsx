/**
 * Whether Thunderbird's own junk mark also blocks the senders on the server (issue 11): ask each
 * time (the default), always, or never. Kept in storage.local, where the background reads it
 * when a message is marked (src/background/sender-actions.ts); nothing is sent without it.
 */

import { useEffect, useId, useRef, useState } from 'preact/hooks';
import browser from 'webextension-polyfill';
import { JUNK_OPT_IN_KEY, readJunkOptIn, type JunkOptIn } from '../../src/modules/sender.js';
import { t, type MessageKey } from '../shared/i18n.js';
import { Status, type StatusState } from '../shared/Status.js';

const CHOICES: readonly { readonly value: JunkOptIn; readonly label: MessageKey }[] = [
  { value: 'ask', label: 'senderJunkAsk' },
  { value: 'always', label: 'senderJunkAlways' },
  { value: 'never', label: 'senderJunkNever' },
];

export function SenderJunkSetting() {
  const id = useId();
  const [value, setValue] = useState<JunkOptIn>('ask');
  const [status, setStatus] = useState<StatusState | null>(null);
  /** A choice made before the stored value arrived wins over it. */
  const chosen = useRef(false);

  useEffect(() => {
    void browser.storage.local.get(JUNK_OPT_IN_KEY).then((stored) => {
      if (!chosen.current) setValue(readJunkOptIn(stored[JUNK_OPT_IN_KEY]));
    }, () => undefined);
  }, []);

  async function choose(next: JunkOptIn) {
    chosen.current = true;
    const before = value;
    setValue(next);
    try {
      await browser.storage.local.set({ [JUNK_OPT_IN_KEY]: next });
      setStatus(null);
    } catch (e) {
      setValue(before);
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
