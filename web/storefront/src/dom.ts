type Child = Node | string | null | false | undefined;
type Attr = string | boolean | ((event: Event) => void) | undefined;

/** A tiny element builder: `on*` attributes become listeners, booleans toggle attributes. */
export function h(tag: string, attrs: Record<string, Attr> = {}, ...children: Child[]): HTMLElement {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value === "function") el.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) el.setAttribute(name, "");
    else if (typeof value === "string") el.setAttribute(name, value);
  }
  for (const child of children) {
    if (child !== null && child !== false && child !== undefined) el.append(child);
  }
  return el;
}

export function field(label: string, input: HTMLElement): HTMLElement {
  return h("label", { class: "bcs-field" }, `${label} `, input);
}

export function value(root: ParentNode, selector: string): string {
  return (root.querySelector(selector) as HTMLInputElement | null)?.value.trim() ?? "";
}
