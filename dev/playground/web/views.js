// Views: the App Home tab and the modal stack, with Slack's check of required inputs before a submission.
import { blockContext } from './block-actions.js';
import { collectValues, missingRequiredInputs } from './block-values.js';
import { renderBlocks } from './blocks.js';
import { $, el } from './dom.js';
import { renderPlainText } from './mrkdwn.js';
import { post } from './server.js';
import { state, ui } from './state.js';

export function renderHome() {
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

export function renderModal() {
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
