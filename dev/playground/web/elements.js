// Block Kit elements rendered as DOM controls. A control reports a change to the page through
// `ctx.act` (block_actions) and registers a reader for `view.state.values` (block-values.js).
import { image, plain, unsupported } from './block-parts.js';
import { registerReader } from './block-values.js';
import { el } from './dom.js';
import { renderPlainText, renderText } from './mrkdwn.js';
import { externalSelect, idSelect, nativeSelect } from './selects.js';

/**
 * One element. `place` decides what a change does: in `actions` and `accessory` any change is a
 * block_action; in `input` only the state changes, unless the block asks for `dispatch_action`.
 */
export function renderElement(element, blockId, ctx, place) {
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
      registerReader(node, { blockId, actionId, type, read });
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
