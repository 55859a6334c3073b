import { z } from 'zod';
import { RELATIONS } from '../model.js';

/**
 * ObserveBridge cloud snapshot, format version 1: an inventory exported from a cloud API (AWS,
 * Alibaba Cloud, ...) by whatever tool the user runs, read here without network access.
 * Documented in docs/cloud-snapshot.md. Unknown keys are allowed (later minor additions).
 */
const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const SnapshotResourceSchema = z.looseObject({
  /** `<service>.<resource>` in lower case, e.g. `ec2.instance`, `elbv2.target-group`, `ecs.instance` (Aliyun). */
  kind: z.string().regex(/^[a-z0-9]+(?:[.-][a-z0-9]+)*$/, 'kind must look like "ec2.instance"'),
  /** The provider's primary id: the value Terraform stores as `id` (`i-…`, `sg-…`, an ARN for ELBv2). */
  id: z.string().min(1),
  arn: z.string().min(1).optional(),
  name: z.string().optional(),
  /** Node kind override (`host`, `database`, ...); otherwise derived from `kind`. */
  type: z.string().min(1).optional(),
  region: z.string().optional(),
  zone: z.string().optional(),
  env: z.string().optional(),
  tags: z.record(z.string(), scalar).optional(),
  /** Provider attributes; the ones listed in the docs imply edges (vpc_id, subnet_id, ...). */
  attrs: z.record(z.string(), z.unknown()).optional(),
  /** Other names of the same object: IPs, DNS names. */
  aliases: z.array(z.string()).optional(),
});

export const SnapshotLinkSchema = z.looseObject({
  /** A known link kind (`elbv2.target`, `elbv2.listener`, `elb.instance`, `slb.backend`) or any kind with a `relation`. */
  kind: z.string().min(1).optional(),
  relation: z.enum(RELATIONS).optional(),
  /** Id, ARN or alias of a resource of this snapshot. */
  from: z.string().min(1),
  to: z.string().min(1),
  port: z.number().int().min(0).max(65535).optional(),
  protocol: z.string().optional(),
  /** Target health (ELB states: initial, healthy, unhealthy, unused, draining, unavailable). */
  health: z.string().optional(),
  props: z.record(z.string(), scalar).optional(),
});

export const CloudSnapshotSchema = z.looseObject({
  format_version: z.literal(1).optional(),
  /** Cloud the snapshot comes from; the first part of every URN (`aws`, `aliyun`, `azure`, `gcp`). */
  source: z.string().regex(/^[a-z][a-z0-9-]*$/, 'source must be a lower-case word such as "aws"'),
  account: z.string().optional(),
  region: z.string().optional(),
  /** When the inventory was read (ISO 8601 with offset). */
  captured_at: z.iso.datetime({ offset: true }),
  resources: z.array(SnapshotResourceSchema),
  links: z.array(SnapshotLinkSchema).default([]),
});

export type CloudSnapshot = z.infer<typeof CloudSnapshotSchema>;
export type SnapshotResource = z.infer<typeof SnapshotResourceSchema>;
export type SnapshotLink = z.infer<typeof SnapshotLinkSchema>;
