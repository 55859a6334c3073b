import type { StatusResponse } from './api.js';

/** What a page gets from the shell. */
export interface PageContext {
  /** The hash route's parameters (`#/graph?tenant=globex&at=...`). */
  params: URLSearchParams;
  /** The selected tenant's code. */
  tenant: string;
  /** Configured tenants and jobs, from the first /api/status. */
  meta: Pick<StatusResponse, 'tenants' | 'jobs'>;
  /** The shell's own /api/status when this is the first page shown (fresh), else null. */
  status: StatusResponse | null;
  /** Replaces some route parameters (null removes one) without rendering the page again. */
  setParams(p: Record<string, string | null>): void;
  /** Runs fn every `ms` until the page is left (and once now when `now`). */
  every(ms: number, fn: () => Promise<void> | void, now?: boolean): void;
  /** Called when the page is left. */
  onLeave(fn: () => void): void;
  /** False once the page was left: late answers are dropped. */
  readonly active: boolean;
}

export interface Page {
  id: string;
  title: string;
  /** Draws into `root` (emptied before). */
  render(root: HTMLElement, ctx: PageContext): Promise<void> | void;
}
