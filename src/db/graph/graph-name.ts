import { ConfigError } from '../../core/errors.js';

/** The AGE graph the active call graph lives in unless the config names another. */
export const DEFAULT_GRAPH = 'ops';

/**
 * Our rule for identifiers that come from config (CONVENTIONS.md), plus AGE's own length limits
 * (name_validation.h: a graph name has 3 to 63 characters; `create_graph('g1')` fails).
 */
export const GRAPH_NAME_RE = /^[a-z_][a-z0-9_]{2,62}$/;

/** A validated graph name: safe to splice, still always quoted where it is spliced. */
export type GraphName = string & { readonly __graphName: unique symbol };

export function graphName(name: string, where = 'jobs.age-refresh.options.graph'): GraphName {
  if (!GRAPH_NAME_RE.test(name)) {
    throw new ConfigError(
      `config: ${where}: must match ^[a-z_][a-z0-9_]*$ and have 3 to 63 characters (got ${JSON.stringify(name)})`,
    );
  }
  return name as GraphName;
}

/** `"ops"`: the graph's schema as an SQL identifier. */
export function graphIdent(g: GraphName): string {
  return `"${g}"`;
}

/** `'ops'`: the graph's name as an SQL string literal (cypher()'s first argument must be a constant). */
export function graphLiteral(g: GraphName): string {
  return `'${g}'`;
}
