import { Command, CommanderError } from 'commander';
import { ConfigError, errorMessage, ObserveBridgeError } from '../core/errors.js';
import { registerCase } from '../ops/cli.js';
import { registerBackfill } from './backfill.js';
import { registerDiscover } from './discover.js';
import { registerDoctor } from './doctor.js';
import { registerEvents } from './events.js';
import { registerGraph } from './graph.js';
import { registerKb } from './kb.js';
import { registerMcp } from './mcp.js';
import { registerMigrate } from './migrate.js';
import { registerPatterns } from './patterns.js';
import { registerQuery } from './query.js';
import { registerRun } from './run.js';
import { registerStatus } from './status.js';
import { registerTopo } from './topo.js';

export function buildProgram(): Command {
  const program = new Command('observebridge')
    .description('OpenObserve telemetry → explainable PostgreSQL summaries')
    .version('0.1.0')
    .exitOverride()
    .showHelpAfterError();
  registerMigrate(program);
  registerDoctor(program);
  registerGraph(program);
  registerTopo(program);
  registerPatterns(program);
  registerRun(program);
  registerBackfill(program);
  registerStatus(program);
  registerQuery(program);
  registerCase(program);
  registerEvents(program);
  registerKb(program);
  registerMcp(program);
  registerDiscover(program);
  return program;
}

/** Runs the CLI and returns the exit code: 0 success, 1 the work failed, 2 bad usage or config. */
export async function main(argv: string[]): Promise<number> {
  process.exitCode = undefined;
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      return 2;
    }
    const code = e instanceof ObserveBridgeError ? ` [${e.code}]` : '';
    process.stderr.write(`observebridge: ${errorMessage(e)}${code}\n`);
    return 1;
  }
}
