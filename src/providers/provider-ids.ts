/**
 * A provider id: the name of its folder under `src/providers/`. The list derives from the registry
 * (one line per provider), so a new provider never edits this file.
 */
export type ProviderId = string;
