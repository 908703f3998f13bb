import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrivateAddressError, guardedAgent as pinnedAgent } from '../../../src/outbound/guarded-connect.js';
import { WebhookReceiver } from '../../helpers/webhook-receiver.js';

// DNS rebinding: a webhook's host is a public name when it is added, and resolves to loopback when
// the bot sends. The dispatcher webhooks go through checks the address it connects to.

const receiver = new WebhookReceiver();
beforeAll(async () => {
  await receiver.start();
});
afterAll(async () => {
  await receiver.stop();
});

const rebound = async (hostname: string) => [
  { address: hostname === 'hooks.example.com' ? '127.0.0.1' : '', family: 4 },
];

describe('webhook connections', () => {
  it('refuse a public name that resolves to loopback, at the connection', async () => {
    const port = new URL(receiver.url).port;
    const agent = pinnedAgent(rebound);
    const sent = fetch(`http://hooks.example.com:${port}/rebound`, {
      method: 'POST',
      body: '{}',
      dispatcher: agent,
    });
    const error = await sent.then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.cause).toBeInstanceOf(PrivateAddressError);
    expect(receiver.at('/rebound')).toHaveLength(0);
    await agent.close();
  });

  it('refuse a receiver written as an internal address, which is connected to without a lookup', async () => {
    // Issue 73: undici connects to `127.0.0.1` (or `[::1]`) as written, never asking the lookup.
    const agent = pinnedAgent(async () => [{ address: '192.0.2.1', family: 4 }]);
    for (const host of ['127.0.0.1', '[::ffff:127.0.0.1]', '[::1]']) {
      const error = await fetch(`http://${host}:${new URL(receiver.url).port}/literal`, {
        method: 'POST',
        body: '{}',
        dispatcher: agent,
      }).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.cause, host).toBeInstanceOf(PrivateAddressError);
    }
    expect(receiver.at('/literal')).toHaveLength(0);
    await agent.close();
  });

  it('refuse private, link-local and metadata addresses too, and connect to a public one', async () => {
    for (const address of [
      '10.0.0.7',
      '169.254.169.254',
      '192.168.1.1',
      '::1',
      'fd00::1',
      '64:ff9b::a9fe:a9fe',
      '2002:7f00:1::1',
    ]) {
      const agent = pinnedAgent(async () => [{ address, family: address.includes(':') ? 6 : 4 }]);
      const error = await fetch('http://hooks.example.com:8443/x', { dispatcher: agent }).then(
        () => undefined,
        (e: unknown) => e as Error,
      );
      expect(error?.cause, address).toBeInstanceOf(PrivateAddressError);
      await agent.close();
    }
    // A public address passes the check (the connection then fails: nothing listens there).
    const agent = pinnedAgent(async () => [{ address: '192.0.2.1', family: 4 }]);
    const error = await fetch('http://hooks.example.com:8443/x', {
      dispatcher: agent,
      signal: AbortSignal.timeout(500),
    }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(error?.cause).not.toBeInstanceOf(PrivateAddressError);
    await agent.destroy();
  });
});
