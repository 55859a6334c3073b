/** Public API of the topology extractors. */
export { extractTopology, guessInputKind, type ExtractTopologyInput } from './extract.js';
export { formatTopologyTable, toTopologyJson } from './format.js';
export { diffEdges, type EdgeDiff, type EdgeRow } from './diff.js';
export { extractTerraform } from './terraform/extract-terraform.js';
export { extractPulumi } from './pulumi/extract-pulumi.js';
export { extractSnapshot } from './snapshot/extract-snapshot.js';
export { CloudSnapshotSchema, type CloudSnapshot } from './snapshot/schema.js';
export { extractAnsible, parseInventory, type AnsibleSources, type AnsibleOptions } from './ansible/extract-ansible.js';
export { loadAnsibleSources } from './ansible/load-ansible.js';
export { TopologyInputError } from './input-error.js';
export {
  RELATIONS,
  edgeKey,
  type Edge,
  type EdgeProps,
  type Relation,
  type TopoResource,
  type TopologyExtract,
  type SourceVersion,
} from './model.js';
