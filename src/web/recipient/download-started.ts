import { iconSvg } from '../../core/ui/icons'

/*
 * After the Download button: the form POSTs as it does without JavaScript
 * (scanners never submit forms, so only this counts), the browser saves the
 * answer as a file and stays on the page. To show that something happened,
 * the page reads its own address again (which never counts) until the count
 * has gone down, then says the download started and shows the new count.
 */

const POLL_EVERY_MS = 700
const POLL_FOR_MS = 20_000

interface Count {
  remaining: number
  max: number
}

/** The count the page shows now; null when the page has none (an error page). */
async function countNow(address: string): Promise<Count | 'used_up' | null> {
  // The page's own address (/s/…) never counts (docs/scanner-safety.md), and
  // keeps /d/ for downloads alone, so a request log shows only those there.
  const response = await fetch(address, { headers: { accept: 'text/html' }, cache: 'no-store' })
  const page = new DOMParser().parseFromString(await response.text(), 'text/html')
  const shown = page.querySelector<HTMLElement>('[data-remaining]')
  if (shown) return { remaining: Number(shown.dataset.remaining), max: Number(shown.dataset.max) }
  return page.querySelector('[data-code="download_limit_reached"]') ? 'used_up' : null
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

export function followDownload(root: Document): void {
  const form = root.querySelector<HTMLFormElement>('form[method="post"]')
  const count = root.querySelector<HTMLElement>('[data-remaining]')
  const button = form?.querySelector<HTMLButtonElement>('button[type="submit"]')
  const label = button?.querySelector('span')
  if (!form || !count || !button || !label) return

  // A live region present from the start, so that what it says later is read out.
  const notice = root.createElement('div')
  notice.setAttribute('role', 'status')
  form.before(notice)

  const say = (tone: 'waiting' | 'done' | 'unsure', title: string, text: string) => {
    notice.className = `notice ${tone === 'done' ? '' : 'waiting'}`
    notice.innerHTML = iconSvg(tone === 'done' ? 'checkCircle' : tone === 'waiting' ? 'download' : 'alert', 22)
    const p = root.createElement('p')
    const strong = root.createElement('strong')
    strong.textContent = title
    p.append(strong, text)
    notice.append(p)
  }

  let watching = 0
  form.addEventListener('submit', () => {
    const before = Number(count.dataset.remaining)
    const run = ++watching
    // Disabled after the browser has built the form's request: against a
    // second click counting a second download.
    setTimeout(() => {
      button.disabled = true
      say('waiting', 'Starting your download…', '')
    })
    void (async () => {
      const deadline = Date.now() + POLL_FOR_MS
      while (Date.now() < deadline && run === watching) {
        await wait(POLL_EVERY_MS)
        const now = await countNow(window.location.href).catch(() => null)
        if (now === 'used_up' || (now && now.remaining < before)) {
          const left = now === 'used_up' ? 0 : now.remaining
          const max = now === 'used_up' ? Number(count.dataset.max) : now.max
          count.dataset.remaining = String(left)
          count.textContent = `${left} of ${max}`
          if (left > 0) {
            say('done', 'Your download has started.', ` Find it in your browser's downloads. ${left} of ${max} downloads left.`)
            label.textContent = 'Download again'
            button.disabled = false
          } else {
            say('done', 'Your download has started.', " Find it in your browser's downloads. That was the last download this link allows.")
            form.hidden = true
          }
          return
        }
      }
      if (run !== watching) return
      say(
        'unsure',
        'Your download has not started yet.',
        ' If nothing appears in your downloads, try again: nothing is counted until a download starts.',
      )
      button.disabled = false
    })()
  })
}
