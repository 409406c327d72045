// The desk: screens, views, the list and the keyboard. The backend decides; this shows.

import { api } from "./api.js";
import { catalog, loadCatalog, labelOf } from "./catalog.js";
import { h, clear, masked, daysBetween, todayIso, formatNumber } from "./dom.js";
import { renderDetail } from "./detail.js";
import { openNewCase, openExport, showMessage, showWritten, openCustomer, openBulk, openSaveView, openRetention, openOutbox } from "./forms.js";

const PAGE_SIZE = 50;
const $ = (id) => document.getElementById(id);

const state = {
  status: null,
  views: [],
  view: null,
  search: "",
  page: 0,
  cases: [],
  total: 0,
  selected: -1,
  current: null,
  // References ticked for bulk work; kept across pages until cleared.
  checked: new Set(),
  // What the open case's keys do (from renderDetail).
  keys: null,
  // Where the agent was when the desk locked: the view, page and case to come back to.
  resume: null,
};

// How many changes the desk had seen when last read (see the polling below); null until known.
let seenChanges = null;

// ---------- unlock ----------

const IDLE_LOCKED = "Locked after a period of inactivity. Unlock to go on.";

/** Shows the unlock screen; `message` says why (an error, or a notice such as an idle lock). */
async function showUnlock(message = "", { notice = false } = {}) {
  if (!$("desk").hidden && state.view) {
    state.resume = { viewKey: state.view.key, page: state.page, search: state.search, reference: state.current?.reference || null };
  }
  state.status = await api.status().catch(() => null);
  $("desk").hidden = true;
  $("unlock-screen").hidden = false;
  // Locked means nothing of a case stays readable, not even in the hidden page.
  clear($("detail")).append(h("p", { class: "muted empty-detail" }, "Select a case (j / k, Enter)."));
  clear($("case-list"));
  clear($("views"));
  $("search").value = "";
  Object.assign(state, { views: [], view: null, search: "", page: 0, cases: [], total: 0, selected: -1, current: null, keys: null });
  document.querySelectorAll("dialog[open]").forEach((dialog) => dialog.close());
  clear($("dialog-body"));
  clear($("toast")).hidden = true;
  $("team-address").value = state.status?.team_address || "";
  $(state.status?.team_chosen ? "where-team" : "where-file").checked = true;
  showWhere();
  $("unlock-error").textContent = message;
  $("unlock-error").classList.toggle("notice", notice);
  $("passphrase").value = "";
  $("passphrase-confirm").value = "";
  $("passphrase").focus();
}

/** The unlock card for the choice made: this computer's file (made on first use) or a team desk. */
function showWhere() {
  const team = $("where-team").checked;
  const creating = !team && state.status && !state.status.db_exists;
  $("team-row").hidden = !team;
  $("db-line").hidden = team;
  $("unlock-intro").textContent = team
    ? "Enter the team desk's address (your name before the server) and your own passphrase."
    : creating
      ? `No database yet. Choose a passphrase of at least ${catalog().limits.passphrase_min_chars} characters to create an encrypted one. It cannot be recovered if lost.`
      : "Enter the passphrase to unlock the case database.";
  $("confirm-row").hidden = !creating;
  $("unlock-button").textContent = creating ? "Create database" : team ? "Log in" : "Unlock";
  $("db-path").textContent = state.status ? state.status.db_path : "";
}

for (const id of ["where-file", "where-team"]) {
  $(id).addEventListener("change", () => {
    showWhere();
    $($("where-team").checked && !$("team-address").value ? "team-address" : "passphrase").focus();
  });
}

$("unlock-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const passphrase = $("passphrase").value;
  const creating = !$("confirm-row").hidden;
  const team = $("where-team").checked;
  const address = $("team-address").value.trim();
  const error = $("unlock-error");
  // From here on whatever it says is an error, not the notice it was opened with.
  error.classList.remove("notice");
  if (team && !address) {
    $("team-address").focus();
    return (error.textContent = "Enter the team desk's address, e.g. postgres://you@server/team.");
  }
  if (!passphrase) return (error.textContent = "Enter the passphrase.");
  const shortest = catalog().limits.passphrase_min_chars;
  if (creating && [...passphrase].length < shortest) return (error.textContent = `Use at least ${shortest} characters.`);
  if (creating && passphrase !== $("passphrase-confirm").value) return (error.textContent = "The two passphrases differ.");
  error.textContent = "";
  $("unlock-button").disabled = true;
  const idle = $("unlock-button").textContent;
  $("unlock-button").textContent = creating ? "Creating…" : team ? "Logging in…" : "Unlocking…";
  try {
    const unlocked = await (creating ? api.createDatabase(passphrase) : api.unlock(passphrase, team ? address : null));
    await showDesk();
    if (unlocked && unlocked.notice) toast(unlocked.notice, unlocked.notice_is_error);
  } catch (e) {
    $("unlock-button").textContent = idle;
    error.textContent = e.message;
    $("passphrase").select();
  } finally {
    $("unlock-button").disabled = false;
  }
});

// Any call may find the database locked (idle timeout) or signed out: go back to the unlock
// screen.
export async function guarded(promise) {
  try {
    return await promise;
  } catch (e) {
    if (e.code === "locked") {
      await showUnlock(IDLE_LOCKED, { notice: true });
      throw e;
    }
    // The team key was rotated: the desk signed out; the passphrase takes the new key.
    if (e.code === "key_rotated") {
      await showUnlock(e.message, { notice: true });
      throw e;
    }
    throw e;
  }
}

// ---------- desk ----------

async function showDesk() {
  state.status = await api.status();
  // Counted before anything is read: a change made while the desk loads is shown at the next poll.
  seenChanges = await api.changes().catch(() => null);
  $("unlock-screen").hidden = true;
  $("desk").hidden = false;
  const team = state.status.team;
  $("agent").textContent = team ? `${team.agent} · ${team.role} · team desk ${team.team}` : "Agent: " + state.status.agent;
  $("agent").title = team ? team.address : state.status.db_path;
  try {
    await refreshViews();
  } catch (e) {
    if (e.code === "locked") return;
    // Never a blank desk: say what went wrong where the list would be.
    clear($("case-list")).append(h("li", { class: "empty error", role: "alert" }, "The case list could not be loaded: " + e.message));
    return;
  }
  // Back where the agent was before the lock: the same view, page, search and case.
  const resume = state.resume;
  state.resume = null;
  state.view = (resume && state.views.find((v) => v.key === resume.viewKey)) || state.view || state.views[0];
  if (resume?.search) $("search").value = state.search = resume.search;
  await loadPage(resume ? resume.page : 0);
  if (resume?.reference) await showCase(resume.reference);
  else $("case-list").focus();
}

async function refreshViews() {
  // Core lists the views, the agent's saved ones last, with their filters and counts.
  const [overview, waiting] = await Promise.all([guarded(api.overview()), guarded(api.outbox())]);
  state.views = overview.views;
  if (state.view) state.view = state.views.find((v) => v.key === state.view.key) || state.views[0];
  const nav = clear($("views"));
  let group = "";
  for (const view of state.views) {
    if (view.group !== group) {
      group = view.group;
      nav.append(h("h3", {}, group));
    }
    const current = state.view && view.key === state.view.key;
    nav.append(
      h(
        "button",
        {
          type: "button",
          class: "view" + (current ? " current" : "") + (view.alert ? " alert" : ""),
          "aria-current": current ? "true" : false,
          onclick: () => selectView(view),
        },
        h("span", { class: "view-title" }, view.title),
        view.saved
          ? h("span", { class: "delete-view", role: "button", title: `Delete the view “${view.title}”`, "aria-label": `Delete ${view.title}`, onclick: (event) => deleteView(event, view) }, "×")
          : h("span", { class: "count" }, formatNumber(view.count)),
      ),
    );
  }
  nav.append(
    h("button", { type: "button", id: "save-view", class: "link save-view", onclick: saveView }, "Save this view…"),
    h("button", { type: "button", id: "retention-button", class: "link save-view", onclick: retention }, "Retention…"),
  );
  // Letters sent by email that have not left: shown only while there are some.
  if (waiting.length) {
    nav.append(h("button", { type: "button", id: "outbox-button", class: "link save-view alert", onclick: outbox }, `Outbox (${formatNumber(waiting.length)} not sent)…`));
  }
}

async function saveView() {
  const saved = await openSaveView(currentFilter(), state.search.trim() ? "" : state.view.title);
  if (!saved) return;
  toast(`Saved the view “${saved.name}”`);
  state.view = { key: "saved:" + saved.name };
  state.search = "";
  $("search").value = "";
  await refreshViews().catch((e) => e.code !== "locked" && toast(e.message, true));
  await loadPage(0);
}

async function retention() {
  try {
    const message = await openRetention();
    if (!message) return;
    toast(message);
    await refreshViews();
    await loadPage(state.page);
  } catch (e) {
    if (e.code !== "locked") toast(e.message, true);
  }
}

async function outbox() {
  try {
    const message = await openOutbox();
    if (message) toast(message);
    await refreshViews();
    if (state.current) await showCase(state.current.reference);
  } catch (e) {
    if (e.code !== "locked") toast(e.message, true);
  }
}

async function deleteView(event, view) {
  event.stopPropagation();
  try {
    await guarded(api.deleteView(view.title));
    toast(`Deleted the view “${view.title}”`);
    if (state.view && state.view.key === view.key) state.view = state.views[0];
    await refreshViews();
    await loadPage(0);
  } catch (e) {
    if (e.code !== "locked") toast(e.message, true);
  }
}

// Choosing a view ends a search.
async function selectView(view) {
  state.view = view;
  endSearch(false);
  if (document.activeElement === $("search")) $("case-list").focus();
  await refreshViews().catch((e) => e.code !== "locked" && toast(e.message, true));
  await loadPage(0);
}

// A search looks through every case, whatever the view.
function currentFilter() {
  const search = state.search.trim();
  return search ? { search } : { ...state.view.filter };
}

function dueBadge(summary, today) {
  const c = summary;
  if (c.state === "closed") return h("span", { class: "badge" }, c.outcome ? labelOf("outcomes", c.outcome) : labelOf("states", c.state));
  // Core says when the case next needs action; nothing pending means held or clock stopped.
  const on = c.attention_on;
  if (!on) return h("span", { class: "badge held" }, c.legal_hold ? "legal hold" : "clock stopped");
  const days = daysBetween(today, on);
  const what = c.state === "deletion_scheduled" ? "purge" : "due";
  const text = days < 0 ? `${what} ${-days}d ago` : days === 0 ? `${what} today` : `${what} in ${days}d`;
  const tone = summary.overdue ? "overdue" : summary.due_soon ? "soon" : "";
  return h("span", { class: "badge due " + tone, title: on }, text);
}

function renderList() {
  const list = clear($("case-list"));
  const today = todayIso();
  if (state.cases.length === 0) {
    list.append(h("li", { class: "empty muted" }, state.search ? "No case matches the search." : "No cases in this view."));
  }
  state.cases.forEach((c, index) => {
    const summary = c;
    list.append(
      h(
        "li",
        {
          class: "case-row" + (index === state.selected ? " selected" : "") + (c.requester.is_minor ? " minor" : ""),
          dataset: { reference: c.reference },
          "aria-selected": index === state.selected ? "true" : "false",
          onclick: () => openCase(index),
        },
        h(
          "div",
          { class: "row-line" },
          h("input", {
            type: "checkbox",
            class: "row-check",
            "aria-label": `Select ${c.reference}`,
            checked: state.checked.has(c.reference),
            onclick: (event) => {
              event.stopPropagation();
              if (event.target.checked) state.checked.add(c.reference);
              else state.checked.delete(c.reference);
              renderBulkBar();
            },
          }),
          h("span", { class: "reference" }, c.reference),
          h("span", { class: "kind" }, labelOf("kinds", c.kind)),
          h("span", { class: "customer muted" }, c.customer || "—"),
          dueBadge(summary, today),
        ),
        h(
          "div",
          { class: "row-line" },
          // Masked names look alike: the address's domain and the day received tell them apart.
          h("span", { class: "requester muted", dir: "auto" }, c.redacted_on ? "(redacted)" : masked(c.requester.name)),
          c.redacted_on ? null : h("span", { class: "domain muted small" }, "@" + c.requester.email.split("@").pop()),
          h("span", { class: "received muted small", title: "Received" }, c.received_on),
          c.requester.is_minor ? h("span", { class: "badge minor" }, "minor") : null,
          h("span", { class: "state state-" + c.state }, labelOf("states", c.state)),
          h("span", { class: "assignee muted small" }, c.assignee || "unassigned"),
        ),
      ),
    );
  });
  const first = state.total === 0 ? 0 : state.page * PAGE_SIZE + 1;
  const last = state.page * PAGE_SIZE + state.cases.length;
  $("page-info").textContent = `${formatNumber(first)}–${formatNumber(last)} of ${formatNumber(state.total)}`;
  $("prev-page").disabled = state.page === 0;
  $("next-page").disabled = last >= state.total;
  $("list-header").textContent = state.search.trim() ? `Search: “${state.search.trim()}” in all cases` : state.view.title;
  renderBulkBar();
}

// Work on the ticked cases: the backend does each case on its own and says which it refused.
function renderBulkBar() {
  const bar = $("bulk-bar");
  const count = state.checked.size;
  bar.hidden = count === 0;
  if (!count) return;
  const run = (kind) => async () => {
    const references = [...state.checked];
    const result = await openBulk(kind, references);
    if (!result) return;
    const done = result.done.length;
    const verb = { assign: "Assigned", forward: "Forwarded", note: "Noted" }[kind];
    if (result.refused.length) {
      await showMessage(
        `${verb} ${done} of ${references.length}`,
        result.refused.map((r) => `${r.reference}: ${r.message}`).join("\n"),
      );
    } else {
      toast(`${verb} ${done} case${done === 1 ? "" : "s"}`);
    }
    for (const reference of result.done) state.checked.delete(reference);
    await refreshViews().catch((e) => e.code !== "locked" && toast(e.message, true));
    await loadPage(state.page);
    if (state.current) await showCase(state.current.reference);
  };
  clear(bar).append(
    h("span", { class: "list-bar-content" },
      h("strong", { id: "bulk-count" }, `${count} selected`),
      h("button", { type: "button", id: "bulk-assign", onclick: run("assign") }, "Assign…"),
      h("button", { type: "button", id: "bulk-forward", onclick: run("forward") }, "Forward…"),
      h("button", { type: "button", id: "bulk-note", onclick: run("note") }, "Add note…"),
      h("button", { type: "button", id: "bulk-clear", class: "link", onclick: () => { state.checked.clear(); renderList(); } }, "Clear")),
  );
}

async function loadPage(page) {
  try {
    const result = await guarded(api.listCases(currentFilter(), page, PAGE_SIZE));
    state.page = page;
    state.cases = result.cases;
    state.total = result.total;
    // The highlight stays on the open case wherever it now is (none if it left the list).
    const open = state.current ? state.cases.findIndex((c) => c.reference === state.current.reference) : -1;
    state.selected = state.current ? open : Math.min(Math.max(state.selected, 0), state.cases.length - 1);
    renderList();
    await renderCustomerBar();
  } catch (e) {
    if (e.code !== "locked") toast(e.message, true);
  }
}

// A customer's view: its contact and forwarding time above its open cases.
async function renderCustomerBar() {
  const bar = $("customer-bar");
  const name = !state.search.trim() && state.view?.filter?.customer;
  bar.hidden = !name;
  if (!name) return;
  const customer = await guarded(api.customerView(name));
  const edit = h("button", { type: "button", id: "edit-customer", class: "link" }, "Edit…");
  edit.addEventListener("click", async () => {
    const saved = await openCustomer(customer);
    if (saved) {
      toast(`Saved ${saved.name}`);
      await loadPage(state.page);
      // The open case's forwarding date follows the new settings.
      if (state.current) await showCase(state.current.reference);
    }
  });
  // Through h(), which leaves out what is null (append would print it).
  clear(bar).append(h("span", { class: "list-bar-content" },
    h("span", {}, h("strong", {}, customer.name), " · ", customer.contact || "no contact set",
      ` · forward within ${customer.forward_within_business_days} business days`,
      customer.configured ? "" : " (default)"),
    customer.forwarding_late
      ? h("span", { class: "badge overdue", id: "forwarding-late" }, `${customer.forwarding_late} late to forward`)
      : null,
    edit,
  ));
}

// Moving the highlight with a case open opens the case under it, so the two never disagree.
let follow;
function moveSelection(delta) {
  if (state.cases.length === 0) return;
  state.selected = Math.min(Math.max(state.selected + delta, 0), state.cases.length - 1);
  renderList();
  const row = $("case-list").children[state.selected];
  if (row) row.scrollIntoView({ block: "nearest" });
  if (state.current) {
    clearTimeout(follow);
    const reference = state.cases[state.selected].reference;
    follow = setTimeout(() => showCase(reference, { focusList: true }), 120);
  }
}

export async function openCase(index) {
  state.selected = index;
  renderList();
  const summary = state.cases[index];
  if (summary) await showCase(summary.reference);
}

export async function showCase(reference, { focusList = false } = {}) {
  try {
    const other = state.current?.reference !== reference;
    state.current = await guarded(api.getCase(reference));
    state.keys = renderDetail($("detail"), state.current, detailOptions());
    // Another case starts at its top; the same one stays where the agent was reading.
    if (other) $("detail").scrollTop = 0;
    state.selected = state.cases.findIndex((c) => c.reference === reference);
    renderList();
    if (!focusList) $("detail").focus({ preventScroll: true });
  } catch (e) {
    if (e.code !== "locked") toast(e.message, true);
  }
}

function detailOptions() {
  return { onChanged: caseChanged, exportDir: state.status?.export_dir || "", openReference: showCase, notify: toast };
}

async function caseChanged(view) {
  state.current = view;
  state.keys = renderDetail($("detail"), view, detailOptions());
  $("detail").focus({ preventScroll: true });
  await refreshViews().catch((e) => e.code !== "locked" && toast(e.message, true));
  await loadPage(state.page);
}

export function toast(message, isError = false) {
  const box = $("toast");
  box.textContent = message;
  box.className = "toast" + (isError ? " error" : "");
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => (box.hidden = true), isError ? 8000 : 5000);
}

// ---------- header ----------

let searchTimer;
$("search").addEventListener("input", () => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => {
    state.search = $("search").value;
    state.selected = 0;
    loadPage(0);
  }, 200);
});
// Esc, the box's clear button, and choosing a view end a search: the box empties and the
// list goes back to the view.
function endSearch(reload = true) {
  clearTimeout(searchTimer);
  const searching = state.search.trim() !== "";
  $("search").value = "";
  state.search = "";
  if (searching && reload) loadPage(0);
}
$("search").addEventListener("search", () => !$("search").value && endSearch());
$("search").addEventListener("keydown", (event) => {
  if (event.key === "Escape") {
    event.preventDefault();
    event.stopPropagation();
    endSearch();
    $("case-list").focus();
  }
  if (event.key === "Enter" || event.key === "ArrowDown") {
    event.preventDefault();
    // Enter searches at once, without waiting for the pause in typing.
    if ($("search").value !== state.search) {
      clearTimeout(searchTimer);
      state.search = $("search").value;
      loadPage(0);
    }
    $("case-list").focus();
  }
});
$("prev-page").addEventListener("click", () => loadPage(Math.max(state.page - 1, 0)));
$("next-page").addEventListener("click", () => loadPage(state.page + 1));
$("lock-button").addEventListener("click", async () => {
  await api.lock().catch(() => {});
  await showUnlock("Locked.", { notice: true });
});
$("new-case-button").addEventListener("click", () => newCase());
$("export-button").addEventListener("click", () =>
  openExport(state, currentFilter()).then((written) => written && showWritten(written)),
);

async function newCase() {
  const reference = await openNewCase();
  if (!reference) return;
  toast(`Created ${reference}`);
  await refreshViews().catch((e) => e.code !== "locked" && toast(e.message, true));
  await loadPage(0);
  await showCase(reference);
}

// ---------- keyboard ----------

const SHORTCUTS = [
  ["j / ↓", "next case (opens it when a case is open)"],
  ["k / ↑", "previous case"],
  ["Enter", "open the selected case"],
  ["Esc", "back to the list; in the search box, end the search"],
  ["/", "search (selects what you searched last)"],
  ["n", "new case"],
  ["e", "export"],
  ["[ / ]", "previous / next page"],
  ["?", "this help"],
];

// The open case's keys: the suggested step, a letter, and each action's own key (from core).
function caseShortcuts() {
  return [
    ["s", "do the step the desk suggests (the highlighted button)"],
    ["w", "write the letter chosen in Letters"],
    ...catalog().actions.map((a) => [a.key, a.label]),
    ["Ctrl+Enter", "in a dialog: its main button"],
  ];
}

document.addEventListener("keydown", (event) => {
  if ($("desk").hidden || $("dialog").open) return;
  const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(document.activeElement.tagName);
  if (event.key === "Escape") {
    if (typing) document.activeElement.blur();
    $("case-list").focus();
    return;
  }
  if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
  const keys = {
    j: () => moveSelection(1),
    ArrowDown: () => moveSelection(1),
    k: () => moveSelection(-1),
    ArrowUp: () => moveSelection(-1),
    Enter: () => state.selected >= 0 && openCase(state.selected),
    "/": () => {
      $("search").focus();
      $("search").select();
    },
    n: () => newCase(),
    e: () => $("export-button").click(),
    "[": () => !$("prev-page").disabled && $("prev-page").click(),
    "]": () => !$("next-page").disabled && $("next-page").click(),
    "?": () =>
      showMessage(
        "Keyboard shortcuts",
        [...SHORTCUTS, ["", ""], ["", "With a case open:"], ...caseShortcuts()].map(([k, what]) => (k ? `${k}: ${what}` : what)).join("\n"),
      ),
  };
  // With a case open its own keys come next: s, w, and each allowed action's key.
  const open = state.current && state.keys;
  if (open && !keys[event.key]) {
    const caseKey = event.key === "s" ? state.keys.suggested : event.key === "w" ? state.keys.write : state.keys.byKey[event.key];
    if (caseKey) {
      event.preventDefault();
      caseKey();
      return;
    }
  }
  const action = keys[event.key];
  if (action && !(event.key === "Enter" && document.activeElement.tagName === "BUTTON")) {
    event.preventDefault();
    action();
  }
});

// Activity keeps the database open; the backend locks it after the idle limit.
let lastTouch = 0;
for (const type of ["keydown", "pointerdown", "wheel"]) {
  document.addEventListener(type, () => {
    if ($("desk").hidden || Date.now() - lastTouch < 30000) return;
    lastTouch = Date.now();
    api.touch().catch(() => {});
  });
}
setInterval(async () => {
  if ($("desk").hidden) return;
  const status = await api.status().catch(() => null);
  if (status && !status.unlocked) await showUnlock(status.signed_out || IDLE_LOCKED, { notice: true });
}, 15000);

// Others' work shows without a restart: the desk counts its changes (one audit event each), and
// when the count moves the side bar, the page and the open case are read again. Not while a
// dialog is open: what the person is writing stays as it is.
const CHANGES_EVERY_MS = 5000;
setInterval(async () => {
  if ($("desk").hidden || document.querySelector("dialog[open]")) return;
  const changes = await api.changes().catch(async (e) => {
    if (e.code === "key_rotated") await showUnlock(e.message, { notice: true });
    return null;
  });
  if (changes === null || changes === seenChanges) return;
  const first = seenChanges === null;
  seenChanges = changes;
  if (first) return;
  await refreshViews().catch(() => {});
  await loadPage(state.page);
  const open = state.current;
  if (!open || document.querySelector("dialog[open]")) return;
  const now = await api.getCase(open.reference).catch(() => null);
  if (!now || state.current !== open) return;
  const revised = now.revision?.number !== open.revision?.number;
  if (revised || now.events.length !== open.events.length) {
    state.current = now;
    state.keys = renderDetail($("detail"), now, detailOptions());
    if (revised && now.revision.by !== state.status?.agent) toast(`${now.reference} was changed by ${now.revision.by || "someone"}.`);
  }
}, CHANGES_EVERY_MS);

// ---------- start ----------

loadCatalog()
  .then(() => api.status())
  .then((status) => (status.unlocked ? showDesk() : showUnlock()))
  .catch((e) => showUnlock(e.message));
