import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import type { ObjectEntry, ObjectStore } from './store.js';

/** An S3-compatible bucket (AWS, MinIO, s3rver, …) through @aws-sdk/client-s3. */
export class S3Store implements ObjectStore {
  readonly where: string;
  readonly requests = { list: 0, get: 0 };

  constructor(
    private readonly client: S3Client,
    private readonly bucket: string,
  ) {
    this.where = `s3://${bucket}`;
  }

  async list(prefix: string, delimiter?: string): Promise<{ objects: ObjectEntry[]; prefixes: string[] }> {
    const objects: ObjectEntry[] = [];
    const prefixes: string[] = [];
    let token: string | undefined;
    do {
      this.requests.list++;
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          Prefix: prefix,
          Delimiter: delimiter,
          ContinuationToken: token,
        }),
      );
      for (const o of page.Contents ?? []) if (o.Key !== undefined) objects.push({ key: o.Key, size: o.Size ?? 0 });
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix !== undefined) prefixes.push(p.Prefix);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    return { objects, prefixes };
  }

  async #get(key: string, range?: string): Promise<Readable> {
    this.requests.get++;
    const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key, Range: range }));
    if (!(res.Body instanceof Readable)) throw new Error(`s3://${this.bucket}/${key}: no body in GetObject answer`);
    return res.Body;
  }

  async read(key: string): Promise<Uint8Array> {
    return collect(await this.#get(key));
  }

  async readRange(key: string, start: number, end: number): Promise<Uint8Array> {
    return collect(await this.#get(key, `bytes=${start}-${end - 1}`));
  }

  async stream(key: string): Promise<NodeJS.ReadableStream & AsyncIterable<Uint8Array>> {
    return this.#get(key);
  }
}

async function collect(body: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks);
}
