// Dialogs: new case, the actions core allows, export. Each checks what it can before it sends
// and shows the backend's answer beside the form.

import { api } from "./api.js";
import { catalog, options } from "./catalog.js";
import { h, clear, label, sentence, todayIso, formatNumber } from "./dom.js";

const $ = (id) => document.getElementById(id);

// Whether cases of this kind list items (the posts or pages of a removal), as core says.
const listsItems = (kind) => catalog().kinds.some((k) => k.value === kind && k.has_items);

function field(id, text, control, hint) {
  return h("div", { class: "field" }, h("label", { for: id }, text), control, hint ? h("small", { class: "muted" }, hint) : null);
}

function select(id, options, value) {
  return h(
    "select",
    { id },
    options.map((o) => {
      const [v, t] = Array.isArray(o) ? o : [o, label(o)];
      return h("option", { value: v, selected: v === value }, t);
    }),
  );
}

// Opens the shared dialog; `submit` returns a result to close with, or throws {message} to stay.
function openDialog(title, body, okLabel, submit) {
  const dialog = $("dialog");
  $("dialog-title").textContent = title;
  clear($("dialog-body")).append(body);
  $("dialog-error").textContent = "";
  $("dialog-ok").textContent = okLabel;
  $("dialog-ok").hidden = !submit;
  $("dialog-cancel").textContent = submit ? "Cancel" : "Close";
  return new Promise((resolve) => {
    const form = $("dialog-form");
    const finish = (value) => {
      form.onsubmit = null;
      $("dialog-cancel").onclick = null;
      dialog.onclose = null;
      if (dialog.open) dialog.close();
      resolve(value);
    };
    form.onsubmit = async (event) => {
      event.preventDefault();
      if (!submit) return finish(null);
      $("dialog-ok").disabled = true;
      $("dialog-error").textContent = "";
      try {
        finish(await submit());
      } catch (e) {
        $("dialog-error").textContent = e.message;
      } finally {
        $("dialog-ok").disabled = false;
      }
    };
    $("dialog-cancel").onclick = () => finish(null);
    // A close event still queued from the dialog before this one must not close this one.
    dialog.onclose = () => !dialog.open && finish(null);
    dialog.showModal();
    const first = body.querySelector("input, select, textarea");
    (first || $("dialog-cancel")).focus();
  });
}

export function showMessage(title, text) {
  return openDialog(title, h("pre", { class: "message" }, text), "OK", null);
}

function value(id) {
  const element = document.getElementById(id);
  return element ? element.value.trim() : "";
}

function fail(message, id) {
  if (id) document.getElementById(id)?.focus();
  throw { message };
}

export function openNewCase() {
  const { kinds, limits } = catalog();
  const items = field("nc-items", "Posts or pages to remove (one address a line)", h("textarea", { id: "nc-items", rows: 3, placeholder: "https://community.example.com/t/…" }));
  const body = h(
    "div",
    { class: "form-grid" },
    field("nc-kind", "Kind", select("nc-kind", options("kinds"), kinds[0].value)),
    field("nc-received", "Received", h("input", { id: "nc-received", type: "date", value: todayIso(), max: todayIso(), required: true })),
    field("nc-name", "Requester's name", h("input", { id: "nc-name", required: true, maxlength: limits.name_max_chars, autocomplete: "off" })),
    field("nc-email", "Requester's email", h("input", { id: "nc-email", type: "email", required: true, autocomplete: "off" })),
    field("nc-phone", "Phone (optional)", h("input", { id: "nc-phone", type: "tel", maxlength: limits.phone_max_chars, autocomplete: "off" })),
    field("nc-jurisdiction", "Law", select("nc-jurisdiction", options("jurisdictions"), catalog().jurisdictions[0].value)),
    field("nc-channel", "Channel", select("nc-channel", options("channels"), catalog().channels[0].value)),
    field("nc-customer", "Customer (controller)", h("input", { id: "nc-customer", maxlength: limits.name_max_chars }), "Leave empty if the data is the company's own."),
    h("div", { class: "field checkbox" }, h("input", { id: "nc-minor", type: "checkbox" }), h("label", { for: "nc-minor" }, "The person is under 18")),
    h("div", { class: "field wide" }, h("label", { for: "nc-details" }, "What they asked"), h("textarea", { id: "nc-details", rows: 4 })),
    h("div", { class: "wide", id: "nc-items-row" }, items),
  );
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
        ? `Already open from this address: ${found.map((d) => `${d.reference} (${label(d.kind)}, ${label(d.state)}, received ${d.received_on})`).join("; ")}. If this is the same request, create it and merge it from the case.`
        : "";
    }, 250);
  });
  const kind = body.querySelector("#nc-kind");
  const syncItems = () => (body.querySelector("#nc-items-row").hidden = !listsItems(kind.value));
  kind.addEventListener("change", syncItems);
  syncItems();
  return openDialog("New case", body, "Create case", async () => {
    const form = {
      kind: value("nc-kind"),
      name: value("nc-name"),
      email: value("nc-email"),
      phone: value("nc-phone") || null,
      received: value("nc-received") || null,
      jurisdiction: value("nc-jurisdiction"),
      channel: value("nc-channel"),
      customer: value("nc-customer") || null,
      details: value("nc-details") || null,
      items: form_items(),
      minor: document.getElementById("nc-minor").checked,
    };
    if (!form.name) fail("Enter the requester's name.", "nc-name");
    if (!form.email) fail("Enter the requester's email.", "nc-email");
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(form.email)) fail("That email address does not look right.", "nc-email");
    if (form.received && form.received > todayIso()) fail("The received date is in the future.", "nc-received");
    return await api.newCase(form);
  });
}

function form_items() {
  if (!listsItems(value("nc-kind"))) return [];
  return value("nc-items").split(/\n+/).map((s) => s.trim()).filter(Boolean);
}

// One dialog per action, asking exactly for what the backend says it needs.
export function openAction(view, spec) {
  const c = view;
  const parts = [];
  const { close_outcomes: outcomes, denial_bases: bases } = catalog();
  const outcomeOf = (value) => outcomes.find((o) => o.value === value);
  if (spec.needs_outcome) {
    parts.push(field("ac-outcome", "Outcome", select("ac-outcome", options("close_outcomes"), outcomes[0].value)));
    parts.push(field("ac-basis", "Basis of the denial", select("ac-basis", options("denial_bases"), bases.at(-1).value)));
  }
  if (spec.needs_item) {
    const pending = c.items.filter((i) => i.outcome === "pending");
    parts.push(field("ac-item", "Item", select("ac-item", (pending.length ? pending : c.items).map((i) => [i.url, i.url]))));
  }
  if (spec.needs_date) {
    const latest = c.deadline.latest_extension_on;
    parts.push(field("ac-until", "New due date", h("input", { id: "ac-until", type: "date", min: c.due_on, max: latest || "" }), latest ? `The law allows ${latest} at most.` : null));
  }
  if (spec.needs_agent) parts.push(field("ac-to", "Assign to", h("input", { id: "ac-to", value: c.assignee || "", autocomplete: "off" })));
  parts.push(h("div", { class: "field wide" }, h("label", { for: "ac-reason" }, spec.reason_label), h("textarea", { id: "ac-reason", rows: 3 })));
  const body = h("div", { class: "form-grid" }, parts);
  const outcome = body.querySelector("#ac-outcome");
  if (outcome) {
    const sync = () => (body.querySelector("#ac-basis").parentElement.hidden = !outcomeOf(outcome.value)?.takes_basis);
    outcome.addEventListener("change", sync);
    sync();
  }
  return openDialog(`${sentence(spec.action)} · ${c.reference}`, body, sentence(spec.action), async () => {
    const form = {
      reason: value("ac-reason") || null,
      outcome: value("ac-outcome") || null,
      denial_basis: outcomeOf(value("ac-outcome"))?.takes_basis ? value("ac-basis") : null,
      until: value("ac-until") || null,
      to: value("ac-to") || null,
      item: value("ac-item") || null,
    };
    if (spec.needs_reason && !form.reason) fail("Give the reason.", "ac-reason");
    if (spec.needs_date && !form.until) fail("Pick the new due date.", "ac-until");
    if (spec.needs_agent && !form.to) fail("Name the agent.", "ac-to");
    return await api.act(c.reference, spec.action, form);
  });
}

export async function openExport(state, listFilter) {
  const dir = state.status.export_dir.replace(/\/$/, "");
  const months = await api.reportMonths().catch(() => []);
  const stamp = todayIso();
  const kind = h("div", { class: "segmented", role: "radiogroup" },
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
  const casesPart = h("div", { class: "form-grid", id: "ex-cases" },
    field("ex-from", "Received from", h("input", { id: "ex-from", type: "date" })),
    field("ex-to", "Received to", h("input", { id: "ex-to", type: "date" })),
    field("ex-state", "State", select("ex-state", [["", "Any"], ...options("states")], listFilter.state || "")),
    field("ex-kind", "Kind", select("ex-kind", [["", "Any"], ...options("kinds")], "")),
    h("div", { class: "field checkbox" }, h("input", { id: "ex-bom", type: "checkbox" }), h("label", { for: "ex-bom" }, "Byte-order mark (for Excel)")));
  const monthPart = h("div", { class: "form-grid", id: "ex-monthly", hidden: true },
    field("ex-month", "Month", select("ex-month", months.length ? months : [todayIso().slice(0, 7)], months[1] || months[0])));
  const yearPart = h("div", { class: "form-grid", id: "ex-yearly", hidden: true },
    field("ex-year", "Year", select("ex-year", years, years[1] || years[0]), "Per kind: received, complied with in whole or in part, denied, median and mean days to respond (CCPA 11 CCR §7102)."));
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
  return openDialog("Export", body, "Export", async () => {
    const path = value("ex-path");
    if (!path) fail("Choose where to save the file.", "ex-path");
    $("dialog-ok").textContent = "Exporting…";
    try {
      if (chosenKind() === "monthly") {
        const r = await api.monthlyReport(value("ex-month"), path);
        return `Saved the ${value("ex-month")} report to ${r.path}`;
      }
      if (chosenKind() === "yearly") {
        const r = await api.yearlyReport(value("ex-year"), path);
        return `Saved the ${value("ex-year")} metrics to ${r.path}`;
      }
      const filter = {
        received_from: value("ex-from") || null,
        received_to: value("ex-to") || null,
        state: value("ex-state") || null,
        kind: value("ex-kind") || null,
      };
      const r = await api.exportCases(filter, path, document.getElementById("ex-bom").checked);
      return `Saved ${formatNumber(r.rows)} cases to ${r.path}`;
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
export async function openLetter(view, kind) {
  const c = view;
  const draft = await api.getLetter(c.reference, kind);
  const status = h("p", { class: "muted", id: "letter-status" });
  const blanks = h("p", { class: "hint", id: "letter-blanks" });
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
  const body = h("div", { class: "letter-editor" }, status, text, blanks, h("div", { class: "button-row" }, save, reset));
  return openDialog(`${draft.title} · ${c.reference}`, body, "Mark as sent", async () => {
    const left = blanksIn(text.value);
    if (left.length) fail(`Fill the blank ${left[0]} first.`, "letter-body");
    return await api.sendLetter(c.reference, kind, text.value);
  });
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
      h("li", {}, h("strong", {}, c.reference), ` · ${label(c.kind)} · closed ${c.closed_on}`, c.held ? h("span", { class: "muted" }, " · kept whole: legal hold") : null)));
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
