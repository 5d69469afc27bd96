import type { ReceivedPart, UploadRecord } from '../model'

/*
 * How a file is cut into parts (docs/uploads.md, "Part size"). S3 allows at
 * most 10,000 parts and, but for the last, none under 5 MiB; the edge refuses
 * request bodies over 100 MB, so no part is over 64 MiB.
 */

const MIB = 1024 * 1024
export const MIN_PART_SIZE = 5 * MIB
export const MAX_PART_SIZE = 64 * MIB
export const MAX_PARTS = 10_000

export interface PartPlan {
  partSize: number
  parts: number
}

/**
 * The parts of a file of `size` bytes (at least 1): `preferred` bytes each,
 * more for a file that would need over 10,000 of them (whole MiB), the last
 * part the rest. A file of one part has `partSize` equal to its size. Null
 * when the file is too large to fit 10,000 parts of 64 MiB.
 */
export function planParts(size: number, preferred: number): PartPlan | null {
  if (size <= preferred) return { partSize: size, parts: 1 }
  const partSize = Math.max(preferred, Math.ceil(size / MAX_PARTS / MIB) * MIB)
  if (partSize > MAX_PART_SIZE) return null
  return { partSize, parts: Math.ceil(size / partSize) }
}

/** The exact length of part `number` (1-based) of an upload. */
export function partLength(upload: Pick<UploadRecord, 'size' | 'partSize' | 'parts'>, number: number): number {
  return number < upload.parts ? upload.partSize : upload.size - upload.partSize * (upload.parts - 1)
}

/** Part numbers not yet received, ascending. */
export function missingParts(upload: Pick<UploadRecord, 'parts'>, received: readonly ReceivedPart[]): number[] {
  const have = new Set(received.map((part) => part.number))
  const missing: number[] = []
  for (let number = 1; number <= upload.parts; number++) if (!have.has(number)) missing.push(number)
  return missing
}
