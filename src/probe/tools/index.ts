/** Tool adapters: argument arrays and execa runners. */
export { type ProbeRequest, RequestError, validateRequest } from './request.js';
export { mtrArgs, scamperArgs, scamperBatchArgs, scamperTraceCommand, tcptracerouteArgs, toolArgs, tracepathArgs, tracerouteArgs } from './args.js';
export { DEBIAN_PACKAGE, runProbe, type ExecaLike, type RunOptions } from './run.js';
export { runScamperBatch } from './scamper-batch.js';
