/**
 * Sending (issue 15): send this account's mail through its IMAP connection instead of an
 * outgoing (SMTP) server. On: Thunderbird gets an outgoing server of type xexec for the
 * account's identities; off: each identity gets its previous server back. Where the
 * administrator's policy fixes it (`sending`), the switch is shown read-only: the background
 * applies the policy when it reads the state and refuses a switch the other way.
 */

import { useId, useState } from 'preact/hooks';
import type { SendingState } from '../../experiments/xexec/outgoing-api.js';
import type { SendingPolicy } from '../../src/messages/policy.js';
import { ask } from '../shared/api.js';
import { t } from '../shared/i18n.js';
import { LoadFailed, Loading } from '../shared/LoadFailed.js';
import { errorStatus, Status, type StatusState } from '../shared/Status.js';
import { useAction } from '../shared/useAction.js';
import { useLoad } from '../shared/useLoad.js';

function describe(state: SendingState): string {
  return t(state.enabled ? 'sendingStateOn' : 'sendingStateOff');
}

export function SendingPanel({ accountId, fixed = null }: { accountId: string; fixed?: SendingPolicy | null }) {
  const id = useId();
  const { loaded, reload, setValue } = useLoad(() => ask({ type: 'sending.state', accountId }));
  const [status, setStatus] = useState<StatusState | null>(null);
  const action = useAction<'set'>();

  async function set(on: boolean) {
    await action.run('set', async () => {
      setStatus({ kind: 'busy', text: t('sendingSaving') });
      const response = await ask({ type: 'sending.set', accountId, on });
      if (!response.ok) {
        setStatus(errorStatus(response.error, () => void set(on)));
        return;
      }
      setValue(response.value);
      setStatus({ kind: 'success', text: describe(response.value) });
    });
  }

  if (loaded.state === 'loading') return <Loading />;
  if (loaded.state === 'failed') return <LoadFailed error={loaded.error} onRetry={reload} />;
  const current = loaded.value;

  return (
    <div class="panel-body sending-panel">
      <p class="panel-intro">{t('sendingIntro')}</p>
      <p class={`state state-${current.enabled ? 'on' : 'off'}`}>
        <span class="badge">{t(current.enabled ? 'stateOn' : 'stateOff')}</span> {describe(current)}
      </p>
      <div class="field">
        <label class="checkbox">
          <input
            type="checkbox"
            checked={current.enabled}
            disabled={fixed !== null || action.busy !== null}
            aria-describedby={`${id}-hint`}
            onChange={(event) => void set(event.currentTarget.checked)}
          />
          {t('sendingToggleLabel')}
        </label>
        {fixed !== null
          ? <p id={`${id}-hint`} class="hint fixed">{t('sendingPolicyFixed')}</p>
          : <p id={`${id}-hint`} class="hint">{t('sendingOffHint')}</p>}
      </div>
      <Status status={status} />
    </div>
  );
}
