import { locatedChunks, type ByteSource } from './byte-source.js';
import type { ProgressCallback } from './progress.js';

export interface Line {
  /** 1-based line number, for "FILE:LINE" locations. */
  number: number;
  text: string;
}

/**
 * The lines of a Latin-1 text file, without their CR LF, in batches (one per read
 * chunk): one promise per line would make a 679k-line file several times slower,
 * the more so under async hooks (the test runner's). Written by hand rather than
 * with readline so that read and gunzip errors reach the caller (with the line they
 * happened at) and so the last line is yielded even without a final line end, as
 * USDA's FOOD_DES.txt has none.
 */
export async function* readLatin1Lines(
  source: ByteSource,
  progress?: { onProgress: ProgressCallback; base: number; total: number | undefined },
): AsyncGenerator<Line[]> {
  let number = 0;
  let rest = '';
  let reported = -1;
  for await (const chunk of locatedChunks(source, () => `${source.label}:${number + 1}`)) {
    // Latin-1 maps each byte to one character, so a chunk never splits a character.
    const parts = (rest + chunk.toString('latin1')).split('\n');
    rest = parts.pop() ?? '';
    const batch: Line[] = [];
    for (const part of parts) {
      number++;
      batch.push({ number, text: part.endsWith('\r') ? part.slice(0, -1) : part });
    }
    if (progress) {
      const done = progress.base + source.bytesRead();
      if (done !== reported) progress.onProgress(done, progress.total);
      reported = done;
    }
    if (batch.length > 0) yield batch;
  }
  if (rest !== '') {
    number++;
    yield [{ number, text: rest.endsWith('\r') ? rest.slice(0, -1) : rest }];
  }
}
