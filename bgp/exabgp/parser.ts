/**
 * ExaBGP JSON API (process `encoder json`) -> RouteEvents, one line at a time.
 *
 * Pure: no I/O, no logging. State kept between lines is per BGP session only
 * (the OPENs seen and the last NOTIFICATION), so that the peer_up of a session carries its
 * capabilities (4-octet ASN, ADD-PATH) and its peer_down the NOTIFICATION that ended it.
 *
 * Message types (ExaBGP 4.x "4.0.1" and 5.x/6.x shapes):
 * - update: announce per family and next hop, withdraw, eor -> announce/withdraw/eor events.
 * - state: "up" -> peer_up; "down" -> peer_down (reasonCode 0, ExaBGP's reason text, the
 *   NOTIFICATION code/subcode parsed from it); "connected" (TCP only, no BGP session yet)
 *   is counted and yields no event: a session exists only once it is "up".
 * - notification: remembered for the session's coming "down" (ExaBGP prints "down" right
 *   after); the `{"notification": "shutdown"}` form (ExaBGP stopping, no neighbor) yields a
 *   peer_down for every session still up, none if each already went down.
 * - open: recorded for the session (see session()); keepalive: counted only.
 * - anything else (signal, operational, refresh...): counted and skipped.
 * A line that is not JSON or not of a known shape yields one `error` event (offset = line
 * number); the parser goes on with the next line.
 */

import type {
  BgpOpenInfo,
  ErrorEvent,
  PeerDownEvent,
  PeerRef,
  PeerUpEvent,
  RouteEvent,
  AnnounceEvent,
} from '../types.js';
import { announceEvent } from '../events.js';
import { readAttributes, type AttributesWithoutNextHop } from './attributes.js';
import { newCounters, type ExabgpCounters } from './counters.js';
import { EXABGP_ERROR_CODES, ExabgpShapeError, type ExabgpErrorCode } from './errors.js';
import { exactValueOfKey, holdsInexactNumbers, parseJson, quoteLongIntegers, sameButExact } from './json.js';
import { checkPrefix, forEachNlri, isLinkLocal, readFamily, readNlri, readPathId, type Family } from './nlri.js';
import { LineTemplates, type LineTemplate, type TemplateSlots } from './line-template.js';
import { openAt, readOpen } from './open.js';
import { isObject, objectAt, optionalUint, shapeError, stringAt, type JsonObject } from './shape.js';

export interface ExabgpSession {
  receivedOpen: BgpOpenInfo | null;
  sentOpen: BgpOpenInfo | null;
  up: boolean;
  lastNotification: { code: number; subcode: number; data?: string } | null;
  /** Latest PeerRef seen for this session (used by the shutdown form, which names no neighbor). */
  peer: PeerRef;
  localAddress: string | null;
}

interface LineContext {
  time: string;
  lineNo: number;
}

/** The announces of one family of one update, as they are read (see announceOne). */
interface AnnounceGroup {
  /** Index in `out` of the family's first announce. */
  first: number;
  /** (prefix, path id) -> announce, once the family holds more than 32 (else a linear scan). */
  seen: Map<string, AnnounceEvent> | null;
  family: Family;
  nextHop: string | null;
  attrs: AttributesWithoutNextHop;
  peer: PeerRef;
  time: string;
}

const SUPPORTED_MAJOR_VERSIONS = new Set(['3', '4', '5', '6']);
const DOWN_NOTIFICATION = /notification (?:received|sent) \((\d+),(\d+)\)/;

export class ExabgpParser {
  readonly counters: ExabgpCounters = newCounters();
  private readonly sessions = new Map<string, ExabgpSession>();
  private readonly peerCache = new Map<string, PeerRef>();
  /** The last neighbor's identity and PeerRef (consecutive lines are mostly from one peer). */
  private last: { address: string; asn: number; bgpId: string; adjRibOut: boolean; peer: PeerRef } | null = null;

  /** The last "exabgp" version string found supported. */
  private lastVersion = '';

  /** The fixed text around time, counter and message of each session's updates (see line-template.ts). */
  private readonly templates = new LineTemplates();

  /** Lines read through a template (only their message parsed); for benchmarks and tests. */
  templatedLines = 0;

  /** `lineTemplates: false` parses every line whole (the reference the template path is tested against). */
  constructor(
    readonly router: string,
    private readonly options: { lineTemplates?: boolean } = {},
  ) {}

  /** The OPENs and state recorded for a peer address, if any. */
  session(peerAddress: string): Readonly<ExabgpSession> | undefined {
    return this.sessions.get(peerAddress);
  }

  parseLine(line: string, lineNo: number, arrival: Date): RouteEvent[] {
    this.counters.lines++;
    if (line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === '')) {
      this.counters.empty++;
      return [];
    }
    const templated = this.templates.size === 0 ? null : this.templates.match(line);
    if (templated !== null) {
      const events = this.templatedUpdate(templated.template, templated.slots, lineNo, arrival);
      if (events !== null) {
        this.templatedLines++;
        return events;
      }
    }
    let msg: unknown;
    try {
      msg = parseJson(line);
      // 64-bit values (extended communities, AIGP) must stay exact: parse those values again quoted.
      if (mayBeInexact(updateAttributes(msg))) msg = exactAgain(msg as JsonObject, line);
    } catch (e) {
      return [this.error('EXABGP_BAD_JSON', lineNo, arrival.toISOString(), (e as Error).message)];
    }
    try {
      return this.dispatch(objectAt(msg, 'message'), lineNo, arrival, templated === null ? line : null);
    } catch (e) {
      return [this.caught(e, lineNo, arrival)];
    }
  }

  /**
   * A line cut like an earlier update of its session: only its message is parsed, and the rest
   * is what dispatch and update do with the whole line's parse. Null when the ordinary path
   * must read the line (a message that is not JSON as it stands, 64-bit values the message
   * alone cannot make exact, a version not checked yet).
   */
  private templatedUpdate(t: LineTemplate, slots: TemplateSlots, lineNo: number, arrival: Date): RouteEvent[] | null {
    if (t.sample['exabgp'] !== this.lastVersion || t.sample['type'] !== 'update') return null;
    let message: unknown;
    try {
      message = JSON.parse(slots.messageText);
    } catch {
      return null;
    }
    const attr = messageAttributes(message);
    if (mayBeInexact(attr) && (t.mentionsExactKeys || !exactAttributes(attr!, slots.messageText))) return null;
    const ctx: LineContext = { time: messageTime(slots.time, arrival), lineNo };
    this.counters.update++;
    try {
      const neighbor = t.sample['neighbor'] as JsonObject;
      return this.updateMessage(objectAt(message, 'neighbor.message'), this.peerOf(neighbor), ctx);
    } catch (e) {
      return [this.caught(e, lineNo, arrival)];
    }
  }

  private caught(e: unknown, lineNo: number, arrival: Date): ErrorEvent {
    const time = safeIso(arrival);
    if (e instanceof ExabgpShapeError) return this.error(e.code, lineNo, time, e.message);
    return this.error('EXABGP_INTERNAL', lineNo, time, e instanceof Error ? e.message : String(e));
  }

  /** `line`: the line's text when its template may be learned (an update, fitting none yet). */
  private dispatch(msg: JsonObject, lineNo: number, arrival: Date, line: string | null): RouteEvent[] {
    const version = msg['exabgp'];
    if (version !== this.lastVersion) {
      if (typeof version !== 'string' || !SUPPORTED_MAJOR_VERSIONS.has(version.slice(0, version.indexOf('.')))) {
        throw new ExabgpShapeError('EXABGP_BAD_VERSION', `unsupported "exabgp" version ${JSON.stringify(version)}`);
      }
      this.lastVersion = version; // a feed's lines all carry one version: checked once
    }
    const type = stringAt(msg['type'], 'type');
    const ctx: LineContext = { time: messageTime(msg['time'], arrival), lineNo };
    switch (type) {
      case 'update':
        this.counters.update++;
        if (line !== null && this.options.lineTemplates !== false) this.templates.learn(line, msg);
        return this.update(msg, ctx);
      case 'state':
        this.counters.state++;
        return this.state(msg, ctx);
      case 'open':
        this.counters.open++;
        this.open(msg);
        return [];
      case 'keepalive':
        this.counters.keepalive++;
        return [];
      case 'notification':
        this.counters.notification++;
        return this.notification(msg, ctx);
      default:
        this.counters.other++;
        this.counters.otherTypes[type] = (this.counters.otherTypes[type] ?? 0) + 1;
        return [];
    }
  }

  // ---------------------------------------------------------------- update

  private update(msg: JsonObject, ctx: LineContext): RouteEvent[] {
    const neighbor = objectAt(msg['neighbor'], 'neighbor');
    const peer = this.peerOf(neighbor);
    return this.updateMessage(objectAt(neighbor['message'], 'neighbor.message'), peer, ctx);
  }

  private updateMessage(message: JsonObject, peer: PeerRef, ctx: LineContext): RouteEvent[] {
    const out: RouteEvent[] = [];
    if (message['eor'] !== undefined) {
      const eor = objectAt(message['eor'], 'neighbor.message.eor');
      const family = readFamily(`${stringAt(eor['afi'], 'eor.afi')} ${stringAt(eor['safi'], 'eor.safi')}`);
      this.counters.eors++;
      out.push({ type: 'eor', source: 'exabgp', time: ctx.time, router: this.router, peer, afi: family.afi, safi: family.safi });
    }
    if (message['update'] !== undefined) {
      const update = objectAt(message['update'], 'neighbor.message.update');
      const withdraw = update['withdraw'];
      if (withdraw !== undefined) this.withdraws(objectAt(withdraw, 'update.withdraw'), peer, ctx, out);
      if (update['announce'] !== undefined) {
        const attrs = readAttributes(update['attribute'] === undefined ? {} : objectAt(update['attribute'], 'update.attribute'));
        this.announces(objectAt(update['announce'], 'update.announce'), attrs, peer, ctx, out);
      }
    }
    return out;
  }

  private withdraws(withdraw: JsonObject, peer: PeerRef, ctx: LineContext, out: RouteEvent[]): void {
    for (const familyName in withdraw) {
      const family = readFamily(familyName);
      const list = withdraw[familyName];
      if (!Array.isArray(list)) {
        this.counters.skippedNlri += forEachNlri(list, family, `withdraw.${familyName}`, (prefix, pathId) =>
          this.withdrawOne(peer, family, prefix, pathId, ctx, out),
        );
        continue;
      }
      // The common 4.x/5.x list, read in place: no callback, no intermediate objects.
      for (let k = 0; k < list.length; k++) {
        const entry: unknown = list[k];
        const nlri = plainNlri(entry);
        if (nlri !== null) {
          checkPrefix(family.afi, nlri);
          this.withdrawOne(peer, family, nlri, readPathId((entry as JsonObject)['path-information']), ctx, out);
          continue;
        }
        const item = readNlri(entry, family);
        if (item === null) this.counters.skippedNlri++;
        else this.withdrawOne(peer, family, item.prefix, item.pathId, ctx, out);
      }
    }
  }

  private withdrawOne(peer: PeerRef, family: Family, prefix: string, pathId: number | null, ctx: LineContext, out: RouteEvent[]): void {
    this.counters.withdraws++;
    out.push({
      type: 'withdraw',
      source: 'exabgp',
      time: ctx.time,
      router: this.router,
      peer,
      afi: family.afi,
      safi: family.safi,
      prefix,
      pathId,
      cause: 'bgp',
    });
  }

  private announces(
    announce: JsonObject,
    attrs: AttributesWithoutNextHop,
    peer: PeerRef,
    ctx: LineContext,
    out: RouteEvent[],
  ): void {
    for (const familyName in announce) {
      const family = readFamily(familyName);
      const groups = announce[familyName];
      if (!isObject(groups)) throw shapeError(`announce.${familyName}`, 'an object');
      // ExaBGP lists an IPv6 route once per next hop (global, then link-local), and sometimes
      // repeats an NLRI: one announce per (prefix, path id) per family, global next hop preferred.
      const group: AnnounceGroup = { first: out.length, seen: null, family, nextHop: null, attrs, peer, time: ctx.time };
      for (const nextHopKey in groups) {
        group.nextHop = nextHopKey === 'no-nexthop' || nextHopKey === 'null' ? null : nextHopKey;
        const list = groups[nextHopKey];
        if (!Array.isArray(list)) {
          this.counters.skippedNlri += forEachNlri(list, family, `announce.${familyName}`, (prefix, pathId) =>
            this.announceOne(group, prefix, pathId, out, true),
          );
          continue;
        }
        // The common 4.x/5.x list, read in place: no callback, no intermediate objects.
        for (let k = 0; k < list.length; k++) {
          const entry: unknown = list[k];
          const nlri = plainNlri(entry);
          if (nlri !== null) {
            // Checked in announceOne unless it repeats a prefix already checked (IPv6 routes
            // are listed under two next hops).
            this.announceOne(group, nlri, readPathId((entry as JsonObject)['path-information']), out, false);
            continue;
          }
          const item = readNlri(entry, family);
          if (item === null) this.counters.skippedNlri++;
          else this.announceOne(group, item.prefix, item.pathId, out, true);
        }
      }
    }
  }

  /** `checked`: the prefix text was checked already (else it is checked here unless a repeat). */
  private announceOne(g: AnnounceGroup, prefix: string, pathId: number | null, out: RouteEvent[], checked: boolean): void {
    // Few prefixes: a linear scan, no key strings; many: a map (built once past 32).
    if (g.seen === null && out.length - g.first > 32) g.seen = announcesByKey(out, g.first);
    const key = g.seen === null ? '' : pathId === null ? prefix : `${prefix}#${pathId}`;
    const earlier = g.seen === null ? findAnnounce(out, g.first, prefix, pathId) : (g.seen.get(key) ?? null);
    if (earlier !== null) {
      this.counters.duplicateNlri++;
      if (isLinkLocal(earlier.nextHop) && !isLinkLocal(g.nextHop)) earlier.nextHop = g.nextHop;
      return;
    }
    if (!checked) checkPrefix(g.family.afi, prefix);
    this.counters.announces++;
    const f = g.family;
    const event = announceEvent('exabgp', this.router, g.time, g.peer, f.afi, f.safi, prefix, pathId, g.nextHop, null, g.attrs);
    out.push(event);
    g.seen?.set(key, event);
  }

  // ---------------------------------------------------------------- sessions

  private state(msg: JsonObject, ctx: LineContext): RouteEvent[] {
    const neighbor = objectAt(msg['neighbor'], 'neighbor');
    const state = stringAt(neighbor['state'], 'neighbor.state');
    if (state === 'connected') {
      this.counters.connected++;
      return [];
    }
    if (state === 'up') {
      this.counters.up++;
      const session = this.sessionOf(neighbor);
      session.up = true;
      const event: PeerUpEvent = {
        type: 'peer_up',
        source: 'exabgp',
        time: ctx.time,
        router: this.router,
        peer: session.peer,
        localAddress: session.localAddress,
        localPort: null,
        remotePort: null,
        sentOpen: session.sentOpen,
        receivedOpen: session.receivedOpen,
      };
      return [event];
    }
    if (state === 'down') {
      this.counters.down++;
      const reason = typeof neighbor['reason'] === 'string' ? neighbor['reason'] : '';
      const session = this.sessionOf(neighbor);
      const event = this.peerDown(session, ctx, reason, notificationOf(reason, session.lastNotification));
      this.sessions.delete(session.peer.address);
      return [event];
    }
    this.counters.otherTypes[`state:${state}`] = (this.counters.otherTypes[`state:${state}`] ?? 0) + 1;
    return [];
  }

  private peerDown(
    session: ExabgpSession,
    ctx: LineContext,
    reason: string,
    notification: PeerDownEvent['notification'],
  ): PeerDownEvent {
    return {
      type: 'peer_down',
      source: 'exabgp',
      time: ctx.time,
      router: this.router,
      peer: session.peer,
      reasonCode: 0,
      reason,
      notification,
    };
  }

  private open(msg: JsonObject): void {
    const neighbor = objectAt(msg['neighbor'], 'neighbor');
    const info = readOpen(openAt(neighbor['open']));
    const session = this.sessionOf(neighbor);
    if (isSent(neighbor['direction'])) session.sentOpen = info;
    else session.receivedOpen = info;
  }

  private notification(msg: JsonObject, ctx: LineContext): RouteEvent[] {
    if (msg['notification'] === 'shutdown') {
      const events: RouteEvent[] = [];
      for (const session of this.sessions.values()) {
        if (session.up) events.push(this.peerDown(session, ctx, 'exabgp shutdown', session.lastNotification));
      }
      this.sessions.clear();
      return events;
    }
    const neighbor = objectAt(msg['neighbor'], 'neighbor');
    const n = objectAt(neighbor['notification'], 'neighbor.notification');
    const code = optionalUint(n['code'], 'notification.code') ?? 0;
    const subcode = optionalUint(n['subcode'], 'notification.subcode') ?? 0;
    const data = typeof n['data'] === 'string' ? n['data'] : undefined;
    this.sessionOf(neighbor).lastNotification = data === undefined ? { code, subcode } : { code, subcode, data };
    return [];
  }

  private sessionOf(neighbor: JsonObject): ExabgpSession {
    const peer = this.peerOf(neighbor);
    let session = this.sessions.get(peer.address);
    if (session === undefined) {
      const address = isObject(neighbor['address']) ? neighbor['address'] : {};
      const local = typeof address['local'] === 'string' ? address['local'] : null;
      session = { receivedOpen: null, sentOpen: null, up: false, lastNotification: null, peer, localAddress: local };
      this.sessions.set(peer.address, session);
    } else {
      session.peer = peer;
    }
    return session;
  }

  /** neighbor.address.peer / asn.peer / router-id -> a shared, frozen PeerRef. */
  private peerOf(neighbor: JsonObject): PeerRef {
    const address = stringAt(objectAt(neighbor['address'], 'neighbor.address')['peer'], 'neighbor.address.peer');
    const asnObj = neighbor['asn'];
    const asn = isObject(asnObj) ? (optionalUint(asnObj['peer'], 'neighbor.asn.peer') ?? 0) : 0;
    const rid = neighbor['router-id'];
    const bgpId = typeof rid === 'string' ? rid : '0.0.0.0';
    const adjRibOut = isSent(neighbor['direction']);
    const last = this.last;
    if (last !== null && last.address === address && last.asn === asn && last.bgpId === bgpId && last.adjRibOut === adjRibOut) return last.peer;
    const key = `${address}|${asn}|${bgpId}|${adjRibOut ? 1 : 0}`;
    let peer = this.peerCache.get(key);
    if (peer === undefined) {
      peer = Object.freeze({ address, asn, bgpId, type: 'global', distinguisher: '0:0', postPolicy: false, adjRibOut });
      if (this.peerCache.size > 10_000) this.peerCache.clear();
      this.peerCache.set(key, peer);
    }
    this.last = { address, asn, bgpId, adjRibOut, peer };
    return peer;
  }

  private error(code: ExabgpErrorCode, lineNo: number, time: string, message: string): ErrorEvent {
    this.counters.errors++;
    return {
      type: 'error',
      source: 'exabgp',
      time,
      router: this.router,
      code,
      offset: lineNo,
      message,
      severity: EXABGP_ERROR_CODES[code].severity,
    };
  }
}

/** The "nlri" text of the common entry { "nlri": "<prefix>", "path-information"?: ... } (no "rd"), else null. */
function plainNlri(entry: unknown): string | null {
  if (!isObject(entry)) return null;
  const nlri = entry['nlri'];
  return typeof nlri === 'string' && entry['rd'] === undefined ? nlri : null;
}

/**
 * The announce of (prefix, pathId) among out[from...], if any. A linear scan: an update
 * holds few prefixes per family, and no key string or map is built per prefix.
 */
function findAnnounce(out: RouteEvent[], from: number, prefix: string, pathId: number | null): AnnounceEvent | null {
  for (let i = from; i < out.length; i++) {
    const e = out[i] as AnnounceEvent;
    if (e.prefix === prefix && e.pathId === pathId) return e;
  }
  return null;
}

function announcesByKey(out: RouteEvent[], from: number): Map<string, AnnounceEvent> {
  const m = new Map<string, AnnounceEvent>();
  for (let i = from; i < out.length; i++) {
    const e = out[i] as AnnounceEvent;
    m.set(e.pathId === null ? e.prefix : `${e.prefix}#${e.pathId}`, e);
  }
  return m;
}

/** An update's attribute object, if the line's parse has one. */
function updateAttributes(msg: unknown): JsonObject | null {
  if (!isObject(msg)) return null;
  const neighbor = msg['neighbor'];
  return messageAttributes(isObject(neighbor) ? neighbor['message'] : undefined);
}

/** The attribute object of a neighbor's "message", if it has one. */
function messageAttributes(message: unknown): JsonObject | null {
  const update = isObject(message) ? message['update'] : undefined;
  const attr = isObject(update) ? update['attribute'] : undefined;
  return isObject(attr) ? attr : null;
}

const EXACT_KEYS = ['extended-community', 'aigp'] as const;

/** Does an update's extended-community or aigp attribute hold an integer beyond 2^53 (rounded by JSON.parse)? */
function mayBeInexact(attr: JsonObject | null): boolean {
  if (attr === null) return false;
  return holdsInexactNumbers(attr['extended-community']) || holdsInexactNumbers(attr['aigp']);
}

/**
 * Replaces the rounded 64-bit values of `attr` with exact ones read again from `text` (the
 * attribute's own text, see exactValueOfKey); false when that text cannot be singled out.
 */
function exactAttributes(attr: JsonObject, text: string): boolean {
  for (const key of EXACT_KEYS) {
    const rounded = attr[key];
    if (!holdsInexactNumbers(rounded)) continue;
    const exact = exactValueOfKey(text, key);
    if (exact === undefined || !sameButExact(exact, rounded)) return false;
    attr[key] = exact;
  }
  return true;
}

/**
 * The message with its rounded 64-bit attribute values replaced by exact ones: the attribute's
 * own text parsed again with long integers quoted, or, when that text cannot be singled out
 * unambiguously, the whole line parsed again that way.
 */
function exactAgain(msg: JsonObject, line: string): unknown {
  return exactAttributes(updateAttributes(msg)!, line) ? msg : parseJson(quoteLongIntegers(line));
}

/** ExaBGP "direction": "send"/"out" is what ExaBGP advertised to the peer (Adj-RIB-Out). */
function isSent(direction: unknown): boolean {
  return direction === 'send' || direction === 'out';
}

function safeIso(d: Date): string {
  return Number.isFinite(d.getTime()) ? d.toISOString() : new Date(0).toISOString();
}

let cachedSecond = -1;
let cachedSecondText = '';
let cachedMinute = -1;
let cachedMinuteText = '';

/**
 * The message's own epoch seconds when plausible (ExaBGP's qa data uses 0), else the arrival
 * time. Consecutive lines share their second: its "YYYY-MM-DDTHH:MM:SS" is cached.
 */
function messageTime(t: unknown, arrival: Date): string {
  if (typeof t !== 'number' || !(t > 0 && t < 1e11)) return safeIso(arrival);
  const ms = Math.floor(t * 1000);
  const second = Math.floor(ms / 1000);
  if (second !== cachedSecond) {
    // A new second mostly falls in the same minute: "YYYY-MM-DDTHH:MM:" is cached too.
    const minute = Math.floor(second / 60);
    if (minute !== cachedMinute) {
      cachedMinute = minute;
      cachedMinuteText = new Date(minute * 60_000).toISOString().slice(0, 17);
    }
    cachedSecond = second;
    cachedSecondText = cachedMinuteText + SECONDS[second - minute * 60]!;
  }
  return cachedSecondText + MILLIS[ms - second * 1000]!;
}

/** "00" ... "59". */
const SECONDS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));

/** ".000Z" ... ".999Z". */
const MILLIS = Array.from({ length: 1000 }, (_, i) => `.${String(i).padStart(3, '0')}Z`);

/** "peer reset, message (notification received (6,2)) error(...)" -> { code 6, subcode 2 }. */
function notificationOf(
  reason: string,
  last: ExabgpSession['lastNotification'],
): PeerDownEvent['notification'] {
  const m = DOWN_NOTIFICATION.exec(reason);
  if (m === null) return last;
  const code = Number(m[1]);
  const subcode = Number(m[2]);
  if (last !== null && last.code === code && last.subcode === subcode) return last;
  return { code, subcode };
}
