/**
 * Blocked top-level domains (PROTOCOL.md §6.5 `tlds`): the chosen ones as removable chips, a
 * searchable list of country-code TLDs named in the user's language and common generic ones,
 * and a field for any other TLD (an IDN typed in its own script is sent as `xn--`).
 */

import { useId, useMemo, useState } from 'preact/hooks';
import { MAX_TLDS, normalizeTld } from '../../src/modules/spam.js';
import { filterTlds, tldCatalogue, tldName } from '../../src/modules/tlds.js';
import { Field } from '../shared/Field.js';
import { formatNumber, t, uiLanguage } from '../shared/i18n.js';

export interface TldPickerProps {
  readonly value: readonly string[];
  readonly onChange: (tlds: string[]) => void;
  /** Set by the administrator: shown, not changeable. */
  readonly readOnly?: boolean;
  readonly error?: string | null;
}

export function TldPicker({ value, onChange, readOnly = false, error = null }: TldPickerProps) {
  const id = useId();
  const language = uiLanguage();
  const catalogue = useMemo(() => tldCatalogue(language), [language]);
  const [query, setQuery] = useState('');
  const [other, setOther] = useState('');
  const [otherError, setOtherError] = useState<string | null>(null);
  const chosen = new Set(value);
  const shown = filterTlds(catalogue, query);
  const full = value.length >= MAX_TLDS;

  const label = (tld: string) => {
    const name = tldName(tld, language);
    return name === null ? `.${tld}` : `.${tld} (${name})`;
  };
  const toggle = (tld: string, on: boolean) => onChange(on ? [...value, tld] : value.filter((x) => x !== tld));

  function addOther() {
    const tld = normalizeTld(other);
    if (tld === null) {
      setOtherError(t('spamTldInvalid', [other.trim()]));
      return;
    }
    if (!chosen.has(tld)) {
      if (full) {
        setOtherError(t('spamTooManyTlds', [formatNumber(MAX_TLDS)]));
        return;
      }
      onChange([...value, tld]);
    }
    setOther('');
    setOtherError(null);
  }

  return (
    <fieldset class="tld-picker" aria-describedby={`${id}-hint`}>
      <legend>{t('spamTldsLegend')}</legend>
      <p id={`${id}-hint`} class="hint">{t('spamTldsHint', [formatNumber(MAX_TLDS)])}</p>
      {error !== null && <p class="field-error" role="alert">{error}</p>}
      {value.length === 0 ? (
        <p class="hint" data-testid="spam-tlds-none">{t('spamTldsNone')}</p>
      ) : (
        <ul class="chips" aria-label={t('spamTldsChosen', [formatNumber(value.length)])} data-testid="spam-tlds-chosen">
          {value.map((tld) => (
            <li class="chip" key={tld}>
              <span>{label(tld)}</span>
              {!readOnly && (
                <button type="button" class="chip-remove" aria-label={t('spamTldRemove', [`.${tld}`])} onClick={() => toggle(tld, false)}>
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {!readOnly && (
        <>
          <Field id={`${id}-search`} label={t('spamTldSearchLabel')}>
            {(control) => (
              <input type="search" {...control} value={query} spellcheck={false} placeholder={t('spamTldSearchPlaceholder')} onInput={(e) => setQuery(e.currentTarget.value)} />
            )}
          </Field>
          <ul class="tld-list" aria-label={t('spamTldListLabel')} data-testid="spam-tld-list">
            {shown.map((choice) => (
              <li key={choice.tld}>
                <label class="checkbox">
                  <input
                    type="checkbox"
                    value={choice.tld}
                    checked={chosen.has(choice.tld)}
                    disabled={full && !chosen.has(choice.tld)}
                    onChange={(e) => toggle(choice.tld, e.currentTarget.checked)}
                  />
                  <span class="tld-code">.{choice.tld}</span>
                  {choice.name !== null && <> <span class="tld-name">{choice.name}</span></>}
                </label>
              </li>
            ))}
            {shown.length === 0 && <li class="hint">{t('spamTldNoMatch')}</li>}
          </ul>
          <Field id={`${id}-other`} label={t('spamTldOtherLabel')} error={otherError} hint={t('spamTldOtherHint')}>
            {(control) => (
              <div class="row">
                <input
                  type="text"
                  {...control}
                  class="narrow"
                  spellcheck={false}
                  value={other}
                  onInput={(e) => {
                    setOther(e.currentTarget.value);
                    setOtherError(null);
                  }}
                  onKeyDown={(e) => {
                    if (e.key === 'Enter') {
                      e.preventDefault();
                      addOther();
                    }
                  }}
                />
                <button type="button" onClick={addOther} disabled={other.trim() === ''}>{t('spamTldAdd')}</button>
              </div>
            )}
          </Field>
        </>
      )}
    </fieldset>
  );
}
