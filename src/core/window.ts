/** A half-open time window [from, to) in epoch milliseconds, both aligned to the job's step. */
export interface Window {
  readonly from: number;
  readonly to: number;
}
