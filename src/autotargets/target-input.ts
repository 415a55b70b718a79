/** The target an automatic choice becomes: an ordinary target with source "auto" and labels saying why. */
import type { AutoTargetsConfig } from './config.js';
import { autoTargetId } from './ids.js';

export { prefixOfAutoId } from './ids.js';

/** Target input for ProbeService.putAuto (validated there like any target). */
export function autoTargetInput(prefix: string, host: string, labels: Record<string, string>, settings: AutoTargetsConfig['target']): Record<string, unknown> {
  const id = autoTargetId(prefix);
  return {
    id,
    name: id,
    host,
    tool: settings.tool,
    ...(settings.method !== null ? { method: settings.method } : {}),
    intervalSec: settings.intervalSec,
    // The default run timeout (30 s) may not exceed the interval.
    timeoutSec: Math.min(30, settings.intervalSec),
    labels,
    source: 'auto',
  };
}
