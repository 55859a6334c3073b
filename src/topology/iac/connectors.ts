import { INTERNET_URN } from '../urn.js';
import { firstString, isRecord, stringsAt, valuesAt } from './attr-path.js';
import type { IacGraphContext, IacNode } from './graph-context.js';
import { portSpec } from './security-groups.js';

/**
 * Connector resources (listeners, attachments, subscriptions, firewalls, peerings, NICs) turned
 * into the edges they stand for, each with the connector's address in `via`.
 */
export function addConnectorEdges(ctx: IacGraphContext, maxFanout: number): void {
  const ids = (n: IacNode, ...paths: string[]): string[] => paths.flatMap((p) => stringsAt(n.res.attrs, p));
  const all = (values: string[], byNameIn?: readonly string[]): IacNode[] =>
    values.flatMap((v) => ctx.resolve(v, byNameIn));
  const via = (c: IacNode): { via: string[] } => ({ via: [c.res.key] });

  // LB -> target group, through a listener or a listener rule.
  const tgPaths = ['target_group_arn', 'forward.target_group.arn'];
  for (const l of ctx.ofType('aws_lb_listener', 'aws_alb_listener')) {
    const lbs = all(ids(l, 'load_balancer_arn'));
    const tgs = all(ids(l, ...tgPaths.map((p) => `default_action.${p}`)));
    const props = { ...via(l), ports: [portSpec(l.res.attrs.protocol, l.res.attrs.port, undefined)] };
    for (const lb of lbs) for (const tg of tgs) ctx.edge(lb, tg, 'CONNECTS_TO', props);
  }
  for (const r of ctx.ofType('aws_lb_listener_rule', 'aws_alb_listener_rule')) {
    const listeners = all(ids(r, 'listener_arn'));
    const lbs = listeners.flatMap((l) => all(ids(l, 'load_balancer_arn')));
    const tgs = all(ids(r, ...tgPaths.map((p) => `action.${p}`)));
    const props = { via: [r.res.key, ...listeners.map((l) => l.res.key)] };
    for (const lb of lbs) for (const tg of tgs) ctx.edge(lb, tg, 'CONNECTS_TO', props);
  }
  for (const a of ctx.ofType('aws_lb_target_group_attachment', 'aws_alb_target_group_attachment')) {
    const tgs = all(ids(a, 'target_group_arn'));
    const targets = ids(a, 'target_id').flatMap((v) => {
      const hit = ctx.resolve(v);
      return hit.length > 0 ? hit : ctx.resolveAlias(v);
    });
    const port = a.res.attrs.port;
    const props = {
      ...via(a),
      ...(port === undefined || port === null ? {} : { ports: [portSpec(undefined, port, undefined)] }),
    };
    for (const tg of tgs) for (const t of targets) ctx.edge(tg, t, 'CONNECTS_TO', props);
  }
  for (const a of ctx.ofType('aws_autoscaling_attachment')) {
    const srcs = [...all(ids(a, 'lb_target_group_arn', 'alb_target_group_arn')), ...all(ids(a, 'elb'), ['aws_elb'])];
    const asgs = all(ids(a, 'autoscaling_group_name'), ['aws_autoscaling_group']);
    for (const s of srcs) for (const g of asgs) ctx.edge(s, g, 'CONNECTS_TO', via(a));
  }
  for (const m of ctx.ofType('aws_lambda_event_source_mapping')) {
    const srcs = all(ids(m, 'event_source_arn'));
    const fns = all(ids(m, 'function_arn', 'function_name'), ['aws_lambda_function']);
    for (const s of srcs) for (const f of fns) ctx.edge(s, f, 'CONNECTS_TO', via(m));
  }
  for (const s of ctx.ofType('aws_sns_topic_subscription')) {
    const topics = all(ids(s, 'topic_arn', 'topic'));
    const endpoints = ids(s, 'endpoint').flatMap((v) => [...ctx.resolve(v), ...ctx.resolveAlias(v)]);
    const protocol = firstString(s.res.attrs, 'protocol');
    for (const t of topics)
      for (const e of endpoints)
        ctx.edge(t, e, 'CONNECTS_TO', { ...via(s), ...(protocol === undefined ? {} : { protocol }) });
  }

  // Who may invoke a function / where events and logs are delivered.
  for (const p of ctx.ofType('aws_lambda_permission')) {
    const srcs = all(ids(p, 'source_arn'));
    const fns = all(ids(p, 'function_name', 'function'), ['aws_lambda_function']);
    for (const s of srcs) for (const f of fns) ctx.edge(s, f, 'CONNECTS_TO', via(p));
  }
  for (const t of ctx.ofType('aws_cloudwatch_event_target')) {
    const rules = all(ids(t, 'rule'), ['aws_cloudwatch_event_rule']);
    const targets = all(ids(t, 'arn'));
    for (const r of rules) for (const x of targets) ctx.edge(r, x, 'CONNECTS_TO', via(t));
  }
  for (const f of ctx.ofType('aws_cloudwatch_log_subscription_filter')) {
    const groups = all(ids(f, 'log_group_name', 'log_group'), ['aws_cloudwatch_log_group']);
    const dests = all(ids(f, 'destination_arn'));
    for (const g of groups) for (const d of dests) ctx.edge(g, d, 'CONNECTS_TO', via(f));
  }

  addGoogleFirewalls(ctx, maxFanout);
  addAzure(ctx);
}

/** GCP firewalls join instances by network tags (`source_tags` -> `target_tags`). */
function addGoogleFirewalls(ctx: IacGraphContext, maxFanout: number): void {
  const instances = ctx.ofType('google_compute_instance');
  const tagged = (tags: string[]): IacNode[] =>
    tags.length === 0 ? [] : instances.filter((i) => stringsAt(i.res.attrs, 'tags').some((t) => tags.includes(t)));
  for (const fw of ctx.ofType('google_compute_firewall')) {
    const a = fw.res.attrs;
    if (String(a.direction ?? 'INGRESS').toUpperCase() !== 'INGRESS') {
      ctx.b.count('firewall_egress_ignored');
      continue;
    }
    const targets = tagged(stringsAt(a, 'target_tags'));
    const sources = tagged(stringsAt(a, 'source_tags'));
    const ports = valuesAt(a, 'allow').flatMap((r) => {
      if (!isRecord(r)) return [];
      const ps = stringsAt(r, 'ports');
      const proto = typeof r.protocol === 'string' ? r.protocol : 'all';
      return ps.length === 0 ? [proto === 'all' ? 'all' : `${proto}/all`] : ps.map((p) => `${proto}/${p}`);
    });
    const props = { via: [fw.res.key], ...(ports.length > 0 ? { ports } : {}) };
    if (sources.length * targets.length > maxFanout) {
      ctx.b.count('firewall_rules_too_wide');
      continue;
    }
    for (const s of sources) for (const t of targets) ctx.edge(s, t, 'CONNECTS_TO', props);
    if (stringsAt(a, 'source_ranges').some((r) => r === '0.0.0.0/0' || r === '::/0') && targets.length > 0) {
      ctx.b.addResource({ urn: INTERNET_URN, type: 'external', name: 'internet' });
      for (const t of targets)
        if (t.urn !== undefined) ctx.b.addEdge(INTERNET_URN, t.urn, 'CONNECTS_TO', { source: t.res.source, ...props });
    }
  }
}

function addAzure(ctx: IacGraphContext): void {
  const vnetNamed = (name: string | undefined, rg: string | undefined): IacNode[] => {
    if (name === undefined) return [];
    const hits = ctx.byName('azurerm_virtual_network', name);
    const inRg =
      rg === undefined
        ? hits
        : hits.filter(
            (h) => (firstString(h.res.attrs, 'resource_group_name') ?? rg).toLowerCase() === rg.toLowerCase(),
          );
    return inRg.length > 0 ? inRg : hits;
  };
  for (const s of ctx.ofType('azurerm_subnet')) {
    const a = s.res.attrs;
    for (const v of vnetNamed(firstString(a, 'virtual_network_name'), firstString(a, 'resource_group_name')))
      ctx.edge(s, v, 'MEMBER_OF', { attr: 'virtual_network_name' });
  }
  for (const p of ctx.ofType('azurerm_virtual_network_peering')) {
    const a = p.res.attrs;
    const local = vnetNamed(firstString(a, 'virtual_network_name'), firstString(a, 'resource_group_name'));
    const remote = stringsAt(a, 'remote_virtual_network_id').flatMap((v) => ctx.resolve(v));
    for (const l of local) for (const r of remote) ctx.edge(l, r, 'CONNECTS_TO', { via: [p.res.key] });
  }
  // VM -> NIC -> subnet collapses into VM MEMBER_OF subnet; the NIC's IPs become the VM's aliases.
  const hostsOfNic = new Map<IacNode, IacNode[]>();
  for (const vm of ctx.ofType(
    'azurerm_linux_virtual_machine',
    'azurerm_windows_virtual_machine',
    'azurerm_virtual_machine',
  )) {
    for (const nic of stringsAt(vm.res.attrs, 'network_interface_ids').flatMap((v) => ctx.resolve(v))) {
      hostsOfNic.set(nic, [...(hostsOfNic.get(nic) ?? []), vm]);
      for (const sub of stringsAt(nic.res.attrs, 'ip_configuration.subnet_id').flatMap((v) => ctx.resolve(v)))
        ctx.edge(vm, sub, 'MEMBER_OF', { via: [nic.res.key] });
      const ips = [
        ...stringsAt(nic.res.attrs, 'private_ip_address'),
        ...stringsAt(nic.res.attrs, 'ip_configuration.private_ip_address'),
      ];
      if (vm.urn !== undefined && ips.length > 0)
        ctx.b.addResource({ urn: vm.urn, type: vm.info?.kind ?? 'host', name: vm.res.key, aliases: ips });
    }
  }
  for (const assoc of ctx.ofType('azurerm_network_interface_backend_address_pool_association')) {
    const pools = stringsAt(assoc.res.attrs, 'backend_address_pool_id').flatMap((v) => ctx.resolve(v));
    const nics = stringsAt(assoc.res.attrs, 'network_interface_id').flatMap((v) => ctx.resolve(v));
    for (const pool of pools)
      for (const nic of nics)
        for (const vm of hostsOfNic.get(nic) ?? [])
          ctx.edge(pool, vm, 'CONNECTS_TO', { via: [assoc.res.key, nic.res.key] });
  }
}
