// @vitest-environment happy-dom
// The Alerts panel when the server says the stored target is outside the domains the
// administrator now allows (target-allowed no, PROTOCOL.md §6.6): one sentence says alerts are
// paused and where a target may be.
import { cleanup, render, screen } from '@testing-library/preact';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import type { BackgroundRequest, BackgroundResponse } from '../../../src/messages/messages.js';
import type { AlertsState } from '../../../src/modules/alerts.js';
import { AlertsPanel } from '../../../ui/options/AlertsPanel.js';
import { resetBackground } from '../fakes.js';

vi.mock('webextension-polyfill', async () => (await import('../fakes.js')).polyfillModule());
vi.mock('../../../src/messages/client.js', async () => {
  const fakes = await import('../fakes.js');
  return {
    callBackground: vi.fn(async (request: BackgroundRequest) =>
      request.type === 'alerts.show' ? ({ ok: true, value: shown } as BackgroundResponse) : fakes.background.current.handle(request)),
  };
});

const ON: AlertsState = {
  status: 'on', target: 'pager@sms.example', confirmed: true, senders: [], words: ['server down'], urgent: false, contacts: false,
  maxPerHour: 10, targetDomains: ['pager.example'], targetAllowed: true,
};
let shown: AlertsState = ON;
beforeEach(() => resetBackground());
afterEach(cleanup);

const PAUSED = 'Alerts to pager@sms.example are paused: your administrator now allows only addresses at pager.example. Choose an address there to receive alerts again.';

const PAUSED_STATE = 'Alerts are on, but paused: none are sent to pager@sms.example, because your administrator no longer allows its domain.';
const ON_STATE = 'Alerts for important mail go to pager@sms.example.';

/** The panel's state line (badge and sentence). */
function stateLine(): string {
  return document.querySelector('.alerts-panel > p.state')?.textContent ?? '';
}

it('a suspended target: the panel says alerts to it are paused and which domains are allowed', async () => {
  shown = { ...ON, targetAllowed: false };
  render(<AlertsPanel accountId="account1" policy={null} />);
  await screen.findByRole('textbox', { name: 'Send alerts to' });
  expect(screen.getByTestId('alerts-target-suspended').textContent).toBe(PAUSED);
});

it('a suspended target: the state line says alerts are paused, not that they go there (confirmed or not)', async () => {
  for (const confirmed of [true, false]) {
    shown = { ...ON, confirmed, targetAllowed: false };
    render(<AlertsPanel accountId="account1" policy={null} />);
    await screen.findByRole('textbox', { name: 'Send alerts to' });
    expect(stateLine()).toBe(`On ${PAUSED_STATE}`);
    cleanup();
  }
});

it('an allowed target (or a module that does not say): no such sentence', async () => {
  for (const state of [ON, { ...ON, targetAllowed: undefined }]) {
    shown = state;
    render(<AlertsPanel accountId="account1" policy={null} />);
    await screen.findByRole('textbox', { name: 'Send alerts to' });
    expect(screen.queryByTestId('alerts-target-suspended')).toBeNull();
    expect(stateLine()).toBe(`On ${ON_STATE}`);
    cleanup();
  }
});
