module.exports = require('../../jest.preset.js').tier(__dirname, 'spec');
