import type { PostAdditions } from '../../contract/card.js';
import type { PostsSeam } from '../../contract/started.js';
import type { StartedList } from './started-list.js';

/** Their own posts and Home sections, with what every capability adds under a verification. */
export function collectPosts(list: StartedList): PostsSeam {
  const verificationButtons: PostsSeam['verificationButtons'] = (run, tr) =>
    list.each('posts').flatMap(({ part }) => part.verificationButtons?.(run, tr) ?? []);
  const more: PostAdditions = { verificationButtons };
  const render: PostsSeam['render'] = (name, view, tr, now) =>
    list.parts(name)?.posts?.render?.(view, tr, now, more);
  return {
    verificationButtons,
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
