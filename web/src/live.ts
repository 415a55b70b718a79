/** One Socket.IO connection for the whole app, typed with the server's event map. */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../src/http/live-events.js';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

let socket: LiveSocket | null = null;

export function liveSocket(): LiveSocket {
  socket ??= io({ transports: ['websocket'], reconnectionDelayMax: 5_000 });
  return socket;
}
