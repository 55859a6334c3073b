/**
 * A local stand-in for an OpenAI-compatible chat endpoint (the real one cannot run here): POST
 * /v1/chat/completions answers the next queued reply — a message content, or a raw HTTP status —
 * and keeps every request body for the test to inspect.
 */
import { createServer, type Server } from 'node:http';

export type StandinReply = { content: string } | { status: number; body: string };

export interface LlmStandin {
  url: string;
  requests: Record<string, unknown>[];
  reply(r: StandinReply): void;
  close(): Promise<void>;
}

export async function startLlmStandin(): Promise<LlmStandin> {
  const queue: StandinReply[] = [];
  const requests: Record<string, unknown>[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') {
        res.writeHead(404).end();
        return;
      }
      requests.push(JSON.parse(body) as Record<string, unknown>);
      const r = queue.shift() ?? { status: 503, body: 'no reply queued' };
      if ('status' in r) {
        res.writeHead(r.status, { 'content-type': 'text/plain' }).end(r.body);
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          id: 'chatcmpl-standin',
          object: 'chat.completion',
          model: 'standin',
          choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: r.content } }],
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    reply: (r) => void queue.push(r),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
