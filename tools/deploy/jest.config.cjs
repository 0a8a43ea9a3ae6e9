// CommonJS: this package is "type": "module" so that Node runs its sources directly.
// kubernetes-models ships ES modules only: resolve (jest.resolver.cjs) and compile them like ours.
module.exports = require('../../jest.preset.js').tier(__dirname, 'spec', {
  resolver: require.resolve('./jest.resolver.cjs'),
  transformIgnorePatterns: [
    '/node_modules/(?!(jose|openid-client|oauth4webapi|oidc-provider|kubernetes-models|@kubernetes-models|is-cidr|cidr-regex|ip-regex)/)',
  ],
  // The first run builds helm and kustomize with Go (minutes on two cores); later ones take seconds.
  testTimeout: 900_000,
});
