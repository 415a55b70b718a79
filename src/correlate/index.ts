/** The correlator's pure core: baseline, change detection, judge, attribution, sentences, alerts. */
export * from './policy.js';
export * from './stats.js';
export * from './path.js';
export * from './prefix.js';
export * from './route-ref.js';
export * from './baseline.js';
export * from './change.js';
export * from './hops.js';
export * from './judge.js';
export * from './attribution.js';
export * from './sentence.js';
export * from './alerts.js';
export * from './signals.js';
export * from './pipeline.js';
export * from './mtu.js';
export * from './performance.js';
export * from './decision.js';
