import type { Attrs, Resource } from '../../core/records.js';
import { hashInts, hex32, Rng } from './prng.js';

/**
 * The modelled system: a small online shop on Kubernetes. Fourteen services in four namespaces call
 * each other over HTTP/gRPC; a PostgreSQL server, a Redis cache, a Kafka cluster and an external
 * payment API are uninstrumented peers reached through client/producer spans.
 */

export interface ServiceDef {
  name: string;
  namespace: string;
  version: string;
  language: string;
  pods: number;
  protocol: 'http' | 'grpc';
}

export const SERVICES: readonly ServiceDef[] = [
  { name: 'frontend', namespace: 'web', version: '2.14.0', language: 'nodejs', pods: 3, protocol: 'http' },
  { name: 'api-gateway', namespace: 'web', version: '1.9.3', language: 'go', pods: 3, protocol: 'http' },
  { name: 'catalog', namespace: 'shop', version: '3.2.1', language: 'java', pods: 2, protocol: 'grpc' },
  { name: 'recommendations', namespace: 'shop', version: '0.8.7', language: 'python', pods: 2, protocol: 'grpc' },
  { name: 'pricing', namespace: 'shop', version: '1.4.0', language: 'go', pods: 2, protocol: 'grpc' },
  { name: 'inventory', namespace: 'shop', version: '2.0.5', language: 'java', pods: 2, protocol: 'grpc' },
  { name: 'cart', namespace: 'shop', version: '1.7.2', language: 'dotnet', pods: 2, protocol: 'grpc' },
  { name: 'checkout', namespace: 'shop', version: '4.1.0', language: 'go', pods: 2, protocol: 'grpc' },
  { name: 'orders', namespace: 'shop', version: '2.6.3', language: 'java', pods: 2, protocol: 'grpc' },
  { name: 'shipping', namespace: 'shop', version: '1.1.9', language: 'rust', pods: 1, protocol: 'grpc' },
  { name: 'payments', namespace: 'payments', version: '5.0.2', language: 'java', pods: 2, protocol: 'grpc' },
  { name: 'auth', namespace: 'platform', version: '3.3.3', language: 'go', pods: 2, protocol: 'grpc' },
  { name: 'user-profile', namespace: 'platform', version: '2.2.0', language: 'python', pods: 2, protocol: 'grpc' },
  { name: 'notifications', namespace: 'platform', version: '1.0.4', language: 'nodejs', pods: 1, protocol: 'grpc' },
];

export const HOSTS: readonly string[] = [
  'k8s-node-1',
  'k8s-node-2',
  'k8s-node-3',
  'k8s-node-4',
  'k8s-node-5',
  'k8s-node-6',
];

export interface PeerDef {
  /** The name an incident's `dependency` refers to. */
  name: string;
  kind: 'database' | 'cache' | 'queue' | 'external';
  spanKind: 'client' | 'producer';
  medianMs: number;
  sigma: number;
  errorRate: number;
  /** Attributes every span to this peer carries (semconv: db.*, messaging.*, server.*). */
  attrs: Attrs;
}

export const PEERS: readonly PeerDef[] = [
  db('orders-db', 'orders', 2.2),
  db('catalog-db', 'catalog', 1.6),
  db('users-db', 'users', 1.4),
  {
    name: 'redis',
    kind: 'cache',
    spanKind: 'client',
    medianMs: 0.35,
    sigma: 0.5,
    errorRate: 0.0005,
    attrs: { 'db.system': 'redis', 'server.address': 'redis-master.data.svc.cluster.local', 'server.port': 6379 },
  },
  {
    name: 'kafka',
    kind: 'queue',
    spanKind: 'producer',
    medianMs: 1.1,
    sigma: 0.6,
    errorRate: 0.001,
    attrs: {
      'messaging.system': 'kafka',
      'server.address': 'kafka-0.kafka.data.svc.cluster.local',
      'server.port': 9092,
    },
  },
  {
    name: 'stripe',
    kind: 'external',
    spanKind: 'client',
    medianMs: 120,
    sigma: 0.45,
    errorRate: 0.02,
    attrs: {
      'server.address': 'api.stripe.com',
      'server.port': 443,
      'http.request.method': 'POST',
      'url.full': 'https://api.stripe.com/v1/charges',
    },
  },
];

function db(name: string, database: string, medianMs: number): PeerDef {
  return {
    name,
    kind: 'database',
    spanKind: 'client',
    medianMs,
    sigma: 0.7,
    errorRate: 0.003,
    attrs: {
      'db.system': 'postgresql',
      'db.name': database,
      'server.address': `${name}.data.svc.cluster.local`,
      'server.port': 5432,
    },
  };
}

/** A call from an operation: to another service's operation, or to a peer with a span name. */
export type CallDef =
  | { op: string; p?: number; times?: readonly [number, number] }
  | { peer: string; span: string; p?: number; times?: readonly [number, number]; attrs?: Attrs };

export interface OpDef {
  id: string;
  service: string;
  /** Span name; for HTTP `METHOD route`, for gRPC `package.Service/Method`. */
  name: string;
  route?: string;
  method?: string;
  selfMs: number;
  sigma: number;
  errorRate: number;
  calls: readonly CallDef[];
}

const grpc = (service: string, method: string, selfMs: number, calls: CallDef[] = [], errorRate = 0.006): OpDef => ({
  id: `${service}:${method}`,
  service,
  name: `shop.${pascal(service)}Service/${method}`,
  selfMs,
  sigma: 0.55,
  errorRate,
  calls,
});

const http = (service: string, method: string, route: string, selfMs: number, calls: CallDef[]): OpDef => ({
  id: `${service}:${method} ${route}`,
  service,
  name: `${method} ${route}`,
  method,
  route,
  selfMs,
  sigma: 0.5,
  errorRate: 0.004,
  calls,
});

function pascal(s: string): string {
  return s.replace(/(^|-)([a-z])/g, (_, _d: string, c: string) => c.toUpperCase());
}

export const OPS: readonly OpDef[] = [
  // edge: the browser-facing frontend and the gateway in front of the shop services
  http('frontend', 'GET', '/', 3, [{ op: 'api-gateway:GET /api/home' }]),
  http('frontend', 'GET', '/product/{id}', 2.5, [{ op: 'api-gateway:GET /api/products/{id}' }]),
  http('frontend', 'POST', '/cart', 2, [{ op: 'api-gateway:POST /api/cart' }]),
  http('frontend', 'POST', '/checkout', 3, [{ op: 'api-gateway:POST /api/checkout' }]),
  http('frontend', 'GET', '/account', 2, [{ op: 'api-gateway:GET /api/account' }]),
  http('api-gateway', 'GET', '/api/home', 0.8, [
    { op: 'catalog:ListProducts' },
    { op: 'recommendations:GetRecommendations', p: 0.8 },
  ]),
  http('api-gateway', 'GET', '/api/products/{id}', 0.7, [
    { op: 'catalog:GetProduct' },
    { op: 'pricing:GetPrice' },
    { op: 'inventory:CheckStock' },
  ]),
  http('api-gateway', 'POST', '/api/cart', 0.9, [
    { op: 'auth:ValidateToken' },
    { op: 'inventory:CheckStock' },
    { op: 'cart:AddItem' },
  ]),
  http('api-gateway', 'POST', '/api/checkout', 1, [{ op: 'auth:ValidateToken' }, { op: 'checkout:PlaceOrder' }]),
  http('api-gateway', 'GET', '/api/account', 0.8, [
    { op: 'auth:ValidateToken' },
    { op: 'user-profile:GetProfile' },
    { op: 'orders:ListOrders', p: 0.7 },
  ]),
  http('api-gateway', 'GET', '/healthz', 0.15, []),
  // shop
  grpc('catalog', 'ListProducts', 1.5, [
    { peer: 'redis', span: 'GET', attrs: { 'db.operation.name': 'GET' } },
    { peer: 'catalog-db', span: 'SELECT catalog.products', p: 0.4, attrs: { 'db.operation.name': 'SELECT' } },
  ]),
  grpc('catalog', 'GetProduct', 0.8, [
    { peer: 'redis', span: 'GET', attrs: { 'db.operation.name': 'GET' } },
    { peer: 'catalog-db', span: 'SELECT catalog.products', p: 0.3, attrs: { 'db.operation.name': 'SELECT' } },
  ]),
  grpc('recommendations', 'GetRecommendations', 6, [{ op: 'catalog:GetProduct', times: [1, 4] }]),
  grpc('pricing', 'GetPrice', 0.6, [{ peer: 'redis', span: 'HGET', p: 0.6, attrs: { 'db.operation.name': 'HGET' } }]),
  grpc('inventory', 'CheckStock', 0.7, [
    { peer: 'catalog-db', span: 'SELECT catalog.stock', attrs: { 'db.operation.name': 'SELECT' } },
  ]),
  grpc('cart', 'AddItem', 0.6, [{ peer: 'redis', span: 'HSET', attrs: { 'db.operation.name': 'HSET' } }]),
  grpc('cart', 'GetCart', 0.5, [{ peer: 'redis', span: 'HGETALL', attrs: { 'db.operation.name': 'HGETALL' } }]),
  grpc('checkout', 'PlaceOrder', 2, [
    { op: 'cart:GetCart' },
    { op: 'pricing:GetPrice', times: [1, 3] },
    { op: 'shipping:GetQuote' },
    { op: 'payments:Charge' },
    { op: 'orders:CreateOrder' },
  ]),
  grpc('orders', 'CreateOrder', 1.2, [
    { peer: 'orders-db', span: 'INSERT orders.orders', attrs: { 'db.operation.name': 'INSERT' } },
    {
      peer: 'kafka',
      span: 'order-events publish',
      attrs: { 'messaging.destination.name': 'order-events', 'messaging.operation': 'publish' },
    },
    {
      peer: 'kafka',
      span: 'audit-events publish',
      p: 0.5,
      attrs: { 'messaging.destination.name': 'audit-events', 'messaging.operation': 'publish' },
    },
  ]),
  grpc('orders', 'ListOrders', 0.9, [
    { peer: 'orders-db', span: 'SELECT orders.orders', attrs: { 'db.operation.name': 'SELECT' } },
  ]),
  grpc('shipping', 'GetQuote', 1.8, []),
  grpc('payments', 'Charge', 3, [
    { peer: 'users-db', span: 'SELECT users.payment_methods', attrs: { 'db.operation.name': 'SELECT' } },
    { peer: 'stripe', span: 'POST', attrs: {} },
  ]),
  // platform
  grpc('auth', 'ValidateToken', 0.4, [
    { peer: 'redis', span: 'GET', p: 0.9, attrs: { 'db.operation.name': 'GET' } },
    { peer: 'users-db', span: 'SELECT users.sessions', p: 0.1, attrs: { 'db.operation.name': 'SELECT' } },
  ]),
  grpc('user-profile', 'GetProfile', 0.9, [
    { peer: 'users-db', span: 'SELECT users.profiles', attrs: { 'db.operation.name': 'SELECT' } },
  ]),
  grpc('notifications', 'ProcessOrderEvent', 1.5, [{ op: 'user-profile:GetProfile' }]),
];

/** Kafka topics that a service consumes (with a CONSUMER span that continues the producer's trace). */
export const CONSUMERS: Readonly<Record<string, string>> = { 'order-events': 'notifications:ProcessOrderEvent' };

/** Browser-facing entry points and how often users hit them. */
export const ENTRY_POINTS: readonly (readonly [string, number])[] = [
  ['frontend:GET /', 30],
  ['frontend:GET /product/{id}', 35],
  ['frontend:POST /cart', 15],
  ['frontend:POST /checkout', 8],
  ['frontend:GET /account', 12],
];

export const HEALTHCHECK_OP = 'api-gateway:GET /healthz';

export interface Pod {
  service: ServiceDef;
  name: string;
  host: string;
  ip: string;
  resource: Resource;
}

/** A tenant's deployment: pods (with names, hosts and IPs) derived from the seed, stable over time. */
export interface Deployment {
  pods: ReadonlyMap<string, readonly Pod[]>;
  allPods: readonly Pod[];
  hostResources: ReadonlyMap<string, Resource>;
}

export function buildDeployment(seedWord: number): Deployment {
  const rng = new Rng(hashInts(seedWord, 0x5eed));
  const pods = new Map<string, Pod[]>();
  const allPods: Pod[] = [];
  for (const svc of SERVICES) {
    const replicaSet = k8sSuffix(rng, 10);
    const list: Pod[] = [];
    for (let i = 0; i < svc.pods; i++) {
      const name = `${svc.name}-${replicaSet}-${k8sSuffix(rng, 5)}`;
      const host = rng.pick(HOSTS);
      const ip = `10.42.${rng.range(0, 15)}.${rng.range(2, 254)}`;
      const resource: Resource = Object.freeze({
        attrs: Object.freeze({
          'service.name': svc.name,
          'service.namespace': svc.namespace,
          'service.version': svc.version,
          'service.instance.id': name,
          'deployment.environment.name': 'production',
          'k8s.namespace.name': svc.namespace,
          'k8s.deployment.name': svc.name,
          'k8s.pod.name': name,
          'k8s.pod.ip': ip,
          'k8s.node.name': host,
          'host.name': host,
          'telemetry.sdk.language': svc.language,
        }),
      });
      const pod = { service: svc, name, host, ip, resource };
      list.push(pod);
      allPods.push(pod);
    }
    pods.set(svc.name, list);
  }
  const hostResources = new Map<string, Resource>();
  HOSTS.forEach((host, i) => {
    hostResources.set(
      host,
      Object.freeze({
        attrs: Object.freeze({
          'host.name': host,
          'host.id': `i-0${hex32(hashInts(seedWord, i)).slice(0, 8)}${hex32(hashInts(seedWord, i, 1)).slice(0, 8)}`,
          'host.arch': 'amd64',
          'os.type': 'linux',
          'k8s.node.name': host,
          'cloud.provider': 'aws',
          'cloud.region': 'eu-west-1',
        }),
      }),
    );
  });
  return { pods, allPods, hostResources };
}

/** Kubernetes' own alphabet for generated name suffixes (no vowels, no confusable digits). */
const K8S_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function k8sSuffix(rng: Rng, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += K8S_ALPHABET[rng.int(K8S_ALPHABET.length)];
  return s;
}

export const OPS_BY_ID: ReadonlyMap<string, OpDef> = new Map(OPS.map((op) => [op.id, op]));
export const PEERS_BY_NAME: ReadonlyMap<string, PeerDef> = new Map(PEERS.map((p) => [p.name, p]));
export const SERVICE_NAMES: readonly string[] = SERVICES.map((s) => s.name);
/** Everything an incident can target: a service (its server spans) or a peer (client spans to it). */
export const INCIDENT_TARGETS: readonly string[] = [...SERVICE_NAMES, ...PEERS.map((p) => p.name)];
