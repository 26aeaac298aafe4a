/**
 * Helpers for the end-to-end tests: build the project once (npx tsc), run the BUILT bin/synfin.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
/** bin/synfin of the build under test (set by build()). */
export let BIN = join(ROOT, 'bin/synfin');

let built = false;
const made: string[] = [];

/** Remove the private build and the temporary directories (afterAll). */
export function cleanup(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}
/**
 * Compile the project with its tsconfig into a private copy of the package layout (bin/synfin,
 * package.json, dist/, node_modules → the real one) and run that bin/synfin: the shared dist/ of
 * the working tree may be rebuilt by someone else in the middle of a test run. Type errors in files
 * still being written do not stop tsc from emitting. With SYNFIN_NO_BUILD=1 the tests use the
 * working tree's bin/synfin and dist/ as they are.
 */
export function build(): void {
  if (built || process.env.SYNFIN_NO_BUILD === '1') return;
  const pkg = mkdtempSync(join(tmpdir(), 'synfin-build-'));
  made.push(pkg);
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.json', '--outDir', join(pkg, 'dist')], { cwd: ROOT, stdio: 'pipe' });
  } catch {
    // non-zero exit on type errors elsewhere; the JavaScript is still emitted
  }
  mkdirSync(join(pkg, 'bin'));
  copyFileSync(join(ROOT, 'bin/synfin'), join(pkg, 'bin/synfin'));
  copyFileSync(join(ROOT, 'package.json'), join(pkg, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'));
  BIN = join(pkg, 'bin/synfin');
  built = true;
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run bin/synfin synchronously with a clean environment (no TTY, no colour, no CI progress). */
export function synfin(args: string[], env: Record<string, string> = {}, input?: Buffer): Run {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
    input,
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function spawnSynfin(args: string[], env: Record<string, string> = {}) {
  return spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
}

export function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'synfin-cli-'));
  made.push(d);
  return d;
}

export function writeTemp(dir: string, name: string, data: Uint8Array | string): string {
  const p = join(dir, name);
  writeFileSync(p, data);
  return p;
}
