import { ResourceIdCache } from '../db/writers/resources.js';
import { RuleBook } from '../rules/book.js';
import { ageRefreshJob } from './age-refresh.js';
import type { JobDefinition } from './job.js';
import { maintenanceJob } from './maintenance.js';
import { ooCallsJob } from './oo-calls.js';
import { ooLogsJob } from './oo-logs.js';
import { ooMetricsJob } from './oo-metrics.js';
import { rulesJob } from './rules.js';
import { topoAnsibleJob, topoIacJob } from './topo.js';

/**
 * The jobs ObserveBridge runs, registered in code. Each job adds itself here with one line; the
 * registry checks their `after` DAG and the config against them at startup.
 */
export function builtInJobs(opts: { configPath?: string } = {}): JobDefinition[] {
  // One resource-id cache per process, shared by the jobs that upsert dim_resource.
  const resources = new ResourceIdCache();
  return [
    ooMetricsJob(resources),
    ooCallsJob(resources),
    ooLogsJob(resources),
    ageRefreshJob(),
    topoIacJob(),
    topoAnsibleJob(),
    maintenanceJob(),
    rulesJob(new RuleBook(opts.configPath === undefined ? {} : { configPath: opts.configPath })),
  ];
}
