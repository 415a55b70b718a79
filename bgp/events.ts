/** Builders of RouteEvents shared by the BMP and ExaBGP decoders. */
import type { AnnounceEvent, Afi, FeedSource, PeerRef, RouteAttributes, Safi } from './types.js';

/**
 * One announce event. Every decoder builds its announces with this, so all give the same keys
 * in the same order (the NDJSON output is JSON.stringify of the event) and objects of one
 * shape (faster than an object spread of the attributes).
 */
export function announceEvent(
  source: FeedSource,
  router: string,
  time: string,
  peer: PeerRef,
  afi: Afi,
  safi: Safi,
  prefix: string,
  pathId: number | null,
  nextHop: string | null,
  nextHopLinkLocal: string | null,
  a: Omit<RouteAttributes, 'nextHop'>,
): AnnounceEvent {
  const ev: AnnounceEvent = {
    type: 'announce',
    source,
    time,
    router,
    peer,
    afi,
    safi,
    prefix,
    pathId,
    nextHop,
    origin: a.origin,
    asPath: a.asPath,
    med: a.med,
    localPref: a.localPref,
    communities: a.communities,
    largeCommunities: a.largeCommunities,
    extCommunities: a.extCommunities,
  };
  if (nextHopLinkLocal !== null) ev.nextHopLinkLocal = nextHopLinkLocal;
  if (a.confedPath !== undefined) ev.confedPath = a.confedPath;
  if (a.atomicAggregate !== undefined) ev.atomicAggregate = a.atomicAggregate;
  if (a.aggregator !== undefined) ev.aggregator = a.aggregator;
  if (a.originatorId !== undefined) ev.originatorId = a.originatorId;
  if (a.clusterList !== undefined) ev.clusterList = a.clusterList;
  if (a.unknownAttributes !== undefined) ev.unknownAttributes = a.unknownAttributes;
  return ev;
}
