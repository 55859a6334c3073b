import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  URN_USER,
  clientPeerTarget,
  dbUrn,
  escapeComponent,
  hostFromConnectionString,
  hostUrn,
  k8sServiceFromHost,
  mqUrn,
  normalizeHost,
  parseUrn,
  resolvePeerTarget,
  resourceFromUrn,
  resourceIdentity,
  resourceUrn,
  rootCallerTarget,
  serviceUrn,
  unescapeComponent,
  type PeerDirectory,
} from '../../../src/core/urn.js';
import type { Attrs } from '../../../src/core/records.js';

test('instrumented side: the precedence table of service-graph.md §5.2', () => {
  const cases: [Attrs, string | undefined][] = [
    [{ 'service.name': 'Checkout', 'k8s.namespace.name': 'Shop', 'host.name': 'n1' }, 'urn:k8s:svc:shop/checkout'],
    [{ 'k8s.namespace.name': 'shop', 'k8s.statefulset.name': 'pg', 'k8s.job.name': 'j' }, 'urn:k8s:svc:shop/pg'],
    [
      { 'service.name': 'unknown_service:java', 'k8s.namespace.name': 'shop', 'k8s.deployment.name': 'api' },
      'urn:k8s:svc:shop/api',
    ],
    [{ 'service.name': ' billing ', 'service.namespace': 'fin' }, 'urn:svc:fin/billing'],
    [{ 'service.name': 'billing' }, 'urn:svc:_/billing'],
    [{ 'service.name': 'unknown_service', 'host.name': 'Web-1.Example.com.' }, 'urn:host:web-1.example.com'],
    [{ 'host.id': 'i-0abc' }, 'urn:host:i-0abc'],
    [{ service_name: 'flat', k8s_namespace_name: 'o2' }, 'urn:k8s:svc:o2/flat'], // OpenObserve's flattened keys
    [{ 'k8s.namespace.name': 'shop' }, undefined],
    [{ 'service.name': '' }, undefined],
    [{}, undefined],
  ];
  for (const [attrs, urn] of cases) assert.equal(resourceUrn(attrs), urn, JSON.stringify(attrs));
  assert.deepEqual(resourceIdentity({ 'service.name': 'A', 'k8s.namespace.name': 'x' }), {
    urn: 'urn:k8s:svc:x/a',
    type: 'k8s_service',
    k8sNamespace: 'x',
    serviceName: 'a',
  });
});

test('escaping: separators and odd characters are percent-encoded; unknown is _', () => {
  assert.equal(escapeComponent('a/b:c d%'), 'a%2Fb%3Ac%20d%25');
  assert.equal(escapeComponent(''), '_');
  assert.equal(escapeComponent(undefined), '_');
  assert.equal(escapeComponent('_'), '%5F');
  assert.equal(escapeComponent('my_db-1.x~'), 'my_db-1.x~');
  assert.equal(escapeComponent('zürich'), 'z%C3%BCrich');
  for (const s of ['a/b:c d%', '_', 'zürich', 'x\\y']) assert.equal(unescapeComponent(escapeComponent(s)), s);
  assert.equal(unescapeComponent('_'), undefined);
  assert.equal(serviceUrn(undefined, 'Team/API'), 'urn:svc:_/team%2Fapi');
});

test('hosts: scheme, user info, port, trailing dot, IPv6, k8s DNS', () => {
  assert.equal(normalizeHost('HTTPS://user:pw@Api.Stripe.com:443/v1?x'), 'api.stripe.com');
  assert.equal(normalizeHost('db.example.com.'), 'db.example.com');
  assert.equal(normalizeHost('[2001:db8::1]:5432'), '2001:db8::1');
  assert.equal(normalizeHost('2001:db8::1'), '2001:db8::1');
  assert.equal(normalizeHost('  '), undefined);
  assert.equal(hostUrn('loki:3100'), 'urn:host:loki');
  assert.equal(hostUrn('pg.db.svc.cluster.local'), 'urn:host:pg.db');
  assert.deepEqual(k8sServiceFromHost('cart.shop.svc.cluster.local'), { namespace: 'shop', service: 'cart' });
  assert.deepEqual(k8sServiceFromHost('pg-0.pg.db.svc'), { namespace: 'db', service: 'pg' });
  assert.equal(k8sServiceFromHost('cart.shop'), undefined);
  assert.equal(k8sServiceFromHost('example.com'), undefined);
});

test('database URNs: old and new semconv, system tokens, db name rules, cluster precedence', () => {
  const db = (span: Attrs, caller?: Attrs, dir?: PeerDirectory) => {
    const t = clientPeerTarget(span, caller);
    assert.ok(t, JSON.stringify(span));
    return resolvePeerTarget(t, dir)?.urn;
  };
  // Tempo fixture: old conventions, no server.address
  assert.equal(
    db({ 'db.system': 'postgresql', 'db.name': 'postgres', 'net.peer.name': 'mythical-database' }),
    'urn:db:postgres:mythical-database/postgres',
  );
  // New conventions: db.system.name, db.namespace (first component for PostgreSQL), server.address wins
  assert.equal(
    db({
      'db.system.name': 'postgresql',
      'db.namespace': 'orders.public',
      'server.address': 'PG-1:5432',
      'net.peer.name': 'x',
    }),
    'urn:db:postgres:pg-1/orders',
  );
  assert.equal(db({ 'db.system': 'mysql' }), 'urn:db:mysql:_/_');
  assert.equal(db({ 'db.system': 'mariadb', 'db.name': 'Shop', 'server.address': 'm' }), 'urn:db:mariadb:m/Shop');
  assert.equal(
    db({ 'db.system.name': 'microsoft.sql_server', 'db.namespace': 'inst1|sales', 'server.address': 'sql1' }),
    'urn:db:mssql:sql1\\inst1/sales',
  );
  assert.equal(
    db({ 'db.system': 'mssql', 'db.name': 'sales', 'db.mssql.instance_name': 'i2', 'server.address': 'sql1' }),
    'urn:db:mssql:sql1\\i2/sales',
  );
  assert.equal(db({ 'db.system': 'redis', 'server.address': 'cache:6379' }), 'urn:db:redis:cache/0');
  assert.equal(
    db({ 'db.system': 'redis', 'db.redis.database_index': 3, 'net.peer.name': 'cache' }),
    'urn:db:redis:cache/3',
  );
  assert.equal(
    db(
      { 'db.system.name': 'aws.dynamodb', 'server.address': 'dynamodb.eu-west-1.amazonaws.com' },
      { 'cloud.region': 'eu-west-1' },
    ),
    'urn:db:dynamodb:eu-west-1/_',
  );
  assert.equal(
    db({ 'db.system': 'elasticsearch', 'db.elasticsearch.cluster.name': 'Logs' }),
    'urn:db:elasticsearch:logs/_',
  );
  assert.equal(db({ 'db.system': 'sap.hana', 'db.name': 'h', 'server.address': 'h1' }), 'urn:db:sap-hana:h1/h');
  assert.equal(db({ 'db.name': 'legacy', 'server.address': 'h1' }), 'urn:db:sql:h1/legacy');
  assert.equal(
    db({ 'db.system': 'sqlite', 'db.name': 'app.db' }, { 'host.name': 'edge-7' }),
    'urn:db:sqlite:edge-7/app.db',
  );
  assert.equal(
    db({ 'db.system': 'postgresql', 'db.name': 'p', 'peer.service': 'Main-PG', 'server.address': 'x' }),
    'urn:db:postgres:main-pg/p',
  );
  assert.equal(
    db({ 'db.system': 'postgresql', 'db.name': 'p', 'db.connection_string': 'postgresql://u@pg.internal:5432/p' }),
    'urn:db:postgres:pg.internal/p',
  );
  assert.equal(
    db({ 'db.system': 'mssql', 'db.name': 'p', 'db.connection_string': 'Server=tcp:sqlsrv,1433;Database=p' }),
    'urn:db:mssql:sqlsrv/p',
  );
  // O2 flattened keys
  assert.equal(db({ db_system_name: 'postgresql', db_namespace: 'd', server_address: 's' }), 'urn:db:postgres:s/d');
  // A bare IP is a cluster only through a known host
  const dir: PeerDirectory = {
    serviceUrn: () => undefined,
    resolveIp: (ip) => (ip === '10.0.0.5' ? { urn: 'urn:host:pg-a', host: 'pg-a' } : undefined),
  };
  assert.equal(
    db({ 'db.system': 'postgresql', 'db.name': 'p', 'network.peer.address': '10.0.0.5' }, undefined, dir),
    'urn:db:postgres:pg-a/p',
  );
  assert.equal(
    db({ 'db.system': 'postgresql', 'db.name': 'p', 'network.peer.address': '10.0.0.9' }, undefined, dir),
    'urn:db:postgres:_/p',
  );
  assert.equal(hostFromConnectionString('host=pg1 port=5432 dbname=x'), 'pg1');
});

test('messaging, service, rpc and host peers; root callers', () => {
  const peer = (span: Attrs, caller?: Attrs, dir?: PeerDirectory) => {
    const t = clientPeerTarget(span, caller);
    return t && resolvePeerTarget(t, dir);
  };
  assert.deepEqual(
    peer({ 'messaging.system': 'Kafka', 'messaging.destination.name': 'Orders', 'server.address': 'k1:9092' }),
    {
      urn: 'urn:mq:kafka:k1/Orders',
      type: 'queue',
    },
  );
  assert.equal(
    peer({ 'messaging.system': 'rabbitmq', 'messaging.destination': '', 'messaging.rabbitmq.routing_key': 'jobs' })
      ?.urn,
    'urn:mq:rabbitmq:_/jobs',
  );
  assert.equal(
    peer({
      'messaging.system': 'sqs',
      'messaging.url': 'https://sqs.eu-west-1.amazonaws.com/1/q',
      'messaging.destination': 'q',
    })?.urn,
    'urn:mq:sqs:sqs.eu-west-1.amazonaws.com/q',
  );
  assert.equal(peer({ 'peer.service': 'Payments' })?.urn, 'urn:svc:_/payments');
  assert.equal(peer({ 'service.peer.name': 'new', 'peer.service': 'old' })?.urn, 'urn:svc:_/new');
  const dir: PeerDirectory = {
    serviceUrn: (name, ns) =>
      name === 'payments' ? (ns === 'fin' ? 'urn:k8s:svc:fin/payments' : undefined) : undefined,
    resolveIp: (ip) => (ip === '10.1.2.3' ? { urn: 'urn:k8s:svc:shop/cart' } : undefined),
  };
  assert.equal(
    peer({ 'peer.service': 'payments' }, { 'k8s.namespace.name': 'fin' }, dir)?.urn,
    'urn:k8s:svc:fin/payments',
  );
  assert.equal(peer({ 'rpc.system': 'grpc', 'rpc.service': 'shop.Cart' })?.urn, 'urn:svc:_/shop.cart');
  assert.equal(
    peer({ 'server.address': 'cart.shop.svc.cluster.local', 'server.port': 80 })?.urn,
    'urn:k8s:svc:shop/cart',
  );
  assert.equal(peer({ 'net.peer.name': 'loki' })?.urn, 'urn:host:loki');
  assert.equal(peer({ 'http.url': 'http://legacy.corp:8080/a' })?.urn, 'urn:host:legacy.corp');
  assert.equal(peer({ 'url.full': 'https://api.stripe.com/v1/charges/1' })?.urn, 'urn:host:api.stripe.com');
  assert.equal(peer({ 'server.address': '10.1.2.3' }, undefined, dir)?.urn, 'urn:k8s:svc:shop/cart');
  assert.equal(peer({ 'server.address': '192.0.2.1' }, undefined, dir), undefined, 'unknown IPs are not names');
  assert.equal(clientPeerTarget({ 'peer.ipv4': '1.2.3.4' }, undefined), undefined);
  assert.equal(clientPeerTarget({}, undefined), undefined);

  assert.equal(rootCallerTarget({}, 'server', {}), undefined); // → urn:user
  assert.deepEqual(rootCallerTarget({ 'peer.service': 'Ext' }, 'consumer', {}), {
    kind: 'service',
    name: 'ext',
    callerNs: undefined,
  });
  const q = rootCallerTarget({ 'messaging.system': 'kafka', 'messaging.destination.name': 'orders' }, 'consumer', {});
  assert.equal(q && resolvePeerTarget(q)?.urn, 'urn:mq:kafka:_/orders');
  assert.equal(rootCallerTarget({ 'messaging.system': 'kafka' }, 'server', {}), undefined);
});

test('parseUrn and resourceFromUrn give dim_resource fields', () => {
  assert.deepEqual(parseUrn('urn:db:mssql:sql1\\inst1/sales'), {
    type: 'database',
    parts: ['mssql', 'sql1\\inst1', 'sales'],
  });
  assert.deepEqual(parseUrn('urn:k8s:svc:shop/cart'), { type: 'k8s_service', parts: ['shop', 'cart'] });
  assert.deepEqual(parseUrn(URN_USER), { type: 'user', parts: [] });
  assert.equal(parseUrn('not-a-urn'), undefined);
  for (const urn of [dbUrn('postgres', undefined, 'a/b'), mqUrn('kafka', 'k:1', '_'), serviceUrn('x', 'y')]) {
    assert.ok(parseUrn(urn), urn);
  }
  assert.deepEqual(parseUrn(dbUrn('postgres', undefined, 'a/b')), {
    type: 'database',
    parts: ['postgres', undefined, 'a/b'],
  });

  const r = resourceFromUrn('urn:k8s:svc:shop/cart', {
    'service.name': 'cart',
    'k8s.namespace.name': 'shop',
    'k8s.pod.name': 'cart-7f9',
    'deployment.environment.name': 'prod',
    'cloud.region': 'eu-west-1',
    'cloud.availability_zone': 'eu-west-1a',
  });
  assert.deepEqual(r, {
    urn: 'urn:k8s:svc:shop/cart',
    type: 'k8s_service',
    name: 'cart',
    env: 'prod',
    region: 'eu-west-1',
    zone: 'eu-west-1a',
    labels: { 'service.name': 'cart', 'k8s.namespace.name': 'shop' },
  });
  assert.deepEqual(resourceFromUrn('urn:db:postgres:pg-1/orders'), {
    urn: 'urn:db:postgres:pg-1/orders',
    type: 'database',
    name: 'orders',
    env: null,
    region: null,
    zone: null,
    labels: { 'db.system': 'postgres', 'db.cluster': 'pg-1', 'db.namespace': 'orders' },
  });
  assert.equal(resourceFromUrn('urn:mq:kafka:k1/_').name, 'k1');
  assert.equal(resourceFromUrn(URN_USER).type, 'user');
  assert.equal(resourceFromUrn('urn:host:web-1', { 'deployment.environment': 'stage' }).env, 'stage');
  assert.equal(resourceFromUrn('urn:aws:rds:db-1').type, 'aws');
});
