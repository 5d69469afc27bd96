import { html, raw } from 'hono/html'
import { type IconName, iconSvg } from '../../../core/ui/icons'

/*
 * Pieces the app's screens share. The screens are rendered here with their
 * headings, forms and empty tables; the browser code (src/web/app.ts) fills
 * them from the same /api/v1 routes programs use.
 */

export const icon = (name: IconName, size?: number) => raw(iconSvg(name, size))

/** A screen of the app: hidden until the browser code shows it for its address (#/name). */
export function screen(name: string, title: string, intro: string, body: ReturnType<typeof html>) {
  return html`<section id="screen-${name}" class="screen" data-screen="${name}" aria-labelledby="${name}-title" hidden>
<header class="screen-head">
<h1 id="${name}-title" tabindex="-1">${title}</h1>
<p class="muted">${intro}</p>
</header>
${body}
</section>`
}

/** A labelled input with an optional hint under it (tied to the input for screen readers). */
export function field(id: string, label: string, input: ReturnType<typeof html>, hint?: string | ReturnType<typeof html>, extraClass = '') {
  return html`<div class="field ${extraClass}">
<label for="${id}">${label}</label>
${input}
${hint ? html`<p class="hint" id="${id}-hint">${hint}</p>` : ''}
</div>`
}

/** Where a form says what went wrong, in one sentence; read out when it changes. */
export const formError = (id: string) => html`<p class="form-error" id="${id}" role="alert"></p>`

/** A list as a table with a caption for screen readers; rows come from the browser code. */
export function listTable(name: string, caption: string, columns: string[]) {
  return html`<div class="table-wrap">
<table class="list" id="${name}-table">
<caption class="visually-hidden">${caption}</caption>
<thead><tr>${columns.map((column) => html`<th scope="col">${column}</th>`)}<th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody id="${name}-body"></tbody>
</table>
</div>
<p class="empty muted" id="${name}-empty" hidden></p>
<p class="list-error form-error" id="${name}-error" role="alert"></p>
<div class="more-row"><button type="button" class="secondary" id="${name}-more" hidden>Show more</button></div>`
}
