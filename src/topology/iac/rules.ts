import type { Relation } from '../model.js';

/**
 * Attribute references that imply a typed edge (reference/topology.md §6). By default the edge
 * goes from the resource holding the attribute to the resource it names; `reverse` flips it
 * (a target group named by an autoscaling group sends traffic *to* that group).
 */
export interface RefRule {
  attr: string;
  relation: Relation;
  reverse?: true;
  /** Also resolve the value as a name among these types (GCP/Azure refer to some objects by name). */
  byNameIn?: readonly string[];
  /** Also resolve through IP/DNS aliases (Route 53 records, CloudFront origins). */
  byAlias?: true;
}

const member = (attr: string, extra: Partial<RefRule> = {}): RefRule => ({ attr, relation: 'MEMBER_OF', ...extra });
const connects = (attr: string, extra: Partial<RefRule> = {}): RefRule => ({ attr, relation: 'CONNECTS_TO', ...extra });
const depends = (attr: string): RefRule => ({ attr, relation: 'DEPENDS_ON' });

const AWS_LB: RefRule[] = [member('subnets'), member('subnet_mapping.subnet_id')];
const GCE_SUBNET = ['google_compute_subnetwork'];
const GCE_NETWORK = ['google_compute_network'];

export const RULES: Readonly<Record<string, readonly RefRule[]>> = {
  aws_subnet: [member('vpc_id')],
  aws_security_group: [member('vpc_id')],
  aws_internet_gateway: [member('vpc_id')],
  aws_nat_gateway: [member('subnet_id')],
  aws_instance: [member('subnet_id')],
  aws_lb: AWS_LB,
  aws_alb: AWS_LB,
  aws_elb: [member('subnets'), connects('instances')],
  aws_lb_target_group: [member('vpc_id')],
  aws_alb_target_group: [member('vpc_id')],
  aws_autoscaling_group: [
    member('vpc_zone_identifier'),
    connects('target_group_arns', { reverse: true }),
    connects('load_balancers', { reverse: true }),
    depends('launch_template.id'),
    depends('launch_configuration'),
  ],
  aws_ecs_service: [
    { attr: 'cluster', relation: 'RUNS_ON' },
    connects('load_balancer.target_group_arn', { reverse: true }),
    member('network_configuration.subnets'),
    depends('task_definition'),
  ],
  aws_eks_cluster: [member('vpc_config.subnet_ids')],
  aws_eks_node_group: [member('cluster_name'), member('subnet_ids')],
  aws_rds_cluster_instance: [member('cluster_identifier')],
  aws_elasticache_cluster: [member('replication_group_id')],
  aws_lambda_function: [member('vpc_config.subnet_ids'), depends('role')],
  aws_route53_record: [connects('alias.name', { byAlias: true }), connects('records', { byAlias: true })],
  aws_cloudfront_distribution: [connects('origin.domain_name', { byAlias: true })],
  google_compute_instance: [
    member('network_interface.subnetwork', { byNameIn: GCE_SUBNET }),
    member('network_interface.network', { byNameIn: GCE_NETWORK }),
  ],
  google_compute_subnetwork: [member('network', { byNameIn: GCE_NETWORK })],
  google_compute_instance_group: [member('instances', { reverse: true }), member('network', { byNameIn: GCE_NETWORK })],
  google_compute_backend_service: [connects('backend.group')],
  google_compute_region_backend_service: [connects('backend.group')],
  google_compute_forwarding_rule: [
    connects('backend_service'),
    connects('target'),
    member('subnetwork', { byNameIn: GCE_SUBNET }),
  ],
  google_compute_global_forwarding_rule: [connects('target')],
  google_container_cluster: [
    member('network', { byNameIn: GCE_NETWORK }),
    member('subnetwork', { byNameIn: GCE_SUBNET }),
  ],
  google_container_node_pool: [member('cluster', { byNameIn: ['google_container_cluster'] })],
  google_sql_database: [member('instance', { byNameIn: ['google_sql_database_instance'] })],
  google_compute_instance_group_manager: [member('instance_template')],
  azurerm_lb_backend_address_pool: [member('loadbalancer_id')],
  azurerm_kubernetes_cluster: [member('default_node_pool.vnet_subnet_id')],
  azurerm_kubernetes_cluster_node_pool: [member('kubernetes_cluster_id'), member('vnet_subnet_id')],
  azurerm_mssql_database: [member('server_id')],
  azurerm_postgresql_flexible_server: [member('delegated_subnet_id')],
  azurerm_postgresql_flexible_server_database: [member('server_id')],
  azurerm_linux_virtual_machine_scale_set: [member('network_interface.ip_configuration.subnet_id')],
  azurerm_windows_virtual_machine_scale_set: [member('network_interface.ip_configuration.subnet_id')],
  alicloud_vswitch: [member('vpc_id')],
  alicloud_security_group: [member('vpc_id')],
  alicloud_instance: [member('vswitch_id')],
  alicloud_slb: [member('vswitch_id')],
  alicloud_slb_load_balancer: [member('vswitch_id')],
  alicloud_db_instance: [member('vswitch_id')],
  alicloud_kvstore_instance: [member('vswitch_id')],
};

/** Attributes that list the security groups a resource belongs to. */
export const SECURITY_GROUP_ATTRS: readonly string[] = [
  'vpc_security_group_ids',
  'security_groups',
  'security_group_ids',
  'vpc_config.security_group_ids',
  'network_configuration.security_groups',
  'network_interface.security_groups',
  'vpc_options.security_group_ids',
];

export const SECURITY_GROUP_TYPES: readonly string[] = ['aws_security_group', 'alicloud_security_group'];

/** The rule (if any) a Pulumi property dependency corresponds to, matched on the first path segment. */
export function ruleForProperty(type: string, prop: string): RefRule | undefined {
  return RULES[type]?.find((r) => r.attr.split('.')[0] === prop);
}
