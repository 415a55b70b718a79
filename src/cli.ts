import { Command } from 'commander';
import { packageVersion } from './core/version.js';
import { startCommand } from './cli/start.js';
import { configCheckCommand } from './cli/config-check.js';

const program = new Command()
  .name('smoketrace')
  .description('BGP-correlated path-change analyser: which BGP change made your path worse, and which AS is why')
  .version(packageVersion(), '-V, --version')
  .showHelpAfterError();

program
  .command('start')
  .description('run the daemon (feeds, prober, correlator, web UI and API)')
  .option('-c, --config <file>', 'YAML configuration file (defaults apply without one)')
  .action((opts: { config?: string }) => startCommand(opts));

const config = program.command('config').description('configuration tools');
config
  .command('check')
  .argument('<file>', 'YAML configuration file')
  .description('validate a configuration file and print every problem with its key path')
  .action((file: string) => configCheckCommand(file));

await program.parseAsync(process.argv);
