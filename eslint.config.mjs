// ESLint for the TypeScript and JavaScript of the add-on, its tests, benchmarks and scripts
// (`npm run lint:ts`). `npm run lint` is the other check: web-ext's lint of the built add-on.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'server/**', 'packaging/**'] },
  { linterOptions: { reportUnusedDisableDirectives: 'error' } },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**', 'ui/**', 'experiments/**', 'test/**', 'bench/**', 'scripts/**', '*.ts', '*.mjs'],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: 'module',
      globals: {
        // Node (tests, scripts, benchmarks) and the browser (add-on pages, happy-dom tests).
        process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly',
        setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly',
        TextEncoder: 'readonly', TextDecoder: 'readonly', SharedArrayBuffer: 'readonly', Atomics: 'readonly',
        window: 'readonly', document: 'readonly', navigator: 'readonly', performance: 'readonly',
        queueMicrotask: 'readonly', structuredClone: 'readonly', AbortController: 'readonly',
        requestAnimationFrame: 'readonly', globalThis: 'readonly', NodeJS: 'readonly',
        // The WebExtension API in the add-on's and the tests' extension pages.
        messenger: 'readonly', browser: 'readonly',
      },
    },
    rules: {
      // Control characters in patterns are deliberate: refusing them in user input is their job.
      'no-control-regex': 'off',
      // `catch {}` where a failure is expected and harmless (a process that already exited).
      'no-empty': ['error', { allowEmptyCatch: true }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
  {
    // Preact's hooks follow React's rules (the pages and their tests).
    files: ['ui/**', 'test/ui/**'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
);
