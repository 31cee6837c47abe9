/**
 * One account: its name, then the panels its server offers as tabs. Panels whose module the
 * server lacks are not shown as tabs; a line says which and why. A server that cannot be asked
 * gets the reason and a Retry button.
 */

import { useState } from 'preact/hooks';
import type { EffectivePolicy } from '../../src/messages/policy.js';
import { t } from '../shared/i18n.js';
import { LoadFailed, Loading } from '../shared/LoadFailed.js';
import type { ImapAccount } from '../shared/platform.js';
import { AlertsPanel } from './AlertsPanel.js';
import { ConsolePanel } from './ConsolePanel.js';
import { offeredPanels, otherModules, showsEmail, type Discovery, type PanelInfo } from './discovery.js';
import { ForwardPanel } from './ForwardPanel.js';
import { ListPanel } from './ListPanel.js';
import { PasswordPanel } from './PasswordPanel.js';
import { RulesPanel } from './RulesPanel.js';
import { SpamPanel } from './SpamPanel.js';
import { SendingPanel } from './SendingPanel.js';
import { SUBMIT } from '../../src/modules/submit.js';
import { sameModule } from '../../src/protocol/module-name.js';
import { Tabs, type TabSpec } from './Tabs.js';
import { VacationPanel } from './VacationPanel.js';

export interface AccountViewProps {
  readonly account: ImapAccount;
  readonly discovery: Discovery;
  readonly consoleEnabled: boolean;
  /** The administrator's policy for the account; null while it is read. */
  readonly policy: EffectivePolicy | null;
  /** Asks the server again what it offers (bypassing the background's cache). */
  readonly onRediscover: () => void;
  /** The panel to show first (`?panel=`, e.g. from the reminder's Change…); else the first one. */
  readonly initialPanel?: string | null;
}

function panelTab(panel: PanelInfo, account: ImapAccount, policy: EffectivePolicy): TabSpec {
  const render = () => {
    switch (panel.key) {
      case 'blacklist':
      case 'whitelist':
        return <ListPanel accountId={account.id} list={panel.key} />;
      case 'forwardmail':
        return <ForwardPanel accountId={account.id} />;
      case 'vacation':
        return <VacationPanel accountId={account.id} email={account.email} defaults={policy.vacationDefault} />;
      case 'changepassword':
        return <PasswordPanel accountId={account.id} avoid={account.email !== null ? [account.email] : []} />;
      case 'spam':
        return <SpamPanel accountId={account.id} fixed={policy.spam} />;
      case 'alerts':
        return <AlertsPanel accountId={account.id} policy={policy.alerts} />;
      case 'rules':
        return <RulesPanel accountId={account.id} />;
    }
  };
  return { key: panel.key, label: t(panel.label), render };
}

export function AccountView({ account, discovery, policy, consoleEnabled, onRediscover, initialPanel = null }: AccountViewProps) {
  const [selected, setSelected] = useState<string | null>(initialPanel);
  const headingId = `account-${account.id}-heading`;

  let body;
  if (discovery.state === 'loading' || (discovery.state === 'ready' && policy === null)) {
    body = <Loading text={t('optionsLoading')} />;
  } else if (discovery.state === 'failed') {
    body = (
      <LoadFailed error={discovery.error} onRetry={onRediscover}>
        {discovery.error.code === 'unsupported' && <p class="hint">{t('accountUnsupportedHint')}</p>}
      </LoadFailed>
    );
  } else {
    const effective = policy as EffectivePolicy;
    // A panel the administrator hid is not shown, nor named as missing.
    const shown = (panel: PanelInfo) => !effective.hiddenPanels.includes(panel.key);
    const offered = offeredPanels(discovery.modules).offered.filter(shown);
    const missing = offeredPanels(discovery.modules).missing.filter(shown);
    const tabs: TabSpec[] = offered.map((panel) => panelTab(panel, account, effective));
    // Sending (issue 15) is no server setting but Thunderbird's: offered where the server has submit.
    if (discovery.modules.some((m) => sameModule(m, SUBMIT))) {
      tabs.push({ key: 'sending', label: t('sendingTab'), render: () => <SendingPanel accountId={account.id} fixed={effective.sending} /> });
    }
    const consoleShown = consoleEnabled && !effective.consoleDisabled;
    if (consoleShown) {
      tabs.push({ key: 'console', label: t('tabConsole'), render: () => <ConsolePanel accountId={account.id} modules={discovery.modules} /> });
    }
    const others = otherModules(discovery.modules);
    const current = tabs.find((tab) => tab.key === selected)?.key ?? tabs[0]?.key ?? null;
    body = (
      <>
        {missing.length > 0 && offered.length > 0 && (
          <p class="hint missing">{t('accountMissingPanels', [missing.map((panel) => t(panel.label)).join(', ')])}</p>
        )}
        {offered.length === 0 && (
          <p class="notice">
            {discovery.modules.length === 0
              ? t('optionsNoModules')
              : others.length === 0 ? t('errorPolicyOff') : t('accountNoKnownModules', [others.join(', ')])}
            {!consoleShown && !effective.consoleDisabled && others.length > 0 && ` ${t('accountConsoleHint')}`}
          </p>
        )}
        {current !== null && (
          <Tabs id={`account-${account.id}`} label={t('tabsLabel', [account.name])} tabs={tabs} selected={current} onSelect={setSelected} />
        )}
      </>
    );
  }

  return (
    <section class="account-view" aria-labelledby={headingId} data-account={account.id}>
      <div class="account-header">
        <h2 id={headingId}>
          {account.name}
          {!showsEmail(account.name, account.email) && <span class="account-email"> {account.email}</span>}
        </h2>
        {discovery.state === 'ready' && (
          <button type="button" class="link-button" onClick={onRediscover}>{t('accountRefresh')}</button>
        )}
      </div>
      {body}
    </section>
  );
}
