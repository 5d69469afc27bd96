import { type IconName, iconSvg } from '../../core/ui/icons'

/*
 * Building the app's dynamic parts as elements, never as HTML text: what
 * people typed (file names, messages) can only ever become text nodes.
 */

type Child = Node | string | number | null | undefined | false
type Props = Record<string, string | number | boolean | null | undefined | ((event: Event) => void)>

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  for (const [name, value] of Object.entries(props)) {
    if (typeof value === 'function') element.addEventListener(name.slice(2), value)
    else if (value === true) element.setAttribute(name, '')
    else if (value !== false && value !== null && value !== undefined) element.setAttribute(name, String(value))
  }
  append(element, ...children)
  return element
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    parent.appendChild(typeof child === 'object' ? child : document.createTextNode(String(child)))
  }
}

/** Markup the app itself made (icons): parsed once into nodes. */
export function fromMarkup(markup: string): Element {
  const template = document.createElement('template')
  template.innerHTML = markup
  return template.content.firstElementChild!
}

export const icon = (name: IconName, size = 18) => fromMarkup(iconSvg(name, size))

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
  const element = document.getElementById(id)
  if (!element) throw new Error(`#${id} is missing from the page`)
  return element as T
}

/** A button with an icon and a visible label. */
export function button(label: string, iconName: IconName | null, onClick: () => void, className = 'secondary small', extra: Props = {}) {
  return h(
    'button',
    { type: 'button', class: className, onclick: onClick, ...extra },
    iconName ? icon(iconName, 16) : null,
    h('span', {}, label),
  )
}

/** Sets a form's error sentence (its live region reads it out); an empty one clears it. */
export function showError(target: HTMLElement, text: string): void {
  target.textContent = text
}
