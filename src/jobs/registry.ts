import type { JobOverride, ParsedConfig, TenantConfig } from '../config/schema.js';
import { formatDuration } from '../core/duration.js';
import { ConfigError } from '../core/errors.js';
import type { CircuitPolicy, RetryPolicy } from '../queue/types.js';
import type { JobDefinition } from './job.js';

const SEC = 1_000;
const MIN = 60 * SEC;

/** Everything the scheduler and runner need to know about one job for one tenant. */
export interface JobSettings {
  enabled: boolean;
  /** Window size in ms (job default, overridable by config). */
  align: number;
  /** Tolerated lateness in ms: the newest runnable window ends at floor(now − delay, align). */
  delay: number;
  /** Windows of this job one worker process runs at the same time. */
  concurrency: number;
  /** A window running longer fails (retryable). */
  timeout: number;
  retry: RetryPolicy;
  circuit: CircuitPolicy;
  /** Re-run a successful window when now passes window_to + age, once per age (late data). */
  revisit: number[];
  /** `jobs.<name>.options`, tenant options merged over them. */
  options: Record<string, unknown>;
  /** Where a tenant that never succeeded starts: now − initialLookback. */
  initialLookback: number;
}

/** Defaults of every setting the config can override; a job's align and delay come from its definition. */
export const JOB_DEFAULTS = {
  enabled: true,
  concurrency: 2,
  timeout: 10 * MIN,
  retry: { attempts: 5, base: 10 * SEC, factor: 2, max: 10 * MIN },
  circuit: { failures: 5, cooldown: 5 * MIN },
  revisit: [],
  initialLookback: 60 * MIN,
} as const satisfies Omit<JobSettings, 'align' | 'delay' | 'options' | 'revisit'> & { revisit: readonly number[] };

/**
 * Names users may write instead of each job of a group: the seed's single `oo-agg` job is split by
 * output granularity, and `tenants[].initial_lookback.oo-agg` still applies to all three.
 */
export const JOB_GROUPS: Readonly<Record<string, readonly string[]>> = {
  'oo-agg': ['oo-metrics', 'oo-calls', 'oo-logs'],
};

/**
 * The jobs registered in code, checked once against each other (a DAG of known names) and against
 * the config (known names, aligns that are multiples of the job's bucket). Every problem is
 * reported with its config path in one ConfigError.
 */
export class JobRegistry {
  readonly #defs: Map<string, JobDefinition>;
  readonly #order: JobDefinition[];
  readonly #config: ParsedConfig;
  readonly #settings = new Map<string, JobSettings>();

  private constructor(defs: Map<string, JobDefinition>, order: JobDefinition[], config: ParsedConfig) {
    this.#defs = defs;
    this.#order = order;
    this.#config = config;
  }

  static create(defs: readonly JobDefinition[], config: ParsedConfig): JobRegistry {
    const problems: string[] = [];
    const byName = new Map<string, JobDefinition>();
    for (const d of defs) {
      if (byName.has(d.name)) problems.push(`jobs: job '${d.name}' is registered twice`);
      byName.set(d.name, d);
    }
    const order = topologicalOrder(byName, problems);
    problems.push(...configProblems(byName, config));
    if (problems.length > 0) {
      throw new ConfigError(`config: ${problems.length} problem(s) with jobs:\n  ${problems.join('\n  ')}`, problems);
    }
    return new JobRegistry(byName, order, config);
  }

  /** All registered jobs, dependencies before the jobs that depend on them. */
  get jobs(): readonly JobDefinition[] {
    return this.#order;
  }

  has(name: string): boolean {
    return this.#defs.has(name);
  }

  get(name: string): JobDefinition {
    const d = this.#defs.get(name);
    if (!d) throw new ConfigError(`unknown job '${name}' (known: ${[...this.#defs.keys()].join(', ')})`);
    return d;
  }

  /** Windows of `job` one process runs at the same time over all tenants (`jobs.<name>.concurrency`). */
  jobConcurrency(job: string): number {
    this.get(job);
    return this.#config.jobs[job]?.concurrency ?? JOB_DEFAULTS.concurrency;
  }

  /** The effective settings of `job` for the tenant with `tenantCode` (defaults < jobs.<name> < tenant). */
  settings(job: string, tenantCode: string): JobSettings {
    const key = `${job}\u0000${tenantCode}`;
    let s = this.#settings.get(key);
    if (!s) {
      const def = this.get(job);
      const tenant = this.#config.tenants.find((t) => t.code === tenantCode);
      s = resolveSettings(def, this.#config.jobs[job], tenant?.jobs?.[job], tenant, this.#config);
      this.#settings.set(key, s);
    }
    return s;
  }
}

export function resolveSettings(
  def: JobDefinition,
  global: JobOverride | undefined,
  perTenant: JobOverride | undefined,
  tenant: TenantConfig | undefined,
  config?: ParsedConfig,
): JobSettings {
  const pick = <K extends keyof JobOverride>(k: K): JobOverride[K] | undefined => perTenant?.[k] ?? global?.[k];
  return {
    enabled: pick('enabled') ?? (config && def.enabledByDefault ? def.enabledByDefault(config) : JOB_DEFAULTS.enabled),
    align: pick('align') ?? def.align,
    delay: pick('delay') ?? def.delay,
    concurrency: pick('concurrency') ?? JOB_DEFAULTS.concurrency,
    timeout: pick('timeout') ?? JOB_DEFAULTS.timeout,
    retry: { ...JOB_DEFAULTS.retry, ...stripUndefined(global?.retry), ...stripUndefined(perTenant?.retry) },
    circuit: { ...JOB_DEFAULTS.circuit, ...stripUndefined(global?.circuit), ...stripUndefined(perTenant?.circuit) },
    revisit: [...(pick('revisit') ?? JOB_DEFAULTS.revisit)].sort((a, b) => a - b),
    options: { ...(global?.options ?? {}), ...(perTenant?.options ?? {}) },
    initialLookback: initialLookback(def.name, tenant),
  };
}

/** tenants[].initial_lookback: the job's own entry, then its group's (oo-agg), then `default`. */
export function initialLookback(job: string, tenant: TenantConfig | undefined): number {
  const lb = tenant?.initial_lookback ?? {};
  if (lb[job] !== undefined) return lb[job];
  for (const [group, members] of Object.entries(JOB_GROUPS)) {
    if (members.includes(job) && lb[group] !== undefined) return lb[group];
  }
  return lb.default ?? JOB_DEFAULTS.initialLookback;
}

function stripUndefined<T extends object>(o: T | undefined): Partial<T> {
  if (!o) return {};
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** Kahn's algorithm; unknown dependencies and cycles are reported, naming the jobs involved. */
function topologicalOrder(defs: Map<string, JobDefinition>, problems: string[]): JobDefinition[] {
  const indegree = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const d of defs.values()) {
    indegree.set(d.name, 0);
    for (const dep of d.after ?? []) {
      if (!defs.has(dep.job)) {
        problems.push(`jobs.${d.name}.after: unknown job '${dep.job}' (known: ${[...defs.keys()].join(', ')})`);
        continue;
      }
      if (dep.lookbehind < 0) problems.push(`jobs.${d.name}.after.${dep.job}: lookbehind must not be negative`);
      indegree.set(d.name, (indegree.get(d.name) ?? 0) + 1);
      dependents.set(dep.job, [...(dependents.get(dep.job) ?? []), d.name]);
    }
  }
  const ready = [...indegree.entries()].filter(([, n]) => n === 0).map(([k]) => k);
  const order: JobDefinition[] = [];
  while (ready.length > 0) {
    const name = ready.shift()!;
    order.push(defs.get(name)!);
    for (const next of dependents.get(name) ?? []) {
      const n = indegree.get(next)! - 1;
      indegree.set(next, n);
      if (n === 0) ready.push(next);
    }
  }
  const stuck = [...indegree.entries()].filter(([, n]) => n > 0).map(([k]) => k);
  if (stuck.length > 0 && !problems.some((p) => p.includes('.after: unknown job'))) {
    problems.push(`jobs: dependency cycle among ${stuck.sort().join(', ')} (after: must form a DAG)`);
  }
  return order;
}

function configProblems(defs: Map<string, JobDefinition>, config: ParsedConfig): string[] {
  const problems: string[] = [];
  const known = [...defs.keys()].join(', ');
  const checkOverrides = (path: string, overrides: Record<string, JobOverride> | undefined) => {
    for (const [name, o] of Object.entries(overrides ?? {})) {
      const def = defs.get(name);
      if (!def) {
        problems.push(`${path}.${name}: unknown job (known: ${known})`);
        continue;
      }
      if (o.align !== undefined) {
        const unit = def.alignMultipleOf ?? SEC;
        if (o.align <= 0 || o.align % unit !== 0) {
          problems.push(
            `${path}.${name}.align: must be a multiple of ${formatDuration(unit)} (got ${formatDuration(o.align)})`,
          );
        }
      }
      if (o.retry?.base !== undefined && o.retry.max !== undefined && o.retry.max < o.retry.base) {
        problems.push(`${path}.${name}.retry.max: must not be less than retry.base`);
      }
    }
  };
  checkOverrides('jobs', config.jobs);
  config.tenants.forEach((t, i) => {
    checkOverrides(`tenants[${i}].jobs`, t.jobs);
    for (const name of Object.keys(t.initial_lookback ?? {})) {
      if (name !== 'default' && !defs.has(name) && !(name in JOB_GROUPS)) {
        problems.push(
          `tenants[${i}].initial_lookback.${name}: unknown job (use default, a job name or ${Object.keys(JOB_GROUPS).join(', ')})`,
        );
      }
    }
  });
  return problems;
}
