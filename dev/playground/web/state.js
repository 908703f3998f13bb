// What the page knows: the conversation mirrored from the playground server, and this viewer's choices.

export const state = {
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

export const ui = {
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

/**
 * Redraws the whole page. app.js sets the renderer; the parts call it through here, since they cannot
 * import app.js, which imports them.
 */
let renderPage = () => {};
export function setPageRenderer(render) {
  renderPage = render;
}
export function renderAll() {
  renderPage();
}
