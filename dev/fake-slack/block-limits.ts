/**
 * Slack's documented Block Kit limits (reference/chatops-anchors.md §3.3–3.4). The fake Slack
 * rejects payloads that break them, as Slack would, so tests catch an oversized card.
 */
type Json = Record<string, unknown>;

export type Surface = 'message' | 'modal' | 'home';

const MAX_BLOCKS: Record<Surface, number> = { message: 50, modal: 100, home: 100 };

/**
 * Unofficial: Slack answers `msg_blocks_too_long` to a message whose blocks carry about 13,200
 * characters of text in all (bolt-js#2509; reference/chatops-anchors.md §2.5), whatever each block's own limit.
 */
export const MESSAGE_TOTAL_TEXT_MAX = 13_200;

/** Every `text` string in the blocks, text objects and buttons alike, added up. */
export function totalBlockText(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((sum: number, v) => sum + totalBlockText(v), 0);
  if (value === null || typeof value !== 'object') return 0;
  let sum = 0;
  for (const [key, v] of Object.entries(value as Json)) {
    sum += key === 'text' && typeof v === 'string' ? v.length : totalBlockText(v);
  }
  return sum;
}

export function blockLimitProblems(blocks: unknown, surface: Surface): string[] {
  const problems: string[] = [];
  if (blocks === undefined) return problems;
  if (!Array.isArray(blocks)) return ['blocks must be an array'];
  if (blocks.length > MAX_BLOCKS[surface]) problems.push(`${blocks.length} blocks > ${MAX_BLOCKS[surface]}`);
  const total = surface === 'message' ? totalBlockText(blocks) : 0;
  if (total > MESSAGE_TOTAL_TEXT_MAX)
    problems.push(`msg_blocks_too_long: ${total} chars of text > ${MESSAGE_TOTAL_TEXT_MAX}`);
  const blockIds = new Set<string>();
  blocks.forEach((block: Json, i) => {
    const at = `blocks[${i}]`;
    if (typeof block.block_id === 'string') {
      if (block.block_id.length > 255) problems.push(`${at}.block_id > 255`);
      if (blockIds.has(block.block_id)) problems.push(`${at}.block_id duplicated`);
      blockIds.add(block.block_id);
    }
    switch (block.type) {
      case 'header':
        textLimit(problems, `${at}.text`, block.text, 150);
        break;
      case 'section':
        if (block.text) textLimit(problems, `${at}.text`, block.text, 3000);
        if (Array.isArray(block.fields)) {
          if (block.fields.length > 10) problems.push(`${at}.fields > 10`);
          block.fields.forEach((f, j) => textLimit(problems, `${at}.fields[${j}]`, f, 2000));
        }
        if (!block.text && !block.fields) problems.push(`${at} needs text or fields`);
        if (block.accessory) elementProblems(problems, `${at}.accessory`, block.accessory as Json);
        break;
      case 'context':
        if (!Array.isArray(block.elements) || block.elements.length === 0 || block.elements.length > 10) {
          problems.push(`${at}.elements must be 1–10`);
        } else block.elements.forEach((e, j) => textLimit(problems, `${at}.elements[${j}]`, e, 3000));
        break;
      case 'actions': {
        const elements = Array.isArray(block.elements) ? (block.elements as Json[]) : [];
        if (elements.length === 0 || elements.length > 25) problems.push(`${at}.elements must be 1–25`);
        const actionIds = new Set<string>();
        elements.forEach((e, j) => {
          elementProblems(problems, `${at}.elements[${j}]`, e);
          const id = String(e.action_id ?? '');
          if (id && actionIds.has(id)) problems.push(`${at}.elements[${j}].action_id duplicated`);
          actionIds.add(id);
        });
        break;
      }
      case 'divider':
      case 'input':
      case 'image':
        break;
      default:
        problems.push(`${at}: unknown block type ${String(block.type)}`);
    }
  });
  return problems;
}

function textLimit(problems: string[], at: string, text: unknown, max: number): void {
  const value = (text as Json | undefined)?.text;
  if (typeof value !== 'string' || value.length === 0) problems.push(`${at}.text must be a non-empty string`);
  else if (value.length > max) problems.push(`${at}.text ${value.length} chars > ${max}`);
}

function elementProblems(problems: string[], at: string, element: Json): void {
  if (typeof element.action_id === 'string' && element.action_id.length > 255)
    problems.push(`${at}.action_id > 255`);
  if (element.type === 'button') {
    textLimit(problems, `${at}.text`, element.text, 75);
    if (typeof element.value === 'string' && element.value.length > 2000) problems.push(`${at}.value > 2000`);
    if (element.style !== undefined && element.style !== 'primary' && element.style !== 'danger') {
      problems.push(`${at}.style must be primary or danger`);
    }
    const confirm = element.confirm as Json | undefined;
    if (confirm) {
      textLimit(problems, `${at}.confirm.title`, confirm.title, 100);
      textLimit(problems, `${at}.confirm.text`, confirm.text, 300);
      textLimit(problems, `${at}.confirm.confirm`, confirm.confirm, 30);
      textLimit(problems, `${at}.confirm.deny`, confirm.deny, 30);
    }
  }
}
