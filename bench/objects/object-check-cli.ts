import { runObjectCheck } from './object-check.js';

/** The bucket check's bench row alone: `node dist-bench/bench/object-check-cli.js [objects per side…]`. */
const sizes = process.argv.slice(2).map(Number).filter(Number.isFinite);
const result = await runObjectCheck({
  sizes: sizes.length > 0 ? sizes : [100_000, 1_000_000],
  log: (line) => console.log(line),
});
console.log(JSON.stringify(result, null, 2));
