// Medium tests start retention in process and wait for Kafka consumer groups: allow them time.
module.exports = require('../../jest.preset.js').tier(__dirname, 'medium-spec', {
  testTimeout: 180_000,
});
