/** The settings tab (options_ui, opened in a tab): see App.tsx. */

import { render } from 'preact';
import { t, uiLanguage } from '../shared/i18n.js';
import { App } from './App.js';

document.documentElement.lang = uiLanguage();
document.documentElement.dir = t('@@bidi_dir' as never) || 'ltr';
document.title = t('optionsTitle');
const root = document.getElementById('app');
if (root) render(<App />, root);
