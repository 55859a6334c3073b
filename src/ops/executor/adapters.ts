/**
 * Step adapters (seed 001 §2 step 4): `noop`, `script.exec` (an allow-listed program, no shell, with
 * a timeout) and an HTTP webhook for actions that change something elsewhere (k8s.rollout,
 * gateway.flip, ... each mapped to a URL in executor.webhooks). In dry-run nothing runs and nothing
 * is called: the step records what would have happened.
 */
import { spawn } from 'node:child_process';
import type { PlanStep } from '../plan-schema.js';
import type { OpsSettings } from '../settings.js';

export interface StepRun {
  caseId: string;
  tenant: string;
  stepIndex: number;
  attempt: number;
  dryRun: boolean;
  timeoutMs: number;
  settings: OpsSettings;
  /** Where the output goes; the adapter writes chunks here as they come. */
  write: (chunk: Buffer | string) => void;
}

export interface AdapterResult {
  status: 'ok' | 'failed' | 'timeout' | 'refused' | 'dry_run';
  exitCode?: number | undefined;
  error?: string | undefined;
}

export type Adapter = (step: PlanStep, run: StepRun) => Promise<AdapterResult>;

/** `echo "a b" c` → ['echo', 'a b', 'c']: whitespace splits, single or double quotes group. No expansion. */
export function splitWords(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

/** The program and arguments of a script.exec step: params.command (+ params.args). */
export function scriptArgv(step: PlanStep): string[] | undefined {
  const p = step.params ?? {};
  const cmd = p.command ?? p.script;
  if (typeof cmd !== 'string' || cmd.trim() === '') return undefined;
  const args = Array.isArray(p.args) ? p.args.map(String) : [];
  return Array.isArray(p.args) ? [cmd, ...args] : splitWords(cmd);
}

const noop: Adapter = async (step, run) => {
  run.write(`noop: ${JSON.stringify(step.params ?? {})}\n`);
  return { status: run.dryRun ? 'dry_run' : 'ok' };
};

const scriptExec: Adapter = async (step, run) => {
  const argv = scriptArgv(step);
  if (!argv) return { status: 'refused', error: 'script.exec: params.command is required' };
  const [program, ...args] = argv as [string, ...string[]];
  // A bare name only: a path could point an allowed name at any binary.
  if (program.includes('/') || !run.settings.executor.scriptAllow.includes(program)) {
    return { status: 'refused', error: `script.exec: '${program}' is not in executor.script.allow` };
  }
  if (run.dryRun) {
    run.write(`dry-run: would run ${JSON.stringify(argv)}\n`);
    return { status: 'dry_run' };
  }
  return new Promise<AdapterResult>((resolve) => {
    const child = spawn(program, args, {
      shell: false,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH ?? '' },
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, run.timeoutMs);
    child.stdout.on('data', (b: Buffer) => run.write(b));
    child.stderr.on('data', (b: Buffer) => run.write(b));
    child.on('error', (e) => {
      clearTimeout(timer);
      resolve({ status: 'failed', error: `script.exec: ${e.message}` });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (timedOut) resolve({ status: 'timeout', error: `script.exec: killed after ${run.timeoutMs} ms` });
      else
        resolve({
          status: code === 0 ? 'ok' : 'failed',
          exitCode: code ?? -1,
          ...(code === 0 ? {} : { error: `exit code ${code}` }),
        });
    });
  });
};

const webhook: Adapter = async (step, run) => {
  const hook = run.settings.executor.webhooks[step.action];
  if (run.dryRun) {
    run.write(
      hook
        ? `dry-run: would POST ${step.action} to ${new URL(hook.url).origin}\n`
        : `dry-run: no webhook for ${step.action} (executor.webhooks); a real run would refuse this step\n`,
    );
    return { status: 'dry_run' };
  }
  if (!hook)
    return { status: 'refused', error: `no adapter for ${step.action}: configure executor.webhooks.${step.action}` };
  const token = hook.token_env ? process.env[hook.token_env] : undefined;
  try {
    const res = await fetch(hook.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({
        case_id: run.caseId,
        tenant: run.tenant,
        action: step.action,
        params: step.params ?? {},
        step: run.stepIndex,
        attempt: run.attempt,
      }),
      signal: AbortSignal.timeout(run.timeoutMs),
    });
    run.write(`HTTP ${res.status}\n`);
    run.write(Buffer.from(await res.arrayBuffer()));
    return res.ok
      ? { status: 'ok', exitCode: res.status }
      : { status: 'failed', exitCode: res.status, error: `webhook: HTTP ${res.status}` };
  } catch (e) {
    const timeout = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
    return { status: timeout ? 'timeout' : 'failed', error: `webhook: ${e instanceof Error ? e.message : String(e)}` };
  }
};

export function adapterFor(action: string): Adapter {
  if (action === 'noop') return noop;
  if (action === 'script.exec') return scriptExec;
  return webhook;
}
