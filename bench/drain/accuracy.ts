/**
 * Grouping accuracy on loghub's 2k-line samples (https://github.com/logpai/loghub, *_2k.log_structured.csv
 * holds each line's ground-truth EventId). Not run in CI; the data is not in this repository.
 *
 *   node dist/bench/drain/accuracy.js /path/to/loghub [--input content|raw|both]
 *
 * `content` feeds the Content column (the message after loghub's header parsing, as in the loghub
 * benchmark); `raw` feeds the whole original line, header included. Each row compares our default
 * configuration with a Drain3-defaults baseline and the Drain figure published in the benchmark paper.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { DrainMiner, type DrainOptions } from '../../src/patterns/drain.js';
import { groupingAccuracy } from '../../src/patterns/grouping-accuracy.js';
import { Drain3Baseline } from './drain3-baseline.js';

/** Drain's GA in Zhu et al. 2019, Table (loghub benchmark), with per-dataset tuning. */
export const PUBLISHED_DRAIN_GA: Record<string, number> = {
  HDFS: 0.998,
  Hadoop: 0.948,
  Spark: 0.92,
  Zookeeper: 0.967,
  BGL: 0.963,
  HPC: 0.887,
  Thunderbird: 0.955,
  Windows: 0.997,
  Linux: 0.69,
  Android: 0.911,
  HealthApp: 0.78,
  Apache: 1.0,
  Proxifier: 0.527,
  OpenSSH: 0.788,
  OpenStack: 0.733,
  Mac: 0.787,
};

/** RFC 4180 CSV rows. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field.length > 0 || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export interface Dataset {
  name: string;
  content: string[];
  raw: string[];
  truth: string[];
}

export function loadLoghub(dir: string): Dataset[] {
  const out: Dataset[] = [];
  for (const name of readdirSync(dir).sort()) {
    const csv = join(dir, name, `${name}_2k.log_structured.csv`);
    const log = join(dir, name, `${name}_2k.log`);
    if (!existsSync(csv) || !existsSync(log)) continue;
    const rows = parseCsv(readFileSync(csv, 'utf8'));
    const header = rows.shift() ?? [];
    const ci = header.indexOf('Content');
    const ei = header.indexOf('EventId');
    const body = rows.filter((r) => r.length === header.length);
    const raw = readFileSync(log, 'utf8').split(/\r?\n/);
    if (raw[raw.length - 1] === '') raw.pop();
    out.push({
      name,
      content: body.map((r) => r[ci]!),
      raw: raw.length === body.length ? raw : [],
      truth: body.map((r) => r[ei]!),
    });
  }
  return out;
}

export function gaOurs(lines: string[], truth: string[], opts: DrainOptions = {}): number {
  const m = new DrainMiner(opts);
  const ids = lines.map((l) => m.add(l).clusterId);
  // A cluster may have merged into another since (one template, one cluster): count its final one.
  return groupingAccuracy(
    ids.map((id) => m.cluster(id)?.clusterId ?? id),
    truth,
  );
}

export function gaBaseline(lines: string[], truth: string[]): number {
  const b = new Drain3Baseline();
  return groupingAccuracy(
    lines.map((l) => b.add(l)),
    truth,
  );
}

function fmt(x: number): string {
  return x.toFixed(3);
}

function main(): void {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith('--'));
  const inputArg = args.indexOf('--input');
  const input = inputArg >= 0 ? (args[inputArg + 1] ?? 'both') : 'both';
  if (dir === undefined) {
    console.error('usage: node dist/bench/drain/accuracy.js <loghub-dir> [--input content|raw|both]');
    process.exit(2);
  }
  const sets = loadLoghub(dir);
  const modes = input === 'both' ? ['content', 'raw'] : [input];
  const head = ['dataset', 'paper Drain'];
  for (const m of modes) head.push(`${m}: drain3-defaults`, `${m}: ours`);
  console.log(`| ${head.join(' | ')} |`);
  console.log(`|${head.map(() => '---').join('|')}|`);
  const sums = new Array<number>(modes.length * 2).fill(0);
  let paperSum = 0;
  for (const d of sets) {
    const cells = [d.name, fmt(PUBLISHED_DRAIN_GA[d.name] ?? NaN)];
    paperSum += PUBLISHED_DRAIN_GA[d.name] ?? 0;
    modes.forEach((m, k) => {
      const lines = m === 'raw' ? d.raw : d.content;
      if (lines.length === 0) {
        cells.push('n/a', 'n/a');
        return;
      }
      const b = gaBaseline(lines, d.truth);
      const o = gaOurs(lines, d.truth);
      sums[2 * k] = (sums[2 * k] ?? 0) + b;
      sums[2 * k + 1] = (sums[2 * k + 1] ?? 0) + o;
      cells.push(fmt(b), fmt(o));
    });
    console.log(`| ${cells.join(' | ')} |`);
  }
  const n = sets.length;
  console.log(`| **mean** | ${fmt(paperSum / n)} | ${sums.map((s) => fmt(s / n)).join(' | ')} |`);
}

if (process.argv[1]?.endsWith('accuracy.js')) main();
