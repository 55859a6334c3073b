import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/**
 * Splits a byte stream into text lines (UTF-8, `\n` or `\r\n`), holding at most one partial line,
 * so files of any size are read in bounded memory. A final line without newline is yielded too.
 */
export async function* linesOf(chunks: AsyncIterable<Uint8Array | string>): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  for await (const chunk of chunks) {
    const text = rest + (typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    let start = 0;
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      yield text.slice(start, end);
      start = nl + 1;
    }
    rest = text.slice(start);
  }
  rest += decoder.decode();
  if (rest.length > 0) yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
}

/** Decompresses `.gz` content on the fly; other content passes through. */
export function maybeGunzip(name: string, body: Readable): AsyncIterable<Uint8Array> {
  return name.endsWith('.gz') ? body.pipe(createGunzip()) : body;
}
