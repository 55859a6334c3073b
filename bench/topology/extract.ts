/**
 * Topology benchmarks: extraction time for a generated Terraform state of ~10,000 resources
 * (modules with for_each, count instances, security groups and rules, ALB chains, databases,
 * unknown types), and diffEdges on 50,000 open edges with 1% churn.
 *
 * `npm run bench -- topology` records the figures; `node dist/bench/topology/extract.js` prints them.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { diffEdges, type EdgeRow } from '../../src/topology/diff.js';
import type { Edge } from '../../src/topology/model.js';
import { extractTerraform } from '../../src/topology/terraform/extract-terraform.js';

interface BenchRecord {
  case: string;
  metric: string;
  value: number;
  unit: string;
  note?: string;
}

const PROVIDER = 'provider["registry.terraform.io/hashicorp/aws"]';

/** A state v4 document with about `target` resource instances. Deterministic. */
export function generateState(target = 10_000): { doc: unknown; instances: number } {
  const resources: unknown[] = [];
  let instances = 0;
  const add = (module: string | undefined, type: string, name: string, insts: Record<string, unknown>[]): void => {
    resources.push({
      ...(module === undefined ? {} : { module }),
      mode: 'managed',
      type,
      name,
      provider: PROVIDER,
      instances: insts,
    });
    instances += insts.length;
  };
  const regions = ['r1', 'r2', 'r3', 'r4'];
  for (const r of regions) {
    const m = `module.net["${r}"]`;
    add(m, 'aws_vpc', 'this', [{ attributes: { id: `vpc-${r}`, tags: { Name: `vpc-${r}`, env: 'prod' } } }]);
    add(
      m,
      'aws_subnet',
      'private',
      Array.from({ length: 16 }, (_, i) => ({
        index_key: i,
        attributes: { id: `subnet-${r}-${i}`, vpc_id: `vpc-${r}`, availability_zone: `eu-west-1${'abc'[i % 3]}` },
        dependencies: ['module.net.aws_vpc.this'],
      })),
    );
  }
  // One service = LB + target group + listener + SGs + N instances + attachments + DB + cache.
  const perService = 60;
  let s = 0;
  while (instances < target) {
    const r = regions[s % regions.length] as string;
    const m = `module.svc["s${s}"]`;
    const tg = `arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/s${s}/1`;
    const lb = `arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/s${s}/1`;
    const sg = (k: string): string => `sg-s${s}-${k}`;
    const netDeps = ['module.net.aws_vpc.this', 'module.net.aws_subnet.private'];
    add(m, 'aws_security_group', 'lb', [
      {
        attributes: {
          id: sg('lb'),
          vpc_id: `vpc-${r}`,
          ingress: [{ cidr_blocks: ['0.0.0.0/0'], from_port: 443, to_port: 443, protocol: 'tcp', security_groups: [] }],
          egress: [],
        },
        dependencies: ['module.net.aws_vpc.this'],
      },
    ]);
    add(m, 'aws_security_group', 'app', [
      {
        attributes: {
          id: sg('app'),
          vpc_id: `vpc-${r}`,
          ingress: [
            {
              cidr_blocks: [],
              from_port: 8080,
              to_port: 8080,
              protocol: 'tcp',
              security_groups: [sg('lb')],
              self: false,
            },
          ],
          egress: [],
        },
        dependencies: ['module.net.aws_vpc.this', 'module.svc.aws_security_group.lb'],
      },
    ]);
    add(m, 'aws_security_group', 'data', [
      {
        attributes: { id: sg('data'), vpc_id: `vpc-${r}`, ingress: [], egress: [] },
        dependencies: ['module.net.aws_vpc.this'],
      },
    ]);
    add(m, 'aws_security_group_rule', 'app_to_data', [
      {
        attributes: {
          id: `sgr-s${s}-pg`,
          type: 'ingress',
          security_group_id: sg('data'),
          source_security_group_id: sg('app'),
          from_port: 5432,
          to_port: 5432,
          protocol: 'tcp',
        },
        dependencies: ['module.svc.aws_security_group.app', 'module.svc.aws_security_group.data'],
      },
    ]);
    add(m, 'aws_lb', 'this', [
      {
        attributes: { id: lb, arn: lb, subnets: [`subnet-${r}-0`, `subnet-${r}-1`], security_groups: [sg('lb')] },
        dependencies: [...netDeps, 'module.svc.aws_security_group.lb'],
      },
    ]);
    add(m, 'aws_lb_target_group', 'this', [
      { attributes: { id: tg, arn: tg, vpc_id: `vpc-${r}`, port: 8080 }, dependencies: ['module.net.aws_vpc.this'] },
    ]);
    add(m, 'aws_lb_listener', 'https', [
      {
        attributes: {
          id: `listener-s${s}`,
          load_balancer_arn: lb,
          port: 443,
          protocol: 'HTTPS',
          default_action: [{ type: 'forward', target_group_arn: tg }],
        },
        dependencies: ['module.svc.aws_lb.this', 'module.svc.aws_lb_target_group.this'],
      },
    ]);
    add(
      m,
      'aws_instance',
      'app',
      Array.from({ length: perService }, (_, i) => ({
        index_key: i,
        attributes: {
          id: `i-s${s}-${i}`,
          subnet_id: `subnet-${r}-${i % 16}`,
          vpc_security_group_ids: [sg('app')],
          private_ip: `10.${s % 250}.${Math.floor(i / 250)}.${i % 250}`,
          availability_zone: 'eu-west-1a',
          tags: { Name: `s${s}-app-${i}`, env: 'prod' },
        },
        dependencies: [...netDeps, 'module.svc.aws_security_group.app', 'module.svc.aws_launch_template.app'],
      })),
    );
    add(m, 'aws_launch_template', 'app', [{ attributes: { id: `lt-s${s}` } }]);
    add(
      m,
      'aws_lb_target_group_attachment',
      'app',
      Array.from({ length: perService }, (_, i) => ({
        index_key: i,
        attributes: {
          id: `att-s${s}-${i}`,
          target_group_arn: tg,
          target_id: i % 2 === 0 ? `i-s${s}-${i}` : `10.${s % 250}.${Math.floor(i / 250)}.${i % 250}`,
          port: 8080,
        },
        dependencies: ['module.svc.aws_lb_target_group.this', 'module.svc.aws_instance.app'],
      })),
    );
    add(m, 'aws_db_instance', 'main', [
      {
        attributes: {
          id: `db-s${s}`,
          vpc_security_group_ids: [sg('data')],
          address: `db-s${s}.abc.eu-west-1.rds.amazonaws.com`,
        },
        dependencies: ['module.svc.aws_security_group.data', ...netDeps],
      },
    ]);
    add(m, 'aws_elasticache_cluster', 'cache', [
      {
        attributes: { id: `cache-s${s}`, security_group_ids: [sg('data')] },
        dependencies: ['module.svc.aws_security_group.data'],
      },
    ]);
    add(m, 'random_password', 'db', [{ attributes: { id: 'none' } }]);
    add(m, 'aws_iam_role_policy_attachment', 'app', [{ attributes: { id: `role-s${s}-policy` } }]);
    s++;
  }
  return {
    doc: { version: 4, terraform_version: '1.6.0', serial: 42, lineage: 'bench-lineage', outputs: {}, resources },
    instances,
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** Median wall time and median CPU time (user+system) of `runs` calls: the CPU figure is steadier on a shared machine. */
function time<T>(runs: number, fn: () => T): { ms: number; cpuMs: number; last: T } {
  const ts: number[] = [];
  const cpu: number[] = [];
  let last: T | undefined;
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    last = fn();
    ts.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { ms: median(ts), cpuMs: median(cpu), last: last as T };
}

/** 50,000 open edges; `now` drops 1% and adds 1% new ones (props unchanged elsewhere). */
export function generateDiffCase(n = 50_000, churn = 0.01): { prev: (EdgeRow & { id: number })[]; now: Edge[] } {
  const edge = (i: number): Edge => ({
    src: `urn:host:h${i % 5000}`,
    dst: `urn:host:d${Math.floor(i / 5000)}-${i % 977}`,
    relation: i % 3 === 0 ? 'DEPENDS_ON' : 'CONNECTS_TO',
    props: { ports: [`tcp/${8000 + (i % 100)}`], source: 'bench' },
  });
  const prev = Array.from({ length: n }, (_, i) => ({ ...edge(i), id: i + 1, validFrom: 0 }));
  const k = Math.round(n * churn);
  const now: Edge[] = [];
  for (let i = k; i < n; i++) now.push({ ...edge(i), props: { ...edge(i).props } });
  for (let i = n; i < n + k; i++) now.push(edge(i));
  return { prev, now };
}

export async function runExtractBench(): Promise<BenchRecord[]> {
  const out: BenchRecord[] = [];
  const { doc, instances } = generateState(10_000);
  const text = JSON.stringify(doc);
  const parse = time(3, () => JSON.parse(text) as unknown);
  const heapBefore = process.memoryUsage().heapUsed;
  const extract = time(3, () => extractTerraform(JSON.parse(text) as unknown, 'bench.tfstate'));
  const ex = extract.last;
  const note = `${instances} instances in state, ${ex.resources.length} nodes, ${ex.edges.length} edges, ${(text.length / 1e6).toFixed(1)} MB JSON`;
  out.push({ case: 'extract-tfstate-10k', metric: 'parse_ms', value: round(parse.ms), unit: 'ms', note });
  out.push({
    case: 'extract-tfstate-10k',
    metric: 'extract_ms',
    value: round(extract.ms),
    unit: 'ms',
    note: 'JSON.parse + extractTerraform, median of 3',
  });
  out.push({
    case: 'extract-tfstate-10k',
    metric: 'extract_cpu_ms',
    value: round(extract.cpuMs),
    unit: 'ms',
    note: 'CPU time (user+system) of the same runs',
  });
  out.push({ case: 'extract-tfstate-10k', metric: 'resources', value: ex.resources.length, unit: 'count' });
  out.push({ case: 'extract-tfstate-10k', metric: 'edges', value: ex.edges.length, unit: 'count' });
  out.push({
    case: 'extract-tfstate-10k',
    metric: 'heap_delta_mb',
    value: round((process.memoryUsage().heapUsed - heapBefore) / 1e6),
    unit: 'MB',
  });

  const { prev, now } = generateDiffCase();
  const diff = time(5, () => diffEdges(prev, now));
  const d = diff.last;
  out.push({
    case: 'diff-50k-1pct',
    metric: 'diff_ms',
    value: round(diff.ms),
    unit: 'ms',
    note: `open ${d.open.length}, close ${d.close.length}, keep ${d.keep.length}, propsChanged ${d.propsChanged.length}; median of 5`,
  });
  out.push({ case: 'diff-50k-1pct', metric: 'diff_cpu_ms', value: round(diff.cpuMs), unit: 'ms' });
  return out;
}

function round(x: number): number {
  return Math.round(x * 10) / 10;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await runExtractBench();
  for (const r of rows)
    process.stdout.write(
      `${r.case.padEnd(22)} ${r.metric.padEnd(14)} ${String(r.value).padStart(10)} ${r.unit.padEnd(5)} ${r.note ?? ''}\n`,
    );
}
