/**
 * A private, throwaway PostgreSQL cluster for scenarios that must stop and start the server: the
 * shared test server on :5432 serves every other test process, so it is never restarted. The
 * cluster lives in a mkdtemp directory (data, socket, log), listens on 127.0.0.1 on a port the OS
 * picked, trusts every local connection and runs with fsync=off (it holds nothing worth keeping).
 *
 * initdb refuses to run as root, so as root every server command runs as the `postgres` OS user
 * through `runuser`. Commands are spawned asynchronously: the caller's own workers keep running
 * while the server is stopped and started.
 */
import { spawn } from 'node:child_process';
import { accessSync, chownSync, constants, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { appendFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { delimiter, join } from 'node:path';
import { tmpdir } from 'node:os';

export type StopMode = 'immediate' | 'fast';

export interface RestartTiming {
  mode: StopMode;
  /** Date.now() when the stop was asked for. */
  stopAt: number;
  /** pg_ctl stop returned: the postmaster is gone. */
  downAt: number;
  /** pg_ctl start -w returned: the server accepts connections again. */
  upAt: number;
  /** upAt − stopAt: how long clients could not use the server. */
  downtimeMs: number;
}

export interface PrivatePg {
  /** postgres://postgres@127.0.0.1:<port>/postgres */
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly bindir: string;
  /** Stops the server (`immediate` is a crash: recovery on start), waits `downMs`, starts it again. */
  restart(opts: { mode: StopMode; downMs: number }): Promise<RestartTiming>;
  stop(mode?: StopMode): Promise<void>;
  start(): Promise<void>;
  /** Stops the server however it can (pg_ctl, then SIGKILL of the postmaster) and removes the directory. */
  cleanup(): Promise<void>;
  /** The end of the server log (for failure messages). */
  logTail(chars?: number): string;
}

/** Either the running cluster, or why this environment cannot run one (a reason for a test skip). */
export type PrivatePgResult = { ok: true; pg: PrivatePg } | { ok: false; reason: string };

const TOOLS = ['initdb', 'pg_ctl', 'postgres'] as const;

function hasTools(dir: string): boolean {
  return TOOLS.every((t) => {
    try {
      accessSync(join(dir, t), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

interface Ran {
  code: number | null;
  signal: string | null;
  out: string;
  error?: Error;
}

/**
 * Runs a command to its exit (not to the close of its pipes: pg_ctl start leaves a daemon behind,
 * which must not hold the caller up).
 */
function run(cmd: string, args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<Ran> {
  return new Promise((resolve) => {
    let out = '';
    let settled = false;
    const done = (r: Ran) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(r);
    };
    const child = spawn(cmd, args, { cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', (error) => done({ code: null, signal: null, out, error }));
    child.on('exit', (code, signal) => done({ code, signal, out }));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      done({ code: null, signal: 'SIGKILL', out: `${out}\n(timed out after ${opts.timeoutMs} ms)` });
    }, opts.timeoutMs ?? 60_000);
  });
}

function describeRun(what: string, r: Ran): string {
  const how = r.error ? r.error.message : r.signal ? `signal ${r.signal}` : `exit ${r.code}`;
  return `${what} failed (${how}): ${r.out.trim().slice(-800)}`;
}

/** The directory holding initdb, pg_ctl and postgres, or undefined. */
async function findBindir(): Promise<string | undefined> {
  const pgConfig = await run('pg_config', ['--bindir'], { timeoutMs: 10_000 });
  const fromConfig = pgConfig.code === 0 ? pgConfig.out.trim() : '';
  // pg_config may come with the client packages only (libpq-dev): its bindir then lacks initdb.
  if (fromConfig && hasTools(fromConfig)) return fromConfig;
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => /^\d+(\.\d+)?$/.test(v))
      .sort((a, b) => Number(b) - Number(a));
    for (const v of versions) if (hasTools(join(base, v, 'bin'))) return join(base, v, 'bin');
  }
  for (const dir of (process.env.PATH ?? '').split(delimiter)) if (dir && hasTools(dir)) return dir;
  return undefined;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function osUser(name: string): Promise<{ uid: number; gid: number } | undefined> {
  const u = await run('id', ['-u', name], { timeoutMs: 10_000 });
  const g = await run('id', ['-g', name], { timeoutMs: 10_000 });
  if (u.code !== 0 || g.code !== 0) return undefined;
  return { uid: Number(u.out.trim()), gid: Number(g.out.trim()) };
}

/**
 * The pid in the data directory's postmaster.pid when that process is alive and is a postgres
 * (a stale pid file may name a pid reused by something else, which must never be killed).
 */
function livePostmaster(data: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(data, 'postmaster.pid'), 'utf8').split('\n')[0]);
    if (!Number.isInteger(pid) || pid <= 0) return undefined;
    if (!existsSync('/proc/self')) {
      process.kill(pid, 0); // no /proc (not Linux): liveness only
      return pid;
    }
    const comm = readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
    return comm === 'postgres' ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Creates and starts a private cluster; `{ ok: false, reason }` when this environment cannot. */
export async function startPrivatePg(): Promise<PrivatePgResult> {
  const bindir = await findBindir();
  if (!bindir)
    return {
      ok: false,
      reason:
        'PostgreSQL server binaries (initdb, pg_ctl, postgres) not found: not in `pg_config --bindir`, ' +
        '/usr/lib/postgresql/*/bin or PATH',
    };
  const asRoot = process.getuid?.() === 0;
  let owner: { uid: number; gid: number } | undefined;
  if (asRoot) {
    owner = await osUser('postgres');
    if (!owner) return { ok: false, reason: "running as root and there is no 'postgres' OS user to run initdb as" };
    if (!(await run('runuser', ['--help'], { timeoutMs: 10_000 })).out.includes('runuser'))
      return { ok: false, reason: 'running as root and `runuser` is not available to run initdb as postgres' };
  }
  // As root the commands run as postgres: argv[0] is runuser.
  const cmd = (tool: string, args: string[]): [string, string[]] =>
    asRoot ? ['runuser', ['-u', 'postgres', '--', join(bindir, tool), ...args]] : [join(bindir, tool), args];

  const dir = mkdtempSync(join(tmpdir(), 'ob-private-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  const pgCtl = (args: string[], timeoutMs = 70_000) =>
    run(...cmd('pg_ctl', ['-D', data, ...args]), { cwd: dir, timeoutMs });
  const logTail = (chars = 4_000) => {
    try {
      return readFileSync(log, 'utf8').slice(-chars);
    } catch {
      return '(no server log)';
    }
  };
  const start = async () => {
    const r = await pgCtl(['-l', log, '-w', '-t', '60', 'start']);
    if (r.code !== 0) throw new Error(`${describeRun('pg_ctl start', r)}\nserver log: ${logTail(2_000)}`);
  };
  const stop = async (mode: StopMode = 'fast') => {
    const r = await pgCtl(['-m', mode, '-w', '-t', '60', 'stop']);
    if (r.code !== 0) throw new Error(`${describeRun(`pg_ctl stop -m ${mode}`, r)}\nserver log: ${logTail(2_000)}`);
  };
  /** Stops the server whatever state it is in: pg_ctl, else SIGKILL of our postmaster. */
  const kill = async () => {
    if (livePostmaster(data) === undefined) return;
    await pgCtl(['-m', 'immediate', '-w', '-t', '20', 'stop'], 30_000);
    const pid = livePostmaster(data);
    // pg_ctl could not stop it: kill the postmaster this helper started (its backends exit on
    // their own once they see it gone).
    if (pid !== undefined) process.kill(pid, 'SIGKILL');
  };
  try {
    if (owner) chownSync(dir, owner.uid, owner.gid);
    const init = await run(
      ...cmd('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-locale', '--no-sync']),
      { cwd: dir, timeoutMs: 60_000 },
    );
    if (init.code !== 0) {
      rmSync(dir, { recursive: true, force: true });
      return { ok: false, reason: describeRun(`initdb (${bindir})`, init) };
    }
    const port = await freePort();
    await appendFile(
      join(data, 'postgresql.conf'),
      [
        '',
        '# private test cluster (test/helpers/reliability/private-pg.ts)',
        "listen_addresses = '127.0.0.1'",
        `port = ${port}`,
        `unix_socket_directories = '${dir}'`,
        'fsync = off',
        'synchronous_commit = off',
        'full_page_writes = off',
        'max_connections = 60',
        'shared_buffers = 32MB',
        '',
      ].join('\n'),
    );
    await start();
    let cleaned = false;
    const pg: PrivatePg = {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      port,
      dir,
      bindir,
      start,
      stop,
      logTail,
      async restart({ mode, downMs }) {
        const stopAt = Date.now();
        await stop(mode);
        const downAt = Date.now();
        await new Promise((r) => setTimeout(r, downMs));
        await start();
        const upAt = Date.now();
        return { mode, stopAt, downAt, upAt, downtimeMs: upAt - stopAt };
      },
      async cleanup() {
        if (cleaned) return;
        cleaned = true;
        try {
          await kill();
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
    };
    return { ok: true, pg };
  } catch (e) {
    // A half-started cluster must not outlive the failure.
    try {
      await kill();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    throw e;
  }
}
