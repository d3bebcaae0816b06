//! Integration users: who a project says its integration user is (a profile, permission sets and
//! permission set groups, [`IntegrationUser`]) and what that resolves to among the components read
//! ([`Holdings`]): the profile, each permission set once, and the members of each group with the
//! group's muting permission set.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{GlobBuilder, GlobMatcher};

use super::names::{names_match, percent_decode};
use super::{Component, MetadataKind, PermissionContainer};
use crate::source::FilePath;

/// How a member reached the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Role {
    Profile,
    PermissionSet,
    /// A permission set contributed by this permission set group.
    GroupMember {
        group: String,
    },
}

/// One profile or permission set the user holds.
#[derive(Debug, Clone)]
pub struct Member<'a> {
    pub component: &'a Component,
    pub role: Role,
    /// The muting permission set of the group that contributes this member.
    pub muting: Option<&'a Component>,
}

impl Member<'_> {
    pub fn permissions(&self) -> Option<&PermissionContainer> {
        self.component.permissions()
    }
}

/// What one integration user holds, resolved to components.
#[derive(Debug, Clone, Default)]
pub struct Holdings<'a> {
    /// Profile first (if any), then permission sets, then group members, each once.
    pub members: Vec<Member<'a>>,
    pub groups: Vec<&'a Component>,
    /// The profile's session settings, when the project has them.
    pub session_setting: Option<&'a Component>,
}

impl<'a> Holdings<'a> {
    pub fn profile(&self) -> Option<&'a Component> {
        self.members
            .iter()
            .find(|member| member.role == Role::Profile)
            .map(|member| member.component)
    }

    /// The permission sets the user holds, directly or through a group.
    pub fn permission_sets(&self) -> impl Iterator<Item = &Member<'a>> {
        self.members
            .iter()
            .filter(|member| member.role != Role::Profile)
    }

    /// Whether any of the user's components (members, their muting permission sets, groups) is
    /// read from a file `touched` selects.
    pub fn touches(&self, touched: impl Fn(&Component) -> bool) -> bool {
        self.members
            .iter()
            .any(|member| touched(member.component) || member.muting.is_some_and(&touched))
            || self.groups.iter().any(|group| touched(group))
    }
}

/// How a configured name selects components: an API name, a glob over API names (no `/`), a glob
/// over paths relative to the project root (with `/`), or exactly one file (`--pack FILE...`).
#[derive(Debug, Clone)]
pub struct Selector {
    /// As written, for messages.
    pub pattern: String,
    how: Match,
}

#[derive(Debug, Clone)]
enum Match {
    Name,
    NameGlob(GlobMatcher),
    PathGlob(GlobMatcher),
    File(PathBuf),
}

impl Selector {
    pub fn new(pattern: &str) -> Result<Selector, String> {
        let how = if !pattern.contains(['*', '?', '[', '{']) {
            Match::Name
        } else {
            let anchored = pattern.contains('/');
            let glob = GlobBuilder::new(pattern.trim_start_matches("./"))
                .literal_separator(anchored)
                .build()
                .map_err(|error| format!("invalid pattern {pattern:?}: {error}"))?
                .compile_matcher();
            if anchored {
                Match::PathGlob(glob)
            } else {
                Match::NameGlob(glob)
            }
        };
        Ok(Selector {
            pattern: pattern.to_string(),
            how,
        })
    }

    /// The component whose main file is `path`, named `name`.
    pub fn file(name: &str, path: PathBuf) -> Selector {
        Selector {
            pattern: name.to_string(),
            how: Match::File(path),
        }
    }

    pub fn is_name(&self) -> bool {
        matches!(self.how, Match::Name)
    }

    /// Matches by API name and main file, so that files can be chosen before they are parsed.
    pub fn matches(&self, name: &str, main_file: Option<&Path>, root: &Path) -> bool {
        match &self.how {
            Match::Name => names_match(name, &self.pattern),
            Match::NameGlob(glob) => glob.is_match(name) || glob.is_match(percent_decode(name)),
            Match::PathGlob(glob) => main_file.is_some_and(|file| {
                let relative = file.strip_prefix(root).unwrap_or(file);
                glob.is_match(relative)
            }),
            Match::File(path) => main_file == Some(path.as_path()),
        }
    }

    fn matches_component(&self, component: &Component, root: &Path) -> bool {
        self.matches(&component.name, Some(&component.files[0].fs), root)
    }
}

/// One integration user as the project declares it.
#[derive(Debug, Clone)]
pub struct IntegrationUser {
    /// Shown in every finding.
    pub name: String,
    pub profile: Option<Selector>,
    pub permission_sets: Vec<Selector>,
    pub groups: Vec<Selector>,
    /// Permission sets of installed packages assigned to the user but not in source (API names).
    pub package_permission_sets: Vec<String>,
}

/// A component the project has but that could not be read: a file that does not parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    pub kind: MetadataKind,
    pub name: String,
    pub main_file: Arc<FilePath>,
}

/// The user's holdings, and what it names that the project lacks.
#[derive(Debug, Default)]
pub struct Resolution<'a> {
    pub holdings: Holdings<'a>,
    /// Named directly and not found (`profile "X" (no X.profile-meta.xml or X.profile)`).
    pub missing: Vec<String>,
    /// Named directly, present, but not readable.
    pub unreadable: Vec<Unreadable>,
    /// Group members and muting permission sets not in the project (often from managed packages):
    /// their grants are not counted.
    pub absent: Vec<String>,
    /// Group members present but not readable: their grants are not counted either.
    pub unreadable_members: Vec<Unreadable>,
}

impl Resolution<'_> {
    /// Whether the user can be checked: everything it names directly is there. Checking the rest
    /// would blame the user for grants the missing part may hold.
    pub fn is_complete(&self) -> bool {
        self.missing.is_empty() && self.unreadable.is_empty() && !self.holdings.members.is_empty()
    }
}

impl IntegrationUser {
    /// Whether a component of `kind` named `name` (main file `main_file`) may belong to this user,
    /// decided before parsing. Group members are known only once the groups are read.
    pub fn may_hold(
        &self,
        kind: MetadataKind,
        name: &str,
        main_file: Option<&Path>,
        root: &Path,
    ) -> bool {
        let selectors: &[Selector] = match kind {
            MetadataKind::Profile => self.profile.as_slice(),
            MetadataKind::PermissionSet => &self.permission_sets,
            MetadataKind::PermissionSetGroup => &self.groups,
            MetadataKind::MutingPermissionSet | MetadataKind::ProfileSessionSetting => {
                return true;
            }
        };
        selectors
            .iter()
            .any(|selector| selector.matches(name, main_file, root))
    }

    /// Finds the user's components among `components`.
    pub fn resolve<'a>(
        &self,
        components: &'a [Component],
        unreadable: &[Unreadable],
        root: &Path,
    ) -> Resolution<'a> {
        let mut by_kind_name: HashMap<(MetadataKind, &str), &Component> = HashMap::new();
        for component in components {
            by_kind_name
                .entry((component.kind, component.name.as_str()))
                .or_insert(component);
        }
        let find = |kind: MetadataKind, name: &str| -> Option<&'a Component> {
            by_kind_name.get(&(kind, name)).copied().or_else(|| {
                components
                    .iter()
                    .find(|c| c.kind == kind && names_match(&c.name, name))
            })
        };
        let select = |kind: MetadataKind, selector: &Selector| -> Vec<&'a Component> {
            let mut matched: Vec<&Component> = if selector.is_name() {
                find(kind, &selector.pattern).into_iter().collect()
            } else {
                components
                    .iter()
                    .filter(|c| c.kind == kind && selector.matches_component(c, root))
                    .collect()
            };
            matched.sort_by(|a, b| a.files[0].cmp(&b.files[0]));
            matched
        };
        let unreadable_as = |kind: MetadataKind, selector: &Selector| {
            unreadable
                .iter()
                .find(|u| u.kind == kind && selector.matches(&u.name, Some(&u.main_file.fs), root))
        };
        let mut resolution = Resolution::default();
        let mut holdings = Holdings::default();
        let mut seen: BTreeSet<(MetadataKind, &str)> = BTreeSet::new();
        let not_there = |kind: MetadataKind, selector: &Selector, resolution: &mut Resolution| {
            let pattern = &selector.pattern;
            if let Some(broken) = unreadable_as(kind, selector) {
                resolution.unreadable.push(broken.clone());
                return;
            }
            resolution.missing.push(match (kind, selector.is_name()) {
                (MetadataKind::Profile, _) => {
                    format!("profile {pattern:?} (no {pattern}.profile-meta.xml or {pattern}.profile)")
                }
                (MetadataKind::PermissionSet, true) => format!(
                    "permission set {pattern:?} (no {pattern}.permissionset-meta.xml, {pattern}.permissionset or decomposed {pattern}/ folder)"
                ),
                (MetadataKind::PermissionSetGroup, true) => format!(
                    "permission set group {pattern:?} (no {pattern}.permissionsetgroup-meta.xml or {pattern}.permissionsetgroup)"
                ),
                (kind, _) => format!("{}s matching {pattern:?}", kind.noun()),
            });
        };

        if let Some(selector) = &self.profile {
            match select(MetadataKind::Profile, selector).first() {
                Some(&component) => {
                    seen.insert((component.kind, component.name.as_str()));
                    holdings.members.push(Member {
                        component,
                        role: Role::Profile,
                        muting: None,
                    });
                    // Session settings are named after their profile, and say so inside too.
                    holdings.session_setting = components.iter().find(|candidate| {
                        candidate.session_setting().is_some_and(|setting| {
                            setting.profile.as_ref().map_or_else(
                                || names_match(&candidate.name, &component.name),
                                |named| names_match(&component.name, &named.value),
                            )
                        })
                    });
                }
                None => not_there(MetadataKind::Profile, selector, &mut resolution),
            }
        }
        for selector in &self.permission_sets {
            let matched = select(MetadataKind::PermissionSet, selector);
            if matched.is_empty() {
                not_there(MetadataKind::PermissionSet, selector, &mut resolution);
            }
            for component in matched {
                if seen.insert((component.kind, component.name.as_str())) {
                    holdings.members.push(Member {
                        component,
                        role: Role::PermissionSet,
                        muting: None,
                    });
                }
            }
        }
        for selector in &self.groups {
            let matched = select(MetadataKind::PermissionSetGroup, selector);
            if matched.is_empty() {
                not_there(MetadataKind::PermissionSetGroup, selector, &mut resolution);
            }
            for group_component in matched {
                holdings.groups.push(group_component);
                let Some(group) = group_component.group() else {
                    continue;
                };
                let name = &group_component.name;
                let muting = group
                    .muting_permission_sets
                    .first()
                    .and_then(|muting| find(MetadataKind::MutingPermissionSet, &muting.value));
                if let Some(muting_name) = group.muting_permission_sets.first()
                    && muting.is_none()
                {
                    resolution.absent.push(format!(
                        "muting permission set {:?} of group {name:?}",
                        muting_name.value
                    ));
                }
                for member in &group.permission_sets {
                    match find(MetadataKind::PermissionSet, &member.value) {
                        Some(component) => {
                            if seen.insert((component.kind, component.name.as_str())) {
                                holdings.members.push(Member {
                                    component,
                                    role: Role::GroupMember {
                                        group: group_component.name.clone(),
                                    },
                                    muting,
                                });
                            }
                        }
                        None => match unreadable.iter().find(|u| {
                            u.kind == MetadataKind::PermissionSet
                                && names_match(&u.name, &member.value)
                        }) {
                            Some(broken) => resolution.unreadable_members.push(broken.clone()),
                            None => resolution.absent.push(format!(
                                "permission set {:?}, a member of group {name:?}",
                                member.value
                            )),
                        },
                    }
                }
            }
        }
        resolution.holdings = holdings;
        resolution
    }
}

/// Names of permission sets that the groups among `components` list, for loading group members.
pub fn group_member_names(components: &[Component]) -> BTreeSet<&str> {
    components
        .iter()
        .filter_map(Component::group)
        .flat_map(|group| group.permission_sets.iter().map(|name| name.value.as_str()))
        .collect()
}
