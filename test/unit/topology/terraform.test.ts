import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { extractTerraform } from '../../../src/topology/terraform/extract-terraform.js';
import { TopologyInputError } from '../../../src/topology/input-error.js';
import { edgeLines, findEdge, iacDir, readJson } from './helpers.js';

const tf = (name: string): string => join(iacDir, 'terraform', name);
const extract = (name: string) => extractTerraform(readJson(tf(name)), tf(name));

const I = 'urn:aws:ec2.instance:i-08ffccfdf54168280';
const ELB = 'urn:aws:elb.load-balancer:sample-magento-front-prod';
const RDS = 'urn:aws:rds.instance:sample-magento-rds-prod';
const CACHE = 'urn:aws:elasticache.cluster:cy323i4p3rf0szblrtmu';
const SG = (id: string): string => `urn:aws:ec2.security-group:${id}`;

test('aws_state_sgr.json (legacy module-relative depends_on): exact edge set, checked by hand', () => {
  const x = extract('inframap/aws_state_sgr.json');
  assert.deepEqual(edgeLines(x), [
    `${I} -CONNECTS_TO-> ${CACHE}`,
    `${I} -CONNECTS_TO-> ${RDS}`,
    `${I} -DEPENDS_ON-> ${SG('sg-0d6e0e07fbc6ec626')}`,
    `${I} -MEMBER_OF-> ${SG('sg-0d6e0e07fbc6ec626')}`,
    `${SG('sg-057cbd30abf1dd923')} -DEPENDS_ON-> ${SG('sg-0d6e0e07fbc6ec626')}`,
    `${SG('sg-078ba1d75bddac084')} -DEPENDS_ON-> ${SG('sg-0d6e0e07fbc6ec626')}`,
    `${CACHE} -DEPENDS_ON-> ${SG('sg-078ba1d75bddac084')}`,
    `${CACHE} -MEMBER_OF-> ${SG('sg-078ba1d75bddac084')}`,
    `${ELB} -CONNECTS_TO-> ${I}`,
    `${ELB} -DEPENDS_ON-> ${I}`,
    `${ELB} -DEPENDS_ON-> ${SG('sg-02831399bd1302ed1')}`,
    `${ELB} -MEMBER_OF-> ${SG('sg-02831399bd1302ed1')}`,
    `${RDS} -DEPENDS_ON-> ${SG('sg-057cbd30abf1dd923')}`,
    `${RDS} -MEMBER_OF-> ${SG('sg-057cbd30abf1dd923')}`,
    `urn:endpoint:internet -CONNECTS_TO-> ${ELB}`,
  ]);
  // Ports and provenance of the collapsed security-group edges.
  assert.deepEqual(findEdge(x, 'urn:endpoint:internet', ELB, 'CONNECTS_TO')?.props.ports, ['tcp/443', 'tcp/80']);
  assert.deepEqual(findEdge(x, I, RDS, 'CONNECTS_TO')?.props, {
    ports: ['tcp/3306'],
    source: 'terraform',
    via: ['module.magento.aws_security_group.mzSGd'],
  });
  assert.deepEqual(findEdge(x, ELB, I, 'CONNECTS_TO')?.props.via, ['module.magento.aws_security_group_rule.pMOSN']);
  // Membership recovered from the dependency (the pruned state has no SG list) is marked inferred.
  assert.equal(findEdge(x, RDS, SG('sg-057cbd30abf1dd923'), 'MEMBER_OF')?.props.inferred, true);
  // A DEPENDS_ON that a typed edge already explains is kept but flagged.
  assert.equal(findEdge(x, ELB, I, 'DEPENDS_ON')?.props.redundant, true);
  assert.equal(
    findEdge(x, SG('sg-057cbd30abf1dd923'), SG('sg-0d6e0e07fbc6ec626'), 'DEPENDS_ON')?.props.redundant,
    undefined,
  );
  assert.deepEqual(x.version, { lineage: '7ad13269-c000-d247-1b1c-3075a222f1df', serial: 1 });
  assert.deepEqual(x.skipped, {});
  const inst = x.resources.find((r) => r.urn === I);
  assert.equal(inst?.type, 'host');
  assert.equal(inst?.labels['iac.address'], 'module.magento.aws_instance.TObJL[0]');
});

test('inframap oracle, aws_state_sgr.json: internet -> ELB -> instance -> {RDS, ElastiCache}', () => {
  const x = extract('inframap/aws_state_sgr.json');
  assert.deepEqual(edgeLines(x, 'CONNECTS_TO'), [
    `${I} -CONNECTS_TO-> ${CACHE}`,
    `${I} -CONNECTS_TO-> ${RDS}`,
    `${ELB} -CONNECTS_TO-> ${I}`,
    `urn:endpoint:internet -CONNECTS_TO-> ${ELB}`,
  ]);
});

test('inframap oracle, google_state.json: firewall tags give ZthAT -> lodiw and nothing else', () => {
  const x = extract('inframap/google_state.json');
  assert.deepEqual(edgeLines(x), [
    'urn:gcp:compute.instance:infraview-tmp-two -CONNECTS_TO-> urn:gcp:compute.instance:infraview-tmp',
  ]);
  assert.deepEqual(
    findEdge(x, 'urn:gcp:compute.instance:infraview-tmp-two', 'urn:gcp:compute.instance:infraview-tmp', 'CONNECTS_TO')
      ?.props.via,
    ['google_compute_firewall.PEZjy'],
  );
  // Firewalls are connectors: they are not nodes.
  assert.deepEqual(
    x.resources.map((r) => r.type),
    ['host', 'host'],
  );
});

test('inframap oracle, azure.tfstate: VM -> VNet (x2), VNet -> VNet2 through the peering; dangling deps counted', () => {
  const x = extract('inframap/azure.tfstate');
  const vm = (n: string): string =>
    `urn:azure:compute.vm:%2Fsubscriptions%2F508f906f-b287-4882-b038-c653fe001aa0%2Fresourcegroups%2Fmyresourcegroup%2Fproviders%2Fmicrosoft.compute%2Fvirtualmachines%2F${n}`;
  const vnet = (n: string): string =>
    `urn:azure:network.vnet:%2Fsubscriptions%2F508f906f-b287-4882-b038-c653fe001aa0%2Fresourcegroups%2Fmyresourcegroup%2Fproviders%2Fmicrosoft.network%2Fvirtualnetworks%2F${n}`;
  assert.deepEqual(edgeLines(x), [
    `${vm('myvm')} -DEPENDS_ON-> ${vnet('myvnet')}`,
    `${vm('myvm2')} -DEPENDS_ON-> ${vnet('myvnet2')}`,
    `${vnet('myvnet')} -CONNECTS_TO-> ${vnet('myvnet2')}`,
  ]);
  // NIC, subnet, resource group, random_id, ... were pruned from the file: 6 per VM, 1 per VNet
  // (the peering's own dependencies are not read: it is a connector).
  assert.equal(x.stats.dangling_dependencies, 14);
  assert.equal(x.warnings.length, 1);
  assert.match(x.warnings[0] ?? '', /14 dependencies name objects absent/);
  assert.equal(x.resources.length, 4);
});

test('inframap oracle, multi_module_state.json: node_pool -> cluster and -> placement_group across modules', () => {
  const x = extract('inframap/multi_module_state.json');
  assert.deepEqual(edgeLines(x), [
    'urn:tf:scaleway_k8s_pool_beta:3 -DEPENDS_ON-> urn:tf:scaleway_instance_placement_group:1',
    'urn:tf:scaleway_k8s_pool_beta:3 -DEPENDS_ON-> urn:tf:scaleway_k8s_cluster_beta:2',
  ]);
  // Unknown (scaleway) types are kept as generic nodes and counted, never dropped.
  assert.deepEqual(x.skipped, {
    scaleway_instance_placement_group: 1,
    scaleway_k8s_cluster_beta: 1,
    scaleway_k8s_pool_beta: 1,
  });
  assert.ok(x.resources.every((r) => r.type === 'other'));
});

test('repeated_modules.json: module instances keep distinct nodes (inframap #103), deps fan out', () => {
  const x = extract('inframap/repeated_modules.json');
  const addresses = x.resources.map((r) => r.labels['iac.address']).filter((a) => a?.includes('aws_instance'));
  assert.deepEqual(addresses.sort(), [
    'module.ec2_openvpn.module.ec2_bastion.aws_instance.this[0]',
    'module.ec2_redhat_a.aws_instance.this[0]',
    'module.ec2_redhat_b.aws_instance.this[0]',
    'module.ec2_ubuntu_a[0].aws_instance.this[0]',
    'module.ec2_ubuntu_a[1].aws_instance.this[0]',
    'module.ec2_ubuntu_b[0].aws_instance.this[0]',
    'module.ec2_ubuntu_b[1].aws_instance.this[0]',
  ]);
  // Six instances belong to all_sg, the bastion to bastion_sg (membership from dependencies).
  const members = (sg: string): number => x.edges.filter((e) => e.relation === 'MEMBER_OF' && e.dst === SG(sg)).length;
  assert.equal(members('sg-0987114dd4c1ff786'), 6);
  assert.equal(members('sg-0004cc061bc236c1c'), 1);
  assert.deepEqual(
    edgeLines(x, 'DEPENDS_ON').filter((l) => l.startsWith('urn:aws:ec2.nat-gateway')),
    [
      'urn:aws:ec2.nat-gateway:nat-0d46ed83250f7d846 -DEPENDS_ON-> urn:aws:ec2.eip:eipalloc-0353cd2b1a2c0ed66',
      'urn:aws:ec2.nat-gateway:nat-0d46ed83250f7d846 -DEPENDS_ON-> urn:aws:ec2.internet-gateway:igw-0e982a7cdfc39d2ff',
    ],
  );
});

test('110_sensitive_values: raw state and `terraform show -json` of the same state give the same graph', () => {
  const raw = extract('terraform-json/110_sensitive_values.terraform.tfstate');
  const show = extract('terraform-json/110_sensitive_values.show.json');
  assert.deepEqual(show.edges, raw.edges);
  assert.deepEqual(show.resources, raw.resources);
  // count instances baz[0..2] each depend on foo; module.foo objects have no dependencies.
  assert.deepEqual(edgeLines(raw), [
    'urn:tf:null_resource:346205755248437621 -DEPENDS_ON-> urn:tf:null_resource:7914344597979736746',
    'urn:tf:null_resource:4055263173373670778 -DEPENDS_ON-> urn:tf:null_resource:7914344597979736746',
    'urn:tf:null_resource:7188960170253950057 -DEPENDS_ON-> urn:tf:null_resource:7914344597979736746',
    'urn:tf:null_resource:8125409023088484730 -DEPENDS_ON-> urn:tf:null_resource:7914344597979736746',
  ]);
  assert.equal(raw.resources.length, 7);
  assert.deepEqual(raw.skipped, { null_resource: 7 });
  assert.deepEqual(raw.version, { lineage: 'fa0debfe-854c-b885-a355-bbb09fa86dde', serial: 8 });
  assert.equal(show.version, undefined);
});

/** A small state written for these tests: VPC, subnets, SGs, count instances, ALB chain, RDS. */
function lbState(): unknown {
  const inst = (module: string | undefined, type: string, name: string, instances: unknown[]): unknown => ({
    ...(module === undefined ? {} : { module }),
    mode: 'managed',
    type,
    name,
    provider: 'provider["registry.terraform.io/hashicorp/aws"]',
    instances,
  });
  const tgArn = 'arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/web/1';
  const lbArn = 'arn:aws:elasticloadbalancing:eu-west-1:1:loadbalancer/app/front/1';
  return {
    version: 4,
    serial: 3,
    lineage: 'L',
    resources: [
      inst('module.net', 'aws_vpc', 'main', [{ attributes: { id: 'vpc-1', tags: { Name: 'main', env: 'prod' } } }]),
      inst('module.net', 'aws_subnet', 'a', [
        {
          index_key: 0,
          attributes: { id: 'subnet-1', vpc_id: 'vpc-1', availability_zone: 'eu-west-1a' },
          dependencies: ['module.net.aws_vpc.main'],
        },
        {
          index_key: 1,
          attributes: { id: 'subnet-2', vpc_id: 'vpc-1', availability_zone: 'eu-west-1b' },
          dependencies: ['module.net.aws_vpc.main'],
        },
      ]),
      inst(undefined, 'aws_security_group', 'lb', [
        {
          attributes: {
            id: 'sg-lb',
            vpc_id: 'vpc-1',
            ingress: [
              { cidr_blocks: ['0.0.0.0/0'], from_port: 443, to_port: 443, protocol: 'tcp', security_groups: [] },
            ],
          },
        },
      ]),
      inst(undefined, 'aws_security_group', 'web', [
        {
          attributes: {
            id: 'sg-web',
            vpc_id: 'vpc-1',
            ingress: [
              {
                cidr_blocks: [],
                from_port: 8080,
                to_port: 8080,
                protocol: 'tcp',
                security_groups: ['sg-lb'],
                self: true,
              },
            ],
          },
        },
      ]),
      inst(undefined, 'aws_security_group', 'db', [{ attributes: { id: 'sg-db', vpc_id: 'vpc-1', ingress: [] } }]),
      inst(undefined, 'aws_security_group_rule', 'web_to_db', [
        {
          attributes: {
            id: 'sgr-1',
            type: 'ingress',
            security_group_id: 'sg-db',
            source_security_group_id: 'sg-web',
            from_port: 5432,
            to_port: 5432,
            protocol: 'tcp',
          },
        },
      ]),
      inst(undefined, 'aws_instance', 'web', [
        {
          index_key: 0,
          attributes: {
            id: 'i-1',
            subnet_id: 'subnet-1',
            vpc_security_group_ids: ['sg-web'],
            private_ip: '10.0.1.5',
            availability_zone: 'eu-west-1a',
          },
          dependencies: ['module.net.aws_subnet.a', 'aws_security_group.web', 'module.net.aws_vpc.main'],
        },
        {
          index_key: 1,
          attributes: { id: 'i-2', subnet_id: 'subnet-2', vpc_security_group_ids: ['sg-web'], private_ip: '10.0.2.5' },
          dependencies: ['module.net.aws_subnet.a', 'aws_security_group.web', 'module.net.aws_vpc.main'],
        },
      ]),
      inst(undefined, 'aws_lb', 'front', [
        { attributes: { id: lbArn, arn: lbArn, subnets: ['subnet-1', 'subnet-2'], security_groups: ['sg-lb'] } },
      ]),
      inst(undefined, 'aws_lb_target_group', 'web', [
        { attributes: { id: tgArn, arn: tgArn, vpc_id: 'vpc-1', port: 8080 } },
      ]),
      inst(undefined, 'aws_lb_listener', 'https', [
        {
          attributes: {
            id: 'listener-1',
            load_balancer_arn: lbArn,
            port: 443,
            protocol: 'HTTPS',
            default_action: [{ type: 'forward', target_group_arn: tgArn }],
          },
        },
      ]),
      inst(undefined, 'aws_lb_target_group_attachment', 'web', [
        { index_key: 0, attributes: { id: 'att-0', target_group_arn: tgArn, target_id: 'i-1', port: 8080 } },
        { index_key: 1, attributes: { id: 'att-1', target_group_arn: tgArn, target_id: '10.0.2.5', port: 8080 } },
      ]),
      inst(undefined, 'aws_db_instance', 'main', [
        {
          attributes: {
            id: 'db-main',
            vpc_security_group_ids: ['sg-db'],
            address: 'main.abc.eu-west-1.rds.amazonaws.com',
          },
        },
      ]),
      { mode: 'data', type: 'aws_ami', name: 'ubuntu', instances: [{ attributes: { id: 'ami-1' } }] },
    ],
  };
}

test('typed edges from attribute references: subnets, SG flows with ports, listener and target attachments', () => {
  const x = extractTerraform(lbState(), 'lb.tfstate');
  const C = (k: string, id: string): string => `urn:aws:${k}:${id}`;
  const tg = C('elbv2.target-group', 'arn%3Aaws%3Aelasticloadbalancing%3Aeu-west-1%3A1%3Atargetgroup%2Fweb%2F1');
  const lb = C(
    'elbv2.load-balancer',
    'arn%3Aaws%3Aelasticloadbalancing%3Aeu-west-1%3A1%3Aloadbalancer%2Fapp%2Ffront%2F1',
  );
  const i1 = C('ec2.instance', 'i-1');
  const i2 = C('ec2.instance', 'i-2');
  const db = C('rds.instance', 'db-main');
  assert.deepEqual(edgeLines(x, 'CONNECTS_TO'), [
    `${i1} -CONNECTS_TO-> ${db}`,
    `${i2} -CONNECTS_TO-> ${db}`,
    `${lb} -CONNECTS_TO-> ${i1}`,
    `${lb} -CONNECTS_TO-> ${i2}`,
    `${lb} -CONNECTS_TO-> ${tg}`,
    `${tg} -CONNECTS_TO-> ${i1}`,
    `${tg} -CONNECTS_TO-> ${i2}`,
    `urn:endpoint:internet -CONNECTS_TO-> ${lb}`,
  ]);
  assert.deepEqual(findEdge(x, lb, tg, 'CONNECTS_TO')?.props, {
    ports: ['https/443'],
    source: 'terraform',
    via: ['aws_lb_listener.https'],
  });
  // The second attachment names the target by private IP: resolved through the instance's alias.
  assert.deepEqual(findEdge(x, tg, i2, 'CONNECTS_TO')?.props.via, ['aws_lb_target_group_attachment.web[1]']);
  assert.deepEqual(findEdge(x, i1, db, 'CONNECTS_TO')?.props.ports, ['tcp/5432']);
  assert.equal(x.stats.sg_self_rules, 1);
  assert.deepEqual(
    edgeLines(x, 'MEMBER_OF').filter((l) => l.startsWith(i1)),
    [`${i1} -MEMBER_OF-> ${C('ec2.security-group', 'sg-web')}`, `${i1} -MEMBER_OF-> ${C('ec2.subnet', 'subnet-1')}`],
  );
  // Dependencies are resource-level (`module.net.aws_subnet.a` means both subnets); each instance
  // keeps the subnet its attributes name, and the typed edge makes that DEPENDS_ON redundant.
  assert.equal(findEdge(x, i1, C('ec2.subnet', 'subnet-1'), 'DEPENDS_ON')?.props.redundant, true);
  assert.equal(findEdge(x, i1, C('ec2.subnet', 'subnet-2'), 'DEPENDS_ON'), undefined);
  assert.ok(findEdge(x, i2, C('ec2.subnet', 'subnet-2'), 'DEPENDS_ON'));
  assert.equal(findEdge(x, i2, C('ec2.subnet', 'subnet-1'), 'DEPENDS_ON'), undefined);
  // instance -> vpc is implied by instance -> subnet -> vpc: flagged transitive.
  assert.equal(findEdge(x, i1, C('ec2.vpc', 'vpc-1'), 'DEPENDS_ON')?.props.transitive, true);
  assert.equal(x.stats.data_sources, 1);
  const vpc = x.resources.find((r) => r.urn === C('ec2.vpc', 'vpc-1'));
  assert.equal(vpc?.name, 'main');
  assert.equal(vpc?.env, 'prod');
  const web0 = x.resources.find((r) => r.urn === i1);
  assert.equal(web0?.zone, 'eu-west-1a');
  assert.equal(web0?.region, 'eu-west-1');
  assert.ok(web0?.aliases.includes('10.0.1.5'));
});

test('a rule joining more member pairs than maxRuleFanout collapses to one SG -> SG edge', () => {
  const x = extractTerraform(lbState(), 'lb.tfstate', { maxRuleFanout: 1 });
  const edge = findEdge(x, 'urn:aws:ec2.security-group:sg-web', 'urn:aws:ec2.security-group:sg-db', 'CONNECTS_TO');
  assert.equal(edge?.props.collapsed, true);
  assert.equal(edge?.props.pairs, 2);
  assert.equal(x.stats.sg_rules_collapsed, 2);
});

test('state v3 (Terraform 0.11): modules[].resources{}, flatmap attributes, module-relative depends_on', () => {
  const v3 = {
    version: 3,
    serial: 7,
    lineage: 'v3-lineage',
    modules: [
      {
        path: ['root'],
        resources: { 'aws_vpc.main': { type: 'aws_vpc', primary: { id: 'vpc-9', attributes: { id: 'vpc-9' } } } },
      },
      {
        path: ['root', 'app'],
        resources: {
          'aws_instance.web.0': {
            type: 'aws_instance',
            depends_on: ['aws_security_group.web.*'],
            primary: {
              id: 'i-9',
              attributes: { id: 'i-9', 'vpc_security_group_ids.#': '1', 'vpc_security_group_ids.123': 'sg-9' },
            },
          },
          'aws_security_group.web': {
            type: 'aws_security_group',
            primary: { id: 'sg-9', attributes: { id: 'sg-9', vpc_id: 'vpc-9' } },
          },
        },
      },
    ],
  };
  const x = extractTerraform(v3, 'old.tfstate');
  assert.deepEqual(edgeLines(x), [
    'urn:aws:ec2.instance:i-9 -DEPENDS_ON-> urn:aws:ec2.security-group:sg-9',
    'urn:aws:ec2.instance:i-9 -MEMBER_OF-> urn:aws:ec2.security-group:sg-9',
    'urn:aws:ec2.security-group:sg-9 -MEMBER_OF-> urn:aws:ec2.vpc:vpc-9',
  ]);
  assert.equal(
    x.resources.find((r) => r.urn === 'urn:aws:ec2.instance:i-9')?.labels['iac.address'],
    'module.app.aws_instance.web[0]',
  );
});

test('count dependencies without an attribute reference are narrowed through the other dependencies', () => {
  // Two VPCs (count) and a subnet in each; the instance names its subnet only. Its dependency on
  // `aws_vpc.main` (both VPCs, as written) narrows to the VPC of its subnet.
  const st = {
    version: 4,
    lineage: 'N',
    serial: 1,
    resources: [
      {
        mode: 'managed',
        type: 'aws_vpc',
        name: 'main',
        instances: [0, 1].map((i) => ({ index_key: i, attributes: { id: `vpc-${i}` } })),
      },
      {
        mode: 'managed',
        type: 'aws_subnet',
        name: 's',
        instances: [0, 1].map((i) => ({
          index_key: i,
          attributes: { id: `subnet-${i}`, vpc_id: `vpc-${i}` },
          dependencies: ['aws_vpc.main'],
        })),
      },
      {
        mode: 'managed',
        type: 'aws_instance',
        name: 'x',
        instances: [
          { attributes: { id: 'i-x', subnet_id: 'subnet-1' }, dependencies: ['aws_subnet.s', 'aws_vpc.main'] },
        ],
      },
    ],
  };
  const x = extractTerraform(st, 'n.tfstate');
  assert.deepEqual(
    edgeLines(x, 'DEPENDS_ON').filter((l) => l.startsWith('urn:aws:ec2.instance')),
    [
      'urn:aws:ec2.instance:i-x -DEPENDS_ON-> urn:aws:ec2.subnet:subnet-1',
      'urn:aws:ec2.instance:i-x -DEPENDS_ON-> urn:aws:ec2.vpc:vpc-1',
    ],
  );
  // The subnets name their VPC too, so each keeps only its own.
  assert.deepEqual(
    edgeLines(x, 'DEPENDS_ON').filter((l) => l.startsWith('urn:aws:ec2.subnet')),
    [
      'urn:aws:ec2.subnet:subnet-0 -DEPENDS_ON-> urn:aws:ec2.vpc:vpc-0',
      'urn:aws:ec2.subnet:subnet-1 -DEPENDS_ON-> urn:aws:ec2.vpc:vpc-1',
    ],
  );
});

test('for_each module instances: a dependency inside the module stays within the same module instance', () => {
  const st = {
    version: 4,
    lineage: 'X',
    serial: 1,
    resources: ['a', 'b'].flatMap((k) => [
      {
        module: `module.svc["${k}"]`,
        mode: 'managed',
        type: 'aws_sqs_queue',
        name: 'q',
        instances: [{ attributes: { id: `q-${k}` } }],
      },
      {
        module: `module.svc["${k}"]`,
        mode: 'managed',
        type: 'aws_lambda_function',
        name: 'fn',
        instances: [{ attributes: { id: `fn-${k}` }, dependencies: ['module.svc.aws_sqs_queue.q'] }],
      },
    ]),
  };
  const x = extractTerraform(st, 'fe.tfstate');
  assert.deepEqual(edgeLines(x), [
    'urn:aws:lambda.function:fn-a -DEPENDS_ON-> urn:aws:sqs.queue:q-a',
    'urn:aws:lambda.function:fn-b -DEPENDS_ON-> urn:aws:sqs.queue:q-b',
  ]);
});

test('not a Terraform state: an error naming the file and what was expected', () => {
  assert.throws(
    () => extractTerraform({ version: 9, resources: [] }, 'x.tfstate'),
    (e: unknown) => e instanceof TopologyInputError && /x\.tfstate at version: not a Terraform state/.test(e.message),
  );
  assert.throws(
    () => extractTerraform({ version: 4, resources: [{ type: 'aws_vpc', name: 'a', instances: 'oops' }] }, 'y.tfstate'),
    (e: unknown) =>
      e instanceof TopologyInputError &&
      e.message === 'y.tfstate at resources[0].instances: expected a list, got string "oops"',
  );
  assert.throws(
    () => extractTerraform({ format_version: '2.0', values: {} }, 'show.json'),
    /unsupported format_version 2\.0/,
  );
});

test('Kubernetes objects: namespace membership, Service -> Deployment by selector, Ingress -> Service', () => {
  const k = (type: string, name: string, attributes: Record<string, unknown>): unknown => ({
    mode: 'managed',
    type,
    name,
    instances: [{ attributes }],
  });
  const meta = (name: string, namespace?: string): unknown[] => [
    { name, ...(namespace === undefined ? {} : { namespace }) },
  ];
  const st = {
    version: 4,
    lineage: 'K',
    serial: 1,
    resources: [
      k('kubernetes_namespace_v1', 'shop', { id: 'shop', metadata: meta('shop') }),
      k('kubernetes_deployment_v1', 'api', {
        id: 'shop/api',
        metadata: meta('api', 'shop'),
        spec: [{ template: [{ metadata: [{ labels: { app: 'api', tier: 'web' } }] }] }],
      }),
      k('kubernetes_deployment_v1', 'worker', {
        id: 'shop/worker',
        metadata: meta('worker', 'shop'),
        spec: [{ template: [{ metadata: [{ labels: { app: 'worker' } }] }] }],
      }),
      k('kubernetes_service_v1', 'api', {
        id: 'shop/api',
        metadata: meta('api', 'shop'),
        spec: [{ selector: { app: 'api' }, port: [{ port: 80, target_port: '8080' }] }],
      }),
      k('kubernetes_ingress_v1', 'front', {
        id: 'shop/front',
        metadata: meta('front', 'shop'),
        spec: [
          { rule: [{ http: [{ path: [{ backend: [{ service: [{ name: 'api', port: [{ number: 80 }] }] }] }] }] }] },
        ],
      }),
    ],
  };
  const x = extractTerraform(st, 'k8s.tfstate');
  assert.deepEqual(edgeLines(x), [
    'urn:k8s:deployment:shop/api -MEMBER_OF-> urn:k8s:namespace:shop',
    'urn:k8s:deployment:shop/worker -MEMBER_OF-> urn:k8s:namespace:shop',
    'urn:k8s:ingress:shop/front -CONNECTS_TO-> urn:k8s:svc:shop/api',
    'urn:k8s:ingress:shop/front -MEMBER_OF-> urn:k8s:namespace:shop',
    'urn:k8s:svc:shop/api -CONNECTS_TO-> urn:k8s:deployment:shop/api',
    'urn:k8s:svc:shop/api -MEMBER_OF-> urn:k8s:namespace:shop',
  ]);
  assert.deepEqual(findEdge(x, 'urn:k8s:svc:shop/api', 'urn:k8s:deployment:shop/api', 'CONNECTS_TO')?.props.ports, [
    '8080',
  ]);
  assert.equal(x.resources.find((r) => r.urn === 'urn:k8s:svc:shop/api')?.type, 'service');
});
