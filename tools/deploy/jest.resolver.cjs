// kubernetes-models and its @kubernetes-models/* packages export ES modules under the "import"
// condition only; Jest resolves with "require". Resolve those (and only those) as imports: the
// transform in jest.config.cjs compiles them to CommonJS like our own sources.
module.exports = (path, options) =>
  options.defaultResolver(
    path,
    /^(@kubernetes-models\/|kubernetes-models(\/|$))/.test(path)
      ? { ...options, conditions: ['import', 'default'] }
      : options,
  );
