// Block Kit rendered as DOM: messages, modals and the Home tab. Interactive elements report to the
// page through `ctx.act` (block_actions) and `ctx.loadOptions` (external_select); inputs register
// a reader so `collectValues` can build `view.state.values` exactly as Slack sends it.
import { renderMrkdwn, renderPlainText, renderText } from './mrkdwn.js';

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

const readers = new WeakMap();

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function plain(textObject) {
  return textObject?.text ?? '';
}

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

/** `view.state.values`: { block_id: { action_id: { type, value | selected_… } } }. */
export function collectValues(root) {
  const values = {};
  for (const node of root.querySelectorAll('.bk-control')) {
    const reader = readers.get(node);
    if (!reader) continue;
    values[reader.blockId] ??= {};
    values[reader.blockId][reader.actionId] = { type: reader.type, ...reader.read() };
  }
  return values;
}

/** Input blocks that are required and empty, as Slack checks before it sends a submission. */
export function missingRequiredInputs(root) {
  const missing = [];
  for (const node of root.querySelectorAll('.block-input[data-required="true"] .bk-control')) {
    const reader = readers.get(node);
    if (reader && isEmpty(reader.read())) missing.push(reader.blockId);
  }
  return missing;
}

function isEmpty(state) {
  const value = Object.values(state)[0];
  return (
    value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)
  );
}

function unsupported(what) {
  return el('div', 'bk-unsupported', `[${what} is not shown in the playground]`);
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
    if (block.optional) label.append(el('span', 'input-optional', ' (optional)'));
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

function image(element, className) {
  const img = el('img', className);
  const url = String(element.image_url ?? '');
  // A file the bot shared is served by the playground itself (`/files/<id>`).
  if (/^https?:\/\//i.test(url) || /^\/files\/[A-Za-z0-9_-]+$/.test(url)) img.src = url;
  img.alt = element.alt_text ?? '';
  img.loading = 'lazy';
  return img;
}

/**
 * One element. `place` decides what a change does: in `actions` and `accessory` any change is a
 * block_action; in `input` only the state changes, unless the block asks for `dispatch_action`.
 */
function renderElement(element, blockId, ctx, place) {
  const render = ELEMENTS[element.type];
  if (!render) return unsupported(`${element.type} element`);
  const actionId = element.action_id ?? `${element.type}-${blockId}`;
  const dispatches = place !== 'input';
  const initial = ctx.values?.[blockId]?.[actionId];
  return render(element, {
    blockId,
    actionId,
    ctx,
    initial,
    /** Registers how to read this control's state for view.state.values. */
    register(node, type, read) {
      node.classList.add('bk-control');
      readers.set(node, { blockId, actionId, type, read });
    },
    /** Sends a block_action for this element (after its confirm dialog, if any). */
    async fire(fields, trigger) {
      if (!dispatches) return;
      if (element.confirm && !(await ctx.confirm(element.confirm))) return;
      await ctx.act(
        { type: element.type, action_id: actionId, block_id: blockId, ...fields },
        trigger,
        ctx.root,
      );
    },
  });
}

const ELEMENTS = {
  button(element, { fire }) {
    const button = el('button', `bk-button${element.style ? ` bk-${element.style}` : ''}`);
    button.type = 'button';
    button.append(renderPlainText(plain(element.text), element.text?.emoji !== false));
    button.dataset.actionId = element.action_id ?? '';
    button.addEventListener('click', async () => {
      if (element.url && /^https?:\/\//i.test(element.url)) window.open(element.url, '_blank', 'noopener');
      const fields = { text: element.text };
      if (element.value !== undefined) fields.value = element.value;
      if (element.style) fields.style = element.style;
      await fire(fields, button);
    });
    return button;
  },

  overflow(element, { fire }) {
    const wrapper = el('div', 'bk-overflow');
    const toggle = el('button', 'bk-button bk-overflow-toggle', '⋯');
    toggle.type = 'button';
    toggle.setAttribute('aria-label', 'More actions');
    const menu = el('div', 'bk-menu');
    menu.hidden = true;
    for (const option of element.options ?? []) {
      const item = el('button', 'bk-menu-item', plain(option.text));
      item.type = 'button';
      item.addEventListener('click', async () => {
        menu.hidden = true;
        if (option.url && /^https?:\/\//i.test(option.url)) window.open(option.url, '_blank', 'noopener');
        await fire({ selected_option: option }, toggle);
      });
      menu.append(item);
    }
    toggle.addEventListener('click', (event) => {
      event.stopPropagation();
      menu.hidden = !menu.hidden;
      if (!menu.hidden) document.addEventListener('click', () => (menu.hidden = true), { once: true });
    });
    wrapper.append(toggle, menu);
    return wrapper;
  },

  static_select(element, tools) {
    return nativeSelect(element, tools, element.options, element.option_groups, false);
  },

  multi_static_select(element, tools) {
    return nativeSelect(element, tools, element.options, element.option_groups, true);
  },

  users_select(element, tools) {
    const options = [...tools.ctx.users].map(([id, name]) => ({
      text: { type: 'plain_text', text: name },
      value: id,
    }));
    return idSelect(element, tools, options, 'selected_user', element.initial_user);
  },

  conversations_select(element, tools) {
    const options = tools.ctx.channels.map((c) => ({
      text: { type: 'plain_text', text: `#${c.name}` },
      value: c.id,
    }));
    // The playground's one channel is where every command runs, so it is the "current conversation".
    const initial =
      element.initial_conversation ??
      (element.default_to_current_conversation ? tools.ctx.channels[0]?.id : undefined);
    return idSelect(element, tools, options, 'selected_conversation', initial);
  },

  channels_select(element, tools) {
    const options = tools.ctx.channels.map((c) => ({
      text: { type: 'plain_text', text: `#${c.name}` },
      value: c.id,
    }));
    return idSelect(element, tools, options, 'selected_channel', element.initial_channel);
  },

  external_select(element, tools) {
    return externalSelect(element, tools);
  },

  datepicker(element, { register, fire, initial }) {
    const input = el('input', 'bk-input bk-date');
    input.type = 'date';
    input.value = initial?.selected_date ?? element.initial_date ?? '';
    register(input, 'datepicker', () => ({ selected_date: input.value || null }));
    input.addEventListener('change', () => fire({ selected_date: input.value || null }, input));
    return input;
  },

  timepicker(element, { register, fire, initial }) {
    const input = el('input', 'bk-input bk-time');
    input.type = 'time';
    input.value = initial?.selected_time ?? element.initial_time ?? '';
    register(input, 'timepicker', () => ({ selected_time: input.value || null }));
    input.addEventListener('change', () => fire({ selected_time: input.value || null }, input));
    return input;
  },

  plain_text_input(element, tools) {
    return textInput(element, tools, element.multiline ? 'textarea' : 'text', 'plain_text_input');
  },
  email_text_input(element, tools) {
    return textInput(element, tools, 'email', 'email_text_input');
  },
  url_text_input(element, tools) {
    return textInput(element, tools, 'url', 'url_text_input');
  },
  number_input(element, tools) {
    return textInput(element, tools, 'number', 'number_input');
  },

  checkboxes(element, { register, fire, initial, ctx }) {
    const group = el('div', 'bk-choices');
    const chosen = new Set(
      (initial?.selected_options ?? element.initial_options ?? []).map((option) => option.value),
    );
    const boxes = (element.options ?? []).map((option) => {
      const label = el('label', 'bk-choice');
      const box = el('input');
      box.type = 'checkbox';
      box.checked = chosen.has(option.value);
      label.append(box, renderText(option.text, ctx.names ?? ctx.users));
      group.append(label);
      return { box, option };
    });
    const read = () => ({ selected_options: boxes.filter((b) => b.box.checked).map((b) => b.option) });
    register(group, 'checkboxes', read);
    for (const { box } of boxes) box.addEventListener('change', () => fire(read(), group));
    return group;
  },

  radio_buttons(element, { register, fire, initial, ctx, actionId, blockId }) {
    const group = el('div', 'bk-choices');
    const chosen = initial?.selected_option?.value ?? element.initial_option?.value;
    const radios = (element.options ?? []).map((option) => {
      const label = el('label', 'bk-choice');
      const radio = el('input');
      radio.type = 'radio';
      radio.name = `${blockId}/${actionId}`;
      radio.checked = option.value === chosen;
      label.append(radio, renderText(option.text, ctx.names ?? ctx.users));
      group.append(label);
      return { radio, option };
    });
    const read = () => ({ selected_option: radios.find((r) => r.radio.checked)?.option ?? null });
    register(group, 'radio_buttons', read);
    for (const { radio } of radios) radio.addEventListener('change', () => fire(read(), group));
    return group;
  },

  image(element) {
    return image(element, 'accessory-image');
  },
};

function textInput(element, { register, fire, initial }, kind, type) {
  const input = kind === 'textarea' ? el('textarea', 'bk-input') : el('input', 'bk-input');
  if (kind !== 'textarea') input.type = kind;
  if (element.placeholder) input.placeholder = plain(element.placeholder);
  if (element.max_length) input.maxLength = element.max_length;
  if (type === 'number_input') {
    if (element.min_value !== undefined) input.min = element.min_value;
    if (element.max_value !== undefined) input.max = element.max_value;
    input.step = element.is_decimal_allowed ? 'any' : '1';
  }
  input.value = initial?.value ?? element.initial_value ?? '';
  register(input, type, () => ({ value: input.value === '' ? null : input.value }));
  // With dispatch_action, Slack sends the value when Enter is pressed.
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && kind !== 'textarea') {
      event.preventDefault();
      fire({ value: input.value }, input);
    }
  });
  return input;
}

function optionsOf(options, groups) {
  return groups ? groups.flatMap((g) => g.options ?? []) : (options ?? []);
}

function nativeSelect(element, { register, fire, initial }, options, groups, multiple) {
  const select = el('select', 'bk-select');
  select.multiple = multiple;
  const all = optionsOf(options, groups);
  if (!multiple) {
    const placeholder = el('option', '', plain(element.placeholder) || 'Select an item');
    placeholder.value = '';
    select.append(placeholder);
  }
  const addOptions = (parent, list) => {
    for (const option of list) {
      const node = el('option', '', plain(option.text));
      node.value = String(all.indexOf(option));
      parent.append(node);
    }
  };
  if (groups) {
    for (const group of groups) {
      const node = el('optgroup');
      node.label = plain(group.label);
      addOptions(node, group.options ?? []);
      select.append(node);
    }
  } else addOptions(select, all);
  const chosen = multiple
    ? (initial?.selected_options ?? element.initial_options ?? []).map((o) => o.value)
    : [initial?.selected_option?.value ?? element.initial_option?.value];
  for (const node of select.options) {
    const option = all[Number(node.value)];
    if (node.value !== '' && option && chosen.includes(option.value)) node.selected = true;
  }
  const read = () => {
    const picked = [...select.selectedOptions].filter((o) => o.value !== '').map((o) => all[Number(o.value)]);
    return multiple ? { selected_options: picked } : { selected_option: picked[0] ?? null };
  };
  register(select, element.type, read);
  select.addEventListener('change', () => fire(read(), select));
  return select;
}

function idSelect(element, { register, fire, initial }, options, field, initialId) {
  const select = el('select', 'bk-select');
  const placeholder = el('option', '', plain(element.placeholder) || 'Select an item');
  placeholder.value = '';
  select.append(placeholder);
  const chosen = initial?.[field] ?? initialId;
  for (const option of options) {
    const node = el('option', '', plain(option.text));
    node.value = option.value;
    node.selected = option.value === chosen;
    select.append(node);
  }
  const read = () => ({ [field]: select.value || null });
  register(select, element.type, read);
  select.addEventListener('change', () => fire(read(), select));
  return select;
}

/**
 * A select whose options come from the bot (`block_suggestion`): typing asks for options once the
 * query is `min_query_length` long (Slack's default is 3); picking one sets the value.
 */
function externalSelect(element, { register, fire, initial, ctx, blockId }) {
  const box = el('div', 'bk-combobox');
  const input = el('input', 'bk-input bk-combobox-input');
  input.type = 'text';
  input.placeholder = plain(element.placeholder) || 'Type to search';
  input.setAttribute('role', 'combobox');
  input.setAttribute('autocomplete', 'off');
  const list = el('div', 'bk-menu bk-combobox-list');
  list.setAttribute('role', 'listbox');
  list.hidden = true;
  let selected = initial?.selected_option ?? element.initial_option ?? null;
  if (selected) input.value = plain(selected.text);
  const minLength = element.min_query_length ?? 3;
  let asked = 0;

  const choose = (option) => {
    selected = option;
    input.value = plain(option.text);
    list.hidden = true;
    box.classList.remove('is-open');
    fire({ selected_option: option }, input);
  };
  const show = (answer) => {
    list.replaceChildren();
    const groups = answer?.option_groups ?? [{ options: answer?.options ?? [] }];
    for (const group of groups) {
      if (group.label) list.append(el('div', 'bk-menu-group', plain(group.label)));
      for (const option of group.options ?? []) {
        const item = el('button', 'bk-menu-item', plain(option.text));
        item.type = 'button';
        item.setAttribute('role', 'option');
        item.addEventListener('mousedown', (event) => {
          event.preventDefault();
          choose(option);
        });
        list.append(item);
      }
    }
    if (!list.children.length) list.append(el('div', 'bk-menu-empty', 'No results'));
    list.hidden = false;
    box.classList.add('is-open');
  };
  const query = async () => {
    if (input.value.length < minLength) {
      list.hidden = true;
      return;
    }
    const mine = ++asked;
    const answer = await ctx.loadOptions(element, blockId, input.value);
    if (mine === asked) show(answer);
  };
  let timer;
  input.addEventListener('input', () => {
    selected = null;
    clearTimeout(timer);
    timer = setTimeout(query, 150);
  });
  input.addEventListener('focus', () => {
    if (minLength === 0 || input.value.length >= minLength) query();
  });
  input.addEventListener('blur', () => {
    list.hidden = true;
    box.classList.remove('is-open');
  });
  box.append(input, list);
  register(box, 'external_select', () => ({ selected_option: selected }));
  return box;
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
