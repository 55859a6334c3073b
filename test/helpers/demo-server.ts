/**
 * The README's demo as a browser sees it: `observebridge run --once` into a fresh PGlite directory,
 * then `observebridge run` serving that database (the status page included) on a free loopback
 * port. Used by the browser tests, the page-load benchmark and the screenshot tool.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { repoRoot } from './paths.js';

const execFileP = promisify(execFile);
const CLI = join(repoRoot, 'bin', 'observebridge.js');
const DEMO = join(repoRoot, 'configs', 'demo.yaml');

export interface DemoDb {
  dir: string;
  db: string;
  /** configs/demo.yaml with its relative paths made absolute and `jobs` overrides merged in. */
  config(jobs?: Record<string, unknown>): string;
  close(): void;
}

/** Runs the CLI to completion; rejects with its stderr when it exits non-zero. */
export async function cli(args: string[], env: Record<string, string> = {}): Promise<string> {
  try {
    const r = await execFileP(process.execPath, [CLI, ...args], {
      env: { ...process.env, OBSERVEBRIDGE_LOG_LEVEL: 'warn', ...env },
      maxBuffer: 64 * 1024 * 1024,
    });
    return r.stdout;
  } catch (e) {
    const x = e as { code?: number; stderr?: string };
    throw new Error(`observebridge ${args.join(' ')}: exit ${x.code}\n${(x.stderr ?? '').slice(-2000)}`, { cause: e });
  }
}

/** A fresh directory holding the demo database after `run --once`. */
export async function demoDb(): Promise<DemoDb> {
  const dir = mkdtempSync(join(tmpdir(), 'ob-demo-'));
  const db = join(dir, 'db');
  const config = (jobs: Record<string, unknown> = {}): string => {
    const doc = parse(readFileSync(DEMO, 'utf8')) as {
      tenants: { topology?: Record<string, string[]> }[];
      jobs?: Record<string, unknown>;
    };
    const base = dirname(DEMO);
    for (const t of doc.tenants) {
      for (const [k, list] of Object.entries(t.topology ?? {}))
        t.topology![k] = list.map((p) => (isAbsolute(p) ? p : resolve(base, p)));
    }
    doc.jobs = { ...doc.jobs, ...jobs };
    const file = join(dir, `config-${Object.keys(jobs).join('-') || 'demo'}.yaml`);
    writeFileSync(file, stringify(doc));
    return file;
  };
  try {
    await cli(['run', '--once', '--db', db, '--config', config()]);
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return { dir, db, config, close: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface DemoServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  child: ChildProcess;
  /** SIGTERM, then waits for the exit (the database directory is free again). */
  stop(): Promise<void>;
}

/** `observebridge run` on `db`, listening on a free loopback port; resolves once it listens. */
export async function serveDemo(db: string, opts: { config?: string; token?: string } = {}): Promise<DemoServer> {
  const args = [CLI, 'run', '--db', db, '--listen', '127.0.0.1:0', ...(opts.config ? ['--config', opts.config] : [])];
  const env: NodeJS.ProcessEnv = { ...process.env, OBSERVEBRIDGE_LOG_LEVEL: 'info' };
  if (opts.token) env.OBSERVEBRIDGE_API_TOKEN = opts.token;
  else delete env.OBSERVEBRIDGE_API_TOKEN;
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const url = await new Promise<string>((res, rej) => {
    let buf = '';
    const timer = setTimeout(
      () => rej(new Error(`observebridge run did not listen within 60 s:\n${buf.slice(-2000)}`)),
      60_000,
    );
    child.stderr!.on('data', (chunk: Buffer) => {
      buf += chunk.toString('utf8');
      const m = /"listen":"(127\.0\.0\.1:\d+)"[^\n]*"msg":"http: listening"/.exec(buf);
      if (m) {
        clearTimeout(timer);
        res(`http://${m[1]}`);
      }
      if (buf.length > 1_000_000) buf = buf.slice(-100_000);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      rej(new Error(`observebridge run exited (${code}) before listening:\n${buf.slice(-2000)}`));
    });
  });
  return {
    url,
    child,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
