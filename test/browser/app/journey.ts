import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Api, bytes } from '../../support/api'
import { sha256, sha256File } from '../../support/clients'
import { removeScratch, scratchDir } from '../../support/scratch'
import type { ServiceTarget, TargetKind } from '../../support/target'
import { openPerson, type Person, throttleUploads } from './chromium'

/*
 * Issue 8 as people live it, in a real Chromium against a real service: the
 * operator's setup link makes the first admin, who invites a user; the user
 * uploads a 50 MB file, makes a link and sends it; a recipient downloads it;
 * the owner watches the count, revokes, protects a link with a password; a
 * user is kept off admin screens and a lost session goes back to sign-in.
 * The tests run in order and share the people they make.
 */

const ADMIN = { username: 'ada', password: 'correct horse battery' }
const USER = { username: 'bob', password: 'bob’s long passphrase' }
const LINK_PASSWORD = 'open sesame 2026'
const BIG = 50_000_000
/** Signing in checks a slow password hash, on a shared CPU: screens may take seconds to change. */
const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000 })
/** The pace of the throttled uploads: a 50 MB file takes about 3 seconds. */
const UPLOAD_PACE = 16_000_000

export function appJourney(kind: TargetKind): void {
  describe(`the app in Chromium, ${kind.name}`, () => {
    let target: ServiceTarget
    let api: Api
    let profiles: string
    const people: Person[] = []
    let admin: Person
    let user: Person
    let bigFile: string
    let bigSha: string
    let linkUrl: string

    beforeAll(async () => {
      profiles = scratchDir('chromium-app')
      target = await kind.start({ env: { RATE_LIMIT: '0' } })
      api = new Api(target)
      const data = bytes(BIG, 81)
      bigFile = join(profiles, 'Holiday photos 2026.zip')
      writeFileSync(bigFile, data)
      bigSha = sha256(data)
      // The Worker's first start migrates a local D1 with wrangler: minutes on a loaded machine.
    }, 300_000)

    afterAll(async () => {
      for (const person of people) await person.context.close()
      await target?.stop()
      if (profiles) removeScratch(profiles)
    })

    async function person(name: string): Promise<Person> {
      const opened = await openPerson(profiles, name)
      await opened.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: target.baseUrl })
      people.push(opened)
      return opened
    }

    const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name })
    /** The heading of the screen shown, only while signed in (the screens stay under the sign-in form). */
    const heading = (page: Page) => page.locator('#app-view:not([hidden]) .screen:not([hidden]) h1')
    const linkRow = (page: Page, name: string) => page.locator('#links-body tr', { hasText: name })

    async function signIn(page: Page, who: { username: string; password: string }): Promise<void> {
      const form = page.locator('#signin-form')
      await form.getByLabel('Username').fill(who.username)
      await form.getByLabel('Password').fill(who.password)
      await form.getByRole('button', { name: 'Sign in' }).click()
    }

    async function downloadAsRecipient(url: string, saveAs: string, password?: string) {
      const recipient = await person(`recipient-${people.length}`)
      const { page } = recipient
      expect((await page.goto(url))!.status()).toBe(200)
      if (password) await page.getByLabel('Password').fill(password)
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()])
      await download.saveAs(saveAs)
      expect(await download.failure()).toBeNull()
      return recipient
    }

    test('the setup link makes the first admin, who lands in the app', async () => {
      admin = await person('admin')
      const { page } = admin
      await page.goto(target.setupUrl()!)
      await page.getByLabel('Username').fill(ADMIN.username)
      await page.getByLabel('Password').fill(ADMIN.password)
      await Promise.all([page.waitForURL(`${target.baseUrl}/`), page.getByRole('button', { name: 'Create the administrator' }).click()])
      await eventually(() => heading(page).textContent()).toBe('Share files')
      await eventually(() => nav(page, 'People').isVisible()).toBe(true)
      expect(admin.errors).toEqual([])
    })

    test('the admin invites a user, who chooses a password, signs out, and signs in (a wrong password first)', async () => {
      const { page } = admin
      await nav(page, 'People').click()
      await eventually(() => heading(page).textContent()).toBe('People')
      await page.locator('#user-form').getByLabel('Username').fill(USER.username)
      await page.getByRole('button', { name: 'Create invite' }).click()
      const invite = await page.getByLabel(`Invite link for ${USER.username}`).inputValue()
      expect(invite).toMatch(new RegExp(`^${target.baseUrl}/invite/`))
      // Newest first: the invited user (an account already, without a password yet), then the admin.
      await eventually(() => page.locator('#users-body tr').allTextContents()).toEqual([
        expect.stringMatching(new RegExp(`^${USER.username}User`)),
        expect.stringMatching(new RegExp(`^${ADMIN.username}Admin`)),
      ])

      user = await person('user')
      await user.page.goto(invite)
      expect(await user.page.locator('h1').textContent()).toBe(`Welcome, ${USER.username}`)
      await user.page.getByLabel('New password').fill(USER.password)
      await Promise.all([
        user.page.waitForURL(`${target.baseUrl}/`),
        user.page.getByRole('button', { name: 'Set password and sign in' }).click(),
      ])
      await eventually(() => heading(user.page).textContent()).toBe('Share files')
      // A user's navigation has no People.
      expect(await nav(user.page, 'People').isVisible()).toBe(false)

      await nav(user.page, 'Account').click()
      await user.page.getByRole('button', { name: 'Sign out', exact: true }).click()
      await eventually(() => user.page.locator('#signin-note').textContent()).toBe('You are signed out.')
      await signIn(user.page, { ...USER, password: 'not the password' })
      await eventually(() => user.page.locator('#signin-error').textContent()).toBe(
        'That username and password do not match. Check them and try again.',
      )
      await signIn(user.page, USER)
      // Back on the screen they left.
      await eventually(() => heading(user.page).textContent()).toBe('Account')
      expect(user.errors).toEqual([])
    })

    test('the user uploads a 50 MB file with a moving progress bar, and makes a link for 1 day and 2 downloads', async () => {
      const { page } = user
      await nav(page, 'Share').click()
      await throttleUploads(page, UPLOAD_PACE)
      const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: 'Choose files' }).click()])
      await chooser.setFiles(bigFile)

      const bar = page.getByRole('progressbar', { name: 'Upload of Holiday photos 2026.zip' })
      // Screen readers find the bar by its name while it runs (it makes way for "Uploaded" after).
      await eventually(() => bar.isVisible()).toBe(true)
      const seen = new Set<number>()
      const statuses = new Set<string>()
      const started = Date.now()
      while (Date.now() - started < 60_000) {
        const { value, max, status, state } = await page.evaluate(() => {
          const row = document.querySelector<HTMLElement>('#upload-list li')!
          const progress = row.querySelector('progress')!
          return {
            value: progress.value,
            max: progress.max,
            status: row.querySelector('.upload-status')!.textContent!,
            state: row.dataset.state,
          }
        })
        expect(max).toBe(BIG)
        if (value > 0 && value < max) seen.add(value)
        if (state === 'uploading') statuses.add(status)
        if (state === 'done') break
        await page.waitForTimeout(150)
      }
      const uploadMs = Date.now() - started
      expect(await page.locator('#upload-list .upload-status').textContent()).toBe('Uploaded')
      // The bar took several positions on its way, and said how fast and how long.
      expect(seen.size).toBeGreaterThanOrEqual(3)
      expect([...statuses].some((status) => /^[\d.]+ MB of 50 MB · [\d.]+ MB\/s · .+ left$/.test(status))).toBe(true)
      process.stdout.write(`[app journey ${kind.name}] 50 MB upload at ${UPLOAD_PACE / 1e6} MB/s emulated: ${uploadMs} ms\n`)

      await page.getByText('1 day', { exact: true }).click()
      await page.getByText('Other', { exact: true }).click()
      await page.getByLabel('Number of downloads').fill('2')
      await page.getByRole('button', { name: 'Create link' }).click()
      const card = page.getByRole('article', { name: 'Link to Holiday photos 2026.zip' })
      await eventually(() => card.getByRole('heading').textContent()).toBe('Your link is ready')
      expect(await card.getByRole('img', { name: /QR code of the link/ }).isVisible()).toBe(true)
      expect(await card.locator('.result-facts').textContent()).toMatch(/in 1 day|in 24 hours|in 23 hours/)
      expect(await card.locator('.result-facts').textContent()).toContain('2 downloads')
      await card.getByRole('button', { name: 'Copy link' }).click()
      await eventually(() => page.locator('#toast').textContent()).toBe('Link copied.')
      linkUrl = await page.evaluate(() => navigator.clipboard.readText())
      expect(linkUrl).toBe(await card.getByLabel('Link to Holiday photos 2026.zip').inputValue())
      expect(linkUrl).toMatch(new RegExp(`^${target.baseUrl}/s/`))

      const [link] = (await api.json('GET', '/api/v1/links?limit=100')).items
      expect(link).toMatchObject({ maxDownloads: 2, downloads: 0, status: 'active' })
      expect(Date.parse(link.expiresAt) - Date.parse(link.createdAt)).toBe(86_400_000)
      expect(user.errors).toEqual([])
    })

    test('a recipient in a fresh browser downloads it (same sha256); the owner sees 1 of 2 and when, then revokes it', async () => {
      const saved = join(profiles, 'received.zip')
      const recipient = await downloadAsRecipient(linkUrl, saved)
      expect(await sha256File(saved)).toBe(bigSha)
      await eventually(() => recipient.page.getByRole('status').textContent()).toMatch(
        /^Your download has started\..*1 of 2 downloads left\.$/,
      )

      const { page } = user
      await nav(page, 'Links').click()
      const row = linkRow(page, 'Holiday photos 2026.zip')
      await eventually(() => row.locator('.count').textContent()).toBe('1 of 2 used')
      expect(await row.locator('td[data-label="Downloads"]').textContent()).toContain('1 left')
      // Last download: how long ago, and when in the viewer's zone.
      expect(await row.locator('td[data-label="Last download"] .when').textContent()).toMatch(/^(just now|\d+ seconds? ago)$/)

      // Changed in place (PATCH): an earlier expiry and 3 downloads keep the address the recipient has.
      const [sent] = (await api.json('GET', '/api/v1/links?limit=100')).items
      await page.getByRole('button', { name: 'Change the link to Holiday photos 2026.zip' }).click()
      await page.getByText('1 hour', { exact: true }).click()
      await page.locator('label[for="downloads-3"]').click()
      await page.getByRole('button', { name: 'Save changes' }).click()
      await eventually(() => page.locator('#toast').textContent()).toBe('The link is changed. Its address stays the same.')
      const changed = await api.link(sent.id)
      expect(changed).toMatchObject({ id: sent.id, maxDownloads: 3, downloads: 1, url: linkUrl })
      expect(Date.parse(changed.expiresAt)).toBeLessThan(Date.parse(sent.expiresAt))
      await nav(page, 'Links').click()
      await eventually(() => row.locator('.count').textContent()).toBe('1 of 3 used')

      await page.getByRole('button', { name: 'Revoke the link to Holiday photos 2026.zip' }).click()
      await page.getByRole('dialog').getByRole('button', { name: 'Revoke link' }).click()
      await eventually(() => page.locator('#toast').textContent()).toBe('The link to Holiday photos 2026.zip is revoked.')
      await page.getByLabel('Show', { exact: true }).selectOption('ended')
      await eventually(() => row.locator('.badge').textContent()).toBe('Revoked')

      expect((await recipient.page.reload())!.status()).toBe(410)
      expect(await recipient.page.locator('h1').textContent()).toBe('This link was withdrawn')
      expect(await recipient.page.getByRole('button').count()).toBe(0)
      expect([...user.errors, ...recipient.errors]).toEqual([])
    })

    test('a password link: a wrong password is refused without counting, the right one downloads', async () => {
      const { page } = user
      await nav(page, 'Files').click()
      await page.getByRole('button', { name: 'Make a link to Holiday photos 2026.zip' }).click()
      await eventually(() => heading(page).textContent()).toBe('Share a file')
      await page.getByText('1', { exact: true }).click()
      await page.getByText('More options').click()
      await page.locator('#link-form').getByLabel('Password').fill(LINK_PASSWORD)
      await page.getByLabel('Message to the recipient').fill('The photos from the lake, as promised.')
      await page.getByRole('button', { name: 'Create link' }).click()
      const card = page.getByRole('article', { name: 'Link to Holiday photos 2026.zip' }).first()
      await eventually(() => card.locator('.result-facts').textContent()).toContain('Password protected')
      const url = await card.getByLabel('Link to Holiday photos 2026.zip').inputValue()
      const link = (await api.json('GET', '/api/v1/links?limit=100')).items.find((item: { status: string }) => item.status === 'active')
      expect(link).toMatchObject({ passwordProtected: true, maxDownloads: 1, message: 'The photos from the lake, as promised.' })

      const recipient = await person('password-recipient')
      const landing = recipient.page
      await landing.goto(url)
      expect(await landing.locator('.message').textContent()).toContain('The photos from the lake, as promised.')
      expect(await landing.locator('.sender').first().textContent()).toBe(USER.username)
      await landing.getByLabel('Password').fill('a wrong guess')
      await landing.getByRole('button', { name: 'Download' }).click()
      await eventually(() => landing.getByRole('alert').textContent()).toMatch(/not right/)
      expect((await api.link(link.id)).downloads).toBe(0)

      await landing.getByLabel('Password').fill(LINK_PASSWORD)
      const [download] = await Promise.all([landing.waitForEvent('download'), landing.getByRole('button', { name: 'Download' }).click()])
      const saved = join(profiles, 'protected.zip')
      await download.saveAs(saved)
      expect(await download.failure()).toBeNull()
      expect(await sha256File(saved)).toBe(bigSha)
      expect((await api.link(link.id)).downloads).toBe(1)
      expect([...user.errors, ...recipient.errors]).toEqual([])
    })

    test('a user on an admin screen is told it is for administrators, and the API answers 403', async () => {
      const { page } = user
      await page.goto(`${target.baseUrl}/#/users`)
      await eventually(() => heading(page).textContent()).toBe('This page is for administrators')
      expect(await page.evaluate(async () => (await fetch('/api/v1/users')).status)).toBe(403)
      expect(
        await page.evaluate(
          async () =>
            (await fetch('/api/v1/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"username":"eve"}' }))
              .status,
        ),
      ).toBe(403)
    })

    test('a session signed out elsewhere, or whose cookie is gone, goes back to sign-in and then to the same screen', async () => {
      const { page } = user
      await nav(page, 'Files').click()
      await eventually(() => heading(page).textContent()).toBe('Files')
      // Signed out everywhere from another device.
      const other = await person('user-elsewhere')
      await other.page.goto(target.baseUrl)
      await signIn(other.page, USER)
      await eventually(() => heading(other.page).textContent()).toBe('Share files')
      await nav(other.page, 'Account').click()
      await other.page.getByRole('button', { name: 'Sign out everywhere' }).click()
      await eventually(() => other.page.locator('#signin-note').textContent()).toBe('You are signed out on every device.')

      await nav(page, 'Links').click()
      await eventually(() => page.locator('#signin-note').textContent()).toBe('Your session has ended. Sign in again to continue.')
      expect(await page.locator('#app-view').isHidden()).toBe(true)
      await signIn(page, USER)
      await eventually(() => heading(page).textContent()).toBe('Links')

      // The cookie is gone (expired): the next screen asks to sign in again.
      await user.context.clearCookies()
      expect(await page.evaluate(async () => (await fetch('/api/v1/me')).status)).toBe(401)
      await nav(page, 'Keys').click()
      await eventually(() => page.locator('#signin-view').isVisible()).toBe(true)
      await eventually(() => page.locator('#signin-note').textContent()).toBe('Your session has ended. Sign in again to continue.')
      await signIn(page, USER)
      await eventually(() => heading(page).textContent()).toBe('API keys')
      expect([...user.errors, ...other.errors]).toEqual([])
    })
  })
}
