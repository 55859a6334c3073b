import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { parseInventory } from '../../../src/topology/ansible/extract-ansible.js';
import { parseIniInventory } from '../../../src/topology/ansible/ini.js';
import { Inventory, toListJson } from '../../../src/topology/ansible/inventory.js';
import { parseListJson } from '../../../src/topology/ansible/list-json.js';
import { parseYamlInventory } from '../../../src/topology/ansible/yaml-inventory.js';
import { expandHostRange, parseHostPattern } from '../../../src/topology/ansible/host-pattern.js';
import { pyLiteral } from '../../../src/topology/ansible/py-literal.js';
import { shlexSplit } from '../../../src/topology/ansible/shlex.js';
import { collectVarsFiles, selectVarsFiles } from '../../../src/topology/ansible/vars-files.js';
import { ansibleDir, ownFixtures, readJson } from './helpers.js';
import { assertSameInventory, normalizeList, ourList } from './ansible-list-compare.js';

const SAVED: [string, string][] = [
  ['ansible-core/complex.ini', 'ansible-core/complex.list.json'],
  ['ansible-core/examples_hosts_2012.ini', 'ansible-core/examples_hosts_2012.list.json'],
  ['ansible-core/inventory_yaml_test.yml', 'ansible-core/inventory_yaml_test.list.json'],
  ['ansible-core/inventory_yaml_test.yml', 'ansible-core/inventory_yaml_test.upstream-expected.json'],
  ['lamp_haproxy/hosts', 'lamp_haproxy/hosts.list.json'],
  ['tomcat-memcached-failover/hosts', 'tomcat-memcached-failover/hosts.list.json'],
];

for (const [inv, saved] of SAVED) {
  test(`${inv}: hosts, groups and vars equal the saved ${saved.split('/').pop()}`, () => {
    assertSameInventory(
      ourList(join(ansibleDir, inv)),
      readJson(join(ansibleDir, saved)) as Record<string, unknown>,
      inv,
    );
  });
}

for (const [inv, saved] of [
  ['edge-cases.ini', 'edge-cases.list.json'],
  ['yaml-with-vars/inventory.yml', 'yaml-with-vars/inventory.list.json'],
]) {
  test(`own fixture ${inv}: equal to the saved ansible-core 2.14 --list output`, () => {
    const dir = join(ownFixtures, 'inventories');
    assertSameInventory(
      ourList(join(dir, inv as string)),
      readJson(join(dir, saved as string)) as Record<string, unknown>,
      inv as string,
    );
  });
}

test('host ranges: zero padding, omitted start, alphabetic, step, nested', () => {
  assert.deepEqual(expandHostRange('www[001:003].example.com'), [
    'www001.example.com',
    'www002.example.com',
    'www003.example.com',
  ]);
  assert.deepEqual(expandHostRange('mail[:2].example.com'), [
    'mail0.example.com',
    'mail1.example.com',
    'mail2.example.com',
  ]);
  assert.deepEqual(expandHostRange('db-[a:c]'), ['db-a', 'db-b', 'db-c']);
  assert.deepEqual(expandHostRange('n[1:9:4]'), ['n1', 'n5', 'n9']);
  assert.deepEqual(expandHostRange('r[1:2]c[a:b]'), ['r1ca', 'r1cb', 'r2ca', 'r2cb']);
  assert.throws(() => expandHostRange('x[01:100]'), /equal-length/);
  assert.throws(() => expandHostRange('x[3:]'), /must specify end value/);
  assert.deepEqual(parseHostPattern('web[1:2]:2222'), { hosts: ['web1', 'web2'], port: 2222 });
  assert.deepEqual(parseHostPattern('[fe80::1]:2200'), { hosts: ['fe80::1'], port: 2200 });
  assert.deepEqual(parseHostPattern('fe80::1'), { hosts: ['fe80::1'], port: undefined });
  const file = join(ansibleDir, 'ansible-core/examples_hosts_2012.ini');
  const x = normalizeList(toListJson(parseInventory({ file, text: readFileSync(file, 'utf8') })));
  assert.deepEqual(
    x.groups.dbservers?.hosts.filter((h) => h.startsWith('db-')),
    ['db-100-node.example.com', 'db-101-node.example.com', 'db-99-node.example.com'],
  );
  assert.equal(x.groups.ungrouped?.hosts.filter((h) => h.startsWith('mail')).length, 6);
});

test('INI inline host vars are typed like Python literal_eval; :vars too', () => {
  const inv = parseIniInventory(
    [
      "h1 a=1 b=\"two words\" c='0755' d=0755 e=True f=FALSE g=[1,2] h={'k':'v'} i=1.5 j=-3 k=None l=\"x#y\" # trailing comment",
      '[g]',
      'h1',
      '[g:vars]',
      'n=23',
      'flag=FALSE',
      's = hello # kept',
      'q="quoted"',
    ].join('\n'),
    'inline.ini',
  );
  assert.deepEqual(inv.hosts.get('h1')?.vars, {
    a: 1,
    b: 'two words',
    c: '0755',
    d: '0755',
    e: true,
    f: 'FALSE',
    g: [1, 2],
    h: '{k:v}',
    i: 1.5,
    j: -3,
    k: null,
    l: 'x#y',
  });
  assert.deepEqual(inv.groups.get('g')?.vars, { n: 23, flag: 'FALSE', s: 'hello # kept', q: 'quoted' });
  assert.equal(pyLiteral('\'a\' "b"'), 'ab');
  assert.equal(pyLiteral('0x1F'), 31);
  assert.equal(pyLiteral('1_000'), 1000);
  assert.equal(pyLiteral('00'), 0);
  assert.deepEqual(pyLiteral("{'a': [1, (2, 3)], 'b': None}"), { a: [1, [2, 3]], b: null });
  assert.equal(pyLiteral('foo'), 'foo');
  assert.deepEqual(shlexSplit(`a "b c" 'd\\e' f\\ g "h\\"i" j#k`), ['a', 'b c', 'd\\e', 'f g', 'h"i', 'j']);
});

test('INI :children may name groups declared later; a host listed under [all] is ungrouped', () => {
  const inv = parseIniInventory(
    ['[all]', 'lonely', '[top:children]', 'mid', '[mid:children]', 'leaf', '[leaf]', 'h1', '[mid]', 'h2'].join('\n'),
    'c.ini',
  );
  inv.reconcile();
  const l = normalizeList(toListJson(inv));
  assert.deepEqual(l.groups.all, { hosts: [], children: ['top', 'ungrouped'] });
  assert.deepEqual(l.groups.top, { hosts: [], children: ['mid'] });
  assert.deepEqual(l.groups.mid, { hosts: ['h2'], children: ['leaf'] });
  assert.deepEqual(l.groups.ungrouped, { hosts: ['lonely'], children: [] });
  assert.deepEqual(inv.membersOf('top'), ['h2', 'h1']);
  assert.deepEqual(inv.sortedGroupsOf('h1'), ['top', 'mid', 'leaf']);
});

test('YAML inventory: nested children, null and string hosts, host ports, vars keep YAML types', () => {
  const inv = parseYamlInventory(
    {
      all: {
        children: {
          web: { hosts: { 'w[1:2]:2222': { x: '2222' } }, vars: { y: true } },
          db: { hosts: 'db1' },
          empty: { hosts: null },
        },
      },
    },
    'inv.yml',
  );
  inv.reconcile();
  assert.deepEqual(inv.hosts.get('w2')?.vars, { ansible_port: 2222, x: '2222' });
  assert.deepEqual(inv.groups.get('db')?.hosts, ['db1']);
  assert.deepEqual(inv.groups.get('all')?.children.sort(), ['db', 'empty', 'ungrouped', 'web']);
  assert.equal(inv.effectiveVars('w1').vars.y, true);
});

test('group_vars precedence: all < groups (inline) < group_vars/all < group_vars/<group> < host < host_vars', () => {
  const inv = parseYamlInventory(
    {
      all: {
        vars: { v: 'all-inline', w: 'all-inline' },
        children: {
          parent: {
            vars: { v: 'parent-inline', p: 'parent-inline' },
            children: { child: { hosts: { h: { v: 'host-inline', hv: 'host-inline' } }, vars: { p: 'child-inline' } } },
          },
        },
      },
    },
    'p.yml',
  );
  inv.reconcile();
  const files = collectVarsFiles(
    {
      display: 'group_vars',
      files: [
        { rel: 'all', text: 'w: gv-all\nx: gv-all\nn: n\nyes_v: yes\n' },
        { rel: 'all.yml', text: 'x: ignored-all-yml\n' },
        { rel: 'parent.yml', text: 'x: gv-parent\ny: gv-parent\n' },
        { rel: 'child/a.yml', text: 'y: gv-child-a\n' },
        { rel: 'child/b', text: 'y: gv-child-b\n' },
        { rel: 'child/.hidden.yml', text: 'y: hidden\n' },
        { rel: 'child/c.txt', text: 'y: wrong-ext\n' },
      ],
    },
    { display: 'host_vars', files: [{ rel: 'h.json', text: '{"hv": "host-vars"}' }] },
    () => {},
  );
  const { vars, origin } = inv.effectiveVars('h', [files]);
  // PyYAML reads `n`/`y` as strings and `yes` as true (YAML 1.1 without the one-letter forms).
  assert.deepEqual(vars, {
    v: 'host-inline',
    w: 'gv-all',
    n: 'n',
    yes_v: true,
    p: 'child-inline',
    x: 'gv-parent',
    y: 'gv-child-b',
    hv: 'host-vars',
  });
  assert.equal(origin.y, 'group_vars/child/b');
  assert.equal(origin.w, 'group_vars/all');
  assert.equal(origin.hv, 'host_vars/h.json');
  assert.deepEqual(
    [
      ...(selectVarsFiles({
        display: 'gv',
        files: [
          { rel: 'all.yaml', text: '' },
          { rel: 'all.json', text: '' },
        ],
      }).get('all') ?? []),
    ].map((f) => f.file),
    ['gv/all.yaml'],
  );
});

test('ansible-inventory --list and --export JSON as input give the same effective vars', () => {
  for (const name of ['lamp_haproxy/hosts.list.json', 'lamp_haproxy/hosts.export.json']) {
    const inv = parseListJson(readJson(join(ansibleDir, name)), name, new Inventory());
    inv.reconcile();
    assertSameInventory(
      toListJson(inv),
      readJson(join(ansibleDir, 'lamp_haproxy/hosts.list.json')) as Record<string, unknown>,
      name,
    );
  }
});
