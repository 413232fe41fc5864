// @ts-check
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'coverage/', '.ci/node-versions/'] },
  js.configs.recommended,
  // Type-checked rules (floating promises, unsafe `any`, stringified objects): about 12 s for the repository.
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      // `const { Omitted: _o, ...rest } = x` is how the tests drop a field; tsc's noUnusedLocals accepts it too.
      '@typescript-eslint/no-unused-vars': ['error', { ignoreRestSiblings: true }],
    },
  },
  {
    files: ['test/**/*.ts'],
    rules: {
      // Test fakes implement the collectors' async interfaces: `async` turns their throws into rejections, as the
      // real SDK calls fail, so an `async` without `await` is intended there.
      '@typescript-eslint/require-await': 'off',
      // @types/jest types the asymmetric matchers (expect.any, expect.stringContaining, ...) as `any` so that they
      // fit any field of an expected object; in test/ every finding of this rule was one of them.
      '@typescript-eslint/no-unsafe-assignment': 'off',
    },
  },
  {
    // Outside tsconfig.json (no allowJs): checked without types.
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // CommonJS, loaded by jest with require (the package has no "type": "module").
    files: ['**/*.js'],
    languageOptions: { sourceType: 'commonjs' },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
);
