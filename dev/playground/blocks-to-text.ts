import { mrkdwnToText } from './mrkdwn-to-text.js';

type Node = Record<string, unknown>;

/** A terminal rendering of Block Kit, good enough to read a card. */
export function blocksToText(blocks: unknown[], fallback: string, options: { ansi?: boolean } = {}): string {
  if (blocks.length === 0) return mrkdwnToText(fallback, options);
  const lines: string[] = [];
  for (const block of blocks as Node[]) {
    const text = (block.text as Node | undefined)?.text;
    switch (block.type) {
      case 'header':
        lines.push(`\n== ${String(text)} ==`);
        break;
      case 'section':
        if (text) lines.push(String(text));
        for (const field of (block.fields as Node[] | undefined) ?? [])
          lines.push(`  ${String(field.text).replace('\n', ': ')}`);
        if (block.accessory) lines.push(`  [${String(((block.accessory as Node).text as Node).text)}]`);
        break;
      case 'context':
        lines.push(((block.elements as Node[]) ?? []).map((e) => String(e.text)).join(' '));
        break;
      case 'actions':
        lines.push(
          ((block.elements as Node[]) ?? []).map((e) => `[${String((e.text as Node).text)}]`).join(' '),
        );
        break;
      case 'divider':
        lines.push('---');
        break;
    }
  }
  return mrkdwnToText(lines.join('\n'), options);
}
