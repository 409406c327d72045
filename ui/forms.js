// Dialogs: new case, the actions core allows, export. Each checks what it can before it sends,
// shows each problem under its field, and shows the backend's answer in the dialog.

import { api } from "./api.js";
import { catalog, options, labelOf } from "./catalog.js";
import { h, clear, todayIso, formatNumber } from "./dom.js";

const $ = (id) => document.getElementById(id);

// Whether cases of this kind list items (the posts or pages of a removal), as core says.
const listsItems = (kind) => catalog().kinds.some((k) => k.value === kind && k.has_items);

function field(id, text, control, hint) {
  return h("div", { class: "field" }, h("label", { for: id }, text), control, hint ? h("small", { class: "muted", id: `${id}-hint` }, hint) : null);
}

function select(id, options, value) {
  return h(
    "select",
    { id },
    options.map(([v, t]) => h("option", { value: v, selected: v === value }, t)),
  );
}

// The laws, grouped by where they apply (core's catalog says which group each is in).
function lawSelect(id, value) {
  const laws = catalog().jurisdictions;
  const groups = [...new Set(laws.map((law) => law.group))];
  const option = (law) => h("option", { value: law.value, selected: law.value === value }, law.label);
  return h("select", { id }, groups.flatMap((group) => {
    const members = laws.filter((law) => law.group === group).map(option);
    return group ? [h("optgroup", { label: group }, members)] : members;
  }));
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** A date typed as the rest of the desk writes it (2026-12-01): one stop in the tab order. */
export function dateInput(id, value = "", placeholder = "YYYY-MM-DD") {
  return h("input", { id, type: "text", inputmode: "numeric", autocomplete: "off", maxlength: 10, placeholder, value, class: "date" });
}

/** Whether `text` is a real calendar day in the ISO form. */
function isIsoDate(text) {
  if (!ISO_DATE.test(text)) return false;
  const d = new Date(text + "T00:00:00Z");
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

// ---------- field errors ----------

/** Shows `message` under the field `id`, marks the field and names the message for readers. */
function showFieldError(id, message) {
  const input = document.getElementById(id);
  if (!input) return false;
  const wrap = input.closest(".field") || input.parentElement;
  let note = wrap.querySelector(":scope > .field-error");
  if (!note) {
    note = h("p", { class: "field-error", id: `${id}-error` });
    wrap.append(note);
  }
  note.textContent = message;
  input.setAttribute("aria-invalid", "true");
  input.setAttribute("aria-describedby", note.id);
  return true;
}

function clearFieldError(input) {
  if (!input || !input.id) return;
  input.removeAttribute("aria-invalid");
  input.removeAttribute("aria-describedby");
  document.getElementById(`${input.id}-error`)?.remove();
}

function clearFieldErrors() {
  $("dialog-body").querySelectorAll("[aria-invalid]").forEach(clearFieldError);
}

/** Stops a submit: each `[message, fieldId]` goes under its field, focus to the first. */
function failAll(problems) {
  throw { fields: problems };
}

function fail(message, id) {
  failAll([[message, id]]);
}

// ---------- the dialog ----------

// Opens the shared dialog; `submit` returns a result to close with, or throws to stay open
// ({fields} for problems under fields, {message} for the backend's answer). `more` adds buttons
// before the main one, each `{id, label, submit}`. Ctrl+Enter does the main button.
function openDialog(title, body, okLabel, submit, more = []) {
  const dialog = $("dialog");
  $("dialog-title").textContent = title;
  clear($("dialog-body")).append(body);
  $("dialog-error").textContent = "";
  $("dialog-ok").textContent = okLabel;
  $("dialog-ok").hidden = !submit;
  $("dialog-ok").title = submit ? `${okLabel} (Ctrl+Enter)` : "";
  $("dialog-cancel").textContent = submit ? "Cancel" : "Close";
  const buttons = $("dialog-ok").parentElement;
  buttons.querySelectorAll(".extra").forEach((b) => b.remove());
  const clearOnInput = (event) => clearFieldError(event.target);
  return new Promise((resolve) => {
    const form = $("dialog-form");
    const finish = (value) => {
      form.onsubmit = null;
      form.onkeydown = null;
      body.removeEventListener("input", clearOnInput, true);
      $("dialog-cancel").onclick = null;
      dialog.onclose = null;
      if (dialog.open) dialog.close();
      resolve(value);
    };
    const run = async (work, button) => {
      button.disabled = true;
      $("dialog-error").textContent = "";
      clearFieldErrors();
      try {
        finish(await work());
      } catch (e) {
        const problems = (e && e.fields) || [];
        const shown = problems.filter(([message, id]) => showFieldError(id, message));
        if (shown.length) document.getElementById(shown[0][1])?.focus();
        const unshown = problems.filter((p) => !shown.includes(p)).map(([m]) => m);
        $("dialog-error").textContent = e && e.message ? e.message : unshown.join(" ");
      } finally {
        button.disabled = false;
      }
    };
    for (const extra of more) {
      const button = h("button", { type: "button", id: extra.id, class: "extra" }, extra.label);
      button.onclick = () => run(extra.submit, button);
      buttons.insertBefore(button, $("dialog-ok"));
    }
    form.onsubmit = (event) => {
      event.preventDefault();
      if (!submit) return finish(null);
      run(submit, $("dialog-ok"));
    };
    form.onkeydown = (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        form.requestSubmit($("dialog-ok"));
      }
    };
    // A problem goes once the person changes what it was about (caught first, so that a
    // field's own check of what was typed may say something new).
    body.addEventListener("input", clearOnInput, true);
    $("dialog-cancel").onclick = () => finish(null);
    // A close event still queued from the dialog before this one must not close this one.
    dialog.onclose = () => !dialog.open && finish(null);
    dialog.showModal();
    const first = body.querySelector("[autofocus], input:not([type=radio]), select, textarea");
    (first || $("dialog-cancel")).focus();
  });
}

export function showMessage(title, text) {
  return openDialog(title, h("pre", { class: "message" }, text), "OK", null);
}

/** Says what was written and where, with the choice to open its folder. */
export function showWritten({ title, text, path }) {
  return openDialog(title, h("pre", { class: "message" }, text), "OK", null, [
    { id: "open-folder", label: "Open folder", submit: () => api.openFolder(path) },
  ]);
}

function value(id) {
  const element = document.getElementById(id);
  return element ? element.value.trim() : "";
}

// ---------- new case ----------

/** Says, under the field, when what was typed or pasted is past its limit (never cut). */
function watchLength(input, most, what) {
  input.addEventListener("input", () => {
    const length = [...input.value].length;
    if (length > most) showFieldError(input.id, `${what} is ${formatNumber(length)} characters; the most is ${formatNumber(most)}.`);
    else clearFieldError(input);
  });
}

export function openNewCase() {
  const { kinds, limits } = catalog();
  const today = todayIso();
  const items = field("nc-items", "Posts or pages to remove (one address a line)", h("textarea", { id: "nc-items", rows: 3, placeholder: "https://community.example.com/t/…" }));
  const received = dateInput("nc-received", today);
  const name = h("input", { id: "nc-name", required: true, autocomplete: "off", autofocus: true });
  const customer = h("input", { id: "nc-customer", autocomplete: "off" });
  const body = h(
    "div",
    { class: "form-grid" },
    field("nc-name", "Requester's name", name),
    field("nc-email", "Requester's email", h("input", { id: "nc-email", type: "email", required: true, autocomplete: "off" })),
    field("nc-kind", "Kind", select("nc-kind", options("kinds"), kinds[0].value)),
    field("nc-received", "Received", received, "YYYY-MM-DD; today unless you say otherwise."),
    field("nc-jurisdiction", "Law", lawSelect("nc-jurisdiction", catalog().jurisdictions[0].value)),
    field("nc-channel", "Channel", select("nc-channel", options("channels"), catalog().channels[0].value)),
    field("nc-phone", "Phone (optional)", h("input", { id: "nc-phone", type: "tel", autocomplete: "off" })),
    field("nc-customer", "Customer (controller)", customer, "Leave empty if the data is the company's own."),
    field("nc-agent-name", "Authorized agent (optional)", h("input", { id: "nc-agent-name", autocomplete: "off" }), "When someone files for the person."),
    field("nc-agent-proof", "Proof of permission seen", h("input", { id: "nc-agent-proof", autocomplete: "off" }), "E.g. a signed authorisation; needed with an agent."),
    h("div", { class: "field checkbox" }, h("input", { id: "nc-minor", type: "checkbox" }), h("label", { for: "nc-minor" }, "The person is under 18")),
    h("div", { class: "field wide" }, h("label", { for: "nc-details" }, "What they asked"), h("textarea", { id: "nc-details", rows: 4 })),
    h("div", { class: "wide", id: "nc-items-row" }, items),
  );
  watchLength(name, limits.name_max_chars, "The name");
  watchLength(customer, limits.name_max_chars, "The customer's name");
  watchLength(body.querySelector("#nc-phone"), limits.phone_max_chars, "The phone number");
  // An empty date means today: the field says so rather than leaving it to be guessed.
  received.addEventListener("blur", () => {
    if (!received.value.trim()) received.value = todayIso();
  });
  // Flag an open case from the same address as soon as the address is complete.
  const duplicates = h("p", { class: "hint warning wide", id: "nc-duplicates", role: "status", hidden: true });
  body.append(duplicates);
  let lookup;
  body.querySelector("#nc-email").addEventListener("input", (event) => {
    clearTimeout(lookup);
    lookup = setTimeout(async () => {
      const found = await api.openCasesFrom(event.target.value).catch(() => []);
      duplicates.hidden = !found.length;
      duplicates.textContent = found.length
        ? `Already open from this address: ${found.map((d) => `${d.reference} (${labelOf("kinds", d.kind)}, ${labelOf("states", d.state)}, received ${d.received_on})`).join("; ")}. If this is the same request, create it and merge it from the case.`
        : "";
    }, 250);
  });
  const kind = body.querySelector("#nc-kind");
  const syncItems = () => (body.querySelector("#nc-items-row").hidden = !listsItems(kind.value));
  kind.addEventListener("change", syncItems);
  syncItems();
  return openDialog("New case", body, "Create case", async () => {
    if (!received.value.trim()) received.value = todayIso();
    const form = {
      kind: value("nc-kind"),
      name: value("nc-name"),
      email: value("nc-email"),
      phone: value("nc-phone") || null,
      received: value("nc-received"),
      jurisdiction: value("nc-jurisdiction"),
      channel: value("nc-channel"),
      customer: value("nc-customer") || null,
      details: value("nc-details") || null,
      items: formItems(),
      minor: document.getElementById("nc-minor").checked,
      agent_name: value("nc-agent-name") || null,
      agent_proof: value("nc-agent-proof") || null,
    };
    const problems = [];
    const long = (text, most) => [...(text || "")].length > most;
    if (!form.name) problems.push(["Enter the requester's name.", "nc-name"]);
    else if (long(form.name, limits.name_max_chars)) problems.push([`The name is longer than ${formatNumber(limits.name_max_chars)} characters.`, "nc-name"]);
    if (!form.email) problems.push(["Enter the requester's email.", "nc-email"]);
    else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(form.email)) problems.push(["That email address does not look right.", "nc-email"]);
    if (!isIsoDate(form.received)) problems.push(["Write the date as YYYY-MM-DD, e.g. " + todayIso() + ".", "nc-received"]);
    else if (form.received > todayIso()) problems.push(["The received date is in the future.", "nc-received"]);
    if (long(form.phone, limits.phone_max_chars)) problems.push([`The phone number is longer than ${limits.phone_max_chars} characters.`, "nc-phone"]);
    if (long(form.customer, limits.name_max_chars)) problems.push([`The customer's name is longer than ${formatNumber(limits.name_max_chars)} characters.`, "nc-customer"]);
    if (form.agent_name && !form.agent_proof) problems.push(["Say what proof of the person's permission the agent showed.", "nc-agent-proof"]);
    if (form.agent_proof && !form.agent_name) problems.push(["Name the authorized agent.", "nc-agent-name"]);
    if (listsItems(form.kind) && !form.items.length) problems.push(["List the posts or pages to remove, one address a line.", "nc-items"]);
    if (problems.length) failAll(problems);
    try {
      return await api.newCase(form);
    } catch (e) {
      // Core names the page it refuses ("page 2: …"): that belongs under the pages; what it
      // says of a signal, under the channel; of an agent, under the agent.
      if (/^page \d+:/i.test(e.message || "")) fail(e.message, "nc-items");
      if (/preference signal/i.test(e.message || "")) fail(e.message, "nc-channel");
      if (/authorized agent/i.test(e.message || "")) fail(e.message, "nc-agent-name");
      throw e;
    }
  });
}

function formItems() {
  if (!listsItems(value("nc-kind"))) return [];
  return value("nc-items").split(/\n+/).map((s) => s.trim()).filter(Boolean);
}

// ---------- actions ----------

// One dialog per action, asking exactly for what the backend says it needs; the choices it
// offers (outcomes, how the identity was settled) are the case's own, the first the default.
export function openAction(view, spec) {
  const c = view;
  const parts = [];
  let changed = false;
  const bases = catalog().denial_bases;
  const reasonLabel = h("label", { for: "ac-reason" }, spec.reason_label);
  // Read from the form itself: it is checked before the dialog shows it.
  const chosen = (id) => body.querySelector(`#${id}`)?.value || "";
  const outcomeOf = () => spec.outcomes.find((o) => o.value === chosen("ac-outcome"));
  const identityOf = () => spec.identities.find((o) => o.value === chosen("ac-identity"));
  if (spec.needs_outcome) {
    parts.push(field("ac-outcome", "Outcome", select("ac-outcome", spec.outcomes.map((o) => [o.value, o.label]), spec.outcomes[0]?.value)));
    parts.push(field("ac-basis", "Basis of the refusal", select("ac-basis", options("denial_bases"), bases.at(-1).value)));
  }
  if (spec.identities.length > 1) {
    parts.push(field("ac-identity", "Identity", select("ac-identity", spec.identities.map((o) => [o.value, o.label]), spec.identities[0].value)));
  }
  if (spec.needs_item) {
    const pending = c.items.filter((i) => i.outcome === "pending");
    parts.push(field("ac-item", "Page", select("ac-item", (pending.length ? pending : c.items).map((i) => [i.url, i.url]))));
  }
  if (spec.needs_date) {
    const latest = c.deadline.latest_extension_on;
    parts.push(field("ac-until", "New due date", dateInput("ac-until", "", latest || "YYYY-MM-DD"), latest ? `YYYY-MM-DD, after ${c.due_on} and no later than ${latest} (the law's most).` : "YYYY-MM-DD"));
  }
  if (spec.needs_agent) parts.push(field("ac-to", "Assign to", h("input", { id: "ac-to", value: c.assignee || "", autocomplete: "off" })));
  parts.push(h("div", { class: "field wide" }, reasonLabel, h("textarea", { id: "ac-reason", rows: 3 })));
  const letter = spec.unsent_answer;
  const without = letter
    ? h("div", { class: "field checkbox wide", id: "ac-without-row" },
        h("input", { id: "ac-without", type: "checkbox" }),
        h("label", { for: "ac-without" }, `The answer reached the person another way (“${letter.title}” is not marked sent here)`))
    : null;
  if (without) parts.push(without);
  // Where the law stops its clock for a request suspected fraudulent (Utah), core names the rule.
  if (spec.suspected_fraud) {
    parts.push(h("div", { class: "field checkbox wide" },
      h("input", { id: "ac-fraud", type: "checkbox" }),
      h("label", { for: "ac-fraud" }, `Suspected fraudulent: the clock stops until it is authenticated (${spec.suspected_fraud})`)));
  }
  const body = h("div", { class: "form-grid" }, parts);
  // What the reason asks for, the basis and the letter check follow the choice made.
  const sync = () => {
    const outcome = outcomeOf();
    const identity = identityOf();
    const choice = outcome || identity;
    if (choice) reasonLabel.textContent = choice.reason_label;
    if (spec.needs_outcome) body.querySelector("#ac-basis").parentElement.hidden = !outcome?.takes_basis;
    if (without) without.hidden = spec.needs_outcome && !outcome?.fulfils;
  };
  body.querySelectorAll("select").forEach((s) => s.addEventListener("change", sync));
  sync();
  return openDialog(`${spec.label} · ${c.reference}`, body, spec.label, async () => {
    const outcome = outcomeOf();
    const identity = identityOf();
    const form = {
      reason: value("ac-reason") || null,
      outcome: outcome?.value || null,
      denial_basis: outcome?.takes_basis ? value("ac-basis") : null,
      until: value("ac-until") || null,
      to: value("ac-to") || null,
      item: value("ac-item") || null,
      identity: identity?.value || null,
      without_letter: Boolean(without && !without.hidden && document.getElementById("ac-without").checked),
      suspected_fraud: Boolean(document.getElementById("ac-fraud")?.checked),
      // Decided on the case as shown: refused if someone changed it meanwhile.
      seen_revision: c.revision?.number ?? null,
    };
    const problems = [];
    const reasonNeeded = spec.needs_reason || outcome?.needs_reason || identity?.needs_reason;
    if (reasonNeeded && !form.reason) problems.push([`${(outcome || identity)?.reason_label || spec.reason_label}: this is needed.`, "ac-reason"]);
    if (spec.needs_date && !isIsoDate(form.until || "")) problems.push(["Write the new due date as YYYY-MM-DD.", "ac-until"]);
    if (spec.needs_agent && !form.to) problems.push(["Name the agent.", "ac-to"]);
    if (without && !without.hidden && !form.without_letter) problems.push([`Send “${letter.title}” first (Letters), or tick this if the answer went out another way.`, "ac-without"]);
    if (problems.length) failAll(problems);
    try {
      return await api.act(c.reference, spec.action, form);
    } catch (e) {
      // Someone else changed the case: say so here, and show it as it is now once closed.
      if (e.code === "changed_meanwhile") changed = true;
      throw e;
    }
  }).then((updated) => updated || (changed ? { reload: true } : null));
}

export async function openExport(state, listFilter) {
  const dir = state.status.export_dir.replace(/\/$/, "");
  const months = await api.reportMonths().catch(() => []);
  const stamp = todayIso();
  const kind = h("div", { class: "segmented", role: "radiogroup", "aria-label": "What to export" },
    h("label", {}, h("input", { type: "radio", name: "ex-kind", value: "cases", checked: true }), " Cases CSV"),
    h("label", {}, h("input", { type: "radio", name: "ex-kind", value: "monthly" }), " Monthly report"),
    h("label", {}, h("input", { type: "radio", name: "ex-kind", value: "yearly" }), " Yearly metrics (CCPA)"));
  const thisYear = Number(stamp.slice(0, 4));
  const years = [...new Set([thisYear, ...months.map((m) => Number(m.slice(0, 4)))])].sort((a, b) => b - a).map(String);
  const pathInput = h("input", { id: "ex-path", value: `${dir}/privacydesk-cases-${stamp}.csv` });
  const choose = h("button", { type: "button", id: "ex-choose" }, "Choose…");
  choose.addEventListener("click", async () => {
    const chosen = await api.chooseSavePath(pathInput.value).catch(() => null);
    if (chosen) pathInput.value = chosen;
  });
  const pairs = (list) => list.map((v) => [v, v]);
  const casesPart = h("div", { class: "form-grid", id: "ex-cases" },
    field("ex-from", "Received from", dateInput("ex-from", "", "YYYY-MM-DD (any)")),
    field("ex-to", "Received to", dateInput("ex-to", "", "YYYY-MM-DD (any)")),
    field("ex-state", "State", select("ex-state", [["", "Any"], ...options("states")], listFilter.state || "")),
    field("ex-kind", "Kind", select("ex-kind", [["", "Any"], ...options("kinds")], "")),
    // Excel on Windows reads a CSV as UTF-8 only with the mark; programs may want it off.
    h("div", { class: "field checkbox wide" }, h("input", { id: "ex-bom", type: "checkbox", checked: true }), h("label", { for: "ex-bom" }, "For Excel (UTF-8 with byte-order mark); untick for other programs")));
  const monthPart = h("div", { class: "form-grid", id: "ex-monthly", hidden: true },
    field("ex-month", "Month", select("ex-month", pairs(months.length ? months : [todayIso().slice(0, 7)]), months[1] || months[0])));
  const yearPart = h("div", { class: "form-grid", id: "ex-yearly", hidden: true },
    field("ex-year", "Year", select("ex-year", pairs(years), years[1] || years[0]), "Per kind: received, complied with in whole or in part, denied, median and mean days to respond (CCPA 11 CCR §7102)."));
  const body = h("div", {}, kind, casesPart, monthPart, yearPart, h("div", { class: "field wide" }, h("label", { for: "ex-path" }, "Save to"), h("div", { class: "path-row" }, pathInput, choose)));
  const chosenKind = () => body.querySelector("input[name=ex-kind]:checked").value;
  const defaultPath = () =>
    ({
      cases: `${dir}/privacydesk-cases-${stamp}.csv`,
      monthly: `${dir}/privacydesk-report-${value("ex-month")}.csv`,
      yearly: `${dir}/privacydesk-metrics-${value("ex-year")}.csv`,
    })[chosenKind()];
  kind.addEventListener("change", () => {
    casesPart.hidden = chosenKind() !== "cases";
    monthPart.hidden = chosenKind() !== "monthly";
    yearPart.hidden = chosenKind() !== "yearly";
    pathInput.value = defaultPath();
  });
  monthPart.querySelector("select").addEventListener("change", () => (pathInput.value = defaultPath()));
  yearPart.querySelector("select").addEventListener("change", () => (pathInput.value = defaultPath()));
  // What was written, and how to prove it later: the file's fingerprint and the audit chain's.
  const written = (what, r) => ({
    title: "Exported",
    path: r.path,
    text: `${what} to ${r.path}\n\nSHA-256 of the file: ${r.sha256}\nAudit chain head: ${r.chain_head}\n\nThe export is recorded in the audit trail with the file's SHA-256.`,
  });
  return openDialog("Export", body, "Export", async () => {
    const path = value("ex-path");
    if (!path) fail("Choose where to save the file.", "ex-path");
    $("dialog-ok").textContent = "Exporting…";
    try {
      if (chosenKind() === "monthly") {
        const r = await api.monthlyReport(value("ex-month"), path);
        return written(`Saved the ${value("ex-month")} report`, r);
      }
      if (chosenKind() === "yearly") {
        const r = await api.yearlyReport(value("ex-year"), path);
        return written(`Saved the ${value("ex-year")} metrics`, r);
      }
      const problems = ["ex-from", "ex-to"]
        .filter((id) => value(id) && !isIsoDate(value(id)))
        .map((id) => ["Write the date as YYYY-MM-DD, or leave it empty for any.", id]);
      if (problems.length) failAll(problems);
      const filter = {
        received_from: value("ex-from") || null,
        received_to: value("ex-to") || null,
        state: value("ex-state") || null,
        kind: value("ex-kind") || null,
      };
      const r = await api.exportCases(filter, path, document.getElementById("ex-bom").checked);
      return written(`Saved ${formatNumber(r.rows)} cases`, r);
    } finally {
      $("dialog-ok").textContent = "Export";
    }
  });
}

// ---------- letters ----------

function blanksIn(text) {
  return text.match(/\[\[[^\]]*\]\]/g) || [];
}

// Edits one letter: the saved draft or the template filled by the backend. Resolves to the
// case as it is after sending, or null (a saved draft is shown when the case is reloaded).
// When it is the answer that closes the case, the main button sends and closes in one go.
export async function openLetter(view, kind) {
  const c = view;
  const draft = await api.getLetter(c.reference, kind);
  const plan = await api.letterEmailPlan(c.reference, kind, draft.body);
  const status = h("p", { class: "muted", id: "letter-status" });
  const blanks = h("p", { class: "hint", id: "letter-blanks", role: "status" });
  const text = h("textarea", { id: "letter-body", class: "letter-text", rows: 22, spellcheck: true, "aria-label": "Letter text" });
  text.value = draft.body;
  const save = h("button", { type: "button", id: "letter-save" }, "Save draft");
  const reset = h("button", { type: "button", id: "letter-reset", class: "link" }, "Back to the template");
  const origin = draft.template_file
    ? `Filled from ${draft.template_file}.`
    : `Filled from the built-in template${draft.templates_folder ? ` (the company's own goes in ${draft.templates_folder}/${kind}.txt)` : ""}.`;
  const showState = (saved) => {
    status.textContent = saved ? "Your saved draft. Edit it, then mark it sent once it has gone out." : `${origin} Edit it as you need, then mark it sent once it has gone out.`;
    reset.hidden = !saved;
  };
  // The first blank selected: typing replaces it.
  const toFirstBlank = () => {
    const start = text.value.indexOf("[[");
    if (start < 0) return;
    const end = text.value.indexOf("]]", start);
    text.focus();
    text.setSelectionRange(start, end < 0 ? start : end + 2);
  };
  const showBlanks = () => {
    const left = blanksIn(text.value);
    blanks.textContent = left.length ? `${left.length} blank${left.length === 1 ? "" : "s"} to fill: ${left.join(", ")}` : "No blanks left.";
    blanks.className = left.length ? "hint warning" : "hint";
  };
  text.addEventListener("input", showBlanks);
  showState(draft.saved);
  showBlanks();
  save.addEventListener("click", async () => {
    $("dialog-error").textContent = "";
    try {
      await api.saveLetterDraft(c.reference, kind, text.value);
      showState(true);
      status.textContent = "Draft saved.";
    } catch (e) {
      $("dialog-error").textContent = e.message;
    }
  });
  reset.addEventListener("click", async () => {
    $("dialog-error").textContent = "";
    try {
      const fresh = await api.discardLetterDraft(c.reference, kind);
      text.value = fresh.body;
      showState(false);
      showBlanks();
    } catch (e) {
      $("dialog-error").textContent = e.message;
    }
  });
  // What sending by email would do, as the backend says (no outgoing mail set up: nothing).
  const mail = plan
    ? h("p", { class: plan.to ? "hint" : "hint warning", id: "letter-mail" },
      plan.to
        ? `By email: to ${plan.to}, from ${plan.from}, subject “${plan.subject}”.${plan.waiting ? ` An earlier try waits in the outbox (message ${plan.waiting.id}${plan.waiting.last_error ? `: ${plan.waiting.last_error}` : ""}); sending again tries it again.` : ""}`
        : `Not by email: ${plan.why_not}`)
    : null;
  const body = h("div", { class: "letter-editor" }, status, text, blanks, mail, h("div", { class: "button-row" }, save, reset));
  const checked = () => {
    const left = blanksIn(text.value);
    if (left.length) fail(`Fill the blank ${left[0]} first.`, "letter-body");
  };
  const closesWith = c.next && c.next.step.letter === kind ? c.next.then_close : null;
  const send = async (close) => {
    checked();
    return await api.sendLetter(c.reference, kind, text.value, close);
  };
  const sendByEmail = async () => {
    checked();
    return await api.sendLetterByEmail(c.reference, kind, text.value);
  };
  const byEmail = plan && plan.to ? [{ id: "letter-send-email", label: "Send by email", submit: sendByEmail }] : [];
  const title = `${draft.title} · ${c.reference}`;
  const opened = closesWith
    ? openDialog(title, body, `Mark sent and close as ${labelOf("outcomes", closesWith).toLowerCase()}`, () => send(true), [
        ...byEmail,
        { id: "letter-send-only", label: "Mark sent only", submit: () => send(false) },
      ])
    : openDialog(title, body, "Mark as sent", () => send(false), byEmail);
  toFirstBlank();
  return opened;
}

// Saves a sent letter as a text file to attach to an email.
export function openLetterExport(view, letter, exportDir) {
  const dir = (exportDir || "").replace(/\/$/, "");
  const pathInput = h("input", { id: "lx-path", value: `${dir}/${view.reference}-${letter.kind.replaceAll("_", "-")}-${letter.id}.txt` });
  const choose = h("button", { type: "button", id: "lx-choose" }, "Choose…");
  choose.addEventListener("click", async () => {
    const chosen = await api.chooseSavePath(pathInput.value, { name: "Text", extensions: ["txt"] }).catch(() => null);
    if (chosen) pathInput.value = chosen;
  });
  const body = h("div", {},
    h("p", {}, "A plain-text copy of the letter exactly as sent, to attach to your email. Saving it is recorded on the case."),
    h("div", { class: "field wide" }, h("label", { for: "lx-path" }, "Save to"), h("div", { class: "path-row" }, pathInput, choose)));
  return openDialog(`Save the letter “${letter.title}”`, body, "Save", async () => {
    const path = value("lx-path");
    if (!path) fail("Choose where to save the file.", "lx-path");
    const written = await api.exportLetter(view.reference, letter.id, path);
    return `Saved the letter to ${written.path}`;
  });
}

// ---------- duplicates ----------

export function openMerge(view, other) {
  const body = h("div", {},
    h("p", {}, `Merge ${view.reference} into ${other.reference}?`),
    h("ul", {},
      h("li", {}, `${view.reference} is closed as merged; its history stays on it.`),
      h("li", {}, `${other.reference} gets a note with what ${view.reference} said`, listsItems(view.kind) && listsItems(other.kind) ? ", and any page it listed that is new." : "."),
      h("li", {}, "Both cases record the merge in their audit trail.")));
  return openDialog("Merge duplicate", body, "Merge", () => api.mergeCase(view.reference, other.reference));
}

// ---------- customers ----------

export function openCustomer(customer) {
  const days = catalog().limits.forward_days;
  const body = h("div", { class: "form-grid" },
    field("cu-contact", "Contact for forwarded requests", h("input", { id: "cu-contact", type: "email", value: customer.contact || "", autocomplete: "off" }), "The customer's privacy contact (an email address)."),
    field("cu-days", "Forward within (business days)", h("input", { id: "cu-days", type: "number", min: days.min, max: days.max, value: customer.forward_within_business_days }), `As the contract says; ${days.default} when it says nothing.`));
  return openDialog(`Customer · ${customer.name}`, body, "Save", async () => {
    const given = Number(value("cu-days"));
    if (!Number.isInteger(given) || given < days.min) fail(`Give the number of business days (${days.min} or more).`, "cu-days");
    return await api.setCustomer(customer.name, value("cu-contact"), given);
  });
}

// ---------- bulk work and saved views ----------

// Asks for what a bulk action needs; resolves to the backend's {done, refused}, or null.
export function openBulk(kind, references) {
  const count = `${references.length} case${references.length === 1 ? "" : "s"}`;
  const parts = [h("p", { class: "muted" }, `Each case is done on its own and gets its own audit event; any the workflow refuses are listed after. (${references.join(", ")})`)];
  if (kind === "assign") parts.push(field("bk-to", "Assign to", h("input", { id: "bk-to", autocomplete: "off" })));
  if (kind === "note") parts.push(h("div", { class: "field wide" }, h("label", { for: "bk-text" }, "Note"), h("textarea", { id: "bk-text", rows: 3 })));
  const title = { assign: `Assign ${count}`, forward: `Forward ${count} to their customers`, note: `Add a note to ${count}` }[kind];
  const ok = { assign: "Assign", forward: "Forward", note: "Add note" }[kind];
  return openDialog(title, h("div", {}, parts), ok, async () => {
    if (kind === "assign") {
      if (!value("bk-to")) fail("Name the agent.", "bk-to");
      return await api.actOnMany(references, "assign", { to: value("bk-to") });
    }
    if (kind === "forward") return await api.actOnMany(references, "forward", {});
    if (!value("bk-text")) fail("Write the note first.", "bk-text");
    return await api.noteOnMany(references, value("bk-text"));
  });
}

export function openSaveView(filter, suggestion) {
  const body = h("div", {},
    field("sv-name", "Name", h("input", { id: "sv-name", maxlength: catalog().limits.view_name_max_chars, value: suggestion || "", autocomplete: "off" }), "The list as it is filtered now, under this name, in your side bar. Yours alone."));
  return openDialog("Save this view", body, "Save", async () => {
    if (!value("sv-name")) fail("Name the view.", "sv-name");
    return await api.saveView(value("sv-name"), filter);
  });
}

// ---------- retention ----------

// The retention period, and the cases a run would redact now (a dry run), with the choice to
// redact them at once rather than at the next unlock.
export async function openRetention() {
  let status = await api.retentionStatus();
  const period = catalog().limits.retention_months;
  const months = h("input", { id: "rt-months", type: "number", min: period.min, max: period.max, value: status.months });
  const change = h("button", { type: "button", id: "rt-save" }, "Change period");
  const summary = h("p", { id: "rt-summary" });
  const list = h("ul", { class: "letters", id: "rt-cases" });
  const show = () => {
    months.value = status.months;
    const cases = `${status.redacted} case${status.redacted === 1 ? "" : "s"}`;
    summary.textContent = status.redacted || status.held
      ? `${cases} closed on or before ${status.cutoff} due for redaction${status.held ? `; ${status.held} under a legal hold kept whole` : ""}.`
      : `Nothing is due: no case closed on or before ${status.cutoff} still holds personal details.`;
    clear(list).append(...status.cases.map((c) =>
      h("li", {}, h("strong", {}, c.reference), ` · ${labelOf("kinds", c.kind)} · closed ${c.closed_on}`, c.held ? h("span", { class: "muted" }, " · kept whole: legal hold") : null)));
    if (status.cases.length < status.redacted + status.held) list.append(h("li", { class: "muted" }, `… and ${status.redacted + status.held - status.cases.length} more`));
    $("dialog-ok").hidden = status.redacted === 0;
  };
  change.addEventListener("click", async () => {
    $("dialog-error").textContent = "";
    try {
      status = await api.setRetentionMonths(Number(months.value));
      show();
    } catch (e) {
      $("dialog-error").textContent = e.message;
    }
  });
  const body = h("div", {},
    h("p", { class: "muted" }, "At every unlock, the requester's name, email, phone, what they wrote, notes, reasons and letter texts are removed from cases closed longer ago than this period. The request record (CCPA §7101) and the audit trail stay."),
    h("div", { class: "path-row bottom" }, field("rt-months", `Retention period (months, ${period.min}–${period.max})`, months), change),
    summary, list);
  const opened = openDialog("Retention", body, "Redact now", async () => {
    const report = await api.applyRetention();
    return `Redacted ${report.redacted} case${report.redacted === 1 ? "" : "s"} closed on or before ${report.cutoff}.`;
  });
  show();
  return opened;
}

// ---------- the outbox ----------

// Letters sent by email that the mail server has not taken; each can be tried again (the
// same message). Resolves to a message for the toast when one was sent, or null.
export async function openOutbox() {
  let waiting = await api.outbox();
  let sent = null;
  const list = h("ul", { class: "letters", id: "ob-list" });
  const tryAgain = async (m, cutOff, button) => {
    $("dialog-error").textContent = "";
    if (cutOff && !window.confirm(`Message ${m.id} was being sent when the desk stopped, and the mail server may have it. Send it again only if the account's sent mail does not show it.`)) return;
    button.disabled = true;
    try {
      const done = await api.retryMail(m.id, cutOff);
      sent = `Sent “${m.title}” of ${m.reference} to ${done.to}`;
    } catch (e) {
      $("dialog-error").textContent = e.message;
    } finally {
      waiting = await api.outbox().catch(() => waiting);
      show();
    }
  };
  const show = () => {
    clear(list).append(...waiting.map((m) => {
      // Core says whether it may go again now (a try under way: not; cut off mid-send: only
      // after the agent confirms it did not leave).
      const cutOff = m.retry === "only_resend";
      const retry = m.retry === "under_way"
        ? h("span", { class: "muted", id: `ob-retry-${m.id}` }, "Being sent right now.")
        : h("button", { type: "button", class: "link", id: `ob-retry-${m.id}`, onclick: () => tryAgain(m, cutOff, retry) }, cutOff ? "Send again…" : "Try again");
      return h("li", {},
        h("strong", {}, m.reference), ` · ${m.title} to the ${m.to} · ${m.state}, ${m.attempts} ${m.attempts === 1 ? "try" : "tries"}`,
        m.last_error ? h("div", { class: "muted" }, `Last try: ${m.last_error}`) : null,
        " ", retry);
    }));
    if (!waiting.length) list.append(h("li", { class: "muted" }, "Nothing waits: every letter sent by email has left."));
  };
  show();
  const body = h("div", {},
    h("p", { class: "muted" }, "A letter sent by email is marked sent once the mail server takes it. These have not left yet; trying again sends the same message, never twice."),
    list);
  await openDialog("Outbox", body, null, null);
  return sent;
}
