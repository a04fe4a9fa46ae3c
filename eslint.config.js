// Lint: TypeScript's recommended rules, plus the boundaries the folder tree promises (README, docs/adr).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const OUTER = ['db', 'storage', 'usecases', 'server', 'jobs', 'web', 'cli'];

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.test-results/', '.bridgedesk*/', 'test/fixtures/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // Plain Node scripts.
    files: ['**/*.js'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    rules: {
      // Files say one thing each; past 400 lines, ask whether it is still one.
      'max-lines': ['warn', { max: 400, skipBlankLines: true, skipComments: true }],
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true },
      ],
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    ignores: ['src/config.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-properties': ['error', { object: 'process', property: 'env', message: 'Environment variables are read only in src/config.ts.' }],
    },
  },
  {
    // The domain: rules only, no I/O. It imports its own files and zod, nothing else.
    files: ['src/core/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ regex: '^(?!zod$|\\./)', message: 'src/core imports nothing outside itself but zod (no I/O).' }] }],
    },
  },
  {
    // The browser bundle: the server's shapes come in as types only (erased), so no server code reaches it; runtime
    // values come from src/core, which has no I/O.
    files: ['src/web/**/*.{ts,tsx}'],
    ignores: ['**/*.test.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `(^|/)(${OUTER.filter((f) => f !== 'web').join('|')}|connectors)/|(^|/)(config|logger)\\.ts$|^(zod|@hono/zod-openapi)$`,
              allowTypeImports: true,
              message: 'The web imports server code and zod as types only (import type); runtime values come from src/core.',
            },
          ],
        },
      ],
    },
  },
  {
    // A screen names a destination by its display name (useDestinationName), never by testing a provider's id: only a
    // destination's own settings components and the api layer (its query keys and paths) spell one.
    files: ['src/web/**/*.{ts,tsx}'],
    ignores: ['**/*.test.ts', 'src/web/api/**', 'src/web/features/settings/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: "BinaryExpression[operator=/^[!=]==?$/] > Literal[value='kustomer']",
          message: 'Name a destination with useDestinationName, not by comparing its id.',
        },
      ],
    },
  },
  {
    // A destination knows its vendor and nothing of the app: the kit, core's ports (destination.ts) and its own files.
    files: ['src/connectors/*/**/*.ts'],
    // The kit is the platform's side of the boundary; registry.ts (beside the folders) composes them.
    ignores: ['**/*.test.ts', 'src/connectors/kit/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { regex: `(^|/)(${OUTER.join('|')})/`, message: 'A connector imports only connectors/kit, core ports and its own files.' },
            { regex: '(^|/)(config|logger)\\.ts$', message: 'A connector gets its settings from the platform, not from config.ts.' },
            { regex: '(^|/)core/(?!destination\\.ts$)', message: "A connector imports only core's ports (core/destination.ts)." },
          ],
        },
      ],
    },
  },
);
