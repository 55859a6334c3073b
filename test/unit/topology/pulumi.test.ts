import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { extractPulumi } from '../../../src/topology/pulumi/extract-pulumi.js';
import { TopologyInputError } from '../../../src/topology/input-error.js';
import { edgeLines, findEdge, iacDir, readJson } from './helpers.js';

const file = (v: string): string => join(iacDir, 'pulumi', 'pulumi', `checkpoint-${v}.json`);
const P = (t: string, n: string): string => `urn:pulumi:foo::countdown::${t}::${n}`;
const TOPIC = 'urn:aws:sns.topic:arn%3Aaws%3Asns%3Aus-east-2%3A153052954103%3AcountDown-9d430501c4510322';
const FN = (id: string): string => `urn:aws:lambda.function:${id}`;

test('checkpoint v3 and v4 envelopes give the same graph', () => {
  const v3 = extractPulumi(readJson(file('v3')), file('v3'));
  const v4 = extractPulumi(readJson(file('v4')), file('v4'));
  assert.deepEqual(v4.edges, v3.edges);
  assert.deepEqual(v4.resources, v3.resources);
  // 30 objects: 7 are connectors (subscription, permissions, event target, log filters), not nodes.
  assert.equal(v3.resources.length, 23);
  assert.equal(v3.stats.connectors, 7);
});

test('checkpoint v3: connections from connector resources, exact set, checked by hand', () => {
  const x = extractPulumi(readJson(file('v3')), file('v3'));
  assert.deepEqual(edgeLines(x, 'CONNECTS_TO'), [
    `urn:aws:events.rule:heartbeat-c7779a3d5f53ed1e -CONNECTS_TO-> ${FN('heartbeat-5614fce52cdefed1')}`,
    `urn:aws:logs.log-group:%2Faws%2Flambda%2FcountDown_watcher-560cf0c8d799e9cd -CONNECTS_TO-> ${FN('pulumi-foo-log-collector-2c23bf214eaacce8')}`,
    `urn:aws:logs.log-group:%2Faws%2Flambda%2Fheartbeat-5614fce52cdefed1 -CONNECTS_TO-> ${FN('pulumi-foo-log-collector-2c23bf214eaacce8')}`,
    `${TOPIC} -CONNECTS_TO-> ${FN('countDown_watcher-560cf0c8d799e9cd')}`,
  ]);
  // SNS subscription and lambda permission both describe topic -> function: one edge, both as provenance.
  assert.deepEqual(findEdge(x, TOPIC, FN('countDown_watcher-560cf0c8d799e9cd'), 'CONNECTS_TO')?.props, {
    protocol: 'lambda',
    source: 'pulumi',
    via: [
      P('aws:lambda/permission:Permission', 'countDown_watcher'),
      P('aws:sns/topicSubscription:TopicSubscription', 'countDown_watcher'),
    ],
  });
  assert.deepEqual(edgeLines(x, 'DEPENDS_ON'), [
    'urn:aws:lambda.function:countDown_watcher-560cf0c8d799e9cd -DEPENDS_ON-> urn:aws:iam.role:countDown_watcher-iamrole-bf695eb09a5c3e28',
    'urn:aws:lambda.function:heartbeat-5614fce52cdefed1 -DEPENDS_ON-> urn:aws:iam.role:heartbeat-iamrole-ea19407f5d1f9983',
    'urn:aws:lambda.function:pulumi-foo-log-collector-2c23bf214eaacce8 -DEPENDS_ON-> urn:aws:iam.role:pulumi-foo-log-collector-iamrole-be795575fd1fcf07',
  ]);
});

test('checkpoint v3: parent links are logical MEMBER_OF edges, also when the child comes first', () => {
  const x = extractPulumi(readJson(file('v3')), file('v3'));
  const parents = x.edges.filter((e) => e.relation === 'MEMBER_OF');
  // 23 objects have a parent; 5 of them are connectors, which become edges rather than nodes.
  assert.equal(parents.length, 18);
  assert.ok(parents.every((e) => e.props.logical === true));
  // The SNS topic is listed before its parent component in the file.
  assert.ok(findEdge(x, TOPIC, P('cloud:topic:Topic', 'countDown'), 'MEMBER_OF'));
  assert.equal(x.resources.find((r) => r.urn === P('cloud:topic:Topic', 'countDown'))?.type, 'component');
  // Components are not "unknown types"; the one unmapped custom type is.
  assert.deepEqual(x.skipped, { 'aws:iam/rolePolicyAttachment:RolePolicyAttachment': 5 });
});

test('stack export envelope: dependencies, typed propertyDependencies, providers skipped, secrets not followed', () => {
  const S = 'urn:pulumi:dev::shop::';
  const doc = {
    version: 3,
    deployment: {
      manifest: { time: '2024-05-01T10:00:00Z', magic: 'x', version: 'v3.100.0' },
      resources: [
        { urn: `${S}pulumi:pulumi:Stack::shop-dev`, type: 'pulumi:pulumi:Stack', custom: false },
        { urn: `${S}pulumi:providers:aws::default_6_0_0`, type: 'pulumi:providers:aws', custom: true, id: 'prov-1' },
        {
          urn: `${S}aws:ec2/vpc:Vpc::main`,
          type: 'aws:ec2/vpc:Vpc',
          custom: true,
          id: 'vpc-7',
          parent: `${S}pulumi:pulumi:Stack::shop-dev`,
          outputs: { id: 'vpc-7', tags: { Name: 'main' } },
        },
        {
          urn: `${S}aws:ec2/subnet:Subnet::a`,
          type: 'aws:ec2/subnet:Subnet',
          custom: true,
          id: 'subnet-7',
          parent: `${S}pulumi:pulumi:Stack::shop-dev`,
          inputs: { vpcId: 'vpc-7' },
          outputs: { id: 'subnet-7', vpcId: 'vpc-7', availabilityZone: 'eu-west-1a' },
          dependencies: [`${S}aws:ec2/vpc:Vpc::main`],
          propertyDependencies: { vpcId: [`${S}aws:ec2/vpc:Vpc::main`] },
          provider: `${S}pulumi:providers:aws::default_6_0_0::prov-1`,
        },
        {
          urn: `${S}aws:rds/instance:Instance::db`,
          type: 'aws:rds/instance:Instance',
          custom: true,
          id: 'shop-db',
          outputs: {
            id: 'shop-db',
            password: { '4dabf18193072939515e22adb298388d': '1b47061264138c4ac30d75fd1eb44270', ciphertext: 'vpc-7' },
          },
          dependencies: [`${S}aws:ec2/subnet:Subnet::a`, `${S}aws:ec2/subnet:Subnet::gone`],
          propertyDependencies: { dbSubnetGroupName: [`${S}aws:ec2/subnet:Subnet::a`], tags: null },
        },
      ],
    },
  };
  const x = extractPulumi(doc, 'export.json');
  const stack = `${S}pulumi:pulumi:Stack::shop-dev`;
  assert.deepEqual(edgeLines(x), [
    `urn:aws:ec2.subnet:subnet-7 -DEPENDS_ON-> urn:aws:ec2.vpc:vpc-7`,
    `urn:aws:ec2.subnet:subnet-7 -MEMBER_OF-> urn:aws:ec2.vpc:vpc-7`,
    `urn:aws:ec2.subnet:subnet-7 -MEMBER_OF-> ${stack}`,
    `urn:aws:ec2.vpc:vpc-7 -MEMBER_OF-> ${stack}`,
    `urn:aws:rds.instance:shop-db -DEPENDS_ON-> urn:aws:ec2.subnet:subnet-7`,
  ]);
  // vpcId is both an attribute rule and a property dependency: one typed edge with both as provenance.
  assert.deepEqual(findEdge(x, 'urn:aws:ec2.subnet:subnet-7', 'urn:aws:ec2.vpc:vpc-7', 'MEMBER_OF')?.props, {
    attr: 'vpc_id',
    property: 'vpc_id',
    source: 'pulumi',
  });
  assert.equal(
    findEdge(x, 'urn:aws:ec2.subnet:subnet-7', 'urn:aws:ec2.vpc:vpc-7', 'DEPENDS_ON')?.props.redundant,
    true,
  );
  // A property dependency without a typed meaning keeps its property name.
  assert.deepEqual(
    findEdge(x, 'urn:aws:rds.instance:shop-db', 'urn:aws:ec2.subnet:subnet-7', 'DEPENDS_ON')?.props.property,
    'db_subnet_group_name',
  );
  assert.equal(x.stats.providers, 1);
  assert.equal(x.stats.dangling_dependencies, 1);
  assert.deepEqual(x.version, { time: '2024-05-01T10:00:00Z' });
  assert.equal(x.resources.find((r) => r.urn === 'urn:aws:ec2.subnet:subnet-7')?.region, 'eu-west-1');
  assert.equal(x.resources.find((r) => r.urn === stack)?.type, 'stack');
});

test('unsupported deployment version and unknown envelopes are clear errors', () => {
  assert.throws(
    () => extractPulumi({ version: 2, deployment: { resources: [] } }, 'old.json'),
    (e: unknown) =>
      e instanceof TopologyInputError &&
      /old\.json at version: unsupported Pulumi deployment version 2/.test(e.message),
  );
  assert.throws(() => extractPulumi({ foo: 1 }, 'x.json'), /x\.json: not a Pulumi deployment/);
});
