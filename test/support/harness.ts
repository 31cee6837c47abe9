// What scripts/ and bench/ use of the test harness, in one place: a throwaway Dovecot
// (test/server/fixture), a throwaway Thunderbird with the built add-on (test/e2e), the settings
// tab driver, and the shared constants. They import this module, never a test file.
export { ADDON_ID } from './constants.js';
export { alertsModule, defaultModules, referenceModules, rulesModule, submitModule } from '../server/fixture/config.js';
export { isDovecot24, startServer, USERS, type TestServer } from '../server/fixture/index.js';
export { buildAddon } from '../e2e/addon.js';
export { ExtensionPage, REPO_DIR, startThunderbird, type Thunderbird } from '../e2e/thunderbird.js';
export { isoDay, OPTIONS_PAGE, SettingsTab, type PanelKey } from '../e2e/settings-tab.js';
