import type { ReserveOutcome, SweepResult, TransferLedger, TransferStart } from '../../core/ports'
import { type SqlDatabase, type SqlValue, sql } from '../sql'

// The counting SQL, read against docs/counting.md ("The ledger, statement by statement").

// What one transfer row holds against its link's byte budget: its grant while
// it streams, what it sent once settled; less what was given back either way.
const held = (t: string) => `CASE WHEN ${t}.state = 'active' THEN ${t}.reserved ELSE ${t}.sent - ${t}.given_back END`
// Budget left on link `l`: one file size per counted download, less the rows
// the sweep folded into l.charged, less what the remaining rows hold.
const budgetLeft = (l: string) =>
  `(${l}.downloads * ${l}.size - ${l}.charged - (SELECT COALESCE(SUM(${held('h')}), 0) FROM transfers h WHERE h.link_id = ${l}.id))`
// Give-back allowance left on link `l`; its one parameter is the cap.
const allowanceLeft = (l: string) =>
  `(? - ${l}.refunded - (SELECT COALESCE(SUM(g.given_back), 0) FROM transfers g WHERE g.link_id = ${l}.id))`
const LINK_ALIVE = 'l.revoked_at IS NULL AND f.deleted_at IS NULL'
// A link without a download limit has no byte budget either (docs/counting.md,
// "Unlimited links"): each count or budget guard reads `unlimited OR guard`,
// so that for a limited link it is exactly the guard it always was.
const unlimited = (l: string) => `${l}.max_downloads IS NULL`

// Settled rows are folded into their link's totals after a while, so that a
// link's budget sums few rows: completed transfers soon (they matter to
// makeRoom only beside transfers that overlap them, which start within
// moments), cut ones only when a resume of them has become unlikely
// (docs/counting.md, "Folding settled rows").
const FOLD_DONE_AFTER_MS = 10 * 60_000
const FOLD_CUT_AFTER_MS = 24 * 3600_000

// Statement texts are built once, here: the database caches prepared
// statements by their text, and a text built again per call is hashed again
// per call (docs/performance.md, "Statement texts built once").
const INSERT_TRANSFER = `INSERT INTO transfers (id, link_id, counted, start, length, sent, state, lease_until, created_at, reserved, given_back, stop_at)
  SELECT ?, l.id, ?, ?, ?, ?, ?, ?, ?, ?, 0, ? FROM links l JOIN files f ON f.id = l.file_id WHERE l.id = ? AND ${LINK_ALIVE}`
const START_FRESH = `${INSERT_TRANSFER} AND (${unlimited('l')} OR l.downloads < l.max_downloads) AND l.expires_at > ?
  AND (l.not_before IS NULL OR l.not_before <= ?)`
const COUNT_FRESH =
  'UPDATE links SET downloads = downloads + 1, last_download_at = ? WHERE id = ? AND EXISTS (SELECT 1 FROM transfers WHERE id = ?)'
const START_RESUME = `${INSERT_TRANSFER} AND l.downloads >= 1 AND l.expires_at + ? > ? AND (${unlimited('l')} OR ${budgetLeft('l')} >= ?)`
const GRANT = `UPDATE transfers SET reserved = reserved + ?, lease_until = ?
  WHERE id = ? AND state = 'active' AND start + reserved + given_back + ? <= stop_at
    AND (SELECT ${unlimited('l')} OR ${budgetLeft('l')} >= ? FROM links l WHERE l.id = transfers.link_id)`
const GRANT_REFUSED = `SELECT state = 'active' AND start + reserved + given_back + ? <= stop_at AS open FROM transfers WHERE id = ?`
// makeRoom's search and its two guarded statements (docs/counting.md, "makeRoom").
const FIND_DUPLICATE = `SELECT t.id AS id, t.state AS state, MIN(p.start) AS x
  FROM transfers t
  JOIN (SELECT id, start FROM transfers WHERE link_id = ? UNION ALL SELECT '' AS id, ? AS start) p
    ON p.id <> t.id AND p.start > t.start AND p.start < t.start + ${held('t')} AND (t.state <> 'done' OR p.id <> '')
  WHERE t.link_id = ? AND t.state IN ('active', 'cut', 'done')
  GROUP BY t.id, t.state, t.start, t.reserved, t.sent, t.given_back
  ORDER BY t.start + ${held('t')} - MIN(p.start) DESC
  LIMIT 1`
const ALLOWANCE = `(SELECT ${allowanceLeft('l')} FROM links l WHERE l.id = transfers.link_id)`
const GIVE_BACK_LIVE = `UPDATE transfers SET
    given_back = given_back + MIN(start + reserved - ?, ${ALLOWANCE}),
    reserved = reserved - MIN(start + reserved - ?, ${ALLOWANCE}),
    stop_at = MIN(stop_at, ?)
  WHERE id = ? AND state = 'active' AND start < ? AND start + reserved > ? AND ${ALLOWANCE} > 0`
const GIVE_BACK_SETTLED = `UPDATE transfers SET given_back = given_back + MIN(start + sent - given_back - ?, ${ALLOWANCE})
  WHERE id = ? AND state = ? AND start < ? AND start + sent - given_back > ? AND ${ALLOWANCE} > 0
    AND (state = 'cut' OR EXISTS (SELECT 1 FROM transfers o WHERE o.link_id = transfers.link_id AND o.id <> transfers.id AND o.start = ?))`
const UNCOUNT = `UPDATE links SET downloads = downloads - 1
  WHERE id = (SELECT link_id FROM transfers WHERE id = ? AND state = 'active' AND counted = 1)
    AND (${unlimited('links')} OR ${budgetLeft('links')} + (SELECT reserved FROM transfers WHERE id = ?) >= size)`

/**
 * The transfer ledger over SQL that SQLite and D1 both speak. Every counting
 * step is a single batch (one transaction) whose WHERE clauses carry the
 * guards, so that concurrent requests are serialised by the database, not by
 * the app.
 */
export class SqlTransferLedger implements TransferLedger {
  constructor(private readonly db: SqlDatabase) {}

  async startTransfer(t: TransferStart): Promise<boolean> {
    const values: SqlValue[] = [
      t.id,
      t.mode === 'fresh' ? 1 : 0,
      t.start,
      t.length,
      // A body in hand is settled as it is written, as #settle would leave it
      // (given_back stays 0, since nothing was granted beyond what it sent).
      t.sent ?? 0,
      t.sent === undefined ? 'active' : t.sent >= t.length ? 'done' : 'cut',
      t.leaseUntil,
      t.now,
      t.grant,
      t.start + t.length,
      t.linkId,
    ]

    if (t.mode === 'fresh') {
      // Rule 2: check and count in one transaction. The insert's guard reads
      // the counter that the update of any earlier winner already raised; the
      // update also notes when, for the link's owner.
      const [inserted] = await this.db.batch([sql(START_FRESH, ...values, t.now, t.now), sql(COUNT_FRESH, t.now, t.linkId, t.id)])
      return inserted === 1
    }

    // Rule 3: a resume is admitted only if all its bytes fit in what is left,
    // though it reserves only its first chunk now.
    const [inserted] = await this.db.batch([sql(START_RESUME, ...values, t.resumeGrace, t.now, t.length)])
    return inserted === 1
  }

  #settle(id: string, sent: number) {
    return sql(
      `UPDATE transfers SET sent = ?, given_back = MIN(given_back, MAX(0, ? - reserved)),
         state = CASE WHEN ? >= length THEN 'done' ELSE 'cut' END
       WHERE id = ? AND state = 'active'`,
      sent,
      sent,
      sent,
      id,
    )
  }

  async reserve(id: string, bytes: number, leaseUntil: number): Promise<ReserveOutcome> {
    // The grant counts against the budget at once; the bytes follow it.
    const [granted] = await this.db.batch([sql(GRANT, bytes, leaseUntil, id, bytes, bytes)])
    if (granted === 1) return 'granted'
    const row = await this.db.first<{ open: number }>(GRANT_REFUSED, [bytes, id])
    return row?.open ? 'no_room' : 'stopped'
  }

  async makeRoom(linkId: string, point: number | null, cap: number): Promise<boolean> {
    // The transfer that holds the most bytes past the start of another one
    // (or past `point`): those bytes duplicate what the other one fetches.
    // A completed one only past another transfer's start, never past a
    // resume point (docs/counting.md, "The give-back and its cap").
    const found = await this.db.first<{ id: string; state: 'active' | 'cut' | 'done'; x: number }>(FIND_DUPLICATE, [linkId, point, linkId])
    if (!found) return false
    const { id, state, x } = found
    // One row changes, so the amount computed in SET is the amount recorded;
    // the guards repeat the search's conditions against the current row.
    const statement =
      state === 'active' ? sql(GIVE_BACK_LIVE, x, cap, x, cap, x, id, x, x, cap) : sql(GIVE_BACK_SETTLED, x, cap, id, state, x, x, cap, x)
    const [changed] = await this.db.batch([statement])
    return changed === 1
  }

  async settleTransfer(id: string, sent: number): Promise<void> {
    // Bytes sent past the row's reservation were sent under a grant that was
    // given back meanwhile; only those stay given back, the rest of what was
    // set aside returns to the allowance.
    await this.db.batch([this.#settle(id, sent)])
  }

  async cancelTransfer(id: string): Promise<void> {
    // The count is undone only if the budget still covers everything else
    // without it (a resume may have started on the strength of it).
    await this.db.batch([sql(UNCOUNT, id, id), sql(`DELETE FROM transfers WHERE id = ? AND state = 'active'`, id)])
  }

  async renewTransfer(id: string, leaseUntil: number): Promise<void> {
    await this.db.batch([sql(`UPDATE transfers SET lease_until = ? WHERE id = ? AND state = 'active'`, leaseUntil, id)])
  }

  async sweep(now: number): Promise<SweepResult> {
    // A transfer whose lease ran out belongs to a process that died: settle
    // it as cut after sending everything it was granted. That is safe for
    // the budget, and the give-back still lets an honest client resume.
    const [expired = 0] = await this.db.batch([
      sql(`UPDATE transfers SET sent = reserved + given_back, state = 'cut' WHERE state = 'active' AND lease_until < ?`, now),
    ])
    const foldable = `(t.state = 'done' AND t.created_at < ?) OR (t.state = 'cut' AND t.created_at < ?)`
    const cutoffs = [now - FOLD_DONE_AFTER_MS, now - FOLD_CUT_AFTER_MS]
    await this.db.batch([
      sql(
        `UPDATE links SET
           charged = charged + (SELECT COALESCE(SUM(t.sent - t.given_back), 0) FROM transfers t WHERE t.link_id = links.id AND (${foldable})),
           refunded = refunded + (SELECT COALESCE(SUM(t.given_back), 0) FROM transfers t WHERE t.link_id = links.id AND (${foldable}))
         WHERE id IN (SELECT t.link_id FROM transfers t WHERE ${foldable})`,
        ...cutoffs,
        ...cutoffs,
        ...cutoffs,
      ),
      sql(`DELETE FROM transfers AS t WHERE ${foldable}`, ...cutoffs),
    ])
    return { expiredTransfers: expired }
  }
}
