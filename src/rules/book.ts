/**
 * The rules a process evaluates, swappable at runtime: SIGHUP and POST /api/rules/reload re-read the
 * config file and replace the set without restarting the runtime. A window already running keeps the
 * set it started with (it took `current` once); the next window uses the new one.
 */
import { loadConfig } from '../config/load.js';
import type { ParsedConfig } from '../config/schema.js';
import { parseRules, type Rule, type RuleSet } from './config.js';

export interface ReloadResult {
  rules: string[];
  problems: string[];
  /** Set the reload replaced (its rule ids), for the log. */
  previous: string[];
}

export class RuleBook {
  #set: RuleSet | undefined;
  #version = 0;
  #configPath: string | undefined;

  /** `configPath`: the file a reload re-reads (the runtime's --config). */
  constructor(opts: { set?: RuleSet; configPath?: string } = {}) {
    this.#set = opts.set;
    this.#configPath = opts.configPath;
  }

  /** Loaded from the running config on first use when nothing was set or reloaded. */
  current(config: ParsedConfig): RuleSet {
    this.#set ??= parseRules(config.rules);
    return this.#set;
  }

  get version(): number {
    return this.#version;
  }

  set configPath(p: string | undefined) {
    this.#configPath = p;
  }

  /** The enabled rules that apply to a tenant, in evaluation order. */
  forTenant(config: ParsedConfig, tenant: string): Rule[] {
    return this.current(config).rules.filter(
      (r) => r.enabled !== false && (r.tenants === undefined || r.tenants.includes(tenant)),
    );
  }

  replace(set: RuleSet): ReloadResult {
    const previous = (this.#set?.rules ?? []).map((r) => r.id);
    this.#set = set;
    this.#version++;
    return { rules: set.rules.map((r) => r.id), problems: set.problems, previous };
  }

  /**
   * Re-reads the rules section of the config file. A broken rule is reported with its path and left
   * out; the other rules are loaded. A file that cannot be read or parsed at all throws (ConfigError)
   * and the current set stays.
   */
  reload(): ReloadResult {
    const text = loadRawRules(this.#configPath);
    return this.replace(parseRules(text));
  }
}

/** The `rules:` section of the config file, other sections validated as usual (a bad file throws). */
function loadRawRules(path: string | undefined): unknown {
  return loadConfig(path, process.env, { rules: 'lenient' }).config.rules;
}
