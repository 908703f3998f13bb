// The playground page: a Slack-like channel, threads, App Home and modals, kept live over
// server-sent events. Everything the person does goes to the playground server, which turns it into
// the signed request Slack would send the bot.
import { collectValues, missingRequiredInputs, renderBlocks } from './blocks.js';
import { renderMrkdwn, renderPlainText, setReaderLocale } from './mrkdwn.js';

const SLACKBOT = 'USLACKBOT';

const state = {
  users: [],
  botUserId: '',
  channel: { id: '', name: '' },
  /** ts → message, in the order they were posted. */
  messages: new Map(),
  /** userId → open modal views, bottom first. */
  modals: {},
  /** userId → Home tab view. */
  homes: {},
};

const ui = {
  userId: new URLSearchParams(location.search).get('user') ?? localStorage.getItem('playground-user') ?? '',
  nav: 'channel',
  tab: 'home',
  threadTs: undefined,
  /** Ephemeral messages this page hid with "Dismiss". */
  dismissed: new Set(),
  /** DM messages seen, for the unread badge. */
  seenDirect: new Set(),
  renderedModalKey: '',
  renderedHomeKey: '',
};

const $ = (selector) => document.querySelector(selector);

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// ---------------------------------------------------------------- people

function nameOf(id) {
  if (id === state.botUserId) return 'migrate';
  if (id === SLACKBOT) return 'Slackbot';
  return state.users.find((u) => u.id === id)?.name ?? id;
}

function userNames() {
  const names = new Map(state.users.map((u) => [u.id, u.name]));
  names.set(state.botUserId, 'migrate');
  return names;
}

/** People and channels by id, for mentions in text (`<@U…>`, `<#C…>`). */
function mentionNames() {
  const names = userNames();
  if (state.channel.id) names.set(state.channel.id, state.channel.name);
  return names;
}

function avatar(id) {
  const node = el('span', 'avatar');
  if (id === state.botUserId) node.classList.add('avatar-bot');
  else if (id === SLACKBOT) node.classList.add('avatar-slackbot');
  else
    node.classList.add(
      `avatar-user-${Math.max(
        0,
        state.users.findIndex((u) => u.id === id),
      )}`,
    );
  node.textContent = id === state.botUserId ? 'M' : nameOf(id).slice(0, 1).toUpperCase();
  node.setAttribute('aria-hidden', 'true');
  return node;
}

function directChannelOf(userId) {
  return `D${userId.slice(1)}`;
}

// ---------------------------------------------------------------- server

async function post(path, body) {
  try {
    const res = await fetch(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: ui.userId, ...body }),
    });
    const answer = await res.json().catch(() => ({}));
    if (!res.ok) toast(answer.error ?? `The playground answered HTTP ${res.status}`);
    return res.ok ? answer : undefined;
  } catch {
    toast('The playground server is not answering. Is it still running?');
    return undefined;
  }
}

function connect() {
  const events = new EventSource('api/events');
  events.addEventListener('snapshot', (event) => {
    const snapshot = JSON.parse(event.data);
    state.users = snapshot.users;
    state.botUserId = snapshot.botUserId;
    state.channel = snapshot.channel;
    state.messages = new Map(snapshot.messages.map((m) => [m.ts, m]));
    state.modals = snapshot.modals;
    state.homes = snapshot.homes;
    if (!state.users.some((u) => u.id === ui.userId)) ui.userId = state.users[0]?.id ?? '';
    setLive(true);
    renderAll();
  });
  events.addEventListener('change', (event) => applyChange(JSON.parse(event.data)));
  events.addEventListener('error', () => setLive(false));
}

function applyChange(change) {
  switch (change.type) {
    case 'message':
      state.messages.set(change.message.ts, change.message);
      break;
    case 'message-deleted':
      state.messages.delete(change.ts);
      break;
    case 'modals':
      state.modals[change.userId] = change.stack;
      break;
    case 'home':
      state.homes[change.userId] = change.view;
      break;
  }
  scheduleRender();
}

let renderPending = false;
function scheduleRender() {
  if (renderPending) return;
  renderPending = true;
  requestAnimationFrame(() => {
    renderPending = false;
    renderAll();
  });
}

function setLive(live) {
  $('#live-dot').classList.toggle('is-live', live);
  $('#live-label').textContent = live ? 'live' : 'reconnecting…';
}

let toastTimer;
function toast(text) {
  const node = $('#toast');
  node.textContent = text;
  node.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (node.hidden = true), 6000);
}

// ---------------------------------------------------------------- messages

function visible(message) {
  return (!message.visibleTo || message.visibleTo === ui.userId) && !ui.dismissed.has(message.ts);
}

function repliesTo(ts) {
  return [...state.messages.values()].filter((m) => m.threadTs === ts && visible(m));
}

function formatTime(ms) {
  return new Date(ms).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
}

function blockContext(target) {
  return {
    users: userNames(),
    names: mentionNames(),
    channels: [state.channel],
    confirm: confirmDialog,
    act: (action, trigger, root) => act(target, action, trigger, root),
    loadOptions: (element, blockId, query) => loadOptions(target, element, blockId, query),
  };
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
  container.replaceChildren(...nodes);
  if (nearBottom || nodes.length > before) container.scrollTop = container.scrollHeight;
  for (const key of nodeCache.keys()) {
    if (key.startsWith(`${container.id}:`) && !nodes.includes(nodeCache.get(key))) nodeCache.delete(key);
  }
}

function renderChannel() {
  const messages = [...state.messages.values()].filter(
    (m) => m.channel === state.channel.id && (!m.threadTs || m.replyBroadcast) && visible(m),
  );
  renderList($('#messages'), messages, {
    empty: 'Nothing here yet. Type /migrate list below and press Enter.',
  });
}

function renderThread() {
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

function renderDirectMessages() {
  const channel = directChannelOf(ui.userId);
  const messages = [...state.messages.values()].filter((m) => m.channel === channel && visible(m));
  if (ui.nav === 'app' && ui.tab === 'messages') for (const m of messages) ui.seenDirect.add(m.ts);
  const unread = messages.filter((m) => !ui.seenDirect.has(m.ts)).length;
  const badge = $('#dm-badge');
  badge.hidden = unread === 0;
  badge.textContent = String(unread);
  renderList($('#dm-messages'), messages, { empty: 'Messages the app sends you directly appear here.' });
}

// ---------------------------------------------------------------- App Home

function renderHome() {
  const home = state.homes[ui.userId];
  const key = home ? `${ui.userId}:${home.id}:${home.hash}` : `${ui.userId}:none`;
  if (key === ui.renderedHomeKey) return;
  ui.renderedHomeKey = key;
  const container = $('#home');
  if (!home) {
    container.replaceChildren(el('div', 'messages-empty', 'Opening the Home tab…'));
    return;
  }
  const ctx = blockContext({ kind: 'view', viewId: home.id });
  const blocks = renderBlocks(home.view.blocks ?? [], ctx);
  ctx.root = blocks;
  container.replaceChildren(blocks);
}

// ---------------------------------------------------------------- modals

function renderModal() {
  const layer = $('#modal-layer');
  const stack = state.modals[ui.userId] ?? [];
  const top = stack.at(-1);
  const key = top ? `${ui.userId}:${top.id}:${top.hash}:${JSON.stringify(top.errors)}` : '';
  if (key === ui.renderedModalKey) return;
  // The same view redrawn (new errors, views.update) keeps what the person typed, as Slack does.
  const previousBody = layer.querySelector('.modal-body');
  const kept = previousBody && layer.dataset.viewId === top?.id ? collectValues(previousBody) : undefined;
  ui.renderedModalKey = key;
  layer.hidden = !top;
  layer.dataset.viewId = top?.id ?? '';
  if (!top) {
    layer.replaceChildren();
    return;
  }
  const view = top.view;
  const modal = el('div', 'modal');
  modal.setAttribute('role', 'dialog');
  modal.setAttribute('aria-modal', 'true');
  modal.setAttribute('aria-labelledby', 'modal-title');

  const header = el('header', 'modal-header');
  if (stack.length > 1) {
    const back = el('button', 'icon-button modal-back', '←');
    back.type = 'button';
    back.setAttribute('aria-label', 'Back');
    back.addEventListener('click', () => post('api/view-closed', { viewId: top.id, all: false }));
    header.append(back);
  }
  const title = el('h2', 'modal-title');
  title.id = 'modal-title';
  title.append(renderPlainText(view.title?.text ?? '', view.title?.emoji !== false));
  const close = el('button', 'icon-button modal-close', '✕');
  close.type = 'button';
  close.setAttribute('aria-label', 'Close');
  close.addEventListener('click', () => post('api/view-closed', { viewId: top.id, all: true }));
  header.append(title, close);

  const ctx = { ...blockContext({ kind: 'view', viewId: top.id }), values: kept, errors: top.errors };
  const body = el('div', 'modal-body');
  const blocks = renderBlocks(view.blocks ?? [], ctx);
  ctx.root = blocks;
  body.append(blocks);

  const footer = el('footer', 'modal-footer');
  const cancel = el('button', 'bk-button modal-cancel', view.close?.text ?? 'Cancel');
  cancel.type = 'button';
  cancel.addEventListener('click', () => post('api/view-closed', { viewId: top.id, all: false }));
  footer.append(cancel);
  if (view.submit) {
    const submit = el('button', 'bk-button bk-primary modal-submit', view.submit.text ?? 'Submit');
    submit.type = 'submit';
    footer.append(submit);
  }
  const form = el('form', 'modal-form');
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    await submitModal(top, blocks, form);
  });
  form.append(body, footer);
  modal.append(header, form);
  layer.replaceChildren(modal);
  modal.querySelector('input, textarea, select')?.focus();
}

async function submitModal(top, blocks, form) {
  // Like Slack, empty required inputs are flagged on the page and nothing is sent.
  const missing = missingRequiredInputs(blocks);
  for (const node of blocks.querySelectorAll('.block-input')) {
    node.querySelector('.input-error.is-local')?.remove();
    if (!missing.includes(node.dataset.blockId)) continue;
    node.classList.add('has-error');
    node.append(el('div', 'input-error is-local', 'Please fill out this field.'));
  }
  if (missing.length > 0) return;
  const submit = form.querySelector('.modal-submit');
  submit?.classList.add('is-pending');
  try {
    await post('api/view-submission', { viewId: top.id, values: collectValues(blocks) });
  } finally {
    submit?.classList.remove('is-pending');
  }
}

// ---------------------------------------------------------------- confirm dialogs

function confirmDialog(confirm) {
  return new Promise((resolve) => {
    const layer = $('#confirm-layer');
    const dialog = el('div', 'confirm');
    dialog.setAttribute('role', 'alertdialog');
    dialog.setAttribute('aria-modal', 'true');
    const title = el('h2', 'confirm-title');
    title.append(renderPlainText(confirm.title?.text ?? 'Are you sure?'));
    const text = el('div', 'confirm-text');
    text.append(
      confirm.text?.type === 'mrkdwn'
        ? renderMrkdwn(confirm.text.text, mentionNames())
        : renderPlainText(confirm.text?.text ?? ''),
    );
    const footer = el('footer', 'confirm-footer');
    const deny = el('button', 'bk-button confirm-deny', confirm.deny?.text ?? 'Cancel');
    const yes = el(
      'button',
      `bk-button confirm-yes ${confirm.style === 'danger' ? 'bk-danger' : 'bk-primary'}`,
      confirm.confirm?.text ?? 'Yes',
    );
    deny.type = 'button';
    yes.type = 'button';
    const done = (answer) => {
      layer.hidden = true;
      layer.replaceChildren();
      document.removeEventListener('keydown', onKey);
      resolve(answer);
    };
    const onKey = (event) => {
      if (event.key === 'Escape') done(false);
    };
    document.addEventListener('keydown', onKey);
    deny.addEventListener('click', () => done(false));
    yes.addEventListener('click', () => done(true));
    footer.append(deny, yes);
    dialog.append(title, text, footer);
    layer.replaceChildren(dialog);
    layer.hidden = false;
    yes.focus();
  });
}

// ---------------------------------------------------------------- actions

async function act(target, action, trigger, root) {
  trigger?.classList.add('is-pending');
  try {
    const values = root ? collectValues(root) : {};
    await post('api/action', { target, action, values });
  } finally {
    trigger?.classList.remove('is-pending');
  }
}

async function loadOptions(target, element, blockId, query) {
  if (target.kind !== 'view') return { options: [] };
  const modalBody = document.querySelector('#modal-layer .modal-body');
  const answer = await post('api/options', {
    viewId: target.viewId,
    actionId: element.action_id,
    blockId,
    value: query,
    values: modalBody ? collectValues(modalBody) : {},
  });
  return answer ?? { options: [] };
}

// ---------------------------------------------------------------- layout

function renderUserSwitch() {
  const container = $('#user-switch-buttons');
  container.replaceChildren(
    ...state.users.map((user) => {
      const button = el('button', 'user-button');
      button.type = 'button';
      button.dataset.userId = user.id;
      button.setAttribute('aria-pressed', String(user.id === ui.userId));
      button.append(avatar(user.id), el('span', 'user-name', user.name), el('span', 'user-role', user.role));
      button.addEventListener('click', () => switchUser(user.id));
      return button;
    }),
  );
}

/** Each person has their own Slack language; the bot reads it with `users.info` (include_locale). */
function renderLanguageSwitch() {
  const select = $('#language-switch');
  const me = state.users.find((u) => u.id === ui.userId);
  select.value = me?.locale ?? 'en-US';
  setReaderLocale(select.value);
}

async function switchLanguage(locale) {
  const answer = await post('api/language', { locale });
  if (answer?.users) state.users = answer.users;
  renderLanguageSwitch();
}

function switchUser(userId) {
  ui.userId = userId;
  localStorage.setItem('playground-user', userId);
  document.body.dataset.userId = userId;
  if (ui.nav === 'app' && ui.tab === 'home') post('api/home-opened', {});
  renderAll();
}

function navigate(nav, tab = ui.tab) {
  ui.nav = nav;
  ui.tab = tab;
  if (nav === 'app' && tab === 'home') post('api/home-opened', {});
  renderAll();
}

function renderLayout() {
  $('#channel-view').hidden = ui.nav !== 'channel';
  $('#app-view').hidden = ui.nav !== 'app';
  $('#home').hidden = ui.tab !== 'home';
  $('#dm-messages').hidden = ui.tab !== 'messages';
  for (const item of document.querySelectorAll('.sidebar-item'))
    item.classList.toggle('is-active', item.dataset.nav === ui.nav);
  for (const tab of document.querySelectorAll('.tab'))
    tab.setAttribute('aria-selected', String(tab.dataset.tab === ui.tab));
  document.body.dataset.userId = ui.userId;
}

function renderAll() {
  renderLayout();
  renderUserSwitch();
  renderLanguageSwitch();
  renderChannel();
  renderThread();
  renderDirectMessages();
  renderHome();
  renderModal();
}

// ---------------------------------------------------------------- composer

function setUpComposer(form) {
  const input = form.querySelector('.composer-input');
  const hint = form.querySelector('.command-hint');
  const send = async () => {
    const text = input.value.trim();
    if (!text) return;
    input.value = '';
    autosize(input);
    if (hint) hint.hidden = true;
    const threadTs = form.dataset.thread ? ui.threadTs : undefined;
    await post('api/compose', { text, threadTs });
  };
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    send();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    }
  });
  input.addEventListener('input', () => {
    autosize(input);
    // Slack lists matching commands while the first word is being typed.
    if (hint) hint.hidden = !(/^\/[a-z]*$/.test(input.value) && '/migrate'.startsWith(input.value));
  });
  hint?.querySelector('button').addEventListener('click', () => {
    input.value = '/migrate ';
    hint.hidden = true;
    input.focus();
  });
}

function autosize(input) {
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight, 200)}px`;
}

function setUp() {
  for (const item of document.querySelectorAll('.sidebar-item'))
    item.addEventListener('click', () => navigate(item.dataset.nav));
  for (const tab of document.querySelectorAll('.tab'))
    tab.addEventListener('click', () => navigate('app', tab.dataset.tab));
  $('#language-switch').addEventListener('change', (event) => switchLanguage(event.target.value));
  $('#thread-close').addEventListener('click', () => {
    ui.threadTs = undefined;
    renderAll();
  });
  for (const form of document.querySelectorAll('.composer')) setUpComposer(form);
  document.addEventListener('keydown', (event) => {
    if (event.key !== 'Escape') return;
    const openMenus = document.querySelectorAll('.bk-overflow .bk-menu:not([hidden])');
    for (const menu of openMenus) menu.hidden = true;
    if (openMenus.length === 0 && $('#confirm-layer').hidden) {
      const top = (state.modals[ui.userId] ?? []).at(-1);
      if (top) post('api/view-closed', { viewId: top.id, all: true });
    }
  });
  connect();
  $('#composer-input').focus();
}

setUp();
