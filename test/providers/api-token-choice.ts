import type { AuthChoiceDefinition } from '../../src/providers/definition.js';

/** The sign-in both test providers (test-provider/, toy-provider/) offer: one API token, kept secret. */
export const API_TOKEN_CHOICE: AuthChoiceDefinition = {
  type: 'bearer',
  label: 'API token',
  fields: [
    {
      key: 'token',
      block: 'api_token',
      label: 'API token',
      what: 'API token',
      secret: true,
      check: { type: 'secret', min: 16 },
    },
  ],
};
