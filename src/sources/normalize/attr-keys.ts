/**
 * OpenObserve flattens attribute keys (`k8s.namespace.name` → `k8s_namespace_name`), which cannot
 * be undone in general. For the OpenTelemetry semantic-convention keys the pipeline relies on, the
 * dotted name is restored from these tables; unknown keys keep their flattened spelling.
 */

/** Resource attributes (semconv) that identify where telemetry comes from. */
export const RESOURCE_KEYS: readonly string[] = [
  'service.name',
  'service.namespace',
  'service.version',
  'service.instance.id',
  'deployment.environment',
  'deployment.environment.name',
  'k8s.cluster.name',
  'k8s.namespace.name',
  'k8s.pod.name',
  'k8s.pod.uid',
  'k8s.pod.ip',
  'k8s.deployment.name',
  'k8s.statefulset.name',
  'k8s.daemonset.name',
  'k8s.replicaset.name',
  'k8s.job.name',
  'k8s.cronjob.name',
  'k8s.container.name',
  'k8s.node.name',
  'container.id',
  'container.name',
  'container.image.name',
  'container.image.tag',
  'host.name',
  'host.id',
  'host.arch',
  'host.type',
  'host.ip',
  'os.type',
  'os.description',
  'cloud.provider',
  'cloud.platform',
  'cloud.region',
  'cloud.availability_zone',
  'cloud.account.id',
  'process.pid',
  'process.executable.name',
  'process.runtime.name',
  'process.runtime.version',
  'telemetry.sdk.name',
  'telemetry.sdk.language',
  'telemetry.sdk.version',
  'telemetry.distro.name',
  'faas.name',
  'aws.ecs.task.arn',
];

/** Span/log/metric attributes the aggregators read (peer naming, HTTP/RPC, messaging, errors). */
export const ATTR_KEYS: readonly string[] = [
  'http.request.method',
  'http.response.status_code',
  'http.route',
  'http.method',
  'http.status_code',
  'http.url',
  'http.target',
  'url.full',
  'url.path',
  'url.scheme',
  'url.query',
  'server.address',
  'server.port',
  'client.address',
  'client.port',
  'network.peer.address',
  'network.peer.port',
  'network.protocol.name',
  'net.peer.name',
  'net.peer.port',
  'net.peer.ip',
  'net.sock.peer.addr',
  'peer.service',
  'service.peer.name',
  'rpc.system',
  'rpc.service',
  'rpc.method',
  'rpc.grpc.status_code',
  'db.system',
  'db.system.name',
  'db.name',
  'db.namespace',
  'db.statement',
  'db.query.text',
  'db.operation',
  'db.operation.name',
  'db.collection.name',
  'db.user',
  'messaging.system',
  'messaging.destination',
  'messaging.destination.name',
  'messaging.operation',
  'messaging.operation.type',
  'messaging.consumer.group.name',
  'messaging.url',
  'messaging.rabbitmq.routing_key',
  'messaging.kafka.partition',
  'error.type',
  'exception.type',
  'exception.message',
  'user_agent.original',
  'code.function',
  'code.namespace',
  'thread.name',
  'log.file.path',
  'otel.status_description',
];

/** Attributes whose values are integers; OO stores span attributes as strings ("504"). */
export const INT_KEYS: ReadonlySet<string> = new Set([
  'http.response.status_code',
  'http.status_code',
  'server.port',
  'client.port',
  'network.peer.port',
  'net.peer.port',
  'rpc.grpc.status_code',
  'messaging.kafka.partition',
  'process.pid',
]);

/** OO's key normalisation: lower-case, every char outside [a-z0-9_] becomes `_`. */
export function flattenKey(key: string): string {
  return key.toLowerCase().replace(/[^a-z0-9_]/g, '_');
}

const table = (keys: readonly string[]): ReadonlyMap<string, string> => new Map(keys.map((k) => [flattenKey(k), k]));

/** Flattened → dotted, for resource attributes. */
export const RESOURCE_BY_FLAT = table(RESOURCE_KEYS);
/** Flattened → dotted, for other attributes. */
export const ATTR_BY_FLAT = table(ATTR_KEYS);

/**
 * Common log-shipper spellings (Fluent Bit / Vector Kubernetes metadata) of resource attributes.
 * Only used when the semconv key itself is absent.
 */
export const RESOURCE_ALIASES: ReadonlyMap<string, string> = new Map([
  ['kubernetes_namespace_name', 'k8s.namespace.name'],
  ['kubernetes_pod_name', 'k8s.pod.name'],
  ['kubernetes_container_name', 'k8s.container.name'],
  ['kubernetes_host', 'k8s.node.name'],
  ['kubernetes_pod_namespace', 'k8s.namespace.name'],
]);
