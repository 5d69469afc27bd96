import { createCipheriv, createHash } from 'node:crypto'
import { open } from 'node:fs/promises'

const MiB = 1024 * 1024

/**
 * Deterministic, incompressible bytes at memory speed: AES-128-CTR over
 * zeros with a fixed key. The same `seed` gives the same bytes in every run.
 */
function keystream(seed: number) {
  const key = Buffer.alloc(16)
  key.writeUInt32BE(seed >>> 0, 0)
  key.write('fuselink-bench', 4, 'latin1')
  return createCipheriv('aes-128-ctr', key, Buffer.alloc(16))
}

export function deterministicBytes(length: number, seed: number): Buffer {
  return keystream(seed).update(Buffer.alloc(length))
}

/** Writes `size` deterministic bytes to `path` a MiB at a time; returns their SHA-256 (hex). */
export async function writeDeterministicFile(path: string, size: number, seed: number): Promise<string> {
  const cipher = keystream(seed)
  const zeros = Buffer.alloc(MiB)
  const hash = createHash('sha256')
  const file = await open(path, 'w')
  try {
    for (let written = 0; written < size; ) {
      const n = Math.min(MiB, size - written)
      const chunk = cipher.update(n === MiB ? zeros : zeros.subarray(0, n))
      hash.update(chunk)
      await file.write(chunk, 0, chunk.length, written)
      written += n
    }
  } finally {
    await file.close()
  }
  return hash.digest('hex')
}
