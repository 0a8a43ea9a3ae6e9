// Generated files are written as prettier would leave them, so `prettier --check .` and the
// "generated files are up to date" test agree. Prettier runs once, as a child process, over a
// temporary copy (its API loads ES modules dynamically, which Jest's CommonJS runtime cannot).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface TextFile {
  /** Relative to the repository root. */
  path: string;
  content: string;
}

const FORMATTED = /\.(ya?ml|json|md)$/;

export function prettierFormat(root: string, files: TextFile[]): TextFile[] {
  const todo = files.filter((f) => FORMATTED.test(f.path));
  if (todo.length === 0) return files;
  const work = mkdtempSync(join(tmpdir(), 'cairn-prettier-'));
  try {
    for (const f of todo) {
      mkdirSync(dirname(join(work, f.path)), { recursive: true });
      writeFileSync(join(work, f.path), f.content);
    }
    const bin = createRequire(join(root, 'package.json')).resolve('prettier/bin/prettier.cjs');
    const result = spawnSync(
      process.execPath,
      [
        bin,
        '--config',
        join(root, '.prettierrc.json'),
        '--log-level',
        'warn',
        '--write',
        ...todo.map((f) => f.path),
      ],
      { cwd: work, encoding: 'utf8' },
    );
    if (result.status !== 0) throw new Error(`prettier failed:\n${result.stderr}`);
    return files.map((f) =>
      FORMATTED.test(f.path)
        ? { path: f.path, content: readFileSync(join(work, f.path), 'utf8') }
        : f,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
