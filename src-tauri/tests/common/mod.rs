//! The app on Tauri's mock runtime (no display), driven through its real IPC handler.
#![allow(dead_code)]

use std::time::Duration;

use privacydesk_app::Session;
use privacydesk_core::Agent;
use serde_json::Value;
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{MockRuntime, get_ipc_response};
use tauri::webview::InvokeRequest;
use tauri::{WebviewWindow, WebviewWindowBuilder};

pub struct App {
    pub app: tauri::App<MockRuntime>,
    pub window: WebviewWindow<MockRuntime>,
    pub dir: tempfile::TempDir,
}

pub fn app() -> App {
    let dir = tempfile::tempdir().expect("temp dir");
    let session = Session::new(
        dir.path().join("cases.db"),
        Agent::new("ipc-test").expect("agent"),
        Duration::from_secs(600),
    );
    let app = privacydesk_app::builder(session)
        .build(tauri::generate_context!())
        .expect("app builds on the mock runtime");
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("main window");
    App { app, window, dir }
}

impl App {
    pub fn call(&self, cmd: &str, args: Value) -> Result<Value, Value> {
        get_ipc_response(
            &self.window,
            InvokeRequest {
                cmd: cmd.into(),
                callback: CallbackFn(0),
                error: CallbackFn(1),
                // A remote-looking origin is refused on Linux; the app's own is tauri://localhost.
                url: "tauri://localhost".parse().expect("url"),
                body: InvokeBody::Json(args),
                headers: Default::default(),
                invoke_key: self.app.invoke_key().to_string(),
            },
        )
        .map(|body| body.deserialize::<Value>().expect("JSON body"))
    }

    pub fn ok(&self, cmd: &str, args: Value) -> Value {
        self.call(cmd, args)
            .unwrap_or_else(|e| panic!("{cmd} failed: {e}"))
    }

    pub fn err(&self, cmd: &str, args: Value) -> Value {
        match self.call(cmd, args) {
            Err(e) => e,
            Ok(v) => panic!("{cmd} should fail, gave {v}"),
        }
    }
}
