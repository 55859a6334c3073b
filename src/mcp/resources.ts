/**
 * MCP resources that teach an agent what the ids mean: the schema (read live from the database's
 * catalog, so it is never stale, with a line on what each main table holds) and the URN rules.
 */
import type { Queryable } from '../db/types.js';

export interface ResourceDef {
  uri: string;
  name: string;
  description: string;
  mimeType: string;
  read(db: Queryable): Promise<string>;
}

const TABLE_NOTES: Record<string, string> = {
  dim_tenant: 'tenants; every other table is scoped by tenant_id',
  dim_resource: 'one row per resource URN (service, host, database, queue); resource_id is used everywhere',
  metric_1m: '1-minute metric aggregates per resource, metric and label set (avg/min/max/p95/count/sum, DDSketch)',
  service_call_5m: '5-minute service-to-service call aggregates (calls, errors, p50/p95, latency sketch)',
  log_pattern: 'log template dictionary (Drain; variables as <*>), fingerprint stable across runs',
  log_pattern_5m: '5-minute counts per resource and pattern (count_total, count_error)',
  oo_locator: 'pointers back to raw rows in OpenObserve; query_hint is the OO SQL',
  topo_edge_time: 'infrastructure topology edges with a validity range (valid @> time)',
  graph_active_edge: 'the call graph of the last 10 minutes (relational backend of the graph)',
  event_envelope: 'detected events (anomaly, slo_violation, deploy, incident)',
  evidence_link: 'evidence of an event: a row reference (ref_pg) and/or an OO locator (ref_oo)',
  kb_doc: 'knowledge-base documents (runbooks, postmortems); tenant_id NULL = shared',
  kb_chunk: 'their chunks: heading, content, tsv (full-text), embedding (NULL without a provider)',
  etl_job_run: 'the ETL queue and run history per (job, tenant, window)',
};

async function schemaText(db: Queryable): Promise<string> {
  const r = await db.query<{ table_name: string; cols: string }>(
    `SELECT c.table_name, string_agg(c.column_name || ' ' || c.data_type, ', ' ORDER BY c.ordinal_position) AS cols
       FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
      GROUP BY c.table_name ORDER BY c.table_name`,
  );
  const lines = [
    '# ObserveBridge schema (PostgreSQL)',
    '',
    'Times are timestamptz (UTC); windows are half-open [from, to).',
    '',
  ];
  for (const row of r.rows) {
    const note = TABLE_NOTES[row.table_name];
    lines.push(`## ${row.table_name}${note ? ` — ${note}` : ''}`, row.cols, '');
  }
  return lines.join('\n');
}

export const URN_RULES = `# Resource URNs

Every resource has one canonical URN (one dim_resource row); tools take and return URNs.

- urn:k8s:svc:<namespace>/<name>   an instrumented service in Kubernetes, e.g. urn:k8s:svc:shop/orders
- urn:svc:<service.namespace>/<name>   an instrumented service elsewhere
- urn:host:<host>   a host, or an uninstrumented peer known only by host name
- urn:db:<system>:<cluster>/<db>   a database seen from its clients, e.g. urn:db:postgres:orders-db.data/orders
- urn:mq:<system>:<cluster>/<destination>   a queue or topic, e.g. urn:mq:kafka:kafka.data/orders
- urn:user   the outside caller of a root request

Normalization: components are trimmed; hosts, systems, k8s names and service names are lowercased;
database names and queue destinations keep their case. Hosts lose scheme, user info, path, :port, a
trailing dot and a .svc / .svc.cluster.local suffix. '_' stands for an unknown component.

Escaping: a component keeps A-Z a-z 0-9 . _ ~ ! $ & ' ( ) * + , ; = @ - ; anything else (notably / : %
and spaces) is percent-encoded as UTF-8, so '/' and ':' in a URN are always separators.

To find a URN: graph_impact or dependencies return the URNs around a known one; topology_at lists
infrastructure URNs; kb_search hits list the URNs their documents mention.
`;

export const RESOURCES: readonly ResourceDef[] = [
  {
    uri: 'observebridge://schema',
    name: 'schema',
    description: 'Tables and columns of the ObserveBridge database, with what each main table holds',
    mimeType: 'text/markdown',
    read: schemaText,
  },
  {
    uri: 'observebridge://urn-rules',
    name: 'urn-rules',
    description: 'How resource URNs are built and normalized (what the ids in every tool mean)',
    mimeType: 'text/markdown',
    read: async () => URN_RULES,
  },
];
