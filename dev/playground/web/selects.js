// Select menus: static (native <select>), people and channels by id, and external_select, whose
// options come from the bot.
import { plain } from './block-parts.js';
import { el } from './dom.js';

function optionsOf(options, groups) {
  return groups ? groups.flatMap((g) => g.options ?? []) : (options ?? []);
}

export function nativeSelect(element, { register, fire, initial }, options, groups, multiple) {
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

export function idSelect(element, { register, fire, initial }, options, field, initialId) {
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
export function externalSelect(element, { register, fire, initial, ctx, blockId }) {
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
