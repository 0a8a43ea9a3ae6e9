import { z } from 'zod';
import { envVar } from '../../src/config';

/** The value a builder produces, or the problem message it reports. */
function read(schema: z.ZodType, raw: string): { value?: unknown; problem?: string } {
  const result = schema.safeParse(raw);
  return result.success ? { value: result.data } : { problem: result.error.issues[0].message };
}

describe('envVar builders', () => {
  it('port: accepts 1–65535 and says what it expected otherwise', () => {
    expect(read(envVar.port(), '50051')).toEqual({ value: 50051 });
    expect(read(envVar.port(), '65535')).toEqual({ value: 65535 });
    for (const bad of ['abc', '0', '65536', '80.5', '-1', '']) {
      expect(read(envVar.port(), bad)).toEqual({
        problem: `expected an integer 1–65535, got ${JSON.stringify(bad)}`,
      });
    }
  });

  it('integer: honours its bounds', () => {
    expect(read(envVar.integer({ min: 1, max: 5 }), '5')).toEqual({ value: 5 });
    expect(read(envVar.integer({ min: 1, max: 5 }), '6').problem).toBe(
      'expected an integer 1–5, got "6"',
    );
  });

  it('url: accepts http(s) and never echoes the value, which may carry credentials', () => {
    expect(read(envVar.url(), 'http://collector:4318')).toEqual({
      value: 'http://collector:4318/',
    });
    const { problem } = read(envVar.url(), 'ftp://user:hunter2@host');
    expect(problem).toMatch(/^expected an http or https URL/);
    expect(problem).not.toContain('hunter2');
    expect(read(envVar.url(), 'not a url').problem).toMatch(/^expected an http or https URL/);
    expect(read(envVar.url({ protocols: ['https'] }), 'http://x').problem).toMatch(
      /^expected an https URL/,
    );
  });

  it('kafkaBrokers: a comma-separated host:port list, as an array', () => {
    expect(read(envVar.kafkaBrokers(), 'kafka-0:9092, kafka-1:9092')).toEqual({
      value: ['kafka-0:9092', 'kafka-1:9092'],
    });
    expect(read(envVar.kafkaBrokers(), 'cairn-ns.servicebus.windows.net:9093')).toEqual({
      value: ['cairn-ns.servicebus.windows.net:9093'],
    });
    expect(read(envVar.kafkaBrokers(), '[::1]:9092')).toEqual({ value: ['[::1]:9092'] });
    for (const bad of ['kafka', 'kafka:', 'kafka:99999', 'a:1,,b:2', 'http://kafka:9092']) {
      expect(read(envVar.kafkaBrokers(), bad).problem).toBe(
        `expected comma-separated host:port, e.g. "kafka-0:9092,kafka-1:9092", got ${JSON.stringify(bad)}`,
      );
    }
  });

  it('list: comma-separated, trimmed, empty entries dropped', () => {
    expect(read(envVar.list(), ' a , b,,c ')).toEqual({ value: ['a', 'b', 'c'] });
    expect(read(envVar.list(), '')).toEqual({ value: [] });
    expect(read(envVar.list(), ' , ')).toEqual({ value: [] });
  });

  it('mongoUri: mongodb:// or mongodb+srv://, never echoed', () => {
    for (const good of [
      'mongodb://127.0.0.1:27017/identity',
      'mongodb+srv://user:pw@cluster0.example.net/identity?retryWrites=true',
      'mongodb://a:1,b:2/db?replicaSet=rs0',
    ]) {
      expect(read(envVar.mongoUri(), good)).toEqual({ value: good });
    }
    const { problem } = read(envVar.mongoUri(), 'postgres://admin:hunter2@db/identity');
    expect(problem).toBe('expected a mongodb:// or mongodb+srv:// URI');
    expect(read(envVar.mongoUri(), 'mongodb://').problem).toBe(
      'expected a mongodb:// or mongodb+srv:// URI',
    );
  });

  it('logLevel: one of pino’s levels', () => {
    expect(read(envVar.logLevel(), 'debug')).toEqual({ value: 'debug' });
    expect(read(envVar.logLevel(), 'verbose').problem).toBe(
      'expected one of fatal, error, warn, info, debug, trace, silent, got "verbose"',
    );
  });

  it('flag: only "true" and "false", so a typo is not silently false', () => {
    expect(read(envVar.flag(), 'true')).toEqual({ value: true });
    expect(read(envVar.flag(), 'false')).toEqual({ value: false });
    for (const bad of ['1', 'yes', 'TRUE', 'ture']) {
      expect(read(envVar.flag(), bad).problem).toBe(
        `expected "true" or "false", got ${JSON.stringify(bad)}`,
      );
    }
  });

  it('duration: a number with a unit, as milliseconds', () => {
    expect(read(envVar.duration(), '500ms')).toEqual({ value: 500 });
    expect(read(envVar.duration(), '30s')).toEqual({ value: 30_000 });
    expect(read(envVar.duration(), '5m')).toEqual({ value: 300_000 });
    expect(read(envVar.duration(), '1h')).toEqual({ value: 3_600_000 });
    for (const bad of ['30', '1.5s', '2d', 's']) {
      expect(read(envVar.duration(), bad).problem).toBe(
        `expected a duration such as 500ms, 30s, 5m or 1h, got ${JSON.stringify(bad)}`,
      );
    }
  });

  it('secret: any non-empty value, never shown', () => {
    expect(read(envVar.secret(), 's3cr3t')).toEqual({ value: 's3cr3t' });
    expect(read(envVar.secret(), '').problem).toBe('expected a non-empty secret (value not shown)');
  });
});
