/**
 * The log-pattern dictionary the logs aggregator mines with: persisted patterns are loaded at start,
 * each line gets a fingerprint and a severity, and the patterns that are new or changed since the
 * load are handed to a writer to upsert (log_pattern). No I/O here; `PatternRow` is the exchanged shape.
 *
 * Fingerprints follow the template (drain.ts): when a pattern generalizes it is renamed, and when
 * two patterns reach one template they merge. The dictionary moves the pattern's row to its new
 * fingerprint (merging rows), and `changes().aliases` lists the renames for log_pattern_alias, so
 * rows written under a former name still resolve. A loaded row is seeded into the miner under its
 * fingerprint and placed in the tree by its sample message; a row stored under a name that is not
 * its template's (written before fingerprints followed templates) is renamed on load.
 *
 * Order-independence: every field of a row is a function of the set of its lines, not of their
 * order — first/last seen, the most severe severity, and as sample the line with the smallest
 * (timestamp, text) — so a backfill mined after newer windows ends with a chronological run's rows.
 *
 * Several processes: each loads the rows, mines, and upserts its changes; `load` may be called
 * again with rows written by others to converge (a known fingerprint is merged, not duplicated).
 * Upserts must merge too: first_seen = least, last_seen = greatest, severity = most severe,
 * pattern = the new pattern (patterns only generalize).
 */
import type { AttrValue, Attrs, LogRecord } from '../core/records.js';
import { drainOptionsFrom, type PatternsConfig } from './config.js';
import { DrainMiner, type Rename } from './drain.js';
import { PARAM, renderToken } from './masking.js';
import { isErrorSeverity, maxSeverity, severityOf, type NumericLevelScheme, type Severity } from './severity.js';

export type AttrType = 'string' | 'number' | 'boolean' | 'mixed';

/** One log_pattern row as the dictionary exchanges it with the persistence layer. */
export interface PatternRow {
  /** Decimal string of a non-negative 63-bit integer (fits BIGINT). */
  fingerprint: string;
  /** The template, variables written as `<*>`. */
  pattern: string;
  /** The first message of the pattern, cut to `maxSampleLength`. */
  sampleMessage: string;
  /** The most severe severity seen on the pattern's lines. */
  severity: Severity;
  /** epoch ms */
  firstSeen: number;
  /** epoch ms */
  lastSeen: number;
  /** Attribute keys seen on the pattern's records and their types. */
  attrsSchema: Record<string, AttrType>;
}

export interface MinedLine {
  fingerprint: string;
  /** The pattern's template after this line. */
  pattern: string;
  severity: Severity;
  isError: boolean;
  /** The line's masked tokens as the miner saw them (typed masks kept; render with renderToken). */
  tokens: readonly string[];
}

export interface PatternChanges {
  /** Patterns first seen since the load (or the last `markPersisted`). */
  created: PatternRow[];
  /** Known patterns whose template, severity, time range or attrs schema changed. */
  updated: PatternRow[];
  /** Renames since the load (or the last `markPersisted`), in order: rows under `from` belong to `to`. */
  aliases: Rename[];
}

/** The parts of a record the dictionary reads (a `LogRecord` has them). */
export type MinableRecord = Pick<LogRecord, 'ts' | 'body'> & Partial<Pick<LogRecord, 'severity' | 'attrs'>>;

const DEFAULT_MESSAGE_FIELDS = ['message', 'msg', 'log', 'body', 'text'];
const LEVEL_FIELDS = ['level', 'severity', 'lvl', 'loglevel', 'levelname'];

interface Entry {
  row: PatternRow;
  clusterId: number;
  state: 'clean' | 'created' | 'updated';
}

export class PatternDictionary {
  readonly #miner: DrainMiner;
  readonly #entries = new Map<string, Entry>();
  readonly #ignored: ReadonlySet<string>;
  readonly #messageFields: readonly string[];
  readonly #scheme: NumericLevelScheme;
  readonly #maxSample: number;
  readonly #maxAttrs: number;
  #aliases: Rename[] = [];

  constructor(cfg: PatternsConfig = {}) {
    this.#miner = new DrainMiner(drainOptionsFrom(cfg));
    this.#ignored = new Set(cfg.ignoredFields ?? []);
    this.#messageFields = cfg.messageFields ?? DEFAULT_MESSAGE_FIELDS;
    this.#scheme = cfg.levelScheme ?? 'otel';
    this.#maxSample = cfg.maxSampleLength ?? 1024;
    this.#maxAttrs = cfg.maxAttrs ?? 32;
  }

  /** A dictionary holding `rows` (e.g. read from log_pattern for one tenant). */
  static load(
    rows: readonly PatternRow[],
    cfg: PatternsConfig = {},
    aliases: readonly Rename[] = [],
  ): PatternDictionary {
    const d = new PatternDictionary(cfg);
    d.load(rows, aliases);
    return d;
  }

  /**
   * Adds persisted rows. Rows are seeded oldest first (then by fingerprint), so the same rows give
   * the same miner whatever order the database returned them in. A row whose fingerprint is known
   * is merged into the pattern (time range, severity, schema, generalized template).
   */
  load(rows: readonly PatternRow[], aliases: readonly Rename[] = []): void {
    const sorted = [...rows].sort(
      (a, b) => a.firstSeen - b.firstSeen || compareFingerprints(a.fingerprint, b.fingerprint),
    );
    for (const r of sorted) {
      const tokens = r.pattern.split(' ').filter((t) => t.length > 0);
      const first = this.#miner.tokenize(r.sampleMessage);
      // Keep typed masks of the first line where the stored pattern agrees with it.
      const internal =
        first.length === tokens.length
          ? tokens.map((t, i) => (t !== PARAM && renderToken(first[i]!) === t ? first[i]! : t))
          : tokens;
      const clusterId = this.#miner.seed(r.fingerprint, internal, first.length === tokens.length ? first : null);
      const known = this.#entries.get(r.fingerprint);
      const pattern = this.#miner.cluster(clusterId)?.template ?? r.pattern;
      if (known === undefined) {
        const row = { ...r, attrsSchema: { ...r.attrsSchema }, pattern };
        this.#entries.set(r.fingerprint, { row, clusterId, state: pattern === r.pattern ? 'clean' : 'updated' });
      } else {
        this.#mergeRow(known.row, r);
        known.row.pattern = pattern;
      }
      // A legacy name, or a seed that generalized or merged a known pattern: move the row.
      this.#applyRenames();
    }
    for (const a of aliases) this.#miner.alias(a.from, a.to);
    this.#applyRenames(false);
  }

  /** Mines one record: its pattern's fingerprint and the line's severity. */
  mine(rec: MinableRecord): MinedLine {
    let text = rec.body;
    let level: string | number | undefined = rec.severity;
    if (text.length > 1 && text.charCodeAt(0) === 123 /* { */) {
      const j = this.#fromJson(text);
      if (j !== null) {
        text = j.message;
        level ??= j.level;
      }
    }
    const severity = severityOf(level, text, this.#scheme);
    const r = this.#miner.add(text);
    if (r.changed) this.#applyRenames();
    const ts = rec.ts;
    let e = this.#entries.get(r.fingerprint);
    if (e === undefined) {
      e = {
        row: {
          fingerprint: r.fingerprint,
          pattern: r.template,
          sampleMessage: this.#cut(text),
          severity,
          firstSeen: ts,
          lastSeen: ts,
          attrsSchema: {},
        },
        clusterId: r.clusterId,
        state: 'created',
      };
      this.#entries.set(r.fingerprint, e);
      if (rec.attrs !== undefined) this.#mergeAttrs(e.row.attrsSchema, rec.attrs);
    } else {
      const row = e.row;
      let changed = false;
      if (r.changed && row.pattern !== r.template) {
        row.pattern = r.template;
        changed = true;
      }
      if (ts > row.lastSeen) {
        row.lastSeen = ts;
        changed = true;
      }
      if (ts < row.firstSeen || (ts === row.firstSeen && this.#cut(text) < row.sampleMessage)) {
        // The sample is the earliest line (then the smallest text): the same whatever the order.
        row.firstSeen = ts;
        row.sampleMessage = this.#cut(text);
        changed = true;
      }
      const sev = maxSeverity(row.severity, severity);
      if (sev !== row.severity) {
        row.severity = sev;
        changed = true;
      }
      if (rec.attrs !== undefined && this.#mergeAttrs(row.attrsSchema, rec.attrs)) changed = true;
      if (changed && e.state === 'clean') e.state = 'updated';
    }
    return {
      fingerprint: r.fingerprint,
      pattern: e.row.pattern,
      severity,
      isError: isErrorSeverity(severity),
      tokens: r.tokens,
    };
  }

  /** Patterns created or changed since the load or the last `markPersisted()`, by fingerprint. */
  changes(): PatternChanges {
    const created: PatternRow[] = [];
    const updated: PatternRow[] = [];
    for (const e of this.#entries.values()) {
      if (e.state === 'created') created.push(copyRow(e.row));
      else if (e.state === 'updated') updated.push(copyRow(e.row));
    }
    const byFp = (a: PatternRow, b: PatternRow): number => compareFingerprints(a.fingerprint, b.fingerprint);
    return { created: created.sort(byFp), updated: updated.sort(byFp), aliases: [...this.#aliases] };
  }

  /** The fingerprint rows under `fingerprint` belong to now (itself unless the pattern was renamed). */
  resolve(fingerprint: string): string {
    return this.#miner.resolve(fingerprint);
  }

  /**
   * The writer stored the changes: mark everything clean. Patterns the miner has evicted
   * (maxClusters) are forgotten here as well, so memory stays bounded by the number of patterns.
   */
  markPersisted(): void {
    this.#aliases = [];
    for (const [fp, e] of this.#entries) {
      if (this.#miner.cluster(e.clusterId) === null) this.#entries.delete(fp);
      else e.state = 'clean';
    }
  }

  get(fingerprint: string): PatternRow | undefined {
    const e = this.#entries.get(fingerprint);
    return e === undefined ? undefined : copyRow(e.row);
  }

  rows(): PatternRow[] {
    return [...this.#entries.values()]
      .map((e) => copyRow(e.row))
      .sort((a, b) => compareFingerprints(a.fingerprint, b.fingerprint));
  }

  get size(): number {
    return this.#entries.size;
  }

  #cut(text: string): string {
    return text.length > this.#maxSample ? text.slice(0, this.#maxSample) : text;
  }

  /**
   * Moves rows of renamed patterns to their new fingerprint (merging into a row already there) and
   * keeps the renames for the alias table. `report: false` for aliases read from the database.
   */
  #applyRenames(report = true): void {
    const renames = this.#miner.takeRenames();
    if (renames.length === 0) return;
    for (const rn of renames) {
      if (report) this.#aliases.push(rn);
      const from = this.#entries.get(rn.from);
      if (from === undefined) continue;
      this.#entries.delete(rn.from);
      const to = this.#entries.get(rn.to);
      if (to === undefined) {
        from.row.fingerprint = rn.to;
        from.state = 'created';
        this.#entries.set(rn.to, from);
      } else {
        this.#mergeRow(to.row, from.row);
        if (to.state === 'clean') to.state = 'updated';
      }
    }
    // Templates: each moved row takes its cluster's current one.
    for (const e of this.#entries.values()) {
      if (e.state === 'clean') continue;
      const c = this.#miner.cluster(e.clusterId);
      if (c !== null && c.fingerprint === e.row.fingerprint) e.row.pattern = c.template;
    }
  }

  #mergeRow(k: PatternRow, r: PatternRow): void {
    if (r.firstSeen < k.firstSeen || (r.firstSeen === k.firstSeen && r.sampleMessage < k.sampleMessage)) {
      k.sampleMessage = r.sampleMessage;
    }
    k.firstSeen = Math.min(k.firstSeen, r.firstSeen);
    k.lastSeen = Math.max(k.lastSeen, r.lastSeen);
    k.severity = maxSeverity(k.severity, r.severity);
    for (const [key, t] of Object.entries(r.attrsSchema)) this.#addAttrType(k.attrsSchema, key, t);
  }

  #fromJson(body: string): { message: string; level?: string | number } | null {
    let v: unknown;
    try {
      v = JSON.parse(body);
    } catch {
      return null;
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
    const o = v as Record<string, unknown>;
    for (const f of this.#messageFields) {
      const m = o[f];
      if (typeof m === 'string') {
        let level: string | number | undefined;
        for (const lf of LEVEL_FIELDS) {
          const l = o[lf];
          if (typeof l === 'string' || typeof l === 'number') {
            level = l;
            break;
          }
        }
        return level === undefined ? { message: m } : { message: m, level };
      }
    }
    return null;
  }

  /** Adds the record's attribute keys to a schema; true when the schema changed. */
  #mergeAttrs(schema: Record<string, AttrType>, attrs: Attrs): boolean {
    let changed = false;
    for (const key in attrs) {
      if (this.#ignored.has(key)) continue;
      if (this.#addAttrType(schema, key, typeOfAttr(attrs[key]!))) changed = true;
    }
    return changed;
  }

  #addAttrType(schema: Record<string, AttrType>, key: string, t: AttrType): boolean {
    const cur = schema[key];
    if (cur === t || cur === 'mixed') return false;
    if (cur === undefined) {
      if (Object.keys(schema).length >= this.#maxAttrs) return false;
      schema[key] = t;
      return true;
    }
    schema[key] = 'mixed';
    return true;
  }
}

function typeOfAttr(v: AttrValue): AttrType {
  return typeof v === 'number' ? 'number' : typeof v === 'boolean' ? 'boolean' : 'string';
}

function copyRow(r: PatternRow): PatternRow {
  return { ...r, attrsSchema: { ...r.attrsSchema } };
}

/** Numeric order of decimal fingerprints (same length first, then text). */
export function compareFingerprints(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
