import { readFileSync } from 'node:fs';
import { graphIdent, graphLiteral, type GraphName } from './graph-name.js';

const cache = new Map<string, string>();

/** An .sql file that lives beside this module (copied into dist/ by scripts/copy-assets.mjs). */
export function sqlFile(name: string): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`./sql/${name}`, import.meta.url), 'utf8');
    cache.set(name, text);
  }
  return text;
}

/**
 * An .sql file with the graph spliced in: `{{graph}}` becomes the quoted schema identifier and
 * `{{graph_name}}` the quoted string literal. Only a validated GraphName can get here.
 */
export function graphSql(name: string, g: GraphName): string {
  return sqlFile(name).replaceAll('{{graph}}', graphIdent(g)).replaceAll('{{graph_name}}', graphLiteral(g));
}
