import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractTopology } from '../../../src/topology/extract.js';
import { TopologyInputError, parseJsonText } from '../../../src/topology/input-error.js';
import { parseIniInventory } from '../../../src/topology/ansible/ini.js';
import { iacDir } from './helpers.js';

function inputError(re: RegExp): (e: unknown) => boolean {
  return (e: unknown) => {
    assert.ok(e instanceof TopologyInputError, `expected a TopologyInputError, got ${String(e)}`);
    assert.match(e.message, re);
    assert.equal(e.code, 'topology_input');
    return true;
  };
}

function withTmp(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'topo-test-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

test(
  'truncated Terraform state: one error with the file, line and column where it ends',
  withTmp(async (dir) => {
    const full = readFileSync(join(iacDir, 'terraform/inframap/google_state.json'), 'utf8');
    const cut = full.slice(0, 500);
    const f = join(dir, 'cut.tfstate');
    writeFileSync(f, cut);
    const lines = cut.split('\n');
    const where = `${lines.length}:${(lines[lines.length - 1] ?? '').length + 1}`;
    await assert.rejects(
      extractTopology({ terraform: f }),
      inputError(
        new RegExp(
          `^${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${where}: invalid JSON: unexpected end of input \\(truncated file\\?\\)$`,
        ),
      ),
    );
  }),
);

test('JSON errors V8 reports without a position still get one', () => {
  assert.throws(
    () => parseJsonText('{\n  "a": [1,\n  2,]\n}', 'x.json'),
    inputError(/^x\.json:3:5: invalid JSON: unexpected "\]"$/),
  );
  assert.throws(
    () => parseJsonText('{"a": 1}\n}', 'y.json'),
    inputError(/^y\.json:2:1: invalid JSON: unexpected text after the JSON value$/),
  );
  assert.throws(() => parseJsonText('{"a": tru}', 'z.json'), inputError(/^z\.json:1:7: invalid JSON/));
  assert.deepEqual(parseJsonText('\uFEFF{"ok": true}', 'bom.json'), { ok: true });
});

test('bad INI lines name the file and the line, in ansible-inventory wording', () => {
  assert.throws(
    () => parseIniInventory('[web]\nweb1 foo\n', 'hosts'),
    inputError(/^hosts:2: Expected key=value host variable assignment, got: foo$/),
  );
  assert.throws(
    () => parseIniInventory('[web]\nweb1\n[x:children]\nnope\n', 'hosts'),
    inputError(/^hosts:4: Section \[x:children\] includes undefined group: nope$/),
  );
  assert.throws(
    () => parseIniInventory('[web:vars]\na=1\n', 'hosts'),
    inputError(/^hosts:1: Section \[web:vars\] not valid for undefined group: web$/),
  );
  assert.throws(
    () => parseIniInventory('\n\n[web:foo]\n', 'hosts'),
    inputError(/^hosts:3: Section \[web:foo\] has unknown type: foo$/),
  );
  assert.throws(
    () => parseIniInventory('[web]\nh"x\n', 'hosts'),
    inputError(/^hosts:2: Error parsing host definition 'h"x': No closing quotation$/),
  );
  assert.throws(
    () => parseIniInventory('[web]\nw[01:100]\n', 'hosts'),
    inputError(/^hosts:2: host range must specify equal-length begin and end formats$/),
  );
  assert.throws(() => parseIniInventory('[web group]\n', 'hosts'), inputError(/^hosts:1: Invalid section entry/));
  assert.throws(
    () => parseIniInventory('[a:children]\nb\n[b:children]\na\n', 'hosts'),
    inputError(/^hosts:\d: Adding group 'a' as child to 'b' creates a recursive dependency loop/),
  );
});

test(
  'malformed YAML inventory, group_vars file and playbook: file, line and column',
  withTmp(async (dir) => {
    writeFileSync(join(dir, 'inv.yml'), 'all:\n  hosts:\n    a: [1,\n  b: 2\n');
    await assert.rejects(
      extractTopology({ ansible: join(dir, 'inv.yml') }),
      inputError(new RegExp(`^${join(dir, 'inv.yml')}:\\d+:\\d+: invalid YAML: `)),
    );

    writeFileSync(join(dir, 'hosts'), '[web]\nweb1\n');
    mkdirSync(join(dir, 'group_vars'));
    writeFileSync(join(dir, 'group_vars', 'web.yml'), 'a: 1\n b: : 2\n');
    await assert.rejects(
      extractTopology({ ansible: join(dir, 'hosts') }),
      inputError(new RegExp(`^${join(dir, 'group_vars', 'web.yml')}:\\d+:\\d+: invalid YAML`)),
    );
    rmSync(join(dir, 'group_vars'), { recursive: true });

    rmSync(join(dir, 'inv.yml'));
    writeFileSync(join(dir, 'site.yml'), '- hosts: web\n  roles: [a\n');
    await assert.rejects(
      extractTopology({ ansible: join(dir, 'hosts'), playbookDir: dir }),
      inputError(new RegExp(`^${join(dir, 'site.yml')}:\\d+:\\d+: invalid YAML`)),
    );
  }),
);

test(
  'missing files and wrong shapes are errors that name the file',
  withTmp(async (dir) => {
    await assert.rejects(extractTopology({ pulumi: join(dir, 'nope.json') }), inputError(/nope\.json: no such file$/));
    writeFileSync(
      join(dir, 'snap.json'),
      JSON.stringify({ source: 'aws', captured_at: '2025-01-01T00:00:00Z', resources: [{ kind: 'ec2.instance' }] }),
    );
    await assert.rejects(
      extractTopology({ snapshot: join(dir, 'snap.json') }),
      inputError(/snap\.json at resources\[0\]\.id: /),
    );
    await assert.rejects(extractTopology({ ansible: dir }), inputError(/no inventory file found/));
    await assert.rejects(extractTopology({}), /give one of --terraform, --pulumi, --snapshot or --ansible/);
  }),
);
