// What the person entered in rendered blocks, read as Slack reads it: each input control registers a
// reader, so `collectValues` can build `view.state.values` exactly as Slack sends it.

const readers = new WeakMap();

/** Remembers how to read one control (`{ blockId, actionId, type, read }`). */
export function registerReader(node, reader) {
  readers.set(node, reader);
}

/** `view.state.values`: { block_id: { action_id: { type, value | selected_… } } }. */
export function collectValues(root) {
  const values = {};
  for (const node of root.querySelectorAll('.bk-control')) {
    const reader = readers.get(node);
    if (!reader) continue;
    values[reader.blockId] ??= {};
    values[reader.blockId][reader.actionId] = { type: reader.type, ...reader.read() };
  }
  return values;
}

/** Input blocks that are required and empty, as Slack checks before it sends a submission. */
export function missingRequiredInputs(root) {
  const missing = [];
  for (const node of root.querySelectorAll('.block-input[data-required="true"] .bk-control')) {
    const reader = readers.get(node);
    if (reader && isEmpty(reader.read())) missing.push(reader.blockId);
  }
  return missing;
}

function isEmpty(state) {
  const value = Object.values(state)[0];
  return (
    value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)
  );
}
