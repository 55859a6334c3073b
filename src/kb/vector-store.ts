/**
 * How kb_chunk.embedding is written and read on this database: `real[]` (no pgvector) or pgvector's
 * `vector(1536)`, referenced through the extension's own schema so it works whatever the
 * search_path. Provider vectors shorter than 1536 are zero-padded: padding changes neither inner
 * products nor L2 distances, so rankings are those of the model's own vectors.
 */
import { isEnabled } from '../db/capabilities.js';
import { extensionRef, extensionSchema } from '../db/extension-schema.js';
import type { Queryable } from '../db/types.js';
import { STORED_DIMENSIONS } from './config.js';

export type VectorStore = { kind: 'array'; type: 'real[]' } | { kind: 'pgvector'; type: string; l2: string };

/** The variant in use, from ob_capability and pg_extension. */
export async function vectorStore(db: Queryable): Promise<VectorStore> {
  if (!(await isEnabled(db, 'vector'))) return { kind: 'array', type: 'real[]' };
  const schema = await extensionSchema(db, 'vector');
  if (schema === null) return { kind: 'array', type: 'real[]' };
  const ref = extensionRef('vector', schema);
  return { kind: 'pgvector', type: ref.qualify('vector'), l2: ref.op('<->') };
}

/** A statement with the column type (and operator) of this store filled in. */
export function withStore(sql: string, store: VectorStore): string {
  return sql
    .replaceAll('/*EMBEDDING_TYPE*/', store.type)
    .replaceAll('/*VECTOR*/', store.type)
    .replaceAll('/*OP*/', store.kind === 'pgvector' ? store.l2 : '<->');
}

function fmt(x: number): string {
  return x === 0 ? '0' : String(Math.fround(x));
}

/** The text literal of a vector for this store, zero-padded to `pad` (the column's width by default). */
export function vectorLiteral(v: ArrayLike<number>, store: VectorStore, pad = STORED_DIMENSIONS): string {
  const parts = new Array<string>(Math.max(pad, v.length));
  for (let i = 0; i < parts.length; i++) parts[i] = i < v.length ? fmt(v[i]!) : '0';
  const body = parts.join(',');
  return store.kind === 'pgvector' ? `[${body}]` : `{${body}}`;
}
