// Block Kit rendered as DOM: messages, modals and the Home tab. Blocks are drawn here; their
// interactive elements in elements.js, which report to the page through `ctx.act` (block_actions) and
// `ctx.loadOptions` (external_select); what inputs hold is read by block-values.js.
import { image, plain, unsupported } from './block-parts.js';
import { el } from './dom.js';
import { renderElement } from './elements.js';
import { readerLanguage, renderMrkdwn, renderPlainText, renderText } from './mrkdwn.js';

/** What Slack's own client writes beside an optional input, in the reader's language. */
const OPTIONAL = { ko: '(선택 사항)', zh: '(可选)' };

/**
 * ctx: {
 *   users: Map<id, name> (people), names: Map<id, name> (people and channels, for mentions in text),
 *   channels: [{id, name}],
 *   act(action, sourceElement, root): Promise — a block_actions request (confirm already passed),
 *   root: the rendered blocks, whose inputs go into the request's state,
 *   confirm(confirmObject): Promise<boolean>,
 *   loadOptions(element, blockId, query): Promise<{options?, option_groups?}>,
 *   values?: previously entered values by block_id → action_id (kept across view updates),
 *   errors?: { [block_id]: message },
 * }
 */

/** Renders a list of blocks; unknown block types show as a grey placeholder, never silently vanish. */
export function renderBlocks(blocks, ctx) {
  const root = el('div', 'blocks');
  blocks.forEach((block, index) => {
    const blockId = block.block_id ?? `block-${index}`;
    const render = BLOCKS[block.type];
    const node = render ? render(block, blockId, ctx) : unsupported(`${block.type} block`);
    node.classList.add('block', `block-${block.type}`);
    node.dataset.blockId = blockId;
    root.append(node);
  });
  return root;
}

const BLOCKS = {
  section(block, blockId, ctx) {
    const node = el('div');
    const main = el('div', 'section-main');
    if (block.text) main.append(textNode(block.text, ctx, 'section-text'));
    if (block.fields?.length) {
      const fields = el('div', 'section-fields');
      for (const field of block.fields) fields.append(textNode(field, ctx, 'section-field'));
      main.append(fields);
    }
    node.append(main);
    if (block.accessory) {
      const accessory = el('div', 'section-accessory');
      accessory.append(renderElement(block.accessory, blockId, ctx, 'accessory'));
      node.append(accessory);
    }
    return node;
  },
  header(block) {
    const node = el('div');
    node.append(renderPlainText(plain(block.text), block.text?.emoji !== false));
    return node;
  },
  context(block, _blockId, ctx) {
    const node = el('div');
    for (const element of block.elements ?? []) {
      if (element.type === 'image') node.append(image(element, 'context-image'));
      else node.append(textNode(element, ctx, 'context-text'));
    }
    return node;
  },
  divider() {
    return el('hr');
  },
  actions(block, blockId, ctx) {
    const node = el('div');
    for (const element of block.elements ?? []) node.append(renderElement(element, blockId, ctx, 'actions'));
    return node;
  },
  image(block) {
    const node = el('figure');
    if (block.title) node.append(el('figcaption', 'image-title', plain(block.title)));
    node.append(image(block, 'image-full'));
    return node;
  },
  input(block, blockId, ctx) {
    const node = el('div');
    node.dataset.required = String(block.optional !== true);
    const label = el('label', 'input-label', plain(block.label));
    if (block.optional)
      label.append(el('span', 'input-optional', ` ${OPTIONAL[readerLanguage()] ?? '(optional)'}`));
    node.append(label);
    const dispatch = block.dispatch_action === true;
    node.append(renderElement(block.element, blockId, ctx, dispatch ? 'input-dispatch' : 'input'));
    const error = ctx.errors?.[blockId];
    if (error) {
      node.classList.add('has-error');
      node.append(el('div', 'input-error', error));
    }
    if (block.hint) node.append(el('div', 'input-hint', plain(block.hint)));
    return node;
  },
  rich_text(block, _blockId, ctx) {
    const node = el('div');
    for (const element of block.elements ?? []) node.append(richTextElement(element, ctx));
    return node;
  },
};

function textNode(textObject, ctx, className) {
  const node = el('div', className);
  node.append(renderText(textObject, ctx.names ?? ctx.users));
  return node;
}

function richTextElement(element, ctx) {
  switch (element.type) {
    case 'rich_text_section': {
      const node = el('div', 'rich-section');
      for (const part of element.elements ?? []) node.append(richInline(part, ctx));
      return node;
    }
    case 'rich_text_preformatted': {
      const node = el('pre', 'mrkdwn-pre');
      for (const part of element.elements ?? []) node.append(richInline(part, ctx));
      return node;
    }
    case 'rich_text_quote': {
      const node = el('blockquote', 'mrkdwn-quote');
      for (const part of element.elements ?? []) node.append(richInline(part, ctx));
      return node;
    }
    case 'rich_text_list': {
      const node = el(element.style === 'ordered' ? 'ol' : 'ul', 'rich-list');
      for (const item of element.elements ?? []) {
        const li = el('li');
        li.append(richTextElement(item, ctx));
        node.append(li);
      }
      return node;
    }
    default:
      return unsupported(element.type);
  }
}

function richInline(part, ctx) {
  let node;
  switch (part.type) {
    case 'text':
      node = document.createTextNode(part.text ?? '');
      break;
    case 'link': {
      node = el('a', 'mrkdwn-link', part.text ?? part.url);
      if (/^(https?:\/\/|mailto:)/i.test(part.url ?? '')) node.href = part.url;
      node.target = '_blank';
      node.rel = 'noopener noreferrer';
      break;
    }
    case 'user':
      node = el('span', 'mention', `@${ctx.users.get(part.user_id) ?? part.user_id}`);
      break;
    case 'channel':
      node = el(
        'span',
        'mention',
        `#${ctx.channels.find((c) => c.id === part.channel_id)?.name ?? part.channel_id}`,
      );
      break;
    case 'emoji':
      node = renderMrkdwn(`:${part.name}:`);
      break;
    default:
      node = document.createTextNode('');
  }
  const style = part.style ?? {};
  for (const [flag, tag] of [
    ['code', 'code'],
    ['strike', 's'],
    ['italic', 'em'],
    ['bold', 'strong'],
  ]) {
    if (!style[flag]) continue;
    const wrap = el(tag, flag === 'code' ? 'mrkdwn-code' : '');
    wrap.append(node);
    node = wrap;
  }
  return node;
}
