import { DocReader } from '../doc-check.js';
import { isRecord, snakeCase, snakeKeys } from '../iac/attr-path.js';
import type { IacDocument, IacResource } from '../iac/iac-resource.js';
import { tfTypeForPulumi } from './type-tokens.js';

/**
 * Reads a Pulumi deployment into an IacDocument. Accepts `pulumi stack export`
 * (`{version, deployment}`), the file backend's checkpoint (`{version, checkpoint:{latest}}`)
 * and a bare deployment; deployment versions 3 and 4 (4 adds `features`).
 */
export function readPulumiDeployment(doc: unknown, file: string): IacDocument {
  const rd = new DocReader(file);
  const top = rd.object(doc, []);
  let deployment: Record<string, unknown>;
  let base: string[];
  let stack: string | undefined;
  if (top.deployment !== undefined) {
    deployment = rd.object(top.deployment, ['deployment']);
    base = ['deployment'];
  } else if (top.checkpoint !== undefined) {
    const cp = rd.object(top.checkpoint, ['checkpoint']);
    stack = typeof cp.stack === 'string' ? cp.stack : undefined;
    if (cp.latest === undefined || cp.latest === null) deployment = { resources: [] };
    else deployment = rd.object(cp.latest, ['checkpoint', 'latest']);
    base = ['checkpoint', 'latest'];
  } else if (Array.isArray(top.resources) && isRecord(top.manifest)) {
    deployment = top;
    base = [];
  } else {
    return rd.fail(
      [],
      'not a Pulumi deployment: expected "deployment" (pulumi stack export) or "checkpoint" (state file)',
    );
  }
  if (base.length > 0 && top.version !== 3 && top.version !== 4) {
    rd.fail(['version'], `unsupported Pulumi deployment version ${JSON.stringify(top.version)} (expected 3 or 4)`);
  }

  const stats: Record<string, number> = {};
  const bump = (k: string): void => {
    stats[k] = (stats[k] ?? 0) + 1;
  };
  const raw: IacResource[] = [];
  rd.optArray(deployment.resources, [...base, 'resources']).forEach((rv, i) => {
    const path = [...base, 'resources', i];
    const r = rd.object(rv, path);
    const urn = rd.string(r.urn, [...path, 'urn']);
    const token = rd.string(r.type, [...path, 'type']);
    if (token.startsWith('pulumi:providers:')) {
      bump('providers');
      return;
    }
    if (r.delete === true) {
      // An old copy waiting for deletion during a replace: not part of the stack any more.
      bump('pending_delete');
      return;
    }
    stack ??= /^urn:pulumi:([^:]+)::/.exec(urn)?.[1];
    const outputs =
      isRecord(r.outputs) && Object.keys(r.outputs).length > 0 ? r.outputs : isRecord(r.inputs) ? r.inputs : {};
    const attrs = snakeKeys(outputs) as Record<string, unknown>;
    if (attrs.id === undefined && typeof r.id === 'string' && r.id !== '') attrs.id = r.id;
    const res: IacResource = {
      key: urn,
      source: 'pulumi',
      type: tfTypeForPulumi(token) ?? token,
      rawType: token,
      name: urn.slice(urn.lastIndexOf('::') + 2),
      attrs,
      dependsOn: rd.stringList(r.dependencies, [...path, 'dependencies']),
      custom: r.custom === true,
    };
    if (r.parent !== undefined && r.parent !== null && r.parent !== '')
      res.parent = rd.string(r.parent, [...path, 'parent']);
    if (isRecord(r.propertyDependencies)) {
      const pd: Record<string, string[]> = {};
      for (const [k, v] of Object.entries(r.propertyDependencies)) {
        const list = rd.stringList(v, [...path, 'propertyDependencies', k]);
        if (list.length > 0) pd[snakeCase(k)] = list;
      }
      if (Object.keys(pd).length > 0) res.propertyDependencies = pd;
    }
    raw.push(res);
  });

  // Children may precede their parents (checkpoint-v3.json): resolve after reading everything.
  const keys = new Set(raw.map((r) => r.key));
  const dangling: IacDocument['dangling'] = [];
  for (const r of raw) {
    r.dependsOn = r.dependsOn.filter((d) => {
      if (keys.has(d)) return true;
      dangling.push({ from: r.key, ref: d });
      return false;
    });
    for (const [k, list] of Object.entries(r.propertyDependencies ?? {})) {
      (r.propertyDependencies as Record<string, string[]>)[k] = list.filter((d) => keys.has(d));
    }
  }
  const out: IacDocument = { source: 'pulumi', stateId: stack ?? '_', resources: raw, dangling, stats };
  const manifest = isRecord(deployment.manifest) ? deployment.manifest : undefined;
  if (typeof manifest?.time === 'string' && !manifest.time.startsWith('0001-')) out.version = { time: manifest.time };
  return out;
}
