/**
 * Terraform resource types we understand: the node kind they become, and the cloud kind used in
 * their URN (the same kind names as the cloud snapshot format, docs/cloud-snapshot.md).
 * Connectors (security group rules, listeners, attachments, peerings, firewalls, NICs) are not
 * nodes: they become edges between the resources they join.
 */
export interface KindInfo {
  /** Node kind stored as `dim_resource.type`. */
  kind: string;
  cloud?: 'aws' | 'gcp' | 'azure' | 'aliyun';
  /** Kind part of `urn:<cloud>:<urnKind>:<id>`. */
  urnKind?: string;
  connector?: true;
  /** Kubernetes objects: URN `urn:k8s:<k8sKind>:<ns>/<name>`. */
  k8sKind?: string;
}

const aws = (kind: string, urnKind: string): KindInfo => ({ kind, cloud: 'aws', urnKind });
const gcp = (kind: string, urnKind: string): KindInfo => ({ kind, cloud: 'gcp', urnKind });
const azure = (kind: string, urnKind: string): KindInfo => ({ kind, cloud: 'azure', urnKind });
const ali = (kind: string, urnKind: string): KindInfo => ({ kind, cloud: 'aliyun', urnKind });
const k8s = (kind: string, k8sKind: string): KindInfo => ({ kind, k8sKind });
const connector: KindInfo = { kind: 'connector', connector: true };

export const KINDS: Readonly<Record<string, KindInfo>> = {
  // AWS
  aws_vpc: aws('network', 'ec2.vpc'),
  aws_subnet: aws('subnet', 'ec2.subnet'),
  aws_security_group: aws('security_group', 'ec2.security-group'),
  aws_instance: aws('host', 'ec2.instance'),
  aws_launch_template: aws('template', 'ec2.launch-template'),
  aws_launch_configuration: aws('template', 'autoscaling.launch-configuration'),
  aws_nat_gateway: aws('gateway', 'ec2.nat-gateway'),
  aws_internet_gateway: aws('gateway', 'ec2.internet-gateway'),
  aws_eip: aws('address', 'ec2.eip'),
  aws_lb: aws('load_balancer', 'elbv2.load-balancer'),
  aws_alb: aws('load_balancer', 'elbv2.load-balancer'),
  aws_elb: aws('load_balancer', 'elb.load-balancer'),
  aws_lb_target_group: aws('pool', 'elbv2.target-group'),
  aws_alb_target_group: aws('pool', 'elbv2.target-group'),
  aws_autoscaling_group: aws('host_group', 'autoscaling.group'),
  aws_ecs_cluster: aws('cluster', 'ecs.cluster'),
  aws_ecs_service: aws('service', 'ecs.service'),
  aws_ecs_task_definition: aws('template', 'ecs.task-definition'),
  aws_eks_cluster: aws('cluster', 'eks.cluster'),
  aws_eks_node_group: aws('node_pool', 'eks.node-group'),
  aws_db_instance: aws('database', 'rds.instance'),
  aws_rds_cluster: aws('database', 'rds.cluster'),
  aws_rds_cluster_instance: aws('db_node', 'rds.instance'),
  aws_elasticache_cluster: aws('cache', 'elasticache.cluster'),
  aws_elasticache_replication_group: aws('cache', 'elasticache.replication-group'),
  aws_dynamodb_table: aws('database', 'dynamodb.table'),
  aws_lambda_function: aws('function', 'lambda.function'),
  aws_s3_bucket: aws('bucket', 's3.bucket'),
  aws_sqs_queue: aws('queue', 'sqs.queue'),
  aws_sns_topic: aws('topic', 'sns.topic'),
  aws_msk_cluster: aws('queue', 'msk.cluster'),
  aws_mq_broker: aws('queue', 'mq.broker'),
  aws_cloudfront_distribution: aws('cdn', 'cloudfront.distribution'),
  aws_route53_zone: aws('dns_zone', 'route53.zone'),
  aws_route53_record: aws('dns_name', 'route53.record'),
  aws_api_gateway_rest_api: aws('api', 'apigateway.rest-api'),
  aws_apigatewayv2_api: aws('api', 'apigateway.api'),
  aws_kinesis_stream: aws('queue', 'kinesis.stream'),
  aws_opensearch_domain: aws('database', 'opensearch.domain'),
  aws_elasticsearch_domain: aws('database', 'opensearch.domain'),
  aws_cloudwatch_log_group: aws('log_group', 'logs.log-group'),
  aws_cloudwatch_event_rule: aws('schedule', 'events.rule'),
  aws_iam_role: aws('iam_role', 'iam.role'),
  aws_security_group_rule: connector,
  aws_vpc_security_group_ingress_rule: connector,
  aws_vpc_security_group_egress_rule: connector,
  aws_lb_listener: connector,
  aws_alb_listener: connector,
  aws_lb_listener_rule: connector,
  aws_alb_listener_rule: connector,
  aws_lb_target_group_attachment: connector,
  aws_alb_target_group_attachment: connector,
  aws_autoscaling_attachment: connector,
  aws_lambda_event_source_mapping: connector,
  aws_sns_topic_subscription: connector,
  aws_lambda_permission: connector,
  aws_cloudwatch_event_target: connector,
  aws_cloudwatch_log_subscription_filter: connector,
  // Google
  google_compute_network: gcp('network', 'compute.network'),
  google_compute_subnetwork: gcp('subnet', 'compute.subnetwork'),
  google_compute_instance: gcp('host', 'compute.instance'),
  google_compute_instance_group: gcp('host_group', 'compute.instance-group'),
  google_compute_instance_group_manager: gcp('host_group', 'compute.instance-group-manager'),
  google_compute_region_instance_group_manager: gcp('host_group', 'compute.instance-group-manager'),
  google_compute_backend_service: gcp('pool', 'compute.backend-service'),
  google_compute_region_backend_service: gcp('pool', 'compute.backend-service'),
  google_compute_forwarding_rule: gcp('load_balancer', 'compute.forwarding-rule'),
  google_compute_global_forwarding_rule: gcp('load_balancer', 'compute.forwarding-rule'),
  google_container_cluster: gcp('cluster', 'container.cluster'),
  google_container_node_pool: gcp('node_pool', 'container.node-pool'),
  google_sql_database_instance: gcp('database', 'sql.instance'),
  google_sql_database: gcp('database', 'sql.database'),
  google_redis_instance: gcp('cache', 'redis.instance'),
  google_storage_bucket: gcp('bucket', 'storage.bucket'),
  google_pubsub_topic: gcp('topic', 'pubsub.topic'),
  google_pubsub_subscription: gcp('queue', 'pubsub.subscription'),
  google_cloud_run_service: gcp('service', 'run.service'),
  google_cloudfunctions_function: gcp('function', 'cloudfunctions.function'),
  google_compute_firewall: connector,
  // Azure
  azurerm_resource_group: azure('resource_group', 'resource-group'),
  azurerm_virtual_network: azure('network', 'network.vnet'),
  azurerm_subnet: azure('subnet', 'network.subnet'),
  azurerm_network_security_group: azure('security_group', 'network.nsg'),
  azurerm_linux_virtual_machine: azure('host', 'compute.vm'),
  azurerm_windows_virtual_machine: azure('host', 'compute.vm'),
  azurerm_virtual_machine: azure('host', 'compute.vm'),
  azurerm_linux_virtual_machine_scale_set: azure('host_group', 'compute.vmss'),
  azurerm_windows_virtual_machine_scale_set: azure('host_group', 'compute.vmss'),
  azurerm_lb: azure('load_balancer', 'network.lb'),
  azurerm_lb_backend_address_pool: azure('pool', 'network.lb-backend-pool'),
  azurerm_application_gateway: azure('load_balancer', 'network.application-gateway'),
  azurerm_kubernetes_cluster: azure('cluster', 'containerservice.aks'),
  azurerm_kubernetes_cluster_node_pool: azure('node_pool', 'containerservice.aks-node-pool'),
  azurerm_mssql_server: azure('database', 'sql.server'),
  azurerm_mssql_database: azure('database', 'sql.database'),
  azurerm_postgresql_flexible_server: azure('database', 'postgresql.server'),
  azurerm_postgresql_flexible_server_database: azure('database', 'postgresql.database'),
  azurerm_mysql_flexible_server: azure('database', 'mysql.server'),
  azurerm_redis_cache: azure('cache', 'redis.cache'),
  azurerm_storage_account: azure('bucket', 'storage.account'),
  azurerm_servicebus_namespace: azure('queue', 'servicebus.namespace'),
  azurerm_linux_web_app: azure('service', 'web.app'),
  azurerm_network_interface: connector,
  azurerm_virtual_network_peering: connector,
  azurerm_network_interface_backend_address_pool_association: connector,
  // Alibaba Cloud
  alicloud_vpc: ali('network', 'vpc.vpc'),
  alicloud_vswitch: ali('subnet', 'vpc.vswitch'),
  alicloud_security_group: ali('security_group', 'ecs.security-group'),
  alicloud_instance: ali('host', 'ecs.instance'),
  alicloud_slb: ali('load_balancer', 'slb.load-balancer'),
  alicloud_slb_load_balancer: ali('load_balancer', 'slb.load-balancer'),
  alicloud_db_instance: ali('database', 'rds.instance'),
  alicloud_kvstore_instance: ali('cache', 'kvstore.instance'),
  alicloud_cs_managed_kubernetes: ali('cluster', 'cs.cluster'),
  alicloud_security_group_rule: connector,
  alicloud_slb_server_group: connector,
  // Kubernetes provider
  kubernetes_namespace: k8s('namespace', 'namespace'),
  kubernetes_namespace_v1: k8s('namespace', 'namespace'),
  kubernetes_deployment: k8s('workload', 'deployment'),
  kubernetes_deployment_v1: k8s('workload', 'deployment'),
  kubernetes_stateful_set: k8s('workload', 'statefulset'),
  kubernetes_stateful_set_v1: k8s('workload', 'statefulset'),
  kubernetes_daemonset: k8s('workload', 'daemonset'),
  kubernetes_daemon_set_v1: k8s('workload', 'daemonset'),
  kubernetes_cron_job: k8s('workload', 'cronjob'),
  kubernetes_cron_job_v1: k8s('workload', 'cronjob'),
  kubernetes_service: k8s('service', 'service'),
  kubernetes_service_v1: k8s('service', 'service'),
  kubernetes_ingress: k8s('ingress', 'ingress'),
  kubernetes_ingress_v1: k8s('ingress', 'ingress'),
  kubernetes_config_map: k8s('config', 'configmap'),
  kubernetes_config_map_v1: k8s('config', 'configmap'),
  kubernetes_secret: k8s('config', 'secret'),
  kubernetes_secret_v1: k8s('config', 'secret'),
};

export function kindOf(type: string): KindInfo | undefined {
  return Object.prototype.hasOwnProperty.call(KINDS, type) ? KINDS[type] : undefined;
}
