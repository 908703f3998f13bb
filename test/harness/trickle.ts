import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Writes `text` one byte at a time, `everyMs` apart, until the connection closes or it is all
 * sent: a slow client, whose slowness in real time is what a socket timeout under test measures.
 */
export async function trickle(socket: Socket, text: string, everyMs: number): Promise<void> {
  for (const byte of text) {
    if (socket.destroyed) return;
    socket.write(byte);
    await sleep(everyMs);
  }
}
