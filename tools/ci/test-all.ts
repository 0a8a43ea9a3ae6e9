// `npm test`: every check and every test tier of the workspace, in the order CI needs, ending
// with one line "tests: N passed, N failed". Steps stop at the first failure.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Step {
  name: string;
  command: string;
}

const nx = (args: string) => `npx nx ${args} --outputStyle=stream`;

const STEPS: Step[] = [
  { name: 'infrastructure (Kafka, FerretDB, Azurite)', command: 'npm run -s infra -- up' },
  { name: 'proto lint (buf)', command: nx('run contracts:lint-proto --skip-nx-cache') },
  { name: 'generated contracts are up to date', command: nx('run contracts:check-generated') },
  { name: 'format (prettier)', command: 'npx prettier --check . --log-level warn' },
  { name: 'lint (eslint, module boundaries)', command: nx('run-many -t lint') },
  { name: 'typecheck', command: nx('run-many -t typecheck') },
  { name: 'build', command: nx('run-many -t build') },
  { name: 'small tests', command: nx('run-many -t test --skip-nx-cache') },
  { name: 'medium tests (real servers)', command: nx('run-many -t test-medium --parallel=1') },
  {
    name: 'end-to-end tests (running services, headless Chromium)',
    command: nx('run-many -t test-e2e --parallel=1'),
  },
];

const summaryDir = mkdtempSync(join(tmpdir(), 'cairn-test-summary-'));
const env = {
  ...process.env,
  CAIRN_TEST_SUMMARY_DIR: summaryDir,
  NX_DAEMON: 'false',
  NX_NO_CLOUD: 'true',
  NX_TUI: 'false',
  NODE_OPTIONS: [process.env.NODE_OPTIONS, '--disable-warning=TimeoutNegativeWarning']
    .filter(Boolean)
    .join(' '),
};

function totals() {
  const t = { passed: 0, failed: 0, skipped: 0, failedSuites: 0 };
  for (const file of readdirSync(summaryDir)) {
    const r = JSON.parse(readFileSync(join(summaryDir, file), 'utf8'));
    t.passed += r.passed;
    t.failed += r.failed;
    t.skipped += r.skipped;
    t.failedSuites += r.failedSuites;
  }
  return t;
}

const started = Date.now();
let failedStep: string | undefined;
for (const step of STEPS) {
  const t0 = Date.now();
  console.log(`\n=== ${step.name}: ${step.command}`);
  const result = spawnSync(step.command, { shell: true, stdio: 'inherit', env });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.log(`=== FAILED: ${step.name} (${secs}s)`);
    failedStep = step.name;
    break;
  }
  console.log(`=== ok: ${step.name} (${secs}s)`);
}

const t = totals();
rmSync(summaryDir, { recursive: true, force: true });
console.log(`\nall steps took ${((Date.now() - started) / 1000).toFixed(0)}s`);
if (failedStep) console.log(`failed step: ${failedStep}`);
// A failed step that is not a test (lint, build) still counts as one failure in the closing line.
const failed = t.failed + (failedStep && t.failed === 0 ? Math.max(1, t.failedSuites) : 0);
console.log(
  `tests: ${t.passed} passed, ${failed} failed${t.skipped ? `, ${t.skipped} skipped` : ''}`,
);
process.exit(failedStep ? 1 : 0);
