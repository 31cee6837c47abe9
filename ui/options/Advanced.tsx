/** The add-on's own settings: for now, whether the raw console is shown. */

import { useId, useState } from 'preact/hooks';
import { t } from '../shared/i18n.js';
import { saveSettings, type UiSettings } from '../shared/platform.js';
import { Status, type StatusState } from '../shared/Status.js';
import { SenderJunkSetting } from './SenderJunkSetting.js';

export interface AdvancedProps {
  readonly settings: UiSettings;
  readonly onChange: (settings: UiSettings) => void;
  /** The administrator's policy locks the console off. */
  readonly consoleLocked?: boolean;
}

export function Advanced({ settings, onChange, consoleLocked = false }: AdvancedProps) {
  const id = useId();
  const [status, setStatus] = useState<StatusState | null>(null);

  async function setConsole(enabled: boolean) {
    const next = { ...settings, consoleEnabled: enabled };
    onChange(next);
    try {
      await saveSettings({ consoleEnabled: enabled });
      setStatus({ kind: 'success', text: t(enabled ? 'advancedConsoleOn' : 'advancedConsoleOff') });
    } catch (e) {
      onChange(settings);
      setStatus({ kind: 'error', text: t('advancedSaveFailed', [e instanceof Error ? e.message : String(e)]) });
    }
  }

  return (
    <section class="advanced" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('advancedHeading')}</h2>
      <label class="checkbox">
        <input
          type="checkbox"
          checked={settings.consoleEnabled && !consoleLocked}
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
