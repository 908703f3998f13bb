/** The bot's one clock lives in `src/clock.ts`; the watcher's modules import it from here. */
export { type Clock, systemClock } from '../clock.js';
