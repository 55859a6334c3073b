import { firstString, stringMapAt, stringsAt, valuesAt, isRecord } from './attr-path.js';
import type { IacGraphContext, IacNode } from './graph-context.js';

/**
 * Kubernetes objects declared in IaC: namespace membership, Service -> workloads whose pod
 * labels include the selector, Ingress -> Service. Terraform nests blocks in lists
 * (`spec[0].rule[0].http[0].path`), Pulumi uses the API's plural names (`spec.rules.http.paths`).
 */
export function addKubernetesEdges(ctx: IacGraphContext): void {
  const k8s = ctx.nodes.filter((n) => n.info?.k8sKind !== undefined && n.urn !== undefined);
  if (k8s.length === 0) return;
  const ns = (n: IacNode): string => firstString(n.res.attrs, 'metadata.namespace') ?? 'default';
  const namespaces = new Map(
    k8s
      .filter((n) => n.info?.k8sKind === 'namespace')
      .map((n) => [firstString(n.res.attrs, 'metadata.name') ?? n.res.name, n]),
  );
  const workloads = k8s.filter((n) => n.info?.kind === 'workload');
  const services = k8s.filter((n) => n.info?.k8sKind === 'service');

  for (const n of k8s) {
    if (n.info?.k8sKind === 'namespace') continue;
    const target = namespaces.get(ns(n));
    if (target !== undefined) ctx.edge(n, target, 'MEMBER_OF', { attr: 'metadata.namespace' });
  }
  for (const svc of services) {
    const selector = stringMapAt(svc.res.attrs, 'spec.selector');
    const keys = Object.entries(selector);
    if (keys.length === 0) continue;
    const ports = valuesAt(svc.res.attrs, 'spec.port')
      .concat(valuesAt(svc.res.attrs, 'spec.ports'))
      .flatMap((p) =>
        isRecord(p) && p.target_port !== undefined && p.target_port !== null ? [String(p.target_port)] : [],
      );
    for (const w of workloads) {
      if (ns(w) !== ns(svc)) continue;
      const labels = stringMapAt(w.res.attrs, 'spec.template.metadata.labels');
      if (keys.every(([k, v]) => labels[k] === v))
        ctx.edge(svc, w, 'CONNECTS_TO', { attr: 'spec.selector', ...(ports.length > 0 ? { ports } : {}) });
    }
  }
  const backendPaths = [
    'spec.rule.http.path.backend.service.name',
    'spec.rules.http.paths.backend.service.name',
    'spec.rule.http.path.backend.service_name',
    'spec.default_backend.service.name',
    'spec.backend.service_name',
  ];
  for (const ing of k8s.filter((n) => n.info?.k8sKind === 'ingress')) {
    const names = new Set(backendPaths.flatMap((p) => stringsAt(ing.res.attrs, p)));
    for (const svc of services) {
      const name = firstString(svc.res.attrs, 'metadata.name') ?? svc.res.name;
      if (ns(svc) === ns(ing) && names.has(name)) ctx.edge(ing, svc, 'CONNECTS_TO', { attr: 'spec.rule.backend' });
    }
  }
}
