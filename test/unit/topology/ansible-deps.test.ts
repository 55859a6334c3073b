import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { extractAnsible } from '../../../src/topology/ansible/extract-ansible.js';
import { loadAnsibleSources } from '../../../src/topology/ansible/load-ansible.js';
import { scanTemplate } from '../../../src/topology/ansible/template-scan.js';
import { scanVars, varPatterns } from '../../../src/topology/ansible/var-deps.js';
import { parseUrl, parseHostList } from '../../../src/topology/ansible/endpoints.js';
import { ansibleDir, edgeLines, findEdge, ownFixtures } from './helpers.js';

const H = (h: string): string => `urn:host:${h}`;
const notMembership = (lines: string[]): string[] => lines.filter((l) => !l.includes('-MEMBER_OF->'));

test('lamp_haproxy inventory alone: membership and the NTP server, but no load-balancer -> web edge', async () => {
  const x = extractAnsible(await loadAnsibleSources(join(ansibleDir, 'lamp_haproxy/hosts')));
  assert.deepEqual(
    notMembership(edgeLines(x)),
    ['db1', 'lb1', 'nagios', 'web1', 'web2'].map((h) => `${H(h)} -CONNECTS_TO-> urn:host:192.168.1.2`),
  );
  assert.deepEqual(edgeLines(x, 'MEMBER_OF'), [
    `${H('db1')} -MEMBER_OF-> urn:ansible:group:lamp_haproxy/dbservers`,
    `${H('lb1')} -MEMBER_OF-> urn:ansible:group:lamp_haproxy/lbservers`,
    `${H('nagios')} -MEMBER_OF-> urn:ansible:group:lamp_haproxy/monitoring`,
    `${H('web1')} -MEMBER_OF-> urn:ansible:group:lamp_haproxy/webservers`,
    `${H('web2')} -MEMBER_OF-> urn:ansible:group:lamp_haproxy/webservers`,
  ]);
  // The git repository in group_vars/webservers is a build input, not a runtime dependency.
  assert.equal(x.stats.vars_build_inputs_skipped, 2);
  assert.deepEqual(findEdge(x, H('web1'), 'urn:host:192.168.1.2', 'CONNECTS_TO')?.props, {
    confidence: 'medium',
    external: true,
    origin: 'group_vars/all',
    source: 'ansible-vars',
    var: 'ntpserver',
  });
});

test('lamp_haproxy + playbook directory: the haproxy template yields lb1 -> web1, web2 on tcp/80', async () => {
  const x = extractAnsible(
    await loadAnsibleSources(join(ansibleDir, 'lamp_haproxy/hosts'), join(ownFixtures, 'lamp_haproxy-playbook')),
  );
  assert.deepEqual(
    notMembership(edgeLines(x)).filter((l) => !l.includes('192.168.1.2')),
    [
      `${H('db1')} -DEPENDS_ON-> ${H('web1')}`,
      `${H('db1')} -DEPENDS_ON-> ${H('web2')}`,
      `${H('lb1')} -CONNECTS_TO-> ${H('web1')}`,
      `${H('lb1')} -CONNECTS_TO-> ${H('web2')}`,
      `${H('nagios')} -DEPENDS_ON-> ${H('web1')}`,
      `${H('nagios')} -DEPENDS_ON-> ${H('web2')}`,
    ],
  );
  assert.deepEqual(findEdge(x, H('lb1'), H('web2'), 'CONNECTS_TO')?.props, {
    file: 'roles/haproxy/templates/haproxy.cfg.j2',
    group: 'webservers',
    inferred: true,
    ports: ['tcp/80'],
    role: 'haproxy',
    source: 'ansible-template',
  });
  assert.equal(findEdge(x, H('db1'), H('web1'), 'DEPENDS_ON')?.props.source, 'ansible-task');
});

test('tomcat-memcached-failover + playbook directory: lb -> tomcat :8080, tomcat -> memcached :11211', async () => {
  const x = extractAnsible(
    await loadAnsibleSources(
      join(ansibleDir, 'tomcat-memcached-failover/hosts'),
      join(ownFixtures, 'tomcat-memcached-playbook'),
    ),
  );
  assert.deepEqual(notMembership(edgeLines(x)), [
    `${H('lbserver')} -CONNECTS_TO-> ${H('tomcat_server_1')}`,
    `${H('lbserver')} -CONNECTS_TO-> ${H('tomcat_server_2')}`,
    `${H('tomcat_server_1')} -CONNECTS_TO-> ${H('cached_server1')}`,
    `${H('tomcat_server_1')} -CONNECTS_TO-> ${H('cached_server2')}`,
    `${H('tomcat_server_2')} -CONNECTS_TO-> ${H('cached_server1')}`,
    `${H('tomcat_server_2')} -CONNECTS_TO-> ${H('cached_server2')}`,
  ]);
  assert.deepEqual(findEdge(x, H('lbserver'), H('tomcat_server_1'), 'CONNECTS_TO')?.props.ports, ['tcp/8080']);
  assert.deepEqual(findEdge(x, H('tomcat_server_2'), H('cached_server1'), 'CONNECTS_TO')?.props.ports, ['tcp/11211']);
});

test('edge-cases.ini: connection strings and host lists resolve to inventory hosts; self references are listen facts', async () => {
  const x = extractAnsible(await loadAnsibleSources(join(ownFixtures, 'inventories/edge-cases.ini')));
  assert.deepEqual(findEdge(x, H('app-01'), H('db1'), 'CONNECTS_TO')?.props, {
    confidence: ['high', 'medium'],
    database: 'shop',
    origin: ['inventory:group prod', 'inventory:host'],
    ports: ['tcp/11211', 'tcp/5432'],
    scheme: 'postgresql',
    source: 'ansible-vars',
    var: ['app_db_url', 'cache_servers'],
  });
  // cache_servers (a [prod:vars] list) reaches db1 and db3 from every prod host but themselves.
  assert.ok(findEdge(x, H('db1'), H('db3'), 'CONNECTS_TO'));
  assert.equal(findEdge(x, H('db1'), H('db1'), 'CONNECTS_TO'), undefined);
  assert.equal(x.stats.listen_facts, 2);
  // The app hosts' ansible_host is an alias of the host resource.
  assert.deepEqual(x.resources.find((r) => r.urn === H('app-02'))?.aliases, ['10.0.0.7']);
  assert.equal(x.resources.find((r) => r.urn === H('app-02'))?.env, 'prod');
  // IPv6 host names are escaped like every URN component.
  assert.ok(x.resources.some((r) => r.urn === 'urn:host:fe80%3A%3A1'));
});

test('yaml-with-vars: a connection string in all vars and an external redis from group_vars/db.yaml with its port', async () => {
  const x = extractAnsible(await loadAnsibleSources(join(ownFixtures, 'inventories/yaml-with-vars/inventory.yml')));
  assert.deepEqual(notMembership(edgeLines(x)), [
    `${H('db1')} -CONNECTS_TO-> ${H('cache.internal.example')}`,
    `${H('db2')} -CONNECTS_TO-> ${H('cache.internal.example')}`,
    `${H('db2')} -CONNECTS_TO-> ${H('db1')}`,
    `${H('solo')} -CONNECTS_TO-> ${H('db1')}`,
    `${H('web1')} -CONNECTS_TO-> ${H('db1')}`,
    `${H('web2')} -CONNECTS_TO-> ${H('db1')}`,
    `${H('web3')} -CONNECTS_TO-> ${H('db1')}`,
  ]);
  assert.deepEqual(findEdge(x, H('db2'), H('cache.internal.example'), 'CONNECTS_TO')?.props, {
    confidence: 'high',
    external: true,
    origin: 'group_vars/db.yaml',
    ports: ['tcp/6380'],
    source: 'ansible-vars',
    var: 'redis_host',
  });
  assert.deepEqual(
    edgeLines(x, 'MEMBER_OF').filter((l) => l.startsWith('urn:ansible')),
    ['urn:ansible:group:yaml-with-vars/db_replica -MEMBER_OF-> urn:ansible:group:yaml-with-vars/db'],
  );
});

test('scanVars: URLs, lists, sibling ports, Jinja group references, build inputs and secrets', () => {
  const r = scanVars({
    database_url: 'postgresql://u:secret@pg.example.com/app?sslmode=require',
    mongo: 'mongodb://m1.example.com:27017,m2.example.com:27018/db?replicaSet=rs',
    report_dsn: 'jdbc:oracle:thin:@//ora.example.com:1522/ORCL',
    cache: { host: 'redis.example.com', port: 6390 },
    memcached_servers: ['mc1.example.com:11211', 'mc2.example.com'],
    upstreams: 'server 10.0.0.5:8080 weight=3; server 10.0.0.6:8080 backup',
    db_host: "{{ groups['dbservers'][0] }}",
    web_backends: '{{ groups.webservers | join(",") }}',
    api_endpoint: '{{ lookup("env", "API") }}',
    repository: 'https://github.com/example/app.git',
    ansible_host: '10.0.0.1',
    db_password: 'postgresql://not:read@x.example.com/y',
    homepage: 'https://example.com',
  });
  const got = r.deps.map(
    (d) => `${d.variable} ${JSON.stringify(d.target)}${d.port === undefined ? '' : ` port=${d.port}`} ${d.confidence}`,
  );
  assert.deepEqual(got, [
    'database_url {"kind":"endpoint","endpoint":{"host":"pg.example.com","scheme":"postgresql","port":5432,"database":"app"}} high',
    'mongo {"kind":"endpoint","endpoint":{"host":"m1.example.com","port":27017,"scheme":"mongodb","database":"db"}} high',
    'mongo {"kind":"endpoint","endpoint":{"host":"m2.example.com","port":27018,"scheme":"mongodb","database":"db"}} high',
    'report_dsn {"kind":"endpoint","endpoint":{"host":"ora.example.com","scheme":"oracle","port":1522,"database":"ORCL"}} high',
    'cache.host {"kind":"endpoint","endpoint":{"host":"redis.example.com"}} port=6390 high',
    'memcached_servers {"kind":"endpoint","endpoint":{"host":"mc1.example.com","port":11211}} medium',
    'memcached_servers {"kind":"endpoint","endpoint":{"host":"mc2.example.com"}} medium',
    'upstreams {"kind":"endpoint","endpoint":{"host":"10.0.0.5","port":8080}} medium',
    'upstreams {"kind":"endpoint","endpoint":{"host":"10.0.0.6","port":8080}} medium',
    'db_host {"kind":"group","group":"dbservers","index":0} medium',
    'web_backends {"kind":"group","group":"webservers"} medium',
  ]);
  assert.deepEqual(r.unresolvedJinja, ['api_endpoint']);
  assert.deepEqual(r.buildInputs, ['repository']);
  // Credentials never reach the endpoint.
  assert.ok(!JSON.stringify(r.deps).includes('secret'));
  // Patterns are configurable: read `homepage` as a URL variable.
  const custom = scanVars({ homepage: 'https://example.com' }, varPatterns({ url: '^homepage$' }));
  assert.deepEqual(
    custom.deps.map((d) => d.target),
    [{ kind: 'endpoint', endpoint: { host: 'example.com', scheme: 'https', port: 443 } }],
  );
});

test('endpoint parsing: IPv6, SQL Server JDBC, invalid tokens dropped', () => {
  assert.deepEqual(parseUrl('redis://:pw@[fd00::5]:6380/2'), [
    { host: 'fd00::5', port: 6380, scheme: 'redis', database: '2' },
  ]);
  assert.deepEqual(parseUrl('jdbc:sqlserver://sql.example.com:1433;databaseName=sales'), [
    { host: 'sql.example.com', port: 1433, scheme: 'sqlserver', database: 'sales' },
  ]);
  assert.equal(parseUrl('not a url'), undefined);
  assert.deepEqual(parseHostList('a.example.com:99999, b_c.example.com, !!!'), [{ host: 'b_c.example.com' }]);
});

test('template scan: loops over groups, indexed refs, membership tests and listen-only loops', () => {
  const tpl = [
    "{% if inventory_hostname in groups['web'] %}open{% endif %}",
    "{% for h in groups['lb'] %}",
    'listen front {{ h }}:{{ lb_port }}',
    '{% endfor %}',
    '{% for h in groups.web %}',
    '  {% for x in [1] %}nested{% endfor %}',
    '  server {{ h }}:{{ http_port }} check',
    '{% endfor %}',
    "primary = {{ hostvars[groups['db'][0]].ansible_host }}:5432",
    '{% for h in groups[target_group] %}{{ h }}{% endfor %}',
  ].join('\n');
  const { refs, unresolved } = scanTemplate(tpl, 'template');
  assert.deepEqual(
    refs.map((r) => ({ ...r })),
    [
      { group: 'lb', connection: false, portVars: ['lb_port'], ports: [], line: 2 },
      { group: 'web', connection: true, portVars: ['http_port'], ports: [], line: 5 },
      { group: 'db', index: 0, connection: true, portVars: [], ports: [5432], line: 9 },
    ],
  );
  assert.equal(unresolved, 1);
  // In tasks every reference is a configuration dependency, never a connection.
  assert.ok(
    scanTemplate('loop: "{{ groups[\'web\'] }}"\nwith_items: groups.db', 'task').refs.every((r) => !r.connection),
  );
  assert.deepEqual(
    scanTemplate('loop: "{{ groups[\'web\'] }}"\nwith_items: groups.db', 'task').refs.map((r) => r.group),
    ['web', 'db'],
  );
});
