// The case pane: deadline with its explanation, requester (masked until asked), items, the
// actions core allows, notes and the audit timeline.

import { api } from "./api.js";
import { h, clear, masked, label, daysBetween, todayIso } from "./dom.js";
import { openAction, openLetter, openLetterExport, openMerge } from "./forms.js";

function section(title, ...content) {
  return h("section", { class: "card" }, h("h3", {}, title), ...content);
}

function describeDetails(details) {
  if (!details || typeof details !== "object") return "";
  const parts = [];
  const transition = details.from && details.to;
  if (transition && details.from !== details.to) parts.push(`${label(details.from)} → ${label(details.to)}`);
  for (const [key, v] of Object.entries(details)) {
    if (key === "note_id" || (transition && ["from", "to"].includes(key))) continue;
    parts.push(`${label(key)}: ${label(v)}`);
  }
  return parts.join(" · ");
}

// Sent letters and drafts, and the letters that answer the case as it stands (core decides).
function lettersSection(view, { onChanged, exportDir, notify }) {
  const c = view;
  const write = async (kind) => {
    try {
      const updated = await openLetter(c, kind);
      onChanged(updated || (await api.getCase(c.reference)));
    } catch (e) {
      notify(e.message, true);
    }
  };
  const list = h("ul", { class: "letters", id: "letters" }, c.letters.map((letter) =>
    h("li", { class: letter.sent_at ? "sent" : "draft", dataset: { letterId: letter.id, kind: letter.kind } },
      h("strong", {}, letter.title),
      h("span", { class: "muted" }, letter.sent_at
        ? ` · sent ${letter.sent_at.slice(0, 16).replace("T", " ")} by ${letter.author}`
        : ` · draft saved ${letter.saved_at.slice(0, 16).replace("T", " ")} by ${letter.author}`),
      letter.sent_at && !letter.body ? h("span", { class: "muted" }, " · text removed by retention") : null,
      letter.sent_at && letter.body
        ? h("button", { type: "button", class: "link letter-export", onclick: async () => {
            const message = await openLetterExport(c, letter, exportDir);
            if (message) notify(message);
            onChanged(await api.getCase(c.reference));
          } }, "Save as file…")
        : null,
      !letter.sent_at && c.offered_letters.some((o) => o.kind === letter.kind)
        ? h("button", { type: "button", class: "link letter-continue", onclick: () => write(letter.kind) }, "Continue")
        : null)));
  const choice = h("select", { id: "letter-kind", "aria-label": "Letter" }, c.offered_letters.map((o) => h("option", { value: o.kind }, o.title)));
  const writeButton = h("button", { type: "button", id: "write-letter", onclick: () => write(choice.value) }, "Write…");
  return section(
    "Letters",
    c.letters.length ? list : null,
    c.offered_letters.length
      ? h("div", { class: "path-row" }, choice, writeButton)
      : h("p", { class: "muted" }, "No letter answers this case as it stands."),
  );
}

function duplicatesSection(view, { onChanged, openReference }) {
  const c = view;
  return h("section", { class: "card warning", id: "duplicates" },
    h("h3", {}, "Possible duplicate"),
    h("p", {}, "Also open from the same address:"),
    h("ul", {}, c.possible_duplicates.map((other) =>
      h("li", {},
        h("button", { type: "button", class: "link", onclick: () => openReference(other.reference) }, other.reference),
        ` · ${label(other.kind)} · ${label(other.state)} · received ${other.received_on} `,
        h("button", { type: "button", class: "merge", dataset: { into: other.reference }, onclick: async () => {
          const kept = await openMerge(c, other);
          if (kept) await onChanged(kept);
        } }, `Merge this case into ${other.reference}`)))));
}

export function renderDetail(pane, view, { onChanged, exportDir = "", openReference = () => {}, notify = () => {} }) {
  const c = view;
  const today = todayIso();
  const daysLeft = daysBetween(today, c.due_on);
  // Lateness as core judges it (an account closure is answered once its deletion is scheduled).
  const when = c.state === "closed" || (daysLeft < 0 && !view.overdue) ? "" : daysLeft < 0 ? ` (${-daysLeft} days late)` : daysLeft === 0 ? " (today)" : ` (in ${daysLeft} days)`;
  let revealed = false;
  const name = h("span", { class: "requester-name" }, masked(c.requester.name));
  const email = h("span", { class: "requester-email" }, "•••@" + c.requester.email.split("@").pop());
  const maskedPhone = (p) => (p ? "••• " + p.slice(-2) : "");
  const phone = h("span", { class: "requester-phone" }, maskedPhone(c.requester.phone));
  const reveal = h("button", { type: "button", class: "link", id: "reveal" }, "Show");
  reveal.addEventListener("click", () => {
    revealed = !revealed;
    name.textContent = revealed ? c.requester.name : masked(c.requester.name);
    email.textContent = revealed ? c.requester.email : "•••@" + c.requester.email.split("@").pop();
    phone.textContent = revealed ? c.requester.phone || "" : maskedPhone(c.requester.phone);
    reveal.textContent = revealed ? "Hide" : "Show";
  });

  const actions = h(
    "div",
    { class: "actions" },
    c.allowed_actions.map((spec) =>
      h(
        "button",
        {
          type: "button",
          // The action that answers and closes the case stands out (core says which closes).
          class: "action" + (spec.closes ? " primary" : ""),
          dataset: { action: spec.action },
          onclick: async () => {
            const updated = await openAction(c, spec);
            if (!updated) return;
            const followUp = updated.events.at(-1)?.details?.follow_up;
            if (followUp) notify(`Opened ${followUp}: erasure of the data we should not have collected (the person is under 18).`);
            await onChanged(updated);
          },
        },
        label(spec.action),
      ),
    ),
  );

  const noteText = h("textarea", { id: "note-text", rows: 2, placeholder: "Add a note…", "aria-label": "Note" });
  const noteError = h("p", { class: "error", role: "alert" });
  const noteButton = h("button", { type: "button", id: "add-note" }, "Add note");
  noteButton.addEventListener("click", async () => {
    const text = noteText.value.trim();
    if (!text) return (noteError.textContent = "Write the note first.");
    noteButton.disabled = true;
    try {
      await api.addNote(c.reference, text);
      onChanged(await api.getCase(c.reference));
    } catch (e) {
      noteError.textContent = e.message;
    } finally {
      noteButton.disabled = false;
    }
  });

  const parts = [
    h(
      "header",
      { class: "detail-header" },
      h("h2", {}, h("span", { class: "reference", id: "detail-reference" }, c.reference), " · ", label(c.kind)),
      h(
        "p",
        {},
        h("span", { class: "state state-" + c.state, id: "detail-state" }, label(c.state)),
        c.outcome ? h("span", { class: "badge" }, label(c.outcome)) : null,
        c.requester.is_minor ? h("span", { class: "badge minor" }, "under 18: verify parental authority") : null,
        h("span", { class: "muted" }, " · ", c.assignee ? `assigned to ${c.assignee}` : "unassigned"),
      ),
    ),
    section(
      "Deadline",
      h("p", { class: "due " + (view.overdue ? "overdue" : view.due_soon ? "soon" : ""), id: "detail-due" }, c.due_on, when),
      h("ol", { class: "explanation", id: "deadline-explanation" }, c.deadline.explanation.map((line) => h("li", {}, line))),
      c.purge_on ? h("p", {}, "Data deleted on ", h("strong", {}, c.purge_on), c.legal_hold ? " — held: " : "", c.legal_hold || "") : null,
      c.forwarding
        ? h("p", { id: "detail-forward", class: c.forwarding.late ? "overdue" : "" },
            "Forward to ", c.customer, " by ", h("strong", {}, c.forwarding.forward_by),
            ` (${c.forwarding.within_business_days} business days)`,
            c.forwarding.forwarded_on ? ` — forwarded ${c.forwarding.forwarded_on}` : "",
            c.forwarding.late ? (c.forwarding.forwarded_on ? ", late" : " — late") : "")
        : null,
    ),
    section(
      "Requester",
      c.redacted_on
        ? h("p", { class: "muted", id: "redacted-note" }, `Details redacted on ${c.redacted_on} under the retention period; the request record is kept.`)
        : [h("p", {}, name, " ", reveal), h("p", {}, email), c.requester.phone ? h("p", {}, phone) : null],
      h("dl", { class: "facts" },
        h("dt", {}, "Customer"), h("dd", {}, c.customer || "— (the company's own data)"),
        h("dt", {}, "Channel"), h("dd", {}, label(c.channel)),
        h("dt", {}, "Law"), h("dd", {}, label(c.jurisdiction)),
        h("dt", {}, "Received"), h("dd", {}, c.received_on)),
      c.details ? h("p", { class: "details" }, c.details) : null,
      c.denial_reason ? h("p", {}, h("strong", {}, "Denied: "), label(c.denial_basis), " — ", c.denial_reason) : null,
    ),
    c.items.length
      ? section(
          "Items",
          h("ul", { class: "items" }, c.items.map((item) =>
            h("li", {}, h("span", { class: "badge item-" + item.outcome }, label(item.outcome)), " ", h("span", { class: "url" }, item.url), item.reason ? h("div", { class: "muted" }, item.reason) : null))),
        )
      : null,
    c.possible_duplicates.length ? duplicatesSection(view, { onChanged, openReference }) : null,
    section("Actions", c.allowed_actions.length ? actions : h("p", { class: "muted" }, "Nothing to do.")),
    lettersSection(view, { onChanged, exportDir, notify }),
    section("Note", noteText, noteError, noteButton),
    section(
      "Timeline",
      h("ol", { class: "timeline", id: "timeline" }, c.events.map((event) =>
        h("li", {},
          h("time", { datetime: event.at }, event.at.slice(0, 16).replace("T", " ")),
          h("strong", {}, " ", label(event.action)),
          h("span", { class: "muted" }, " by ", event.actor),
          h("div", { class: "muted small" }, describeDetails(event.details)),
          event.text ? h("div", { class: "event-text" }, event.text) : null))),
    ),
  ];
  clear(pane).append(...parts.filter(Boolean));
}
