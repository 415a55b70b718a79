/**
 * Seeded ExaBGP 4.x JSON API lines for the benches (bench/exabgp-parse.ts, bench/exabgp-e2e.ts):
 * the line head, one neighbor, and attribute sets with a realistic mix (2-8 hop AS paths, up to
 * three communities, a MED, now and then two 64-bit extended communities, which take the
 * parser's exact-value path).
 */

/** A random integer in [0, n) from a seeded generator (bench/lib/gen-table.ts prng). */
export type RandomInt = (n: number) => number;

/** `{ "exabgp": "4.0.1", "time": ..., "counter": N, "type": "TYPE", ` (the neighbor follows). */
export function exabgpHead(counter: number, type: string, time = 1700000000 + counter / 10): string {
  return `{ "exabgp": "4.0.1", "time": ${time}, "host" : "rs1", "pid" : 4242, "ppid" : 1, "counter": ${counter}, "type": "${type}", `;
}

/** The neighbor object of every line (the message or state follows it). */
export const EXABGP_NEIGHBOR = `"neighbor": { "address": { "local": "192.0.2.2", "peer": "192.0.2.1" }, "asn": { "local": 65000, "peer": 64500 } , "direction": "receive"`;

/** An `"attribute": { ... }` member, drawn from `int`. */
export function exabgpAttributes(int: RandomInt): string {
  const path = Array.from({ length: 2 + int(7) }, () => 1000 + int(400000)).join(', ');
  const comms = Array.from({ length: int(4) }, () => `[ 64500, ${int(65535)} ]`).join(', ');
  const ext = int(20) === 0 ? `, "extended-community": [ { "value": ${9225060886715039744n + BigInt(int(1000))}, "string": "rate-limit:0" }, 18446744073709551615 ]` : '';
  return `"attribute": { "origin": "igp", "as-path": [ ${path} ], "confederation-path": [], "med": ${int(1000)}, "community": [ ${comms} ]${ext} }`;
}
