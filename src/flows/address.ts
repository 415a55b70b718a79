import { ipFamily } from '../probe/target.js';
import { formatIpv6Hex, parseIpv6Hex } from '../rib/prefix.js';

export type AddressCheck = { ok: true; address: string } | { ok: false; message: string };

/**
 * A talker address: an IPv4 or IPv6 literal (validated with ip-num, like every target
 * address), in canonical text so one host is one key (IPv6 per RFC 5952: lowercase,
 * longest zero run compressed). The unspecified addresses are refused: no host is there.
 */
export function checkTalkerAddress(raw: string): AddressCheck {
  const s = raw.trim();
  if (s === '') return { ok: false, message: 'no address' };
  const shown = s.length > 60 ? `${s.slice(0, 60)}...` : s;
  const family = ipFamily(s);
  if (family === 0) return { ok: false, message: `"${shown}" is not an IPv4 or IPv6 address` };
  const address = family === 4 ? s : formatIpv6Hex(parseIpv6Hex(s.toLowerCase())!);
  if (address === '0.0.0.0' || address === '::') return { ok: false, message: `${address} is the unspecified address` };
  return { ok: true, address };
}
