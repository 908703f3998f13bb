import { createServer, type Socket } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { postSigned } from '../../harness/slack-requests.js';

/**
 * The tests' Slack posts a request again when its socket is reset before any answer (a kept-alive
 * socket the bot's server closed as idle just as the request went out): evidence bundles failed
 * with "fetch failed: read ECONNRESET" under load. Anything else still fails the request.
 */
const sockets = new Set<Socket>();
let served = 0;
const server = createServer((socket) => {
  sockets.add(socket);
  socket.once('data', () => {
    served++;
    // The first request is reset unanswered; the second is answered.
    if (served === 1) socket.resetAndDestroy();
    else socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok');
  });
});
const url = await new Promise<string>((resolve) =>
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    resolve(`http://127.0.0.1:${port}/slack/events`);
  }),
);
afterAll(() => {
  for (const s of sockets) s.destroy();
  server.close();
});

describe('a signed request whose socket is reset before any answer', () => {
  it('is posted once more and answered', async () => {
    const res = await postSigned(url, 'secret', 'a=1', 'application/x-www-form-urlencoded');
    expect(res).toMatchObject({ status: 200, text: 'ok' });
    expect(served).toBe(2);
  });

  it('fails when the second is reset too (posted at most twice)', async () => {
    served = 0;
    const resetAll = (socket: Socket) => socket.once('data', () => socket.resetAndDestroy());
    server.removeAllListeners('connection');
    server.on('connection', (socket) => {
      sockets.add(socket);
      served++;
      resetAll(socket);
    });
    await expect(postSigned(url, 'secret', 'a=1', 'application/x-www-form-urlencoded')).rejects.toThrow(
      /fetch failed/,
    );
    expect(served).toBe(2);
  });
});
