import type { Runtime } from './runtime.js';

/** A long-lived part started beside the scheduler and workers, with the shared lifecycle. */
export interface RuntimeService {
  readonly name: string;
  /** Returns once the service is up (e.g. listening). */
  start(): Promise<void>;
  /** Idempotent; safe before start. */
  stop(): Promise<void>;
}

export interface ServiceOptions {
  /** `observebridge run --listen HOST:PORT` (overrides http.listen). */
  listen?: string;
}

export type ServiceFactory = (runtime: Runtime, opts: ServiceOptions) => RuntimeService | undefined;

/**
 * What `observebridge run` starts besides the scheduler and the workers. The HTTP server (events,
 * metrics, health, read API) registers itself here with one line; a factory that returns undefined
 * (e.g. http.enabled: false) starts nothing.
 */
export const runServices: ServiceFactory[] = [];
