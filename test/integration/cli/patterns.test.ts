import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runCli } from '../../helpers/child.js';

function patterns(input: string, args: string[] = []) {
  const r = runCli(['patterns', ...args], { input });
  return { status: r.code, stdout: r.stdout, stderr: r.stderr };
}

describe('cli: patterns', () => {
  it('writes one {cluster, template} per input line, in order, with final templates', () => {
    const lines = [
      'Accepted password for alice from 10.0.0.1 port 5022 ssh2',
      'Connection closed by 10.0.0.9 port 41000',
      'Accepted password for bob from 192.168.1.20 port 60022 ssh2',
      'Connection closed by 10.0.0.10 port 41001',
    ];
    const r = patterns(lines.join('\n') + '\n');
    assert.equal(r.status, 0, r.stderr);
    const out = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { cluster: number; template: string });
    assert.equal(out.length, 4);
    assert.equal(out[0]!.cluster, out[2]!.cluster);
    assert.equal(out[1]!.cluster, out[3]!.cluster);
    assert.notEqual(out[0]!.cluster, out[1]!.cluster);
    assert.equal(out[0]!.template, out[2]!.template);
    assert.match(out[0]!.template, /^Accepted password for <\*> from <\*> port <\*> ssh/);
    assert.match(out[1]!.template, /^Connection closed by <\*> port <\*>$/);
  });

  it('takes masking settings from --config and rejects a bad patterns section with its path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ob-pat-'));
    try {
      const bad = join(dir, 'bad.yaml');
      writeFileSync(
        bad,
        'patterns: { simThreshold: 7 }\nsources: {a: {kind: mock}}\ntenants: [{code: a, source: a}]\n',
      );
      const r = patterns('x\n', ['--config', bad]);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /patterns\.simThreshold/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
