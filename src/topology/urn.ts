/**
 * URN shapes of the topology extractors, built on the canonical ones in core/urn.ts (hosts,
 * Kubernetes services and databases use exactly those builders, so a host found by Ansible and
 * the same host seen in spans are one resource). Components are escaped the same way, so `:`
 * and `/` stay separators.
 *
 *   urn:<cloud>:<kind>:<provider id>   cloud object (aws, gcp, azure, aliyun); kind as in docs/cloud-snapshot.md
 *   urn:k8s:svc:<ns>/<name>            Kubernetes Service; other kinds urn:k8s:<kind>:<ns>/<name>
 *   urn:tf:<type>:<id>                 Terraform object without a cloud mapping, by provider id
 *   urn:tf:<state>:<address>           ... and without an id, by lineage and instance address
 *   urn:pulumi:...                     Pulumi object without a cloud mapping: its own URN, as is
 *   urn:host:<host>                    Ansible host (inventory hostname), external host
 *   urn:ansible:group:<inventory>/<group>
 *   urn:db:<system>:<host>/<db>        database reached through a connection string
 *   urn:endpoint:internet              traffic from anywhere (0.0.0.0/0)
 */
import {
  dbUrn as coreDbUrn,
  escapeComponent,
  hostUrn as coreHostUrn,
  k8sServiceUrn,
  normalizeHost as coreNormalizeHost,
} from '../core/urn.js';

export function normalizeHost(host: string): string {
  return coreNormalizeHost(host) ?? host.trim().toLowerCase();
}

export function hostUrn(host: string): string {
  return coreHostUrn(host);
}

/** Azure resource ids are case-insensitive: lower-case them so every spelling gives one URN. */
export function cloudUrn(cloud: string, kind: string, id: string): string {
  const nid = cloud === 'azure' ? id.toLowerCase() : id;
  return `urn:${cloud}:${kind}:${escapeComponent(nid)}`;
}

export function k8sUrn(kind: string, namespace: string | undefined, name: string): string {
  if (kind === 'service' && namespace !== undefined) return k8sServiceUrn(namespace, name);
  const n = escapeComponent(name.toLowerCase());
  return namespace === undefined
    ? `urn:k8s:${kind}:${n}`
    : `urn:k8s:${kind}:${escapeComponent(namespace.toLowerCase())}/${n}`;
}

/** A Terraform object without a cloud mapping: by type and provider id, else by state and address. */
export function tfUrn(type: string, id: string | undefined, stateId: string, address: string): string {
  return id !== undefined && id !== ''
    ? `urn:tf:${escapeComponent(type)}:${escapeComponent(id)}`
    : `urn:tf:${escapeComponent(stateId)}:${escapeComponent(address)}`;
}

export function ansibleGroupUrn(inventoryId: string, group: string): string {
  return `urn:ansible:group:${escapeComponent(inventoryId)}/${escapeComponent(group)}`;
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
  clickhouse: 'clickhouse',
};

export function dbSystemForScheme(scheme: string): string | undefined {
  return DB_SYSTEMS[scheme.toLowerCase()];
}

export function dbUrn(system: string, host: string, db: string | undefined): string {
  return coreDbUrn(system, normalizeHost(host), db === '' ? undefined : db);
}

/** Traffic from anywhere (security group ingress from 0.0.0.0/0, firewall source_ranges). */
export const INTERNET_URN = 'urn:endpoint:internet';
