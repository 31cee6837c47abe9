/**
 * "Move Thunderbird filters to the server" (issue 12): the account's own filters, each either
 * with the rule it becomes (a checkbox, ticked) or the reasons it cannot. Converting adds the
 * chosen ones as rules, one after another, in the filters' order; the local filters are turned
 * off only when the user ticks that (unticked by default), and never deleted.
 */

import { useId, useState } from 'preact/hooks';
import type { AccountFilters } from '../../experiments/xexec/filters-api.js';
import { summarizeRule } from '../../src/messages/rules-text.js';
import { convertFilters, type NotConvertible } from '../../src/modules/filter-convert.js';
import type { RulesState } from '../../src/modules/rules.js';
import { ActionButton } from '../shared/ActionButton.js';
import { ask } from '../shared/api.js';
import { formatNumber, t } from '../shared/i18n.js';
import { LoadFailed, Loading } from '../shared/LoadFailed.js';
import { errorStatus, type StatusState } from '../shared/Status.js';
import type { Action } from '../shared/useAction.js';
import { useLoad } from '../shared/useLoad.js';

export function reasonText(reason: NotConvertible): string {
  switch (reason.kind) {
    case 'manual-only':
      return t('rulesWhyManual');
    case 'periodic-only':
      return t('rulesWhyPeriodic');
    case 'not-incoming':
      return t('rulesWhyNotIncoming');
    case 'match-every-message':
      return t('rulesWhyEveryMessage');
    case 'grouped-terms':
      return t('rulesWhyGrouped');
    case 'mixed-and-or':
      return t('rulesWhyMixed');
    case 'condition':
      return t('rulesWhyCondition', [`${reason.attrib} ${reason.op}`]);
    case 'body-unsupported':
      return t('rulesBodyUnsupported');
    case 'tag':
      return t('rulesWhyTag');
    case 'action':
      return t('rulesWhyAction', [reason.type]);
    case 'other-account':
      return t('rulesWhyOtherAccount');
    case 'folder-unknown':
      return t('rulesSeparatorUnknown');
    case 'two-moves':
      return t('rulesWhyTwoMoves');
    case 'delete-and-file':
      return t('rulesWhyDeleteAndFile');
    case 'no-action':
      return t('rulesWhyNoAction');
    case 'invalid':
      return reason.message;
  }
}

export interface FilterImportProps {
  readonly accountId: string;
  readonly abilities: readonly string[];
  readonly action: Action<string>;
  readonly onState: (state: RulesState) => void;
  readonly setStatus: (status: StatusState) => void;
}

export function FilterImport({ accountId, abilities, action, onState, setStatus }: FilterImportProps) {
  const id = useId();
  const { loaded, reload } = useLoad<AccountFilters>(() => ask({ type: 'filters.list', accountId }));
  const [chosen, setChosen] = useState<ReadonlySet<number> | null>(null);
  const [disableLocal, setDisableLocal] = useState(false);

  let body;
  if (loaded.state === 'loading') body = <Loading />;
  else if (loaded.state === 'failed') body = <LoadFailed error={loaded.error} onRetry={reload} />;
  else if (loaded.value.filters.length === 0) body = <p class="hint">{t('rulesFiltersNone')}</p>;
  else {
    const conversions = convertFilters(loaded.value, abilities);
    const convertible = conversions.filter((c) => c.convertible);
    const ticked = chosen ?? new Set(convertible.map((c) => c.index));
    const toggle = (index: number, on: boolean) => {
      const next = new Set(ticked);
      if (on) next.add(index);
      else next.delete(index);
      setChosen(next);
    };
    const convert = () => action.run('convert', async () => {
      const picked = convertible.filter((c) => ticked.has(c.index));
      let done = 0;
      for (const c of picked) {
        if (!c.convertible) continue;
        setStatus({ kind: 'busy', text: t('rulesConverting', [formatNumber(done + 1), formatNumber(picked.length)]) });
        const response = await ask({ type: 'rules.add', accountId, rule: c.rule });
        if (!response.ok) {
          setStatus(errorStatus(response.error, () => void convert(), t('rulesConvertFailed', [c.name, formatNumber(done), response.error.message])));
          return;
        }
        onState(response.value);
        done++;
      }
      if (disableLocal && picked.length > 0) {
        const off = await ask({ type: 'filters.disable', accountId, indexes: picked.map((c) => c.index), names: picked.map((c) => c.name) });
        if (!off.ok) {
          setStatus({ kind: 'warning', text: t('rulesConvertedNotDisabled', [formatNumber(done), off.error.message]) });
          reload();
          return;
        }
      }
      setStatus({ kind: 'success', text: t(disableLocal ? 'rulesConvertedDisabled' : 'rulesConverted', [formatNumber(done)]) });
      setChosen(new Set());
      reload();
    });
    body = (
      <>
        <ul class="filter-list">
          {conversions.map((c) => (
            <li key={c.index} data-filter={c.name} class={c.convertible ? 'filter-ok' : 'filter-no'}>
              {c.convertible ? (
                <label class="checkbox">
                  <input type="checkbox" checked={ticked.has(c.index)} onChange={(e) => toggle(c.index, e.currentTarget.checked)} />
                  <span><strong>{c.name}</strong> — {summarizeRule(t, c.rule, formatNumber)}</span>
                </label>
              ) : (
                <>
                  <strong>{c.name}</strong> — <span class="badge badge-warn">{t('rulesNotConvertible')}</span>
                  <ul class="hint">{c.reasons.map((r, i) => <li key={i}>{reasonText(r)}</li>)}</ul>
                </>
              )}
            </li>
          ))}
        </ul>
        <label class="checkbox">
          <input type="checkbox" checked={disableLocal} onChange={(e) => setDisableLocal(e.currentTarget.checked)} />
          {t('rulesDisableLocal')}
        </label>
        <div class="buttons">
          <ActionButton busy={action.busy === 'convert'} blocked={action.busy !== null || ![...ticked].some((i) => convertible.some((c) => c.index === i))} busyLabel={t('rulesConvertBusy')} onClick={() => void convert()}>
            {t('rulesConvertButton')}
          </ActionButton>
        </div>
      </>
    );
  }
  return (
    <section class="filter-import" aria-labelledby={`${id}-heading`}>
      <h3 id={`${id}-heading`}>{t('rulesFiltersHeading')}</h3>
      <p class="hint">{t('rulesFiltersIntro')}</p>
      {body}
    </section>
  );
}
