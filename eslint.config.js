// Lint rules: the recommended sets of ESLint and typescript-eslint, without
// type information (a type-aware run doubles the time and `tsc` already runs
// in CI). Formatting is Prettier's job, so no stylistic rules here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      'node_modules/',
      // The package's build (npm run build / npm pack), compiled from the sources linted here.
      'dist/',
      'demo/client/generated/',
      'gateway/generated/',
      'test/fixtures/',
      '.*.config.ts.*.mjs',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: {
        process: 'readonly',
        console: 'readonly',
        Buffer: 'readonly',
        URL: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        setInterval: 'readonly',
        clearInterval: 'readonly',
        setImmediate: 'readonly',
        queueMicrotask: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        structuredClone: 'readonly',
        fetch: 'readonly',
      },
    },
    rules: {
      // `_`-prefixed names mark a parameter kept for its position.
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' },
      ],
      // Sanitisers of keys, reasons and logs match control characters on purpose.
      'no-control-regex': 'off',
      // Flags `let x = 0; try { x = … }`, which keeps x defined for the finally block.
      'no-useless-assignment': 'off',
    },
  },
  {
    // Tests read answers of unknown shape; `any` there is a probe, not a type.
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
);
