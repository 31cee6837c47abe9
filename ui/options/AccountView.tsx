/**
 * One account: its name, then the panels its server offers as tabs. Panels whose module the
 * server lacks are not shown as tabs; a line says which and why. A server that cannot be asked
 * gets the reason and a Retry button.
 */

import { useState } from 'preact/hooks';
import { t } from '../shared/i18n.js';
import { Loading } from '../shared/LoadFailed.js';
import type { ImapAccount } from '../shared/platform.js';
import { ConsolePanel } from './ConsolePanel.js';
import { offeredPanels, otherModules, showsEmail, type Discovery, type PanelInfo } from './discovery.js';
import { ForwardPanel } from './ForwardPanel.js';
import { ListPanel } from './ListPanel.js';
import { PasswordPanel } from './PasswordPanel.js';
import { Tabs, type TabSpec } from './Tabs.js';
import { VacationPanel } from './VacationPanel.js';

export interface AccountViewProps {
  readonly account: ImapAccount;
  readonly discovery: Discovery;
  readonly consoleEnabled: boolean;
  /** Asks the server again what it offers (bypassing the background's cache). */
  readonly onRediscover: () => void;
}

function panelTab(panel: PanelInfo, account: ImapAccount): TabSpec {
  const render = () => {
    switch (panel.key) {
      case 'blacklist':
      case 'whitelist':
        return <ListPanel accountId={account.id} list={panel.key} />;
      case 'forwardmail':
        return <ForwardPanel accountId={account.id} />;
      case 'vacation':
        return <VacationPanel accountId={account.id} email={account.email} />;
      case 'changepassword':
        return <PasswordPanel accountId={account.id} avoid={account.email !== null ? [account.email] : []} />;
    }
  };
  return { key: panel.key, label: t(panel.label), render };
}

export function AccountView({ account, discovery, consoleEnabled, onRediscover }: AccountViewProps) {
  const [selected, setSelected] = useState<string | null>(null);
  const headingId = `account-${account.id}-heading`;

  let body;
  if (discovery.state === 'loading') {
    body = <Loading text={t('optionsLoading')} />;
  } else if (discovery.state === 'failed') {
    body = (
      <div class="load-failed">
        <p role="alert" class="error-text">{discovery.error.message}</p>
        {discovery.error.code === 'unsupported' && <p class="hint">{t('accountUnsupportedHint')}</p>}
        <button type="button" onClick={onRediscover}>{t('uiRetry')}</button>
      </div>
    );
  } else {
    const { offered, missing } = offeredPanels(discovery.modules);
    const tabs: TabSpec[] = offered.map((panel) => panelTab(panel, account));
    if (consoleEnabled) {
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
            {discovery.modules.length === 0 ? t('optionsNoModules') : t('accountNoKnownModules', [others.join(', ')])}
            {!consoleEnabled && others.length > 0 && ` ${t('accountConsoleHint')}`}
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
