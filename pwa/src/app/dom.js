// A tiny element builder: h('button', {class: 'primary', onclick}, 'text', child, [more]).
// Attributes: `class`, `text`, `html` is not supported on purpose (no innerHTML anywhere),
// on<event> handlers, boolean attributes (true/false), `dataset`, and anything else as an attribute.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = Array.isArray(value) ? value.filter(Boolean).join(' ') : value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'value' && 'value' in el) el.value = value;
    else if (key === 'checked' || key === 'selected' || key === 'disabled' || key === 'hidden') el[key] = Boolean(value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

let serial = 0;
/** A unique id for label/aria wiring. */
export function uid(prefix = 'id') {
  serial += 1;
  return `${prefix}-${serial}`;
}

/** Move focus to the page heading after a route change, so screen readers announce the new page. */
export function focusHeading(root) {
  const heading = root.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: false });
  }
}

/** Object URLs for Blobs shown on a page, revoked when the page goes. */
export function blobUrls() {
  const urls = [];
  return {
    url(blob) { const u = URL.createObjectURL(blob); urls.push(u); return u; },
    revokeAll() { urls.splice(0).forEach((u) => URL.revokeObjectURL(u)); },
  };
}
