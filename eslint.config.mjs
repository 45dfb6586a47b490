// ESLint for the TypeScript of kernel/ and test/: typescript-eslint's strict, type-checked rules, with the
// few changes below (each says why). `npm run lint` runs it, and pyflakes over the Python.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';

export default defineConfig(
  // test/lab is the browser suite, with a tsconfig and dependencies of its own.
  { ignores: ['dist/', 'build/', 'node_modules/', 'test/jupyter/lab_client/', 'test/lab/', 'labextension/'] },
  {
    files: ['kernel/**/*.ts', 'test/**/*.ts'],
    extends: [js.configs.recommended, tseslint.configs.strictTypeChecked],
    languageOptions: { parserOptions: { project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname } },
    rules: {
      // Numbers and booleans read fine in messages; objects and unknowns still have to say how.
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      // `(x) => void f(x)` and `() => f()` returning void are the callback idiom.
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true, ignoreVoidOperator: true }],
      // Environment variables are removed with delete: process.env is a dictionary.
      '@typescript-eslint/no-dynamic-delete': 'off',
      // Native addons and package.json are loaded by a path known at run time.
      '@typescript-eslint/no-require-imports': 'off',
      // Without noUncheckedIndexedAccess (which would touch every index in the code) it takes the checks of
      // array and record lookups that can miss, and of variables a callback sets, for dead code.
      '@typescript-eslint/no-unnecessary-condition': 'off',
      // `const { dropped, ...rest } = x` is how a field is left out.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
      // A `let` that a callback reads and that is assigned once, later, cannot be a const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // jest's asymmetric matchers (expect.any, expect.stringContaining, ...) are typed any.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
);
