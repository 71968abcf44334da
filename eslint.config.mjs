// @ts-check
// One lint configuration for the whole tree. Only rules that catch bugs: promises nobody awaits or
// handles, values computed and never used, and `any` crossing into typed code where the deployed
// functions meet the outside world (events, JSON, the SDK). Layout and style are Prettier's job
// (`npm run format`), so no rule here is about taste.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['**/node_modules/', '**/.serverless/', '**/.esbuild/', '**/.build/', 'coverage/', '**/.offline-state/', 'docs/openapi.json'] },
  {
    files: ['**/*.{ts,js,mjs}'],
    extends: [js.configs.recommended, tseslint.configs.eslintRecommended],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: {
        // Type-aware rules read the types tsconfig.json gives each file; the two config files outside it get defaults.
        projectService: { allowDefaultProject: ['jest.config.js', 'eslint.config.mjs'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { '@typescript-eslint': tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // tsc (checkJs included) already resolves every name, with the real globals of Node and jest.
      'no-undef': 'off',
      // A promise nobody awaits loses its rejection (an unhandled rejection kills a Lambda invocation
      // after the response, or an event source's loop), and one passed where a callback's result is ignored does too.
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/await-thenable': 'error',
      '@typescript-eslint/return-await': ['error', 'error-handling-correctness-only'],
      // Values computed and dropped. A leading underscore says "on purpose" (a rest sibling that removes a key).
      'no-unused-vars': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      '@typescript-eslint/no-unused-expressions': 'error',
      // Throwing something that is not an Error loses the stack and breaks `instanceof` in the error mapping.
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/prefer-promise-reject-errors': 'error',
      // A value whose toString is "[object Object]" in a message or a key.
      '@typescript-eslint/no-base-to-string': 'error',
    },
  },
  {
    // The deployed code: `any` may not cross into typed code unchecked. Tests and scripts read JSON
    // they wrote themselves, and the local cloud reads the framework's untyped objects; there the
    // rules above suffice.
    files: ['handlers/**/*.ts', 'lib/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'error',
      '@typescript-eslint/no-unsafe-assignment': 'error',
      '@typescript-eslint/no-unsafe-return': 'error',
      '@typescript-eslint/no-unsafe-call': 'error',
      '@typescript-eslint/no-unsafe-member-access': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
    },
  },
);
