import { afterEach, describe, expect, test, vi } from 'vitest'
import { FIRST_GRANT, MAX_GRANT, TRANSFER_LEASE_MS, TransferGrants } from '../../src/core/link/grants'
import type { ReserveOutcome, TransferLedger } from '../../src/core/ports'
import { NOW } from './records'

// TransferGrants over a scripted ledger on a frozen clock (docs/counting.md,
// "Grants in chunks" and "Waiting for room"); the wait runs on fake timers.
const KiB = 1024
const MiB = 1024 * KiB
const clock = { now: () => NOW }

type Answer = (bytes: number) => ReserveOutcome | Promise<ReserveOutcome>

/** A ledger that answers `reserve` by script and logs every call. */
function scripted(answer: Answer, room: () => boolean = () => false) {
  const log: string[] = []
  const reserves: number[] = []
  const leases: number[] = []
  const state: TransferLedger = {
    async reserve(id, bytes, leaseUntil) {
      reserves.push(bytes)
      leases.push(leaseUntil)
      const outcome = await answer(bytes)
      log.push(`reserve ${id} ${bytes} ${outcome}`)
      return outcome
    },
    async makeRoom(linkId, point, cap) {
      const freed = room()
      log.push(`makeRoom ${linkId} ${point} ${cap} ${freed}`)
      return freed
    },
    startTransfer: () => Promise.reject(new Error('not a step of a streaming transfer')),
    settleTransfer: () => Promise.reject(new Error('not a step of a streaming transfer')),
    cancelTransfer: () => Promise.reject(new Error('not a step of a streaming transfer')),
    renewTransfer: () => Promise.reject(new Error('not a step of a streaming transfer')),
    sweep: () => Promise.reject(new Error('not a step of a streaming transfer')),
  }
  return { state, log, reserves, leases }
}

const CAP = 16 * MiB

function grantsFor(state: TransferLedger, length: number, first = Math.min(length, FIRST_GRANT)) {
  return new TransferGrants({ state, clock }, { id: 't1', linkId: 'l1', length, cap: CAP }, first)
}

/** Lets an ask made ahead of need settle, as the stream's next read would. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0))

afterEach(() => {
  vi.useRealTimers()
})

describe('TransferGrants', () => {
  test('the first grant covers the first bytes without asking the ledger', async () => {
    const ledger = scripted(() => 'granted')
    const grants = grantsFor(ledger.state, 10 * MiB)
    expect(await grants.allow(64 * KiB)).toBe(FIRST_GRANT)
    expect(await grants.allow(FIRST_GRANT / 2)).toBe(FIRST_GRANT)
    expect(ledger.reserves).toEqual([])
  })

  test('a transfer within its first grant never asks for more', async () => {
    const ledger = scripted(() => 'granted')
    const grants = grantsFor(ledger.state, 100 * KiB)
    expect(await grants.allow(100 * KiB)).toBe(100 * KiB)
    expect(await grants.allow(200 * KiB)).toBe(100 * KiB) // never past its length
    expect(ledger.reserves).toEqual([])
  })

  test(`chunks double up to ${MAX_GRANT} bytes and never pass the transfer's length`, async () => {
    const ledger = scripted(() => 'granted')
    const length = 8 * MiB + 100 * KiB
    const grants = grantsFor(ledger.state, length)
    for (let total = 64 * KiB; total < length + 64 * KiB; total += 64 * KiB) {
      expect(await grants.allow(total)).toBeGreaterThanOrEqual(Math.min(total, length))
      await settle()
    }
    expect(await grants.allow(length)).toBe(length)
    expect(ledger.reserves).toEqual([256 * KiB, 512 * KiB, MiB, MiB, MiB, MiB, MiB, MiB, MiB, 100 * KiB])
    expect(FIRST_GRANT + ledger.reserves.reduce((a, b) => a + b, 0)).toBe(length)
    // Every grant renews the lease.
    expect(new Set(ledger.leases)).toEqual(new Set([NOW + TRANSFER_LEASE_MS]))
  })

  test('the next grant is asked ahead of need, so a slow ledger does not stall the stream', async () => {
    let release!: (outcome: ReserveOutcome) => void
    const ledger = scripted(() => new Promise<ReserveOutcome>((resolve) => (release = resolve)))
    const grants = grantsFor(ledger.state, 10 * MiB)
    // Less than half a chunk of headroom left: a grant is asked, and allow does not wait for it.
    expect(await grants.allow(200 * KiB)).toBe(FIRST_GRANT)
    expect(ledger.reserves).toEqual([FIRST_GRANT])
    release('granted')
    expect(await grants.allow(FIRST_GRANT + 1)).toBe(2 * FIRST_GRANT)
    expect(ledger.reserves).toEqual([FIRST_GRANT, 2 * FIRST_GRANT]) // and the next one, ahead again
  })

  test('a grant asked ahead and refused is asked again when it is needed', async () => {
    const answers: ReserveOutcome[] = ['no_room', 'granted']
    const ledger = scripted(() => answers.shift() ?? 'granted')
    const grants = grantsFor(ledger.state, 10 * MiB)
    expect(await grants.allow(200 * KiB)).toBe(FIRST_GRANT)
    await settle()
    expect(await grants.allow(300 * KiB)).toBe(2 * FIRST_GRANT)
    expect(ledger.log.slice(0, 2)).toEqual([`reserve t1 ${FIRST_GRANT} no_room`, `reserve t1 ${FIRST_GRANT} granted`])
  })

  test("'stopped' ends the transfer at once with what it was granted: no give-back, no wait", async () => {
    const ledger = scripted(
      () => 'stopped',
      () => true,
    )
    const grants = grantsFor(ledger.state, 10 * MiB)
    expect(await grants.allow(FIRST_GRANT + 1)).toBe(FIRST_GRANT)
    expect(ledger.log).toEqual([`reserve t1 ${FIRST_GRANT} stopped`])
  })

  test("'no_room' asks for just the missing bytes, then for a give-back, then again", async () => {
    const answers: ReserveOutcome[] = ['no_room', 'no_room', 'granted']
    const ledger = scripted(
      () => answers.shift() ?? 'granted',
      () => true,
    )
    const grants = grantsFor(ledger.state, 10 * MiB)
    expect(await grants.allow(FIRST_GRANT + 10 * KiB)).toBe(2 * FIRST_GRANT)
    expect(ledger.log.slice(0, 4)).toEqual([
      `reserve t1 ${FIRST_GRANT} no_room`,
      `reserve t1 ${10 * KiB} no_room`,
      `makeRoom l1 null ${CAP} true`,
      `reserve t1 ${FIRST_GRANT} granted`,
    ])
  })

  test('when only the missing bytes fit, they are granted and the chunk does not grow', async () => {
    const ledger = scripted((bytes) => (bytes > 10 * KiB ? 'no_room' : 'granted'))
    const grants = grantsFor(ledger.state, 10 * MiB)
    expect(await grants.allow(FIRST_GRANT + 10 * KiB)).toBe(FIRST_GRANT + 10 * KiB)
    // The grant asked ahead is again one chunk of the same size.
    expect(ledger.reserves).toEqual([FIRST_GRANT, 10 * KiB, FIRST_GRANT])
  })

  test('waiting for room ends early when another transfer releases some', async () => {
    vi.useFakeTimers()
    let released = false
    const ledger = scripted(() => (released ? 'granted' : 'no_room'))
    const grants = grantsFor(ledger.state, 10 * MiB)
    let result: number | undefined
    void grants.allow(FIRST_GRANT + 1).then((n) => (result = n))
    await vi.advanceTimersByTimeAsync(1000)
    expect(result).toBeUndefined()
    released = true
    await vi.advanceTimersByTimeAsync(500) // at most one pause
    expect(result).toBe(2 * FIRST_GRANT)
    expect(ledger.log.filter((line) => line.startsWith('makeRoom')).length).toBeGreaterThan(3)
  })

  test('with no room for about 10 s the transfer ends early with what it was granted', async () => {
    vi.useFakeTimers()
    const ledger = scripted(() => 'no_room')
    const grants = grantsFor(ledger.state, 10 * MiB)
    let result: number | undefined
    void grants.allow(FIRST_GRANT + 1).then((n) => (result = n))
    await vi.advanceTimersByTimeAsync(9_900)
    expect(result).toBeUndefined()
    await vi.advanceTimersByTimeAsync(1_100)
    expect(result).toBe(FIRST_GRANT)
  })
})
