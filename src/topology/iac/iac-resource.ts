/**
 * One managed object of an IaC document, normalised so Terraform and Pulumi share the mapping
 * rules: Terraform-style type and snake_case attributes, dependencies resolved to the keys of
 * other objects of the same document.
 */
export interface IacResource {
  /** Unique within the document: Terraform instance address, or Pulumi URN. */
  key: string;
  source: 'terraform' | 'pulumi';
  /** Terraform type (`aws_instance`); for Pulumi the mapped Terraform type, else the raw token. */
  type: string;
  /** The type as written in the source (Pulumi type token, Terraform type). */
  rawType: string;
  /** Terraform resource name / Pulumi resource name. */
  name: string;
  /** Provider attributes with snake_case keys (Terraform `attributes`/`values`, Pulumi outputs). */
  attrs: Record<string, unknown>;
  /** Keys of objects this one depends on (explicit dependencies, fanned out to instances). */
  dependsOn: string[];
  /**
   * Terraform only: one group per dependency address, holding every instance it may mean
   * (dependencies are resource-level, so `aws_subnet.a` means all of `aws_subnet.a[*]`).
   * The graph narrows each group to the instances the object actually refers to.
   */
  dependencyGroups?: string[][];
  /** Pulumi only: property (snake_case) -> keys of the objects that property came from. */
  propertyDependencies?: Record<string, string[]>;
  /** Pulumi only: key of the component parent. */
  parent?: string;
  /** false for Pulumi components and the root stack. */
  custom: boolean;
  tainted?: boolean;
  module?: string;
  /** Provider source (`hashicorp/aws`), when the document says. */
  provider?: string;
}

export interface IacDocument {
  source: 'terraform' | 'pulumi';
  /** Used in fallback URNs of objects without a provider id: lineage, stack name or `_`. */
  stateId: string;
  resources: IacResource[];
  /** Dependencies that name nothing in the document (pruned or stale states). */
  dangling: { from: string; ref: string }[];
  /** Counters gathered while reading (data sources, deposed objects, ...). */
  stats: Record<string, number>;
  version?: { lineage?: string; serial?: number; time?: string };
}
