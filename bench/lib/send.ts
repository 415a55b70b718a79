import type { Socket } from 'node:net';

/**
 * Writes a recorded stream to a collector the way a router's TCP session would: 64 KiB chunks,
 * waiting for 'drain' (TCP flow control). Resolves with performance.now() at the last write's
 * callback (the kernel took the last byte); onFirst runs just before the first write.
 */
export function sendStream(socket: Socket, stream: Buffer, onFirst: () => void = () => {}): Promise<number> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    let off = 0;
    onFirst();
    const pump = (): void => {
      while (off < stream.length) {
        const chunk = stream.subarray(off, off + 65536);
        off += chunk.length;
        const last = off >= stream.length;
        const more = socket.write(chunk, last ? () => resolve(performance.now()) : undefined);
        if (!more && !last) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}
