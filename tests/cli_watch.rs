//! `console-tls check --watch`: a report at start, then one per change of
//! the files, until the process is killed.

mod common;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use common::pki::Ca;

/// Every wait is bounded by this; nothing asserts how long anything took.
const WAIT: Duration = Duration::from_secs(30);

struct Watching {
    child: Child,
    lines: Receiver<String>,
}

impl Watching {
    fn start(dir: &Path, extra: &[&str]) -> Watching {
        let mut child = Command::new(env!("CARGO_BIN_EXE_console-tls"))
            .args(["check", "--watch", "--interval-ms", "10"])
            .args(extra)
            .env_clear()
            .env("SERVER_SSL_ENABLED", "true")
            .env("SERVER_SSL_CERTIFICATE", dir.join("tls.crt"))
            .env(
                "SERVER_SSL_CERTIFICATE_PRIVATE_KEY",
                format!("file:{}", dir.join("tls.key").display()),
            )
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary runs");
        // A reader thread, so that the test waits for lines with a deadline.
        let stdout = child.stdout.take().unwrap();
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        Watching { child, lines }
    }

    fn line(&self, waiting_for: &str) -> String {
        self.lines
            .recv_timeout(WAIT)
            .unwrap_or_else(|_| panic!("no output line while waiting for {waiting_for}"))
    }

    /// The next JSON report (one per line).
    fn json(&self, waiting_for: &str) -> serde_json::Value {
        serde_json::from_str(&self.line(waiting_for)).expect("each line is a JSON report")
    }

    /// The lines of the next text report, from its `== report N` line to its summary line.
    fn text_report(&self, waiting_for: &str) -> Vec<String> {
        let mut lines = vec![self.line(waiting_for)];
        while !(lines.last().unwrap().starts_with("OK (")
            || lines.last().unwrap().contains("problem(s)"))
        {
            lines.push(self.line(waiting_for));
        }
        lines
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serial(report: &serde_json::Value) -> &str {
    report["listeners"][0]["certificates"][0]["serial"]
        .as_str()
        .unwrap()
}

#[test]
fn check_watch_json_reports_each_change_until_killed() {
    let ca = Ca::root("Watch CA");
    let dir = tempfile::tempdir().unwrap();
    let write = |cert: &str, key: &str| {
        std::fs::write(dir.path().join("tls.crt"), cert).unwrap();
        std::fs::write(dir.path().join("tls.key"), key).unwrap();
    };
    let first = ca.issue(&["console.test"], 0x31);
    write(&first.chain_pem, &first.key_pem);
    let mut watching = Watching::start(dir.path(), &["--json"]);

    let initial = watching.json("the initial report");
    assert_eq!(initial["problems"], serde_json::json!([]), "{initial}");
    assert_eq!(serial(&initial), "31");

    // A broken state is reported with its problem...
    let second = ca.issue(&["console.test"], 0x32);
    write(&second.chain_pem, &first.key_pem);
    let broken = watching.json("the report of the mismatched pair");
    assert_eq!(
        broken["problems"][0]["code"], "ERR_KEY_MISMATCH",
        "{broken}"
    );

    // ...and the next good state with the new certificate, replaced by rename.
    let tmp = dir.path().join(".tls.key.tmp");
    std::fs::write(&tmp, &second.key_pem).unwrap();
    std::fs::rename(&tmp, dir.path().join("tls.key")).unwrap();
    let fixed = watching.json("the report of the completed rotation");
    assert_eq!(fixed["problems"], serde_json::json!([]), "{fixed}");
    assert_eq!(serial(&fixed), "32");

    // Still running until killed.
    assert!(watching.child.try_wait().unwrap().is_none());
    watching.child.kill().unwrap();
    assert!(!watching.child.wait().unwrap().success());
}

#[test]
fn check_watch_text_reports_are_numbered() {
    let ca = Ca::root("Watch CA");
    let dir = tempfile::tempdir().unwrap();
    let leaf = ca.issue(&["one.test"], 1);
    std::fs::write(dir.path().join("tls.crt"), &leaf.chain_pem).unwrap();
    std::fs::write(dir.path().join("tls.key"), &leaf.key_pem).unwrap();
    let watching = Watching::start(dir.path(), &[]);

    let first = watching.text_report("the initial report");
    assert_eq!(first[0], "== report 1 (initial) ==");
    assert!(
        first.iter().any(|l| l.contains("leaf: CN=one.test")),
        "{first:#?}"
    );

    let next = ca.issue(&["two.test"], 2);
    std::fs::write(dir.path().join("tls.crt"), &next.chain_pem).unwrap();
    std::fs::write(dir.path().join("tls.key"), &next.key_pem).unwrap();
    let second = watching.text_report("the report after the rotation");
    assert_eq!(second[0], "== report 2 (files changed) ==");
    assert!(
        second.iter().any(|l| l.contains("leaf: CN=two.test")),
        "{second:#?}"
    );
    assert!(second.last().unwrap().starts_with("OK ("), "{second:#?}");
}

#[test]
fn interval_needs_watch() {
    let out = Command::new(env!("CARGO_BIN_EXE_console-tls"))
        .args(["check", "--interval-ms", "10"])
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
