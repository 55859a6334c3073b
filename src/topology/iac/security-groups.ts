import type { EdgeProps, JsonValue } from '../model.js';
import { INTERNET_URN } from '../urn.js';
import { hasAttr, isRecord, stringsAt, valuesAt } from './attr-path.js';
import type { IacGraphContext, IacNode } from './graph-context.js';
import { SECURITY_GROUP_ATTRS, SECURITY_GROUP_TYPES } from './rules.js';

/**
 * Security groups as connectors (inframap's idea, without its whitelist): every resource in
 * group A may reach every resource in group B when B admits A, so the rule becomes
 * CONNECTS_TO members(A) -> members(B) with the ports and the rule as provenance. Groups stay
 * nodes too (resources are MEMBER_OF them). Ingress from 0.0.0.0/0 comes from the internet.
 */
export function addSecurityGroupEdges(ctx: IacGraphContext, maxFanout: number): void {
  const sgs = ctx.ofType(...SECURITY_GROUP_TYPES);
  if (sgs.length === 0) return;
  const sgSet = new Set(sgs);
  const members = new Map<IacNode, Set<IacNode>>(sgs.map((s) => [s, new Set()]));

  for (const n of ctx.nodes) {
    if (n.urn === undefined || sgSet.has(n)) continue;
    const attrs =
      n.res.type === 'aws_elb' ? [...SECURITY_GROUP_ATTRS, 'source_security_group_id'] : SECURITY_GROUP_ATTRS;
    const present = attrs.filter((a) => hasAttr(n.res.attrs, a));
    for (const a of present) {
      for (const v of stringsAt(n.res.attrs, a)) {
        for (const sg of ctx.resolve(v, SECURITY_GROUP_TYPES)) {
          if (!sgSet.has(sg)) continue;
          members.get(sg)?.add(n);
          ctx.edge(n, sg, 'MEMBER_OF', { attr: a });
        }
      }
    }
    if (present.length === 0) {
      // Pruned states (inframap fixtures) drop the SG list; the explicit dependency on the
      // group is then the only trace of membership.
      for (const d of ctx.dependenciesOf(n)) {
        const sg = ctx.byKey.get(d);
        if (sg === undefined || !sgSet.has(sg)) continue;
        members.get(sg)?.add(n);
        ctx.edge(n, sg, 'MEMBER_OF', { attr: 'dependencies', inferred: true });
      }
    }
  }

  const flow = (src: IacNode | 'internet', dst: IacNode, props: EdgeProps): void => {
    const to = members.get(dst) ?? new Set<IacNode>();
    if (src === 'internet') {
      if (to.size > 0) ctx.b.addResource({ urn: INTERNET_URN, type: 'external', name: 'internet' });
      for (const d of to)
        if (d.urn !== undefined) ctx.b.addEdge(INTERNET_URN, d.urn, 'CONNECTS_TO', { source: d.res.source, ...props });
      return;
    }
    if (src === dst) {
      ctx.b.count('sg_self_rules');
      return;
    }
    const from = members.get(src) ?? new Set<IacNode>();
    if (from.size * to.size > maxFanout) {
      ctx.edge(src, dst, 'CONNECTS_TO', { ...props, collapsed: true, pairs: from.size * to.size });
      ctx.b.count('sg_rules_collapsed');
      return;
    }
    for (const s of from) for (const d of to) ctx.edge(s, d, 'CONNECTS_TO', props);
  };

  for (const sg of sgs) {
    for (const rule of valuesAt(sg.res.attrs, 'ingress')) {
      if (!isRecord(rule)) continue;
      const props = { ports: [portSpec(rule.protocol, rule.from_port, rule.to_port)], via: [sg.res.key] };
      if (rule.self === true || rule.self === 'true') ctx.b.count('sg_self_rules');
      for (const v of stringsAt(rule, 'security_groups'))
        for (const src of ctx.resolve(v, SECURITY_GROUP_TYPES)) flow(src, sg, props);
      if (isOpen(rule)) flow('internet', sg, props);
    }
    for (const rule of valuesAt(sg.res.attrs, 'egress')) {
      if (!isRecord(rule)) continue;
      const props = { ports: [portSpec(rule.protocol, rule.from_port, rule.to_port)], via: [sg.res.key] };
      for (const v of stringsAt(rule, 'security_groups'))
        for (const dst of ctx.resolve(v, SECURITY_GROUP_TYPES)) flow(sg, dst, props);
    }
  }

  for (const c of ctx.ofType(
    'aws_security_group_rule',
    'aws_vpc_security_group_ingress_rule',
    'aws_vpc_security_group_egress_rule',
    'alicloud_security_group_rule',
  )) {
    const a = c.res.attrs;
    const own = stringsAt(a, 'security_group_id').flatMap((v) => ctx.resolve(v, SECURITY_GROUP_TYPES));
    const peer = ['source_security_group_id', 'referenced_security_group_id']
      .flatMap((k) => stringsAt(a, k))
      .flatMap((v) => ctx.resolve(v, SECURITY_GROUP_TYPES));
    const egress =
      c.res.type === 'aws_vpc_security_group_egress_rule' ||
      a.type === 'egress' ||
      (c.res.type === 'alicloud_security_group_rule' && a.type === 'egress');
    const protocol = a.protocol ?? a.ip_protocol;
    let from = a.from_port;
    let to = a.to_port;
    if (typeof a.port_range === 'string') [from, to] = a.port_range.split('/');
    const props = { ports: [portSpec(protocol, from, to)], via: [c.res.key] };
    for (const o of own) {
      if (a.self === true) {
        ctx.b.count('sg_self_rules');
        continue;
      }
      for (const p of peer) {
        if (egress) flow(o, p, props);
        else flow(p, o, props);
      }
      if (!egress && isOpen(a)) flow('internet', o, props);
    }
  }
}

function isOpen(rule: Record<string, unknown>): boolean {
  const cidrs = [
    ...stringsAt(rule, 'cidr_blocks'),
    ...stringsAt(rule, 'ipv6_cidr_blocks'),
    ...stringsAt(rule, 'cidr_ipv4'),
    ...stringsAt(rule, 'cidr_ipv6'),
    ...stringsAt(rule, 'cidr_ip'),
  ];
  return cidrs.some((c) => c === '0.0.0.0/0' || c === '::/0');
}

/** `tcp/443`, `tcp/8000-8100`, `all` (protocol -1 or all ports). */
export function portSpec(protocol: unknown, from: unknown, to: unknown): JsonValue {
  const proto = protocol === undefined || protocol === null ? '' : String(protocol).toLowerCase();
  const p = proto === '-1' || proto === 'all' ? 'all' : proto;
  const f = Number(from);
  const t = Number(to);
  if (p === 'all' && (!(f > 0) || t === 0)) return 'all';
  if (!Number.isFinite(f) || (f === 0 && (t === 0 || t === 65535))) return p === '' ? 'all' : `${p}/all`;
  const range = t > f ? `${f}-${t}` : `${f}`;
  return p === '' ? range : `${p}/${range}`;
}
