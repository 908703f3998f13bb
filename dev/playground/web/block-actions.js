// What rendered blocks can do on this page: confirm dialogs, block_actions and external_select options,
// all answered through the playground server.
import { collectValues } from './block-values.js';
import { $, el } from './dom.js';
import { renderMrkdwn, renderPlainText } from './mrkdwn.js';
import { mentionNames, userNames } from './people.js';
import { post } from './server.js';
import { state } from './state.js';

export function blockContext(target) {
  return {
    users: userNames(),
    names: mentionNames(),
    channels: [state.channel],
    confirm: confirmDialog,
    act: (action, trigger, root) => act(target, action, trigger, root),
    loadOptions: (element, blockId, query) => loadOptions(target, element, blockId, query),
  };
}

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
