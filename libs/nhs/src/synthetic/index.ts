export * from './random.ts';
export * from './synthetic-gp.ts';
