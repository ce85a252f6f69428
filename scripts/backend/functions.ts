/**
 * The edge functions, served by one Deno process: supabase/functions/_local/router.ts
 * maps /functions/v1/<name> to each function's handler. It picks its own
 * port when asked for 0 and reports it in a JSON line once listening.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { findDeno } from './deno';

export interface FunctionsServer {
  url: string;
  stop(): Promise<void>;
}

export interface FunctionsOptions {
  supabaseDir: string;
  port?: number;
  env: Record<string, string>;
  /** Receives every line the functions print. */
  onLog?: (line: string) => void;
  startTimeoutMs?: number;
}

export function startFunctions(options: FunctionsOptions): Promise<FunctionsServer> {
  const functionsDir = join(options.supabaseDir, 'functions');
  const child = spawn(
    findDeno(),
    ['run', '--allow-net', '--allow-env', '--allow-read', '--config', join(functionsDir, 'deno.json'), join(functionsDir, '_local', 'router.ts')],
    {
      cwd: functionsDir,
      // LOCAL_CAPTCHA_SECRET turns on the Auth stand-in's captcha check: only a caller that asks (options.env) gets it, never the shell.
      env: { ...process.env, LOCAL_CAPTCHA_SECRET: '', NO_COLOR: '1', ...options.env, FUNCTIONS_PORT: String(options.port ?? 0) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const onLog = options.onLog ?? ((line: string) => console.log(line));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(killer);
    }
  };

  return new Promise((resolve, reject) => {
    let ready = false;
    const recent: string[] = [];
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`edge functions did not start within ${options.startTimeoutMs ?? 60_000} ms:\n${recent.join('\n')}`));
    }, options.startTimeoutMs ?? 60_000);

    const onLine = (line: string) => {
      if (!ready) {
        recent.push(line);
        if (recent.length > 40) recent.shift();
        const match = /^\{"listening":"([^"]+)"\}$/.exec(line.trim());
        if (match) {
          ready = true;
          clearTimeout(timer);
          resolve({ url: match[1], stop });
          return;
        }
      }
      onLog(line);
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      if (ready) return;
      clearTimeout(timer);
      reject(new Error(`edge functions exited (${signal ?? code}) before listening:\n${recent.join('\n')}`));
    });
  });
}
