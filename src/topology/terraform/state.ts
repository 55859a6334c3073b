import { DocReader } from '../doc-check.js';
import type { IacDocument, IacResource } from '../iac/iac-resource.js';
import { isRecord } from '../iac/attr-path.js';
import { kindOf } from '../iac/kinds.js';
import { indexSuffix, modulePartOf, moduleSegments, stripInstanceKeys } from './address.js';
import { unflatten } from './flatmap.js';

/**
 * Reads a Terraform state in any of its JSON forms into an IacDocument:
 * raw state v4 (`terraform.tfstate`, `terraform state pull`), legacy state v3 (TF <= 0.11), and
 * the `terraform show -json` state representation. Branches on the document's own version
 * fields, never on `terraform_version` (inframap #47).
 */
export function readTerraformState(doc: unknown, file: string): IacDocument {
  const rd = new DocReader(file);
  const top = rd.object(doc, []);
  if ('format_version' in top) return readShowJson(top, rd);
  const version = top.version;
  if (version === 4) return readV4(top, rd);
  if (version === 3) return readV3(top, rd);
  return rd.fail(
    ['version'],
    `not a Terraform state: expected "version": 4 or 3, or a "format_version" (terraform show -json); got ${JSON.stringify(version)}`,
  );
}

interface RawInstance {
  key: string;
  configAddress: string;
  modulePath: string;
  type: string;
  name: string;
  attrs: Record<string, unknown>;
  deps: string[];
  tainted: boolean;
  provider?: string;
}

function shortProvider(p: string | undefined): string | undefined {
  if (p === undefined) return undefined;
  const m = /provider\["([^"]+)"\]/.exec(p) ?? /^provider\.([\w-]+)/.exec(p);
  const src = m?.[1] ?? p;
  return src.replace(/^registry\.terraform\.io\//, '');
}

function readV4(top: Record<string, unknown>, rd: DocReader): IacDocument {
  const stats: Record<string, number> = {};
  const raws: RawInstance[] = [];
  rd.optArray(top.resources, ['resources']).forEach((rv, ri) => {
    const r = rd.object(rv, ['resources', ri]);
    const type = rd.string(r.type, ['resources', ri, 'type']);
    const name = rd.string(r.name, ['resources', ri, 'name']);
    const module = rd.optString(r.module, ['resources', ri, 'module']) ?? '';
    if ((r.mode ?? 'managed') === 'data') {
      bump(stats, 'data_sources');
      return;
    }
    const base = `${module === '' ? '' : `${module}.`}${type}.${name}`;
    rd.optArray(r.instances, ['resources', ri, 'instances']).forEach((iv, ii) => {
      const path = ['resources', ri, 'instances', ii];
      const inst = rd.object(iv, path);
      if (inst.deposed !== undefined) {
        bump(stats, 'deposed_objects');
        return;
      }
      let attrs: Record<string, unknown> = {};
      if (isRecord(inst.attributes)) attrs = inst.attributes;
      else if (isRecord(inst.attributes_flat)) attrs = unflatten(inst.attributes_flat);
      // 0.13 renamed per-instance `depends_on` (module-relative) to `dependencies` (absolute).
      let deps = rd.stringList(inst.dependencies, [...path, 'dependencies']);
      if (inst.dependencies === undefined) {
        const legacy = rd.stringList(inst.depends_on ?? r.depends_on, [...path, 'depends_on']);
        deps = legacy.map((d) => (module === '' ? d : `${stripInstanceKeys(module)}.${d}`));
      }
      const ri2: RawInstance = {
        key: base + indexSuffix(inst.index_key),
        configAddress: stripInstanceKeys(base),
        modulePath: module,
        type,
        name,
        attrs,
        deps,
        tainted: inst.status === 'tainted',
      };
      const provider = shortProvider(typeof r.provider === 'string' ? r.provider : undefined);
      if (provider !== undefined) ri2.provider = provider;
      raws.push(ri2);
    });
  });
  const out = finish(raws, stats);
  const lineage = typeof top.lineage === 'string' ? top.lineage : undefined;
  const serial = typeof top.serial === 'number' ? top.serial : undefined;
  out.stateId = lineage ?? '_';
  out.version = {};
  if (lineage !== undefined) out.version.lineage = lineage;
  if (serial !== undefined) out.version.serial = serial;
  return out;
}

function readShowJson(top: Record<string, unknown>, rd: DocReader): IacDocument {
  const fv = rd.string(top.format_version, ['format_version']);
  if (!/^[01]\./.test(fv))
    rd.fail(
      ['format_version'],
      `unsupported format_version ${fv} (a major version change means an incompatible format)`,
    );
  const stats: Record<string, number> = {};
  const raws: RawInstance[] = [];
  let valuesKey = 'values';
  if (top.values === undefined && isRecord(top.prior_state)) {
    // `terraform show -json plan.out`: read the state the plan started from.
    valuesKey = 'prior_state.values';
    top = top.prior_state;
  }
  const values = rd.object(top.values, [valuesKey]);
  const walk = (mv: unknown, path: (string | number)[]): void => {
    const m = rd.object(mv, path);
    const moduleAddr = rd.optString(m.address, [...path, 'address']) ?? '';
    rd.optArray(m.resources, [...path, 'resources']).forEach((rv, i) => {
      const rp = [...path, 'resources', i];
      const r = rd.object(rv, rp);
      const address = rd.string(r.address, [...rp, 'address']);
      const type = rd.string(r.type, [...rp, 'type']);
      const name = rd.string(r.name, [...rp, 'name']);
      if ((r.mode ?? 'managed') === 'data') {
        bump(stats, 'data_sources');
        return;
      }
      if (r.deposed_key !== undefined) {
        bump(stats, 'deposed_objects');
        return;
      }
      const ri: RawInstance = {
        key: address,
        configAddress: stripInstanceKeys(address),
        modulePath: moduleAddr,
        type,
        name,
        attrs: isRecord(r.values) ? r.values : {},
        deps: rd.stringList(r.depends_on, [...rp, 'depends_on']),
        tainted: r.tainted === true,
      };
      const provider = shortProvider(
        typeof r.provider_name === 'string' ? `provider["${r.provider_name}"]` : undefined,
      );
      if (provider !== undefined) ri.provider = provider;
      raws.push(ri);
    });
    rd.optArray(m.child_modules, [...path, 'child_modules']).forEach((cm, i) =>
      walk(cm, [...path, 'child_modules', i]),
    );
  };
  if (values.root_module !== undefined) walk(values.root_module, [valuesKey, 'root_module']);
  const out = finish(raws, stats);
  out.stateId = '_';
  return out;
}

/** State v3: `modules[].resources{"aws_instance.web.0": {type, depends_on, primary:{id, attributes}}}`. */
function readV3(top: Record<string, unknown>, rd: DocReader): IacDocument {
  const stats: Record<string, number> = {};
  const raws: RawInstance[] = [];
  rd.optArray(top.modules, ['modules']).forEach((mv, mi) => {
    const m = rd.object(mv, ['modules', mi]);
    const pathParts = rd.stringList(m.path, ['modules', mi, 'path']);
    const module = pathParts
      .slice(1)
      .map((p) => `module.${p}`)
      .join('.');
    const resources = m.resources === undefined ? {} : rd.object(m.resources, ['modules', mi, 'resources']);
    for (const [rkey, rv] of Object.entries(resources)) {
      const rp = ['modules', mi, 'resources', rkey];
      const r = rd.object(rv, rp);
      if (rkey.startsWith('data.')) {
        bump(stats, 'data_sources');
        continue;
      }
      const parts = rkey.split('.');
      const type = rd.optString(r.type, [...rp, 'type']) ?? (parts[0] as string);
      const name = parts[1] ?? rkey;
      const idx = parts[2] !== undefined && /^\d+$/.test(parts[2]) ? Number(parts[2]) : undefined;
      const base = `${module === '' ? '' : `${module}.`}${type}.${name}`;
      const primary = r.primary === undefined ? {} : rd.object(r.primary, [...rp, 'primary']);
      const flat = isRecord(primary.attributes) ? primary.attributes : {};
      const attrs = unflatten(flat);
      if (typeof primary.id === 'string' && attrs.id === undefined) attrs.id = primary.id;
      const deps = rd
        .stringList(r.depends_on, [...rp, 'depends_on'])
        .map((d) => d.replace(/\.\*$/, '').replace(/\.\d+$/, ''))
        .map((d) => (module === '' ? d : `${module}.${d}`));
      raws.push({
        key: base + indexSuffix(idx),
        configAddress: base,
        modulePath: module,
        type,
        name,
        attrs,
        deps,
        tainted: primary.tainted === true,
      });
    }
  });
  const out = finish(raws, stats);
  const lineage = typeof top.lineage === 'string' ? top.lineage : undefined;
  out.stateId = lineage ?? '_';
  out.version = {};
  if (lineage !== undefined) out.version.lineage = lineage;
  if (typeof top.serial === 'number') out.version.serial = top.serial;
  return out;
}

function bump(stats: Record<string, number>, k: string): void {
  stats[k] = (stats[k] ?? 0) + 1;
}

/**
 * Fans resource-level dependencies out to instances. When the dependency lives in the same
 * module call (or an ancestor), only the instances under the same module instance keys are
 * meant, so `module.x["a"]` does not depend on objects of `module.x["b"]`.
 */
function finish(raws: RawInstance[], stats: Record<string, number>): IacDocument {
  const byConfig = new Map<string, RawInstance[]>();
  const segsOf = new Map<RawInstance, string[]>();
  for (const r of raws) {
    segsOf.set(r, moduleSegments(r.modulePath));
    const list = byConfig.get(r.configAddress);
    if (list === undefined) byConfig.set(r.configAddress, [r]);
    else list.push(r);
  }
  // Candidates of one config address grouped by their first k module segments (built lazily).
  const byPrefix = new Map<string, Map<string, RawInstance[]>>();
  const candidatesUnder = (config: string, k: number, prefix: string): RawInstance[] | undefined => {
    const key = `${config}\u0000${k}`;
    let m = byPrefix.get(key);
    if (m === undefined) {
      m = new Map();
      for (const c of byConfig.get(config) ?? []) {
        const p = (segsOf.get(c) ?? []).slice(0, k).join('.');
        const l = m.get(p);
        if (l === undefined) m.set(p, [c]);
        else l.push(c);
      }
      byPrefix.set(key, m);
    }
    return m.get(prefix);
  };
  const depModCache = new Map<string, string[]>();
  const dangling: IacDocument['dangling'] = [];
  const resources: IacResource[] = raws.map((r) => {
    const groups: string[][] = [];
    // Connectors (attachments, rules, listeners) become edges of their own; their explicit
    // dependencies are never used, and fanning them out is the costliest part of big states.
    const deps = kindOf(r.type)?.connector === true ? [] : r.deps;
    const mySegs = segsOf.get(r) ?? [];
    const myConfigSegs = mySegs.map((s) => stripInstanceKeys(s));
    for (const d of deps) {
      const config = stripInstanceKeys(d);
      const cands = byConfig.get(config);
      if (cands === undefined) {
        dangling.push({ from: r.key, ref: d });
        continue;
      }
      let depMod = depModCache.get(config);
      if (depMod === undefined) {
        depMod = moduleSegments(modulePartOf(config));
        depModCache.set(config, depMod);
      }
      let chosen = cands;
      const k = depMod.length;
      if (k > 0 && k <= mySegs.length && depMod.every((s, i) => s === myConfigSegs[i])) {
        const narrowed = candidatesUnder(config, k, mySegs.slice(0, k).join('.'));
        if (narrowed !== undefined && narrowed.length > 0) chosen = narrowed;
      }
      const keys = chosen.filter((c) => c.key !== r.key).map((c) => c.key);
      if (keys.length > 0) groups.push(keys);
    }
    const res: IacResource = {
      key: r.key,
      source: 'terraform',
      type: r.type,
      rawType: r.type,
      name: r.name,
      attrs: r.attrs,
      dependsOn: [...new Set(groups.flat())],
      dependencyGroups: groups,
      custom: true,
    };
    if (r.tainted) res.tainted = true;
    if (r.modulePath !== '') res.module = r.modulePath;
    if (r.provider !== undefined) res.provider = r.provider;
    return res;
  });
  return { source: 'terraform', stateId: '_', resources, dangling, stats };
}
