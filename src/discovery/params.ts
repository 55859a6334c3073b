/** Time ranges of discovery reads, shared by the API and the CLI: `since` before `to`, at most 31 days. */
export const MAX_RANGE_MS = 31 * 86_400_000;
export const DEFAULT_RANGE_MS = 86_400_000;
