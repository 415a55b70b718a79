import Boom from '@hapi/boom';
import type { Server } from '@hapi/hapi';
import { z } from 'zod';
import { flowSourceName, MAX_TOP_N } from '../../flows/config.js';
import { isFlowImportError, type FlowImportError } from '../../flows/errors.js';
import { collectJsonItems } from '../../flows/json-list.js';
import { parseFlows } from '../../flows/parse.js';
import { RowCollector } from '../../flows/rows.js';
import type { FlowService } from '../../flows/service.js';
import { FLOW_FORMATS, type FlowParseResult } from '../../flows/types.js';
import type { Storage } from '../../storage/repositories.js';
import { failAction, zod } from '../validate.js';

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const talkerInput = z.strictObject({
  address: z.string().max(100),
  bytes: count,
  packets: count,
  flows: count.optional(),
});

/** The body of POST /api/flows: talkers as JSON, or a CSV/JSON/nfacctd file's text in `data`. */
function postBody(maxRows: number, maxBytes: number) {
  return z
    .strictObject({
      /** Stored as "api" or "api:<source>": API snapshots never replace a watched file's. */
      source: flowSourceName.optional(),
      /** When the traffic was measured; default: now. */
      time: z.iso.datetime({ offset: true }).optional(),
      talkers: z.array(talkerInput).max(maxRows).optional(),
      format: z.enum([...FLOW_FORMATS, 'auto']).optional(),
      data: z.string().max(maxBytes).optional(),
      topN: z.number().int().min(1).max(MAX_TOP_N).optional(),
    })
    .refine((b) => (b.talkers === undefined) !== (b.data === undefined), { message: 'give either talkers or data (with format)', path: ['talkers'] })
    .refine((b) => b.format === undefined || b.data !== undefined, { message: 'format goes with data', path: ['format'] });
}
type PostBody = z.output<ReturnType<typeof postBody>>;

const listQuery = z.strictObject({
  source: z.string().max(300).optional(),
  limit: z.coerce.number().int().min(0).max(MAX_TOP_N).default(100),
});

function importFailure(err: FlowImportError): never {
  const boom = err.code === 'TOO_LARGE' ? Boom.entityTooLarge(err.message) : Boom.badRequest(err.message);
  (boom.output.payload as unknown as Record<string, unknown>).code = err.code;
  throw boom;
}

/** /api/flows: import a snapshot of top destination hosts (token needed), and the latest per source. */
export function registerFlowRoutes(server: Server, deps: { flows: FlowService; storage: Storage }): void {
  const { flows, storage } = deps;
  const limits = flows.limits;
  const body = postBody(limits.maxRows, limits.maxBytes);

  const parse = (b: PostBody): FlowParseResult => {
    const lim = { ...limits, topN: b.topN ?? limits.topN };
    if (b.data !== undefined) return parseFlows(b.data, b.format ?? 'auto', lim);
    // Typed talkers: the shape is checked by the schema; each address like a file's row (bad ones skipped, counted).
    const out = new RowCollector('json', lim);
    collectJsonItems(b.talkers!, out);
    return out.result();
  };

  server.route([
    {
      method: 'POST',
      path: '/api/flows',
      options: {
        description: 'Import top destination hosts (a snapshot replacing the source\'s last one); publishes flow.talkers',
        notes: 'Either talkers [{address, bytes, packets, flows?}] or data (the text of a CSV list, JSON list or nfacctd JSON print file) with format. Bad rows are skipped and listed.',
        tags: ['api', 'flows'],
        // A data string of maxBytes grows when JSON-escaped (newlines, quotes).
        payload: { allow: 'application/json', maxBytes: limits.maxBytes * 2 + 64 * 1024 },
        validate: { payload: zod(body), failAction },
        plugins: { openapi: { body: () => postBody(limits.maxRows, limits.maxBytes) } },
      },
      handler: async (req, h) => {
        const b = req.payload as PostBody;
        let result: FlowParseResult;
        try {
          result = parse(b);
        } catch (err) {
          if (isFlowImportError(err)) importFailure(err);
          throw err;
        }
        // An explicit empty list clears the source; a list with no valid talker is refused.
        if (result.accepted === 0 && result.rows > 0) badRows(result);
        const source = b.source ? `api:${b.source}` : 'api';
        const outcome = await flows.importer.publish(source, result, b.time ? new Date(b.time) : undefined);
        return h
          .response({
            source,
            time: outcome.snapshot.time,
            talkers: result.talkers.length,
            hosts: result.hosts,
            rows: result.rows,
            skipped: result.skipped,
            droppedHosts: result.droppedHosts,
            truncated: result.truncated,
            problems: result.problems,
            stored: outcome.stored,
            top: result.talkers.slice(0, 10),
          })
          .code(201);
      },
    },
    {
      method: 'GET',
      path: '/api/flows',
      options: {
        description: 'The latest top-talker snapshot of each traffic source (limit = talkers per snapshot)',
        tags: ['api', 'flows'],
        validate: { query: zod(listQuery), failAction },
      },
      handler: async (req) => {
        const q = req.query as z.infer<typeof listQuery>;
        const all = q.source ? [await storage.flowSnapshots.get(q.source)].filter((s) => s !== null) : await storage.flowSnapshots.latest();
        return { snapshots: all.map((s) => ({ source: s.source, time: s.time, talkerCount: s.talkers.length, talkers: s.talkers.slice(0, q.limit) })) };
      },
    },
  ]);
}

function badRows(result: FlowParseResult): never {
  const boom = Boom.badRequest(`none of the ${result.rows} talkers is valid`);
  Object.assign(boom.output.payload as unknown as Record<string, unknown>, { code: 'NO_VALID_ROWS', problems: result.problems });
  throw boom;
}
