import { ImportError } from '../../errors.js';
import { locatedChunks, type ByteSource } from './byte-source.js';
import type { ProgressCallback } from './progress.js';

/**
 * Streams a JSON file shaped `{ "Key": [ {...}, {...}, ... ] }` one array element at
 * a time, for downloads too large to JSON.parse whole (FoodData Central's Branded
 * file is gigabytes). A byte scanner finds where each element starts and ends
 * (tracking strings, escapes and nesting) and JSON.parse reads just that element, so
 * memory stays at one element plus one read chunk. Scanning bytes is safe for UTF-8:
 * every byte of a multi-byte character is >= 0x80, never a JSON delimiter.
 */
export interface ArrayElement {
  /** 1-based position in the array: "record N" in errors. */
  record: number;
  /** Byte offset of the element's `{` in the (decompressed) file. */
  offset: number;
  value: unknown;
}

export interface ArrayStreamOptions {
  /** Called with the top-level key before any element; throw to refuse the file. */
  acceptKey: (key: string, location: string) => void;
  onProgress?: ProgressCallback;
}

/** An element this large means a broken string or bracket swallowed the rest of the file. */
const MAX_ELEMENT_BYTES = 64 * 1024 * 1024;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const UTF8_BOM = [0xef, 0xbb, 0xbf];

const enum State {
  Start,
  KeyOpen,
  Key,
  Colon,
  ArrayOpen,
  FirstElementOrClose,
  Element,
  InElement,
  AfterElement,
  ObjectClose,
  End,
}

const EXPECTED: Record<State, string> = {
  [State.Start]: 'a JSON object "{"',
  [State.KeyOpen]: 'a key naming the food list',
  [State.Key]: 'the end of the key',
  [State.Colon]: '":" after the key',
  [State.ArrayOpen]: 'an array "[" of foods',
  [State.FirstElementOrClose]: 'a food object "{" or "]"',
  [State.Element]: 'a food object "{"',
  [State.InElement]: 'the end of the food object',
  [State.AfterElement]: '"," or "]" after a food',
  [State.ObjectClose]: '"}" closing the file: only one food list per file is supported',
  [State.End]: 'the end of the file',
};

function isSpace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

function describeByte(byte: number): string {
  return byte >= 0x20 && byte < 0x7f ? JSON.stringify(String.fromCharCode(byte)) : `byte 0x${byte.toString(16).padStart(2, '0')}`;
}

export async function* streamTopLevelArray(source: ByteSource, options: ArrayStreamOptions): AsyncGenerator<ArrayElement> {
  const at = (offset: number): string => `${source.label}: byte ${offset}`;
  let state = State.Start;
  let consumed = 0; // bytes of the file before the current chunk
  let record = 0;
  let reported = -1;
  // The key or element being collected, possibly across chunks, from startOffset on.
  let parts: Buffer[] = [];
  let partsBytes = 0;
  let startOffset = 0;
  let depth = 0;
  let inString = false;
  let escaped = false;

  for await (const chunk of locatedChunks(source, () => at(consumed))) {
    let i = 0;

    while (i < chunk.length) {
      if (state === State.Key || state === State.InElement) {
        // Scan to the end of the key string or the element; it may run past this chunk.
        const begin = Math.max(startOffset - consumed, 0);
        let end = -1;
        for (; i < chunk.length; i++) {
          const c = chunk[i]!;
          if (inString) {
            if (escaped) escaped = false;
            else if (c === BACKSLASH) escaped = true;
            else if (c === QUOTE) {
              inString = false;
              if (state === State.Key) {
                end = i;
                break;
              }
            }
          } else if (c === QUOTE) inString = true;
          else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
          else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
            depth--;
            if (depth === 0) {
              end = i + 1;
              break;
            }
          }
        }
        const piece = chunk.subarray(begin, end === -1 ? chunk.length : end);
        parts.push(piece);
        partsBytes += piece.length;
        if (end === -1) {
          if (partsBytes > MAX_ELEMENT_BYTES) {
            throw new ImportError(
              at(startOffset),
              `record ${record + 1} runs over ${MAX_ELEMENT_BYTES / 1024 / 1024} MB: an unclosed string or bracket? The file looks damaged`,
            );
          }
          continue;
        }
        const text = Buffer.concat(parts, partsBytes).toString('utf8');
        parts = [];
        partsBytes = 0;
        if (state === State.Key) {
          i = end + 1; // past the closing quote
          let key: unknown;
          try {
            key = JSON.parse(`"${text}"`);
          } catch {
            throw new ImportError(at(startOffset - 1), `the top-level key "${text}" is not a valid JSON string`);
          }
          options.acceptKey(String(key), at(startOffset - 1));
          state = State.Colon;
        } else {
          i = end;
          record++;
          let value: unknown;
          try {
            value = JSON.parse(text);
          } catch (err) {
            throw new ImportError(at(startOffset), `record ${record} is not valid JSON: ${(err as Error).message}`);
          }
          yield { record, offset: startOffset, value };
          state = State.AfterElement;
        }
        continue;
      }

      const c = chunk[i]!;
      if (isSpace(c)) {
        i++;
        continue;
      }
      const offset = consumed + i;
      // A UTF-8 byte order mark may open the file (and be cut across chunks).
      if (state === State.Start && offset < 3 && c === UTF8_BOM[offset]) {
        i++;
        continue;
      }
      const unexpected = (): ImportError =>
        new ImportError(at(offset), `expected ${EXPECTED[state]}, found ${describeByte(c)}`);
      if (state === State.Start) {
        if (c !== OPEN_BRACE) throw unexpected();
        state = State.KeyOpen;
      } else if (state === State.KeyOpen) {
        if (c !== QUOTE) throw unexpected();
        // Collect the key's characters, without its quotes, from the next byte on.
        state = State.Key;
        startOffset = offset + 1;
        inString = true;
        escaped = false;
      } else if (state === State.Colon) {
        if (c !== COLON) throw unexpected();
        state = State.ArrayOpen;
      } else if (state === State.ArrayOpen) {
        if (c !== OPEN_BRACKET) throw unexpected();
        state = State.FirstElementOrClose;
      } else if (state === State.FirstElementOrClose || state === State.Element) {
        if (c === OPEN_BRACE) {
          // The scanner above reads the element from its "{" on.
          state = State.InElement;
          startOffset = offset;
          depth = 0;
          inString = false;
          escaped = false;
          continue;
        }
        if (c !== CLOSE_BRACKET || state === State.Element) throw unexpected();
        state = State.ObjectClose;
      } else if (state === State.AfterElement) {
        if (c === COMMA) state = State.Element;
        else if (c === CLOSE_BRACKET) state = State.ObjectClose;
        else throw unexpected();
      } else if (state === State.ObjectClose) {
        if (c !== CLOSE_BRACE) throw unexpected();
        state = State.End;
      } else {
        throw unexpected();
      }
      i++;
    }
    consumed += chunk.length;
    if (options.onProgress) {
      const done = source.bytesRead();
      if (done !== reported) options.onProgress(done, source.size);
      reported = done;
    }
  }

  if (state !== State.End) {
    const where =
      state === State.InElement ? `inside record ${record + 1}` : state === State.Start ? 'before any JSON' : `where it expected ${EXPECTED[state]}`;
    throw new ImportError(at(consumed), `the file ends ${where}: it is truncated or not a complete JSON download`);
  }
}
