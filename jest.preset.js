// Shared Jest settings for every project. Tiers (STYLE.md §6) differ only by file pattern:
//   *.spec.ts         small tests, no I/O            -> jest.config.js
//   *.medium-spec.ts  real FerretDB, Kafka, Azurite  -> jest.medium.config.js
//   *.e2e-spec.ts     the running system, browser    -> jest.e2e.config.js
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

const root = __dirname;

// tsconfig.base.json "paths" are the single source of the @cairn/* aliases.
function moduleNameMapper() {
  const map = {};
  for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
    const from = '^' + alias.replace('/', '\\/').replace('*', '(.*)') + '$';
    map[from] = path.join(root, target.replace('*', '$1'));
  }
  return map;
}

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2023',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

/** @param {string} projectDir @param {'spec'|'medium-spec'|'e2e-spec'} tierName */
function tier(projectDir, tierName, extra = {}) {
  return {
    rootDir: projectDir,
    testEnvironment: 'node',
    transform: { '^.+\\.(t|j)s$': swc },
    moduleFileExtensions: ['ts', 'js', 'json'],
    moduleNameMapper: moduleNameMapper(),
    testMatch: [`<rootDir>/**/*.${tierName}.ts`],
    testPathIgnorePatterns: ['/node_modules/', '/dist/'],
    // ESM-only packages (jose; openid-client and oauth4webapi, identity's OIDC relying party;
    // oidc-provider, its tests' provider) are compiled to CommonJS by the same swc transform as
    // our sources.
    transformIgnorePatterns: ['/node_modules/(?!(jose|openid-client|oauth4webapi|oidc-provider)/)'],
    reporters: ['default', path.join(root, 'libs/testing/src/jest/summary-reporter.js')],
    ...(tierName === 'spec' ? {} : tierName === 'medium-spec' ? mediumDefaults() : {}),
    ...extra,
  };
}

function mediumDefaults() {
  return {
    globalSetup: path.join(root, 'libs/testing/src/jest/global-setup.ts'),
    testTimeout: 60_000,
  };
}

module.exports = { tier, moduleNameMapper, swc };
