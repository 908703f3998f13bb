import type { Server } from 'node:http';
import type { SocketModeReceiver } from '@slack/bolt';
import { SERVER_TIMEOUTS } from './ack-first-receiver.js';

/**
 * Socket Mode's receiver serves the custom routes (`/livez`, `/readyz`, `/metrics`) and OAuth
 * (`/slack/install`) on an HTTP server of its own, which its `start()` opens with
 * `listen(installerOptions.port ?? 3000)`: every interface, whatever PORT and HOST say. This makes
 * `start()` open that server on `port` and `host` (and only then the socket), with the HTTP
 * receiver's header and request timeouts, and gives back the server to read its port from.
 *
 * The server is a private field of Bolt's receiver; a Bolt that renames it fails here at start-up
 * (and in test/slack/socket-mode-routes.test.ts), not silently on every interface.
 */
export function serveRoutesOn(receiver: SocketModeReceiver, address: { port: number; host: string }): Server {
  const server = (receiver as unknown as { httpServer?: Server }).httpServer;
  if (!server) throw new Error('Socket Mode has no HTTP server for its routes (none were given)');
  // Node checks these every 30 s here: Bolt made the server, so its checking interval is Node's default.
  server.headersTimeout = SERVER_TIMEOUTS.headersTimeout;
  server.requestTimeout = SERVER_TIMEOUTS.requestTimeout;
  receiver.start = async () => {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(address.port, address.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    return receiver.client.start();
  };
  return server;
}
