import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractTopology, guessInputKind } from '../../../src/topology/extract.js';
import { formatTopologyTable, toTopologyJson } from '../../../src/topology/format.js';
import { RELATIONS } from '../../../src/topology/model.js';
import { ansibleDir, iacDir, ownFixtures } from './helpers.js';

const TF = [
  'inframap/aws_state_sgr.json',
  'inframap/repeated_modules.json',
  'inframap/azure.tfstate',
  'inframap/google_state.json',
  'inframap/multi_module_state.json',
  'terraform-json/110_sensitive_values.terraform.tfstate',
  'terraform-json/110_sensitive_values.show.json',
];

test('every Terraform and Pulumi fixture extracts; edges are well-formed, sorted and between known resources', async () => {
  const inputs = [
    ...TF.map((f) => ({ terraform: join(iacDir, 'terraform', f) })),
    ...['checkpoint-v3.json', 'checkpoint-v4.json'].map((f) => ({ pulumi: join(iacDir, 'pulumi', 'pulumi', f) })),
  ];
  assert.equal(
    readdirSync(join(iacDir, 'terraform', 'inframap')).length +
      readdirSync(join(iacDir, 'terraform', 'terraform-json')).length,
    TF.length,
    'a new fixture appeared: add it here',
  );
  for (const input of inputs) {
    const x = await extractTopology(input);
    const urns = new Set(x.resources.map((r) => r.urn));
    assert.ok(x.resources.length > 0, JSON.stringify(input));
    for (const ed of x.edges) {
      assert.ok(urns.has(ed.src) && urns.has(ed.dst), `${ed.src} -> ${ed.dst} names a known resource`);
      assert.ok((RELATIONS as readonly string[]).includes(ed.relation));
      assert.notEqual(ed.src, ed.dst);
    }
    const keys = x.edges.map((ed) => `${ed.src}\u0000${ed.dst}\u0000${ed.relation}`);
    assert.deepEqual(keys, [...new Set(keys)].sort(), 'sorted, no duplicates');
  }
});

test('every Ansible fixture (inventories and --list outputs) extracts', async () => {
  const files = [
    'ansible-core/complex.ini',
    'ansible-core/examples_hosts_2012.ini',
    'ansible-core/inventory_yaml_test.yml',
    'ansible-core/complex.list.json',
    'ansible-core/examples_hosts_2012.list.json',
    'ansible-core/inventory_yaml_test.list.json',
    'ansible-core/inventory_yaml_test.upstream-expected.json',
    'lamp_haproxy/hosts',
    'lamp_haproxy/hosts.list.json',
    'lamp_haproxy/hosts.export.json',
    'tomcat-memcached-failover/hosts',
    'tomcat-memcached-failover/hosts.list.json',
    'tomcat-memcached-failover/hosts.export.json',
  ];
  const hostCounts: Record<string, number> = {};
  for (const f of files) {
    const x = await extractTopology({ ansible: join(ansibleDir, f) });
    hostCounts[f] = x.resources.filter((r) => r.type === 'host' && r.labels.external === undefined).length;
    assert.ok(x.edges.every((ed) => ed.relation === 'MEMBER_OF' || ed.relation === 'CONNECTS_TO'));
  }
  assert.equal(hostCounts['ansible-core/complex.ini'], 8);
  assert.equal(hostCounts['ansible-core/complex.list.json'], 8);
  // 13 ungrouped + 12 web + 8 db, with myserver.com in both web and db.
  assert.equal(hostCounts['ansible-core/examples_hosts_2012.ini'], 32);
  assert.equal(hostCounts['lamp_haproxy/hosts.export.json'], 5);
  // A directory holding `hosts` and `roles/`-less playbooks works too.
  const dir = await extractTopology({ ansible: join(ansibleDir, 'lamp_haproxy') });
  assert.equal(dir.resources.filter((r) => r.type === 'host').length, 6);
});

test('the --list form of an inventory gives the same graph as the inventory with its group_vars', async () => {
  const a = await extractTopology({ ansible: join(ansibleDir, 'lamp_haproxy/hosts') });
  const b = await extractTopology({ ansible: join(ansibleDir, 'lamp_haproxy/hosts.list.json') });
  const lines = (x: typeof a): string[] => x.edges.map((ed) => `${ed.src} ${ed.relation} ${ed.dst}`);
  assert.deepEqual(lines(b), lines(a));
});

test('several inputs at once are merged; JSON document has the promised shape', async () => {
  const x = await extractTopology({
    terraform: join(iacDir, 'terraform/inframap/google_state.json'),
    ansible: join(ansibleDir, 'tomcat-memcached-failover/hosts'),
    playbookDir: join(ownFixtures, 'tomcat-memcached-playbook'),
  });
  assert.deepEqual(x.sources, ['ansible', 'terraform']);
  const doc = toTopologyJson(x);
  assert.deepEqual(Object.keys(doc), ['resources', 'edges', 'skipped']);
  assert.deepEqual(Object.keys(doc.resources[0] ?? {}), ['urn', 'type', 'name', 'labels']);
  assert.deepEqual(Object.keys(doc.edges[0] ?? {}), ['src', 'dst', 'relation', 'props']);
  assert.equal(JSON.parse(JSON.stringify(doc)).edges.length, x.edges.length);
});

test('human table lists edges with names, ports and flags, then counts', async () => {
  const x = await extractTopology({ terraform: join(iacDir, 'terraform/inframap/aws_state_sgr.json') });
  const out = formatTopologyTable(x);
  const lines = out.split('\n');
  assert.match(lines[0] ?? '', /^SOURCE\s+RELATION\s+TARGET\s+PORTS\s+FLAGS$/);
  assert.ok(
    lines.some((l) =>
      /^internet \(urn:endpoint:internet\)\s+CONNECTS_TO\s+module\.magento\.aws_elb\.tMVdH .*tcp\/443,tcp\/80/.test(l),
    ),
  );
  assert.ok(lines.some((l) => /DEPENDS_ON .* redundant$/.test(l)));
  assert.match(out, /9 resources, 15 edges \(DEPENDS_ON 7, MEMBER_OF 4, CONNECTS_TO 4\)/);
  assert.match(formatTopologyTable(x, { maxEdges: 2 }), /\.\.\. 13 more edges \(use --json for all\)/);
});

test('guessInputKind recognises each format from its content', () => {
  const kind = (p: string): string => guessInputKind(p, readFileSync(p, 'utf8'));
  assert.equal(kind(join(iacDir, 'terraform/inframap/google_state.json')), 'terraform');
  assert.equal(kind(join(iacDir, 'terraform/terraform-json/110_sensitive_values.show.json')), 'terraform');
  assert.equal(kind(join(iacDir, 'pulumi/pulumi/checkpoint-v4.json')), 'pulumi');
  assert.equal(kind(join(ansibleDir, 'lamp_haproxy/hosts.list.json')), 'ansible');
  assert.equal(kind(join(ansibleDir, 'lamp_haproxy/hosts')), 'ansible');
});
