//! `kubectl realip-lint lsp`: a language server on standard input and output.
//!
//! The main thread answers the editor and never lints: the workspace is linted on a worker
//! thread, 200 ms after the last change (at once after an open, a close or a save of the config
//! file), with the open documents in place of the files on disk. A result made before a later
//! change is dropped; the current one is published for every file that has diagnostics, and
//! clears the files that had some. Hovers and code actions read the last result, and only for
//! documents it is current for. See docs/decisions.md.

mod convert;
pub mod position;
pub mod uri;
mod workspace;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock, mpsc};
use std::time::{Duration, Instant};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use realip_lint_core::config::FILE_NAMES;
use realip_lint_core::fix::Applicability;
use serde_json::{Value, json};

use convert::Now;
use position::{Encoding, apply_change};
use workspace::{Job, Open, Snapshot};

/// The params of a request, or the error response for bad ones.
macro_rules! params {
    ($req:expr, $t:ty) => {
        serde_json::from_value::<$t>($req.params)
            .map_err(|e| Response::new_err($req.id, ErrorCode::InvalidParams as i32, format!("invalid params: {e}")))
    };
}

/// How long after the last keystroke the workspace is linted.
const DEBOUNCE: Duration = Duration::from_millis(200);

/// The kind of the "fix all" source action.
const FIX_ALL: &str = "source.fixAll.realip-lint";

/// Run the server until the editor says `exit` (or closes the pipe).
pub fn run() -> std::process::ExitCode {
    let (connection, io_threads) = Connection::stdio();
    let code = match serve(connection) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("realip-lint lsp: {e}");
            1
        }
    };
    // The reader and writer threads end with the connection.
    if let Err(e) = io_threads.join() {
        eprintln!("realip-lint lsp: {e}");
        return std::process::ExitCode::from(1);
    }
    std::process::ExitCode::from(code)
}

/// What the client said in `initialize` that the server uses.
struct Init {
    encoding: Encoding,
    roots: Vec<PathBuf>,
    /// Edits as `documentChanges` (with versions), not `changes`.
    document_changes: bool,
    /// File watchers can be registered (for the config file and files changed on disk).
    watch: bool,
    /// A code action's edit can be computed when it is chosen (`codeAction/resolve`).
    resolve: bool,
}

impl Init {
    /// Read leniently: a field of an unexpected shape is taken as absent.
    fn read(params: &Value) -> Self {
        let caps = &params["capabilities"];
        let offered: Option<Vec<lsp::PositionEncodingKind>> =
            serde_json::from_value(caps["general"]["positionEncodings"].clone()).ok();
        let mut roots: Vec<PathBuf> = params["workspaceFolders"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|f| f["uri"].as_str().and_then(uri::to_path))
            .collect();
        if roots.is_empty() {
            let root = params["rootUri"].as_str().and_then(uri::to_path);
            roots.extend(root.or_else(|| params["rootPath"].as_str().map(PathBuf::from)));
        }
        Self {
            encoding: Encoding::negotiate(offered.as_deref()),
            roots,
            document_changes: caps["workspace"]["workspaceEdit"]["documentChanges"].as_bool() == Some(true),
            watch: caps["workspace"]["didChangeWatchedFiles"]["dynamicRegistration"].as_bool() == Some(true),
            resolve: caps["textDocument"]["codeAction"]["resolveSupport"]["properties"]
                .as_array()
                .is_some_and(|p| p.iter().any(|p| p == "edit")),
        }
    }
}

fn capabilities(encoding: Encoding) -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        position_encoding: Some(encoding.kind()),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(lsp::TextDocumentSyncOptions {
            open_close: Some(true),
            change: Some(lsp::TextDocumentSyncKind::INCREMENTAL),
            save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
            ..lsp::TextDocumentSyncOptions::default()
        })),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(lsp::CodeActionOptions {
            code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX, lsp::CodeActionKind::new(FIX_ALL)]),
            resolve_provider: Some(true),
            ..lsp::CodeActionOptions::default()
        })),
        workspace: Some(lsp::WorkspaceServerCapabilities {
            workspace_folders: Some(lsp::WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(lsp::OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..lsp::ServerCapabilities::default()
    }
}

enum Event {
    Client(Message),
    Linted(Box<Snapshot>),
    /// The editor closed the connection.
    Disconnected,
}

fn serve(connection: Connection) -> Result<(), String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let init = Init::read(&params);
    let result = lsp::InitializeResult {
        capabilities: capabilities(init.encoding),
        server_info: Some(lsp::ServerInfo {
            name: "realip-lint".to_owned(),
            version: Some(env!("CARGO_PKG_VERSION").to_owned()),
        }),
    };
    let result = serde_json::to_value(result).map_err(|e| e.to_string())?;
    connection.initialize_finish(id, result).map_err(|e| e.to_string())?;

    let (events, inbox) = mpsc::channel();
    let receiver = connection.receiver.clone();
    let to_main = events.clone();
    std::thread::spawn(move || {
        for message in receiver {
            if to_main.send(Event::Client(message)).is_err() {
                return;
            }
        }
        let _ = to_main.send(Event::Disconnected);
    });
    let (jobs, job_inbox) = mpsc::channel::<Job>();
    std::thread::spawn(move || {
        while let Ok(mut job) = job_inbox.recv() {
            // Only the latest job matters: the ones queued behind it are already stale.
            while let Ok(newer) = job_inbox.try_recv() {
                job = newer;
            }
            if events.send(Event::Linted(Box::new(workspace::lint(&job)))).is_err() {
                return;
            }
        }
    });
    let mut server = Server::new(connection, &init, jobs);
    if init.watch {
        server.watch_files();
    }
    // Clients open their documents right after `initialized`: they come in the first lint.
    server.schedule(DEBOUNCE);
    loop {
        let event = match server.deadline {
            Some(at) => match inbox.recv_timeout(at.saturating_duration_since(Instant::now())) {
                Ok(e) => Some(e),
                Err(mpsc::RecvTimeoutError::Timeout) => None,
                Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(()),
            },
            None => Some(inbox.recv().map_err(|_| "the message channel closed".to_owned())?),
        };
        let go_on = match event {
            Some(Event::Client(message)) => server.handle(message),
            Some(Event::Linted(snapshot)) => {
                server.linted(*snapshot);
                true
            }
            Some(Event::Disconnected) if server.shutdown => return Ok(()),
            Some(Event::Disconnected) => return Err("the editor closed the connection".to_owned()),
            None => true,
        };
        if !go_on {
            return if server.shutdown { Ok(()) } else { Err("exit without shutdown".to_owned()) };
        }
        // Also when messages keep coming: a stream of them must not starve the lint.
        if server.deadline.is_some_and(|at| at <= Instant::now()) {
            server.deadline = None;
            server.start_lint();
        }
    }
}

struct Server {
    conn: Connection,
    encoding: Encoding,
    document_changes: bool,
    roots: Vec<PathBuf>,
    /// The open documents, by URI.
    docs: BTreeMap<String, Open>,
    /// Bumped by every change: a result of an older generation is stale.
    generation: u64,
    /// When to lint next.
    deadline: Option<Instant>,
    jobs: mpsc::Sender<Job>,
    latest: Option<Arc<Snapshot>>,
    /// What was last published, by URI (files without diagnostics are left out).
    published: HashMap<String, Vec<lsp::Diagnostic>>,
    /// Documents opened since: published at the next lint even when nothing changed.
    republish: BTreeSet<String>,
    /// Messages already shown (each once).
    shown: BTreeSet<String>,
    /// The config file's message while it has errors.
    config_message: Option<String>,
    shutdown: bool,
    threads: usize,
    /// The client resolves code actions.
    resolve: bool,
    /// The fix-all results of the last lint, by source, each computed once.
    fixed: Mutex<HashMap<usize, FixAll>>,
}

/// The new texts of the files a fix-all changes, by source index, once computed.
type FixAll = Arc<OnceLock<Vec<(usize, String)>>>;

impl Server {
    fn new(conn: Connection, init: &Init, jobs: mpsc::Sender<Job>) -> Self {
        Server {
            conn,
            encoding: init.encoding,
            document_changes: init.document_changes,
            roots: init.roots.clone(),
            docs: BTreeMap::new(),
            generation: 0,
            deadline: None,
            jobs,
            latest: None,
            published: HashMap::new(),
            republish: BTreeSet::new(),
            shown: BTreeSet::new(),
            config_message: None,
            shutdown: false,
            threads: crate::parallel::default_threads(),
            resolve: init.resolve,
            fixed: Mutex::new(HashMap::new()),
        }
    }

    fn send(&self, message: impl Into<Message>) {
        // Fails only when the editor is gone, and then the loop ends anyway.
        let _ = self.conn.sender.send(message.into());
    }

    fn notify(&self, method: &str, params: Value) {
        self.send(Notification::new(method.to_owned(), params));
    }

    fn show(&self, typ: lsp::MessageType, message: String) {
        self.notify("window/showMessage", json!(lsp::ShowMessageParams { typ, message }));
    }

    /// Lint after `delay` (a later change pushes it back).
    fn schedule(&mut self, delay: Duration) {
        self.generation += 1;
        self.deadline = Some(Instant::now() + delay);
    }

    fn start_lint(&self) {
        let config_start = self
            .roots
            .first()
            .cloned()
            .or_else(|| self.docs.values().find_map(|d| Some(d.path.as_ref()?.parent()?.to_path_buf())));
        // A folder inside another is walked with it, not twice.
        let roots: Vec<PathBuf> =
            self.roots.iter().filter(|r| !self.roots.iter().any(|o| o != *r && r.starts_with(o))).cloned().collect();
        let job = Job {
            generation: self.generation,
            roots,
            config_start,
            open: self.docs.values().cloned().collect(),
            threads: self.threads,
        };
        let _ = self.jobs.send(job);
    }

    /// Handle one message; false when the server is to exit.
    fn handle(&mut self, message: Message) -> bool {
        match message {
            Message::Request(req) => self.request(req),
            Message::Notification(n) => return self.notification(n),
            Message::Response(_) => {}
        }
        true
    }

    fn request(&mut self, req: Request) {
        if self.shutdown {
            self.send(Response::new_err(req.id, ErrorCode::InvalidRequest as i32, "shutting down".to_owned()));
            return;
        }
        let id = req.id.clone();
        let method = req.method.clone();
        let result = match method.as_str() {
            "shutdown" => {
                self.shutdown = true;
                Ok(Some(Value::Null))
            }
            "textDocument/hover" => params!(req, lsp::HoverParams).map(|p| Some(self.hover(&p))),
            "textDocument/codeAction" => params!(req, lsp::CodeActionParams).map(|p| self.code_action(id.clone(), &p)),
            "codeAction/resolve" => params!(req, lsp::CodeAction).map(|a| self.resolve(id.clone(), a)),
            method => Err(Response::new_err(
                req.id,
                ErrorCode::MethodNotFound as i32,
                format!("realip-lint does not answer {method}"),
            )),
        };
        match result {
            Ok(Some(value)) => self.send(Response::new_ok(id, value)),
            // Answered later, from another thread.
            Ok(None) => {}
            Err(response) => self.send(response),
        }
    }

    fn notification(&mut self, n: Notification) -> bool {
        match n.method.as_str() {
            "exit" => return false,
            "textDocument/didOpen" => {
                if let Ok(p) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(n.params) {
                    let uri = p.text_document.uri.as_str().to_owned();
                    // Published again with the document's version, whatever the client kept.
                    self.republish.insert(uri.clone());
                    let path = uri::to_path(&uri);
                    let doc =
                        Open { uri: uri.clone(), path, text: p.text_document.text, version: p.text_document.version };
                    self.docs.insert(uri, doc);
                    self.schedule(Duration::ZERO);
                }
            }
            "textDocument/didChange" => {
                if let Ok(p) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(n.params)
                    && let Some(doc) = self.docs.get_mut(p.text_document.uri.as_str())
                {
                    for change in p.content_changes {
                        apply_change(&mut doc.text, change.range, &change.text, self.encoding);
                    }
                    doc.version = p.text_document.version;
                    self.schedule(DEBOUNCE);
                }
            }
            "textDocument/didClose" => {
                if let Ok(p) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(n.params) {
                    // The file on disk is linted again in its place (it stays in the workspace).
                    self.docs.remove(p.text_document.uri.as_str());
                    self.republish.remove(p.text_document.uri.as_str());
                    self.schedule(Duration::ZERO);
                }
            }
            "textDocument/didSave" => {
                if let Ok(p) = serde_json::from_value::<lsp::DidSaveTextDocumentParams>(n.params)
                    && is_config(p.text_document.uri.as_str())
                {
                    self.schedule(Duration::ZERO);
                }
            }
            "workspace/didChangeWatchedFiles" => {
                if let Ok(p) = serde_json::from_value::<lsp::DidChangeWatchedFilesParams>(n.params) {
                    // What is open is linted as the editor holds it: only other changes matter.
                    if p.changes.iter().any(|c| is_config(c.uri.as_str()) || !self.docs.contains_key(c.uri.as_str())) {
                        self.schedule(DEBOUNCE);
                    }
                }
            }
            "workspace/didChangeWorkspaceFolders" => {
                if let Ok(p) = serde_json::from_value::<lsp::DidChangeWorkspaceFoldersParams>(n.params) {
                    let removed: Vec<PathBuf> =
                        p.event.removed.iter().filter_map(|f| uri::to_path(f.uri.as_str())).collect();
                    self.roots.retain(|r| !removed.contains(r));
                    for added in p.event.added.iter().filter_map(|f| uri::to_path(f.uri.as_str())) {
                        if !self.roots.contains(&added) {
                            self.roots.push(added);
                        }
                    }
                    self.schedule(Duration::ZERO);
                }
            }
            _ => {}
        }
        true
    }

    /// Ask the client to tell about manifests and config files changed on disk.
    fn watch_files(&self) {
        let watchers: Vec<Value> = ["**/*.{yaml,yml,json}", "**/.realip-lint.{yaml,yml}"]
            .iter()
            .map(|g| json!({ "globPattern": g }))
            .collect();
        let params = json!({ "registrations": [{
            "id": "realip-lint-files",
            "method": "workspace/didChangeWatchedFiles",
            "registerOptions": { "watchers": watchers },
        }]});
        self.send(Request::new(
            RequestId::from("realip-lint-watch".to_owned()),
            "client/registerCapability".to_owned(),
            params,
        ));
    }

    fn linted(&mut self, snapshot: Snapshot) {
        if snapshot.generation != self.generation {
            return;
        }
        self.publish(&snapshot);
        for note in &snapshot.notes {
            if self.shown.insert(note.clone()) {
                self.show(lsp::MessageType::WARNING, format!("realip-lint: {note}"));
            }
        }
        self.latest = Some(Arc::new(snapshot));
        self.fixed.lock().unwrap_or_else(std::sync::PoisonError::into_inner).clear();
    }

    fn publish(&mut self, snapshot: &Snapshot) {
        let mut next: BTreeMap<String, (Option<i32>, Vec<lsp::Diagnostic>)> = BTreeMap::new();
        if let Some(report) = &snapshot.report {
            for d in report.diagnostics.iter().filter(|d| d.source < snapshot.files.len()) {
                let file = &snapshot.files[d.source];
                let entry = next.entry(file.uri.clone()).or_insert_with(|| (file.version, Vec::new()));
                entry.1.push(convert::diagnostic(snapshot, d, self.encoding));
            }
        }
        let mut config_message = None;
        if let Some(config) = snapshot.config.as_ref().filter(|c| !c.errors.is_empty()) {
            let entry = next.entry(config.uri.clone()).or_insert_with(|| (config.version, Vec::new()));
            entry.1.extend(convert::config_diagnostics(config, self.encoding));
            let path = uri::to_path(&config.uri).map_or_else(|| config.uri.clone(), |p| p.display().to_string());
            config_message = Some(format!(
                "realip-lint: {path} has {}: nothing is linted until it is fixed (first: {})",
                realip_lint_core::diagnostic::count(config.errors.len(), "error", "errors"),
                config.errors[0].message
            ));
        }
        if config_message != self.config_message {
            if let Some(m) = &config_message {
                self.show(lsp::MessageType::ERROR, m.clone());
            }
            self.config_message = config_message;
        }
        // A file cleared is published with the version linted too.
        let versions: HashMap<&str, i32> = snapshot
            .files
            .iter()
            .filter_map(|f| Some((f.uri.as_str(), f.version?)))
            .chain(snapshot.config.as_ref().and_then(|c| Some((c.uri.as_str(), c.version?))))
            .collect();
        // An opened document is published once linted, even without findings (not when it is
        // not linted: excluded by the config).
        let opened = self.republish.iter().filter(|u| versions.contains_key(u.as_str()));
        let uris: BTreeSet<String> = next.keys().chain(self.published.keys()).chain(opened).cloned().collect();
        for uri in uris {
            let (version, diagnostics) =
                next.remove(&uri).unwrap_or_else(|| (versions.get(uri.as_str()).copied(), Vec::new()));
            if !self.republish.contains(&uri) && self.published.get(&uri).is_some_and(|old| *old == diagnostics) {
                continue;
            }
            let Ok(lsp_uri) = uri.parse::<lsp::Uri>() else { continue };
            self.notify(
                "textDocument/publishDiagnostics",
                json!(lsp::PublishDiagnosticsParams { uri: lsp_uri, diagnostics: diagnostics.clone(), version }),
            );
            self.republish.remove(&uri);
            if diagnostics.is_empty() {
                self.published.remove(&uri);
            } else {
                self.published.insert(uri, diagnostics);
            }
        }
    }

    /// What the editor holds now of source `i` of the last result: the text linted (open, at
    /// its current version, or not open and read from disk), or something else.
    fn now(&self, snapshot: &Snapshot, i: usize) -> Now {
        let file = &snapshot.files[i];
        match self.docs.get(&file.uri) {
            Some(doc) if doc.text == snapshot.sources[i].text => Now::Open(doc.version),
            None if file.version.is_none() => Now::Disk,
            _ => Now::Stale,
        }
    }

    /// The last result and the source of this document, when the result is current for it.
    fn current(&self, uri: &str) -> Option<(Arc<Snapshot>, usize)> {
        let snapshot = self.latest.clone()?;
        let i = snapshot.source_of(uri)?;
        (self.now(&snapshot, i) != Now::Stale).then_some((snapshot, i))
    }

    fn hover(&self, p: &lsp::HoverParams) -> Value {
        let at = &p.text_document_position_params;
        let Some((snapshot, i)) = self.current(at.text_document.uri.as_str()) else { return Value::Null };
        let Some(report) = &snapshot.report else { return Value::Null };
        let offset = snapshot.files[i].lines.offset(&snapshot.sources[i].text, at.position, self.encoding);
        let found: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.source == i && d.start.offset <= offset && offset <= d.end.offset)
            .collect();
        let Some(first) = found.first() else { return Value::Null };
        let markdown: Vec<String> = found.iter().map(|d| convert::hover_markdown(d, &snapshot)).collect();
        let hover = lsp::Hover {
            contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: markdown.join("\n\n---\n\n"),
            }),
            range: Some(convert::range(&snapshot, i, first.start.offset, first.end.offset, self.encoding)),
        };
        serde_json::to_value(hover).unwrap_or(Value::Null)
    }

    /// The quick fixes of the findings in the range, and "fix all" for the file; the latter is
    /// computed on its own thread (it lints again), which then answers.
    fn code_action(&self, id: RequestId, p: &lsp::CodeActionParams) -> Option<Value> {
        let wants = |kind: &str| {
            p.context.only.as_ref().is_none_or(|only| {
                only.iter()
                    .any(|k| kind == k.as_str() || kind.strip_prefix(k.as_str()).is_some_and(|r| r.starts_with('.')))
            })
        };
        let empty = Some(json!([]));
        let Some((snapshot, i)) = self.current(p.text_document.uri.as_str()) else { return empty };
        let Some(report) = &snapshot.report else { return empty };
        let now: Vec<Now> = (0..snapshot.files.len()).map(|f| self.now(&snapshot, f)).collect();
        let text = &snapshot.sources[i].text;
        let lines = &snapshot.files[i].lines;
        let from = lines.offset(text, p.range.start, self.encoding);
        let to = lines.offset(text, p.range.end, self.encoding);
        let mut actions = Vec::new();
        let client = convert::Client { encoding: self.encoding, document_changes: self.document_changes };
        if wants(lsp::CodeActionKind::QUICKFIX.as_str()) {
            actions = convert::quick_fixes(&snapshot, i, (from, to), &now, client);
        }
        let in_file = report.diagnostics.iter().filter(|d| d.source == i);
        let any_safe = in_file.clone().any(|d| d.fix.as_ref().is_some_and(|f| f.applicability == Applicability::Safe));
        if !(any_safe && wants(FIX_ALL)) {
            return Some(serde_json::to_value(actions).unwrap_or_else(|_| json!([])));
        }
        let action = lsp::CodeAction {
            title: "Fix all safe fixes in this file".to_owned(),
            kind: Some(lsp::CodeActionKind::new(FIX_ALL)),
            data: Some(json!({ "uri": p.text_document.uri.as_str() })),
            ..lsp::CodeAction::default()
        };
        if self.resolve {
            // Computed when chosen (`codeAction/resolve`): a client asks for code actions at
            // every move of the cursor.
            actions.push(action);
            return Some(serde_json::to_value(actions).unwrap_or_else(|_| json!([])));
        }
        self.fix_all(id, &snapshot, i, now, move |edit| {
            actions.extend(edit.map(|edit| lsp::CodeAction { edit: Some(edit), ..action }));
            serde_json::to_value(actions).unwrap_or_else(|_| json!([]))
        });
        None
    }

    /// `codeAction/resolve` of the fix-all action: its edit, when the document is as linted.
    fn resolve(&self, id: RequestId, action: lsp::CodeAction) -> Option<Value> {
        let uri = action.data.as_ref().and_then(|d| d["uri"].as_str()).map(str::to_owned);
        let current = uri.as_deref().and_then(|u| self.current(u));
        let Some((snapshot, i)) = current.filter(|_| action.kind.as_ref().is_some_and(|k| k.as_str() == FIX_ALL))
        else {
            return Some(serde_json::to_value(action).unwrap_or(Value::Null));
        };
        let now: Vec<Now> = (0..snapshot.files.len()).map(|f| self.now(&snapshot, f)).collect();
        self.fix_all(id, &snapshot, i, now, move |edit| {
            serde_json::to_value(lsp::CodeAction { edit, ..action }).unwrap_or(Value::Null)
        });
        None
    }

    /// On a thread of its own (it lints again, up to `run::MAX_PASSES` times): the edit that
    /// applies the safe fixes of source `i` as `--fix` would, then `answer` with it. Computed
    /// once per result and file, however many requests ask.
    fn fix_all(
        &self,
        id: RequestId,
        snapshot: &Arc<Snapshot>,
        i: usize,
        now: Vec<Now>,
        answer: impl FnOnce(Option<lsp::WorkspaceEdit>) -> Value + Send + 'static,
    ) {
        let client = convert::Client { encoding: self.encoding, document_changes: self.document_changes };
        let (sender, threads, snapshot) = (self.conn.sender.clone(), self.threads, Arc::clone(snapshot));
        let cell = {
            let mut cache = self.fixed.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            Arc::clone(cache.entry(i).or_default())
        };
        std::thread::spawn(move || {
            // A panic in the fixes is no answer at all: the request must still be answered.
            let changed = cell.get_or_init(|| {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| workspace::fix_file(&snapshot, i, threads)))
                    .unwrap_or_default()
            });
            let mut edit = None;
            if !changed.is_empty() && changed.iter().all(|(f, _)| now[*f] != Now::Stale) {
                let edits: Vec<_> = changed
                    .iter()
                    .map(|(f, new)| {
                        let (span, text) = convert::minimal_edit(&snapshot.sources[*f].text, new);
                        (*f, span, text)
                    })
                    .collect();
                edit = convert::workspace_edit(&snapshot, &edits, &now, client);
            }
            let _ = sender.send(Response::new_ok(id, answer(edit)).into());
        });
    }
}

/// Is this URI a config file (by its name)?
fn is_config(uri: &str) -> bool {
    uri::to_path(uri).and_then(|p| p.file_name().map(|n| FILE_NAMES.iter().any(|f| n == *f))).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A server on an in-memory connection; the other end, and the jobs it hands out.
    fn server() -> (Server, Connection, mpsc::Receiver<Job>) {
        let (ours, theirs) = Connection::memory();
        let (jobs, job_inbox) = mpsc::channel();
        let init = Init::read(&json!({"rootUri": null, "capabilities": {}}));
        (Server::new(ours, &init, jobs), theirs, job_inbox)
    }

    fn open(server: &mut Server, uri: &str, text: &str, version: i32) {
        let params = json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": version, "text": text}});
        server.handle(Message::Notification(Notification::new("textDocument/didOpen".to_owned(), params)));
    }

    const MISCASED: &str = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {type: LoadBalancer, externalTrafficPolicy: local}\n";

    #[test]
    fn a_result_made_before_a_later_change_is_dropped() {
        let (mut server, client, jobs) = server();
        open(&mut server, "file:///w/a.yaml", MISCASED, 1);
        server.start_lint();
        let first = workspace::lint(&jobs.try_recv().unwrap());
        // The user types before the first result is in: it is stale.
        let change =
            json!({"textDocument": {"uri": "file:///w/a.yaml", "version": 2}, "contentChanges": [{"text": "a: 1\n"}]});
        server.handle(Message::Notification(Notification::new("textDocument/didChange".to_owned(), change)));
        server.linted(first);
        assert!(client.receiver.try_recv().is_err(), "nothing published for a stale result");
        assert!(server.latest.is_none());
        server.start_lint();
        let second = workspace::lint(&jobs.try_recv().unwrap());
        server.linted(second);
        assert!(server.latest.is_some());
        // The document had no diagnostics published: none to clear, and it is published once
        // with its version since it was opened.
        let Ok(Message::Notification(n)) = client.receiver.try_recv() else { panic!("a publication") };
        assert_eq!(n.params["version"], 2);
        assert_eq!(n.params["diagnostics"], json!([]));
    }
}
