//! Any configuration, pack file and baseline through the workspace loader, as `sflint check`
//! reads them from a project: `sflint.toml`, a pack file it may name (`pack = "pack.toml"`) and a
//! baseline, then a lint run and every report. Besides "no panic", every problem it reports must
//! print without a raw control character.

#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use sflint::report::{self, Format, RenderOptions};
use sflint::{ConfigSource, Memory, Workspace, WorkspaceOptions};

/// One project directory for the whole run: each input rewrites its three files.
fn project() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("sflint-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("force-app")).unwrap();
        std::fs::write(
            dir.join("sfdx-project.json"),
            r#"{"packageDirectories":[{"path":"force-app"}]}"#,
        )
        .unwrap();
        dir
    })
}

fuzz_target!(|data: &[u8]| {
    let dir = project();
    let mut pieces = data.splitn(3, |&b| b == 0);
    for name in ["sflint.toml", "pack.toml", "baseline.json"] {
        std::fs::write(dir.join(name), pieces.next().unwrap_or_default()).unwrap();
    }
    let mut options = WorkspaceOptions::new(dir.clone());
    options.config = ConfigSource::File(dir.join("sflint.toml"));
    options.baseline = Some(dir.join("baseline.json"));
    let workspace = Workspace::load(&options);
    let result = sflint::lint(&workspace, &Memory::new());
    for problem in &result.problems {
        let shown = problem.to_string();
        assert!(
            !shown.chars().any(|c| c.is_control()),
            "raw control character in {shown:?}"
        );
    }
    for format in [Format::Human, Format::Concise, Format::Json, Format::Github, Format::Sarif] {
        let mut out = Vec::new();
        report::render(format, &result, RenderOptions { color: false, quiet: false, width: None, sarif_root: None }, &mut out)
            .unwrap();
    }
});
