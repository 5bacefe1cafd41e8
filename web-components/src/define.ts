/** Registers an element once (a page may load the bundle twice, e.g. a portal and a widget). */
export function define(name: string, element: CustomElementConstructor): void {
  if (!customElements.get(name)) customElements.define(name, element);
}
