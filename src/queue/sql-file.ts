import { sqlFolder } from '../db/sql-file.js';

export { iso, toMs as ms } from '../db/sql-file.js';

const read = sqlFolder(new URL('./', import.meta.url));

/** The text of a statement kept in a sibling `.sql` file. */
export function queueSql(name: string): string {
  return read(`${name}.sql`);
}
