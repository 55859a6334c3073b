/**
 * The one results format of every benchmark (CONVENTIONS.md "Benchmarks"): one JSON object per
 * measured figure, appended to bench/results/<bench>.jsonl.
 */
import { appendFileSync, mkdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gitCommit } from './git.js';
import { loadAverage, machineInfo, type MachineInfo } from './machine.js';
import { repoRoot } from './paths.js';

export type DbKind = 'pglite' | 'postgres';

/** One measured figure of one case, before the run's common fields are added. */
export interface Measurement {
  case: string;
  metric: string;
  value: number;
  unit: string;
  /** null where no database is involved (pure CPU benchmarks). */
  db?: DbKind | null;
  /** Free-form context of the figure (records per window, what was excluded...). */
  note?: string;
}

export interface BenchRecord {
  date: string;
  commit: string;
  bench: string;
  case: string;
  db: DbKind | null;
  metric: string;
  value: number;
  unit: string;
  machine: MachineInfo;
  /** 1-minute load average when the run started: figures taken under load are pessimistic. */
  load?: number;
  note?: string;
}

export interface RunInfo {
  date: string;
  commit: string;
  machine: MachineInfo;
  load: number;
}

/** The fields every record of one run shares; taken once per run. */
export function runInfo(now: Date = new Date()): RunInfo {
  return { date: now.toISOString(), commit: gitCommit(), machine: machineInfo(), load: loadAverage() };
}

export function toRecords(bench: string, ms: readonly Measurement[], info: RunInfo): BenchRecord[] {
  return ms.map((m) => {
    if (!Number.isFinite(m.value)) throw new Error(`bench ${bench}: ${m.case}/${m.metric} is not a finite number`);
    const r: BenchRecord = {
      date: info.date,
      commit: info.commit,
      bench,
      case: m.case,
      db: m.db ?? null,
      metric: m.metric,
      value: m.value,
      unit: m.unit,
      machine: info.machine,
      load: info.load,
    };
    if (m.note !== undefined) r.note = m.note;
    return r;
  });
}

export function resultsFile(bench: string, root = repoRoot()): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(bench)) throw new Error(`bench name '${bench}' must match ^[a-z0-9][a-z0-9-]*$`);
  return join(root, 'bench', 'results', `${bench}.jsonl`);
}

/** Appends one line per record; returns the file written. */
export function appendRecords(bench: string, records: readonly BenchRecord[], root = repoRoot()): string {
  const file = resultsFile(bench, root);
  mkdirSync(dirname(file), { recursive: true });
  if (records.length > 0) appendFileSync(file, records.map((r) => JSON.stringify(r) + '\n').join(''));
  return file;
}

/** Every record of a results file (malformed lines are skipped: the file is append-only history). */
export function readRecords(bench: string, root = repoRoot()): BenchRecord[] {
  const file = resultsFile(bench, root);
  if (!existsSync(file)) return [];
  const out: BenchRecord[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    try {
      const r = JSON.parse(line) as BenchRecord;
      if (typeof r.metric === 'string' && typeof r.value === 'number') out.push(r);
    } catch {
      // a torn line from an interrupted run
    }
  }
  return out;
}

/**
 * The figures of the newest run of each (case, db): what the README's tables show. Whole runs, not
 * the newest value per metric, so a figure of an older run (or an old failure) never mixes in.
 */
export function latest(records: readonly BenchRecord[]): BenchRecord[] {
  const newest = new Map<string, string>();
  const key = (r: BenchRecord): string => `${r.case}\u0000${r.db ?? ''}`;
  for (const r of records) {
    const d = newest.get(key(r));
    if (d === undefined || d < r.date) newest.set(key(r), r.date);
  }
  return records.filter((r) => newest.get(key(r)) === r.date);
}
