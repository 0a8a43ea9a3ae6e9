// CommonJS: this package is "type": "module" so that Node runs its sources directly.
module.exports = require('../../jest.preset.js').tier(__dirname, 'spec');
