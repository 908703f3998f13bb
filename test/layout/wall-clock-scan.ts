import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * Finds assertions that compare a measured wall-clock time against a bound (issue 75): a test
 * that does so passes on a quiet machine and fails on a loaded one (CI's Redis Cluster run failed
 * on "expected 653 to be less than or equal to 645"). The rule, in one file at a time:
 *
 * - a **reading** is `Date.now()`, `performance.now()` or `process.hrtime…()`, unless the file
 *   fakes that clock (`vi.useFakeTimers`/`vi.setSystemTime` for Date, `vi.spyOn(performance,
 *   'now')`): then it is the test's own clock, which it moves;
 * - a **stamp** is a name given a reading as it is (`const started = Date.now()`);
 * - a **measured** value is a difference with a reading or a stamp on one side and neither a literal
 *   nor a named constant on the other (`Date.now() - 60_000` is a time, not a duration), and whatever
 *   is computed from one: a name or a property (`ms: performance.now() - t0`, also in a harness
 *   module the file imports, as `postSigned`'s `.ms`) given such a value, a name destructured
 *   from such a property, a call to a function that returns one;
 * - an **assertion on it** is `expect(…)` with `toBeLessThan(OrEqual)`, `toBeGreaterThan(OrEqual)`
 *   or `toBeCloseTo`, `expect(a < b).toBe(…)` or `assert(a < b)`, with a measured value on
 *   either side.
 *
 * A time read from an injected clock (`TestClock`, `world.now()`, a simulated `sim.now()`) is not
 * a reading, so asserting on it is fine; so is comparing configuration constants.
 */
export interface WallClockAssertion {
  line: number;
  text: string;
}

const COMPARE = new Set([
  'toBeLessThan',
  'toBeLessThanOrEqual',
  'toBeGreaterThan',
  'toBeGreaterThanOrEqual',
  'toBeCloseTo',
]);
const ORDER = new Set([
  ts.SyntaxKind.LessThanToken,
  ts.SyntaxKind.LessThanEqualsToken,
  ts.SyntaxKind.GreaterThanToken,
  ts.SyntaxKind.GreaterThanEqualsToken,
]);

interface Taint {
  stamps: Set<string>;
  names: Set<string>;
  props: Set<string>;
  fns: Set<string>;
}

function unwrap(node: ts.Node): ts.Node {
  let n = node;
  while (
    ts.isParenthesizedExpression(n) ||
    ts.isNonNullExpression(n) ||
    ts.isAwaitExpression(n) ||
    ts.isAsExpression(n)
  )
    n = n.expression;
  return n;
}

/** A literal or a named constant (`60_000`, `2 * DAY_MS`): a reading minus it is a time, not a duration. */
function constant(node: ts.Node): boolean {
  let only = true;
  each(node, (n) => {
    if (ts.isCallExpression(n) || (ts.isIdentifier(n) && !/^[A-Z][A-Z0-9_]*$/.test(n.text))) only = false;
  });
  return only;
}

/** `f` of `f(…)` and of `x.f(…)`: a function the file declares, returned in an object or not. */
function calleeName(call: ts.CallExpression): string {
  const callee = call.expression;
  if (ts.isIdentifier(callee)) return callee.text;
  return ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
}

/** Visits `node` and what it holds, but not under a node for which `visit` says 'skip'. */
function each(node: ts.Node, visit: (n: ts.Node) => unknown): void {
  if (visit(node) === 'skip') return;
  node.forEachChild((child) => each(child, visit));
}

/** The real-clock readings this file does not fake. */
function readingOf(text: string): (node: ts.Node, source: ts.SourceFile) => boolean {
  const fakeDate = /vi\.(useFakeTimers|setSystemTime)\(/.test(text);
  const fakePerformance = /spyOn\(\s*performance\s*,\s*['"]now['"]/.test(text);
  return (node, source) => {
    if (!ts.isCallExpression(node)) return false;
    const callee = node.expression.getText(source).replace(/\s+/g, '');
    if (callee === 'Date.now') return !fakeDate;
    if (callee === 'performance.now') return !fakePerformance;
    return callee === 'process.hrtime' || callee === 'process.hrtime.bigint';
  };
}

function taintOf(source: ts.SourceFile, text: string, imported: Set<string>, strict = false): Taint {
  const reading = readingOf(text);
  // A property the file also fills itself (`{ ms: at - previous }` on a simulated clock) is judged
  // by what the file puts in it, not by what a harness module does with the same name.
  const own = new Set<string>();
  each(source, (n) => {
    if (ts.isPropertyAssignment(n) || ts.isShorthandPropertyAssignment(n)) own.add(n.name.getText(source));
  });
  const taint: Taint = {
    stamps: new Set(),
    names: new Set(),
    props: new Set([...imported].filter((p) => !own.has(p))),
    fns: new Set(),
  };
  const isClock = (n: ts.Node) =>
    reading(unwrap(n), source) ||
    (ts.isIdentifier(unwrap(n)) && taint.stamps.has((unwrap(n) as ts.Identifier).text));
  // What a call or a callback makes of a measured argument (`until(…, { timeoutMs: deadline -
  // Date.now() })`) is not itself measured, except through Math (`Math.max(longest, now - t0)`).
  // Nor is a promise, unless it resolves to one (`new Promise((resolve) => … resolve(now() - t0))`,
  // raced, then `.finally`).
  const opaque = (m: ts.Node) =>
    (ts.isCallExpression(m) && !/^(Math\.\w+|Promise\.(race|all|any))$/.test(m.expression.getText(source))) ||
    ts.isArrowFunction(m) ||
    ts.isFunctionExpression(m);
  const resolvesTo = (m: ts.NewExpression): boolean => {
    const executor = m.arguments?.[0];
    if (m.expression.getText(source) !== 'Promise' || !executor) return false;
    if (!ts.isArrowFunction(executor) && !ts.isFunctionExpression(executor)) return false;
    const resolve = executor.parameters[0]?.name.getText(source);
    let found = false;
    each(executor.body, (c) => {
      if (ts.isCallExpression(c) && c.expression.getText(source) === resolve && c.arguments[0])
        found ||= measured(c.arguments[0]);
    });
    return found;
  };
  const measured = (n: ts.Node): boolean => {
    let found = false;
    each(n, (m) => {
      if (found) return;
      if (ts.isNewExpression(m)) {
        found = resolvesTo(m);
        return 'skip';
      }
      if (
        ts.isCallExpression(m) &&
        ts.isPropertyAccessExpression(m.expression) &&
        /^(finally|catch)$/.test(m.expression.name.text)
      ) {
        found = measured(m.expression.expression);
        return 'skip';
      }
      // Awaiting a helper on a measured promise (`await within(c.closed, 3_000)`) gives its value.
      if (m !== n && ts.isCallExpression(m) && ts.isAwaitExpression(m.parent) && opaque(m)) {
        found = m.arguments.some((a) => !ts.isObjectLiteralExpression(a) && !opaque(a) && measured(a));
        if (found) return 'skip';
      }
      if (m !== n && opaque(m)) {
        if (ts.isCallExpression(m) && taint.fns.has(calleeName(m))) found = true;
        return 'skip';
      }
      if (ts.isBinaryExpression(m) && m.operatorToken.kind === ts.SyntaxKind.MinusToken)
        found = (isClock(m.left) && !constant(m.right)) || (isClock(m.right) && !constant(m.left));
      else if (
        ts.isIdentifier(m) &&
        taint.names.has(m.text) &&
        !(ts.isPropertyAccessExpression(m.parent) && m.parent.name === m)
      )
        found = true;
      else if (ts.isPropertyAccessExpression(m) && taint.props.has(m.name.text)) found = true;
      else if (ts.isCallExpression(m) && taint.fns.has(calleeName(m))) found = true;
    });
    return found;
  };
  // What a module passes on to the files that import it: only a property given a difference with
  // a reading, or a property of the same name it got so (`ms: res.ms`); its own names stay its own.
  const direct = (n: ts.Node): boolean => {
    const u = unwrap(n);
    if (ts.isBinaryExpression(u) && u.operatorToken.kind === ts.SyntaxKind.MinusToken)
      return (isClock(u.left) && !constant(u.right)) || (isClock(u.right) && !constant(u.left));
    return ts.isPropertyAccessExpression(u) && taint.props.has(u.name.text);
  };
  // An object is not measured as a whole: its measured properties are (`{ socket, closed }`).
  const record = (n: ts.Node) => ts.isObjectLiteralExpression(unwrap(n));
  // To a fixed point: each pass may taint names that later (or earlier) lines use.
  for (let pass = 0, before = -1; pass < 10; pass++) {
    const size = taint.stamps.size + taint.names.size + taint.props.size + taint.fns.size;
    if (size === before) break;
    before = size;
    each(source, (n) => {
      const assigned =
        ts.isVariableDeclaration(n) && n.initializer
          ? { target: n.name, value: n.initializer }
          : ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken
            ? { target: n.left, value: n.right }
            : undefined;
      if (assigned && ts.isIdentifier(assigned.target)) {
        if (reading(unwrap(assigned.value), source)) taint.stamps.add(assigned.target.text);
        else if (!strict && !record(assigned.value) && measured(assigned.value))
          taint.names.add(assigned.target.text);
      }
      if (ts.isPropertyAssignment(n) && (strict ? direct(n.initializer) : measured(n.initializer)))
        taint.props.add(n.name.getText(source));
      if (strict) return;
      if (ts.isShorthandPropertyAssignment(n) && taint.names.has(n.name.text)) taint.props.add(n.name.text);
      if (ts.isBindingElement(n)) {
        const prop = (n.propertyName ?? n.name).getText(source);
        if (taint.props.has(prop) && ts.isIdentifier(n.name)) taint.names.add(n.name.text);
      }
      const fn =
        ts.isFunctionDeclaration(n) && n.name
          ? { name: n.name.text, body: n.body }
          : ts.isVariableDeclaration(n) &&
              ts.isIdentifier(n.name) &&
              n.initializer &&
              (ts.isArrowFunction(n.initializer) || ts.isFunctionExpression(n.initializer))
            ? { name: n.name.text, body: n.initializer.body }
            : undefined;
      if (fn?.body) {
        let returns = false;
        if (!ts.isBlock(fn.body)) returns = !record(fn.body) && measured(fn.body);
        else
          each(fn.body, (m) => {
            returns ||=
              ts.isReturnStatement(m) && !!m.expression && !record(m.expression) && measured(m.expression);
          });
        if (returns) taint.fns.add(fn.name);
      }
    });
  }
  return Object.assign(taint, { measured }) as Taint & { measured: (n: ts.Node) => boolean };
}

const PROPS = new Map<string, Set<string>>();

/**
 * The properties a module's values carry measured times in (`postSigned`'s `ms`), with those of
 * the modules it imports (a harness passes them on: `ack.ms`).
 */
function propsOf(file: string): Set<string> {
  const known = PROPS.get(file);
  if (known) return known;
  const props = new Set<string>();
  PROPS.set(file, props); // an import cycle ends here
  if (!existsSync(file)) return props;
  const text = readFileSync(file, 'utf8');
  const imported = importedProps(file, text, propsOf);
  if (!READING.test(text) && imported.size === 0) return props;
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  for (const p of taintOf(source, text, imported, true).props) props.add(p);
  return props;
}

/** Only the tests' own modules (test/harness, test/helpers…) are followed: src/ measures nothing for them. */
const TESTS = path.join(import.meta.dirname, '..');
const READING = /\b(Date\.now|performance\.now|process\.hrtime)\b/;

function importedProps(file: string, text: string, load: (file: string) => Set<string>): Set<string> {
  const imported = new Set<string>();
  for (const [, spec] of text.matchAll(/^import\s[^;]*?from\s+'(\.[^']+)'/gm)) {
    const target = path.resolve(path.dirname(file), spec!.replace(/\.js$/, '.ts'));
    if (path.relative(TESTS, target).startsWith('..')) continue;
    for (const p of load(target)) imported.add(p);
  }
  return imported;
}

/** The assertions in `text` (the file at `file`) that compare a measured wall-clock time. */
export function wallClockAssertions(file: string, text: string, load = propsOf): WallClockAssertion[] {
  const imported = importedProps(file, text, load);
  // Most files read no clock and use no measured property: nothing to parse there.
  if (!READING.test(text) && ![...imported].some((p) => text.includes(`.${p}`))) return [];
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const { measured } = taintOf(source, text, imported) as Taint & { measured: (n: ts.Node) => boolean };
  const ordered = (n: ts.Node) => {
    const u = unwrap(n);
    return ts.isBinaryExpression(u) && ORDER.has(u.operatorToken.kind) && measured(u);
  };
  const found: WallClockAssertion[] = [];
  each(source, (n) => {
    if (!ts.isCallExpression(n)) return;
    let bad = false;
    if (ts.isPropertyAccessExpression(n.expression)) {
      const matcher = n.expression.name.text;
      let subject: ts.Expression = n.expression.expression;
      while (ts.isPropertyAccessExpression(subject)) subject = subject.expression; // .not, .resolves
      const isExpect =
        ts.isCallExpression(subject) && /^expect(\.soft)?$/.test(subject.expression.getText(source));
      if (isExpect && ts.isCallExpression(subject)) {
        const actual = subject.arguments[0];
        if (COMPARE.has(matcher)) bad = [actual, ...n.arguments].some((a) => a !== undefined && measured(a));
        else if (matcher === 'toBe' && actual) bad = ordered(actual);
      }
      if (/^assert\.(ok|isTrue)$/.test(n.expression.getText(source))) bad = n.arguments.some(ordered);
    } else if (ts.isIdentifier(n.expression) && n.expression.text === 'assert')
      bad = n.arguments.some(ordered);
    if (bad)
      found.push({
        line: source.getLineAndCharacterOfPosition(n.getStart(source)).line + 1,
        text: n.getText(source).replace(/\s+/g, ' ').slice(0, 160),
      });
  });
  return found;
}
