import { TopologyBuilder } from '../builder.js';
import { addIacGraph, type IacGraphOptions } from '../iac/graph.js';
import type { TopologyExtract } from '../model.js';
import { readTerraformState } from './state.js';

/** Terraform state (v4, v3, or `terraform show -json`) -> resources and edges. Pure. */
export function extractTerraform(doc: unknown, file: string, options: IacGraphOptions = {}): TopologyExtract {
  const iac = readTerraformState(doc, file);
  const b = new TopologyBuilder('terraform');
  if (iac.version !== undefined && Object.keys(iac.version).length > 0) b.version = iac.version;
  addIacGraph(iac, b, options);
  return b.build();
}
