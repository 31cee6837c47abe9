/**
 * Blocked character sets (PROTOCOL.md §6.5 `charsets`), one checkbox per language or script with
 * the sets it stands for listed beside it; a group of which only some sets are blocked shows as
 * mixed. Sets in no group (set elsewhere) are listed and kept.
 */

import { useId } from 'preact/hooks';
import { CHARSET_GROUPS, groupState, toggleGroup, ungrouped, type CharsetGroup } from '../../src/modules/charsets.js';
import { t, type MessageKey } from '../shared/i18n.js';

export interface CharsetPickerProps {
  readonly value: readonly string[];
  readonly onChange: (charsets: string[]) => void;
  readonly readOnly?: boolean;
  readonly error?: string | null;
}

const GROUP_KEYS: Readonly<Record<string, MessageKey>> = {
  cyrillic: 'spamCharsetGroupCyrillic',
  chinese: 'spamCharsetGroupChinese',
  japanese: 'spamCharsetGroupJapanese',
  korean: 'spamCharsetGroupKorean',
  greek: 'spamCharsetGroupGreek',
  arabic: 'spamCharsetGroupArabic',
  hebrew: 'spamCharsetGroupHebrew',
  thai: 'spamCharsetGroupThai',
  vietnamese: 'spamCharsetGroupVietnamese',
  turkish: 'spamCharsetGroupTurkish',
};

export function groupLabel(group: CharsetGroup): string {
  const key = GROUP_KEYS[group.id];
  return key === undefined ? group.id : t(key);
}

export function CharsetPicker({ value, onChange, readOnly = false, error = null }: CharsetPickerProps) {
  const id = useId();
  const blocked = new Set(value);
  const others = ungrouped(value);
  return (
    <fieldset class="charset-picker" aria-describedby={`${id}-hint`}>
      <legend>{t('spamCharsetsLegend')}</legend>
      <p id={`${id}-hint`} class="hint">{t('spamCharsetsHint')}</p>
      {error !== null && <p class="field-error" role="alert">{error}</p>}
      <ul class="charset-groups">
        {CHARSET_GROUPS.map((group) => {
          const state = groupState(group, blocked);
          return (
            <li key={group.id}>
              <label class="checkbox">
                <input
                  type="checkbox"
                  value={group.id}
                  checked={state === 'all'}
                  // Mixed: some of the group's sets are blocked; a click blocks them all.
                  ref={(el) => {
                    if (el) el.indeterminate = state === 'some';
                  }}
                  aria-checked={state === 'some' ? 'mixed' : undefined}
                  disabled={readOnly}
                  aria-describedby={`${id}-${group.id}`}
                  onChange={(e) => onChange(toggleGroup(value, group, e.currentTarget.checked))}
                />
                {groupLabel(group)}
              </label>
              <span id={`${id}-${group.id}`} class="charset-names">{group.charsets.join(', ')}</span>
            </li>
          );
        })}
      </ul>
      {others.length > 0 && <p class="hint" data-testid="spam-charsets-other">{t('spamCharsetsOther', [others.join(', ')])}</p>}
    </fieldset>
  );
}
