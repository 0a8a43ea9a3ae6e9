import type { InfraSettings } from '../settings.ts';

/** One local server: how to fetch it, start it and tell that it is ready. */
export interface LocalServer {
  name: string;
  port(s: InfraSettings): number;
  /** Fetch or build what is missing into the cache; a no-op when cached. */
  install(s: InfraSettings, say: (line: string) => void): Promise<void>;
  /** Start the process detached and return its pid. */
  start(s: InfraSettings): Promise<number>;
  /** True when the server answers its protocol, not merely when its port is open. */
  ready(s: InfraSettings): Promise<boolean>;
  /** Seconds to wait for readiness after start. */
  startTimeoutSeconds: number;
}

export class MissingToolError extends Error {
  constructor(tools: { command: string; why: string; install: string }[]) {
    super(
      tools
        .map((t) => `${t.command} is needed ${t.why} but is not on PATH. Install it: ${t.install}`)
        .join('\n'),
    );
    this.name = 'MissingToolError';
  }
}
