// End-to-end tests: the gateway's pages in headless Chromium (Debian's /usr/bin/chromium through
// playwright-core), axe-core on every page. The infrastructure comes from the medium global setup.
const path = require('node:path');
module.exports = require('../../jest.preset.js').tier(__dirname, 'e2e-spec', {
  globalSetup: path.join(__dirname, '../../libs/testing/src/jest/global-setup.ts'),
  testTimeout: 180_000,
});
