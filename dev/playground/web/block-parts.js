// Small Block Kit pieces shared by blocks and elements: a text object's text, the placeholder for what
// the playground does not draw, and images.
import { el } from './dom.js';

export function plain(textObject) {
  return textObject?.text ?? '';
}

export function unsupported(what) {
  return el('div', 'bk-unsupported', `[${what} is not shown in the playground]`);
}

export function image(element, className) {
  const img = el('img', className);
  const url = String(element.image_url ?? '');
  // A file the bot shared is served by the playground itself (`/files/<id>`).
  if (/^https?:\/\//i.test(url) || /^\/files\/[A-Za-z0-9_-]+$/.test(url)) img.src = url;
  img.alt = element.alt_text ?? '';
  img.loading = 'lazy';
  return img;
}
