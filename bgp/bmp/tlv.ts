/**
 * BMP TLVs. Information TLVs (RFC 7854 4.4: type, length, value) are used by Initiation,
 * Termination, Peer Up, Peer Down reason 6 and Route Mirroring; BMP v4 message TLVs
 * (draft-ietf-grow-bmp-tlv 4: type, length, index, value) follow the per-peer header.
 */
import type { InfoTlv } from '../types.js';
import { DecodeError } from '../errors.js';
import type { Reader } from '../reader.js';

export interface RawTlv {
  type: number;
  index: number;
  value: Reader;
  offset: number;
}

/** Reads 4-octet-header TLVs until r is exhausted. */
export function readTlvs(r: Reader): RawTlv[] {
  return readTlvList(r, false);
}

/** Reads v4 6-octet-header TLVs (with the 2-octet index) until r is exhausted. */
export function readIndexedTlvs(r: Reader): RawTlv[] {
  return readTlvList(r, true);
}

function readTlvList(r: Reader, indexed: boolean): RawTlv[] {
  const out: RawTlv[] = [];
  while (!r.atEnd()) {
    const offset = r.offset;
    if (r.remaining < (indexed ? 6 : 4)) throw new DecodeError('BMP_BAD_TLV', offset, `${r.remaining} stray byte(s) after the TLVs`);
    const type = r.u16();
    const len = r.u16();
    const index = indexed ? r.u16() : 0;
    if (len > r.remaining) throw new DecodeError('BMP_BAD_TLV', offset, `TLV ${type} length ${len} > ${r.remaining}`);
    out.push({ type, index, value: r.sub(len), offset });
  }
  return out;
}

/** Text TLV names per message kind (IANA BMP Initiation / Peer Up / Termination TLV registries). */
export const INITIATION_TLV_NAMES: Record<number, string> = { 0: 'string', 1: 'sysDescr', 2: 'sysName', 3: 'vrTableName', 4: 'adminLabel' };
export const PEER_UP_TLV_NAMES: Record<number, string> = { 0: 'string', 3: 'vrTableName', 4: 'adminLabel' };
export const TERMINATION_TLV_NAMES: Record<number, string> = { 0: 'string' };

/**
 * TLVs as InfoTlv: known text types as UTF-8, others as "tlv-N" with hex value.
 * Returns the number of unknown TLVs so the session can count them.
 */
export function infoTlvs(tlvs: RawTlv[], names: Record<number, string>): { info: InfoTlv[]; unknown: number } {
  const info: InfoTlv[] = [];
  let unknown = 0;
  for (const t of tlvs) {
    const name = names[t.type];
    const raw = t.value.bytes(t.value.remaining);
    if (name === undefined) unknown++;
    info.push({ type: t.type, name: name ?? `tlv-${t.type}`, value: name === undefined ? raw.toString('hex') : raw.toString('utf8') });
  }
  return { info, unknown };
}
