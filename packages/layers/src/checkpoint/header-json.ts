/**
 * A strict JSON parser for safetensors headers. `JSON.parse` cannot be told to refuse duplicate keys
 * (the last one wins silently), to stop after N entries, or to bound nesting before it recurses, and it
 * builds the whole object graph before anything can be checked. This one refuses duplicates at every
 * level, counts the top-level entries as it goes (so an oversized header stops at entry N + 1), caps the
 * depth, and builds objects without prototypes (a key `__proto__` is an ordinary key).
 */
import { CheckpointError } from './checkpoint-error.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export interface HeaderJsonLimits {
  /** most top-level keys */
  readonly maxEntries: number;
  /** deepest nesting (the top-level object is depth 1) */
  readonly maxDepth: number;
  /** the error when there are more than `maxEntries` keys */
  readonly tooMany: (count: number) => string;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/** The top-level entries of a header, in file order, each value parsed. */
export function parseHeaderJson(op: string, text: string, limits: HeaderJsonLimits): [string, JsonValue][] {
  let at = 0;
  const fail = (what: string, problem: 'json' | 'duplicate-key' | 'too-many-tensors' = 'json'): never => {
    throw new CheckpointError(op, `the header is not valid JSON: ${what} at character ${at}`, problem);
  };
  const skip = () => {
    while (at < text.length && WS.has(text.charCodeAt(at))) at++;
  };
  const expectChar = (c: string) => {
    if (text[at] !== c) fail(`expected '${c}', found ${describe(text, at)}`);
    at++;
  };

  const parseString = (): string => {
    expectChar('"');
    let out = '';
    let start = at;
    for (;;) {
      if (at >= text.length) fail('unterminated string');
      const c = text.charCodeAt(at);
      if (c === 0x22) break;
      if (c < 0x20) fail('a control character inside a string');
      if (c !== 0x5c) {
        at++;
        continue;
      }
      out += text.slice(start, at);
      const e = text[at + 1];
      at += 2;
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = text.slice(at, at + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('a bad \\u escape');
          out += String.fromCharCode(Number.parseInt(hex, 16));
          at += 4;
          break;
        }
        default:
          at -= 2;
          fail('a bad escape');
      }
      start = at;
    }
    out += text.slice(start, at);
    at++;
    return out;
  };

  const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  const parseNumber = (): number => {
    NUMBER.lastIndex = at;
    const m = NUMBER.exec(text);
    if (!m) fail(`unexpected ${describe(text, at)}`);
    at += m![0].length;
    return Number(m![0]);
  };

  const parseValue = (depth: number): JsonValue => {
    if (depth > limits.maxDepth) fail(`nesting deeper than ${limits.maxDepth} levels`);
    skip();
    const c = text[at];
    if (c === '{') return parseObject(depth);
    if (c === '[') {
      at++;
      const out: JsonValue[] = [];
      skip();
      if (text[at] === ']') {
        at++;
        return out;
      }
      for (;;) {
        out.push(parseValue(depth + 1));
        skip();
        if (text[at] === ']') {
          at++;
          return out;
        }
        expectChar(',');
      }
    }
    if (c === '"') return parseString();
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, at)) {
        at += word.length;
        return value;
      }
    }
    return parseNumber();
  };

  /** An object (depth > 1: nested, built whole); at depth 1 the caller gets entries as they come. */
  const parseObject = (depth: number, onEntry?: (key: string, value: JsonValue) => void): JsonObject => {
    expectChar('{');
    const out: JsonObject = Object.create(null);
    const seen = new Set<string>();
    skip();
    if (text[at] === '}') {
      at++;
      return out;
    }
    for (;;) {
      skip();
      const keyAt = at;
      const key = parseString();
      if (seen.has(key)) {
        at = keyAt;
        fail(`the key ${JSON.stringify(key)} appears twice`, 'duplicate-key');
      }
      seen.add(key);
      if (onEntry && seen.size > limits.maxEntries) {
        throw new CheckpointError(op, limits.tooMany(seen.size), 'too-many-tensors');
      }
      skip();
      expectChar(':');
      const value = parseValue(depth + 1);
      if (onEntry) onEntry(key, value);
      else out[key] = value;
      skip();
      if (text[at] === '}') {
        at++;
        return out;
      }
      expectChar(',');
    }
  };

  const entries: [string, JsonValue][] = [];
  if (text[0] !== '{') fail('a header must start with {');
  parseObject(1, (k, v) => entries.push([k, v]));
  skip();
  if (at !== text.length) fail(`${describe(text, at)} after the header object`);
  return entries;
}

function describe(text: string, at: number): string {
  if (at >= text.length) return 'the end of the header';
  return JSON.stringify(text.slice(at, at + 12));
}

/**
 * Counts the top-level keys of a JSON object in UTF-8 bytes without decoding or parsing it, stopping
 * once the count passes `stopAfter`: a header of a million entries is judged by its first few MB. Only
 * counts (the parser checks the syntax); returns the count, at most `stopAfter + 1`.
 */
export function countTopLevelKeys(bytes: Uint8Array, stopAfter: number): number {
  let depth = 0;
  let inString = false;
  let count = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    if (inString) {
      if (b === 0x5c) i++;
      else if (b === 0x22) inString = false;
      continue;
    }
    if (b === 0x22) inString = true;
    else if (b === 0x7b || b === 0x5b) depth++;
    else if (b === 0x7d || b === 0x5d) depth--;
    else if (b === 0x3a && depth === 1 && ++count > stopAfter) return count;
  }
  return count;
}
