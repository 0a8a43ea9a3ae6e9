// Medium tests run the messaging application in process against the real FerretDB and Kafka,
// with providers served by local HTTP servers that follow each provider's published contract.
module.exports = require('../../jest.preset.js').tier(__dirname, 'medium-spec', {
  testTimeout: 120_000,
});
