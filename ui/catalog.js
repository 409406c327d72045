// The vocabularies, defaults and limits the forms offer, as core gives them (one call at
// start): the window keeps no copy of its own.

import { api } from "./api.js";

let current = null;

/** Fetches the catalog once; later calls reuse it. */
export async function loadCatalog() {
  if (!current) current = await api.catalog();
  return current;
}

/** The catalog fetched at start. */
export function catalog() {
  if (!current) throw { code: "internal", message: "PrivacyDesk's vocabularies are not loaded yet." };
  return current;
}

/** `[value, label]` pairs of one vocabulary, for a select. */
export function options(vocabulary) {
  return catalog()[vocabulary].map((choice) => [choice.value, choice.label]);
}

/** How one value of a vocabulary reads, as core labels it ("lgpd" → "LGPD (Brazil)"). */
export function labelOf(vocabulary, value) {
  const found = catalog()[vocabulary].find((choice) => choice.value === value);
  return found ? found.label : String(value ?? "");
}
