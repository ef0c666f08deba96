// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'cdk.out/', '.data/', 'coverage/', 'dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Product code is read in review tools and terminals: no line over 140 characters, strings and regexes included.
    files: ['shared/**/*.ts', 'functions/**/*.ts', 'infra/**/*.ts', 'cli/**/*.ts', 'local/**/*.ts', 'bench/**/*.ts', 'bin/**/*.mjs'],
    rules: { 'max-len': ['error', { code: 140, ignoreUrls: false, ignoreStrings: false, ignoreTemplateLiterals: false }] },
  },
  {
    files: ['shared/app/**/*.ts'],
    rules: {
      // Use cases know ports, not the platform: no AWS SDK, Powertools, Lambda types or Node modules.
      'no-restricted-imports': [
        'error',
        { patterns: ['@aws-sdk/*', '@aws-lambda-powertools/*', 'aws-lambda', 'node:*', '../adapters/*', '../../adapters/*'] },
      ],
      'no-restricted-globals': ['error', { name: 'Buffer', message: 'Node-only: use TextEncoder/TextDecoder.' }, 'process'],
    },
  },
  {
    files: ['shared/domain/**/*.ts'],
    rules: {
      // The domain core stays pure: no AWS SDK, no clock reads.
      'no-restricted-imports': ['error', { patterns: ['@aws-sdk/*', '@aws-lambda-powertools/*', 'aws-lambda', 'node:*'] }],
      'no-restricted-syntax': [
        'error',
        {
          selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']",
          message: 'Pass `now` in; the domain never reads the clock.',
        },
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'Pass `now` in; the domain never reads the clock.' },
      ],
    },
  },
  {
    files: ['bin/**/*.mjs', 'test/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
