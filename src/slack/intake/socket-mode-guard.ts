import type { Logger, SocketModeReceiver } from '@slack/bolt';
import { checkSlackEnvelope } from './slack-envelope.js';

/** What Slack sends over a Socket Mode connection; the client emits each type by name. */
const CONTROL_TYPES = new Set(['hello', 'disconnect']);
const PAYLOAD_TYPES = new Set(['events_api', 'slash_commands', 'interactive']);
/** Names the client uses for itself: an event type like these would drive its state, not a listener. */
const CLIENT_EVENT_NAMES = new Set([
  'error',
  'close',
  'ws_message',
  'slack_event',
  'connecting',
  'connected',
  'authenticated',
  'reconnecting',
  'disconnecting',
  'disconnected',
]);

/**
 * Socket Mode's client reads `payload.event.type` of every message unchecked, and re-emits the
 * message's `type` as an event name (`error` would throw), inside an async handler nobody awaits:
 * a message of another shape would end the process. This puts the envelope check of the HTTP
 * receiver in front of it; a message that fails is logged and dropped.
 */
export function guardSocketMode(receiver: SocketModeReceiver, logger: Logger): SocketModeReceiver {
  const client = receiver.client;
  const handlers = client.listeners('ws_message');
  client.removeAllListeners('ws_message');
  client.on('ws_message', (data: unknown, isBinary: boolean) => {
    const problem = isBinary ? undefined : socketMessageProblem(data);
    if (problem) {
      logger.warn(`Ignored a Socket Mode message: ${problem}`);
      return;
    }
    for (const handler of handlers)
      Promise.resolve()
        .then(() => handler.call(client, data, isBinary))
        .catch((error: unknown) => logger.error('Socket Mode message failed', error));
  });
  return receiver;
}

export function socketMessageProblem(data: unknown): string | undefined {
  let message: unknown;
  try {
    const text = typeof data === 'string' ? data : new TextDecoder().decode(data as ArrayBuffer);
    message = JSON.parse(text);
  } catch {
    // Unreadable: the client logs and ignores it itself.
    return undefined;
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return 'not an object';
  const { type, payload } = message as { type?: unknown; payload?: unknown };
  if (typeof type === 'string' && CONTROL_TYPES.has(type)) return undefined;
  if (typeof type !== 'string' || !PAYLOAD_TYPES.has(type)) return 'not a message type Slack sends';
  const envelope = checkSlackEnvelope(payload);
  if (!envelope.ok) return envelope.reason;
  if (type !== 'events_api') return undefined;
  if (envelope.body.type !== 'event_callback') return 'an events_api message without an event';
  const eventType = (envelope.body.event as { type: string }).type;
  if (CLIENT_EVENT_NAMES.has(eventType)) return 'an event type the client uses for itself';
  return undefined;
}
