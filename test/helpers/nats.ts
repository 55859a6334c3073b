/** The local NATS server for the OPS agent's bus tests: NATS_URL, else 127.0.0.1:4222 when it answers. */
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

export async function natsUrl(): Promise<string | undefined> {
  const url = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
  const u = new URL(url);
  const up = await new Promise<boolean>((resolve) => {
    const s = connect({ host: u.hostname, port: Number(u.port || 4222) });
    s.setTimeout(1000);
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.once('timeout', () => (s.destroy(), resolve(false)));
  });
  return up ? url : undefined;
}

/** Unique stream / subject prefix / durable names for one test run. */
export function natsNames(tag: string): { stream: string; subjectPrefix: string; durablePrefix: string } {
  const r = randomBytes(4).toString('hex');
  return { stream: `OBTEST_${tag}_${r}`, subjectPrefix: `obtest${r}.`, durablePrefix: `obtest_${tag}_${r}` };
}

/** Removes a test stream (its consumers go with it). */
export async function deleteStream(url: string, stream: string): Promise<void> {
  const { connect: natsConnect } = await import('@nats-io/transport-node');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  const nc = await natsConnect({ servers: url });
  try {
    await (await jetstreamManager(nc)).streams.delete(stream);
  } catch {
    // already gone
  } finally {
    await nc.close();
  }
}
