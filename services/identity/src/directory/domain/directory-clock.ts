// Time for the directory's records and events; tests pass a fixed one.
export abstract class DirectoryClock {
  abstract now(): Date;
}

export const systemDirectoryClock: DirectoryClock = { now: () => new Date() };
