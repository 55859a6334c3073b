import type { Command } from 'commander';
import { loadConfig } from '../config/load.js';
import { parsePatternsConfig } from '../patterns/config.js';
import { runPatternsCommand } from '../patterns/offline.js';

export function registerPatterns(program: Command): void {
  program
    .command('patterns')
    .description(
      'mine log templates offline: raw messages on stdin, one per line; after all input, one JSON object ' +
        'per line on stdout in input order: {"cluster": <id>, "template": <final template, variables as <*>>}',
    )
    .option('--config <file>', "use the config file's `patterns:` section (masking, thresholds)")
    .action(async (opts: { config?: string }) => {
      const cfg = opts.config ? parsePatternsConfig(loadConfig(opts.config).config.patterns ?? {}, 'patterns') : {};
      await runPatternsCommand(process.stdin, process.stdout, cfg);
    });
}
