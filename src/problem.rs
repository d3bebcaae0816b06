//! Problems that are not findings about metadata: a path that does not exist, an unreadable file, a
//! bad configuration. Errors make the run exit with 2; warnings are only shown.

use std::fmt;

use crate::escape;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ProblemLevel {
    Warning,
    Error,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Problem {
    pub level: ProblemLevel,
    /// The file or directory concerned, as shown to the user.
    pub path: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl Problem {
    pub fn error(path: Option<String>, message: impl Into<String>) -> Self {
        Self {
            level: ProblemLevel::Error,
            path,
            line: None,
            column: None,
            message: message.into(),
        }
    }

    pub fn warning(path: Option<String>, message: impl Into<String>) -> Self {
        Self {
            level: ProblemLevel::Warning,
            ..Self::error(path, message)
        }
    }

    pub fn at(mut self, line: Option<usize>, column: Option<usize>) -> Self {
        self.line = line;
        self.column = column;
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = match self.level {
            ProblemLevel::Warning => "warning",
            ProblemLevel::Error => "error",
        };
        write!(f, "sflint: {level}: ")?;
        if let Some(path) = &self.path {
            write!(f, "{}", escape::text(path))?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(column) = self.column {
                    write!(f, ":{column}")?;
                }
            }
            write!(f, ": ")?;
        }
        write!(f, "{}", escape::text(&self.message))
    }
}
