export { Rib, type RibFlush } from './rib.js';
export { originOf } from './origin.js';
export { parsePrefix, formatPrefix } from './prefix.js';
export type * from './types.js';
