//! Embeds `ui/`, checks the capabilities, and generates one `allow-<command>` permission per
//! command so the capability can list exactly ours.

fn main() {
    let commands = &[
        "status",
        "create_database",
        "unlock",
        "lock",
        "changes",
        "touch",
        "catalog",
        "overview",
        "list_cases",
        "get_case",
        "new_case",
        "act",
        "add_note",
        "export_cases",
        "monthly_report",
        "report_months",
        "yearly_report",
        "open_cases_from",
        "merge_case",
        "get_letter",
        "save_letter_draft",
        "discard_letter_draft",
        "send_letter",
        "letter_email_plan",
        "send_letter_by_email",
        "outbox",
        "retry_mail",
        "export_letter",
        "customer_view",
        "set_customer",
        "act_on_many",
        "note_on_many",
        "saved_views",
        "save_view",
        "delete_view",
        "retention_status",
        "set_retention_months",
        "apply_retention",
        "open_folder",
    ];
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(commands)),
    )
    .unwrap_or_else(|e| panic!("tauri-build failed: {e:#}"));
}
