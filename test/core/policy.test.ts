import { describe, expect, test } from 'vitest'
import type { ErrorCode } from '../../src/core/errors'
import { decideStart, GIVE_BACK_LIMIT, giveBackCap, linkStatus, type StartDecision } from '../../src/core/link/policy'
import type { FileRecord, LinkRecord, LinkStatus } from '../../src/core/model'
import { HOUR, linkRecord, NOW } from './records'

// The rules that name a refusal (docs/counting.md, rules 2, 3 and 5), as tables, on a frozen clock.
const MiB = 1024 * 1024

const link = (overrides: Partial<LinkRecord> = {}) => linkRecord({ maxDownloads: 2, ...overrides })

const present: Pick<FileRecord, 'deletedAt'> = { deletedAt: null }
const deleted: Pick<FileRecord, 'deletedAt'> = { deletedAt: NOW - 1 }
const expired = { expiresAt: NOW - 1 }
const fresh: StartDecision = { ok: true, mode: 'fresh' }
const resume: StartDecision = { ok: true, mode: 'resume' }
const refused = (code: ErrorCode): StartDecision => ({ ok: false, code })

describe('decideStart: may a request from byte `start` begin now, and why not', () => {
  test.each<[string, Partial<LinkRecord>, Pick<FileRecord, 'deletedAt'>, number, number, number, StartDecision]>([
    // what, link, file, start, now, grace → decision
    ['a fresh download on an unused link', {}, present, 0, NOW, HOUR, fresh],
    ['a fresh download with one left', { downloads: 1 }, present, 0, NOW, HOUR, fresh],
    ['revoked', { revokedAt: NOW - 1 }, present, 0, NOW, HOUR, refused('link_revoked')],
    [
      'revoked outranks a deleted file, expiry and the limit',
      { revokedAt: NOW - 1, ...expired, downloads: 2 },
      deleted,
      0,
      NOW,
      HOUR,
      refused('link_revoked'),
    ],
    ['the file deleted', {}, deleted, 0, NOW, HOUR, refused('file_gone')],
    ['the file deleted, even for a resume', { downloads: 1 }, deleted, 500, NOW, HOUR, refused('file_gone')],
    ['a resume of a counted download', { downloads: 1 }, present, 500, NOW, HOUR, resume],
    ['a resume needs no download left', { downloads: 2 }, present, 1, NOW, HOUR, resume],
    ['a resume after expiry, within the grace', { downloads: 1, ...expired }, present, 500, NOW, HOUR, resume],
    ['a resume at the last moment of the grace', { downloads: 1, expiresAt: NOW - HOUR + 1 }, present, 500, NOW, HOUR, resume],
    ['a resume once the grace is over', { downloads: 1, expiresAt: NOW - HOUR }, present, 500, NOW, HOUR, refused('link_expired')],
    ['a resume after expiry with no grace', { downloads: 1, ...expired }, present, 500, NOW, 0, refused('link_expired')],
    ['a range from byte 0 is fresh, not a resume', { downloads: 1, ...expired }, present, 0, NOW, HOUR, refused('link_expired')],
    ['a range past byte 0 on an unused link is the first download', {}, present, 500, NOW, HOUR, fresh],
    ['…and is refused as one after expiry, grace or not', expired, present, 500, NOW, HOUR, refused('link_expired')],
    ['before notBefore', { notBefore: NOW + 1 }, present, 0, NOW, HOUR, refused('link_not_yet_valid')],
    ['at notBefore', { notBefore: NOW }, present, 0, NOW, HOUR, fresh],
    ['notBefore outranks expiry', { notBefore: NOW + 1, ...expired }, present, 0, NOW, HOUR, refused('link_not_yet_valid')],
    ['at the expiry instant', { expiresAt: NOW }, present, 0, NOW, HOUR, refused('link_expired')],
    ['expired outranks the limit', { downloads: 2, ...expired }, present, 0, NOW, HOUR, refused('link_expired')],
    ['the limit reached', { downloads: 2 }, present, 0, NOW, HOUR, refused('download_limit_reached')],
  ])('%s', (_, overrides, file, start, now, grace, expected) => {
    expect(decideStart(link(overrides), file, start, now, grace)).toEqual(expected)
  })
})

describe('linkStatus: what the issuer API reports', () => {
  test.each<[string, Partial<LinkRecord>, Pick<FileRecord, 'deletedAt'> | null, LinkStatus]>([
    ['active', {}, present, 'active'],
    ['active with one download left', { downloads: 1 }, present, 'active'],
    ['revoked, whatever else', { revokedAt: NOW - 1, downloads: 2, ...expired }, deleted, 'revoked'],
    ['the file deleted', {}, deleted, 'file_deleted'],
    ['the file row gone', {}, null, 'file_deleted'],
    ['the file deleted outranks expiry', expired, deleted, 'file_deleted'],
    ['expired at the instant', { expiresAt: NOW }, present, 'expired'],
    ['expired outranks exhausted', { downloads: 2, ...expired }, present, 'expired'],
    ['exhausted', { downloads: 2 }, present, 'exhausted'],
  ])('%s', (_, overrides, file, expected) => {
    expect(linkStatus(link(overrides), file, NOW)).toBe(expected)
  })
})

describe("giveBackCap: the give-back allowance over a link's life", () => {
  test.each([
    [0, 0],
    [1000, 1000],
    [GIVE_BACK_LIMIT, 16 * MiB],
    [GIVE_BACK_LIMIT + 1, 16 * MiB],
    [5 * 1024 * MiB, 16 * MiB],
  ])('a file of %i bytes may get back %i', (size, cap) => {
    expect(giveBackCap(size)).toBe(cap)
  })
})
