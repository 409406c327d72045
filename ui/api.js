// Every call to the backend, in one place. Errors arrive as {code, message}.

function invoke(command, args = {}) {
  const ipc = window.__TAURI_INTERNALS__;
  if (!ipc) {
    return Promise.reject({ code: "internal", message: "PrivacyDesk must run inside its desktop window." });
  }
  return ipc.invoke(command, args).catch((error) => {
    if (error && typeof error === "object" && "code" in error) throw error;
    throw { code: "internal", message: String(error) };
  });
}

export const api = {
  status: () => invoke("status"),
  createDatabase: (passphrase) => invoke("create_database", { passphrase }),
  // With `teamAddress`, logs in to that team desk; without, unlocks this computer's file.
  unlock: (passphrase, teamAddress = null) => invoke("unlock", { passphrase, teamAddress }),
  lock: () => invoke("lock"),
  changes: () => invoke("changes"),
  touch: () => invoke("touch"),
  catalog: () => invoke("catalog"),
  overview: () => invoke("overview"),
  listCases: (filter, page, pageSize) => invoke("list_cases", { query: { filter, page, page_size: pageSize } }),
  getCase: (reference) => invoke("get_case", { reference }),
  newCase: (form) => invoke("new_case", { form }),
  act: (reference, action, form) => invoke("act", { reference, action, form }),
  addNote: (reference, text) => invoke("add_note", { reference, text }),
  exportCases: (filter, path, bom) => invoke("export_cases", { filter, path, bom }),
  monthlyReport: (month, path) => invoke("monthly_report", { month, path }),
  reportMonths: () => invoke("report_months"),
  yearlyReport: (year, path) => invoke("yearly_report", { year, path }),
  openCasesFrom: (email) => invoke("open_cases_from", { email }),
  mergeCase: (duplicate, into) => invoke("merge_case", { duplicate, into }),
  getLetter: (reference, kind) => invoke("get_letter", { reference, kind }),
  saveLetterDraft: (reference, kind, body) => invoke("save_letter_draft", { reference, kind, body }),
  discardLetterDraft: (reference, kind) => invoke("discard_letter_draft", { reference, kind }),
  sendLetter: (reference, kind, body, close = false) => invoke("send_letter", { reference, kind, body, close }),
  letterEmailPlan: (reference, kind, body) => invoke("letter_email_plan", { reference, kind, body }),
  sendLetterByEmail: (reference, kind, body) => invoke("send_letter_by_email", { reference, kind, body }),
  outbox: () => invoke("outbox"),
  retryMail: (id, resend = false) => invoke("retry_mail", { id, resend }),
  exportLetter: (reference, letterId, path) => invoke("export_letter", { reference, letter_id: letterId, path }),
  customerView: (name) => invoke("customer_view", { name }),
  setCustomer: (name, contact, forwardDays) => invoke("set_customer", { name, contact, forward_days: forwardDays }),
  actOnMany: (references, action, form) => invoke("act_on_many", { references, action, form }),
  noteOnMany: (references, text) => invoke("note_on_many", { references, text }),
  saveView: (name, filter) => invoke("save_view", { name, filter }),
  deleteView: (name) => invoke("delete_view", { name }),
  retentionStatus: () => invoke("retention_status"),
  setRetentionMonths: (months) => invoke("set_retention_months", { months }),
  applyRetention: () => invoke("apply_retention"),
  openFolder: (path) => invoke("open_folder", { path }),
  // The native save dialog (tauri-plugin-dialog); resolves to a path or null.
  chooseSavePath: (defaultPath, filter = { name: "CSV", extensions: ["csv"] }) =>
    invoke("plugin:dialog|save", { options: { defaultPath, filters: [filter] } }),
};
