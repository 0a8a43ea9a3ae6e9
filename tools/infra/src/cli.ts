// npm run infra -- up | down | status | logs [server] | reset | env
import { existsSync, readFileSync } from 'node:fs';
import { down, endpoints, reset, SERVERS, status, up } from './index.ts';
import { infraSettings } from './settings.ts';

const USAGE = `usage: npm run infra -- <command>

  up              fetch (first run), start and health-check Kafka, FerretDB and Azurite;
                  reuses servers that already run
  down            stop them
  status          what runs, on which port, and whether it answers
  logs [server]   the last lines of each server's log (${SERVERS.map((s) => s.name).join(', ')})
  env             the endpoints as environment variables
  reset           delete all local data (servers must be down)

Ports: CAIRN_KAFKA_PORT (29092), CAIRN_KAFKA_CONTROLLER_PORT (29093), CAIRN_MONGO_PORT (27027),
CAIRN_AZURITE_BLOB_PORT (10000). Data: CAIRN_INFRA_DIR (.cairn/). Downloads: CAIRN_CACHE_DIR.`;

const say = (line: string) => console.log(line);

async function main(argv: string[]): Promise<number> {
  const [command, arg] = argv;
  switch (command) {
    case 'up': {
      const started = Date.now();
      const e = await up({ say });
      console.log(`infrastructure ready in ${((Date.now() - started) / 1000).toFixed(1)}s`);
      console.log(`  kafka     ${e.kafkaBrokers.join(',')}`);
      console.log(`  mongodb   ${e.mongoUrl}`);
      console.log(`  azurite   ${e.azuriteBlobUrl}`);
      return 0;
    }
    case 'down':
      await down({ say });
      return 0;
    case 'status': {
      const all = await status();
      for (const st of all) {
        const state = st.ready ? 'ready' : st.pid ? 'running, not answering' : 'stopped';
        console.log(
          `${st.name.padEnd(9)} ${state.padEnd(24)} port ${st.port}${st.pid ? `  pid ${st.pid}` : ''}`,
        );
      }
      return all.every((st) => st.ready) ? 0 : 3;
    }
    case 'logs': {
      for (const st of await status()) {
        if (arg && st.name !== arg) continue;
        console.log(`==> ${st.log} <==`);
        console.log(
          existsSync(st.log)
            ? readFileSync(st.log, 'utf8').split('\n').slice(-40).join('\n')
            : '(no log yet)',
        );
      }
      return 0;
    }
    case 'env': {
      const e = endpoints(infraSettings());
      console.log(`KAFKA_BROKERS=${e.kafkaBrokers.join(',')}`);
      console.log(`MONGODB_URL=${e.mongoUrl}`);
      console.log(`AZURE_STORAGE_CONNECTION_STRING="${e.azuriteConnectionString}"`);
      return 0;
    }
    case 'reset':
      await reset();
      console.log('local data removed');
      return 0;
    default:
      console.error(USAGE);
      return command === undefined || command === 'help' || command === '--help' ? 0 : 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`infra: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
