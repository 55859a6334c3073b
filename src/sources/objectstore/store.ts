/** One object in a listing. */
export interface ObjectEntry {
  key: string;
  size: number;
}

/**
 * The little the object-store source needs from S3 or a folder: list by prefix (optionally one
 * level deep with a delimiter), read a whole object, a byte range, or a stream.
 */
export interface ObjectStore {
  /** Keys under `prefix`, all levels; with a delimiter, also the common prefixes one level down. */
  list(prefix: string, delimiter?: string): Promise<{ objects: ObjectEntry[]; prefixes: string[] }>;
  read(key: string): Promise<Uint8Array>;
  readRange(key: string, start: number, end: number): Promise<Uint8Array>;
  stream(key: string): Promise<NodeJS.ReadableStream & AsyncIterable<Uint8Array>>;
  /** For messages and oo_locator: `s3://bucket/…` or the folder path. */
  readonly where: string;
  /** Requests made so far, by operation (LIST counts each page). */
  readonly requests: { list: number; get: number };
}
