// The case pane: deadline with its explanation, requester (masked until asked), items, the
// actions core allows, notes and the audit timeline.

import { api } from "./api.js";
import { labelOf } from "./catalog.js";
import { h, clear, masked, daysBetween, todayIso } from "./dom.js";
import { openAction, openLetter, openLetterExport, openMerge } from "./forms.js";

function section(title, ...content) {
  return h("section", { class: "card" }, h("h3", {}, title), ...content);
}

// Sent letters and drafts, and the letters that answer the case as it stands (core decides).
function lettersSection(view, { onChanged, exportDir, notify }, keys) {
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
  // Core lists the letter it suggests first: the picker starts on it.
  const suggested = c.next && c.next.step.letter;
  const choice = h("select", { id: "letter-kind", "aria-label": "Letter" }, c.offered_letters.map((o) => h("option", { value: o.kind }, o.title)));
  const writeButton = h("button", { type: "button", id: "write-letter", class: suggested ? "primary" : "", title: "Write the chosen letter (w)", onclick: () => write(choice.value) }, "Write…", h("kbd", {}, "w"));
  keys.write = () => c.offered_letters.length && write(choice.value);
  keys.writeSuggested = suggested ? () => write(suggested) : null;
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
        ` · ${labelOf("kinds", other.kind)} · ${labelOf("states", other.state)} · received ${other.received_on} `,
        h("button", { type: "button", class: "merge", dataset: { into: other.reference }, onclick: async () => {
          const kept = await openMerge(c, other);
          if (kept) await onChanged(kept);
        } }, `Merge this case into ${other.reference}`)))));
}

/** Renders the case into `pane`; returns what its keys do (an action's key, `s`, `w`). */
export function renderDetail(pane, view, { onChanged, exportDir = "", openReference = () => {}, notify = () => {} }) {
  const c = view;
  const today = todayIso();
  // The due date of the clock that runs: an appeal's, once one arrived.
  const dueOn = c.deadline.due_on;
  const daysLeft = daysBetween(today, dueOn);
  // Lateness as core judges it (an account closure is answered once its deletion is scheduled).
  const when = c.state === "closed" || (daysLeft < 0 && !view.overdue) ? "" : daysLeft < 0 ? ` (${-daysLeft} days late)` : daysLeft === 0 ? " (today)" : ` (in ${daysLeft} days)`;
  let revealed = false;
  // dir="auto": a right-to-left name reads in its own direction, masked or not.
  const name = h("span", { class: "requester-name", dir: "auto" }, masked(c.requester.name));
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

  // What the keys do while this case is open: each action's own, `s` the suggested step.
  const keys = { byKey: {}, suggested: null, write: null, writeSuggested: null };
  const doAction = async (spec) => {
    const updated = await openAction(c, spec);
    if (!updated) return;
    // Someone else changed it meanwhile (the dialog said who and when): show it as it is now.
    if (updated.reload) return onChanged(await api.getCase(c.reference));
    const followUp = updated.events.at(-1)?.details?.follow_up;
    if (followUp) notify(`Opened ${followUp}: erasure of the data we should not have collected (the person is under 18).`);
    await onChanged(updated);
  };
  const actions = h(
    "div",
    { class: "actions" },
    c.allowed_actions.map((spec) => {
      keys.byKey[spec.key] = () => doAction(spec);
      if (spec.suggested) keys.suggested = () => doAction(spec);
      return h(
        "button",
        {
          type: "button",
          // The step core suggests stands out; every action shows its key.
          class: "action" + (spec.suggested ? " primary" : ""),
          dataset: { action: spec.action, key: spec.key },
          title: `${spec.label} (${spec.key})`,
          "aria-keyshortcuts": spec.key,
          onclick: () => doAction(spec),
        },
        spec.label,
        h("kbd", {}, spec.key),
      );
    }),
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

  const letters = lettersSection(view, { onChanged, exportDir, notify }, keys);
  if (keys.writeSuggested) keys.suggested = keys.writeSuggested;
  const next = c.next
    ? h("p", { class: "next", id: "next-step" },
        h("strong", {}, "Next: "),
        c.next.step.action ? labelOf("actions", c.next.step.action) : `write “${labelOf("letters", c.next.step.letter)}”`,
        " — ", c.next.why, ". ", h("kbd", { title: "The key for the suggested step" }, "s"))
    : null;

  const parts = [
    h(
      "header",
      { class: "detail-header" },
      h("h2", {}, h("span", { class: "reference", id: "detail-reference" }, c.reference), " · ", labelOf("kinds", c.kind)),
      h(
        "p",
        {},
        h("span", { class: "state state-" + c.state, id: "detail-state" }, labelOf("states", c.state)),
        c.outcome ? h("span", { class: "badge" }, labelOf("outcomes", c.outcome)) : null,
        c.requester.is_minor ? h("span", { class: "badge minor" }, "under 18: verify parental authority") : null,
        h("span", { class: "muted" }, " · ", c.assignee ? `assigned to ${c.assignee}` : "unassigned"),
      ),
      next,
    ),
    section(
      "Deadline",
      h("p", { class: "due " + (view.overdue ? "overdue" : view.due_soon ? "soon" : ""), id: "detail-due" }, dueOn, when),
      h("ol", { class: "explanation", id: "deadline-explanation" }, c.deadline.explanation.map((line) => h("li", {}, line))),
      view.work_by ? h("p", { id: "detail-work-by", class: "soon" }, "Work by ", h("strong", {}, view.work_by.on), " — ", view.work_by.why) : null,
      view.calendar_problem ? h("p", { id: "detail-calendar-problem", class: "overdue" }, view.calendar_problem) : null,
      c.appeal
        ? h("p", { id: "detail-appeal" },
            "Appeal received ", h("strong", {}, c.appeal.received_on),
            ` against “${labelOf("outcomes", c.appeal.against).toLowerCase()}”`,
            c.appeal.decided_on ? ` — decided ${c.appeal.decided_on}: ${c.appeal.granted ? "granted" : "refusal upheld"}` : "")
        : null,
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
        h("dt", {}, "Identity"), h("dd", { id: "detail-identity" }, labelOf("identities", c.identity)),
        c.authorized_agent ? [h("dt", {}, "Filed by"), h("dd", { id: "detail-agent", dir: "auto" }, `${c.authorized_agent.name} (authorized agent; proof seen: ${c.authorized_agent.proof})`)] : null,
        h("dt", {}, "Customer"), h("dd", {}, c.customer || "— (the company's own data)"),
        h("dt", {}, "Channel"), h("dd", {}, labelOf("channels", c.channel)),
        h("dt", {}, "Law"), h("dd", { id: "detail-law" }, labelOf("jurisdictions", c.jurisdiction)),
        h("dt", {}, "Received"), h("dd", {}, c.received_on)),
      c.details ? h("p", { class: "details", dir: "auto" }, c.details) : null,
      c.denial_reason ? h("p", {}, h("strong", {}, "Refused: "), labelOf("denial_bases", c.denial_basis), " — ", c.denial_reason) : null,
    ),
    c.items.length
      ? section(
          "Pages",
          h("ul", { class: "items" }, c.items.map((item) =>
            h("li", {}, h("span", { class: "badge item-" + item.outcome }, labelOf("item_outcomes", item.outcome)), " ", h("span", { class: "url" }, item.url), item.reason ? h("div", { class: "muted" }, item.reason) : null))),
        )
      : null,
    c.possible_duplicates.length ? duplicatesSection(view, { onChanged, openReference }) : null,
    section("Actions", c.allowed_actions.length ? actions : h("p", { class: "muted" }, "Nothing to do.")),
    letters,
    section("Note", noteText, noteError, noteButton),
    section(
      "Timeline",
      h("ol", { class: "timeline", id: "timeline" }, c.events.map((event) =>
        h("li", {},
          h("time", { datetime: event.at }, event.at.slice(0, 16).replace("T", " ")),
          h("strong", {}, " ", event.title),
          h("span", { class: "muted" }, " by ", event.actor),
          event.summary ? h("div", { class: "muted small" }, event.summary) : null,
          event.text ? h("div", { class: "event-text", dir: "auto" }, event.text) : null))),
    ),
  ];
  clear(pane).append(...parts.filter(Boolean));
  return keys;
}
