import { html, raw } from 'hono/html'
import type { ErrorCode, FuselinkError } from '../../core/errors'
import { relativeTime } from '../../core/ui/human'
import { type IconName, iconSvg } from '../../core/ui/icons'
import { localLine, timeWithLocal } from './landing-page'
import { page } from './layout'

interface Explanation {
  heading: string
  /** What happened and what to do, in one plain sentence or two. */
  sentence: string
  icon: IconName
  tone: 'warn' | 'info' | 'stop'
}

// One plain explanation per recipient error: what happened and what to do.
// No detail from the error itself, so no internals ever reach the page.
const EXPLANATIONS: Partial<Record<ErrorCode, Explanation>> = {
  invalid_token: {
    heading: 'This link does not work',
    sentence: 'This link is not valid. Check that you copied the whole address.',
    icon: 'alert',
    tone: 'warn',
  },
  link_not_yet_valid: {
    heading: 'This link is not active yet',
    sentence: 'This link is not active yet. Try again later.',
    icon: 'clock',
    tone: 'info',
  },
  link_expired: {
    heading: 'This link has expired',
    sentence: 'This link has expired. Ask the sender for a new one.',
    icon: 'clock',
    tone: 'warn',
  },
  link_revoked: {
    heading: 'This link was withdrawn',
    sentence: 'The sender has withdrawn this link. Ask them for a new one if you still need the file.',
    icon: 'ban',
    tone: 'stop',
  },
  download_limit_reached: {
    heading: 'This link has been used up',
    sentence: 'This link has been used as many times as the sender allowed. Ask the sender for a new one.',
    icon: 'checkCircle',
    tone: 'info',
  },
  file_gone: {
    heading: 'The file is no longer here',
    sentence: 'The file behind this link has been deleted by the sender.',
    icon: 'ban',
    tone: 'stop',
  },
  range_not_satisfiable: {
    heading: 'That part of the file does not exist',
    sentence: 'The requested part of the file does not exist. Start the download again from the link.',
    icon: 'alert',
    tone: 'warn',
  },
  rate_limited: {
    heading: 'Too many attempts',
    sentence: 'Too many failed attempts from your network. Wait a minute and try again.',
    icon: 'clock',
    tone: 'warn',
  },
  password_required: {
    heading: 'This link needs a password',
    sentence: 'This link is protected by a password. Open the link you were sent to enter it.',
    icon: 'lock',
    tone: 'info',
  },
  wrong_password: {
    heading: 'That password is not right',
    sentence: 'That password is not right. Check it with the sender and try again.',
    icon: 'lock',
    tone: 'warn',
  },
  forbidden: {
    heading: 'This form was sent from elsewhere',
    sentence: 'This form can only be sent from its own page. Open the link again and send it from there.',
    icon: 'ban',
    tone: 'stop',
  },
  payload_too_large: { heading: 'Too large', sentence: 'What was sent is too large.', icon: 'alert', tone: 'warn' },
  storage_unavailable: {
    heading: 'The file cannot be reached right now',
    sentence: 'The file cannot be reached right now. Nothing was counted; try again in a moment.',
    icon: 'alert',
    tone: 'warn',
  },
  not_found: { heading: 'Nothing here', sentence: 'There is nothing at this address.', icon: 'alert', tone: 'info' },
}

const FALLBACK: Explanation = {
  heading: 'Something went wrong',
  sentence: 'Something went wrong on our side. Try again later.',
  icon: 'alert',
  tone: 'warn',
}

function problemCard(code: ErrorCode, explanation: Explanation, body: ReturnType<typeof html>) {
  return html`<div class="card problem" role="alert" data-code="${code}">
<span class="state-icon ${explanation.tone}">${raw(iconSvg(explanation.icon, 28))}</span>
<h1>${explanation.heading}</h1>
${body}
</div>`
}

/** A plain page for a person: what happened in words, no status code, no download button, no internals. */
export function errorPage(error: FuselinkError) {
  const explanation = EXPLANATIONS[error.code] ?? FALLBACK
  return page(explanation.heading, problemCard(error.code, explanation, html`<p>${explanation.sentence}</p>`))
}

/** A link whose `notBefore` is still ahead: when it opens, in UTC and in the viewer's time. */
export function notYetValidPage(opensAt: number, now: number) {
  const explanation = EXPLANATIONS.link_not_yet_valid!
  return page(
    explanation.heading,
    problemCard(
      'link_not_yet_valid',
      explanation,
      html`<p>It opens on ${timeWithLocal(opensAt, 'local-opening')}, ${relativeTime(opensAt - now)}.<br>${localLine('local-opening')}</p>
<p class="muted small">Nothing has been used: come back then and the download will be ready.</p>`,
    ),
  )
}
