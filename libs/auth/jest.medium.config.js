// Medium tests here need only loopback HTTP, so the shared infrastructure (Kafka, FerretDB,
// Azurite) that the preset's global setup starts is skipped.
module.exports = require('../../jest.preset.js').tier(__dirname, 'medium-spec', {
  globalSetup: undefined,
});
