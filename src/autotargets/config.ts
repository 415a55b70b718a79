/**
 * The `autoTargets` section of the configuration (zod 4): which prefixes become automatic
 * targets (churn, origin ASNs, communities, traffic), how a responsive address is found in
 * each, the bounds, and the settings of the targets created. The main schema embeds it as
 * `autoTargets: autoTargetsSchema.prefault({})`; disabled by default.
 */
import { z } from 'zod';
import { ipFamily, METHODS_BY_TOOL, TARGET_TOOLS } from '../probe/target.js';
import { parsePrefix } from '../rib/index.js';
import { contains } from './addresses.js';
import { communityProblem } from './community.js';

const int = (lo: number, hi: number) => z.number().int().min(lo).max(hi);

const prefixText = z.string().refine((s) => parsePrefix(s) !== null, { message: 'must be a prefix such as 203.0.113.0/24 or 2001:db8::/32' });
const addressText = z.string().refine((s) => ipFamily(s) !== 0, { message: 'must be an IP address' });

export const autoTargetsSchema = z
  .strictObject({
    enabled: z.boolean().default(false),
    /** Full re-ranking this often. */
    refreshIntervalSec: int(10, 86_400).default(300),
    /** At most one refresh per this many seconds, whatever asks for it (withdraws, the API). */
    minRefreshGapSec: int(1, 3_600).default(10),
    /** Automatic targets at most (pinned ones count, and are kept even beyond it). */
    maxTargets: int(0, 10_000).default(20),
    /** Automatic targets per origin AS at most. */
    perOriginAsMax: int(1, 10_000).default(3),
    churn: z
      .strictObject({
        enabled: z.boolean().default(true),
        /** Route changes counted over this sliding window: replaces and withdraws (any peer); new routes and session flushes do not count. */
        windowMinutes: int(1, 7 * 24 * 60).default(60),
        /** A prefix needs at least this many changes in the window to be chosen for churn. */
        minChanges: int(1, 1_000_000).default(3),
        /** Prefixes whose changes are counted at most; the least recently changed are forgotten first. */
        maxTrackedPrefixes: int(100, 10_000_000).default(100_000),
      })
      .prefault({}),
    /** Prefixes originated by these ASNs (the last AS of the path) are candidates. */
    originAsns: z.array(int(0, 4_294_967_295)).max(1000).default([]),
    /** Prefixes tagged with these communities are candidates: "65000:100" (RFC 1997), "65000:1:2" (large, RFC 8092); "*" matches any part. */
    communities: z
      .array(
        z.string().superRefine((s, ctx) => {
          const p = communityProblem(s);
          if (p) ctx.addIssue({ code: 'custom', message: p });
        }),
      )
      .max(1000)
      .default([]),
    traffic: z
      .strictObject({
        /** Prefixes covering the top destination hosts of flow data (bus event flow.talkers) are candidates. */
        enabled: z.boolean().default(true),
        /** A traffic snapshot older than this is ignored. */
        maxAgeMinutes: int(1, 7 * 24 * 60).default(60),
      })
      .prefault({}),
    hints: z
      .strictObject({
        /** Addresses to try first, per prefix: { "203.0.113.0/24": [203.0.113.10] }. */
        prefixes: z.record(prefixText, z.array(addressText).max(32)).default({}),
        /** Host offsets tried in every prefix after those: 1 = the first address (.1), -2 = the one before the last (.254 of a /24). */
        hostOffsets: z.array(int(-65_536, 65_536)).max(32).default([1, 2, -2]),
      })
      .prefault({}),
    reachability: z
      .strictObject({
        /** ping = one ICMP echo per candidate address (iputils ping); none = take the first candidate unchecked. */
        method: z.enum(['ping', 'none']).default('ping'),
        /** How long one echo waits for its reply. */
        timeoutMs: int(100, 10_000).default(1_000),
        /** Candidate addresses tried per prefix at most (hints, talkers, host offsets, in that order). */
        candidatesPerPrefix: int(1, 64).default(3),
        /** Echo requests per refresh at most, all prefixes together; the rest wait for the next refresh. */
        maxProbesPerRefresh: int(1, 10_000).default(32),
        /** Prefixes checked at the same time (in rank order; a refresh waits for the slowest of each few, not for each in turn). */
        concurrency: int(1, 64).default(8),
        /** A prefix where no candidate answered is tried again after this long. */
        retryAfterMinutes: int(1, 7 * 24 * 60).default(60),
      })
      .prefault({}),
    /** Settings of the targets created. */
    target: z
      .strictObject({
        tool: z.enum(TARGET_TOOLS).default('scamper'),
        /** null = the tool's default method. */
        method: z.enum(['udp', 'icmp', 'tcp', 'icmp-paris', 'udp-paris']).nullable().default(null),
        intervalSec: int(10, 86_400).default(300),
      })
      .prefault({}),
  })
  .superRefine((c, ctx) => {
    for (const [prefix, addresses] of Object.entries(c.hints.prefixes)) {
      addresses.forEach((a, i) => {
        if (!contains(prefix, a)) ctx.addIssue({ code: 'custom', path: ['hints', 'prefixes', prefix, i], message: `${a} is not inside ${prefix}` });
      });
    }
    const { tool, method } = c.target;
    if (method !== null && !(METHODS_BY_TOOL[tool] as readonly string[]).includes(method)) {
      ctx.addIssue({ code: 'custom', path: ['target', 'method'], message: `${tool} supports ${METHODS_BY_TOOL[tool].join(', ')}, not ${method}` });
    }
  });

export type AutoTargetsConfig = z.output<typeof autoTargetsSchema>;
