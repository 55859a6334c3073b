/**
 * URN shapes used by the topology extractors. Cloud objects are keyed by the provider's own id
 * (`urn:<cloud>:<kind>:<id>`), so the same instance in a Terraform state, a Pulumi export and a
 * cloud snapshot collapses to one node. Hosts follow the service-graph convention
 * (`urn:host:<host>`), Kubernetes objects `urn:k8s:<kind>:<ns>/<name>` (Services as
 * `urn:k8s:svc:<ns>/<name>`), databases reached by URL `urn:db:<system>:<host>/<db>`.
 */

/** Lower-cased host, trailing dot and IPv6 brackets stripped. */
export function normalizeHost(host: string): string {
  let h = host.trim().toLowerCase();
  if (h.startsWith('[') && h.endsWith(']')) h = h.slice(1, -1);
  if (h.endsWith('.')) h = h.slice(0, -1);
  return h;
}

export function hostUrn(host: string): string {
  return `urn:host:${normalizeHost(host)}`;
}

/** Azure resource ids are case-insensitive: lower-case them so every spelling gives one URN. */
export function cloudUrn(cloud: string, kind: string, id: string): string {
  const nid = cloud === 'azure' ? id.toLowerCase() : id;
  return `urn:${cloud}:${kind}:${nid}`;
}

export function k8sUrn(kind: string, namespace: string | undefined, name: string): string {
  const k = kind === 'service' ? 'svc' : kind;
  return namespace === undefined ? `urn:k8s:${k}:${name}` : `urn:k8s:${k}:${namespace}/${name}`;
}

/** A Terraform object without a cloud mapping: by type and provider id, else by state and address. */
export function tfUrn(type: string, id: string | undefined, stateId: string, address: string): string {
  return id !== undefined && id !== '' ? `urn:tf:${type}:${id}` : `urn:tf:${stateId}:${address}`;
}

export function ansibleGroupUrn(inventoryId: string, group: string): string {
  return `urn:ansible:group:${inventoryId}/${group}`;
}

/** Token used in `urn:db:<system>:...` (matches the service-graph database table). */
const DB_SYSTEMS: Record<string, string> = {
  postgres: 'postgres',
  postgresql: 'postgres',
  pgsql: 'postgres',
  mysql: 'mysql',
  mariadb: 'mariadb',
  mongodb: 'mongodb',
  'mongodb+srv': 'mongodb',
  redis: 'redis',
  rediss: 'redis',
  sqlserver: 'mssql',
  mssql: 'mssql',
  oracle: 'oracle',
  cassandra: 'cassandra',
  elasticsearch: 'elasticsearch',
  memcached: 'memcached',
  clickhouse: 'clickhouse',
};

export function dbSystemForScheme(scheme: string): string | undefined {
  return DB_SYSTEMS[scheme.toLowerCase()];
}

export function dbUrn(system: string, host: string, db: string | undefined): string {
  return `urn:db:${system}:${normalizeHost(host)}/${db === undefined || db === '' ? '_' : db}`;
}

/** Traffic from anywhere (security group ingress from 0.0.0.0/0, firewall source_ranges). */
export const INTERNET_URN = 'urn:endpoint:internet';
