// Medium tests run the gateway's repositories and use cases against the real FerretDB and Kafka.
module.exports = require('../../jest.preset.js').tier(__dirname, 'medium-spec', {
  testTimeout: 120_000,
});
