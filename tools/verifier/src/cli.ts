#!/usr/bin/env node
// cairn-verify: check an audit-ledger export with nothing but Node and the ledger's public key.
//   node tools/verifier/src/cli.ts <export.ndjson> --key <public.pem>
// Exit 0: everything verifies. 1: something does not (the first bad leaf index is named).
// 2: the command was used wrongly or a file could not be read.
import { createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { verifyExport } from './verify-export.ts';

function usage(message: string): never {
  console.error(
    `${message}\nusage: node tools/verifier/src/cli.ts <export.ndjson> --key <public.pem>`,
  );
  process.exit(2);
}

let parsed;
try {
  parsed = parseArgs({ allowPositionals: true, options: { key: { type: 'string' } } });
} catch (error) {
  usage((error as Error).message);
}
const [file] = parsed.positionals;
if (!file || !parsed.values.key) usage('an export file and --key are required');

let report;
try {
  const key = createPublicKey(readFileSync(parsed.values.key, 'utf8'));
  report = verifyExport(readFileSync(file, 'utf8'), key);
} catch (error) {
  usage(`cannot read the inputs: ${(error as Error).message}`);
}

if (report.ok) {
  console.log(
    `OK: tree head over ${report.treeSize} leaves verified; ${report.leavesChecked} leaves and their proofs verified` +
      (report.complete ? '; root recomputed from the complete log' : ''),
  );
  process.exit(0);
}
if (report.firstBadIndex !== undefined) console.log(`FAILED at leaf ${report.firstBadIndex}`);
else console.log('FAILED');
for (const problem of report.problems.slice(0, 20)) console.log(`  ${problem}`);
process.exit(1);
