// Reading regular files in fixed-size chunks whose memory is reused: a gigabyte log costs a few
// megabytes of buffers instead of a new one per read (flat memory). The memory is shared
// (SharedArrayBuffer), so worker threads can plan a chunk (pipeline/plan-workers.ts) while this
// thread keeps it: nothing is lost if a worker fails.
import { open } from 'node:fs/promises';

export const CHUNK_BYTES = 1 << 20;

export class ChunkPool {
  private readonly free: SharedArrayBuffer[] = [];

  constructor(
    readonly size = CHUNK_BYTES,
    private readonly keep = 24,
  ) {}

  /** A chunk of `size` bytes (contents undefined). */
  take(): Buffer {
    return Buffer.from(this.free.pop() ?? new SharedArrayBuffer(this.size), 0, this.size);
  }

  /** True when `b` lies in a pool chunk's shared memory (a worker can read it in place). */
  owns(b: Buffer): boolean {
    return b.buffer instanceof SharedArrayBuffer && b.buffer.byteLength === this.size;
  }

  /** A chunk (or a view of one) is no longer used: its memory serves the next read. */
  give(b: Buffer): void {
    const ab = b.buffer;
    if (ab instanceof SharedArrayBuffer && ab.byteLength === this.size && this.free.length < this.keep && !this.free.includes(ab)) this.free.push(ab);
  }

  /** A copy of `b` in pool memory (b must fit a chunk). */
  copy(b: Buffer): Buffer {
    const c = this.take().subarray(0, b.length);
    b.copy(c);
    return c;
  }
}

/** The shared pool of file chunks. */
export const chunkPool = new ChunkPool();

/** A regular file's bytes in pool chunks, read in order; the consumer gives each back when done. */
export async function* readFileChunks(file: string, pool: ChunkPool = chunkPool): AsyncGenerator<Buffer> {
  const fh = await open(file, 'r');
  try {
    for (;;) {
      const buf = pool.take();
      const { bytesRead } = await fh.read(buf, 0, buf.length, null);
      if (bytesRead === 0) {
        pool.give(buf);
        return;
      }
      // a short read: a view of the chunk, recycled through its memory all the same
      yield bytesRead === buf.length ? buf : buf.subarray(0, bytesRead);
    }
  } finally {
    await fh.close();
  }
}
