// node tools/gp-simulator/src/cli.ts [--port 8090] [--host 127.0.0.1] [--seed cairn]
//                                   [--practices A81001,A81002,A81003] [--patients 40]
//                                   [--delay-ms 0] [--quiet] [--list]
// Serves the simulated GP system as FHIR R4 until SIGINT/SIGTERM, printing one line
// "gp-simulator listening on <base URL>" when ready. --list prints each practice's synthetic
// patients by scenario (NHS number, name, date of birth) and exits.
import { parseArgs } from 'node:util';
import { SyntheticGpSystem } from './nhs.ts';
import { startGpSimulator } from './server.ts';

const USAGE = `usage: node tools/gp-simulator/src/cli.ts [options]

  --port N            port to listen on (default 8090; 0 picks a free one)
  --host H            interface (default 127.0.0.1)
  --seed S            seed of the synthetic data (default "cairn")
  --practices A,B     ODS codes of the simulated practices (default A81001,A81002,A81003)
  --patients N        patients listed per practice (default 40, at least 11)
  --delay-ms N        delay every answer (to exercise client timeouts)
  --quiet             do not log requests
  --list              print the synthetic patients by scenario and exit`;

function integer(raw: string | undefined, name: string, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--${name} must be a whole number`);
  return n;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      practices: { type: 'string' },
      patients: { type: 'string' },
      'delay-ms': { type: 'string' },
      quiet: { type: 'boolean' },
      list: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const gp = new SyntheticGpSystem({
    seed: values.seed,
    practices: values.practices?.split(',').map((code) => code.trim()),
    patientsPerPractice: integer(values.patients, 'patients', 40),
  });

  if (values.list) {
    for (const practice of gp.practices) {
      console.log(`${practice.ods}  ${practice.name}  (${practice.system})`);
      for (const p of gp.patients.filter((x) => x.listedBy === practice.ods)) {
        if (p.scenario === 'ordinary' && p !== gp.scenario(practice.ods, 'ordinary')) continue;
        const name = `${p.given.join(' ')} ${p.family}`;
        console.log(`  ${p.scenario.padEnd(20)} ${p.nhsNumber}  ${p.birthDate}  ${name}`);
      }
      const users = gp.practitioners.filter((x) => x.practice === practice.ods);
      for (const u of users) {
        console.log(`  user ${u.system}:${u.userId}  ${u.role}${u.active ? '' : ' (left)'}`);
      }
    }
    return 0;
  }

  const simulator = await startGpSimulator({
    gp,
    host: values.host ?? '127.0.0.1',
    port: integer(values.port, 'port', 8090),
    delayMs: integer(values['delay-ms'], 'delay-ms', 0),
    onRequest: values.quiet ? undefined : (line) => console.log(line),
  });
  console.log(`gp-simulator listening on ${simulator.baseUrl}`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await simulator.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`gp-simulator: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
