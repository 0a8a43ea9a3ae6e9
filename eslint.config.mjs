// One ESLint config for the workspace. Nx module boundaries keep the architecture honest:
// services depend only on libs, libs only on libs, and no service imports another.
import nx from '@nx/eslint-plugin';

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  ...nx.configs['flat/javascript'],
  {
    ignores: [
      '**/dist',
      '**/node_modules',
      '**/coverage',
      'libs/contracts/src/gen',
      '.cairn',
      '.nx',
    ],
  },
  {
    files: ['**/*.ts', '**/*.js', '**/*.mjs'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:service', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:lib', onlyDependOnLibsWithTags: ['type:lib'] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:lib', 'type:tool'] },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      'no-console': ['error', { allow: ['warn', 'error'] }],
    },
  },
  {
    // Jest configs load the shared preset by path; they are config, not code in the graph.
    files: ['**/jest.*.js', 'jest.preset.js'],
    rules: { '@nx/enforce-module-boundaries': 'off' },
  },
  {
    // CLIs, benchmarks and test fixtures talk to a person on stdout.
    files: [
      'tools/**/*.ts',
      '**/bench/**/*.ts',
      '**/test/**/*.ts',
      '**/*.medium-spec.ts',
      '**/*.e2e-spec.ts',
    ],
    rules: { 'no-console': 'off' },
  },
];
