import type { JobDefinition } from './job.js';
import { maintenanceJob } from './maintenance.js';

/**
 * The jobs ObserveBridge runs, registered in code. Each job adds itself here with one line; the
 * registry checks their `after` DAG and the config against them at startup.
 */
export function builtInJobs(): JobDefinition[] {
  return [maintenanceJob()];
}
