import { parquetWriteBuffer } from 'hyparquet-writer';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { OoRow } from './json-writer.js';
import { rowJson } from './json-writer.js';

/** Columns OO stores as UInt64 (reference §2, fix_schema). */
const UINT64 = new Set(['start_time', 'end_time', '__hash__']);
type Col = { kind: 'int' | 'uint' | 'double' | 'bool' | 'string' };

function columnKind(name: string, values: unknown[]): Col['kind'] {
  if (UINT64.has(name) && values.every((v) => typeof v === 'bigint')) return 'uint';
  if (values.every((v) => typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)))) return 'int';
  if (values.every((v) => typeof v === 'number')) return 'double';
  if (values.every((v) => typeof v === 'boolean')) return 'bool';
  return 'string';
}

/**
 * Writes rows the way OO's parquet writer lays them out (reference §7): one column per field,
 * sorted by name, `_timestamp` Int64 non-null, UInt64 times and hashes, null for absent fields,
 * footer metadata `min_ts`/`max_ts`/`records`.
 */
export function ooParquet(
  rows: OoRow[],
  opts: { codec?: 'SNAPPY' | 'GZIP' | 'UNCOMPRESSED'; rowGroupSize?: number } = {},
): Uint8Array {
  const names = [
    ...new Set(rows.flatMap((r) => Object.keys(r).filter((k) => r[k] !== null && r[k] !== undefined))),
  ].sort();
  const schema: Record<string, unknown>[] = [{ name: 'root', num_children: names.length }];
  const columnData = names.map((name) => {
    const present = rows.map((r) => r[name]).filter((v) => v !== null && v !== undefined);
    const kind = columnKind(name, present);
    const repetition_type = name === '_timestamp' ? 'REQUIRED' : 'OPTIONAL';
    if (kind === 'uint')
      schema.push({
        name,
        type: 'INT64',
        repetition_type,
        converted_type: 'UINT_64',
        logical_type: { type: 'INTEGER', bitWidth: 64, isSigned: false },
      });
    else if (kind === 'int') schema.push({ name, type: 'INT64', repetition_type });
    else if (kind === 'double') schema.push({ name, type: 'DOUBLE', repetition_type });
    else if (kind === 'bool') schema.push({ name, type: 'BOOLEAN', repetition_type });
    else
      schema.push({
        name,
        type: 'BYTE_ARRAY',
        repetition_type,
        converted_type: 'UTF8',
        logical_type: { type: 'STRING' },
      });
    const data = rows.map((r) => {
      const v = r[name];
      if (v === null || v === undefined) return null;
      if (kind === 'int' || kind === 'uint') return BigInt(v as number | bigint);
      if (kind === 'string') return String(v);
      return v;
    });
    return { name, data };
  });
  const ts = rows.map((r) => BigInt(r['_timestamp'] as number));
  const min = ts.reduce((a, b) => (b < a ? b : a), ts[0] ?? 0n);
  const max = ts.reduce((a, b) => (b > a ? b : a), ts[0] ?? 0n);
  const buf = parquetWriteBuffer({
    // hyparquet-writer's own types want its SchemaElement; the literal above matches it.
    schema: schema as never,
    columnData,
    codec: opts.codec ?? 'SNAPPY',
    compressors: { GZIP: (b: Uint8Array) => new Uint8Array(gzipSync(b)) },
    ...(opts.rowGroupSize !== undefined ? { rowGroupSize: opts.rowGroupSize } : {}),
    kvMetadata: [
      { key: 'min_ts', value: String(min) },
      { key: 'max_ts', value: String(max) },
      { key: 'records', value: String(rows.length) },
    ],
  });
  return new Uint8Array(buf);
}

export function ndjson(rows: OoRow[], gzip = false): Uint8Array {
  const text = rows.map((r) => rowJson(r)).join('\n') + '\n';
  return gzip ? new Uint8Array(gzipSync(text)) : new Uint8Array(Buffer.from(text));
}

export async function writeTree(root: string, files: Map<string, Uint8Array>): Promise<void> {
  for (const [key, bytes] of files) {
    const p = join(root, ...key.split('/'));
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, bytes);
  }
}

/** A value made comparable across JSON and parquet (numbers vs bigints, absent vs null). */
export function canonRow(row: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(row).sort()) {
    const v = row[k];
    if (v === null || v === undefined) continue;
    out[k] = typeof v === 'bigint' ? v.toString() : typeof v === 'string' ? `s:${v}` : String(v);
  }
  return out;
}
