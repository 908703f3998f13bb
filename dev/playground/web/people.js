// Who is who: names for people, the bot and Slackbot, their avatars, and their direct-message channels.
import { el } from './dom.js';
import { state } from './state.js';

const SLACKBOT = 'USLACKBOT';

export function nameOf(id) {
  if (id === state.botUserId) return 'migrate';
  if (id === SLACKBOT) return 'Slackbot';
  return state.users.find((u) => u.id === id)?.name ?? id;
}

export function userNames() {
  const names = new Map(state.users.map((u) => [u.id, u.name]));
  names.set(state.botUserId, 'migrate');
  return names;
}

/** People and channels by id, for mentions in text (`<@U…>`, `<#C…>`). */
export function mentionNames() {
  const names = userNames();
  if (state.channel.id) names.set(state.channel.id, state.channel.name);
  return names;
}

export function avatar(id) {
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

export function directChannelOf(userId) {
  return `D${userId.slice(1)}`;
}
