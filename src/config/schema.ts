import { isIP } from 'node:net';
import { z } from 'zod';
import { Validator } from 'ip-num';
import { addressPolicySchema, checkAddressPolicy, ipFamily, targetSchema } from '../probe/target.js';
import { DEFAULT_POLICY, type JudgePolicy } from '../correlate/policy.js';
import { notifySchema } from '../notify/config.js';
import { autoTargetsSchema } from '../autotargets/config.js';
import { flowsSchema } from '../flows/config.js';

/**
 * The one configuration schema. Types are inferred from it; every default lives
 * here; `config/smoketrace.example.yaml` documents each key (a test checks that
 * the example parses and mentions every key of the schema).
 */

const listenHost = z
  .string()
  .refine((s) => s === 'localhost' || isIP(s) !== 0, { message: 'must be an IP address or "localhost"' });

const port = z.number().int().min(0).max(65535);
const positiveInt = z.number().int().positive();

export const cidr = z
  .string()
  .refine((s) => Validator.isValidIPv4CidrNotation(s)[0] || Validator.isValidIPv6CidrNotation(s)[0], {
    message: 'must be a CIDR prefix such as 192.0.2.0/24 or 2001:db8::/32',
  });

const instanceSchema = z.strictObject({
  /** Vantage name: recorded on every observation and alert; unique per daemon sharing one store. */
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'letters, digits, ".", "_" and "-", at most 63 characters')
    .default('smoketrace'),
});

const logSchema = z.strictObject({
  level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

const httpSchema = z.strictObject({
  host: listenHost.default('127.0.0.1'),
  port: port.default(8080),
  /** Bearer token for mutating API calls and Socket.IO; generated and stored on first start when null. */
  apiToken: z.string().min(16, 'must be at least 16 characters').nullable().default(null),
  /** Who may read the API without a token: "localhost" (clients on loopback), "all", or "none". */
  openReads: z.enum(['localhost', 'all', 'none']).default('localhost'),
});

const retentionSchema = z.strictObject({
  /** Raw route events (announces, withdraws, peer up/down) older than this are deleted. */
  routeEventsDays: positiveInt.default(30),
  observationsDays: positiveInt.default(90),
  alertsDays: positiveInt.default(365),
  /** How often the retention job runs. */
  intervalMinutes: positiveInt.max(24 * 60).default(60),
});

const writeQueueSchema = z.strictObject({
  /** Documents held in memory while MongoDB is slow or away; beyond that the oldest are dropped and counted. */
  maxDocuments: positiveInt.default(200_000),
  batchSize: positiveInt.max(100_000).default(1000),
  flushIntervalMs: positiveInt.max(60_000).default(250),
});

const storageSchema = z.strictObject({
  /** mongodb:// or mongodb+srv:// URI. Null: an embedded MongoDB (mongodb-memory-server) under dataDir/mongo. */
  uri: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\/.+/, 'must start with mongodb:// or mongodb+srv://')
    .nullable()
    .default(null),
  /** Database name when the URI names none. */
  database: z.string().regex(/^[^/\\. "$*<>:|?]{1,63}$/, 'not a valid MongoDB database name').default('smoketrace'),
  /** Directory for persistent state: the embedded MongoDB's files (dataDir/mongo), BMP recordings. */
  dataDir: z.string().min(1).default('./data'),
  /** Path of a local mongod binary for the embedded server (else mongodb-memory-server's download/cache). */
  embeddedBinary: z.string().min(1).nullable().default(null),
  /** At start-up: false = exit with an error when MongoDB is unreachable; true = keep retrying, reporting degraded. */
  waitForDatabase: z.boolean().default(false),
  /** How long one connection attempt may take. */
  connectTimeoutMs: positiveInt.max(600_000).default(10_000),
  retention: retentionSchema.prefault({}),
  writeQueue: writeQueueSchema.prefault({}),
  routeBacklog: z
    .strictObject({
      /**
       * Route events waiting for the write queue (ingestion and the RIB never wait for storage).
       * Above half of it, pending changes of one route are coalesced; beyond it the oldest are
       * dropped; both counted on /api/health and /metrics.
       */
      maxEvents: positiveInt.default(2_000_000),
    })
    .prefault({}),
});

const bmpSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** Routers connect to the station (RFC 7854 3.2). */
  host: listenHost.default('0.0.0.0'),
  port: port.default(11019),
  /** Router addresses (CIDRs) allowed to connect; empty = any. */
  allow: z.array(cidr).default([]),
  maxSessions: positiveInt.max(10_000).default(64),
  /** Close a session silent for this long (BMP has no keepalive; 0 = never). */
  idleTimeoutSec: z.number().int().min(0).default(0),
  /** A longer BMP message is broken framing and ends that session. */
  maxMessageBytes: z.number().int().min(4096).max(256 * 1024 * 1024).default(16 * 1024 * 1024),
  /** Record each router's raw stream under dataDir/bmp-recordings (for `smoketrace replay`). */
  record: z.boolean().default(false),
  /**
   * Decoded attribute blocks kept per router session for reuse (about 300 bytes each). Raise it
   * for routers whose tables carry more distinct blocks: their dumps decode faster, for memory.
   */
  attributeCacheBlocks: z.number().int().min(16).max(4_194_304).default(65_536),
});

const exabgpSchema = z.strictObject({
  enabled: z.boolean().default(false),
  /** TCP listener for `smoketrace exabgp-bridge` (or anything forwarding ExaBGP's JSON lines); null = none. */
  tcp: z
    .strictObject({ host: listenHost.default('127.0.0.1'), port: port.default(11020) })
    .nullable()
    .prefault({}),
  /** Unix socket path, as an alternative or in addition; null = none. */
  unix: z.string().min(1).nullable().default(null),
  /** A longer line is counted and skipped. */
  maxLineBytes: positiveInt.default(1024 * 1024),
  /** The name the feed's route events carry as their router. */
  name: z.string().min(1).max(128).default('exabgp'),
});

const toolLimit = z.number().int().min(1).max(256);
/** mtr holds its probes for cycles of a second each, so fewer run at once by default. */
const perToolConcurrency = z.strictObject({
  traceroute: toolLimit.default(4),
  mtr: toolLimit.default(2),
  tcptraceroute: toolLimit.default(2),
  scamper: toolLimit.default(2),
});

const probingSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** Each run starts within ±jitterPct of its interval, so targets do not probe in lockstep. */
    jitterPct: z.number().min(0).max(50).default(10),
    concurrency: z
      .strictObject({
        /** Tool processes at once, all tools together. */
        global: positiveInt.max(1024).default(8),
        /** Per tool, within the global limit. */
        perTool: perToolConcurrency.prefault({}),
      })
      .prefault({}),
    /**
     * scamper targets: 'pool' runs them all in one long-running scamper (attach mode) at a
     * packets-per-second budget, up to maxInFlight traces at once; 'process' starts one scamper
     * per trace like the other tools. In pool mode the scamper per-tool limit becomes maxInFlight
     * and the global limit is raised by maxInFlight, so scamper traces take no process slots.
     */
    scamper: z
      .strictObject({
        mode: z.enum(['pool', 'process']).default('pool'),
        pps: positiveInt.max(10_000).default(500),
        maxInFlight: positiveInt.max(10_000).default(200),
      })
      .prefault({}),
    /**
     * Path MTU per target, on its own schedule (src/probe/pmtu): tracepath, or scamper's PMTUD
     * (`trace -M`, udp-paris; sees an MTU rise at once, where tracepath waits for the kernel's
     * cached PMTU to expire, net.ipv4.route.mtu_expires). Off by default: it sends full-size packets.
     */
    pmtu: z
      .strictObject({
        enabled: z.boolean().default(false),
        tool: z.enum(['tracepath', 'scamper']).default('tracepath'),
        intervalSec: z.number().int().min(10).max(86_400).default(600),
        timeoutSec: z.number().int().min(1).max(600).default(30),
        /** PMTU runs at once (their own limit, apart from the traceroutes'). */
        concurrency: z.number().int().min(1).max(64).default(2),
      })
      .prefault({}),
    /** Which destinations targets may have (config, API, and every DNS resolution). */
    addressPolicy: addressPolicySchema.prefault({}),
    /** Targets from the configuration (the API adds more; these cannot be changed through it). */
    targets: z.array(targetSchema).default([]),
  })
  .superRefine((p, ctx) => {
    const seen = new Set<string>();
    p.targets.forEach((t, i) => {
      // zod runs this refinement even when some targets failed: skip those (already reported).
      if (typeof t?.id !== 'string' || typeof t.host !== 'string') return;
      if (seen.has(t.id)) ctx.addIssue({ code: 'custom', path: ['targets', i, 'id'], message: `duplicate target id "${t.id}"` });
      seen.add(t.id);
      if (ipFamily(t.host) !== 0) {
        const check = checkAddressPolicy(t.host, p.addressPolicy);
        if (!check.ok) ctx.addIssue({ code: 'custom', path: ['targets', i, 'host'], message: check.message });
      }
    });
  });

/** Every judge/alert policy knob, each defaulting to the correlator's DEFAULT_POLICY. */
const policyShape = Object.fromEntries(
  Object.entries(DEFAULT_POLICY).map(([k, v]) => [k, z.number().min(0).max(Number.MAX_SAFE_INTEGER).default(v)]),
) as Record<keyof JudgePolicy, z.ZodDefault<z.ZodNumber>>;
const policySchema = z.strictObject(policyShape);
/** A per-target override: any subset of the policy, no defaults. */
const policyOverrideSchema = z.strictObject(
  Object.fromEntries(Object.keys(DEFAULT_POLICY).map((k) => [k, z.number().min(0).max(Number.MAX_SAFE_INTEGER).optional()])) as Record<
    keyof JudgePolicy,
    z.ZodOptional<z.ZodNumber>
  >,
);

const correlationSchema = z.strictObject({
  enabled: z.boolean().default(true),
  policy: policySchema.prefault({}),
  /** Target id -> policy keys to override for that target. */
  overrides: z.record(z.string(), policyOverrideSchema).default({}),
  /** BGP-triggered bursts: a route change on a prefix covering a target probes it at once, a few times. */
  burst: z
    .strictObject({
      enabled: z.boolean().default(true),
      probes: z.number().int().min(1).max(10).default(3),
      intervalSec: z.number().min(1).max(300).default(5),
      /** At most one burst per target within this time. */
      minGapSec: z.number().min(0).max(86_400).default(60),
    })
    .prefault({}),
  /** Route changes kept in memory for the correlation window. */
  routeBuffer: z
    .strictObject({
      maxEvents: positiveInt.max(10_000_000).default(500_000),
      keepMinutes: positiveInt.max(24 * 60).default(30),
    })
    .prefault({}),
  /** Your own ASNs: never blamed for data-plane or withdraw evidence; named only for a routing decision of their own (an old route still received, no longer used), as "your own network". */
  ignoreAsns: z.array(z.number().int().min(0).max(4294967295)).default([]),
  /** ASN -> name, used in sentences ("AS 1299 (Arelion)"). */
  asNames: z.record(z.string().regex(/^\d+$/, 'an AS number'), z.string().max(100)).default({}),
  /**
   * After a start, a target's first observation waits for its stored runs of the baseline age
   * (this vantage's, at most 60) to be replayed, so that a path that changed while the daemon
   * was down is judged against the path before, not learned as the normal one. A target's path
   * MTU reference is read back the same way (its measurements of the last week).
   */
  resumeBaselines: z.boolean().default(true),
});

/**
 * Several daemons on one MongoDB: which parts this one runs, the cross-instance
 * event relay (a capped-by-time `relay` collection polled by every instance,
 * no change streams) and the N-of-M vantage quorum for path-worse alerts.
 * See docs/deployment.md.
 */
const clusterSchema = z.strictObject({
  /** collector = BMP/ExaBGP feeds, pipeline, RIB; prober = traceroutes; correlator = judge and alerts; ui = API, pages, live. */
  roles: z
    .array(z.enum(['collector', 'prober', 'correlator', 'ui']))
    .min(1, 'at least one role')
    .refine((r) => new Set(r).size === r.length, { message: 'roles must be unique' })
    .default(['collector', 'prober', 'correlator', 'ui']),
  relay: z
    .strictObject({
      /** Publish this instance's observations, alerts, path changes (and rate-bounded route changes) and receive the others'. */
      enabled: z.boolean().default(false),
      /** How often the relay collection is read. */
      pollIntervalMs: z.number().int().min(50).max(60_000).default(300),
      /** Each read goes back this far before the newest event seen (late inserts, clock skew between hosts). */
      overlapMs: z.number().int().min(0).max(60_000).default(2_000),
      /** At most this many documents per read (another read follows at once when full). */
      maxPerPoll: z.number().int().min(10).max(100_000).default(2_000),
      /** Relay documents older than this are deleted (by every instance, periodically). */
      retentionMinutes: z.number().int().min(1).max(24 * 60).default(5),
      /** Route changes published per second at most (collector role); the rest are counted as dropped. 0 = none. */
      routeChangesPerSec: z.number().int().min(0).max(100_000).default(200),
    })
    .prefault({}),
  quorum: z
    .strictObject({
      /** A path_worse alert is notified only when this many vantages have one open for the same target. */
      pathWorse: z.number().int().min(1).max(64).default(1),
    })
    .prefault({}),
});

export const configSchema = z.strictObject({
  instance: instanceSchema.prefault({}),
  log: logSchema.prefault({}),
  http: httpSchema.prefault({}),
  storage: storageSchema.prefault({}),
  bmp: bmpSchema.prefault({}),
  exabgp: exabgpSchema.prefault({}),
  probing: probingSchema.prefault({}),
  correlation: correlationSchema.prefault({}),
  notify: notifySchema.prefault({}),
  cluster: clusterSchema.prefault({}),
  /** Targets chosen from BGP (churn, origin ASNs, communities) and traffic data (src/autotargets). */
  autoTargets: autoTargetsSchema.prefault({}),
  /** Top destination hosts from flow data (CSV/JSON lists, nfacctd's JSON print output; src/flows). */
  flows: flowsSchema.prefault({}),
});

export type Config = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
export type HttpConfig = Config['http'];
export type StorageConfig = Config['storage'];
export type BmpConfig = Config['bmp'];
export type ExabgpConfig = Config['exabgp'];
export type ProbingConfig = Config['probing'];
export type CorrelationConfig = Config['correlation'];
export type ClusterConfig = Config['cluster'];
