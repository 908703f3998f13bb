import type { PostsSeam } from '../../contract/started.js';
import type { StartedList } from './started-list.js';

/** Their own posts and Home sections, with what the others add under each (`posts.under`). */
export function collectPosts(list: StartedList): PostsSeam {
  const buttonsUnder: PostsSeam['buttonsUnder'] = (owner, subject, tr) =>
    list.each('posts').flatMap(({ part }) => part.under?.[owner]?.(subject, tr) ?? []);
  const render: PostsSeam['render'] = (name, view, tr, now) =>
    list.parts(name)?.posts?.render?.(view, tr, now, {
      buttonsUnder: (subject, tr2) => buttonsUnder(name, subject, tr2),
    });
  return {
    buttonsUnder,
    render,
    // `first`: the sections that lead the tab; `after`: the others, each parted by a divider. One
    // that cannot say (a store error) is left out, so the tab still opens.
    async homeBlocks(who, tr, now) {
      const drawn = { first: [] as unknown[], after: [] as unknown[] };
      for (const { name, part } of list.each('posts')) {
        const view = await part.home?.(who).catch(() => undefined);
        const blocks = view === undefined ? [] : (render(name, view, tr, now)?.blocks ?? []);
        if (blocks.length === 0) continue;
        if (!part.homeFirst && drawn.after.length > 0) drawn.after.push({ type: 'divider' });
        drawn[part.homeFirst ? 'first' : 'after'].push(...blocks);
      }
      return drawn;
    },
  };
}
