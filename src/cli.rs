//! The command line: clap definitions, then turning arguments into a run and the run into an exit code.
//!
//! Exit codes: 0 no finding at or above `--fail-on`; 1 at least one; 2 sflint could not do what was
//! asked (bad arguments or configuration, a missing path, an unreadable file), even if it linted the
//! rest.

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::diagnostic::Severity;
use crate::discover::DiscoverOptions;
use crate::report::{self, Format, RenderOptions};
use crate::workspace::{ConfigSource, Workspace, WorkspaceOptions};
use crate::{Report, explain};

#[derive(Debug, Parser)]
#[command(
    name = "sflint",
    version = env!("SFLINT_VERSION"),
    about = "Lint Salesforce DX permission sets and profiles, and check integration users against their vendors' documented permissions",
    args_conflicts_with_subcommands = true,
    disable_help_subcommand = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Running `sflint` without a subcommand is `sflint check`.
    #[command(flatten)]
    pub check: CheckArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint the project around PATH (default: the current directory), or exactly the files given.
    Check(CheckArgs),
    /// Who can do what after a change that they could not before: the effective access of each
    /// integration user, permission set, group and profile that changed, and the findings that
    /// appear and disappear, between two git revisions.
    Diff(DiffArgs),
    /// Declare the project's integration users in a new sflint.toml: from the candidates it finds
    /// (asked on a terminal, or --yes) or from --integration flags; then check the project with it.
    Init(InitArgs),
    /// List every rule.
    Rules(ListArgs),
    /// List the shipped vendor packs.
    Packs(ListArgs),
    /// Show what a vendor pack requires.
    Pack {
        /// A shipped pack id (e.g. act-on) or a path to a pack file.
        id: String,
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
    /// Print a completion script for SHELL (e.g. `sflint completions bash > /etc/bash_completion.d/sflint`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Sort the elements and entries of metadata files into the order a retrieve from Salesforce
    /// writes them, and make their indentation consistent.
    Fmt(FmtArgs),
    /// Print the manual page (roff), e.g. `sflint man > sflint.1`.
    Man,
    /// Run the language server on standard input and output: findings, fixes, hover and completion
    /// while editing (the VS Code extension in editors/vscode starts it).
    Lsp,
    /// Write the least-privilege permission set that satisfies a vendor pack (for a pack that reads
    /// its grants on the profile, the profile fragment it needs), in canonical order.
    Scaffold(ScaffoldArgs),
    /// Explain one rule.
    Rule {
        /// The rule id, e.g. object-access-dependency.
        id: String,
        #[arg(long, value_enum, default_value_t = ListFormat::Human)]
        format: ListFormat,
    },
}

#[derive(Debug, Args)]
pub struct ScaffoldArgs {
    /// A shipped pack id (e.g. act-on) or a path to a pack file.
    pub pack: String,

    /// An option of the pack, e.g. --option variant=integration (VALUE is read as TOML: `true`,
    /// `["Account", "Contact"]`; anything else is a string). Repeatable.
    #[arg(long = "option", value_name = "KEY=VALUE")]
    pub options: Vec<String>,

    /// The license to write (the permission set's, or the profile's user license for a profile
    /// fragment) instead of the one the pack asks for.
    #[arg(long, value_name = "LICENSE")]
    pub license: Option<String>,

    /// The API name of the permission set or profile (default: <Vendor>_Integration).
    #[arg(long, value_name = "API_NAME")]
    pub name: Option<String>,

    /// Write the file here instead of standard output; an existing file is never replaced.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// `text`: the file; `json`: the file with what was included and why.
    #[arg(long, value_enum, default_value_t = ScaffoldFormat::Text)]
    pub format: ScaffoldFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ScaffoldFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct FmtArgs {
    /// Directories or metadata files to format (default: the current directory's project).
    pub paths: Vec<PathBuf>,

    /// Write nothing; list the files that are not formatted and exit with 1 if there are any.
    #[arg(long, conflicts_with = "diff")]
    pub check: bool,

    /// Write nothing; print the changes as a unified diff and exit with 1 if there are any.
    #[arg(long)]
    pub diff: bool,

    /// Leave out paths matching GLOB (as `sflint check --exclude`). Repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Apply .forceignore and excludes to files named on the command line too (for pre-commit).
    #[arg(long)]
    pub force_exclude: bool,

    /// Follow symbolic links that lead outside the project (never written through).
    #[arg(long)]
    pub follow_external_links: bool,

    /// Use this configuration file instead of the sflint.toml found upward from here.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every configuration file.
    #[arg(long)]
    pub isolated: bool,

    /// Worker threads (default: one per core).
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
}

/// The arguments of `sflint init`. Each --integration owns the --profile, --permission-set,
/// --permission-set-group and --option flags after it.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The project directory (default: the current directory).
    pub path: Option<PathBuf>,
    /// Overwrite an existing sflint.toml.
    #[arg(long)]
    pub force: bool,
    /// Declare the integration user NAME, checked against PACK (a shipped pack id or a pack file);
    /// its members and options follow. Repeatable.
    #[arg(long, value_name = "NAME=PACK")]
    pub integration: Vec<String>,
    /// The profile of the preceding --integration (API name or glob).
    #[arg(long, value_name = "NAME", requires = "integration")]
    pub profile: Vec<String>,
    /// A permission set of the preceding --integration (API name or glob). Repeatable.
    #[arg(long = "permission-set", value_name = "NAME", requires = "integration")]
    pub permission_sets: Vec<String>,
    /// A permission set group of the preceding --integration (API name or glob). Repeatable.
    #[arg(
        long = "permission-set-group",
        value_name = "NAME",
        requires = "integration"
    )]
    pub permission_set_groups: Vec<String>,
    /// An option of the preceding --integration's pack (VALUE is read as TOML: `true`,
    /// '["Invoice__c"]', or plain text). Repeatable.
    #[arg(long = "option", value_name = "KEY=VALUE", requires = "integration")]
    pub options: Vec<String>,
    /// Declare every candidate found that has a pack, without asking.
    #[arg(short, long, conflicts_with_all = ["integration", "interactive"])]
    pub yes: bool,
    /// Ask even when standard input is not a terminal (answers are read from it line by line).
    #[arg(long, conflicts_with = "integration")]
    pub interactive: bool,
    /// Print the Salesforce CLI commands that record the target org's shape (its permission
    /// names, dependencies and licenses) for the project, instead of writing sflint.toml.
    #[arg(long, conflicts_with_all = ["integration", "yes", "interactive", "force"])]
    pub org_shape: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
    /// A Markdown table (`sflint rules` and `sflint packs`).
    Markdown,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
}

#[derive(Debug, Args, Default)]
pub struct CheckArgs {
    /// Directories to scan or metadata files to lint (default: the current directory).
    pub paths: Vec<PathBuf>,

    /// Output format.
    #[arg(long, visible_alias = "output-format", value_enum)]
    pub format: Option<Format>,

    /// Write the report to FILE instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Also write the report in FORMAT to FILE, e.g. `--report sarif=sflint.sarif`: one run, several
    /// reports (repeatable).
    #[arg(long = "report", value_name = "FORMAT=FILE", value_parser = parse_report)]
    pub reports: Vec<(Format, PathBuf)>,

    /// The directory SARIF paths are relative to (default: the root of the git repository around
    /// the working directory, as code scanning wants, else the working directory).
    #[arg(long, value_name = "DIR")]
    pub sarif_root: Option<PathBuf>,

    /// Worker threads (default: one per core).
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,

    /// Leave out paths matching GLOB (relative to the project root; a pattern without `/` matches
    /// file and directory names). Repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Apply .forceignore and excludes to files named on the command line too (for pre-commit).
    #[arg(long)]
    pub force_exclude: bool,

    /// Follow symbolic links that lead outside the project (by default they are skipped with a
    /// warning: a link named like metadata could point at any file on the machine).
    #[arg(long)]
    pub follow_external_links: bool,

    /// When to use colour.
    #[arg(long, value_enum, value_name = "WHEN")]
    pub color: Option<ColorChoice>,

    /// Print findings only, no summary.
    #[arg(short, long)]
    pub quiet: bool,

    /// Print how many findings each rule reported instead of the findings (`--format json`: as
    /// JSON).
    #[arg(long, conflicts_with_all = ["show_files", "show_settings", "generate_baseline"])]
    pub statistics: bool,

    /// Print the files that would be linted, and lint nothing.
    #[arg(long, conflicts_with = "show_settings")]
    pub show_files: bool,

    /// Print the project, configuration, rule settings and integration users a run would use, and
    /// lint nothing.
    #[arg(long)]
    pub show_settings: bool,

    /// Exit with 0 even when there are findings (problems running still exit with 2).
    #[arg(long)]
    pub exit_zero: bool,

    /// Apply the safe fixes of the findings (as many passes as they need), write the files that
    /// changed, then report what is left.
    #[arg(long, conflicts_with_all = ["diff", "generate_baseline"])]
    pub fix: bool,

    /// Print the fixes as a unified diff and write nothing; exit with 1 when there is something to
    /// fix.
    #[arg(long, conflicts_with = "generate_baseline")]
    pub diff: bool,

    /// With --fix or --diff, apply the unsafe fixes too (those that widen or narrow access).
    #[arg(long)]
    pub unsafe_fixes: bool,

    /// Of repeated entries that grant different access, the fix keeps the first as written, or the
    /// first widened to grant what any of them grants.
    #[arg(long, value_enum, value_name = "WHICH", default_value_t = crate::fix::KeepDuplicate::First)]
    pub keep_duplicate: crate::fix::KeepDuplicate,

    /// Exit with 2 when nothing was linted: no permission file found and no integration user
    /// checked (a CI job pointed at the wrong directory).
    #[arg(long)]
    pub fail_on_empty: bool,

    /// The lowest severity that makes sflint exit with 1.
    #[arg(long, value_enum, value_name = "SEVERITY")]
    pub fail_on: Option<FailOn>,

    /// Use this configuration file instead of the sflint.toml found upward from here.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every configuration file.
    #[arg(long)]
    pub isolated: bool,

    /// Check the files given as one integration user against this pack (a shipped pack id or a
    /// pack file), without a configuration file.
    #[arg(long, value_name = "PACK")]
    pub pack: Option<String>,

    /// An option of the --pack pack, e.g. --option variant=integration or
    /// --option 'read_objects=["Account"]'. Repeatable.
    #[arg(long = "option", value_name = "KEY=VALUE", requires = "pack")]
    pub pack_options: Vec<String>,

    /// Report only findings that this baseline file does not record; list its stale entries.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Lint only the permission metadata changed in the work tree since the git revision REV (with
    /// the integration users it belongs to), and show each finding on a changed line of its
    /// component when there is one, its real place kept as a related location: code scanning shows
    /// a pull request only the alerts on lines it changed.
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,

    /// Record every current finding in FILE and exit with 0: adopt sflint on an existing project.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["baseline", "format", "output", "reports"])]
    pub generate_baseline: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DiffFormat {
    Human,
    Json,
    /// A pull request comment (led by a hidden marker; collapsed sections; under 65,536
    /// characters).
    Markdown,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnGain {
    /// View All Data, Modify All Data, the dangerous permissions (Author Apex, Modify Metadata,
    /// Manage Users, ...), View All or Modify All on an object.
    HighRisk,
    /// Any grant.
    Any,
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The revision to compare from (default: the merge base of HEAD with the default branch).
    pub base: Option<String>,

    /// The revision to compare to (default: the work tree as it is on disk).
    pub head: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Human)]
    pub format: DiffFormat,

    /// Write the report to FILE instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Exit with 1 when something gains a high-risk grant (for a required check), or any grant.
    #[arg(long, value_enum, value_name = "WHAT")]
    pub fail_on_gain: Option<FailOnGain>,

    /// Markdown: a section with more entries than N is collapsed.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub collapse_over: usize,

    /// Leave out paths matching GLOB at both revisions (as `sflint check --exclude`). Repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Use this configuration file (from the disk) at both revisions instead of each revision's
    /// own sflint.toml.
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every configuration file.
    #[arg(long)]
    pub isolated: bool,

    /// Worker threads (default: one per core).
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
}

/// Parses the process arguments and runs.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(message) = mistyped_subcommand(&cli) {
        say(format_args!("sflint: error: {message}"));
        return ExitCode::from(2);
    }
    let result = match cli.command {
        Some(Command::Check(args)) => run_check(args),
        Some(Command::Diff(args)) => run_diff(args),
        None => run_check(cli.check),
        Some(Command::Rules(args)) => with_stdout(|out| match args.format {
            ListFormat::Markdown => explain::rules_markdown(out),
            format => explain::list_rules(format == ListFormat::Json, out),
        }),
        Some(Command::Rule { id, format }) => run_rule(&id, format),
        Some(Command::Init(args)) => run_init(args),
        Some(Command::Packs(args)) => with_stdout(|out| match args.format {
            ListFormat::Markdown => out.write_all(explain::pack_table_markdown().as_bytes()),
            format => explain::list_packs(format == ListFormat::Json, out),
        }),
        Some(Command::Pack { id, format }) => run_pack(&id, format),
        Some(Command::Completions { shell }) => with_stdout(|out| {
            use clap::CommandFactory;
            clap_complete::generate(shell, &mut Cli::command(), "sflint", out);
            Ok(())
        }),
        Some(Command::Fmt(args)) => run_fmt(args),
        Some(Command::Scaffold(args)) => run_scaffold(args),
        Some(Command::Man) => with_stdout(|out| {
            use clap::CommandFactory;
            clap_mangen::Man::new(Cli::command()).render(out)
        }),
        Some(Command::Lsp) => run_lsp(),
    };
    match result {
        Ok(code) => code,
        // A reader that stopped early (`sflint rules | head`) got what it wanted.
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            say(format_args!("sflint: error: {error}"));
            ExitCode::from(2)
        }
    }
}

/// `sflint chek` reads as `sflint check chek`: a first path that does not exist, looks like a word
/// and is close to a subcommand is a typo of that subcommand.
fn mistyped_subcommand(cli: &Cli) -> Option<String> {
    use clap::CommandFactory;
    if cli.command.is_some() {
        return None;
    }
    let first = cli.check.paths.first()?.to_str()?;
    if first.contains(['/', '\\', '.']) || std::path::Path::new(first).exists() {
        return None;
    }
    let command = Cli::command();
    let names: Vec<&str> = command
        .get_subcommands()
        .map(|sub| sub.get_name())
        .collect();
    let known = crate::registry::suggest(first, names.iter().copied())?;
    Some(format!(
        "unknown subcommand {:?} (did you mean `sflint {known}`?); `sflint --help` lists them",
        crate::escape::text(first)
    ))
}

/// Writes one line to standard error. A standard error that cannot be written (closed, full) must
/// not cost the report on standard output, nor the exit code: the line is dropped.
pub fn say(line: impl std::fmt::Display) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

fn with_stdout(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<ExitCode> {
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    write(&mut out)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The protocol's exit code: 0 after `shutdown` then `exit`, 1 for an `exit` without `shutdown`
/// or a client that went away; 2 for a session that could not start.
fn run_lsp() -> io::Result<ExitCode> {
    match crate::lsp::run() {
        Ok(true) => Ok(ExitCode::SUCCESS),
        Ok(false) => Ok(ExitCode::from(1)),
        Err(message) => {
            say(format_args!("sflint: error: lsp: {message}"));
            Ok(ExitCode::from(2))
        }
    }
}

fn run_rule(id: &str, format: ListFormat) -> io::Result<ExitCode> {
    if let Some(retired) = crate::registry::retired(id) {
        say(format_args!(
            "sflint: error: rule {id:?} was retired in {}: {}",
            retired.since, retired.instead
        ));
        return Ok(ExitCode::from(2));
    }
    match crate::registry::RuleId::from_id(id) {
        Some(rule) => {
            with_stdout(|out| explain::show_rule(rule.meta(), format == ListFormat::Json, out))
        }
        None => {
            let known = crate::registry::RuleId::ALL
                .iter()
                .map(|rule| rule.as_str());
            let hint = crate::registry::suggest(id, known)
                .map(|known| format!(" (did you mean {known}?)"))
                .unwrap_or_default();
            say(format_args!(
                "sflint: error: unknown rule {id:?}{hint}; `sflint rules` lists them"
            ));
            Ok(ExitCode::from(2))
        }
    }
}

fn run_init(args: InitArgs) -> io::Result<ExitCode> {
    use crate::init::Flag;
    let cwd = std::env::current_dir()?;
    let start = crate::discover::absolute(args.path.as_deref().unwrap_or(&cwd), &cwd);
    if !start.is_dir() {
        say(format_args!(
            "sflint: error: {}: not a directory",
            crate::escape::text(&start.display().to_string())
        ));
        return Ok(ExitCode::from(2));
    }
    if args.org_shape {
        let script = crate::init::org_shape_script(&start, &cwd);
        return with_stdout(|out| out.write_all(script.as_bytes()));
    }
    // Which --integration a flag belongs to is a matter of order, which only clap's matches keep:
    // the arguments are read again for their positions (they parsed once, so they parse again).
    let matches = <Cli as clap::CommandFactory>::command().get_matches();
    let init = matches.subcommand_matches("init");
    let positions = |id: &str| -> Vec<usize> {
        init.and_then(|init| init.indices_of(id))
            .map(Iterator::collect)
            .unwrap_or_default()
    };
    let mut flags: Vec<(usize, Flag)> = Vec::new();
    let mut add = |id: &str, values: Vec<String>, flag: fn(String) -> Flag| {
        flags.extend(positions(id).into_iter().zip(values.into_iter().map(flag)));
    };
    add("integration", args.integration, Flag::Integration);
    add("profile", args.profile, Flag::Profile);
    add("permission_sets", args.permission_sets, Flag::PermissionSet);
    add(
        "permission_set_groups",
        args.permission_set_groups,
        Flag::PermissionSetGroup,
    );
    add("options", args.options, Flag::Option);
    flags.sort_by_key(|(position, _)| *position);
    let stdin = io::stdin();
    let terminal = stdin.is_terminal();
    let request = crate::init::Request {
        start,
        cwd,
        path_arg: args.path.map(|path| path.to_string_lossy().into_owned()),
        force: args.force,
        flags: flags.into_iter().map(|(_, flag)| flag).collect(),
        yes: args.yes,
        interactive: args.interactive || (terminal && io::stderr().is_terminal()),
    };
    let stdout = io::stdout();
    let mut console = crate::init::Console {
        input: &mut stdin.lock(),
        out: &mut BufWriter::new(stdout.lock()),
        err: &mut io::stderr().lock(),
        echo: !terminal,
    };
    Ok(ExitCode::from(crate::init::run(&request, &mut console)))
}

fn run_pack(reference: &str, format: ListFormat) -> io::Result<ExitCode> {
    let cwd = std::env::current_dir()?;
    match crate::packs::resolve(reference, &cwd, &cwd) {
        Ok(pack) => with_stdout(|out| match format {
            ListFormat::Json => explain::pack_json(&pack, out),
            _ => explain::show_pack(&pack, out),
        }),
        Err(problem) => {
            say(problem);
            Ok(ExitCode::from(2))
        }
    }
}

fn run_check(args: CheckArgs) -> io::Result<ExitCode> {
    let cwd = std::env::current_dir()?;
    let changed = match &args.changed_since {
        Some(revision) => {
            match crate::git::Repo::around(&cwd).and_then(|repo| repo.changed_since(revision)) {
                Ok(changed) => Some(changed),
                Err(message) => {
                    say(format_args!("sflint: error: {message}"));
                    return Ok(ExitCode::from(2));
                }
            }
        }
        None => None,
    };
    let changed_files = changed.as_ref().map(|changed| {
        let given: Vec<PathBuf> = args
            .paths
            .iter()
            .map(|path| crate::discover::absolute(path, &cwd))
            .collect();
        crate::changed::metadata_files(changed, &given)
    });
    let options = WorkspaceOptions {
        discover: DiscoverOptions {
            paths: changed_files.clone().unwrap_or_else(|| args.paths.clone()),
            excludes: args.exclude.clone(),
            // Changed files are picked, not named: the project's exclusions still apply.
            force_exclude: args.force_exclude || changed.is_some(),
            follow_external_links: args.follow_external_links,
            collect_excluded: false,
        },
        threads: args.threads.map(usize::from),
        cwd: cwd.clone(),
        config: match (&args.config, args.isolated) {
            (Some(path), _) => ConfigSource::File(path.clone()),
            (None, true) => ConfigSource::Isolated,
            (None, false) => ConfigSource::Discover,
        },
        pack: args.pack.clone(),
        pack_options: args.pack_options.clone(),
        baseline: args.baseline.clone(),
        excerpts: args.format.unwrap_or(Format::Human) == Format::Human,
        keep_duplicate: args.keep_duplicate,
    };
    let workspace = Workspace::load(&options);
    if args.show_files || args.show_settings {
        for problem in &workspace.problems {
            say(problem);
        }
        with_stdout(|out| {
            if args.show_files {
                explain::show_files(&workspace, out)
            } else {
                explain::show_settings(&workspace, out)
            }
        })?;
        let failed = workspace
            .problems
            .iter()
            .any(|problem| problem.level == crate::problem::ProblemLevel::Error);
        return Ok(ExitCode::from(if failed { 2 } else { 0 }));
    }
    let nothing_changed = changed_files.as_ref().is_some_and(Vec::is_empty);
    let mut result = if nothing_changed {
        say(format_args!(
            "sflint: no permission metadata changed since {}: nothing to lint",
            crate::escape::text(args.changed_since.as_deref().unwrap_or_default())
        ));
        Report {
            root: workspace.root.clone(),
            display_base: cwd.clone(),
            ..Report::default()
        }
    } else if args.fix || args.diff {
        let fixed = crate::fix::fix(&workspace, &crate::fileset::Disk, args.unsafe_fixes);
        for problem in &fixed.problems {
            say(problem);
        }
        if args.diff {
            for problem in &fixed.report.problems {
                say(problem);
            }
            let diff = crate::fix::diff(&fixed.files);
            with_stdout(|out| out.write_all(diff.as_bytes()))?;
            let code = if fixed.report.has_fatal_problem() {
                2
            } else {
                u8::from(!fixed.files.is_empty())
            };
            return Ok(ExitCode::from(code));
        }
        let written = write_changed(&fixed.files, "fixed");
        say(format_args!(
            "sflint: fixed {} in {}",
            report::plural(fixed.applied, "finding"),
            report::plural(written, "file")
        ));
        fixed.report
    } else {
        crate::lint(&workspace, &crate::fileset::Disk)
    };
    if let Some(changed) = &changed {
        crate::changed::anchor(&mut result, &workspace, changed);
    }
    for problem in &result.problems {
        say(problem);
    }
    if let Some(path) = &args.generate_baseline {
        return Ok(ExitCode::from(generate_baseline(path, &result)));
    }

    let format = args.format.unwrap_or(Format::Human);
    let wants_sarif =
        format == Format::Sarif || args.reports.iter().any(|(f, _)| *f == Format::Sarif);
    let sarif_root = if wants_sarif {
        Some(sarif_root(&args, &result.display_base))
    } else {
        None
    };
    let render_options = RenderOptions {
        color: args.output.is_none() && use_color(args.color, io::stdout().is_terminal()),
        quiet: args.quiet,
        width: report_width(args.output.is_none() && io::stdout().is_terminal()),
        sarif_root: sarif_root.as_deref(),
    };
    let found = exit_code(&result, &args);
    let render = |out: &mut dyn Write| {
        if args.statistics {
            explain::statistics(&result, format == Format::Json, out)
        } else {
            report::render(format, &result, render_options, out)
        }
    };
    let written = match &args.output {
        Some(path) => write_report(path, render),
        None => with_stdout(render)
            .map(|_| ())
            .map_err(|error| match error.kind() {
                io::ErrorKind::BrokenPipe => NotWritten::ReaderGone,
                _ => NotWritten::Failed(format!("cannot write the report: {error}")),
            }),
    };
    match written {
        Ok(()) => {}
        // The reader stopped early (`sflint check | head`): the exit code still says what was
        // found, and never that all is well.
        Err(NotWritten::ReaderGone) => {
            return Ok(ExitCode::from(if found == 0 { 2 } else { found }));
        }
        Err(NotWritten::Failed(message)) => {
            say(format_args!("sflint: error: {message}"));
            return Ok(ExitCode::from(2));
        }
    }
    for (extra, path) in &args.reports {
        let options = RenderOptions {
            color: false,
            width: None,
            ..render_options
        };
        if let Err(NotWritten::Failed(message)) =
            write_report(path, |out| report::render(*extra, &result, options, out))
        {
            say(format_args!("sflint: error: {message}"));
            return Ok(ExitCode::from(2));
        }
    }
    let step_summary = format == Format::Github
        || args
            .reports
            .iter()
            .any(|(extra, _)| *extra == Format::Github);
    if step_summary
        && let Some(path) =
            std::env::var_os("GITHUB_STEP_SUMMARY").filter(|value| !value.is_empty())
    {
        append_step_summary(
            std::path::Path::new(&path),
            &report::github::summary_markdown(&result),
        )?;
    }
    Ok(ExitCode::from(found))
}

/// `sflint diff`: both revisions read (a revision through git, the work tree from the disk), each
/// with its own workspace and lint run, then compared. Exit 2 when a revision cannot be read.
fn run_diff(args: DiffArgs) -> io::Result<ExitCode> {
    use crate::diff::{self, Revision, Side};
    use crate::fileset::{FileSet, Source};
    let cwd = std::env::current_dir()?;
    let fail = |message: String| {
        say(format_args!("sflint: error: {message}"));
        Ok(ExitCode::from(2))
    };
    let repo = match crate::git::Repo::around(&cwd) {
        Ok(repo) => repo,
        Err(message) => return fail(message),
    };
    let (base_name, base_rev) = match &args.base {
        Some(base) => (base.clone(), base.clone()),
        None => match repo.default_base() {
            Ok((branch, commit)) => (format!("merge base with {branch}"), commit),
            Err(message) => return fail(message),
        },
    };
    let mut options = WorkspaceOptions::new(cwd);
    options.discover.excludes = args.exclude.clone();
    options.threads = args.threads.map(usize::from);
    options.config = match (&args.config, args.isolated) {
        (Some(path), _) => ConfigSource::File(path.clone()),
        (None, true) => ConfigSource::Isolated,
        (None, false) => ConfigSource::Discover,
    };
    let open = |revision: &str| -> Result<(crate::git::GitTree, Workspace), String> {
        let mut tree = repo.tree(revision)?;
        let workspace = Workspace::load_in(&options, Source::Listing(&tree));
        tree.load_workspace(&workspace)?;
        Ok((tree, workspace))
    };
    // Both revisions at once: most of reading one is waiting for git to inflate its blobs.
    let (base_opened, head_opened) = std::thread::scope(|scope| {
        let head = scope.spawn(|| args.head.as_deref().map(open).transpose());
        let base = open(&base_rev);
        (
            base,
            head.join()
                .unwrap_or_else(|_| Err("reading the head revision failed".to_string())),
        )
    });
    let (base_tree, base_workspace) = match base_opened {
        Ok(opened) => opened,
        Err(message) => return fail(message),
    };
    let head_opened = match head_opened {
        Ok(opened) => opened,
        Err(message) => return fail(message),
    };
    let disk_workspace;
    let (head_workspace, head_files, head_revision): (&Workspace, &dyn FileSet, Revision) =
        match &head_opened {
            Some((tree, workspace)) => (
                workspace,
                tree,
                Revision {
                    name: args.head.clone().unwrap_or_default(),
                    commit: Some(tree.commit.clone()),
                },
            ),
            None => {
                disk_workspace = Workspace::load(&options);
                (
                    &disk_workspace,
                    &crate::fileset::Disk,
                    Revision {
                        name: "work tree".to_string(),
                        commit: None,
                    },
                )
            }
        };
    let renames = match repo.renames(
        &base_tree.commit,
        head_opened.as_ref().map(|(tree, _)| tree.commit.as_str()),
    ) {
        Ok(renames) => renames,
        Err(message) => return fail(message),
    };
    let base = Side {
        revision: Revision {
            name: base_name,
            commit: Some(base_tree.commit.clone()),
        },
        workspace: &base_workspace,
        files: &base_tree,
        report: crate::lint(&base_workspace, &base_tree),
    };
    let head = Side {
        revision: head_revision,
        workspace: head_workspace,
        files: head_files,
        report: crate::lint(head_workspace, head_files),
    };
    let review = diff::review(&base, &head, &renames, options.threads);
    for problem in &review.problems {
        say(problem);
    }
    let render = |out: &mut dyn Write| match args.format {
        DiffFormat::Human => diff::render::human(&review, out),
        DiffFormat::Json => diff::render::json(&review, out),
        DiffFormat::Markdown => diff::render::markdown(
            &review,
            diff::render::MarkdownOptions {
                collapse_over: args.collapse_over,
                ..diff::render::MarkdownOptions::default()
            },
            out,
        ),
    };
    let written = match &args.output {
        Some(path) => write_report(path, render),
        None => with_stdout(render)
            .map(|_| ())
            .map_err(|error| match error.kind() {
                io::ErrorKind::BrokenPipe => NotWritten::ReaderGone,
                _ => NotWritten::Failed(format!("cannot write the report: {error}")),
            }),
    };
    if let Err(NotWritten::Failed(message)) = written {
        return fail(message);
    }
    let fatal = review
        .problems
        .iter()
        .any(|problem| problem.level == crate::problem::ProblemLevel::Error);
    let gained = match args.fail_on_gain {
        Some(FailOnGain::HighRisk) => review.gains_high_risk(),
        Some(FailOnGain::Any) => review.gains_anything(),
        None => false,
    };
    Ok(ExitCode::from(if fatal { 2 } else { u8::from(gained) }))
}

/// Writes the files a fixing or formatting run changed, each whole or not at all; never through a
/// symbolic link. Returns how many were written.
fn write_changed(files: &crate::fix::Changed, verb: &str) -> usize {
    let mut written = 0;
    for (file, (_, after)) in files {
        let shown = crate::escape::text(&file.display);
        let is_link = std::fs::symlink_metadata(&file.fs)
            .is_ok_and(|metadata| metadata.file_type().is_symlink());
        if is_link {
            say(format_args!(
                "sflint: warning: {shown}: not {verb}: it is a symbolic link, and sflint does not write through links"
            ));
            continue;
        }
        match crate::output::write_atomically(&file.fs, after) {
            Ok(()) => written += 1,
            Err(message) => say(format_args!("sflint: error: {message}")),
        }
    }
    written
}

fn run_scaffold(args: ScaffoldArgs) -> io::Result<ExitCode> {
    let request = crate::scaffold::Request {
        pack: args.pack,
        options: args.options,
        license: args.license,
        name: args.name,
    };
    let scaffold = match crate::scaffold::scaffold(&request, &std::env::current_dir()?) {
        Ok(scaffold) => scaffold,
        Err(problems) => {
            for problem in problems {
                say(problem);
            }
            return Ok(ExitCode::from(2));
        }
    };
    if let Some(path) = &args.output {
        // The destination is a metadata file by design: a new one, never one that exists.
        if path.symlink_metadata().is_ok() {
            say(format_args!(
                "sflint: error: refusing to write the scaffold to {}: it exists",
                crate::escape::text(&path.display().to_string())
            ));
            return Ok(ExitCode::from(2));
        }
        if let Err(message) = crate::output::write_atomically(path, scaffold.text.as_bytes()) {
            say(format_args!(
                "sflint: error: {}",
                crate::escape::text(&message)
            ));
            return Ok(ExitCode::from(2));
        }
    }
    with_stdout(|out| match args.format {
        ScaffoldFormat::Json => {
            crate::escape::write_json(&mut *out, &crate::scaffold::to_json(&scaffold))?;
            writeln!(out)
        }
        ScaffoldFormat::Text if args.output.is_none() => out.write_all(scaffold.text.as_bytes()),
        ScaffoldFormat::Text => Ok(()),
    })?;
    for finding in &scaffold.assign {
        say(format_args!(
            "sflint: note: assign this permission set too (no scaffold can write it): {}",
            crate::escape::text(&finding.message)
        ));
    }
    for finding in &scaffold.remaining {
        say(format_args!(
            "sflint: {}: the scaffold does not satisfy {}: {}",
            finding.severity.as_str(),
            finding.rule.as_str(),
            crate::escape::text(&finding.message)
        ));
    }
    if let Some(path) = &args.output {
        say(format_args!(
            "sflint: wrote {} ({} from {} fixes)",
            crate::escape::text(&path.display().to_string()),
            scaffold.kind.noun(),
            scaffold.included.len()
        ));
    }
    let failed = scaffold
        .remaining
        .iter()
        .any(|finding| finding.severity == crate::diagnostic::Severity::Error);
    Ok(ExitCode::from(u8::from(failed)))
}

fn run_fmt(args: FmtArgs) -> io::Result<ExitCode> {
    let mut options = WorkspaceOptions::new(std::env::current_dir()?);
    options.discover = DiscoverOptions {
        paths: args.paths.clone(),
        excludes: args.exclude.clone(),
        force_exclude: args.force_exclude,
        follow_external_links: args.follow_external_links,
        collect_excluded: false,
    };
    options.threads = args.threads.map(usize::from);
    options.config = match (&args.config, args.isolated) {
        (Some(path), _) => ConfigSource::File(path.clone()),
        (None, true) => ConfigSource::Isolated,
        (None, false) => ConfigSource::Discover,
    };
    let workspace = Workspace::load(&options);
    let formatted = crate::format::format_workspace(&workspace, &crate::fileset::Disk);
    for problem in workspace.problems.iter().chain(&formatted.problems) {
        say(problem);
    }
    let failed = workspace
        .problems
        .iter()
        .chain(&formatted.problems)
        .any(|problem| problem.level == crate::problem::ProblemLevel::Error);
    let changed = formatted.files.len();
    let unchanged = formatted.checked - changed;
    if args.check || args.diff {
        with_stdout(|out| {
            if args.diff {
                out.write_all(crate::fix::diff(&formatted.files).as_bytes())?;
            } else {
                for file in formatted.files.keys() {
                    writeln!(
                        out,
                        "would reformat: {}",
                        crate::escape::text(&file.display)
                    )?;
                }
            }
            Ok(())
        })?;
        say(format_args!(
            "sflint: {} would be reformatted, {} already formatted",
            report::plural(changed, "file"),
            unchanged
        ));
        return Ok(ExitCode::from(if failed {
            2
        } else {
            u8::from(changed > 0)
        }));
    }
    let written = write_changed(&formatted.files, "formatted");
    say(format_args!(
        "sflint: {} reformatted, {} left unchanged",
        report::plural(written, "file"),
        unchanged
    ));
    Ok(ExitCode::from(if failed || written < changed {
        2
    } else {
        0
    }))
}

/// `--report FORMAT=FILE`.
fn parse_report(value: &str) -> Result<(Format, PathBuf), String> {
    let (format, file) = value
        .split_once('=')
        .ok_or_else(|| format!("{value:?} is not FORMAT=FILE (e.g. sarif=sflint.sarif)"))?;
    let format = Format::from_str(format, true).map_err(|_| {
        let known: Vec<String> = Format::value_variants()
            .iter()
            .filter_map(|variant| variant.to_possible_value())
            .map(|value| value.get_name().to_string())
            .collect();
        format!("unknown format {format:?}; one of {}", known.join(", "))
    })?;
    if file.is_empty() {
        return Err(format!("{value:?} names no file"));
    }
    Ok((format, PathBuf::from(file)))
}

/// `--sarif-root`, else the root of the git repository around `cwd` (code scanning resolves SARIF
/// paths against it), else `cwd`. Written as a parent of `cwd` so that paths below it, which are
/// not resolved through links, still start with it.
fn sarif_root(args: &CheckArgs, cwd: &std::path::Path) -> PathBuf {
    if let Some(root) = &args.sarif_root {
        return crate::discover::absolute(root, cwd);
    }
    let top = std::process::Command::new("git")
        .args(["rev-parse", "--show-toplevel"])
        .current_dir(cwd)
        .stderr(std::process::Stdio::null())
        .output()
        .ok()
        .filter(|output| output.status.success())
        .and_then(|output| String::from_utf8(output.stdout).ok())
        .map(|text| PathBuf::from(text.trim_end_matches(['\n', '\r'])));
    let (Some(top), Ok(real_cwd)) = (top, std::fs::canonicalize(cwd)) else {
        return cwd.to_path_buf();
    };
    let real_top = std::fs::canonicalize(&top).unwrap_or(top);
    match real_cwd.strip_prefix(&real_top) {
        Ok(below) => {
            let mut root = cwd.to_path_buf();
            for _ in below.components() {
                root.pop();
            }
            root
        }
        Err(_) => cwd.to_path_buf(),
    }
}

/// Why a report did not reach its reader.
enum NotWritten {
    /// Standard output was closed by its reader.
    ReaderGone,
    Failed(String),
}

/// `-o FILE`: the whole report, or nothing.
fn write_report(
    path: &std::path::Path,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), NotWritten> {
    crate::output::check_destination(path, "report").map_err(NotWritten::Failed)?;
    let mut text = Vec::new();
    render(&mut text)
        .map_err(|error| NotWritten::Failed(format!("cannot render the report: {error}")))?;
    crate::output::write_atomically(path, &text).map_err(NotWritten::Failed)
}

/// `--generate-baseline FILE`: records every finding (and those a more precise one replaced); the
/// exit code is 2 when the file could not be written or the run had problems.
fn generate_baseline(path: &std::path::Path, result: &Report) -> u8 {
    let recorded: Vec<_> = result
        .diagnostics
        .iter()
        .chain(&result.superseded)
        .cloned()
        .collect();
    let baseline = crate::baseline::Baseline::of(&recorded, &result.root);
    let written = crate::output::check_destination(path, "baseline")
        .and_then(|()| crate::output::write_atomically(path, baseline.to_json().as_bytes()));
    if let Err(message) = written {
        say(format_args!(
            "sflint: error: {message}; no baseline was recorded"
        ));
        return 2;
    }
    say(format_args!(
        "sflint: recorded {} in {} ({}); check with --baseline {}",
        report::plural(result.diagnostics.len(), "finding"),
        path.display(),
        report::plural(baseline.findings.len(), "entry"),
        path.display()
    ));
    if result.has_fatal_problem() { 2 } else { 0 }
}

/// Appends `text` to the job summary file, never truncating it: earlier steps and earlier tools of
/// the same step may have written there.
pub fn append_step_summary(path: &std::path::Path, text: &str) -> io::Result<()> {
    let error = |error: io::Error| {
        io::Error::new(
            error.kind(),
            format!("cannot write the step summary {}: {error}", path.display()),
        )
    };
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(error)?;
    file.write_all(text.as_bytes()).map_err(error)
}

/// 2 for problems, else 1 for findings at or above `--fail-on` (unless `--exit-zero`), else 0.
fn exit_code(result: &Report, args: &CheckArgs) -> u8 {
    if result.has_fatal_problem() {
        return 2;
    }
    if args.fail_on_empty && result.components == 0 && result.integrations == 0 {
        return 2;
    }
    if args.exit_zero {
        return 0;
    }
    let threshold = match args.fail_on.unwrap_or(FailOn::Error) {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
    };
    if result
        .diagnostics
        .iter()
        .any(|diagnostic| diagnostic.severity >= threshold)
    {
        1
    } else {
        0
    }
}

/// The width of the human report: `COLUMNS` when set, else the terminal's when writing to one, else
/// the fixed default.
fn report_width(to_terminal: bool) -> Option<usize> {
    if let Some(columns) = std::env::var("COLUMNS")
        .ok()
        .and_then(|value| value.trim().parse::<usize>().ok())
        .filter(|&columns| columns > 0)
    {
        return Some(columns);
    }
    if !to_terminal {
        return None;
    }
    terminal_size::terminal_size().map(|(terminal_size::Width(width), _)| usize::from(width))
}

/// `--color`, then `NO_COLOR` (any non-empty value disables), then `CLICOLOR_FORCE`, then whether
/// standard output is a terminal.
fn use_color(choice: Option<ColorChoice>, is_terminal: bool) -> bool {
    match choice {
        Some(ColorChoice::Always) => true,
        Some(ColorChoice::Never) => false,
        Some(ColorChoice::Auto) | None => {
            let set = |name| std::env::var_os(name).is_some_and(|value| !value.is_empty());
            if set("NO_COLOR") {
                false
            } else if set("CLICOLOR_FORCE") {
                true
            } else {
                is_terminal
            }
        }
    }
}
