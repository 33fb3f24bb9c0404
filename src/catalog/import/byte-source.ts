import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import path from 'node:path';
import { createGunzip } from 'node:zlib';
import { ImportError } from '../../errors.js';

/**
 * A file opened for streaming, gunzipped on the fly when it starts with the gzip
 * magic bytes (whatever its name), so users can import the downloads as they come.
 */
export interface ByteSource {
  /** The name errors use: the file's base name, as a user recognises it. */
  label: string;
  /** On-disk size in bytes (the compressed size for a .gz file). */
  size: number;
  /** Bytes read from disk so far: compare with `size` for progress. */
  bytesRead(): number;
  /** The (decompressed) content, chunk by chunk; a read error is a plain Error for the reader to locate. */
  chunks(): AsyncGenerator<Buffer>;
}

/**
 * The source's chunks for a reader that knows where it is: a read or gunzip error becomes
 * an ImportError at `where()` (the line or byte reached so far), as a user can look it up.
 */
export async function* locatedChunks(source: ByteSource, where: () => string): AsyncGenerator<Buffer> {
  const iterator = source.chunks();
  try {
    while (true) {
      let step: IteratorResult<Buffer>;
      try {
        step = await iterator.next();
      } catch (err) {
        if (err instanceof ImportError) throw err;
        throw new ImportError(where(), (err as Error).message);
      }
      if (step.done) return;
      yield step.value;
    }
  } finally {
    await iterator.return(undefined);
  }
}

const GZIP_MAGIC = [0x1f, 0x8b];

export async function isGzip(file: string): Promise<boolean> {
  const handle = await open(file, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await handle.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  } finally {
    await handle.close();
  }
}

export async function openByteSource(file: string): Promise<ByteSource> {
  const label = path.basename(file);
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new ImportError(label, `${file} is not a file`);
    size = info.size;
  } catch (err) {
    if (err instanceof ImportError) throw err;
    throw new ImportError(label, `cannot read ${file}: ${(err as Error).message}`);
  }
  const gzip = await isGzip(file);
  const stream = createReadStream(file, { highWaterMark: 256 * 1024 });

  async function* chunks(): AsyncGenerator<Buffer> {
    try {
      if (!gzip) {
        for await (const chunk of stream) yield chunk as Buffer;
        return;
      }
      const gunzip = createGunzip();
      // pipe() does not forward errors; surface a read error through the gunzip stream.
      stream.on('error', (err) => gunzip.destroy(err));
      stream.pipe(gunzip);
      try {
        for await (const chunk of gunzip) yield chunk as Buffer;
      } catch (err) {
        // A .gz cut short ends with "unexpected end of file": say what that means. The
        // reader wraps this in an ImportError naming the line or byte it had reached.
        throw new Error(`cannot decompress: ${(err as Error).message} (the file may be truncated)`);
      } finally {
        gunzip.destroy();
      }
    } finally {
      stream.destroy();
    }
  }

  return { label, size, bytesRead: () => stream.bytesRead, chunks };
}
