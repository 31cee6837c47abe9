/** The add-on's own settings: for now, whether the raw console is shown. */

import { useId, useState } from 'preact/hooks';
import { t } from '../shared/i18n.js';
import { Status, type StatusState } from '../shared/Status.js';
import { SenderJunkSetting } from './SenderJunkSetting.js';

export interface AdvancedProps {
  readonly consoleEnabled: boolean;
  /** Shows and stores the choice (useStoredSetting's `choose`): rejects when it cannot be stored. */
  readonly onConsoleChange: (enabled: boolean) => Promise<void>;
  /** The administrator's policy locks the console off. */
  readonly consoleLocked?: boolean;
}

export function Advanced({ consoleEnabled, onConsoleChange, consoleLocked = false }: AdvancedProps) {
  const id = useId();
  const [status, setStatus] = useState<StatusState | null>(null);

  async function setConsole(enabled: boolean) {
    try {
      await onConsoleChange(enabled);
      setStatus({ kind: 'success', text: t(enabled ? 'advancedConsoleOn' : 'advancedConsoleOff') });
    } catch (e) {
      setStatus({ kind: 'error', text: t('advancedSaveFailed', [e instanceof Error ? e.message : String(e)]) });
    }
  }

  return (
    <section class="advanced" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('advancedHeading')}</h2>
      <label class="checkbox">
        <input
          type="checkbox"
          checked={consoleEnabled && !consoleLocked}
          disabled={consoleLocked}
          aria-describedby={consoleLocked ? `${id}-locked ${id}-hint` : `${id}-hint`}
          onChange={(e) => void setConsole(e.currentTarget.checked)}
        />
        {t('advancedConsoleLabel')}
      </label>
      {consoleLocked && <p id={`${id}-locked`} class="hint">{t('errorPolicyOff')}</p>}
      <p id={`${id}-hint`} class="hint">{t('advancedConsoleHint')}</p>
      <Status status={status} />
      <SenderJunkSetting />
    </section>
  );
}
