import { Command, InvalidArgumentError } from 'commander';
import { packageVersion } from './core/version.js';
import { startCommand } from './cli/start.js';
import { configCheckCommand } from './cli/config-check.js';
import { replayBmpCommand } from './cli/replay.js';
import { exabgpBridgeCommand } from './cli/exabgp-bridge.js';
import { decodeCommand } from './cli/decode.js';
import { parseCommand, PARSE_FORMATS } from './cli/parse.js';
import { probeCommand, type ProbeCliOptions } from './cli/probe.js';
import { flowsImportCommand, flowsParseCommand, type FlowsCliOptions } from './cli/flows.js';

/** A TCP port option (1-65535), or commander's own error. */
function portOption(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n < 1 || n > 65535) throw new InvalidArgumentError('a TCP port, 1-65535');
  return n;
}

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

program
  .command('decode')
  .argument('<kind>', 'bmp (a raw BMP byte stream, as saved with `nc -l 11019 > FILE`, or a pcap/pcapng capture; gzipped or not) or exabgp (ExaBGP JSON lines)')
  .argument('<file>', 'the input; - for stdin')
  .option('--router <name>', 'the router name events carry (default: the file name; for a capture, each stream\'s source address)')
  .option('--port <port>', 'capture: decode the TCP streams to this port as BMP (default: the streams that start with a BMP header)', (v) => portOption(v))
  .description('decode a feed into NDJSON route events, one per line')
  .action((kind: string, file: string, opts: { router?: string; port?: number }) => decodeCommand(kind, file, opts));

program
  .command('parse')
  .argument('<format>', PARSE_FORMATS.join(' | '))
  .argument('<file>', 'a saved tool output; - for stdin')
  .option('--target <address>', 'the target address, when the output does not say (mtr --raw, tracepath)')
  .option('--method <method>', 'the probing method, when the output cannot tell (udp, icmp, tcp)')
  .description('print the PathObservation JSON of a saved traceroute/mtr/tcptraceroute/scamper/tracepath output')
  .action((format: string, file: string, opts: { target?: string; method?: string }) => parseCommand(format, file, opts));

program
  .command('probe')
  .argument('<target>', 'an IP address or a hostname')
  .option('--tool <tool>', 'traceroute | mtr | tcptraceroute | scamper | tracepath (path MTU in "pathMtu")', 'traceroute')
  .option('--method <method>', 'traceroute/mtr: udp | icmp | tcp; scamper: icmp-paris | udp-paris | tcp')
  .option('--port <port>', 'destination port for tcp methods')
  .option('--probes <n>', 'probes per hop', '3')
  .option('--max-hops <n>', 'maximum TTL', '30')
  .option('--timeout <sec>', 'kill the tool after this many seconds', '30')
  .option('-4, --ipv4', 'resolve to IPv4')
  .option('-6, --ipv6', 'resolve to IPv6')
  .description('run one probe now with a real tool and print its PathObservation JSON')
  .action((target: string, opts: ProbeCliOptions) => probeCommand(target, opts));

const flows = program.command('flows').description('top destination hosts from flow data (CSV/JSON lists, nfacctd JSON print output)');
flows
  .command('parse')
  .argument('<file>', 'a CSV list, a JSON list or an nfacctd print file (print_output: json); - for stdin')
  .option('--format <format>', 'auto | csv | json | nfacctd', 'auto')
  .option('--top <n>', 'talkers kept, busiest by bytes first (default: flows.topN, 1000)')
  .option('--source <name>', 'the snapshot source name (default: file:FILE)')
  .description('print the FlowTalkers JSON of a flow file; skipped rows with their line numbers on stderr')
  .action((file: string, opts: FlowsCliOptions) => flowsParseCommand(file, opts));
flows
  .command('import')
  .argument('<file>', 'a CSV list, a JSON list or an nfacctd print file; - for stdin')
  .requiredOption('--to <url>', 'the daemon, e.g. http://127.0.0.1:8080')
  .option('--token <token>', 'the API token (default: SMOKETRACE_API_TOKEN)')
  .option('--format <format>', 'auto | csv | json | nfacctd', 'auto')
  .option('--top <n>', 'talkers sent, busiest by bytes first (default 1000)')
  .option('--source <name>', 'stored as api:NAME (default: api)')
  .description("parse a flow file and send its top talkers to a daemon's POST /api/flows")
  .action((file: string, opts: FlowsCliOptions) => flowsImportCommand(file, opts));

const replay = program.command('replay').description('send recorded feeds to a running daemon');
replay
  .command('bmp')
  .argument('<file>', 'raw BMP byte stream (as a station receives it) or a pcap/pcapng capture of one, gzipped or not; - for stdin')
  .requiredOption('--to <host:port>', 'the BMP station to send to')
  .option('--rate <n>', 'at most N messages per second (default: as fast as the socket takes)')
  .option('--from <address[:port]>', 'capture: the router whose BMP stream to send, when it holds several')
  .description('replay a recorded BMP stream to a station, as a router would')
  .action((file: string, opts: { to: string; rate?: string; from?: string }) => replayBmpCommand(file, opts));

program
  .command('exabgp-bridge')
  .description("ExaBGP's api process: forwards its JSON lines from stdin to the daemon (stdout: only route refreshes when the daemon comes back)")
  .option('--to <target>', 'the daemon feed: tcp://HOST:PORT or unix:/PATH', 'tcp://127.0.0.1:11020')
  .option('--buffer <lines>', 'lines held while the daemon is away (then the oldest are dropped, counted)', '100000')
  .option('--drain-ms <ms>', 'after stdin ends, how long to keep trying to deliver what is held', '5000')
  .option('--refresh <families>', "route refresh asked of ExaBGP when the daemon comes back (comma-separated; '' for none)", 'ipv4 unicast,ipv6 unicast')
  .action((opts: { to: string; buffer: string; drainMs: string; refresh: string }) => exabgpBridgeCommand(opts));

try {
  await program.parseAsync(process.argv);
} catch (err) {
  process.stderr.write(`smoketrace: ${(err as Error).message}\n`);
  process.exitCode = 1;
}
