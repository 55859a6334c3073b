import { TopologyBuilder } from '../builder.js';
import { firstString, stringsAt } from '../iac/attr-path.js';
import { aliasKey, regionOfZone } from '../iac/graph-context.js';
import { KINDS } from '../iac/kinds.js';
import { TopologyInputError, formatPath } from '../input-error.js';
import type { EdgeProps, Relation, TopologyExtract } from '../model.js';
import { cloudUrn } from '../urn.js';
import { CloudSnapshotSchema, type SnapshotResource } from './schema.js';

/** Link kinds with a fixed meaning (docs/cloud-snapshot.md). */
export const LINK_KINDS: Readonly<Record<string, Relation>> = {
  'elbv2.target': 'CONNECTS_TO',
  'elbv2.listener': 'CONNECTS_TO',
  'elb.instance': 'CONNECTS_TO',
  'slb.backend': 'CONNECTS_TO',
  'alb.backend': 'CONNECTS_TO',
  connects_to: 'CONNECTS_TO',
  member_of: 'MEMBER_OF',
  depends_on: 'DEPENDS_ON',
  runs_on: 'RUNS_ON',
};

/** Targets in these states are not (or no longer) receiving traffic: their edge is left out, so it closes. */
const INACTIVE_HEALTH = new Set(['unused', 'draining']);

/** Attributes that name another resource of the snapshot, and the edge they imply. */
const ATTR_EDGES: readonly { attr: string; relation: Relation }[] = [
  { attr: 'vpc_id', relation: 'MEMBER_OF' },
  { attr: 'subnet_id', relation: 'MEMBER_OF' },
  { attr: 'subnet_ids', relation: 'MEMBER_OF' },
  { attr: 'vswitch_id', relation: 'MEMBER_OF' },
  { attr: 'security_group_ids', relation: 'MEMBER_OF' },
  { attr: 'cluster_id', relation: 'MEMBER_OF' },
  { attr: 'cluster', relation: 'RUNS_ON' },
  { attr: 'load_balancer_arns', relation: 'MEMBER_OF' },
];

const ALIAS_ATTRS = [
  'private_ip',
  'public_ip',
  'private_ips',
  'public_ips',
  'private_dns',
  'public_dns',
  'dns_name',
  'address',
  'endpoint',
];

/** Node kind per `<cloud>:<kind>`, from the Terraform type table (so both sources agree). */
const NODE_KIND = new Map<string, string>();
for (const info of Object.values(KINDS))
  if (info.cloud !== undefined && info.urnKind !== undefined) NODE_KIND.set(`${info.cloud}:${info.urnKind}`, info.kind);

/** Cloud snapshot (docs/cloud-snapshot.md) -> resources and edges. Pure. */
export function extractSnapshot(doc: unknown, file: string): TopologyExtract {
  const parsed = CloudSnapshotSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TopologyInputError(
      file,
      { path: formatPath((issue?.path ?? []) as (string | number)[]) },
      issue?.message ?? 'invalid cloud snapshot',
    );
  }
  const snap = parsed.data;
  const b = new TopologyBuilder('snapshot');
  b.version = { time: snap.captured_at };
  const byRef = new Map<string, string[]>();
  const index = (k: string, urn: string): void => {
    const l = byRef.get(k);
    if (l === undefined) byRef.set(k, [urn]);
    else if (!l.includes(urn)) l.push(urn);
  };
  const urnOf = (r: SnapshotResource): string => cloudUrn(snap.source, r.kind, r.id);

  for (const r of snap.resources) {
    const urn = urnOf(r);
    const tags = Object.fromEntries(Object.entries(r.tags ?? {}).map(([k, v]) => [k, String(v)]));
    const aliases = new Set<string>([r.id, ...(r.arn === undefined ? [] : [r.arn]), ...(r.aliases ?? [])]);
    for (const a of ALIAS_ATTRS) for (const v of stringsAt(r.attrs ?? {}, a)) aliases.add(v);
    const type = r.type ?? NODE_KIND.get(`${snap.source}:${r.kind}`);
    if (type === undefined) b.skip(r.kind);
    const zone = r.zone ?? firstString(r.attrs ?? {}, 'availability_zone', 'zone');
    const labels: Record<string, string> = { ...tags, 'snapshot.source': snap.source, 'snapshot.kind': r.kind };
    if (snap.account !== undefined) labels['snapshot.account'] = snap.account;
    b.addResource({
      urn,
      type: type ?? 'other',
      name: r.name ?? tags.Name ?? r.id,
      env: r.env ?? tags.env ?? tags.Env ?? tags.environment ?? tags.Environment,
      region: r.region ?? snap.region ?? (zone === undefined ? undefined : regionOfZone(zone)),
      zone,
      labels,
      aliases,
    });
    index(r.id, urn);
    if (r.arn !== undefined) index(r.arn, urn);
    for (const a of aliases) index(aliasKey(a), urn);
  }
  const resolve = (ref: string): string[] => byRef.get(ref) ?? byRef.get(aliasKey(ref)) ?? [];

  for (const r of snap.resources) {
    const src = urnOf(r);
    for (const { attr, relation } of ATTR_EDGES) {
      for (const v of stringsAt(r.attrs ?? {}, attr)) {
        const targets = resolve(v);
        if (targets.length === 0) b.count('attr_refs_unresolved');
        for (const t of targets) b.addEdge(src, t, relation, { source: 'snapshot', attr });
      }
    }
  }

  snap.links.forEach((l, i) => {
    const relation = l.relation ?? (l.kind === undefined ? undefined : LINK_KINDS[l.kind]);
    if (relation === undefined)
      throw new TopologyInputError(
        file,
        { path: `links[${i}]` },
        `unknown link kind ${JSON.stringify(l.kind ?? null)}: give a "relation" (${Object.values(LINK_KINDS)
          .filter((v, j, a) => a.indexOf(v) === j)
          .join(', ')})`,
      );
    if (l.health !== undefined && INACTIVE_HEALTH.has(l.health)) {
      b.count('links_inactive');
      return;
    }
    const from = resolve(l.from);
    const to = resolve(l.to);
    if (from.length === 0 || to.length === 0) {
      b.count('links_unresolved');
      return;
    }
    const props: EdgeProps = { source: 'snapshot', ...(l.props ?? {}) };
    if (l.kind !== undefined) props.link = l.kind;
    if (l.port !== undefined)
      props.ports = [l.protocol === undefined ? String(l.port) : `${l.protocol.toLowerCase()}/${l.port}`];
    if (l.health !== undefined) props.health = l.health;
    for (const f of from) for (const t of to) b.addEdge(f, t, relation, props);
  });
  return b.build();
}
