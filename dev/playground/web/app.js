// The playground page: a Slack-like channel, threads, App Home and modals, kept live over
// server-sent events. Everything the person does goes to the playground server, which turns it into
// the signed request Slack would send the bot. This module lays the page out and wires its controls;
// the parts: state.js (what the page knows), server.js (the link to the server), messages.js,
// views.js (App Home and modals), block-actions.js, and blocks.js with elements.js (Block Kit).
import { $, el } from './dom.js';
import { renderChannel, renderDirectMessages, renderThread } from './messages.js';
import { setReaderLocale } from './mrkdwn.js';
import { avatar } from './people.js';
import { connect, post } from './server.js';
import { renderAll, setPageRenderer, state, ui } from './state.js';
import { renderHome, renderModal } from './views.js';

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
  // The page is this person's Slack: in their language (Korean wraps between words, style.css).
  document.documentElement.lang = select.value;
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

function renderPage() {
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

setPageRenderer(renderPage);
setUp();
