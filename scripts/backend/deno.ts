/**
 * Finding and running Deno. The `deno` devDependency puts its executable
 * in node_modules/deno (what `npx deno` runs); it is called directly so the
 * stack can stop it without a wrapper process in between.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export class DenoMissingError extends Error {
  constructor(detail: string) {
    super(`Deno is needed for the edge functions but was not found (${detail}). Run \`npm install\` (it installs the pinned \`deno\` devDependency, run as \`npx deno\`) or set DENO_BIN to a deno executable.`);
    this.name = 'DenoMissingError';
  }
}

export function findDeno(): string {
  const fromEnv = process.env.DENO_BIN;
  if (fromEnv) {
    if (!existsSync(fromEnv)) throw new DenoMissingError(`DENO_BIN=${fromEnv} does not exist`);
    return fromEnv;
  }
  try {
    const require = createRequire(import.meta.url);
    const exe = join(dirname(require.resolve('deno/package.json')), process.platform === 'win32' ? 'deno.exe' : 'deno');
    if (existsSync(exe)) return exe;
    throw new DenoMissingError(`${exe} is missing; its postinstall may not have run`);
  } catch (err) {
    if (err instanceof DenoMissingError) throw err;
    throw new DenoMissingError('the `deno` package is not installed');
  }
}

export interface DenoRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs deno to completion, collecting its output (and echoing it when `echo` is set). */
export function runDeno(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; echo?: boolean; timeoutMs?: number }): Promise<DenoRun> {
  const child = spawn(findDeno(), args, { cwd: options.cwd, env: { ...process.env, NO_COLOR: '1', ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  return collect(child, options.echo ?? false, options.timeoutMs);
}

function collect(child: ChildProcess, echo: boolean, timeoutMs?: number): Promise<DenoRun> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d;
    if (echo) process.stdout.write(d);
  });
  child.stderr?.on('data', (d: Buffer) => {
    stderr += d;
    if (echo) process.stderr.write(d);
  });
  return new Promise((resolve, reject) => {
    const timer = timeoutMs ? setTimeout(() => child.kill('SIGKILL'), timeoutMs) : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
