import { type CatalogueEntry, gatewayEntries } from './explain.js';

/**
 * Error codes raised by the providers' API gateways (and UpCloud's API front end) rather than by the
 * migration services themselves, so they are not in the services' tables. Each provider declares
 * its own (`src/providers/<id>/catalogue.ts`); this is all of them, in registration order.
 */
export const GATEWAY_CODES: readonly CatalogueEntry[] = gatewayEntries;
