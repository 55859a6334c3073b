import { sqlFolder } from '../sql-file.js';
import { graphIdent, graphLiteral, type GraphName } from './graph-name.js';

/** An .sql file of the sql/ folder beside this module. */
export const sqlFile = sqlFolder(new URL('./sql/', import.meta.url));

/**
 * An .sql file with the graph spliced in: `{{graph}}` becomes the quoted schema identifier and
 * `{{graph_name}}` the quoted string literal. Only a validated GraphName can get here.
 */
export function graphSql(name: string, g: GraphName): string {
  return sqlFile(name).replaceAll('{{graph}}', graphIdent(g)).replaceAll('{{graph_name}}', graphLiteral(g));
}
