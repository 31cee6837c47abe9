/**
 * Forwarding (PROTOCOL.md §6.3): what is set now; forward to an address, keeping a copy here or
 * not; turn it off (the address is kept for next time).
 */

import { useId, useRef, useState } from 'preact/hooks';
import { addressInputError } from '../../src/messages/errors.js';
import { forwardSetRequest, type ForwardState } from '../../src/modules/forwarding.js';
import { ActionButton } from '../shared/ActionButton.js';
import { Field } from '../shared/Field.js';
import { ask } from '../shared/api.js';
import { t } from '../shared/i18n.js';
import { LoadFailed, Loading } from '../shared/LoadFailed.js';
import { errorStatus, Status, type StatusState } from '../shared/Status.js';
import { useAction } from '../shared/useAction.js';
import { useLoad } from '../shared/useLoad.js';

function describe(state: ForwardState): string {
  if (state.status === 'off') return t('forwardStateOff');
  return t(state.keepCopy ? 'forwardStateOnKeep' : 'forwardStateOnNoKeep', [state.address]);
}

export function ForwardPanel({ accountId }: { accountId: string }) {
  const id = useId();
  const { loaded, reload, setValue } = useLoad(() => ask({ type: 'forward.show', accountId }));
  // null: not edited, so the form shows what the server has (the address is kept while off).
  const [editedAddress, setEditedAddress] = useState<string | null>(null);
  const [editedKeepCopy, setEditedKeepCopy] = useState<boolean | null>(null);
  const [addressError, setAddressError] = useState<string | null>(null);
  const [status, setStatus] = useState<StatusState | null>(null);
  const action = useAction<'set' | 'off'>();
  const input = useRef<HTMLInputElement>(null);

  const state = loaded.state === 'ready' ? loaded.value : null;
  const address = editedAddress ?? state?.address ?? '';
  const keepCopy = editedKeepCopy ?? (state?.status === 'on' ? state.keepCopy : true);

  async function save() {
    const request = forwardSetRequest(address, keepCopy);
    if (!request.ok) {
      setAddressError(addressInputError(t, request.error).message);
      input.current?.focus();
      return;
    }
    setAddressError(null);
    await action.run('set', async () => {
      setStatus({ kind: 'busy', text: t('forwardSaving') });
      const response = await ask({ type: 'forward.set', accountId, address, keepCopy });
      if (!response.ok) {
        if (response.error.kind === 'input') setAddressError(response.error.message);
        setStatus(errorStatus(response.error, () => void save()));
        return;
      }
      setValue(response.value);
      setEditedAddress(null);
      setEditedKeepCopy(null);
      setStatus({ kind: 'success', text: describe(response.value) });
    });
  }

  async function turnOff() {
    await action.run('off', async () => {
      setStatus({ kind: 'busy', text: t('forwardTurningOff') });
      const response = await ask({ type: 'forward.off', accountId });
      if (!response.ok) {
        setStatus(errorStatus(response.error, () => void turnOff()));
        return;
      }
      setValue(response.value);
      setStatus({ kind: 'success', text: describe(response.value) });
    });
  }

  if (loaded.state === 'loading') return <Loading />;
  if (loaded.state === 'failed') return <LoadFailed error={loaded.error} onRetry={reload} />;
  const current = loaded.value;
  const busy = action.busy;
  const unchanged = current.status === 'on' && current.address === address.trim().toLowerCase() && current.keepCopy === keepCopy;

  return (
    <div class="panel-body forward-panel">
      <p class="panel-intro">{t('forwardIntro')}</p>
      <p class={`state state-${current.status}`}>
        <span class="badge">{t(current.status === 'on' ? 'stateOn' : 'stateOff')}</span> {describe(current)}
      </p>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          void save();
        }}
      >
        <Field id={`${id}-address`} label={t('forwardAddressLabel')} error={addressError}>
          {(control) => (
            <input
              {...control}
              ref={input}
              type="email"
              autoComplete="email"
              spellcheck={false}
              value={address}
              placeholder={t('forwardAddressPlaceholder')}
              onInput={(event) => {
                setEditedAddress(event.currentTarget.value);
                setAddressError(null);
              }}
            />
          )}
        </Field>
        <div class="field">
          <label class="checkbox">
            <input type="checkbox" checked={keepCopy} aria-describedby={`${id}-keep-hint`} onChange={(event) => setEditedKeepCopy(event.currentTarget.checked)} />
            {t('forwardKeepLabel')}
          </label>
          <p id={`${id}-keep-hint`} class="hint">{t(keepCopy ? 'forwardKeepHint' : 'forwardNoKeepHint')}</p>
        </div>
        <div class="buttons">
          <ActionButton type="submit" busy={busy === 'set'} blocked={busy !== null || unchanged} busyLabel={t('forwardSaveBusy')}>
            {t(current.status === 'on' ? 'forwardSaveButton' : 'forwardTurnOnButton')}
          </ActionButton>
          {current.status === 'on' && (
            <ActionButton busy={busy === 'off'} blocked={busy !== null} busyLabel={t('forwardOffBusy')} onClick={() => void turnOff()}>
              {t('forwardOffButton')}
            </ActionButton>
          )}
        </div>
      </form>
      <Status status={status} />
    </div>
  );
}
