import type { Connection, ConnectionAuth } from '../../src/connections/connection.js';
import { providerDefinition } from '../../src/providers/registry.js';

/**
 * A connection to `provider` that only needs to build a client (nothing is sent): its fields are
 * filled from the provider's own connect form (a field's placeholder, else its initial value), its
 * first sign-in method with made-up values. No provider is named here, so a new one needs no case.
 */
export function placeholderConnection(provider: string): Connection {
  const { connect } = providerDefinition(provider);
  const fields = Object.fromEntries(
    connect.fields.map((f) => [f.key, f.placeholder ?? f.initial ?? `${f.key}-placeholder`]),
  );
  const choice = connect.authChoices[0];
  if (!choice) throw new Error(`${provider} declares no sign-in method`);
  const auth = Object.fromEntries(
    choice.fields.filter((f) => !f.optional).map((f) => [f.key, f.initial ?? `${f.key}0000000000000000`]),
  );
  return {
    name: `c-${provider}`,
    provider,
    endpoint: connect.endpoint.default ?? connect.endpoint.example,
    ...fields,
    auth: { type: choice.type, ...auth } as ConnectionAuth,
    storage: {},
  };
}
