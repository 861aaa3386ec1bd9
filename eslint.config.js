import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const determinism = {
  'no-restricted-properties': [
    'error',
    { object: 'Math', property: 'random', message: 'Use the seeded Rng from src/core/rng.ts.' },
    { object: 'Date', property: 'now', message: 'No wall clock in results; time is data.' },
    { object: 'performance', property: 'now', message: 'Wall-clock timing belongs in benchmarks/ or src/cli.' },
  ],
  'no-restricted-globals': [
    'error',
    { name: 'performance', message: 'Wall-clock timing belongs in benchmarks/ or src/cli.' },
  ],
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'runs/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly' } },
    rules: {
      ...determinism,
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    files: ['benchmarks/**', 'src/cli/**', 'scripts/**'],
    rules: { 'no-restricted-properties': 'off', 'no-restricted-globals': 'off' },
  },
);
