import { TopologyBuilder } from '../builder.js';
import { addIacGraph, type IacGraphOptions } from '../iac/graph.js';
import type { TopologyExtract } from '../model.js';
import { readPulumiDeployment } from './deployment.js';

/** Pulumi stack export or checkpoint -> resources and edges. Pure. */
export function extractPulumi(doc: unknown, file: string, options: IacGraphOptions = {}): TopologyExtract {
  const iac = readPulumiDeployment(doc, file);
  const b = new TopologyBuilder('pulumi');
  if (iac.version !== undefined) b.version = iac.version;
  addIacGraph(iac, b, options);
  return b.build();
}
