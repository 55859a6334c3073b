import { builtInJobs } from '../../src/jobs/index.js';

/**
 * A config file's text with the demo's two mock tenants (configs/demo.yaml: acme seed 42, globex
 * seed 7 with its orders-db incident) at `scale`, every built-in job but `jobs` disabled, and
 * `extra` YAML appended (top-level keys).
 */
export function demoTenantsYaml(scale: number, jobs: readonly string[], extra = ''): string {
  const disabled = builtInJobs()
    .map((j) => j.name)
    .filter((n) => !jobs.includes(n))
    .map((n) => `  ${n}: {enabled: false}`)
    .join('\n');
  return `
tenants:
  - code: acme
    source: {kind: mock, seed: 42, scale: ${scale}}
    initial_lookback: {default: 5m}
  - code: globex
    source:
      kind: mock
      seed: 7
      scale: ${scale}
      incident: {dependency: orders-db, latency_factor: 8, error_rate: 0.3}
    initial_lookback: {default: 5m}
logging: {level: silent}
jobs:
${disabled}
${extra}`;
}
