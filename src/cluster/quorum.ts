/**
 * N of M vantages (pure). A path_worse alert means "this vantage's path got
 * worse"; with a quorum of N, people hear about it only once N vantages have
 * a path_worse alert open for the same target, and then only once: the
 * agreeing vantage with the smallest name notifies for the group (every
 * instance can tell which one that is from the same view, without talking).
 */

/** targetId -> vantage -> id of that vantage's open path_worse alert. */
export type QuorumView = Map<string, Map<string, string>>;

export interface AlertFact {
  targetId: string;
  vantage: string;
  id: string;
  /** open | updated | resolved */
  state: string;
}

/** The view after one alert (opened, updated or resolved): returns whether the set of agreeing vantages changed. */
export function applyAlert(view: QuorumView, a: AlertFact): boolean {
  const open = a.state !== 'resolved';
  const byVantage = view.get(a.targetId);
  if (!open) {
    if (byVantage?.get(a.vantage) !== a.id) return false;
    byVantage.delete(a.vantage);
    if (byVantage.size === 0) view.delete(a.targetId);
    return true;
  }
  if (byVantage?.has(a.vantage)) {
    byVantage.set(a.vantage, a.id);
    return false;
  }
  view.set(a.targetId, (byVantage ?? new Map<string, string>()).set(a.vantage, a.id));
  return true;
}

/** Vantages with a path_worse alert open for the target, sorted. */
export function agreeingVantages(view: QuorumView, targetId: string): string[] {
  return [...(view.get(targetId)?.keys() ?? [])].sort();
}

export type QuorumDecision =
  /** Fewer than N vantages agree: hold the notification. */
  | 'wait'
  /** N or more agree and this vantage speaks for them (or N is 1). */
  | 'notify'
  /** N or more agree and another vantage speaks for them. */
  | 'covered';

export function decide(agreeing: readonly string[], self: string, quorum: number): QuorumDecision {
  if (quorum <= 1) return 'notify';
  if (agreeing.length < quorum) return 'wait';
  const speaker = [...agreeing].sort()[0];
  return speaker === self ? 'notify' : 'covered';
}
