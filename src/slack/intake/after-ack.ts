/**
 * Resolves on the next turn of the event loop (`setImmediate`). Listeners await it right after
 * `ack()`, so the acks of every request already received go out before any reply work starts:
 * under a burst, an ack never waits behind other requests' replies. Behaviour is otherwise the same.
 */
export function afterAck(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
