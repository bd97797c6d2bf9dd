// Reading regular files in fixed-size chunks whose memory is reused: a gigabyte log costs a few
// megabytes of buffers instead of a new one per read (flat memory). (Large files planned in
// workers are read by the workers into their own shared slots: pipeline/plan-workers.ts.)
import { open } from 'node:fs/promises';

export const CHUNK_BYTES = 1 << 20;

export class ChunkPool {
  private readonly free: ArrayBuffer[] = [];
  /** The memory this pool handed out: only that is taken back (a stream's chunks are not). */
  private readonly owned = new WeakSet<ArrayBuffer>();

  constructor(
    readonly size = CHUNK_BYTES,
    private readonly keep = 24,
  ) {}

  /** A chunk of `size` bytes (contents undefined). */
  take(): Buffer {
    let ab = this.free.pop();
    if (ab === undefined) {
      ab = new ArrayBuffer(this.size);
      this.owned.add(ab);
    }
    return Buffer.from(ab, 0, this.size);
  }

  /** A chunk (or a view of one) is no longer used: its memory serves the next read. */
  give(b: Buffer): void {
    const ab = b.buffer;
    if (ab instanceof ArrayBuffer && this.owned.has(ab) && this.free.length < this.keep && !this.free.includes(ab)) this.free.push(ab);
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
