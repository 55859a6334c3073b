import type { ParsedConfig } from '../config/schema.js';
import { errorMessage, PermanentError } from '../core/errors.js';
import type { Tenant } from '../core/tenant.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../obs/logger.js';
import { createSource } from '../sources/registry.js';
import type { Source } from '../sources/source.js';

/** A source's config as written in `sources.<name>` or inline under a tenant. */
export type SourceConfig = { kind: string } & Record<string, unknown>;
export type SourceFactory = (config: SourceConfig) => Source;

/** The production factory: src/sources/registry.ts, with the runtime's clock and logger. */
export function registrySourceFactory(clock: Clock, logger: Logger): SourceFactory {
  return (config) => createSource(config, { clock, logger });
}

/**
 * JobContext.source(tenant): resolves the tenant's source config (a name in `sources` or inline)
 * and creates the source on first use. A named source is shared by the tenants that use it.
 */
export class SourceResolver {
  readonly #config: ParsedConfig;
  readonly #factory: SourceFactory | undefined;
  readonly #byKey = new Map<string, Source>();

  constructor(config: ParsedConfig, factory: SourceFactory | undefined) {
    this.#config = config;
    this.#factory = factory;
  }

  get(tenant: Tenant): Source {
    const tc = this.#config.tenants.find((t) => t.code === tenant.code);
    // Setup problems: retrying cannot help, so the window goes straight to dead (and the circuit counts it).
    if (!tc) throw new PermanentError('source_unavailable', `tenant '${tenant.code}' is not in the config`);
    const key = typeof tc.source === 'string' ? `named:${tc.source}` : `tenant:${tc.code}`;
    let s = this.#byKey.get(key);
    if (!s) {
      const cfg = (typeof tc.source === 'string' ? this.#config.sources[tc.source] : tc.source) as SourceConfig;
      if (!this.#factory) {
        throw new PermanentError(
          'source_unavailable',
          `tenant '${tenant.code}': no source registry is available to create a '${cfg.kind}' source`,
        );
      }
      try {
        s = this.#factory(cfg);
      } catch (e) {
        throw new PermanentError('source_invalid', `tenant '${tenant.code}': source: ${errorMessage(e)}`, { cause: e });
      }
      this.#byKey.set(key, s);
    }
    return s;
  }

  async close(): Promise<void> {
    const all = [...this.#byKey.values()];
    this.#byKey.clear();
    await Promise.allSettled(all.map((s) => s.close?.()));
  }
}
