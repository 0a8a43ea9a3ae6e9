// Lets plain `node` run the workspace's TypeScript (benchmarks, test fixture processes) the way
// Jest does: each .ts file is compiled by swc to CommonJS on require, and the @cairn/* aliases
// resolve to source through tsconfig.base.json "paths". Use: node --require <this file> x.ts
'use strict';
const Module = require('node:module');
const path = require('node:path');
const fs = require('node:fs');
const swc = require('@swc/core');

const root = path.resolve(__dirname, '../..');
const { compilerOptions } = JSON.parse(
  fs.readFileSync(path.join(root, 'tsconfig.base.json'), 'utf8'),
);

// Exact aliases first, then wildcard ones ("@cairn/contracts/*").
const aliases = Object.entries(compilerOptions.paths).map(([alias, [target]]) => ({
  prefix: alias.replace('*', ''),
  wildcard: alias.endsWith('*'),
  target: path.join(root, target.replace('*', '')),
}));

const originalResolve = Module._resolveFilename;
Module._resolveFilename = function resolveWithAliases(request, ...rest) {
  for (const alias of aliases) {
    if (alias.wildcard ? request.startsWith(alias.prefix) : request === alias.prefix) {
      const mapped = alias.wildcard
        ? alias.target + request.slice(alias.prefix.length)
        : alias.target;
      return originalResolve.call(this, mapped, ...rest);
    }
  }
  return originalResolve.call(this, request, ...rest);
};

const options = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2023',
  },
  module: { type: 'commonjs' },
  sourceMaps: 'inline',
};

Module._extensions['.ts'] = function compileTypeScript(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = swc.transformSync(source, { ...options, filename });
  module._compile(code, filename);
};
