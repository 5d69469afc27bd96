import fc from 'fast-check'
import { describe, expect, test } from 'vitest'
import type { UploadRequestRecord } from '../../src/core/model'
import { MAX_PART_SIZE, MAX_PARTS, MIN_PART_SIZE, missingParts, partLength, planParts } from '../../src/core/upload/plan'
import { uploadRequestRoom, uploadRequestStatus } from '../../src/core/upload/request'

const MIB = 1024 * 1024

describe('cutting a file into parts', () => {
  test('a file no larger than a part is one part of its own size', () => {
    expect(planParts(1, 16 * MIB)).toEqual({ partSize: 1, parts: 1 })
    expect(planParts(16 * MIB, 16 * MIB)).toEqual({ partSize: 16 * MIB, parts: 1 })
  })

  test('larger files get parts of the preferred size, the last one the rest', () => {
    const plan = planParts(2 * 1024 ** 3, 16 * MIB)!
    expect(plan).toEqual({ partSize: 16 * MIB, parts: 128 })
    expect(partLength({ size: 40 * MIB + 5, ...planParts(40 * MIB + 5, 16 * MIB)! }, 3)).toBe(8 * MIB + 5)
  })

  test('parts grow (in whole MiB) to stay within 10,000, and a file that needs more than 64 MiB parts is refused', () => {
    expect(planParts(200 * 1024 ** 3, 16 * MIB)).toEqual({ partSize: 21 * MIB, parts: 9753 })
    expect(planParts(MAX_PARTS * MAX_PART_SIZE, 16 * MIB)).toEqual({ partSize: MAX_PART_SIZE, parts: MAX_PARTS })
    expect(planParts(MAX_PARTS * MAX_PART_SIZE + 1, 16 * MIB)).toBeNull()
  })

  test('for any size and preferred part size: parts fit S3 and the edge, and add up to the file', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_PARTS * MAX_PART_SIZE }),
        fc.integer({ min: MIN_PART_SIZE, max: MAX_PART_SIZE }),
        (size, preferred) => {
          const plan = planParts(size, preferred)!
          const upload = { size, ...plan }
          expect(plan.parts).toBeLessThanOrEqual(MAX_PARTS)
          expect(plan.partSize).toBeLessThanOrEqual(MAX_PART_SIZE)
          if (plan.parts > 1) expect(plan.partSize).toBeGreaterThanOrEqual(MIN_PART_SIZE)
          const last = partLength(upload, plan.parts)
          expect(last).toBeGreaterThan(0)
          expect(last).toBeLessThanOrEqual(plan.partSize)
          expect(plan.partSize * (plan.parts - 1) + last).toBe(size)
        },
      ),
    )
  })

  test('names the parts not received, in order', () => {
    expect(
      missingParts({ parts: 5 }, [
        { number: 4, size: 1 },
        { number: 1, size: 1 },
      ]),
    ).toEqual([2, 3, 5])
    expect(
      missingParts({ parts: 2 }, [
        { number: 1, size: 1 },
        { number: 2, size: 1 },
      ]),
    ).toEqual([])
  })
})

describe('an upload request', () => {
  const NOW = 1_800_000_000_000
  const request = (overrides: Partial<UploadRequestRecord> = {}): UploadRequestRecord => ({
    id: 'r1',
    ownerId: 'o1',
    message: null,
    maxFiles: 3,
    maxBytes: 100,
    files: 0,
    bytes: 0,
    heldFiles: 0,
    heldBytes: 0,
    createdAt: NOW - 1000,
    expiresAt: NOW + 1000,
    revokedAt: null,
    ...overrides,
  })

  test('is open, full (by files or bytes received), expired or revoked, the last first', () => {
    expect(uploadRequestStatus(request(), NOW)).toBe('open')
    expect(uploadRequestStatus(request({ files: 3, heldFiles: 3 }), NOW)).toBe('full')
    expect(uploadRequestStatus(request({ files: 1, bytes: 100, heldFiles: 1, heldBytes: 100 }), NOW)).toBe('full')
    // Places held by uploads under way do not make it full: they may yet fail.
    expect(uploadRequestStatus(request({ heldFiles: 3, heldBytes: 100 }), NOW)).toBe('open')
    expect(uploadRequestStatus(request({ files: 3 }), NOW + 1000)).toBe('expired')
    expect(uploadRequestStatus(request({ revokedAt: NOW }), NOW + 5000)).toBe('revoked')
  })

  test('has room for what is not held by received files and uploads under way', () => {
    expect(uploadRequestRoom(request({ files: 1, bytes: 10, heldFiles: 2, heldBytes: 60 }))).toEqual({ files: 1, bytes: 40 })
  })
})
