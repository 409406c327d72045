// Dialogs: new case, the actions core allows, export. Each checks what it can before it sends
// and shows the backend's answer beside the form.

import { api } from "./api.js";
import { h, clear, label, todayIso, formatNumber } from "./dom.js";

const $ = (id) => document.getElementById(id);

const KINDS = ["access", "correction", "erasure", "forum_removal", "account_closure", "restriction", "marketing_opt_out", "inquiry"];
const JURISDICTIONS = [
  ["default", "Default (30 days)"],
  ["gdpr", "GDPR"],
  ["uk_gdpr", "UK GDPR"],
  ["ccpa", "CCPA / US states"],
  ["pipeda", "PIPEDA (Canada)"],
  ["quebec", "Québec Law 25"],
  ["lgpd", "LGPD (Brazil)"],
];
const CHANNELS = ["email", "web", "phone", "forum", "letter"];
const STATES = ["new", "verifying_identity", "in_progress", "awaiting_customer", "awaiting_requester", "deletion_scheduled", "closed"];
const OUTCOMES = ["fulfilled", "partially_fulfilled", "denied", "withdrawn"];
const DENIAL_BASES = ["identity_not_verified", "manifestly_unfounded", "legal_obligation", "exemption", "controller_decision", "no_data", "other"];

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
    dialog.onclose = () => finish(null);
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
  const items = field("nc-items", "Posts or pages to remove (one address a line)", h("textarea", { id: "nc-items", rows: 3, placeholder: "https://community.example.com/t/…" }));
  const body = h(
    "div",
    { class: "form-grid" },
    field("nc-kind", "Kind", select("nc-kind", KINDS, "access")),
    field("nc-received", "Received", h("input", { id: "nc-received", type: "date", value: todayIso(), max: todayIso(), required: true })),
    field("nc-name", "Requester's name", h("input", { id: "nc-name", required: true, maxlength: 500, autocomplete: "off" })),
    field("nc-email", "Requester's email", h("input", { id: "nc-email", type: "email", required: true, autocomplete: "off" })),
    field("nc-jurisdiction", "Law", select("nc-jurisdiction", JURISDICTIONS, "default")),
    field("nc-channel", "Channel", select("nc-channel", CHANNELS, "email")),
    field("nc-customer", "Customer (controller)", h("input", { id: "nc-customer", maxlength: 500 }), "Leave empty if the data is the company's own."),
    h("div", { class: "field checkbox" }, h("input", { id: "nc-minor", type: "checkbox" }), h("label", { for: "nc-minor" }, "The person is under 18")),
    h("div", { class: "field wide" }, h("label", { for: "nc-details" }, "What they asked"), h("textarea", { id: "nc-details", rows: 4 })),
    h("div", { class: "wide", id: "nc-items-row" }, items),
  );
  const kind = body.querySelector("#nc-kind");
  const syncItems = () => (body.querySelector("#nc-items-row").hidden = kind.value !== "forum_removal");
  kind.addEventListener("change", syncItems);
  syncItems();
  return openDialog("New case", body, "Create case", async () => {
    const form = {
      kind: value("nc-kind"),
      name: value("nc-name"),
      email: value("nc-email"),
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
  if (value("nc-kind") !== "forum_removal") return [];
  return value("nc-items").split(/\n+/).map((s) => s.trim()).filter(Boolean);
}

// One dialog per action, asking exactly for what the backend says it needs.
export function openAction(view, spec) {
  const c = view;
  const parts = [];
  if (spec.needs_outcome) {
    parts.push(field("ac-outcome", "Outcome", select("ac-outcome", OUTCOMES, "fulfilled")));
    parts.push(field("ac-basis", "Basis of the denial", select("ac-basis", DENIAL_BASES, "other")));
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
  const reasonLabel = spec.action === "close" ? "Reason (required for a denial)" : spec.needs_reason ? "Reason" : "Note (optional)";
  parts.push(h("div", { class: "field wide" }, h("label", { for: "ac-reason" }, reasonLabel), h("textarea", { id: "ac-reason", rows: 3 })));
  const body = h("div", { class: "form-grid" }, parts);
  const outcome = body.querySelector("#ac-outcome");
  if (outcome) {
    const sync = () => (body.querySelector("#ac-basis").parentElement.hidden = outcome.value !== "denied");
    outcome.addEventListener("change", sync);
    sync();
  }
  return openDialog(`${label(spec.action)} · ${c.reference}`, body, label(spec.action), async () => {
    const form = {
      reason: value("ac-reason") || null,
      outcome: value("ac-outcome") || null,
      denial_basis: value("ac-outcome") === "denied" ? value("ac-basis") : null,
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
    h("label", {}, h("input", { type: "radio", name: "ex-kind", value: "monthly" }), " Monthly report"));
  const pathInput = h("input", { id: "ex-path", value: `${dir}/privacydesk-cases-${stamp}.csv` });
  const choose = h("button", { type: "button", id: "ex-choose" }, "Choose…");
  choose.addEventListener("click", async () => {
    const chosen = await api.chooseSavePath(pathInput.value).catch(() => null);
    if (chosen) pathInput.value = chosen;
  });
  const casesPart = h("div", { class: "form-grid", id: "ex-cases" },
    field("ex-from", "Received from", h("input", { id: "ex-from", type: "date" })),
    field("ex-to", "Received to", h("input", { id: "ex-to", type: "date" })),
    field("ex-state", "State", select("ex-state", [["", "Any"], ...STATES.map((s) => [s, label(s)])], listFilter.state || "")),
    field("ex-kind", "Kind", select("ex-kind", [["", "Any"], ...KINDS.map((k) => [k, label(k)])], "")),
    h("div", { class: "field checkbox" }, h("input", { id: "ex-bom", type: "checkbox" }), h("label", { for: "ex-bom" }, "Byte-order mark (for Excel)")));
  const monthPart = h("div", { class: "form-grid", id: "ex-monthly", hidden: true },
    field("ex-month", "Month", select("ex-month", months.length ? months : [todayIso().slice(0, 7)], months[1] || months[0])));
  const body = h("div", {}, kind, casesPart, monthPart, h("div", { class: "field wide" }, h("label", { for: "ex-path" }, "Save to"), h("div", { class: "path-row" }, pathInput, choose)));
  kind.addEventListener("change", () => {
    const monthly = body.querySelector("input[name=ex-kind]:checked").value === "monthly";
    casesPart.hidden = monthly;
    monthPart.hidden = !monthly;
    pathInput.value = monthly ? `${dir}/privacydesk-report-${value("ex-month")}.csv` : `${dir}/privacydesk-cases-${stamp}.csv`;
  });
  monthPart.querySelector("select").addEventListener("change", () => (pathInput.value = `${dir}/privacydesk-report-${value("ex-month")}.csv`));
  return openDialog("Export", body, "Export", async () => {
    const path = value("ex-path");
    if (!path) fail("Choose where to save the file.", "ex-path");
    const monthly = body.querySelector("input[name=ex-kind]:checked").value === "monthly";
    $("dialog-ok").textContent = "Exporting…";
    try {
      if (monthly) {
        const r = await api.monthlyReport(value("ex-month"), path);
        return `Saved the ${value("ex-month")} report to ${r.path}`;
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
