// The page's link to the playground server: requests it turns into what Slack would send the bot, and
// the live event stream that keeps the page's copy of the conversation current.
import { $ } from './dom.js';
import { renderAll, state, ui } from './state.js';

export async function post(path, body) {
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

export function connect() {
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
export function toast(text) {
  const node = $('#toast');
  node.textContent = text;
  node.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (node.hidden = true), 6000);
}
