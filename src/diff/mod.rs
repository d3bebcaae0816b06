//! `sflint diff`: who can do what at HEAD that they could not at BASE. Each revision is a file set
//! (a [`GitTree`](crate::git::GitTree), or the disk for the work tree) with its own workspace; the
//! effective access (the union through groups minus muting, [`Access`]) of each declared
//! integration user and of each permission set, group and profile that changed is computed at both
//! and compared, and the findings of both lint runs are matched by a key that ignores line moves.
//! [`render`] writes the result as text, JSON or Markdown.

pub mod render;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::catalog::Catalog;
use crate::diagnostic::{Diagnostic, Severity};
use crate::discover::Unit;
use crate::fileset::FileSet;
use crate::model::access::{Access, implied};
use crate::model::user::{Holdings, IntegrationUser, Member, Role, Selector};
use crate::model::{AccessKind, Component, MetadataKind, ObjectAccess, ObjectFlag};
use crate::pipeline::Report;
use crate::problem::Problem;
use crate::source::display_path;
use crate::workspace::Workspace;

/// One revision as the review names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// As the user named it (`main`, `HEAD~1`), or `work tree`.
    pub name: String,
    /// The commit, for a revision of the repository; `None` for the work tree.
    pub commit: Option<String>,
}

/// One revision ready to compare: its workspace, the bytes of its files and its lint report.
pub struct Side<'a> {
    pub revision: Revision,
    pub workspace: &'a Workspace,
    pub files: &'a dyn FileSet,
    pub report: Report,
}

/// Who or what the access is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SubjectKind {
    IntegrationUser,
    Profile,
    PermissionSetGroup,
    PermissionSet,
}

impl SubjectKind {
    /// The JSON name.
    pub fn id(self) -> &'static str {
        match self {
            SubjectKind::IntegrationUser => "integration-user",
            SubjectKind::Profile => "profile",
            SubjectKind::PermissionSetGroup => "permission-set-group",
            SubjectKind::PermissionSet => "permission-set",
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            SubjectKind::IntegrationUser => "integration user",
            SubjectKind::Profile => "profile",
            SubjectKind::PermissionSetGroup => "permission set group",
            SubjectKind::PermissionSet => "permission set",
        }
    }

    fn of(kind: MetadataKind) -> Option<SubjectKind> {
        match kind {
            MetadataKind::Profile => Some(SubjectKind::Profile),
            MetadataKind::PermissionSet => Some(SubjectKind::PermissionSet),
            MetadataKind::PermissionSetGroup => Some(SubjectKind::PermissionSetGroup),
            MetadataKind::MutingPermissionSet | MetadataKind::ProfileSessionSetting => None,
        }
    }
}

/// Whether a subject exists at both revisions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Added,
    Removed,
    Changed,
}

impl Status {
    pub fn id(self) -> &'static str {
        match self {
            Status::Added => "added",
            Status::Removed => "removed",
            Status::Changed => "changed",
        }
    }
}

/// What one kind of grant names: the `type` of the JSON's `other` entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum OtherKind {
    Application,
    Tab,
    ApexClass,
    ApexPage,
    CustomPermission,
    Flow,
    CustomMetadataType,
    CustomSetting,
    ExternalDataSource,
    RecordType,
}

impl OtherKind {
    pub fn id(self) -> &'static str {
        match self {
            OtherKind::Application => "application",
            OtherKind::Tab => "tab",
            OtherKind::ApexClass => "apex-class",
            OtherKind::ApexPage => "apex-page",
            OtherKind::CustomPermission => "custom-permission",
            OtherKind::Flow => "flow",
            OtherKind::CustomMetadataType => "custom-metadata-type",
            OtherKind::CustomSetting => "custom-setting",
            OtherKind::ExternalDataSource => "external-data-source",
            OtherKind::RecordType => "record-type",
        }
    }

    pub fn noun(self) -> &'static str {
        match self {
            OtherKind::Application => "app",
            OtherKind::Tab => "tab",
            OtherKind::ApexClass => "Apex class",
            OtherKind::ApexPage => "Visualforce page",
            OtherKind::CustomPermission => "custom permission",
            OtherKind::Flow => "flow",
            OtherKind::CustomMetadataType => "custom metadata type",
            OtherKind::CustomSetting => "custom setting",
            OtherKind::ExternalDataSource => "external data source",
            OtherKind::RecordType => "record type",
        }
    }

    /// The heading of a list of them.
    pub fn plural(self) -> &'static str {
        match self {
            OtherKind::Application => "apps",
            OtherKind::Tab => "tabs",
            OtherKind::ApexClass => "Apex classes",
            OtherKind::ApexPage => "Visualforce pages",
            OtherKind::CustomPermission => "custom permissions",
            OtherKind::Flow => "flows",
            OtherKind::CustomMetadataType => "custom metadata types",
            OtherKind::CustomSetting => "custom settings",
            OtherKind::ExternalDataSource => "external data sources",
            OtherKind::RecordType => "record types",
        }
    }

    fn of(kind: AccessKind) -> OtherKind {
        match kind {
            AccessKind::Application => OtherKind::Application,
            AccessKind::Tab => OtherKind::Tab,
            AccessKind::ApexClass => OtherKind::ApexClass,
            AccessKind::ApexPage => OtherKind::ApexPage,
            AccessKind::CustomPermission => OtherKind::CustomPermission,
            AccessKind::Flow => OtherKind::Flow,
            AccessKind::CustomMetadataType => OtherKind::CustomMetadataType,
            AccessKind::CustomSetting => OtherKind::CustomSetting,
            AccessKind::ExternalDataSource => OtherKind::ExternalDataSource,
        }
    }
}

/// Field access, as granted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FieldFlag {
    Read,
    Edit,
}

impl FieldFlag {
    pub fn id(self) -> &'static str {
        match self {
            FieldFlag::Read => "read",
            FieldFlag::Edit => "edit",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FieldFlag::Read => "Read",
            FieldFlag::Edit => "Edit",
        }
    }
}

/// What was gained or lost, grouped; each list sorted with high-risk entries first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// API names, with whether each is high-risk.
    pub user_permissions: Vec<(String, bool)>,
    /// (object, flag, high-risk), by flag then object.
    pub object_access: Vec<(String, ObjectFlag, bool)>,
    /// (`Object.Field`, flag), by flag then field.
    pub field_access: Vec<(String, FieldFlag)>,
    pub other: Vec<(OtherKind, String)>,
}

impl Changes {
    pub fn is_empty(&self) -> bool {
        self.count() == 0
    }

    pub fn count(&self) -> usize {
        self.user_permissions.len()
            + self.object_access.len()
            + self.field_access.len()
            + self.other.len()
    }

    /// The high-risk entries: user permissions, then object access.
    pub fn high_risk(&self) -> Vec<String> {
        self.user_permissions
            .iter()
            .filter(|(_, risky)| *risky)
            .map(|(name, _)| name.clone())
            .chain(
                self.object_access
                    .iter()
                    .filter(|(_, _, risky)| *risky)
                    .map(|(object, flag, _)| format!("{} on {object}", flag.label())),
            )
            .collect()
    }
}

/// One integration user, permission set, group or profile whose effective access changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subject {
    pub kind: SubjectKind,
    /// At HEAD (at BASE when removed).
    pub name: String,
    /// The name at BASE of a component whose file was renamed.
    pub renamed_from: Option<String>,
    /// The main file (as shown), at HEAD unless removed; `None` for an integration user.
    pub path: Option<String>,
    pub status: Status,
    pub gained: Changes,
    pub lost: Changes,
}

/// A finding present at one revision and not the other.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FindingChange {
    pub rule: String,
    pub severity: Severity,
    pub message: String,
    pub path: String,
    pub line: u32,
    pub column: u32,
    pub element: String,
    pub integration: Option<String>,
}

/// The review.
#[derive(Debug, Clone)]
pub struct Review {
    pub base: Revision,
    pub head: Revision,
    /// Integration users first, then profiles, groups and permission sets, each by name.
    pub subjects: Vec<Subject>,
    pub appeared: Vec<FindingChange>,
    pub disappeared: Vec<FindingChange>,
    /// What went wrong reading either revision, each message led by the revision.
    pub problems: Vec<Problem>,
}

impl Review {
    /// Whether any subject gains a high-risk grant.
    pub fn gains_high_risk(&self) -> bool {
        self.subjects
            .iter()
            .any(|subject| !subject.gained.high_risk().is_empty())
    }

    pub fn gains_anything(&self) -> bool {
        self.subjects
            .iter()
            .any(|subject| !subject.gained.is_empty())
    }
}

/// User permissions that are high-risk when gained: View All Data, Modify All Data and the
/// catalog's dangerous permissions (Author Apex, Modify Metadata, Manage Users, ...).
pub fn is_high_risk_permission(name: &str, catalog: &Catalog) -> bool {
    matches!(name, "ViewAllData" | "ModifyAllData")
        || catalog.dangerous.iter().any(|danger| danger.name == name)
}

/// Object flags that are high-risk when gained: every record of the object, whoever owns it.
pub fn is_high_risk_flag(flag: ObjectFlag) -> bool {
    matches!(flag, ObjectFlag::ViewAll | ObjectFlag::ModifyAll)
}

/// Effective access in comparable form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Effective {
    user_permissions: BTreeSet<String>,
    /// After the implications between flags (Modify All implies the rest, Edit implies Read).
    objects: BTreeMap<String, ObjectAccess>,
    fields: BTreeMap<String, (bool, bool)>,
    other: BTreeSet<(OtherKind, String)>,
}

impl Effective {
    fn of(holdings: &Holdings) -> Effective {
        let access = Access::of(holdings, |_, _| true);
        Effective {
            user_permissions: access
                .user_permissions
                .keys()
                .map(|name| name.to_string())
                .collect(),
            objects: access
                .objects
                .iter()
                .map(|(object, written)| (object.to_string(), implied(*written)))
                .filter(|(_, access)| !access.is_empty())
                .collect(),
            fields: access
                .fields
                .iter()
                .filter(|(_, grant)| grant.readable || grant.editable)
                .map(|(field, grant)| (field.to_string(), (grant.readable, grant.editable)))
                .collect(),
            other: access
                .record_types
                .keys()
                .map(|name| (OtherKind::RecordType, name.to_string()))
                .chain(
                    holdings
                        .members
                        .iter()
                        .filter_map(|member| member.component.permissions())
                        .flat_map(|container| &container.grants.access)
                        .filter(|grant| grant.granted)
                        .map(|grant| (OtherKind::of(grant.kind), grant.name.value.to_string())),
                )
                .collect(),
        }
    }

    /// What `self` has that `other` has not.
    fn minus(&self, other: &Effective, catalog: &Catalog) -> Changes {
        let mut changes = Changes::default();
        for name in self.user_permissions.difference(&other.user_permissions) {
            changes
                .user_permissions
                .push((name.clone(), is_high_risk_permission(name, catalog)));
        }
        for (object, access) in &self.objects {
            let before = other
                .objects
                .get(object)
                .copied()
                .unwrap_or(ObjectAccess::NONE);
            for flag in access.minus(before).flags() {
                changes
                    .object_access
                    .push((object.clone(), flag, is_high_risk_flag(flag)));
            }
        }
        for (field, &(readable, editable)) in &self.fields {
            let (was_readable, was_editable) =
                other.fields.get(field).copied().unwrap_or((false, false));
            if readable && !was_readable {
                changes.field_access.push((field.clone(), FieldFlag::Read));
            }
            if editable && !was_editable {
                changes.field_access.push((field.clone(), FieldFlag::Edit));
            }
        }
        changes.other = self.other.difference(&other.other).cloned().collect();
        changes
            .user_permissions
            .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        changes.object_access.sort_by(|a, b| {
            b.2.cmp(&a.2)
                .then_with(|| flag_order(a.1).cmp(&flag_order(b.1)))
                .then_with(|| a.0.cmp(&b.0))
        });
        changes
            .field_access
            .sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        changes
    }
}

/// Flags from the widest (Modify All Records) down to Read.
fn flag_order(flag: ObjectFlag) -> usize {
    [
        ObjectFlag::ModifyAll,
        ObjectFlag::ViewAll,
        ObjectFlag::ViewAllFields,
        ObjectFlag::Delete,
        ObjectFlag::Edit,
        ObjectFlag::Create,
        ObjectFlag::Read,
    ]
    .iter()
    .position(|candidate| *candidate == flag)
    .unwrap_or(usize::MAX)
}

/// A unit by kind and API name.
type UnitKey = (MetadataKind, String);

/// The bytes of a unit's files, by their names within the unit (`None`: unreadable).
type UnitContents = Vec<(String, Option<Vec<u8>>)>;

/// One revision's components, read for the review.
struct Loaded {
    components: Vec<Component>,
    /// The bytes of each unit's files (relative to the unit's folder for a decomposed permission
    /// set), by (kind, name), to tell which changed.
    contents: HashMap<UnitKey, UnitContents>,
    /// The main file of each unit, by (kind, name).
    main_files: HashMap<(MetadataKind, String), PathBuf>,
}

fn all_units(workspace: &Workspace) -> Vec<&Unit> {
    let mut seen = HashSet::new();
    workspace
        .targets
        .iter()
        .chain(&workspace.others)
        .chain(&workspace.excluded)
        .filter(|unit| seen.insert(unit.files[0].fs.clone()))
        .collect()
}

/// The bytes of a unit's files, named relative to the unit (the folder of a decomposed permission
/// set, else the file name), so that a file moved with its unit compares equal.
fn unit_contents(unit: &Unit, files: &dyn FileSet) -> UnitContents {
    let base = if unit.decomposed {
        unit.files[0]
            .fs
            .ancestors()
            .find(|dir| {
                dir.file_name()
                    .is_some_and(|name| name == unit.name.as_str())
            })
            .map(Path::to_path_buf)
    } else {
        None
    };
    unit.files
        .iter()
        .map(|file| {
            let name = match &base {
                Some(base) => display_path(&file.fs, base),
                None => file
                    .fs
                    .file_name()
                    .map(|name| name.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            };
            (name, files.read(&file.fs).ok())
        })
        .collect()
}

fn key_of(unit: &Unit) -> (MetadataKind, String) {
    (unit.kind, unit.name.clone())
}

/// The bytes of every unit of a revision, to tell what changed; nothing is parsed yet.
fn read_side(side: &Side, pool_threads: Option<usize>) -> Loaded {
    let units = all_units(side.workspace);
    let contents: Vec<UnitContents> = run(pool_threads, || {
        units
            .par_iter()
            .map(|unit| unit_contents(unit, side.files))
            .collect()
    });
    let mut out = Loaded {
        components: Vec::new(),
        contents: HashMap::new(),
        main_files: HashMap::new(),
    };
    for (unit, contents) in units.iter().zip(contents) {
        out.main_files
            .entry(key_of(unit))
            .or_insert_with(|| unit.files[0].fs.clone());
        out.contents.entry(key_of(unit)).or_insert(contents);
    }
    out
}

/// Parses what the review needs of a revision: every group, muting permission set and session
/// setting (small), the units of `wanted`, what integration users may hold, then the members of
/// the groups. An unchanged profile nobody holds (often the largest files) is never parsed.
fn parse_side(
    side: &Side,
    loaded: &mut Loaded,
    wanted: &HashSet<UnitKey>,
    pool_threads: Option<usize>,
) {
    let workspace = side.workspace;
    let units = all_units(workspace);
    let parse = |pick: Vec<&Unit>| -> Vec<Component> {
        run(pool_threads, || {
            pick.par_iter()
                .filter_map(|unit| crate::load::load(unit, side.files).component)
                .collect()
        })
    };
    let first: Vec<&Unit> = units
        .iter()
        .copied()
        .filter(|unit| {
            !matches!(
                unit.kind,
                MetadataKind::Profile | MetadataKind::PermissionSet
            ) || wanted.contains(&key_of(unit))
                || workspace.may_be_held(unit.kind, &unit.name, &unit.files[0])
        })
        .collect();
    let taken: HashSet<&Path> = first
        .iter()
        .map(|unit| unit.files[0].fs.as_path())
        .collect();
    loaded.components = parse(first.clone());
    let members = crate::model::user::group_member_names(&loaded.components);
    let second: Vec<&Unit> = units
        .iter()
        .copied()
        .filter(|unit| {
            unit.kind == MetadataKind::PermissionSet
                && !taken.contains(unit.files[0].fs.as_path())
                && members
                    .iter()
                    .any(|member| crate::model::names::names_match(&unit.name, member))
        })
        .collect();
    let more = parse(second);
    loaded.components.extend(more);
}

fn run<T: Send>(threads: Option<usize>, work: impl FnOnce() -> T + Send) -> T {
    match threads.and_then(|threads| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .ok()
    }) {
        Some(pool) => pool.install(work),
        None => work(),
    }
}

/// The effective access of one component alone: a profile or permission set, or a group's members
/// minus its muting permission set.
fn component_access(component: &Component, components: &[Component], root: &Path) -> Effective {
    match component.kind {
        MetadataKind::PermissionSetGroup => {
            let user = IntegrationUser {
                name: component.name.clone(),
                profile: None,
                permission_sets: Vec::new(),
                groups: vec![Selector::file(
                    &component.name,
                    component.files[0].fs.clone(),
                )],
                package_permission_sets: Vec::new(),
            };
            Effective::of(&user.resolve(components, &[], root).holdings)
        }
        _ => Effective::of(&Holdings {
            members: vec![Member {
                component,
                role: if component.kind == MetadataKind::Profile {
                    Role::Profile
                } else {
                    Role::PermissionSet
                },
                muting: None,
            }],
            groups: Vec::new(),
            session_setting: None,
        }),
    }
}

/// Compares two revisions. `renames` pairs files renamed from BASE to HEAD (absolute paths).
pub fn review(
    base: &Side,
    head: &Side,
    renames: &[(PathBuf, PathBuf)],
    threads: Option<usize>,
) -> Review {
    let catalog = Catalog::get();
    let renamed: HashMap<&Path, &Path> = renames
        .iter()
        .map(|(from, to)| (from.as_path(), to.as_path()))
        .collect();
    let (mut old, mut new) = rayon::join(|| read_side(base, threads), || read_side(head, threads));

    // Units at HEAD whose main file was renamed from a unit's at BASE: (kind, head name) -> base name.
    let head_by_main: HashMap<&Path, &(MetadataKind, String)> = new
        .main_files
        .iter()
        .map(|(key, path)| (path.as_path(), key))
        .collect();
    let mut from_base: HashMap<(MetadataKind, String), String> = HashMap::new();
    for (key, path) in &old.main_files {
        if let Some(to) = renamed.get(path.as_path())
            && let Some(head_key) = head_by_main.get(to)
            && head_key.0 == key.0
            && **head_key != *key
            && !new.main_files.contains_key(key)
        {
            from_base.insert((*head_key).clone(), key.1.clone());
        }
    }
    let base_name = |key: &(MetadataKind, String)| -> (MetadataKind, String) {
        match from_base.get(key) {
            Some(name) => (key.0, name.clone()),
            None => key.clone(),
        }
    };
    let renamed_away: HashSet<(MetadataKind, String)> = from_base
        .iter()
        .map(|(key, name)| (key.0, name.clone()))
        .collect();

    // Units whose files differ (or exist on one side only), by HEAD key, and BASE-only keys.
    let mut changed: BTreeSet<(MetadataKind, String)> = BTreeSet::new();
    for (key, contents) in &new.contents {
        if old.contents.get(&base_name(key)) != Some(contents) {
            changed.insert(key.clone());
        }
    }
    let removed: BTreeSet<(MetadataKind, String)> = old
        .contents
        .keys()
        .filter(|key| !new.contents.contains_key(*key) && !renamed_away.contains(*key))
        .cloned()
        .collect();
    let wanted_head: HashSet<UnitKey> = changed.iter().cloned().collect();
    let wanted_base: HashSet<UnitKey> = changed
        .iter()
        .map(&base_name)
        .chain(removed.iter().cloned())
        .collect();
    rayon::join(
        || parse_side(base, &mut old, &wanted_base, threads),
        || parse_side(head, &mut new, &wanted_head, threads),
    );
    // A changed member or muting permission set changes its groups.
    let touched_names: HashSet<&str> = changed
        .iter()
        .chain(&removed)
        .filter(|(kind, _)| {
            matches!(
                kind,
                MetadataKind::PermissionSet | MetadataKind::MutingPermissionSet
            )
        })
        .map(|(_, name)| name.as_str())
        .collect();
    let group_touched = |components: &[Component]| -> Vec<String> {
        components
            .iter()
            .filter_map(|component| Some((component, component.group()?)))
            .filter(|(_, group)| {
                group
                    .permission_sets
                    .iter()
                    .chain(&group.muting_permission_sets)
                    .any(|name| touched_names.contains(name.value.as_str()))
            })
            .map(|(component, _)| component.name.clone())
            .collect()
    };
    let mut subjects_to_compare: BTreeSet<(MetadataKind, String)> = changed.clone();
    subjects_to_compare.extend(removed.iter().cloned());
    for name in group_touched(&new.components) {
        subjects_to_compare.insert((MetadataKind::PermissionSetGroup, name));
    }
    for name in group_touched(&old.components) {
        let key = (MetadataKind::PermissionSetGroup, name);
        // A group of BASE known at HEAD under another name is compared under that name.
        let head_key = from_base
            .iter()
            .find(|(head, base)| head.0 == key.0 && **base == key.1)
            .map(|(head, _)| head.clone())
            .unwrap_or(key);
        subjects_to_compare.insert(head_key);
    }

    let find = |components: &'_ [Component], key: &(MetadataKind, String)| -> Option<usize> {
        components
            .iter()
            .position(|component| component.kind == key.0 && component.name == key.1)
    };
    let mut subjects = Vec::new();
    for key in &subjects_to_compare {
        let Some(kind) = SubjectKind::of(key.0) else {
            continue;
        };
        let is_removed = removed.contains(key);
        let before_key = if is_removed {
            key.clone()
        } else {
            base_name(key)
        };
        let before = find(&old.components, &before_key).map(|index| {
            component_access(
                &old.components[index],
                &old.components,
                &base.workspace.root,
            )
        });
        let after = if is_removed {
            None
        } else {
            find(&new.components, key).map(|index| {
                component_access(
                    &new.components[index],
                    &new.components,
                    &head.workspace.root,
                )
            })
        };
        let path = if is_removed {
            old.main_files.get(key)
        } else {
            new.main_files.get(key)
        }
        .map(|path| display_path(path, &head.workspace.display_base));
        if let Some(subject) = compare(
            kind,
            key.1.clone(),
            from_base.get(key).cloned(),
            path,
            before.as_ref(),
            after.as_ref(),
            catalog,
        ) {
            subjects.push(subject);
        }
    }

    // Integration users, each by its own revision's declaration.
    let users = |side: &Side| -> BTreeMap<String, IntegrationUser> {
        side.workspace
            .integrations
            .iter()
            .map(|integration| (integration.user.name.clone(), integration.user.clone()))
            .collect()
    };
    let (base_users, head_users) = (users(base), users(head));
    let names: BTreeSet<&String> = base_users.keys().chain(head_users.keys()).collect();
    let mut user_subjects = Vec::new();
    for name in names {
        let access = |users: &BTreeMap<String, IntegrationUser>, loaded: &Loaded, root: &Path| {
            users
                .get(name)
                .map(|user| Effective::of(&user.resolve(&loaded.components, &[], root).holdings))
        };
        let before = access(&base_users, &old, &base.workspace.root);
        let after = access(&head_users, &new, &head.workspace.root);
        if let Some(subject) = compare(
            SubjectKind::IntegrationUser,
            name.clone(),
            None,
            None,
            before.as_ref(),
            after.as_ref(),
            catalog,
        ) {
            user_subjects.push(subject);
        }
    }
    user_subjects.extend(subjects);
    let mut subjects = user_subjects;
    subjects.sort_by(|a, b| a.kind.cmp(&b.kind).then_with(|| a.name.cmp(&b.name)));

    let (appeared, disappeared) = compare_findings(base, head, &renamed);
    let mut problems = Vec::new();
    for side in [base, head] {
        for problem in &side.report.problems {
            let mut problem = problem.clone();
            problem.message = format!(
                "{}: {}",
                crate::escape::text(&side.revision.name),
                problem.message
            );
            problems.push(problem);
        }
    }
    Review {
        base: base.revision.clone(),
        head: head.revision.clone(),
        subjects,
        appeared,
        disappeared,
        problems,
    }
}

fn compare(
    kind: SubjectKind,
    name: String,
    renamed_from: Option<String>,
    path: Option<String>,
    before: Option<&Effective>,
    after: Option<&Effective>,
    catalog: &Catalog,
) -> Option<Subject> {
    let empty = Effective::default();
    let status = match (before, after) {
        (None, None) => return None,
        (None, Some(_)) => Status::Added,
        (Some(_), None) => Status::Removed,
        (Some(_), Some(_)) => Status::Changed,
    };
    let (before, after) = (before.unwrap_or(&empty), after.unwrap_or(&empty));
    let gained = after.minus(before, catalog);
    let lost = before.minus(after, catalog);
    if gained.is_empty() && lost.is_empty() && status == Status::Changed {
        return None;
    }
    Some(Subject {
        kind,
        name,
        renamed_from,
        path,
        status,
        gained,
        lost,
    })
}

type FindingKey = (String, String, String, Option<String>);

fn finding_key(finding: &Diagnostic, path: &Path, base: &Path) -> FindingKey {
    (
        finding.rule.to_string(),
        display_path(path, base),
        finding.element.clone(),
        finding
            .origin
            .as_ref()
            .map(|origin| origin.integration.clone()),
    )
}

fn finding_change(finding: &Diagnostic) -> FindingChange {
    FindingChange {
        rule: finding.rule.to_string(),
        severity: finding.severity,
        message: finding.message.clone(),
        path: finding.path().to_string(),
        line: finding.line(),
        column: finding.column(),
        element: finding.element.clone(),
        integration: finding
            .origin
            .as_ref()
            .map(|origin| origin.integration.clone()),
    }
}

/// Findings of HEAD that BASE did not have and the reverse, matched by rule, path (followed
/// through renames), logical element and integration, as baselines match them: moving a line
/// neither adds nor removes a finding.
fn compare_findings(
    base: &Side,
    head: &Side,
    renamed: &HashMap<&Path, &Path>,
) -> (Vec<FindingChange>, Vec<FindingChange>) {
    let shown_base = &head.workspace.display_base;
    let base_key = |finding: &Diagnostic| {
        let path = finding.location.path.fs.as_path();
        let path = renamed.get(path).copied().unwrap_or(path);
        finding_key(finding, path, shown_base)
    };
    let head_key =
        |finding: &Diagnostic| finding_key(finding, &finding.location.path.fs, shown_base);
    let mut counts: HashMap<FindingKey, isize> = HashMap::new();
    for finding in &base.report.diagnostics {
        *counts.entry(base_key(finding)).or_default() += 1;
    }
    let mut appeared = Vec::new();
    for finding in &head.report.diagnostics {
        let count = counts.entry(head_key(finding)).or_default();
        if *count > 0 {
            *count -= 1;
        } else {
            appeared.push(finding_change(finding));
        }
    }
    let mut left: HashMap<FindingKey, isize> = HashMap::new();
    for finding in &head.report.diagnostics {
        *left.entry(head_key(finding)).or_default() += 1;
    }
    let mut disappeared = Vec::new();
    for finding in &base.report.diagnostics {
        let count = left.entry(base_key(finding)).or_default();
        if *count > 0 {
            *count -= 1;
        } else {
            disappeared.push(finding_change(finding));
        }
    }
    (appeared, disappeared)
}
