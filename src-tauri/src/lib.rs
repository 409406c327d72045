//! The PrivacyDesk desktop shell: registers the commands, holds the unlocked database, locks it
//! after idle time. Every rule lives in `privacydesk-core`; this crate only adapts.

mod api_error;
mod commands;
mod session;

use std::time::Duration;

use tauri::{Manager, Runtime};

pub use api_error::ApiError;
pub use session::Session;

/// How often the idle watcher looks at the clock.
const IDLE_CHECK: Duration = Duration::from_secs(5);

/// The app, generic over the runtime so tests can run it on Tauri's mock runtime.
pub fn builder<R: Runtime>(session: Session) -> tauri::Builder<R> {
    tauri::Builder::<R>::new()
        .plugin(tauri_plugin_dialog::init())
        .manage(session)
        .invoke_handler(tauri::generate_handler![
            commands::status,
            commands::create_database,
            commands::changes,
            commands::unlock,
            commands::lock,
            commands::touch,
            commands::catalog,
            commands::overview,
            commands::list_cases,
            commands::get_case,
            commands::new_case,
            commands::act,
            commands::add_note,
            commands::export_cases,
            commands::monthly_report,
            commands::report_months,
            commands::yearly_report,
            commands::open_cases_from,
            commands::merge_case,
            commands::get_letter,
            commands::save_letter_draft,
            commands::discard_letter_draft,
            commands::send_letter,
            commands::letter_email_plan,
            commands::send_letter_by_email,
            commands::outbox,
            commands::retry_mail,
            commands::open_folder,
            commands::export_letter,
            commands::customer_view,
            commands::set_customer,
            commands::act_on_many,
            commands::note_on_many,
            commands::saved_views,
            commands::save_view,
            commands::delete_view,
            commands::retention_status,
            commands::set_retention_months,
            commands::apply_retention,
        ])
        .setup(|app| {
            let handle = app.handle().clone();
            std::thread::spawn(move || {
                loop {
                    std::thread::sleep(IDLE_CHECK);
                    // The UI notices at its next call (it polls `status`) and shows the unlock screen.
                    handle.state::<Session>().lock_if_idle();
                }
            });
            Ok(())
        })
}

/// Starts the desktop app on the database named by `PRIVACYDESK_DB` or in the data directory.
pub fn run() {
    if let Err(err) = privacydesk_core::process::harden() {
        eprintln!("PrivacyDesk could not start: {err}");
        std::process::exit(1);
    }
    let context = tauri::generate_context!();
    let session = Session::from_environment();
    if let Err(err) = builder::<tauri::Wry>(session).run(context) {
        eprintln!("PrivacyDesk could not start: {err}");
        std::process::exit(1);
    }
}
