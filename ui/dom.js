// Building elements. Text is always set as text, never parsed as HTML.

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === "class") element.className = value;
    else if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else if (name === "dataset") Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

export function clear(element) {
  element.replaceChildren();
  return element;
}

// Letters as a reader sees them: a base letter with its combining marks is one grapheme.
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

// "Ana Ruiz" → "A██ R███": less personal data on screen until the agent asks. Each word keeps
// its first grapheme whole (marks and all); the element showing it sets dir="auto" so a
// right-to-left name keeps its direction.
export function masked(name) {
  return name
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => {
      const letters = [...graphemes.segment(word)].map((g) => g.segment);
      return letters[0] + "█".repeat(Math.min(letters.length - 1, 6));
    })
    .join(" ");
}

export function label(value) {
  return String(value ?? "").replaceAll("_", " ");
}

/** A label as the start of a sentence or title: "ask requester" → "Ask requester". */
export function sentence(value) {
  const text = label(value);
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function daysBetween(fromIso, toIso) {
  return Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 86400000);
}

export function todayIso() {
  const now = new Date();
  const local = new Date(now.getTime() - now.getTimezoneOffset() * 60000);
  return local.toISOString().slice(0, 10);
}

export function formatNumber(n) {
  return Number(n).toLocaleString("en");
}
