import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Route } from '../contract/http.js';
import { ConfigError } from '../errors.js';
import type { AppDeps } from './context.js';
import { SERVER_TIMEOUTS } from './intake/ack-first-receiver.js';
import { SlackAuthCheck } from './slack-auth-check.js';

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * `/livez` answers 200 whenever this process serves HTTP and never looks at the store or Slack, so a
 * Redis outage does not get every replica restarted at once. `/readyz` (and `/healthz`, its older
 * name) answers 503 from SIGTERM on (the drain), while the store cannot be reached or refuses the
 * bot's commands (`storeProblem` says which, and the fix), Slack says the bot token is invalid (a
 * cached `auth.test`, single-token mode only), or, with Redis, the last lease attempt failed: the
 * replica leaves the Service until they recover.
 */
export function probeRoutes(deps: AppDeps): Route[] {
  const botToken = deps.config.slack.oauth ? undefined : deps.config.slack.botToken;
  const slackAuth = new SlackAuthCheck(
    botToken ? async () => (await deps.slack.clients.forTeam('', 'background')).auth.test() : undefined,
    deps.clock,
  );
  const ready: Handler = (_req, res) => {
    if (deps.intake.drain.draining) {
      deps.metrics.readinessChecked(false);
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"draining"}');
      return;
    }
    readiness(deps, slackAuth).then(
      (report) => {
        const ok = report.store === 'ok' && report.slack !== 'invalid' && report.leases !== 'failing';
        deps.metrics.readinessChecked(ok);
        res.writeHead(ok ? 200 : 503, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: ok ? 'ok' : 'degraded', ...report }));
      },
      () => {
        deps.metrics.readinessChecked(false);
        res.writeHead(503).end();
      },
    );
  };
  const live: Handler = (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  };
  return [
    { path: '/livez', method: ['GET'], handler: live },
    { path: '/readyz', method: ['GET'], handler: ready },
    { path: '/healthz', method: ['GET'], handler: ready },
  ];
}

async function readiness(deps: AppDeps, slackAuth: SlackAuthCheck) {
  const [storeOk, slack] = await Promise.all([deps.store.healthy(), slackAuth.state()]);
  // Leases only matter with replicas sharing Redis; one process on a local store holds them all.
  const leases =
    deps.watcher.backendKind !== 'redis' ? 'n/a' : deps.watcher.leases.working ? 'ok' : 'failing';
  // A store that answers but refuses the bot's commands (an ACL, a replica) says what and why.
  const problem = storeOk ? undefined : deps.store.problem?.();
  const store = storeOk ? 'ok' : problem ? 'refused' : 'unreachable';
  return { store, ...(problem ? { storeProblem: problem } : {}), slack, leases };
}

/** `/metrics` in the Prometheus text format. */
function metricsRoute(deps: AppDeps): Route {
  const handler: Handler = (_req, res) => {
    deps.metrics.scrape().then(
      ({ contentType, body }) => res.writeHead(200, { 'content-type': contentType }).end(body),
      (error: unknown) => {
        deps.logger.warn({ err: error }, 'metrics scrape failed');
        res.writeHead(500).end();
      },
    );
  };
  return { path: '/metrics', method: ['GET'], handler };
}

/**
 * The operations port (METRICS_PORT): `/metrics` and the probes, apart from the port that takes
 * Slack's requests, so a proxy or Ingress in front of Slack's port never exposes the metrics and a
 * NetworkPolicy can open each port to its own clients. The probes stay on Slack's port too, where
 * load balancers' own health checks look by default.
 */
export async function startOpsServer(
  deps: AppDeps,
  address: { port: number; host: string },
): Promise<Server> {
  const routes = [...probeRoutes(deps), metricsRoute(deps)];
  // All three of the events server's limits, the check every second included: without it Node
  // checks every 30 s, and trickled headers stay open that long.
  const server = createServer({ ...SERVER_TIMEOUTS }, (req, res) => {
    const path = (req.url ?? '').split('?')[0];
    const route = routes.find((r) => r.path === path);
    if (!route) return void res.writeHead(404).end();
    if (!route.method.includes(req.method ?? '')) return void res.writeHead(405, { allow: 'GET' }).end();
    route.handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    const failed = (error: NodeJS.ErrnoException) =>
      reject(
        new ConfigError(
          `migrate-bot cannot start: METRICS_PORT=${address.port} on ${address.host} cannot be used (${error.code ?? error.message}). ` +
            'Set METRICS_PORT to a free port, other than PORT.',
        ),
      );
    server.once('error', failed);
    server.listen(address.port, address.host, () => {
      server.off('error', failed);
      resolve();
    });
  });
  return server;
}

/** Closes the operations server, idle keep-alive connections included. */
export function closeOpsServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}
