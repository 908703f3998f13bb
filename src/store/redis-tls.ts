/**
 * TLS to Redis (`rediss://`, `rediss+cluster://`, `rediss+sentinel://`): the CA that signed the
 * server's certificate when it is a private one (managed Redis often is), a client certificate and
 * key when the server asks for one, and the name the server's certificate must hold when STORE_URL
 * connects by an address the certificate does not name. Node checks the chain and the name on
 * every connection; nothing here turns a check off.
 */
export interface RedisTls {
  /** PEM: the CA certificate(s) Redis's certificate must chain to (instead of Node's public CAs). */
  ca?: string;
  /** PEM: the client certificate, with `key`. */
  cert?: string;
  /** PEM: the client certificate's private key. */
  key?: string;
  /** The name the server's certificate must hold (SNI and the name check). */
  servername?: string;
}

/** The socket's TLS settings for a STORE_URL that asks for TLS; nothing otherwise. */
export function tlsSocketOptions(enabled: boolean, tls: RedisTls | undefined) {
  if (!enabled) return {};
  return {
    tls: true as const,
    // Given, it replaces Node's public CAs for Redis: only the CA the operator named vouches for it.
    ...(tls?.ca ? { ca: tls.ca } : {}),
    ...(tls?.cert ? { cert: tls.cert } : {}),
    ...(tls?.key ? { key: tls.key } : {}),
    ...(tls?.servername ? { servername: tls.servername } : {}),
  };
}

/**
 * One TLS handshake and `PING` to the first of `nodes` that accepts, before node-redis connects:
 * resolves with the TLS error met (untrusted certificate, wrong name, a client certificate asked
 * for, a plain-text server), or undefined (answered, or nothing listened: the connect retries).
 * node-redis retries a refused handshake as if Redis were down, and a reset after a client-cert
 * alert is an 'error' it no longer listens for, ending the process: this meets both first.
 */
export async function tlsHandshakeError(
  nodes: readonly { host: string; port: number }[],
  tls: RedisTls | undefined,
  timeoutMs: number,
): Promise<Error | undefined> {
  for (const node of nodes) {
    const outcome = await handshake(node, tls, timeoutMs);
    if (outcome === 'silent' && (await answersPlainText(node, timeoutMs)))
      return Object.assign(new Error('it answered a plain-text PING: no TLS on that port'), {
        code: 'EPROTO',
      });
    if (outcome instanceof Error) return outcome;
    if (outcome === 'answered') return undefined;
  }
  return undefined;
}

/** 'silent': a TCP connection, but no TLS handshake within the time (Redis without TLS just waits). */
async function handshake(
  node: { host: string; port: number },
  tls: RedisTls | undefined,
  timeoutMs: number,
): Promise<Error | 'answered' | 'unreachable' | 'silent'> {
  const { connect } = await import('node:tls');
  return new Promise((resolve) => {
    let connected = false;
    const socket = connect({ host: node.host, port: node.port, ...tlsSocketOptions(true, tls) });
    const done = (result: Error | 'answered' | 'unreachable' | 'silent') => {
      clearTimeout(timer);
      socket.removeAllListeners('data');
      // Errors after the outcome (the reset that follows an alert) are this socket's alone.
      socket.on('error', () => undefined);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done(connected ? 'silent' : 'unreachable'), timeoutMs);
    socket.once('connect', () => {
      connected = true;
    });
    socket.once('secureConnect', () => socket.write('PING\r\n'));
    socket.once('data', () => done('answered'));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done(UNREACHABLE.includes(error.code ?? '') ? 'unreachable' : error),
    );
    socket.once('close', () => done('unreachable'));
  });
}

const UNREACHABLE = ['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN'];

/** True when the server answers a plain-text `PING` as Redis does (+PONG, or -NOAUTH and the like). */
async function answersPlainText(node: { host: string; port: number }, timeoutMs: number): Promise<boolean> {
  const { createConnection } = await import('node:net');
  return new Promise((resolve) => {
    const socket = createConnection({ host: node.host, port: node.port }, () => socket.write('PING\r\n'));
    const done = (plain: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(plain);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('data', (data) => done(/^[+-]/.test(data.toString())));
    socket.once('error', () => done(false));
  });
}
