import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractSnapshot } from '../../../src/topology/snapshot/extract-snapshot.js';
import { extractTerraform } from '../../../src/topology/terraform/extract-terraform.js';
import { TopologyInputError } from '../../../src/topology/input-error.js';
import { edgeLines, findEdge } from './helpers.js';

const TG = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/2';
const LB = 'arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/front/1';

function snapshot(): Record<string, unknown> {
  return {
    format_version: 1,
    source: 'aws',
    account: '123456789012',
    region: 'eu-west-1',
    captured_at: '2025-01-01T00:00:00Z',
    resources: [
      { kind: 'ec2.vpc', id: 'vpc-0a1' },
      { kind: 'ec2.subnet', id: 'subnet-0b2', attrs: { vpc_id: 'vpc-0a1' } },
      { kind: 'ec2.security-group', id: 'sg-0c3', name: 'web' },
      {
        kind: 'ec2.instance',
        id: 'i-0d4',
        zone: 'eu-west-1a',
        tags: { Name: 'web-1', env: 'prod' },
        attrs: { private_ip: '10.0.1.5', subnet_id: 'subnet-0b2', security_group_ids: ['sg-0c3'], state: 'running' },
      },
      {
        kind: 'ec2.instance',
        id: 'i-0d5',
        tags: { Name: 'web-2' },
        attrs: { private_ip: '10.0.1.6', subnet_id: 'subnet-0b2' },
      },
      { kind: 'ec2.instance', id: 'i-0d6', tags: { Name: 'web-3' }, attrs: { private_ip: '10.0.1.7' } },
      { kind: 'elbv2.load-balancer', id: LB, name: 'front' },
      { kind: 'elbv2.target-group', id: TG, attrs: { vpc_id: 'vpc-0a1', load_balancer_arns: [LB] } },
      { kind: 'backup.vault', id: 'vault-1' },
    ],
    links: [
      { kind: 'elbv2.listener', from: LB, to: TG, port: 443, protocol: 'HTTPS' },
      { kind: 'elbv2.target', from: TG, to: 'i-0d4', port: 80, health: 'healthy' },
      { kind: 'elbv2.target', from: TG, to: '10.0.1.6', port: 80, health: 'unhealthy' },
      { kind: 'elbv2.target', from: TG, to: 'i-0d6', port: 80, health: 'draining' },
      { kind: 'elbv2.target', from: TG, to: 'i-gone', port: 80, health: 'healthy' },
    ],
  };
}

test('cloud snapshot: exact edge set from attrs and links; draining targets and unknown ids left out', () => {
  const x = extractSnapshot(snapshot(), 'snap.json');
  const tg =
    'urn:aws:elbv2.target-group:arn%3Aaws%3Aelasticloadbalancing%3Aeu-west-1%3A123456789012%3Atargetgroup%2Fweb%2F2';
  const lb =
    'urn:aws:elbv2.load-balancer:arn%3Aaws%3Aelasticloadbalancing%3Aeu-west-1%3A123456789012%3Aloadbalancer%2Fapp%2Ffront%2F1';
  assert.deepEqual(edgeLines(x), [
    'urn:aws:ec2.instance:i-0d4 -MEMBER_OF-> urn:aws:ec2.security-group:sg-0c3',
    'urn:aws:ec2.instance:i-0d4 -MEMBER_OF-> urn:aws:ec2.subnet:subnet-0b2',
    'urn:aws:ec2.instance:i-0d5 -MEMBER_OF-> urn:aws:ec2.subnet:subnet-0b2',
    'urn:aws:ec2.subnet:subnet-0b2 -MEMBER_OF-> urn:aws:ec2.vpc:vpc-0a1',
    `${lb} -CONNECTS_TO-> ${tg}`,
    `${tg} -CONNECTS_TO-> urn:aws:ec2.instance:i-0d4`,
    `${tg} -CONNECTS_TO-> urn:aws:ec2.instance:i-0d5`,
    `${tg} -MEMBER_OF-> urn:aws:ec2.vpc:vpc-0a1`,
    `${tg} -MEMBER_OF-> ${lb}`,
  ]);
  assert.deepEqual(findEdge(x, tg, 'urn:aws:ec2.instance:i-0d5', 'CONNECTS_TO')?.props, {
    health: 'unhealthy',
    link: 'elbv2.target',
    ports: ['80'],
    source: 'snapshot',
  });
  assert.deepEqual(findEdge(x, lb, tg, 'CONNECTS_TO')?.props.ports, ['https/443']);
  assert.equal(x.stats.links_inactive, 1);
  assert.equal(x.stats.links_unresolved, 1);
  assert.deepEqual(x.skipped, { 'backup.vault': 1 });
  const web1 = x.resources.find((r) => r.urn === 'urn:aws:ec2.instance:i-0d4');
  assert.deepEqual(
    { type: web1?.type, name: web1?.name, env: web1?.env, region: web1?.region, zone: web1?.zone },
    { type: 'host', name: 'web-1', env: 'prod', region: 'eu-west-1', zone: 'eu-west-1a' },
  );
  assert.equal(web1?.labels['snapshot.account'], '123456789012');
  assert.deepEqual(x.version, { time: '2025-01-01T00:00:00Z' });
});

test('an instance in a snapshot and in a Terraform state is one resource (same URN)', () => {
  const snap = extractSnapshot(snapshot(), 'snap.json');
  const state = extractTerraform(
    {
      version: 4,
      lineage: 'L',
      serial: 1,
      resources: [{ mode: 'managed', type: 'aws_instance', name: 'web', instances: [{ attributes: { id: 'i-0d4' } }] }],
    },
    's.tfstate',
  );
  const tfUrns = state.resources.map((r) => r.urn);
  assert.deepEqual(tfUrns, ['urn:aws:ec2.instance:i-0d4']);
  assert.ok(snap.resources.some((r) => r.urn === tfUrns[0]));
});

test('schema violations name the file and the document path', () => {
  const bad = snapshot();
  (bad.resources as Record<string, unknown>[])[3] = { kind: 'EC2 Instance', id: 'i-1' };
  assert.throws(
    () => extractSnapshot(bad, 'snap.json'),
    (e: unknown) =>
      e instanceof TopologyInputError && /^snap\.json at resources\[3\]\.kind: kind must look like/.test(e.message),
  );
  const noTime = snapshot();
  delete noTime.captured_at;
  assert.throws(() => extractSnapshot(noTime, 'snap.json'), /snap\.json at captured_at:/);
  const badLink = snapshot();
  (badLink.links as unknown[]).push({ kind: 'mystery', from: 'i-0d4', to: 'i-0d5' });
  assert.throws(
    () => extractSnapshot(badLink, 'snap.json'),
    /snap\.json at links\[5\]: unknown link kind "mystery": give a "relation"/,
  );
});
