import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', '.tools/', 'reports/runs/'] },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['scripts/**', 'target/**', 'test/node/**', 'bench/**', 'build.mjs', 'eslint.config.js'],
    languageOptions: { globals: globals.node },
  },
  {
    // k6 VUs have no Node globals; __ENV and __VU are k6's own.
    files: ['lib/**', 'scenarios/**', 'test/k6/**'],
    languageOptions: {
      globals: { __ENV: 'readonly', __VU: 'readonly', __ITER: 'readonly', open: 'readonly' },
    },
  },
  {
    rules: {
      // `const { omitted, ...kept } = value` is how an object loses a field.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='process'][callee.property.name='exit']",
          message: 'Only scripts/cli.ts turns errors into exit codes: set process.exitCode there.',
        },
      ],
    },
  },
  { files: ['scripts/cli.ts', 'target/main.ts'], rules: { 'no-restricted-syntax': 'off' } },
  {
    // No function needs scrolling to read; a run reads as its list of phases (ARCHITECTURE.md).
    files: ['scripts/**', 'lib/**', 'target/**'],
    rules: { 'max-lines-per-function': ['error', { max: 120, IIFEs: true }] },
  },
  { files: ['scripts/run/run.ts'], rules: { 'max-lines-per-function': ['error', { max: 80 }] } },
);
