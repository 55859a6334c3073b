import { type AsyncBuffer, type FileMetaData, parquetMetadataAsync, parquetReadObjects } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';

/** A parquet file as hyparquet reads it: whole bytes, or byte ranges fetched on demand. */
export function bufferFromBytes(bytes: Uint8Array): AsyncBuffer {
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return { byteLength: ab.byteLength, slice: (start, end) => ab.slice(start, end) };
}

export function bufferFromRanges(
  byteLength: number,
  read: (start: number, end: number) => Promise<Uint8Array>,
): AsyncBuffer {
  return {
    byteLength,
    slice: async (start, end = byteLength) => {
      const b = await read(start, end);
      return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
    },
  };
}

const asBigInt = (v: unknown): bigint | undefined => {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return BigInt(v);
  return undefined;
};

/** OO writes the file's time range into the footer (`min_ts`/`max_ts`, µs); undefined when absent. */
function footerRange(md: FileMetaData): [bigint, bigint] | undefined {
  const kv = new Map((md.key_value_metadata ?? []).map((e) => [e.key, e.value]));
  const min = asBigInt(kv.get('min_ts'));
  const max = asBigInt(kv.get('max_ts'));
  return min !== undefined && max !== undefined ? [min, max] : undefined;
}

function rowGroupRange(md: FileMetaData, i: number): [bigint, bigint] | undefined {
  const col = md.row_groups[i]?.columns.find((c) => c.meta_data?.path_in_schema.join('.') === '_timestamp');
  const st = col?.meta_data?.statistics;
  const min = asBigInt(st?.min_value ?? st?.min);
  const max = asBigInt(st?.max_value ?? st?.max);
  return min !== undefined && max !== undefined ? [min, max] : undefined;
}

/**
 * Rows of a parquet file whose time range can meet [fromUs, toUs), one row group at a time (OO
 * writes up to 128 Ki rows per group), skipping the file or groups whose footer or statistics
 * say they lie outside. Rows still need filtering: a group's range is only a bound.
 */
export async function* parquetRows(
  file: AsyncBuffer,
  fromUs: number,
  toUs: number,
): AsyncGenerator<Record<string, unknown>[]> {
  const md = await parquetMetadataAsync(file);
  const from = BigInt(fromUs);
  const to = BigInt(toUs);
  const outside = (r: [bigint, bigint] | undefined): boolean => r !== undefined && (r[1] < from || r[0] >= to);
  if (outside(footerRange(md))) return;
  let rowStart = 0;
  for (let i = 0; i < md.row_groups.length; i++) {
    const n = Number(md.row_groups[i]!.num_rows);
    if (!outside(rowGroupRange(md, i))) {
      yield (await parquetReadObjects({ file, metadata: md, rowStart, rowEnd: rowStart + n, compressors })) as Record<
        string,
        unknown
      >[];
    }
    rowStart += n;
  }
}
