//! `sflint init`: find the project's likely integration users (profiles, permission sets and
//! groups named after a vendor pack or like an integration, holding an integration license or API
//! Only User), ask which to declare or take them from flags, write an `sflint.toml` with exactly
//! those, then check the project with it.

use std::collections::BTreeSet;
use std::fmt::{self, Write as _};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::discover::{self, DiscoverOptions, Unit};
use crate::escape;
use crate::model::MetadataKind;
use crate::model::names::percent_decode;
use crate::model::user::Selector;
use crate::packs::options::{self, OptionKind, OptionSpec, OptionValue, Options};
use crate::packs::{self, Pack};
use crate::problem::Problem;
use crate::project;
use crate::report::{self, Format, RenderOptions};
use crate::source::display_path;
use crate::workspace::{ConfigSource, Workspace, WorkspaceOptions};

/// Other names a vendor's integration user goes by: former product names and short forms.
const ALIASES: &[(&str, &[&str])] = &[
    ("account-engagement", &["pardot", "b2bma"]),
    ("databricks-lakeflow", &["databricks", "lakeflow"]),
    ("dropbox-sign", &["hellosign"]),
    ("marketo-measure", &["bizible"]),
    ("qlik-replicate", &["qlik"]),
    ("vonage-contact-center", &["vonage", "newvoicemedia"]),
];

/// Vendor names that are ordinary words too (a customer segment, a census): they suggest the
/// vendor only as whole words of a name that also looks like an integration.
const COMMON_WORDS: &[&str] = &[
    "ampersand",
    "boomerang",
    "census",
    "gong",
    "readonlyanalytics",
    "segment",
    "sequel",
    "stitch",
    "unify",
];

/// One flag of `sflint init`, in command-line order: each `--integration` owns the flags after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Flag {
    Integration(String),
    Profile(String),
    PermissionSet(String),
    PermissionSetGroup(String),
    Option(String),
}

/// What `sflint init` was asked.
#[derive(Debug, Clone)]
pub struct Request {
    /// The directory given (absolute), or the working directory.
    pub start: PathBuf,
    pub cwd: PathBuf,
    /// PATH as given on the command line, repeated in the commands init suggests.
    pub path_arg: Option<String>,
    pub force: bool,
    pub flags: Vec<Flag>,
    /// `--yes`: declare the candidates found without asking.
    pub yes: bool,
    /// Ask which candidates to declare (a terminal, or `--interactive`).
    pub interactive: bool,
}

/// Where init reads answers and writes: the report of the check to `out`, everything else
/// (candidates, questions, messages) to `err`. Output that cannot be written is dropped: the file
/// written and the exit code are what count.
pub struct Console<'a> {
    pub input: &'a mut dyn BufRead,
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    /// Repeat each answer on `err`, so that a transcript of piped answers reads as a dialogue.
    pub echo: bool,
}

impl Console<'_> {
    fn say(&mut self, line: impl fmt::Display) {
        let _ = writeln!(self.err, "{line}");
    }

    /// The answer to `question`, trimmed; `None` at the end of the input, after saying that
    /// nothing is written.
    fn ask(&mut self, question: &str) -> Option<String> {
        let _ = write!(self.err, "{question}");
        let _ = self.err.flush();
        let mut line = String::new();
        match self.input.read_line(&mut line) {
            Ok(0) | Err(_) => {
                let _ = writeln!(self.err);
                self.say("sflint: error: no answer (end of input); nothing written");
                None
            }
            Ok(_) => {
                let answer = line.trim().to_string();
                if self.echo {
                    let _ = writeln!(self.err, "{}", escape::text(&answer));
                }
                Some(answer)
            }
        }
    }
}

/// One profile, permission set or group of a candidate, with why it was picked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    pub kind: MetadataKind,
    /// The API name, as the configuration names it.
    pub name: String,
    pub reasons: Vec<String>,
}

/// A likely integration user.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub name: String,
    /// The shipped pack its names suggest.
    pub pack: Option<&'static Pack>,
    pub profile: Option<Member>,
    pub permission_sets: Vec<Member>,
    pub groups: Vec<Member>,
}

impl Candidate {
    fn members(&self) -> impl Iterator<Item = &Member> {
        self.profile
            .iter()
            .chain(&self.permission_sets)
            .chain(&self.groups)
    }

    fn declaration(&self, pack: &str) -> Declaration {
        let names = |members: &[Member]| members.iter().map(|m| m.name.clone()).collect();
        Declaration {
            name: self.name.clone(),
            pack: pack.to_string(),
            profile: self.profile.as_ref().map(|member| member.name.clone()),
            permission_sets: names(&self.permission_sets),
            groups: names(&self.groups),
            options: toml::Table::new(),
        }
    }
}

/// An integration user to write, as chosen.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Declaration {
    pub name: String,
    /// A shipped pack id, or a pack file relative to the configuration's directory.
    pub pack: String,
    pub profile: Option<String>,
    pub permission_sets: Vec<String>,
    pub groups: Vec<String>,
    /// The pack options given, as TOML values.
    pub options: toml::Table,
}

/// A declaration whose pack, options and members were found good, with its options typed.
#[derive(Debug)]
struct Checked {
    declaration: Declaration,
    pack_id: String,
    /// In the pack's order.
    options: Vec<(String, toml::Value)>,
}

/// Runs `sflint init`; the exit code: 0 when `sflint.toml` was written (whatever the check of the
/// project then finds), 2 when nothing was written.
pub fn run(request: &Request, console: &mut Console<'_>) -> u8 {
    let cwd = &request.cwd;
    let root = project::find_root(&request.start).unwrap_or_else(|| request.start.clone());
    let config_path = root.join(crate::config::CONFIG_FILE);
    let shown = display_path(&config_path, cwd);
    // `symlink_metadata`: a dangling link exists too, and is not written through.
    if config_path.symlink_metadata().is_ok() && !request.force {
        console.say(format_args!(
            "sflint: error: {} already exists (use --force to overwrite it)",
            escape::text(&shown)
        ));
        return 2;
    }
    let found = discover::discover(
        &DiscoverOptions {
            paths: vec![root.clone()],
            ..DiscoverOptions::default()
        },
        cwd,
    );
    let declarations = if request.flags.is_empty() {
        match choose(request, &root, &found.units, &found.problems, console) {
            Some(declarations) => declarations,
            None => return 2,
        }
    } else {
        match from_flags(&request.flags, cwd, &root) {
            Ok(declarations) => declarations,
            Err(message) => {
                refuse(console, &message);
                return 2;
            }
        }
    };
    let checked = match check_declarations(&declarations, &found.units, &root, cwd) {
        Ok(checked) => checked,
        Err(message) => {
            refuse(console, &message);
            return 2;
        }
    };
    let text = render(&checked);
    if let Err(message) = crate::output::write_atomically(&config_path, text.as_bytes()) {
        console.say(format_args!("sflint: error: {}", escape::text(&message)));
        return 2;
    }
    let declared: Vec<String> = checked
        .iter()
        .map(|item| format!("{} ({})", item.declaration.name, item.pack_id))
        .collect();
    console.say(format_args!(
        "sflint: wrote {} with {}; checking the project with it:",
        escape::text(&shown),
        escape::text(&declared.join(", "))
    ));
    check_project(&root, &config_path, cwd, console);
    0
}

/// An error that leaves the project as it was.
fn refuse(console: &mut Console<'_>, message: &str) {
    console.say(format_args!(
        "sflint: error: {}; nothing written",
        escape::text(message)
    ));
}

/// The declarations of the candidates the user picks (asked, or `--yes`); `None` when nothing is
/// to be written, after saying why and how to declare them.
fn choose(
    request: &Request,
    root: &Path,
    units: &[Unit],
    problems: &[Problem],
    console: &mut Console<'_>,
) -> Option<Vec<Declaration>> {
    let candidates = detect(units, packs::shipped());
    if candidates.is_empty() {
        if units.is_empty() {
            for problem in problems {
                console.say(problem);
            }
        }
        console.say(
            "sflint: error: found no candidate integration user (no profile, permission set or \
             permission set group named after a vendor pack or like an integration, or holding an \
             integration license or API Only User); nothing written",
        );
        console.say(format_args!(
            "Declare one with: {} --integration NAME=PACK --profile PROFILE --permission-set PERMISSION_SET",
            command_start(request)
        ));
        return None;
    }
    console.say(listing(&candidates));
    if !request.yes {
        if request.interactive {
            return ask(&candidates, root, &request.cwd, console);
        }
        console.say(
            "sflint: error: standard input is not a terminal, so nothing was asked and nothing \
             written. To declare them, run:",
        );
        console.say(suggested_command(request, &candidates));
        return None;
    }
    // --yes: every candidate that has a pack, if no option of its pack is left to choose.
    let mut declarations = Vec::new();
    for candidate in &candidates {
        let Some(pack) = candidate.pack else {
            continue;
        };
        if let Some(option) = required_options(pack).next() {
            console.say(format_args!(
                "sflint: error: {}: {}, which --yes does not choose; nothing written. Declare it with flags:",
                escape::text(&candidate.name),
                escape::text(&needs_option(pack, option))
            ));
            console.say(suggested_command(request, &candidates));
            return None;
        }
        declarations.push(candidate.declaration(pack.id()));
    }
    let left_out: Vec<&str> = candidates
        .iter()
        .filter(|candidate| candidate.pack.is_none())
        .map(|candidate| candidate.name.as_str())
        .collect();
    if declarations.is_empty() {
        console.say(
            "sflint: error: no candidate has a pack, so --yes declares none; nothing written. Declare them with flags:",
        );
        console.say(suggested_command(request, &candidates));
        return None;
    }
    if !left_out.is_empty() {
        console.say(format_args!(
            "sflint: left out, for want of a pack: {} (declare them with --integration NAME=PACK)",
            escape::text(&left_out.join(", "))
        ));
    }
    Some(declarations)
}

/// The required options of a pack: those without a default.
fn required_options(pack: &Pack) -> impl Iterator<Item = &OptionSpec> {
    pack.file
        .options
        .iter()
        .filter(|option| !option.may_be_left_unset())
}

/// `pack X needs option Y (what it is); one of a, b`.
fn needs_option(pack: &Pack, option: &OptionSpec) -> String {
    let mut text = format!(
        "pack {} needs option {} ({})",
        pack.id(),
        option.id,
        option.description
    );
    if !option.choices.is_empty() {
        let _ = write!(text, "; one of {}", option.choices.join(", "));
    }
    text
}

// Detection.

/// What one unit says about being an integration user.
struct Signs {
    /// The pack its name or label names, the length of the name matched (the longest wins), and
    /// why.
    vendor: Option<(&'static Pack, usize, String)>,
    /// Why it looks like an integration user at all.
    hints: Vec<String>,
}

/// The candidates among `units`: one per pack some of them are named after (its profile, its
/// permission sets and groups), then one per unit that only looks like an integration user.
pub fn detect(units: &[Unit], packs: &'static [Pack]) -> Vec<Candidate> {
    let mut by_pack: Vec<(&'static Pack, Vec<Member>)> = Vec::new();
    let mut without_pack = Vec::new();
    // Each file is parsed for its label, license and user permissions: in parallel, in order.
    let read: Vec<(&Unit, Signs)> = units
        .par_iter()
        .filter(|unit| unit.kind != MetadataKind::MutingPermissionSet)
        .map(|unit| (unit, signs(unit, packs)))
        .collect();
    for (unit, signs) in read {
        let mut reasons = Vec::new();
        if let Some((_, _, why)) = &signs.vendor {
            reasons.push(why.clone());
        }
        for hint in &signs.hints {
            // A label can name the vendor and look like an integration: one reason.
            if !reasons.contains(hint) {
                reasons.push(hint.clone());
            }
        }
        let member = Member {
            kind: unit.kind,
            name: unit.name.clone(),
            reasons,
        };
        match signs.vendor {
            Some((pack, _, _)) => match by_pack.iter_mut().find(|(p, _)| p.id() == pack.id()) {
                Some((_, members)) => members.push(member),
                None => by_pack.push((pack, vec![member])),
            },
            None if !signs.hints.is_empty() => without_pack.push(member),
            None => {}
        }
    }
    by_pack.sort_by_key(|(pack, _)| pack.id());
    let mut candidates = Vec::new();
    for (pack, members) in by_pack {
        let (mut profiles, rest): (Vec<Member>, Vec<Member>) = members
            .into_iter()
            .partition(|member| member.kind == MetadataKind::Profile);
        // A user has one profile: the one with the most signs of an integration, then by name.
        profiles.sort_by(|a, b| {
            b.reasons
                .len()
                .cmp(&a.reasons.len())
                .then_with(|| a.name.cmp(&b.name))
        });
        let mut profiles = profiles.into_iter();
        let (permission_sets, groups) = rest
            .into_iter()
            .partition(|member| member.kind == MetadataKind::PermissionSet);
        candidates.push(Candidate {
            name: pack.file.pack.name.clone(),
            pack: Some(pack),
            profile: profiles.next(),
            permission_sets,
            groups,
        });
        // Each further profile is another user of the same vendor.
        for profile in profiles {
            candidates.push(Candidate {
                name: format!(
                    "{} ({})",
                    pack.file.pack.name,
                    percent_decode(&profile.name)
                ),
                pack: Some(pack),
                profile: Some(profile),
                permission_sets: Vec::new(),
                groups: Vec::new(),
            });
        }
    }
    without_pack.sort_by_key(|member| (kind_rank(member.kind), member.name.clone()));
    for member in without_pack {
        let mut candidate = Candidate {
            name: percent_decode(&member.name),
            pack: None,
            profile: None,
            permission_sets: Vec::new(),
            groups: Vec::new(),
        };
        match member.kind {
            MetadataKind::Profile => candidate.profile = Some(member),
            MetadataKind::PermissionSet => candidate.permission_sets.push(member),
            _ => candidate.groups.push(member),
        }
        candidates.push(candidate);
    }
    // Names are unique in a configuration.
    let mut seen = BTreeSet::new();
    for candidate in &mut candidates {
        let base = candidate.name.clone();
        let mut number = 2;
        while !seen.insert(candidate.name.clone()) {
            candidate.name = format!("{base} {number}");
            number += 1;
        }
    }
    candidates
}

/// Profiles first, then permission sets, then groups.
fn kind_rank(kind: MetadataKind) -> u8 {
    match kind {
        MetadataKind::Profile => 0,
        MetadataKind::PermissionSet => 1,
        _ => 2,
    }
}

/// Reads what a unit's name, label, license and user permissions say.
fn signs(unit: &Unit, packs: &'static [Pack]) -> Signs {
    let component = crate::load::load(unit, &crate::fileset::Disk).component;
    let label = component.as_ref().and_then(|component| {
        component
            .permissions()
            .and_then(|container| container.label.as_ref())
            .or_else(|| component.group().and_then(|group| group.label.as_ref()))
            .map(|label| label.value.clone())
    });
    let name = percent_decode(&unit.name);
    let mut hints = Vec::new();
    if looks_like_integration(&name) {
        hints.push("named like an integration".to_string());
    } else if let Some(label) = label.as_deref().filter(|l| looks_like_integration(l)) {
        hints.push(format!("labelled {label}"));
    }
    if let Some(container) = component.as_ref().and_then(|c| c.permissions()) {
        if let Some(license) = &container.license
            && license.value.to_lowercase().contains("integration")
        {
            hints.push(format!("{} license", license.value));
        }
        if container
            .grants
            .user_permission("ApiUserOnly")
            .is_some_and(|permission| permission.enabled)
        {
            hints.push("API Only User".to_string());
        }
    }
    let name_words = words(&name);
    let label_words = label.as_deref().map(words).unwrap_or_default();
    let mut vendor: Option<(&'static Pack, usize, String)> = None;
    for pack in packs {
        for key in vendor_keys(pack) {
            let common = COMMON_WORDS.contains(&key.as_str());
            if common && hints.is_empty() {
                continue;
            }
            let vendor_name = &pack.file.pack.name;
            let why = if names_vendor(&name_words, &key, common) {
                if key == squash(pack.id()) || key == squash(vendor_name) {
                    format!("named after {vendor_name}")
                } else {
                    format!("named after {vendor_name} (as {key})")
                }
            } else if let Some(label) = label
                .as_deref()
                .filter(|_| names_vendor(&label_words, &key, common))
            {
                format!("labelled {label}")
            } else {
                continue;
            };
            if vendor
                .as_ref()
                .is_none_or(|(_, length, _)| key.len() > *length)
            {
                vendor = Some((pack, key.len(), why));
            }
        }
    }
    Signs { vendor, hints }
}

/// The names a pack's vendor goes by, squashed: its id, its name, its aliases.
fn vendor_keys(pack: &Pack) -> Vec<String> {
    let mut keys = vec![squash(pack.id()), squash(&pack.file.pack.name)];
    if let Some((_, aliases)) = ALIASES.iter().find(|(id, _)| *id == pack.id()) {
        keys.extend(aliases.iter().map(|alias| alias.to_string()));
    }
    keys.sort();
    keys.dedup();
    keys
}

/// Letters and digits only, lower case: `Act-On` is `acton`.
fn squash(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The words of a name, lower case: split at anything but letters and digits, at a lower-case
/// letter followed by a capital, before the last capital of a run followed by a lower-case letter
/// (`APIUser` is `api user`), and between letters and digits.
fn words(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut words = Vec::new();
    let mut current = String::new();
    for (index, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            continue;
        }
        if let Some(&previous) = index.checked_sub(1).and_then(|i| chars.get(i))
            && previous.is_alphanumeric()
        {
            let next_is_lower = chars.get(index + 1).is_some_and(|n| n.is_lowercase());
            let boundary = (previous.is_lowercase() && c.is_uppercase())
                || (previous.is_uppercase() && c.is_uppercase() && next_is_lower)
                || (previous.is_alphabetic() != c.is_alphabetic());
            if boundary && !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// Whether `key` (squashed) is named by words of a name: whole consecutive words, or for a
/// distinctive name also the start of a run of words (`actonintegration`). Never across a word
/// boundary, so `Contact_Onboarding` does not name Act-On.
fn names_vendor(words: &[String], key: &str, whole_words_only: bool) -> bool {
    (0..words.len()).any(|start| {
        let mut joined = String::new();
        for word in &words[start..] {
            joined.push_str(word);
            if joined == key {
                return true;
            }
            if joined.len() >= key.len() {
                break;
            }
        }
        !whole_words_only && joined.starts_with(key)
    })
}

/// Integration, Connector, API or Sync in a name.
fn looks_like_integration(name: &str) -> bool {
    let squashed = squash(name);
    squashed.contains("integration")
        || squashed.contains("connector")
        || words(name)
            .iter()
            .any(|word| word == "api" || word.starts_with("sync"))
}

/// The candidates, numbered, each member with why it was picked.
fn listing(candidates: &[Candidate]) -> String {
    let mut out = format!(
        "sflint: found {}:",
        report::plural(candidates.len(), "candidate integration user")
    );
    for (index, candidate) in candidates.iter().enumerate() {
        let pack = match candidate.pack {
            Some(pack) => format!("pack {}", pack.id()),
            None => "no pack matches".to_string(),
        };
        let _ = write!(
            out,
            "\n  {}. {} ({pack})",
            index + 1,
            escape::text(&candidate.name)
        );
        for member in candidate.members() {
            let _ = write!(
                out,
                "\n       {} {}: {}",
                member.kind.noun(),
                escape::text(&member.name),
                escape::text(&member.reasons.join(", "))
            );
        }
    }
    out
}

/// `sflint init [PATH]`, as the user would type it.
fn command_start(request: &Request) -> String {
    match &request.path_arg {
        Some(path) => format!("sflint init {}", shell_word(path)),
        None => "sflint init".to_string(),
    }
}

/// The flags that declare the candidates, one integration a line, with placeholders (PACK, VALUE)
/// for what init cannot choose and what each stands for.
fn suggested_command(request: &Request, candidates: &[Candidate]) -> String {
    let mut lines = Vec::new();
    let mut notes = Vec::new();
    for candidate in candidates {
        let pack = candidate.pack.map_or("PACK", |pack| pack.id());
        let mut line = format!(
            "--integration {}",
            shell_word(&format!("{}={pack}", candidate.name))
        );
        for member in candidate.members() {
            let flag = match member.kind {
                MetadataKind::Profile => "--profile",
                MetadataKind::PermissionSet => "--permission-set",
                _ => "--permission-set-group",
            };
            let _ = write!(line, " {flag} {}", shell_word(&member.name));
        }
        if let Some(pack) = candidate.pack {
            for option in required_options(pack) {
                let _ = write!(line, " --option {}=VALUE", option.id);
                let choices = if option.choices.is_empty() {
                    String::new()
                } else {
                    format!(" one of {};", option.choices.join(", "))
                };
                notes.push(format!(
                    "VALUE of {} for {}:{choices} {}",
                    option.id,
                    escape::text(&candidate.name),
                    option.description
                ));
            }
        }
        lines.push(line);
    }
    let start = command_start(request);
    let mut out = if lines.len() == 1 {
        format!("  {start} {}", lines[0])
    } else {
        format!("  {start} \\\n    {}", lines.join(" \\\n    "))
    };
    if candidates.iter().any(|candidate| candidate.pack.is_none()) {
        out.push_str(
            "\nReplace PACK with a pack id (`sflint packs` lists them), or leave that integration out.",
        );
    }
    for note in notes {
        out.push('\n');
        out.push_str(&escape::text(&note));
    }
    let yes_would_do = candidates.iter().any(|candidate| {
        candidate
            .pack
            .is_some_and(|pack| required_options(pack).next().is_none())
    }) && candidates.iter().all(|candidate| {
        candidate
            .pack
            .is_none_or(|pack| required_options(pack).next().is_none())
    });
    if yes_would_do && !request.yes {
        let _ = write!(
            out,
            "\nOr declare every candidate that has a pack: {start} --yes"
        );
    }
    out
}

/// A word the shell reads as it is: quoted when it holds anything but the plainest characters,
/// escaped where the terminal would act on it.
/// `sflint init --org-shape`: the commands that write the target org's shape where the project
/// (found from `start`) reads it, as a shell script to run in a shell authorised to the org.
pub fn org_shape_script(start: &Path, cwd: &Path) -> String {
    let root = project::find_root(start).unwrap_or_else(|| start.to_path_buf());
    let configured = crate::config::find(&root)
        .and_then(|path| crate::config::load(&path, cwd).ok())
        .and_then(|loaded| {
            let dir = loaded.config.org_shape.as_ref()?.get_ref().clone();
            Some(loaded.base_dir()?.join(dir))
        });
    let dir = configured.unwrap_or_else(|| root.join(crate::org_shape::DEFAULT_DIR));
    let shown = display_path(&dir, cwd);
    let mut out = String::from(
        "# The target org's shape for sflint: run these in a shell where the Salesforce CLI is\n\
         # authorised to the org (add --target-org ALIAS to each to name another org than the\n\
         # default), then commit the files. Run them again when the org changes.\n",
    );
    let _ = writeln!(out, "mkdir -p {}", shell_word(&shown));
    for file in crate::org_shape::FILES {
        let _ = writeln!(out, "# {}", file.gives);
        let _ = writeln!(
            out,
            "{} > {}",
            file.command,
            shell_word(&format!("{}/{}", shown.trim_end_matches('/'), file.name))
        );
    }
    out
}

fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-./=:@%+,".contains(c));
    let quoted = if plain {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    };
    escape::text(&quoted).into_owned()
}

// Asking.

/// Asks which candidates to declare, a pack for those without one, and the options their packs
/// require. `None` when nothing is to be written.
fn ask(
    candidates: &[Candidate],
    root: &Path,
    cwd: &Path,
    console: &mut Console<'_>,
) -> Option<Vec<Declaration>> {
    let default: Vec<String> = candidates
        .iter()
        .enumerate()
        .filter(|(_, candidate)| candidate.pack.is_some())
        .map(|(index, _)| (index + 1).to_string())
        .collect();
    let default = if default.is_empty() {
        "none".to_string()
    } else {
        default.join(" ")
    };
    let question = format!("Declare which? Numbers, \"all\" or \"none\" [{default}]: ");
    let picked = loop {
        let answer = console.ask(&question)?;
        let answer = if answer.is_empty() {
            default.as_str()
        } else {
            answer.as_str()
        };
        match pick(answer, candidates.len()) {
            Ok(picked) => break picked,
            Err(message) => console.say(escape::text(&message)),
        }
    };
    let mut declarations = Vec::new();
    for index in picked {
        let candidate = &candidates[index];
        let (pack, reference) = match candidate.pack {
            Some(pack) => (pack.clone(), pack.id().to_string()),
            None => {
                let question = format!(
                    "Pack for {} (an id from `sflint packs`, or a pack file; Enter leaves it out): ",
                    escape::text(&candidate.name)
                );
                let mut chosen = None;
                loop {
                    let answer = console.ask(&question)?;
                    if answer.is_empty() {
                        break;
                    }
                    let reference = pack_reference(&answer, cwd, root);
                    match resolve_pack(&reference, root, cwd) {
                        Ok(pack) => {
                            chosen = Some((pack, reference));
                            break;
                        }
                        Err(message) => console.say(escape::text(&message)),
                    }
                }
                match chosen {
                    Some(chosen) => chosen,
                    None => continue,
                }
            }
        };
        let mut declaration = candidate.declaration(&reference);
        for option in required_options(&pack) {
            let value = ask_option(&candidate.name, &pack, option, console)?;
            declaration.options.insert(option.id.clone(), value);
        }
        declarations.push(declaration);
    }
    if declarations.is_empty() {
        console.say("sflint: error: no integration user chosen; nothing written");
        return None;
    }
    Some(declarations)
}

/// Candidate indices from an answer such as `1 3`, `1,2`, `all` or `none`.
fn pick(answer: &str, count: usize) -> Result<Vec<usize>, String> {
    match answer.to_lowercase().as_str() {
        "all" => return Ok((0..count).collect()),
        "none" => return Ok(Vec::new()),
        _ => {}
    }
    let mut picked = Vec::new();
    for part in answer
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|part| !part.is_empty())
    {
        match part.parse::<usize>() {
            Ok(number) if (1..=count).contains(&number) => {
                if !picked.contains(&(number - 1)) {
                    picked.push(number - 1);
                }
            }
            _ => {
                return Err(format!(
                    "{part:?} is not a candidate: answer with numbers from 1 to {count}, \"all\" or \"none\""
                ));
            }
        }
    }
    // Declared in the order they were listed, however they were named.
    picked.sort_unstable();
    Ok(picked)
}

/// Asks for the value of a required option, until it is one the option takes.
fn ask_option(
    name: &str,
    pack: &Pack,
    option: &OptionSpec,
    console: &mut Console<'_>,
) -> Option<toml::Value> {
    // A pack file chosen by path is the repository's text: escaped like the rest.
    console.say(escape::text(&format!(
        "{name} ({}) needs option {}: {}",
        pack.id(),
        option.id,
        option.description
    )));
    let question = match option.kind {
        OptionKind::Choice => {
            for (index, choice) in option.choices.iter().enumerate() {
                console.say(format_args!("  {}. {}", index + 1, escape::text(choice)));
            }
            format!("Choose 1-{}: ", option.choices.len())
        }
        OptionKind::Bool => "true or false: ".to_string(),
        OptionKind::String => "Value: ".to_string(),
        OptionKind::List => "Items, separated by commas: ".to_string(),
    };
    loop {
        let answer = console.ask(&question)?;
        let value = match option.kind {
            OptionKind::Choice => answer
                .parse::<usize>()
                .ok()
                .and_then(|number| option.choices.get(number.checked_sub(1)?))
                .or_else(|| option.choices.iter().find(|choice| **choice == answer))
                .map(|choice| toml::Value::String(choice.clone())),
            OptionKind::Bool => match answer.to_lowercase().as_str() {
                "true" | "yes" | "y" => Some(toml::Value::Boolean(true)),
                "false" | "no" | "n" => Some(toml::Value::Boolean(false)),
                _ => None,
            },
            OptionKind::String => Some(answer.clone())
                .filter(|text| !text.is_empty())
                .map(toml::Value::String),
            OptionKind::List => {
                let items: Vec<toml::Value> = answer
                    .split(',')
                    .map(str::trim)
                    .filter(|item| !item.is_empty())
                    .map(|item| toml::Value::String(item.to_string()))
                    .collect();
                Some(toml::Value::Array(items)).filter(|_| !answer.trim().is_empty())
            }
        };
        let expected = match option.kind {
            OptionKind::Choice => "a number from the list, or one of the choices",
            OptionKind::Bool => "true or false",
            OptionKind::String => "some text",
            OptionKind::List => "at least one item",
        };
        match value {
            Some(value) => return Some(value),
            None => console.say(format_args!(
                "\"{}\" is not an answer: {} needs {expected}",
                escape::text(&answer),
                escape::text(&option.id)
            )),
        }
    }
}

// Flags.

/// The declarations the flags make: each `--integration NAME=PACK` with the flags after it.
pub fn from_flags(flags: &[Flag], cwd: &Path, root: &Path) -> Result<Vec<Declaration>, String> {
    let mut declarations: Vec<Declaration> = Vec::new();
    for flag in flags {
        if let Flag::Integration(spec) = flag {
            let (name, pack) = spec
                .split_once('=')
                .map(|(name, pack)| (name.trim(), pack.trim()))
                .filter(|(name, pack)| !name.is_empty() && !pack.is_empty())
                .ok_or_else(|| {
                    format!(
                        "--integration {spec:?} must be NAME=PACK, e.g. --integration Act-On=act-on"
                    )
                })?;
            declarations.push(Declaration {
                name: name.to_string(),
                pack: pack_reference(pack, cwd, root),
                ..Declaration::default()
            });
            continue;
        }
        let (option, value) = match flag {
            Flag::Profile(value) => ("--profile", value),
            Flag::PermissionSet(value) => ("--permission-set", value),
            Flag::PermissionSetGroup(value) => ("--permission-set-group", value),
            Flag::Option(value) => ("--option", value),
            Flag::Integration(_) => unreachable!("handled above"),
        };
        let Some(current) = declarations.last_mut() else {
            return Err(format!(
                "{option} {value:?} comes before any --integration: give it after the --integration it belongs to"
            ));
        };
        match flag {
            Flag::Profile(_) if current.profile.is_some() => {
                return Err(format!(
                    "integration {:?}: --profile given twice; a user has one profile",
                    current.name
                ));
            }
            Flag::Profile(_) => current.profile = Some(value.clone()),
            Flag::PermissionSet(_) => current.permission_sets.push(value.clone()),
            Flag::PermissionSetGroup(_) => current.groups.push(value.clone()),
            _ => {
                let (key, parsed) = option_pair(value)?;
                if current.options.insert(key.clone(), parsed).is_some() {
                    return Err(format!(
                        "integration {:?}: --option {key} given twice",
                        current.name
                    ));
                }
            }
        }
    }
    Ok(declarations)
}

/// `KEY=VALUE`, VALUE read as TOML (`true`, `["A", "B"]`, `"text"`), else as plain text: as
/// `sflint check --option` reads it.
fn option_pair(pair: &str) -> Result<(String, toml::Value), String> {
    let Some((key, value)) = pair.split_once('=') else {
        return Err(format!("--option {pair:?} must be KEY=VALUE"));
    };
    let parsed = toml::from_str::<toml::Table>(&format!("v = {value}"))
        .ok()
        .and_then(|mut parsed| parsed.remove("v"))
        .unwrap_or_else(|| toml::Value::String(value.to_string()));
    Ok((key.trim().to_string(), parsed))
}

/// A pack as the configuration names it: a shipped id as is; a pack file (given relative to the
/// working directory) relative to the configuration's directory, which is what it is read against.
fn pack_reference(given: &str, cwd: &Path, root: &Path) -> String {
    if packs::find_shipped(given).is_some() || !looks_like_path(given) {
        return given.to_string();
    }
    let path = discover::absolute(Path::new(given), cwd);
    match path.strip_prefix(root) {
        Ok(relative) => display_path(relative, Path::new("")),
        Err(_) => path.to_string_lossy().into_owned(),
    }
}

fn looks_like_path(reference: &str) -> bool {
    reference.ends_with(".toml") || reference.contains(['/', '\\'])
}

/// The pack a reference names, or why there is none.
fn resolve_pack(reference: &str, root: &Path, cwd: &Path) -> Result<Pack, String> {
    if let Some(pack) = packs::find_shipped(reference) {
        return Ok(pack);
    }
    if !looks_like_path(reference) {
        let ids = packs::shipped_ids();
        let hint = crate::registry::suggest(reference, ids.iter().map(String::as_str))
            .map(|known| format!(" (did you mean {known}?)"))
            .unwrap_or_default();
        return Err(format!(
            "unknown pack {reference:?}{hint}; `sflint packs` lists them, or give a pack file"
        ));
    }
    packs::resolve(reference, root, cwd).map_err(|problem| {
        let mut text = String::new();
        if let Some(path) = &problem.path {
            text.push_str(path);
            for number in [problem.line, problem.column].into_iter().flatten() {
                let _ = write!(text, ":{number}");
            }
            text.push_str(": ");
        }
        text.push_str(&problem.message);
        text
    })
}

// Checking and writing.

/// Checks every declaration before anything is written: unique names, a pack that exists, members
/// that are in the project, and options the pack takes, typed as it wants them (its required
/// options present).
fn check_declarations(
    declarations: &[Declaration],
    units: &[Unit],
    root: &Path,
    cwd: &Path,
) -> Result<Vec<Checked>, String> {
    let mut names = BTreeSet::new();
    let mut checked = Vec::new();
    for declaration in declarations {
        let context = format!("integration {:?}", declaration.name);
        if !names.insert(declaration.name.as_str()) {
            return Err(format!("{context} is declared twice"));
        }
        let pack = resolve_pack(&declaration.pack, root, cwd)
            .map_err(|message| format!("{context}: {message}"))?;
        let members = declaration
            .profile
            .iter()
            .map(|name| (MetadataKind::Profile, name))
            .chain(
                declaration
                    .permission_sets
                    .iter()
                    .map(|name| (MetadataKind::PermissionSet, name)),
            )
            .chain(
                declaration
                    .groups
                    .iter()
                    .map(|name| (MetadataKind::PermissionSetGroup, name)),
            );
        let mut any = false;
        for (kind, name) in members {
            any = true;
            find_member(kind, name, units, root)
                .map_err(|message| format!("{context}: {message}"))?;
        }
        if !any {
            return Err(format!(
                "{context} has no member: give its --profile, --permission-set or --permission-set-group after it"
            ));
        }
        let mut typed = Vec::new();
        for key in declaration.options.keys() {
            if !pack.file.options.iter().any(|spec| spec.id == *key) {
                let known: Vec<&str> = pack.file.options.iter().map(|s| s.id.as_str()).collect();
                let hint = crate::registry::suggest(key, known.iter().copied())
                    .map(|known| format!(" (did you mean {known}?)"))
                    .unwrap_or_default();
                let listed = if known.is_empty() {
                    "it has none".to_string()
                } else {
                    format!("its options: {}", known.join(", "))
                };
                return Err(format!(
                    "{context}: pack {} has no option {key:?}{hint}; {listed}",
                    pack.id()
                ));
            }
        }
        for spec in &pack.file.options {
            let Some(value) = declaration.options.get(&spec.id) else {
                if !spec.may_be_left_unset() {
                    return Err(format!(
                        "{context}: {}: add --option {}=VALUE",
                        needs_option(&pack, spec),
                        spec.id
                    ));
                }
                continue;
            };
            let value = options::convert(spec, value).map_err(|message| {
                let hint = if spec.kind == OptionKind::List {
                    format!(" (a list is written --option '{}=[\"A\", \"B\"]')", spec.id)
                } else {
                    String::new()
                };
                format!("{context}: option {}: {message}{hint}", spec.id)
            })?;
            typed.push((spec.id.clone(), toml_value(value)));
        }
        // What `sflint check` will make of it: nothing must be left that it refuses.
        Options::resolve(&pack, &declaration.options)
            .map_err(|message| format!("{context}: {message}"))?;
        checked.push(Checked {
            declaration: declaration.clone(),
            pack_id: pack.id().to_string(),
            options: typed,
        });
    }
    Ok(checked)
}

/// Whether a profile, permission set or group named `pattern` (an API name or a glob) is in the
/// project; if not, why, with the nearest name there is.
fn find_member(
    kind: MetadataKind,
    pattern: &str,
    units: &[Unit],
    root: &Path,
) -> Result<(), String> {
    let selector = Selector::new(pattern)?;
    let mut names = units.iter().filter(|unit| unit.kind == kind);
    if names
        .clone()
        .any(|unit| selector.matches(&unit.name, Some(&unit.files[0].fs), root))
    {
        return Ok(());
    }
    let hint = crate::registry::suggest(pattern, names.by_ref().map(|unit| unit.name.as_str()))
        .map(|known| format!(" (did you mean {known}?)"))
        .unwrap_or_default();
    Err(format!(
        "no {} {pattern:?} in the project{hint}",
        kind.noun()
    ))
}

fn toml_value(value: OptionValue) -> toml::Value {
    match value {
        OptionValue::Bool(flag) => toml::Value::Boolean(flag),
        OptionValue::Text(text) => toml::Value::String(text),
        OptionValue::List(items) => {
            toml::Value::Array(items.into_iter().map(toml::Value::String).collect())
        }
    }
}

const HEADER: &str = "\
# sflint configuration, written by `sflint init`. Each [[integration]] is an integration user (the
# union of its profile, permission sets and permission set groups) checked against its vendor's
# pack; `sflint pack ID` shows what a pack requires and the options it takes.
";

/// The configuration text: the header, then one `[[integration]]` per declaration.
fn render(checked: &[Checked]) -> String {
    let string = |text: &str| toml::Value::String(text.to_string()).to_string();
    let array = |items: &[String]| {
        toml::Value::Array(items.iter().cloned().map(toml::Value::String).collect()).to_string()
    };
    let mut out = HEADER.to_string();
    for item in checked {
        let declaration = &item.declaration;
        out.push_str("\n[[integration]]\n");
        let _ = writeln!(out, "name = {}", string(&declaration.name));
        let _ = writeln!(out, "pack = {}", string(&declaration.pack));
        if let Some(profile) = &declaration.profile {
            let _ = writeln!(out, "profile = {}", string(profile));
        }
        if !declaration.permission_sets.is_empty() {
            let _ = writeln!(
                out,
                "permission_sets = {}",
                array(&declaration.permission_sets)
            );
        }
        if !declaration.groups.is_empty() {
            let _ = writeln!(
                out,
                "permission_set_groups = {}",
                array(&declaration.groups)
            );
        }
        if !item.options.is_empty() {
            out.push_str("[integration.options]\n");
            for (key, value) in &item.options {
                let bare = key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
                let key = if bare && !key.is_empty() {
                    key.clone()
                } else {
                    string(key)
                };
                let _ = writeln!(out, "{key} = {value}");
            }
        }
    }
    out
}

/// `sflint check` of the project with the configuration just written: its problems, findings
/// (concise) and summary, and a word on what they mean for init.
fn check_project(root: &Path, config_path: &Path, cwd: &Path, console: &mut Console<'_>) {
    let mut options = WorkspaceOptions::new(cwd.to_path_buf());
    options.discover.paths = vec![root.to_path_buf()];
    options.config = ConfigSource::File(config_path.to_path_buf());
    let workspace = Workspace::load(&options);
    let result = crate::lint(&workspace, &crate::fileset::Disk);
    for problem in &result.problems {
        console.say(problem);
    }
    let render_options = RenderOptions {
        color: false,
        quiet: false,
        width: None,
        sarif_root: None,
    };
    let _ = report::render(Format::Concise, &result, render_options, console.out);
    let _ = console.out.flush();
    let shown = escape::text(&display_path(config_path, cwd)).into_owned();
    if result.has_fatal_problem() {
        console.say(format_args!(
            "sflint: {shown} is written, but the check could not do all it was asked: see the errors above"
        ));
    } else if !result.diagnostics.is_empty() {
        console.say(format_args!(
            "sflint: {shown} is written; the findings above are the project's to fix (`sflint check` shows them with their source, `sflint rule ID` explains each)"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|item| item.to_string()).collect()
    }

    #[test]
    fn init_splits_names_into_words() {
        assert_eq!(
            words("ActOn_Integration"),
            strings(&["act", "on", "integration"])
        );
        assert_eq!(
            words("SFDC APIUser2"),
            strings(&["sfdc", "api", "user", "2"])
        );
        assert_eq!(words("6sense-Sync"), strings(&["6", "sense", "sync"]));
        assert_eq!(words("HGInsights"), strings(&["hg", "insights"]));
    }

    #[test]
    fn init_matches_vendors_on_word_boundaries_only() {
        let named = |name: &str, key: &str, whole: bool| names_vendor(&words(name), key, whole);
        assert!(named("ActOn_Integration", "acton", false));
        assert!(named("actonintegration", "acton", false));
        assert!(named("Marketing - Act-On", "acton", false));
        assert!(!named("Contact_Onboarding", "acton", false));
        assert!(named("HG_Insights_User", "hginsights", false));
        assert!(named("Segment_Sync", "segment", true));
        assert!(!named("Segmentation_API", "segment", true));
        assert!(looks_like_integration("Marketing_Sync"));
        assert!(looks_like_integration("SFDC API User"));
        assert!(looks_like_integration("myintegrationuser"));
        assert!(!looks_like_integration("Async_Jobs"));
        assert!(!looks_like_integration("Rapid_Sales"));
    }

    #[test]
    fn init_groups_flags_under_the_integration_before_them() {
        let cwd = Path::new("/p");
        let flags = vec![
            Flag::Integration("Act-On=act-on".into()),
            Flag::PermissionSet("ActOn_Integration".into()),
            Flag::Option("custom_objects=[\"Invoice__c\"]".into()),
            Flag::Integration("Fivetran = fivetran".into()),
            Flag::Profile("Fivetran Integration".into()),
            Flag::Option("note=plain text".into()),
        ];
        let declared = from_flags(&flags, cwd, cwd).unwrap();
        assert_eq!(declared.len(), 2);
        assert_eq!(declared[0].permission_sets, ["ActOn_Integration"]);
        assert_eq!(
            declared[0].options["custom_objects"],
            toml::Value::Array(vec![toml::Value::String("Invoice__c".into())])
        );
        assert_eq!(declared[1].name, "Fivetran");
        assert_eq!(declared[1].profile.as_deref(), Some("Fivetran Integration"));
        assert_eq!(
            declared[1].options["note"],
            toml::Value::String("plain text".into())
        );
        let orphan = from_flags(&[Flag::Profile("Admin".into())], cwd, cwd).unwrap_err();
        assert!(
            orphan.contains("comes before any --integration"),
            "{orphan}"
        );
        let two = vec![
            Flag::Integration("A=act-on".into()),
            Flag::Profile("X".into()),
            Flag::Profile("Y".into()),
        ];
        assert!(
            from_flags(&two, cwd, cwd)
                .unwrap_err()
                .contains("one profile")
        );
        assert!(from_flags(&[Flag::Integration("act-on".into())], cwd, cwd).is_err());
        assert_eq!(
            pack_reference("packs/mine.toml", Path::new("/p/sub"), Path::new("/p")),
            "sub/packs/mine.toml"
        );
    }

    #[test]
    fn init_writes_valid_typed_configuration() {
        let checked = vec![Checked {
            declaration: Declaration {
                name: "Act \"On\"".into(),
                pack: "act-on".into(),
                profile: None,
                permission_sets: strings(&["ActOn_Integration"]),
                groups: Vec::new(),
                options: toml::Table::new(),
            },
            pack_id: "act-on".into(),
            options: vec![
                (
                    "custom_objects".into(),
                    toml_value(OptionValue::List(strings(&["Invoice__c"]))),
                ),
                ("flag".into(), toml_value(OptionValue::Bool(true))),
            ],
        }];
        let text = render(&checked);
        let config = crate::config::parse(&text).unwrap();
        let integration = &config.integrations[0];
        assert_eq!(integration.name, "Act \"On\"");
        assert_eq!(integration.options["flag"], toml::Value::Boolean(true));
        assert!(integration.options["custom_objects"].is_array());
    }

    #[test]
    fn init_reads_answers() {
        assert_eq!(pick("1 3", 3), Ok(vec![0, 2]));
        assert_eq!(pick("2,1,2", 3), Ok(vec![0, 1]));
        assert_eq!(pick("ALL", 2), Ok(vec![0, 1]));
        assert_eq!(pick("none", 2), Ok(vec![]));
        assert!(pick("4", 3).is_err());
        assert_eq!(shell_word("Act-On=act-on"), "Act-On=act-on");
        assert_eq!(shell_word("Integration User"), "'Integration User'");
        assert_eq!(shell_word("it's"), r"'it'\''s'");
        assert_eq!(shell_word("a\u{1b}b"), "'a\\u{1b}b'");
    }
}
