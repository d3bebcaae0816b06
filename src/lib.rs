//! sflint: lint Salesforce DX permission metadata.
//!
//! The pipeline, top to bottom:
//! discover ([`discover`]) -> parse and assemble ([`model`]) -> built-in rules ([`checks`]) ->
//! findings ([`diagnostic`]) -> reporters ([`report`]).

pub mod catalog;
pub mod checks;
pub mod cli;
pub mod diagnostic;
pub mod discover;
pub mod explain;
pub mod model;
pub mod problem;
pub mod project;
pub mod report;
pub mod source;

use std::path::PathBuf;

use rayon::prelude::*;

use crate::catalog::Catalog;
use crate::checks::Context;
use crate::diagnostic::Diagnostic;
use crate::discover::{DiscoverOptions, Discovery, Unit};
use crate::model::Component;
use crate::problem::Problem;
use crate::project::Project;

/// What to lint and how.
#[derive(Debug, Clone)]
pub struct LintOptions {
    pub discover: DiscoverOptions,
    /// Worker threads for parsing and checking (`None`: one per core).
    pub threads: Option<usize>,
    /// The directory paths are shown relative to.
    pub cwd: PathBuf,
}

/// Everything a lint run found.
#[derive(Debug, Default)]
pub struct LintResult {
    pub project: Option<Project>,
    /// Sorted by path, line, column, rule.
    pub diagnostics: Vec<Diagnostic>,
    /// Sorted; errors among them make the run exit with 2.
    pub problems: Vec<Problem>,
    /// Number of files read.
    pub files: usize,
    /// Number of components (profiles, permission sets, ...) checked.
    pub components: usize,
}

impl LintResult {
    pub fn has_fatal_problem(&self) -> bool {
        self.problems
            .iter()
            .any(|problem| problem.level == problem::ProblemLevel::Error)
    }
}

/// One unit read and checked.
struct Checked {
    component: Option<Component>,
    diagnostics: Vec<Diagnostic>,
    problems: Vec<Problem>,
}

fn check_unit(unit: &Unit, options: &LintOptions, context: &Context<'_>) -> Checked {
    let loaded = model::assemble::load(unit, &options.cwd);
    let mut diagnostics = loaded.diagnostics;
    if let Some(component) = &loaded.component {
        diagnostics.extend(checks::check_component(component, context));
    }
    Checked {
        component: loaded.component,
        diagnostics,
        problems: loaded.problems,
    }
}

/// Runs the whole pipeline.
pub fn lint(options: &LintOptions) -> LintResult {
    let Discovery {
        project,
        units,
        mut problems,
    } = discover::discover(&options.discover, &options.cwd);
    let context = Context {
        catalog: Catalog::get(),
    };
    let run = || -> Vec<Checked> {
        units
            .par_iter()
            .map(|unit| check_unit(unit, options, &context))
            .collect()
    };
    let checked = match options.threads {
        Some(threads) => match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            Ok(pool) => pool.install(run),
            Err(error) => {
                problems.push(Problem::warning(
                    None,
                    format!("cannot start {threads} threads ({error}); using the default pool"),
                ));
                run()
            }
        },
        None => run(),
    };

    let mut diagnostics = Vec::new();
    let mut components = 0;
    for result in checked {
        components += usize::from(result.component.is_some());
        diagnostics.extend(result.diagnostics);
        problems.extend(result.problems);
    }
    diagnostics.sort_by(Diagnostic::report_order);
    problems.sort();
    LintResult {
        project,
        diagnostics,
        problems,
        files: units.iter().map(|unit| unit.files.len()).sum(),
        components,
    }
}
