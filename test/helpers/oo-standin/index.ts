export { type OoRow, type OoValue, rowJson } from './json-writer.js';
export {
  type OoFault,
  type OoFaults,
  type OoRequestLog,
  type OoStandin,
  type OoStandinOptions,
  STANDIN_AUTH,
  startOoStandin,
  type StreamType,
} from './server.js';
export { logToOoRow, metricToOoRow, spanToOoRow } from './rows.js';
export { canonRow, ndjson, ooParquet, writeTree } from './files.js';
