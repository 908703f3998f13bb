// Messages: the channel, threads and the app's direct messages, redrawn only where something changed.
import { blockContext } from './block-actions.js';
import { renderBlocks } from './blocks.js';
import { $, el } from './dom.js';
import { renderMrkdwn } from './mrkdwn.js';
import { avatar, directChannelOf, mentionNames, nameOf } from './people.js';
import { renderAll, state, ui } from './state.js';

function visible(message) {
  return (!message.visibleTo || message.visibleTo === ui.userId) && !ui.dismissed.has(message.ts);
}

function repliesTo(ts) {
  return [...state.messages.values()].filter((m) => m.threadTs === ts && visible(m));
}

function formatTime(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
}

function messageNode(message, { inThread = false } = {}) {
  const node = el('article', 'message');
  node.dataset.ts = message.ts;
  if (message.visibleTo) node.classList.add('is-ephemeral');
  if (message.notice) node.classList.add('is-notice');
  node.append(avatar(message.author));

  const body = el('div', 'message-body');
  const meta = el('div', 'message-meta');
  meta.append(el('span', 'message-author', nameOf(message.author)));
  if (message.author === state.botUserId) meta.append(el('span', 'app-badge', 'APP'));
  meta.append(el('time', 'message-time', formatTime(message.postedAt)));
  if (message.edited) meta.append(el('span', 'message-edited', '(edited)'));
  if (message.visibleTo) meta.append(el('span', 'ephemeral-label', 'Only visible to you'));
  body.append(meta);

  if (message.command) {
    const line = el('div', 'message-invocation');
    const who = message.requestedBy === ui.userId ? 'You' : nameOf(message.requestedBy);
    line.append(`${who} used `, el('code', 'invocation-command', message.command));
    body.append(line);
  }
  if (message.replyBroadcast && !inThread) {
    const link = el('button', 'link-button broadcast-label', 'replied to a thread');
    link.type = 'button';
    link.addEventListener('click', () => openThread(message.threadTs));
    body.append(link);
  }
  if (message.replyBroadcast && inThread && message.channel === state.channel.id)
    body.append(el('div', 'broadcast-label', `Also sent to #${state.channel.name}`));

  const content = el('div', 'message-content');
  if (message.blocks.length > 0) {
    const ctx = blockContext({ kind: 'message', ts: message.ts });
    const blocks = renderBlocks(message.blocks, ctx);
    ctx.root = blocks;
    content.append(blocks);
  } else {
    const text = el('div', 'message-text');
    text.append(renderMrkdwn(message.text, mentionNames()));
    content.append(text);
  }
  body.append(content);

  if (!inThread && !message.threadTs) {
    const replies = repliesTo(message.ts);
    if (replies.length > 0) {
      const summary = el('button', 'thread-summary');
      summary.type = 'button';
      summary.append(
        el('span', 'thread-count', `${replies.length} ${replies.length === 1 ? 'reply' : 'replies'}`),
        el('span', 'thread-last', `Last reply ${formatTime(replies.at(-1).postedAt)}`),
      );
      summary.addEventListener('click', () => openThread(message.ts));
      body.append(summary);
    }
  }
  if (message.visibleTo) {
    const dismiss = el('button', 'link-button dismiss', 'Dismiss message');
    dismiss.type = 'button';
    dismiss.addEventListener('click', () => {
      ui.dismissed.add(message.ts);
      renderAll();
    });
    body.append(dismiss);
  }
  node.append(body);
  return node;
}

/** Redraws only messages whose content, replies or viewer changed; keeps the rest (and their inputs). */
const nodeCache = new Map();
function renderList(container, messages, options = {}) {
  const nearBottom = container.scrollHeight - container.scrollTop - container.clientHeight < 160;
  const before = container.childElementCount;
  const nodes = messages.map((message) => {
    const replies = options.inThread ? 0 : repliesTo(message.ts).length;
    const key = `${container.id}:${message.ts}:${message.version}:${replies}:${ui.userId}`;
    let node = nodeCache.get(key);
    if (!node) {
      node = messageNode(message, options);
      nodeCache.set(key, node);
    }
    return node;
  });
  if (nodes.length === 0 && options.empty) nodes.push(el('div', 'messages-empty', options.empty));
  // Patched in place, not replaced: a message that did not change stays attached (a test measuring
  // one post while another is edited must not see it leave the page).
  let cursor = container.firstChild;
  for (const node of nodes) {
    if (node === cursor) cursor = cursor.nextSibling;
    else container.insertBefore(node, cursor);
  }
  while (cursor) {
    const next = cursor.nextSibling;
    cursor.remove();
    cursor = next;
  }
  if (nearBottom || nodes.length > before) container.scrollTop = container.scrollHeight;
  for (const key of nodeCache.keys()) {
    if (key.startsWith(`${container.id}:`) && !nodes.includes(nodeCache.get(key))) nodeCache.delete(key);
  }
}

export function renderChannel() {
  const messages = [...state.messages.values()].filter(
    (m) => m.channel === state.channel.id && (!m.threadTs || m.replyBroadcast) && visible(m),
  );
  renderList($('#messages'), messages, {
    empty: 'Nothing here yet. Type /migrate list below and press Enter.',
  });
}

export function renderThread() {
  const pane = $('#thread');
  const parent = ui.threadTs ? state.messages.get(ui.threadTs) : undefined;
  // Threads belong to the channel view; the App view has the whole width.
  pane.hidden = !parent || ui.nav !== 'channel';
  if (!parent) return;
  renderList($('#thread-messages'), [parent, ...repliesTo(parent.ts)], { inThread: true });
}

function openThread(ts) {
  ui.threadTs = ts;
  renderAll();
}

export function renderDirectMessages() {
  const channel = directChannelOf(ui.userId);
  const messages = [...state.messages.values()].filter((m) => m.channel === channel && visible(m));
  if (ui.nav === 'app' && ui.tab === 'messages') for (const m of messages) ui.seenDirect.add(m.ts);
  const unread = messages.filter((m) => !ui.seenDirect.has(m.ts)).length;
  const badge = $('#dm-badge');
  badge.hidden = unread === 0;
  badge.textContent = String(unread);
  renderList($('#dm-messages'), messages, { empty: 'Messages the app sends you directly appear here.' });
}
