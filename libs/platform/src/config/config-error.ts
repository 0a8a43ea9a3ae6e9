/** One thing wrong with the environment: the variable and what is wrong with it. */
export interface ConfigProblem {
  variable: string;
  problem: string;
}

/** Thrown by `loadConfig` with every problem found, so one start-up attempt shows them all. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly problems: readonly ConfigProblem[]) {
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(
      [
        `Invalid configuration (${count}):`,
        ...problems.map(({ variable, problem }) => `  ${variable}: ${problem}`),
      ].join('\n'),
    );
  }
}
