/** Initiation (RFC 7854 4.3) and Termination (RFC 7854 4.5) messages: TLVs only. */
import type { InfoTlv } from '../types.js';
import type { Reader } from '../reader.js';
import { INITIATION_TLV_NAMES, infoTlvs, readTlvs, TERMINATION_TLV_NAMES } from './tlv.js';

export interface InitiationMessage {
  kind: 'initiation';
  info: InfoTlv[];
  unknownTlvs: number;
}

export interface TerminationMessage {
  kind: 'termination';
  info: InfoTlv[];
  reasonCode: number | null;
  unknownTlvs: number;
}

const TERMINATION_REASON = 1;
export const TERMINATION_REASONS: Record<number, string> = {
  0: 'administratively closed',
  1: 'unspecified reason',
  2: 'out of resources',
  3: 'redundant connection',
  4: 'permanently administratively closed',
};

export function decodeInitiation(r: Reader): InitiationMessage {
  const { info, unknown } = infoTlvs(readTlvs(r), INITIATION_TLV_NAMES);
  return { kind: 'initiation', info, unknownTlvs: unknown };
}

export function decodeTermination(r: Reader): TerminationMessage {
  let reasonCode: number | null = null;
  const others = [];
  for (const t of readTlvs(r)) {
    if (t.type === TERMINATION_REASON && t.value.remaining === 2) reasonCode = t.value.u16();
    else others.push(t);
  }
  const { info, unknown } = infoTlvs(others, TERMINATION_TLV_NAMES);
  if (reasonCode !== null) info.push({ type: TERMINATION_REASON, name: 'reason', value: TERMINATION_REASONS[reasonCode] ?? `reason-${reasonCode}` });
  return { kind: 'termination', info, reasonCode, unknownTlvs: unknown };
}
