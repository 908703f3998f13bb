import { createServer, type RequestListener, type Server } from 'node:http';
import type { SocketModeReceiver } from '@slack/bolt';
import { SERVER_TIMEOUTS, type ServerTimeouts } from './ack-first-receiver.js';

/**
 * Socket Mode's receiver serves the custom routes (the probes) and OAuth
 * (`/slack/install`) on an HTTP server of its own, which its `start()` opens with
 * `listen(installerOptions.port ?? 3000)`: every interface, whatever PORT and HOST say. This makes
 * `start()` open that server on `port` and `host` (and only then the socket), and gives back the
 * server to read its port from.
 *
 * Bolt makes that server without options, and Node fixes how often it checks the header and
 * request timeouts (`connectionsCheckingInterval`, 30 s by default) only when a server is made:
 * trickled headers would be cut up to 30 s late. So the routes are served from a server made here
 * with the HTTP receiver's `timeouts` (checked every second), which runs Bolt's own request
 * listener and takes the place of Bolt's server (Bolt's `stop()` closes it).
 *
 * The server is a private field of Bolt's receiver; a Bolt that renames it fails here at start-up
 * (and in test/slack/intake/socket-mode-routes.test.ts), not silently on every interface.
 */
export function serveRoutesOn(
  receiver: SocketModeReceiver,
  address: { port: number; host: string },
  timeouts: ServerTimeouts = SERVER_TIMEOUTS,
): Server {
  const holder = receiver as unknown as { httpServer?: Server };
  const routes = holder.httpServer?.listeners('request')[0] as RequestListener | undefined;
  if (!routes) throw new Error('Socket Mode has no HTTP server for its routes (none were given)');
  const server = createServer({ ...timeouts }, routes);
  holder.httpServer = server;
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
