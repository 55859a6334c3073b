import type { TopologyBuilder } from '../builder.js';
import { stringsAt } from './attr-path.js';
import { addConnectorEdges } from './connectors.js';
import { narrowDependencies } from './dependency-narrowing.js';
import { flagDependencies } from './dependency-flags.js';
import { IacGraphContext, aliasesOf, describe, type IacNode } from './graph-context.js';
import type { IacDocument } from './iac-resource.js';
import { addKubernetesEdges } from './kubernetes.js';
import { RULES, SECURITY_GROUP_ATTRS, ruleForProperty, type RefRule } from './rules.js';
import { addSecurityGroupEdges } from './security-groups.js';

export interface IacGraphOptions {
  /**
   * A security-group rule or firewall joining more member pairs than this yields one edge
   * between the two groups (`collapsed: true`) instead of the full cross product.
   * @defaultValue 2000
   */
  maxRuleFanout?: number;
}

export const DEFAULT_MAX_RULE_FANOUT = 2000;

/** Adds the nodes and edges of one Terraform or Pulumi document to the builder. */
export function addIacGraph(doc: IacDocument, b: TopologyBuilder, options: IacGraphOptions = {}): void {
  const maxFanout = options.maxRuleFanout ?? DEFAULT_MAX_RULE_FANOUT;
  const ctx = new IacGraphContext(doc, b);
  for (const [k, n] of Object.entries(doc.stats)) b.count(k, n);
  if (doc.dangling.length > 0) {
    b.count('dangling_dependencies', doc.dangling.length);
    const sample = doc.dangling.slice(0, 5).map((d) => `${d.from} -> ${d.ref}`);
    b.warn(
      `${doc.dangling.length} dependencies name objects absent from the ${doc.source} document (kept out of the graph), e.g. ${sample.join('; ')}`,
    );
  }

  for (const n of ctx.nodes) {
    if (n.urn === undefined) {
      b.count('connectors');
      continue;
    }
    if (n.info === undefined && n.res.custom) b.skip(n.res.rawType);
    const d = describe(n);
    b.addResource({
      urn: n.urn,
      type: nodeType(n),
      name: d.name,
      env: d.env,
      region: d.region,
      zone: d.zone,
      labels: d.labels,
      aliases: aliasesOf(n.res),
    });
  }

  ctx.deps = narrowDependencies(ctx);
  for (const n of ctx.nodes) {
    if (n.urn === undefined) continue;
    for (const rule of RULES[n.res.type] ?? []) applyRule(ctx, n, rule);
  }
  addSecurityGroupEdges(ctx, maxFanout);
  addConnectorEdges(ctx, maxFanout);
  addKubernetesEdges(ctx);
  addExplicitDependencies(ctx);
  const flags = flagDependencies(b.edges());
  if (flags.redundant > 0) b.count('depends_on_redundant', flags.redundant);
  if (flags.transitive > 0) b.count('depends_on_transitive', flags.transitive);
}

function nodeType(n: IacNode): string {
  if (n.info !== undefined) return n.info.kind;
  if (n.res.rawType === 'pulumi:pulumi:Stack') return 'stack';
  if (!n.res.custom) return 'component';
  return 'other';
}

function applyRule(ctx: IacGraphContext, n: IacNode, rule: RefRule): void {
  for (const v of stringsAt(n.res.attrs, rule.attr)) {
    let targets = ctx.resolve(v, rule.byNameIn);
    if (targets.length === 0 && rule.byAlias === true) targets = ctx.resolveAlias(v);
    if (targets.length === 0) ctx.b.count('unresolved_references');
    for (const t of targets) {
      if (rule.reverse === true) ctx.edge(t, n, rule.relation, { attr: rule.attr });
      else ctx.edge(n, t, rule.relation, { attr: rule.attr });
    }
  }
}

/** Terraform dependencies, Pulumi dependencies/propertyDependencies and parents. */
function addExplicitDependencies(ctx: IacGraphContext): void {
  for (const n of ctx.nodes) {
    if (n.urn === undefined) continue;
    for (const d of ctx.dependenciesOf(n)) {
      const t = ctx.byKey.get(d);
      if (t !== undefined) ctx.edge(n, t, 'DEPENDS_ON', {});
    }
    for (const [prop, keys] of Object.entries(n.res.propertyDependencies ?? {})) {
      const rule = ruleForProperty(n.res.type, prop);
      for (const k of keys) {
        const t = ctx.byKey.get(k);
        if (t === undefined) continue;
        if (rule !== undefined) {
          if (rule.reverse === true) ctx.edge(t, n, rule.relation, { property: prop });
          else ctx.edge(n, t, rule.relation, { property: prop });
        } else if (SECURITY_GROUP_ATTRS.includes(prop)) ctx.edge(n, t, 'MEMBER_OF', { property: prop });
        else ctx.edge(n, t, 'DEPENDS_ON', { property: prop });
      }
    }
    if (n.res.parent !== undefined) {
      const p = ctx.byKey.get(n.res.parent);
      if (p !== undefined) ctx.edge(n, p, 'MEMBER_OF', { logical: true });
      else ctx.b.count('dangling_parents');
    }
  }
}
