// Medium tests run the identity application in process against the real FerretDB and Kafka.
module.exports = require('../../jest.preset.js').tier(__dirname, 'medium-spec', {
  testTimeout: 120_000,
});
