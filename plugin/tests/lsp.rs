//! `kubectl realip-lint lsp` as an editor speaks to it: the binary on pipes, JSON-RPC with
//! `Content-Length` framing; diagnostics at exact ranges in the negotiated encoding, the whole
//! workspace linked, edits re-linted, hover, code actions, the config file, bad input.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{BIN, Dir};
use serde_json::{Value, json};

const WAIT: Duration = Duration::from_secs(30);

struct Client {
    child: Child,
    stdin: ChildStdin,
    inbox: mpsc::Receiver<Value>,
    /// Notifications received and not yet looked at.
    pending: Vec<Value>,
    /// Requests from the server (answered with `null`).
    requests: Vec<Value>,
    /// Every message from the server, in order.
    seen: Vec<Value>,
    next_id: i64,
}

fn uri(p: &Path) -> String {
    format!("file://{}", p.display())
}

impl Client {
    /// Start the server and initialize it with `capabilities` on `root`.
    fn start(root: &Path, capabilities: &Value) -> (Self, Value) {
        Self::start_with(root, &json!({"processId": null, "rootUri": uri(root), "capabilities": capabilities}))
    }

    /// Start the server in `root` and initialize it with these params.
    fn start_with(root: &Path, params: &Value) -> (Self, Value) {
        let mut child = Command::new(BIN)
            .arg("lsp")
            .current_dir(root)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, inbox) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            loop {
                let mut length = None;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    let line = line.trim_end();
                    if line.is_empty() {
                        break;
                    }
                    if let Some(n) = line.strip_prefix("Content-Length: ") {
                        length = Some(n.parse::<usize>().unwrap());
                    }
                }
                let mut body = vec![0; length.expect("a Content-Length header")];
                reader.read_exact(&mut body).unwrap();
                if tx.send(serde_json::from_slice::<Value>(&body).unwrap()).is_err() {
                    return;
                }
            }
        });
        let mut client =
            Client { child, stdin, inbox, pending: Vec::new(), requests: Vec::new(), seen: Vec::new(), next_id: 1 };
        let result = client.request("initialize", params);
        client.notify("initialized", &json!({}));
        (client, result)
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: &Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// The next message; requests from the server are answered (with `null`) on the way.
    fn recv(&mut self, deadline: Instant) -> Value {
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self.inbox.recv_timeout(left).expect("no message from the server in time");
            self.seen.push(message.clone());
            if message.get("method").is_some() && message.get("id").is_some() {
                let id = message["id"].clone();
                self.send(&json!({"jsonrpc": "2.0", "id": id, "result": null}));
                self.requests.push(message);
                continue;
            }
            return message;
        }
    }

    /// The whole response to a request.
    fn call(&mut self, method: &str, params: &Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + WAIT;
        loop {
            let message = self.recv(deadline);
            if message["id"] == json!(id) {
                return message;
            }
            self.pending.push(message);
        }
    }

    fn request(&mut self, method: &str, params: &Value) -> Value {
        let response = self.call(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// The next notification `method` whose params satisfy `ok`; the earlier ones of that method
    /// are dropped, other notifications are kept for later.
    fn wait_for(&mut self, method: &str, ok: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + WAIT;
        let mut kept = Vec::new();
        let mut found = None;
        for m in std::mem::take(&mut self.pending) {
            if found.is_some() || m["method"] != method {
                kept.push(m);
            } else if ok(&m["params"]) {
                found = Some(m["params"].clone());
            }
        }
        self.pending = kept;
        if let Some(params) = found {
            return params;
        }
        loop {
            let message = self.recv(deadline);
            if message["method"] != method {
                self.pending.push(message);
            } else if ok(&message["params"]) {
                return message["params"].clone();
            }
        }
    }

    /// The next diagnostics published for `uri` that satisfy `ok`.
    fn diagnostics(&mut self, uri: &str, ok: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let params = self.wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri && ok(p["diagnostics"].as_array().map_or(&[][..], Vec::as_slice))
        });
        params["diagnostics"].as_array().unwrap().clone()
    }

    /// The next diagnostics published for version `version` of the open document `uri`.
    fn diagnostics_of(&mut self, uri: &str, version: i32, ok: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let params = self.wait_for("textDocument/publishDiagnostics", |p| {
            p["uri"] == uri && p["version"] == version && ok(p["diagnostics"].as_array().map_or(&[][..], Vec::as_slice))
        });
        params["diagnostics"].as_array().unwrap().clone()
    }

    /// Every notification that arrives within `d`, and none more.
    fn quiet_for(&mut self, d: Duration) -> Vec<Value> {
        let deadline = Instant::now() + d;
        let mut got = std::mem::take(&mut self.pending);
        while let Ok(m) = self.inbox.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            self.seen.push(m.clone());
            got.push(m);
        }
        got
    }

    fn open(&mut self, path: &Path, text: &str) {
        self.notify(
            "textDocument/didOpen",
            &json!({"textDocument": {"uri": uri(path), "languageId": "yaml", "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, path: &Path, version: i32, changes: &Value) {
        self.notify(
            "textDocument/didChange",
            &json!({"textDocument": {"uri": uri(path), "version": version}, "contentChanges": changes}),
        );
    }

    /// Shut down and exit; the exit code.
    fn stop(mut self) -> Option<i32> {
        self.request("shutdown", &Value::Null);
        self.notify("exit", &Value::Null);
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn utf16() -> Value {
    json!({"general": {"positionEncodings": ["utf-16"]}})
}

/// The protocol position of byte `offset` of `text`, counted in `unit`s (this file's own
/// arithmetic, to check the server's).
fn position(text: &str, offset: usize, unit: &str) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let rest = &text[start..offset];
    let character = match unit {
        "utf-8" => rest.len(),
        "utf-16" => rest.encode_utf16().count(),
        _ => rest.chars().count(),
    };
    json!({"line": line, "character": character})
}

fn range_of(text: &str, needle: &str, unit: &str) -> Value {
    let at = text.find(needle).unwrap_or_else(|| panic!("{needle:?} in {text:?}"));
    json!({"start": position(text, at, unit), "end": position(text, at + needle.len(), unit)})
}

/// Apply a `WorkspaceEdit`'s edits for one URI (UTF-16 positions) to `text`.
fn apply(text: &str, edit: &Value, uri: &str) -> String {
    let mut edits: Vec<Value> = Vec::new();
    if let Some(changes) = edit["documentChanges"].as_array() {
        for c in changes.iter().filter(|c| c["textDocument"]["uri"] == uri) {
            edits.extend(c["edits"].as_array().unwrap().iter().cloned());
        }
    } else if let Some(list) = edit["changes"][uri].as_array() {
        edits.extend(list.iter().cloned());
    }
    let offset = |p: &Value| {
        let (line, character) = (
            usize::try_from(p["line"].as_u64().unwrap()).unwrap(),
            usize::try_from(p["character"].as_u64().unwrap()).unwrap(),
        );
        let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
        let mut units = 0;
        for (i, c) in text[start..].char_indices() {
            if units >= character {
                return start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| (offset(&e["range"]["start"]), offset(&e["range"]["end"]), e["newText"].as_str().unwrap().to_owned()))
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_owned();
    for (a, b, new) in spans {
        out.replace_range(a..b, &new);
    }
    out
}

/// A mis-cased `local` (a safe fix) after non-ASCII text on its line: columns differ by encoding.
const MISCASED: &str = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec: {type: LoadBalancer, selector: {app: \"é😀\"}, externalTrafficPolicy: local}\n";
/// `Local` on a ClusterIP Service: an unsafe fix.
const INTERNAL: &str = "apiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec:\n  type: ClusterIP\n  externalTrafficPolicy: Local\n  selector: {app: b}\n";
const SVC: &str = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  type: LoadBalancer\n  externalTrafficPolicy: Local\n  selector: {app: web}\n  ports: [{port: 80}]\n";
const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: 3\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers: [{name: web, image: nginx}]\n";

fn rules(diagnostics: &[Value]) -> Vec<&str> {
    diagnostics.iter().map(|d| d["code"].as_str().unwrap()).collect()
}

#[test]
fn diagnostics_are_at_exact_ranges_in_the_negotiated_encoding() {
    for (capabilities, unit) in [
        (utf16(), "utf-16"),
        (json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}), "utf-8"),
        (json!({"general": {"positionEncodings": ["utf-32"]}}), "utf-32"),
        (json!({}), "utf-16"),
    ] {
        let dir = Dir::new("lsp-encoding");
        let file = dir.file("svc.yaml", MISCASED);
        let (mut client, init) = Client::start(dir.path(), &capabilities);
        assert_eq!(init["capabilities"]["positionEncoding"], unit, "{capabilities}");
        assert_eq!(init["serverInfo"]["name"], "realip-lint");
        // Published without opening the file: the workspace is linted.
        let found = client.diagnostics(&uri(&file), |d| !d.is_empty());
        let d = found.iter().find(|d| d["code"] == "external-traffic-policy-invalid-value").unwrap();
        assert_eq!(d["range"], range_of(MISCASED, "local", unit), "{unit}: {d}");
        assert_eq!(d["severity"], 1, "error");
        assert_eq!(d["source"], "realip-lint");
        assert_eq!(
            d["codeDescription"]["href"],
            "https://github.com/realip-lint/realip-lint/blob/main/docs/rules.md#external-traffic-policy-invalid-value"
        );
        assert_eq!(client.stop(), Some(0));
    }
}

#[test]
fn the_workspace_is_linked_and_related_places_cross_files() {
    let dir = Dir::new("lsp-workspace");
    let svc = dir.file("svc.yaml", SVC);
    let deploy = dir.file("apps/deploy.yaml", DEPLOY);
    // Ignored as by the command line: a .gitignore'd folder is not read.
    dir.file(".gitignore", "vendor/\n");
    dir.file("vendor/bad.yaml", MISCASED);
    let (mut client, _) = Client::start(dir.path(), &utf16());
    let found = client.diagnostics(&uri(&deploy), |d| !d.is_empty());
    assert_eq!(rules(&found), ["local-policy-without-spread"]);
    assert_eq!(found[0]["severity"], 2, "warning");
    assert_eq!(found[0]["range"], range_of(DEPLOY, "3", "utf-16"));
    let related = &found[0]["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], uri(&svc));
    assert_eq!(related["location"]["range"], range_of(SVC, "Local", "utf-16"));
    assert_eq!(related["message"], "only nodes with a local pod receive traffic");
    // Opening the Service and making it `Cluster` clears the Deployment's finding (another file).
    client.open(&svc, SVC);
    let at = range_of(SVC, "Local", "utf-16");
    client.change(&svc, 2, &json!([{"range": at, "text": "Cluster"}]));
    client.diagnostics(&uri(&deploy), <[Value]>::is_empty);
    // Cluster policy on an external Service is an info finding, on the open document's version.
    let params = client.wait_for("textDocument/publishDiagnostics", |p| p["uri"] == uri(&svc));
    assert_eq!(params["version"], 2);
    assert_eq!(rules(params["diagnostics"].as_array().unwrap()), ["external-service-cluster-policy"]);
    assert_eq!(params["diagnostics"][0]["severity"], 3, "information");
    // Closing the unsaved document: the file on disk counts again.
    client.notify("textDocument/didClose", &json!({"textDocument": {"uri": uri(&svc)}}));
    let found = client.diagnostics(&uri(&deploy), |d| !d.is_empty());
    assert_eq!(rules(&found), ["local-policy-without-spread"]);
    let all = client.quiet_for(Duration::from_millis(300));
    assert!(
        all.iter().chain(&client.pending).all(|m| !m["params"]["uri"].as_str().unwrap_or("").contains("vendor")),
        "{all:?}"
    );
    assert_eq!(client.stop(), Some(0));
}

#[test]
fn a_document_opened_through_a_link_is_the_file_it_leads_to() {
    let dir = Dir::new("lsp-link");
    dir.file("svc.yaml", MISCASED);
    let outside = Dir::new("lsp-link-outside");
    let link = outside.path().join("link");
    std::os::unix::fs::symlink(dir.path(), &link).unwrap();
    let (mut client, _) = Client::start(dir.path(), &utf16());
    let via_link = link.join("svc.yaml");
    client.open(&via_link, MISCASED);
    // Linted once, as the open document (not once more from disk, which would be a duplicate).
    let found = client.diagnostics_of(&uri(&via_link), 1, |d| !d.is_empty());
    assert_eq!(rules(&found), ["external-traffic-policy-invalid-value"]);
    let edited = MISCASED.replace("local", "Local");
    client.change(&via_link, 2, &json!([{"text": edited}]));
    client.diagnostics_of(&uri(&via_link), 2, <[Value]>::is_empty);
    let real = uri(&dir.path().join("svc.yaml"));
    let on_real: Vec<&Value> = client.seen.iter().filter(|m| m["params"]["uri"] == real).collect();
    assert!(on_real.is_empty(), "{on_real:?}");
    assert_eq!(client.stop(), Some(0));
}

#[test]
fn workspace_folders_are_linted_once_each_and_can_be_added() {
    let dir = Dir::new("lsp-folders");
    let svc = dir.file("sub/svc.yaml", SVC);
    let deploy = dir.file("apps/deploy.yaml", DEPLOY);
    let other = Dir::new("lsp-folders-other");
    let far = other.file("svc.yaml", MISCASED);
    // A folder inside another: its files are read once (twice, they would be duplicates).
    let folders = json!([{"uri": uri(dir.path()), "name": "a"}, {"uri": uri(&dir.path().join("sub")), "name": "b"}]);
    let params = json!({"processId": null, "rootUri": null, "workspaceFolders": folders, "capabilities": utf16()});
    let (mut client, _) = Client::start_with(dir.path(), &params);
    let found = client.diagnostics(&uri(&deploy), |d| !d.is_empty());
    assert_eq!(rules(&found), ["local-policy-without-spread"]);
    client.quiet_for(Duration::from_millis(300));
    assert!(client.seen.iter().all(|m| m["params"]["uri"] != uri(&svc)), "{:?}", client.seen);
    // A folder added: linted with the others.
    let added = json!({"event": {"added": [{"uri": uri(other.path()), "name": "c"}], "removed": []}});
    client.notify("workspace/didChangeWorkspaceFolders", &added);
    let found = client.diagnostics(&uri(&far), |d| !d.is_empty());
    assert_eq!(rules(&found), ["external-traffic-policy-invalid-value"]);
    assert_eq!(client.stop(), Some(0));
}

#[test]
fn typing_is_debounced_and_only_the_last_text_is_published() {
    let dir = Dir::new("lsp-debounce");
    let file = dir.file("svc.yaml", INTERNAL);
    let (mut client, _) = Client::start(dir.path(), &utf16());
    client.diagnostics(&uri(&file), |d| !d.is_empty());
    client.open(&file, INTERNAL);
    client.diagnostics_of(&uri(&file), 1, |d| !d.is_empty());
    // Five keystrokes, 20 ms apart: `ClusterIP` becomes `NodePort` letter by letter, each
    // intermediate a Service type the API server rejects.
    let at = range_of(INTERNAL, "ClusterIP", "utf-16");
    client.change(&file, 2, &json!([{"range": at, "text": ""}]));
    let start = at["start"].clone();
    for (version, (i, c)) in (3..).zip("NodePort".chars().enumerate()) {
        std::thread::sleep(Duration::from_millis(20));
        let p = json!({"line": start["line"], "character": start["character"].as_u64().unwrap() + i as u64});
        client.change(&file, version, &json!([{"range": {"start": p, "end": p}, "text": c.to_string()}]));
    }
    // A hover meanwhile says nothing about a text that changed since the last lint.
    let hover = client.request(
        "textDocument/hover",
        &json!({"textDocument": {"uri": uri(&file)}, "position": range_of(INTERNAL, "Local", "utf-16")["start"]}),
    );
    assert_eq!(hover, Value::Null);
    let got = client.quiet_for(Duration::from_millis(1500));
    let published: Vec<&Value> = got.iter().filter(|m| m["method"] == "textDocument/publishDiagnostics").collect();
    assert_eq!(published.len(), 1, "one publication, for the last version: {got:?}");
    assert_eq!(published[0]["params"]["version"], 10, "{got:?}");
    assert_eq!(published[0]["params"]["diagnostics"], json!([]), "NodePort takes externalTrafficPolicy");
    assert_eq!(client.stop(), Some(0));
}

#[test]
fn hover_shows_the_finding_its_fix_and_the_rules_manual() {
    let dir = Dir::new("lsp-hover");
    let file = dir.file("svc.yaml", MISCASED);
    let (mut client, _) = Client::start(dir.path(), &utf16());
    client.open(&file, MISCASED);
    client.diagnostics_of(&uri(&file), 1, |d| !d.is_empty());
    let inside = range_of(MISCASED, "ocal", "utf-16")["start"].clone();
    let hover = client.request("textDocument/hover", &json!({"textDocument": {"uri": uri(&file)}, "position": inside}));
    assert_eq!(hover["contents"]["kind"], "markdown");
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(text.starts_with("**external-traffic-policy-invalid-value** (error): "), "{text}");
    assert!(text.contains("Quick fix (safe): write `externalTrafficPolicy: Local`"), "{text}");
    // The manual, as `explain` prints it.
    let rule = realip_lint_core::registry::rule("external-traffic-policy-invalid-value").unwrap();
    assert!(text.ends_with(&realip_lint_core::emit::docs::explain(rule)), "{text}");
    assert_eq!(hover["range"], range_of(MISCASED, "local", "utf-16"));
    // Nothing to say elsewhere.
    let hover = client.request(
        "textDocument/hover",
        &json!({"textDocument": {"uri": uri(&file)}, "position": {"line": 0, "character": 2}}),
    );
    assert_eq!(hover, Value::Null);
    assert_eq!(client.stop(), Some(0));
}

fn code_actions(client: &mut Client, file: &Path, range: &Value, only: Option<&str>) -> Vec<Value> {
    let mut context = json!({"diagnostics": []});
    if let Some(kind) = only {
        context["only"] = json!([kind]);
    }
    let result = client.request(
        "textDocument/codeAction",
        &json!({"textDocument": {"uri": uri(file)}, "range": range, "context": context}),
    );
    result.as_array().unwrap().clone()
}

#[test]
fn code_actions_apply_the_fixes() {
    let dir = Dir::new("lsp-actions");
    let text = format!("{MISCASED}---\n{INTERNAL}");
    let file = dir.file("svc.yaml", &text);
    let (mut client, _) = Client::start(
        dir.path(),
        &json!({"general": {"positionEncodings": ["utf-16"]}, "workspace": {"workspaceEdit": {"documentChanges": true}}}),
    );
    client.open(&file, &text);
    client.diagnostics_of(&uri(&file), 1, |d| d.len() == 2);
    // The safe fix: preferred, one edit at the exact place, with the document's version.
    let on_local = range_of(&text, "local", "utf-16");
    let actions = code_actions(&mut client, &file, &on_local, Some("quickfix"));
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["title"], "write `externalTrafficPolicy: Local`");
    assert_eq!(actions[0]["kind"], "quickfix");
    assert_eq!(actions[0]["isPreferred"], true);
    assert_eq!(actions[0]["diagnostics"][0]["code"], "external-traffic-policy-invalid-value");
    let edit = &actions[0]["edit"];
    assert_eq!(edit["documentChanges"][0]["textDocument"]["version"], 1);
    assert_eq!(
        apply(&text, edit, &uri(&file)),
        text.replacen("externalTrafficPolicy: local", "externalTrafficPolicy: Local", 1)
    );
    // The unsafe fix: offered, not preferred, and said to change behaviour.
    let on_internal = range_of(&text, "Local\n", "utf-16");
    let actions = code_actions(&mut client, &file, &on_internal, None);
    let quick: Vec<&Value> = actions.iter().filter(|a| a["kind"] == "quickfix").collect();
    assert_eq!(quick.len(), 1, "{actions:?}");
    assert_eq!(quick[0]["title"], "remove `externalTrafficPolicy` (unsafe: changes behaviour on purpose)");
    assert_eq!(quick[0]["isPreferred"], false);
    assert_eq!(apply(&text, &quick[0]["edit"], &uri(&file)), text.replace("  externalTrafficPolicy: Local\n", ""));
    // Fix all: the safe fixes of the file, as `--fix` writes them; the unsafe one stays.
    let actions = code_actions(&mut client, &file, &on_local, Some("source.fixAll"));
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["kind"], "source.fixAll.realip-lint");
    assert_eq!(actions[0]["title"], "Fix all safe fixes in this file");
    let fixed = apply(&text, &actions[0]["edit"], &uri(&file));
    assert_eq!(fixed, text.replacen("externalTrafficPolicy: local", "externalTrafficPolicy: Local", 1));
    // Applied as the editor would: the finding goes.
    client.change(&file, 2, &json!([{"text": fixed}]));
    let after = client.diagnostics_of(&uri(&file), 2, |d| d.len() == 1);
    assert_eq!(rules(&after), ["external-traffic-policy-on-internal-service"]);
    // No action for a text that changed since the last lint, nor where there is no finding.
    client.change(&file, 3, &json!([{"text": text}]));
    assert!(code_actions(&mut client, &file, &on_local, None).is_empty(), "stale");
    client.diagnostics_of(&uri(&file), 3, |d| d.len() == 2);
    let top = json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 1}});
    assert!(code_actions(&mut client, &file, &top, Some("quickfix")).is_empty());
    // Without documentChanges support: plain `changes`.
    assert_eq!(client.stop(), Some(0));
    let (mut client, _) = Client::start(dir.path(), &utf16());
    client.open(&file, &text);
    client.diagnostics_of(&uri(&file), 1, |d| d.len() == 2);
    let actions = code_actions(&mut client, &file, &on_local, Some("quickfix"));
    assert!(actions[0]["edit"]["changes"][uri(&file)].is_array(), "{actions:?}");
    assert_eq!(client.stop(), Some(0));
    // A client that resolves code actions gets fix-all without its edit, and the edit when it
    // resolves the action (what Neovim and VS Code do when it is chosen).
    let resolving = json!({"textDocument": {"codeAction": {"resolveSupport": {"properties": ["edit"]}}}});
    let (mut client, _) = Client::start(dir.path(), &resolving);
    client.open(&file, &text);
    client.diagnostics_of(&uri(&file), 1, |d| d.len() == 2);
    let actions = code_actions(&mut client, &file, &on_local, Some("source"));
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert!(actions[0].get("edit").is_none(), "{actions:?}");
    let resolved = client.request("codeAction/resolve", &actions[0]);
    assert_eq!(resolved["title"], "Fix all safe fixes in this file");
    assert_eq!(apply(&text, &resolved["edit"], &uri(&file)), fixed);
    // Resolved after the document changed: no edit.
    client.change(&file, 2, &json!([{"text": fixed}]));
    let resolved = client.request("codeAction/resolve", &actions[0]);
    assert!(resolved.get("edit").is_none(), "{resolved}");
    assert_eq!(client.stop(), Some(0));
}

#[test]
fn a_fix_over_two_files_is_one_edit_and_a_suggestion_only_a_hover() {
    let dir = Dir::new("lsp-two-files");
    let cluster = SVC.replace("  externalTrafficPolicy: Local\n", "");
    let svc = dir.file("svc.yaml", &cluster);
    let deploy = dir.file("deploy.yaml", DEPLOY);
    let (mut client, _) = Client::start(dir.path(), &utf16());
    client.open(&svc, &cluster);
    let found = client.diagnostics_of(&uri(&svc), 1, |d| !d.is_empty());
    assert_eq!(rules(&found), ["external-service-cluster-policy"]);
    let range = found[0]["range"].clone();
    // Without `client-ip: required` the fix needs the user's judgement: shown, not offered.
    assert!(code_actions(&mut client, &svc, &range, None).is_empty());
    let hover =
        client.request("textDocument/hover", &json!({"textDocument": {"uri": uri(&svc)}, "position": range["start"]}));
    let text = hover["contents"]["value"].as_str().unwrap();
    assert!(
        text.contains("Suggested fix (review it; not applied as an edit): set `externalTrafficPolicy: Local`"),
        "{text}"
    );
    assert!(text.contains("- at deploy.yaml:10:46, insert:"), "{text}");
    // Required: the fix (unsafe) changes both files in one edit.
    let required = cluster
        .replace("metadata: {name: web}", "metadata: {name: web, annotations: {realip-lint.io/client-ip: required}}");
    client.change(&svc, 2, &json!([{"text": required}]));
    let found = client.diagnostics_of(&uri(&svc), 2, |d| !d.is_empty());
    let actions = code_actions(&mut client, &svc, &found[0]["range"], Some("quickfix"));
    assert_eq!(actions.len(), 1, "{actions:?}");
    let edit = &actions[0]["edit"];
    assert_eq!(edit["changes"].as_object().unwrap().len(), 2, "{edit}");
    assert!(apply(&required, edit, &uri(&svc)).contains("  externalTrafficPolicy: Local\n"));
    assert!(apply(DEPLOY, edit, &uri(&deploy)).contains("      topologySpreadConstraints:\n"));
    assert_eq!(client.stop(), Some(0));
}

#[test]
fn the_config_file_is_honoured_and_reloaded() {
    let dir = Dir::new("lsp-config");
    let file = dir.file("deploy/svc.yaml", MISCASED);
    let skipped = dir.file("vendor/svc.yaml", INTERNAL);
    let config = dir.file(
        ".realip-lint.yaml",
        "rules:\n  external-traffic-policy-invalid-value: warning\nexclude: [\"vendor/**\"]\n",
    );
    let watching = json!({"workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}});
    let (mut client, _) = Client::start(dir.path(), &watching);
    // An excluded file is not linted, open or not.
    client.open(&skipped, INTERNAL);
    let found = client.diagnostics(&uri(&file), |d| !d.is_empty());
    assert_eq!(found[0]["severity"], 2, "the config's level: {found:?}");
    client.quiet_for(Duration::from_millis(300));
    assert!(client.seen.iter().all(|m| m["params"]["uri"] != uri(&skipped)), "{:?}", client.seen);
    client.notify("textDocument/didClose", &json!({"textDocument": {"uri": uri(&skipped)}}));
    // The client is asked to watch the config file (and manifests changed on disk).
    let registration = &client.requests[0];
    assert_eq!(registration["method"], "client/registerCapability");
    let watchers = &registration["params"]["registrations"][0]["registerOptions"]["watchers"];
    assert!(watchers.to_string().contains("**/.realip-lint.{yaml,yml}"), "{watchers}");
    // Changed on disk and announced as a watched file: reloaded.
    std::fs::write(&config, "rules:\n  external-traffic-policy-invalid-value: off\n").unwrap();
    client.notify("workspace/didChangeWatchedFiles", &json!({"changes": [{"uri": uri(&config), "type": 2}]}));
    client.diagnostics(&uri(&file), |d| d.iter().all(|d| d["code"] != "external-traffic-policy-invalid-value"));
    // A bad config: an error at its place in the config file and a message; the findings are
    // withdrawn (the settings are not the user's), and nothing crashes.
    let bad = "rules:\n  external-traffic-policy-invalid-valu: off\n";
    std::fs::write(&config, bad).unwrap();
    client.notify("textDocument/didSave", &json!({"textDocument": {"uri": uri(&config)}}));
    let errors = client.diagnostics(&uri(&config), |d| !d.is_empty());
    assert_eq!(errors[0]["range"]["start"], position(bad, bad.find("external").unwrap(), "utf-16"), "{errors:?}");
    assert!(errors[0]["message"].as_str().unwrap().contains("did you mean `external-traffic-policy-invalid-value`"));
    let message = client.wait_for("window/showMessage", |_| true);
    assert_eq!(message["type"], 1, "an error: {message}");
    assert!(message["message"].as_str().unwrap().contains(".realip-lint.yaml has 1 error"), "{message}");
    // Not valid YAML at all.
    std::fs::write(&config, "rules: [\n").unwrap();
    client.notify("textDocument/didSave", &json!({"textDocument": {"uri": uri(&config)}}));
    client.diagnostics(&uri(&config), |d| d.len() == 1 && d[0]["range"]["start"]["line"] != 1);
    // Edited in the editor: the open buffer counts; fixed, the errors go and the findings come back.
    client.open(&config, "rules: {}\n");
    client.diagnostics(&uri(&config), <[Value]>::is_empty);
    let found = client.diagnostics(&uri(&file), |d| !d.is_empty());
    assert_eq!(found[0]["severity"], 1);
    // A manifest written on disk (a `git checkout`) and announced: linted with the rest.
    let new = dir.file("deploy/internal.yaml", INTERNAL);
    client.notify("workspace/didChangeWatchedFiles", &json!({"changes": [{"uri": uri(&new), "type": 1}]}));
    let found = client.diagnostics(&uri(&new), |d| !d.is_empty());
    assert_eq!(rules(&found), ["external-traffic-policy-on-internal-service"]);
    assert_eq!(client.stop(), Some(0));
}

#[test]
fn bad_input_gets_answers_never_a_crash() {
    let dir = Dir::new("lsp-bad");
    let (mut client, _) = Client::start(dir.path(), &utf16());
    let broken = dir.path().join("broken.yaml");
    // Not YAML, binary, and a document open outside the workspace.
    client.open(&broken, "apiVersion: v1\nkind: Service\nmetadata: {name: [\n");
    let found = client.diagnostics(&uri(&broken), |d| !d.is_empty());
    assert_eq!(rules(&found), ["invalid-manifest"]);
    let outside = Dir::new("lsp-outside");
    let far = outside.path().join("far.yaml");
    client.open(&far, MISCASED);
    client.diagnostics(&uri(&far), |d| !d.is_empty());
    client.open(&dir.path().join("nul.yaml"), "\0\0\0\u{1}");
    client.open(&dir.path().join("big.yaml"), &format!("a: {}\n", "é".repeat(10_000)));
    // A change past the end of the text, a hover past the end, a position in a surrogate pair.
    client.change(
        &broken,
        2,
        &json!([{"range": {"start": {"line": 99, "character": 0}, "end": {"line": 99, "character": 5}}, "text": "x"}]),
    );
    let hover = client.request(
        "textDocument/hover",
        &json!({"textDocument": {"uri": uri(&broken)}, "position": {"line": 1000, "character": 1000}}),
    );
    assert_eq!(hover, Value::Null);
    // Bad params and unknown methods: error responses, and the server goes on.
    let response = client.call("textDocument/hover", &json!({"nonsense": true}));
    assert_eq!(response["error"]["code"], -32602, "{response}");
    let response = client.call("textDocument/definition", &json!({}));
    assert_eq!(response["error"]["code"], -32601, "{response}");
    client.notify("textDocument/didChange", &json!({"what": 1}));
    client.notify(
        "textDocument/didOpen",
        &json!({"textDocument": {"uri": "untitled:Untitled-1", "languageId": "yaml", "version": 1, "text": MISCASED}}),
    );
    client.diagnostics("untitled:Untitled-1", |d| !d.is_empty());
    let actions = client.request("textDocument/codeAction", &json!({"textDocument": {"uri": "file:///nowhere.yaml"}, "range": {"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}}, "context": {"diagnostics": []}}),
    );
    assert_eq!(actions, json!([]));
    assert_eq!(client.stop(), Some(0));
}

#[test]
fn the_subcommand_is_listed_and_takes_stdio() {
    let out = Command::new(BIN).arg("--help").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("lsp"));
    // `--stdio` (what VS Code's client libraries pass) is accepted; an exit without shutdown is an error.
    let mut child =
        Command::new(BIN).args(["lsp", "--stdio"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for message in [
        json!({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}}),
        json!({"jsonrpc": "2.0", "method": "initialized", "params": {}}),
        json!({"jsonrpc": "2.0", "method": "exit"}),
    ] {
        let body = message.to_string();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
}
