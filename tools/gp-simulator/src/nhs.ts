// @cairn/nhs for this tool. Node runs the simulator straight from its TypeScript sources (type
// stripping), which cannot resolve the workspace's @cairn/* path aliases, so the library is
// imported by the path the alias names (tsconfig.base.json). Only this file does so.
// eslint-disable-next-line @nx/enforce-module-boundaries
export * from '../../../libs/nhs/src/index.ts';
