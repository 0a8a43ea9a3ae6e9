// .cjs: this package is "type": "module" (see README.md), and Jest loads its config with require.
module.exports = require('../../jest.preset.js').tier(__dirname, 'spec');
