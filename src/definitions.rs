//! The rest of the project as rules consult it: the [`Inventory`] of what exists, and what an
//! object's definition files say, read from the file set the first time a rule asks about that
//! object and kept for the run. A project's field files are many and small; a run reads those of
//! the objects its permission files grant field or object access on, and a run whose rules never
//! ask reads none. The OAuth policies of connected apps and External Client Apps, which vendor packs
//! check, are read the same way, keeping their text so that findings can point into them.

use std::collections::HashMap;

use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use crate::fileset::FileSet;
use crate::inventory::{ComponentKind, Inventory, ObjectFiles};
use crate::model::definition::{self, DefinitionError, FieldDefinition, ObjectDefinition};
use crate::model::oauth::{self, Family, OauthPolicies};
use crate::model::parse;
use crate::problem::Problem;
use crate::source::{FilePath, SourceText, display_path};

/// What a rule learns about a name a permission file uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Presence<'a, T: ?Sized> {
    /// The project defines it.
    Defined(&'a T),
    /// The project defines its object (or holds components of its kind) but not it.
    Missing,
    /// Nothing can be said: a standard or installed-package name, a kind or object the project
    /// does not hold, or one exclusion may have hidden.
    Unknown,
}

/// A file of OAuth policies, read: where it is, what it says, and its text.
#[derive(Debug)]
pub struct OauthFile {
    pub path: Arc<FilePath>,
    pub policies: OauthPolicies,
    text: SourceText,
}

/// What the project says of an app's OAuth policies.
#[derive(Debug, Clone, Copy)]
pub enum OauthLookup<'d> {
    Found(&'d OauthFile),
    /// The project has a file that may hold them but it cannot be read (a problem says why).
    Unreadable(&'d Path),
    /// No file of the project holds them.
    Absent,
}

/// A file read, or the path of one that could not be.
type Read<T> = Result<T, PathBuf>;

/// The project's definitions, read on demand.
pub struct Definitions<'a> {
    inventory: &'a Inventory,
    /// The project's own namespace prefix.
    namespace: Option<&'a str>,
    files: &'a dyn FileSet,
    display_base: &'a Path,
    /// Every object of the inventory, by its name as written in the file names, with what its
    /// files say once read.
    objects: FxHashMap<&'a str, ObjectEntry<'a>>,
    /// Object names as [`same_name`] matches them (ASCII lower case, the project's own namespace
    /// prefix left out), so that a name written another way is found without a scan.
    object_keys: FxHashMap<String, &'a str>,
    /// Whether the project defines custom objects of its own.
    defines_own_objects: bool,
    /// Connected apps by name.
    connected_apps: HashMap<&'a str, OnceLock<Read<OauthFile>>>,
    /// Every External Client App OAuth policies file, read the first time one is asked for: the
    /// app they belong to is in the file, not in its name.
    eca_oauth_policies: OnceLock<Vec<Read<OauthFile>>>,
    problems: Mutex<Vec<Problem>>,
}

impl<'a> Definitions<'a> {
    pub fn new(
        inventory: &'a Inventory,
        namespace: Option<&'a str>,
        files: &'a dyn FileSet,
        display_base: &'a Path,
    ) -> Self {
        Definitions {
            inventory,
            namespace,
            files,
            display_base,
            objects: inventory
                .objects
                .iter()
                .map(|(name, files)| {
                    let entry = ObjectEntry {
                        files,
                        read: OnceLock::new(),
                    };
                    (name.as_str(), entry)
                })
                .collect(),
            connected_apps: inventory
                .components_of(ComponentKind::ConnectedApp)
                .map(|(name, _)| (name, OnceLock::new()))
                .collect(),
            eca_oauth_policies: OnceLock::new(),
            problems: Mutex::new(Vec::new()),
            object_keys: inventory
                .objects
                .keys()
                .map(|name| (match_key(name, namespace), name.as_str()))
                .collect(),
            defines_own_objects: inventory.objects.iter().any(|(name, files)| {
                files.definition.is_some() && is_custom_name(name) && is_own_name(name, namespace)
            }),
        }
    }

    pub fn inventory(&self) -> &'a Inventory {
        self.inventory
    }

    /// What the definition files of `object` say, read once; `None` if the project has no files
    /// for it.
    pub fn object(&self, object: &str) -> Option<&ObjectDefinition> {
        let entry = self.entry(object)?;
        Some(entry.read.get_or_init(|| self.read_object(entry.files)))
    }

    /// Whether the project defines the custom object `object` itself (its `.object-meta.xml` or
    /// `.object`). Missing only for a custom object of the project's own namespace, in a project
    /// that defines custom objects of its own, where no exclusion may have hidden it; an object
    /// the project only adds fields to is defined elsewhere, so Unknown.
    pub fn custom_object(&self, object: &str) -> Presence<'_, ObjectFiles> {
        if is_template(object) {
            return Presence::Unknown;
        }
        match self.object_files(object) {
            Some((_, files)) if files.definition.is_some() => return Presence::Defined(files),
            Some(_) => return Presence::Unknown,
            None => {}
        }
        let hidden = &self.inventory.hidden;
        if is_custom_name(object)
            && self.is_own(object)
            && self.defines_own_objects
            && !hidden.all_objects
            && !hidden.objects.contains(object)
        {
            Presence::Missing
        } else {
            Presence::Unknown
        }
    }

    /// Whether the project defines `Object.Field`.
    pub fn field(&self, object: &str, field: &str) -> Presence<'_, FieldDefinition> {
        if is_template(object) || is_template(field) {
            return Presence::Unknown;
        }
        if let Some(found) = self
            .object(object)
            .and_then(|read| find(&read.fields, field, self.namespace))
        {
            return Presence::Defined(found);
        }
        if is_custom_name(field) && self.can_miss_part(object, field) {
            Presence::Missing
        } else {
            Presence::Unknown
        }
    }

    /// Whether the project defines the record type `Object.Name`.
    pub fn record_type(&self, object: &str, name: &str) -> Presence<'_, ()> {
        if is_template(object) || is_template(name) {
            return Presence::Unknown;
        }
        if self.object(object).is_some_and(|read| {
            read.record_types
                .iter()
                .any(|known| same_name(known, name, self.namespace))
        }) {
            return Presence::Defined(&());
        }
        if self.can_miss_part(object, name) {
            Presence::Missing
        } else {
            Presence::Unknown
        }
    }

    /// Whether the project defines the component `name` of `kind`.
    pub fn component(&self, kind: ComponentKind, name: &str) -> Presence<'_, Path> {
        if is_template(name) {
            return Presence::Unknown;
        }
        if let Some(path) = self.inventory.component(kind, name).or_else(|| {
            self.inventory
                .components_of(kind)
                .find(|(known, _)| same_name(known, name, self.namespace))
                .map(|(_, path)| path)
        }) {
            return Presence::Defined(path);
        }
        if self.inventory.holds_kind(kind)
            && !self.inventory.hidden.kinds.contains(&kind)
            && self.is_own(name)
            && !is_standard_component(kind, name)
        {
            Presence::Missing
        } else {
            Presence::Unknown
        }
    }

    /// Whether `name` is the project's own: no namespace prefix, or the project's.
    pub fn is_own(&self, name: &str) -> bool {
        is_own_name(name, self.namespace)
    }

    /// The OAuth policies of the connected app `name` (matched whatever its case, as Salesforce's
    /// API names are): its `.connectedApp-meta.xml` or `.connectedApp`, read once.
    pub fn connected_app(&self, name: &str) -> OauthLookup<'_> {
        let Some((&key, cell)) = self.connected_apps.get_key_value(name).or_else(|| {
            self.connected_apps
                .iter()
                .find(|(key, _)| key.eq_ignore_ascii_case(name))
        }) else {
            return OauthLookup::Absent;
        };
        let read = cell.get_or_init(|| {
            let path = self
                .inventory
                .component(ComponentKind::ConnectedApp, key)
                .unwrap_or(Path::new(""));
            self.read_oauth(path, oauth::parse_connected_app)
        });
        match read {
            Ok(file) => OauthLookup::Found(file),
            Err(path) => OauthLookup::Unreadable(path),
        }
    }

    /// The OAuth policies of the External Client App `name`: the `.ecaOauthPlcy-meta.xml` (or
    /// `.ecaOauthPlcy`) whose `<externalClientApplication>` names it, whatever the case. The app's
    /// own `.eca-meta.xml` need not be in the project (a package installs it; the policies are the
    /// org's).
    pub fn external_client_app(&self, name: &str) -> OauthLookup<'_> {
        let all = self.eca_oauth_policies.get_or_init(|| {
            self.inventory
                .components_of(ComponentKind::EcaOauthPolicies)
                .map(|(_, path)| self.read_oauth(path, oauth::parse_eca_oauth_policies))
                .collect()
        });
        let names_it = |file: &&OauthFile| {
            file.policies
                .external_client_application
                .as_deref()
                .is_some_and(|app| app.eq_ignore_ascii_case(name))
        };
        if let Some(file) = all
            .iter()
            .filter_map(|read| read.as_ref().ok())
            .find(names_it)
        {
            return OauthLookup::Found(file);
        }
        match all.iter().find_map(|read| read.as_ref().err()) {
            Some(path) => OauthLookup::Unreadable(path),
            None => OauthLookup::Absent,
        }
    }

    /// The OAuth policies of the app `name` of `family`.
    pub fn oauth(&self, family: Family, name: &str) -> OauthLookup<'_> {
        match family {
            Family::ConnectedApp => self.connected_app(name),
            Family::ExternalClientApp => self.external_client_app(name),
        }
    }

    /// The texts of the OAuth policy files read, for locating findings in them.
    pub fn oauth_sources(&self) -> Vec<(Arc<FilePath>, SourceText)> {
        let apps = self
            .connected_apps
            .values()
            .filter_map(|cell| cell.get()?.as_ref().ok());
        let ecas = self
            .eca_oauth_policies
            .get()
            .into_iter()
            .flatten()
            .filter_map(|read| read.as_ref().ok());
        apps.chain(ecas)
            .map(|file| (Arc::clone(&file.path), file.text.clone()))
            .collect()
    }

    /// What went wrong reading definition files, sorted.
    pub fn into_problems(self) -> Vec<Problem> {
        let mut problems = self
            .problems
            .into_inner()
            .unwrap_or_else(|poison| poison.into_inner());
        problems.sort();
        problems
    }

    /// A part (field or record type) `name` of `object` is missing only where the project defines
    /// the object itself (its `.object-meta.xml` or `.object`), so that the object comes from here
    /// with all its parts; the object is custom; neither it nor the part belongs to another
    /// namespace; and no exclusion hid any of the object's files. (Fields must be custom too:
    /// standard fields exist on every object.)
    fn can_miss_part(&self, object: &str, name: &str) -> bool {
        let Some((_, files)) = self.object_files(object) else {
            return false;
        };
        files.definition.is_some()
            && is_custom_name(object)
            && self.is_own(object)
            && self.is_own(name)
            && !self.inventory.object_may_be_hidden(object)
    }

    /// The files of `object`, found as [`same_name`] finds names.
    fn object_files(&self, object: &str) -> Option<(&'a str, &'a ObjectFiles)> {
        let (name, entry) = self.entry_named(object)?;
        Some((name, entry.files))
    }

    fn entry(&self, object: &str) -> Option<&ObjectEntry<'a>> {
        self.entry_named(object).map(|(_, entry)| entry)
    }

    /// The object `object` names, found as [`same_name`] finds names, with its name as the
    /// inventory spells it.
    fn entry_named(&self, object: &str) -> Option<(&'a str, &ObjectEntry<'a>)> {
        if self.objects.is_empty() {
            return None;
        }
        let (name, entry) = match self.objects.get_key_value(object) {
            Some(found) => found,
            None => {
                let name = self.object_keys.get(&match_key(object, self.namespace))?;
                self.objects.get_key_value(*name)?
            }
        };
        Some((*name, entry))
    }

    fn read_object(&self, files: &ObjectFiles) -> ObjectDefinition {
        if files.is_single_file() {
            let path = files.definition.as_deref().unwrap_or(Path::new(""));
            return self
                .read(path, definition::parse_object)
                .unwrap_or_default();
        }
        let mut object = ObjectDefinition::default();
        for (name, path) in &files.fields {
            // A field whose file cannot be read is still known to exist.
            let field = self.read(path, definition::parse_field).unwrap_or_default();
            object.fields.insert(name.clone(), field);
        }
        object
            .record_types
            .extend(files.record_types.keys().cloned());
        object
    }

    fn read<T>(
        &self,
        path: &Path,
        parse: impl FnOnce(&str) -> Result<T, DefinitionError>,
    ) -> Option<T> {
        self.read_source(path, parse).map(|(value, _)| value)
    }

    fn read_oauth(
        &self,
        path: &Path,
        parse: impl FnOnce(&str) -> Result<OauthPolicies, DefinitionError>,
    ) -> Read<OauthFile> {
        match self.read_source(path, parse) {
            Some((policies, text)) => Ok(OauthFile {
                path: FilePath::new(path.to_path_buf(), self.display_base),
                policies,
                text,
            }),
            None => Err(path.to_path_buf()),
        }
    }

    /// The file parsed, with its text; `None` after recording why it could not be.
    fn read_source<T>(
        &self,
        path: &Path,
        parse: impl FnOnce(&str) -> Result<T, DefinitionError>,
    ) -> Option<(T, SourceText)> {
        let result = self
            .files
            .read(path)
            .map_err(|message| (None, message))
            .and_then(|bytes| {
                let source = parse::decode(bytes, 0).map_err(|error| {
                    let line = (error.span.line > 0).then_some(error.span.line as usize);
                    (line, error.message)
                })?;
                let value = parse(source.text())
                    .map_err(|error| (Some(error.line as usize), error.message))?;
                Ok((value, source))
            });
        match result {
            Ok(value) => Some(value),
            Err((line, message)) => {
                let shown = display_path(path, self.display_base);
                self.problems
                    .lock()
                    .unwrap_or_else(|poison| poison.into_inner())
                    .push(
                        Problem::warning(
                            Some(shown),
                            format!("{message}; the checks that need this definition skip it"),
                        )
                        .at(line, None),
                    );
                None
            }
        }
    }
}

/// The namespace prefix of an API name (`ns__Object__c`, `ns__Field__c`, `ns.Class`), if it has one.
pub fn namespace_of(name: &str) -> Option<&str> {
    if let Some((prefix, _)) = name.split_once('.') {
        return Some(prefix);
    }
    let stem = name
        .strip_suffix("__c")
        .or_else(|| name.strip_suffix("__mdt"))
        .or_else(|| name.strip_suffix("__e"))
        .or_else(|| name.strip_suffix("__x"))
        .or_else(|| name.strip_suffix("__b"))
        .unwrap_or(name);
    stem.split_once("__").map(|(prefix, _)| prefix)
}

/// Whether a name a permission file writes (`written`) names what the project calls `known`:
/// Salesforce matches API names without regard to case, and a package's source leaves its own
/// namespace prefix out of file names (`Invoice__c` for `acme__Invoice__c`).
fn same_name(known: &str, written: &str, namespace: Option<&str>) -> bool {
    if known.eq_ignore_ascii_case(written) {
        return true;
    }
    namespace.is_some_and(|prefix| {
        let (bytes, at) = (written.as_bytes(), prefix.len());
        bytes.len() > at + 2
            && bytes[..at].eq_ignore_ascii_case(prefix.as_bytes())
            && &bytes[at..at + 2] == b"__"
            && known.as_bytes().eq_ignore_ascii_case(&bytes[at + 2..])
    })
}

/// The value of `map` under `written`, exactly or as [`same_name`] finds it.
fn find<'m, V>(
    map: &'m std::collections::BTreeMap<String, V>,
    written: &str,
    namespace: Option<&str>,
) -> Option<&'m V> {
    map.get(written).or_else(|| {
        map.iter()
            .find(|(known, _)| same_name(known, written, namespace))
            .map(|(_, value)| value)
    })
}

/// One object of the inventory and what its definition files say, read on first use.
struct ObjectEntry<'a> {
    files: &'a ObjectFiles,
    read: OnceLock<ObjectDefinition>,
}

/// The key under which [`same_name`] finds `name`: ASCII lower case, the project's own namespace
/// prefix left out.
fn match_key(name: &str, namespace: Option<&str>) -> String {
    let bytes = name.as_bytes();
    let unprefixed = namespace
        .filter(|prefix| {
            let at = prefix.len();
            bytes.len() > at + 2
                && bytes[..at].eq_ignore_ascii_case(prefix.as_bytes())
                && &bytes[at..at + 2] == b"__"
        })
        .map_or(name, |prefix| &name[prefix.len() + 2..]);
    unprefixed.to_ascii_lowercase()
}

/// Whether `name` is of no namespace or of `namespace`.
fn is_own_name(name: &str, namespace: Option<&str>) -> bool {
    match namespace_of(name) {
        None => true,
        Some(prefix) => namespace.is_some_and(|own| own.eq_ignore_ascii_case(prefix)),
    }
}

/// A name with a token a deploy tool replaces (CumulusCI's `%%%NAMESPACE%%%`): what it names is
/// known only at deploy time.
fn is_template(name: &str) -> bool {
    // Asked for every entry of every file: a byte search first, the substring only when it finds one.
    name.contains('%') && name.contains("%%%")
}

/// A custom object or field: its name ends in a custom suffix.
pub fn is_custom_name(name: &str) -> bool {
    ["__c", "__mdt", "__e", "__x", "__b"]
        .iter()
        .any(|suffix| name.ends_with(suffix))
}

/// Names Salesforce itself provides: `standard__` apps, `standard-` tabs.
fn is_standard_component(kind: ComponentKind, name: &str) -> bool {
    match kind {
        ComponentKind::Application => name.starts_with("standard__"),
        ComponentKind::Tab => name.starts_with("standard-"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fileset::Memory;
    use std::path::PathBuf;

    fn project() -> (Inventory, Memory) {
        let mut files = Memory::default();
        let mut inventory = Inventory::default();
        let mut add = |path: &str, text: &str| {
            inventory.add(Path::new(path));
            files.insert(PathBuf::from(path), text.as_bytes().to_vec());
        };
        add(
            "/p/objects/Invoice__c/Invoice__c.object-meta.xml",
            "<CustomObject/>",
        );
        add(
            "/p/objects/Invoice__c/fields/Total__c.field-meta.xml",
            "<CustomField><type>Summary</type></CustomField>",
        );
        add(
            "/p/objects/Invoice__c/fields/Broken__c.field-meta.xml",
            "<CustomField>\n<type>",
        );
        add(
            "/p/objects/Account/fields/Tier__c.field-meta.xml",
            "<CustomField><type>Text</type></CustomField>",
        );
        add("/p/classes/Sync.cls", "public class Sync {}");
        (inventory, files)
    }

    #[test]
    fn says_what_is_defined_missing_or_unknowable() {
        let (inventory, files) = project();
        let definitions = Definitions::new(&inventory, Some("acme"), &files, Path::new("/p"));
        assert!(matches!(
            definitions.field("Invoice__c", "Total__c"),
            Presence::Defined(field) if field.computed() == Some("a roll-up summary field")
        ));
        assert_eq!(
            definitions.field("Invoice__c", "Gone__c"),
            Presence::Missing
        );
        assert_eq!(
            definitions.field("Invoice__c", "acme__Gone__c"),
            Presence::Missing
        );
        // Another package's field, a standard field, an object the project only extends.
        assert_eq!(
            definitions.field("Invoice__c", "pkg__Gone__c"),
            Presence::Unknown
        );
        assert_eq!(definitions.field("Invoice__c", "Name"), Presence::Unknown);
        assert_eq!(definitions.field("Account", "Gone__c"), Presence::Unknown);
        assert_eq!(definitions.field("Contact", "Gone__c"), Presence::Unknown);
        assert_eq!(
            definitions.record_type("Invoice__c", "Retail"),
            Presence::Missing
        );
        assert!(matches!(
            definitions.component(ComponentKind::ApexClass, "Sync"),
            Presence::Defined(_)
        ));
        assert_eq!(
            definitions.component(ComponentKind::ApexClass, "Gone"),
            Presence::Missing
        );
        assert_eq!(
            definitions.component(ComponentKind::ApexClass, "pkg__Gone"),
            Presence::Unknown
        );
        assert_eq!(
            definitions.component(ComponentKind::Flow, "Gone"),
            Presence::Unknown
        );
        // The broken field still exists; reading it is a problem that names the file and line.
        assert!(matches!(
            definitions.field("Invoice__c", "Broken__c"),
            Presence::Defined(_)
        ));
        let problems = definitions.into_problems();
        assert_eq!(problems.len(), 1);
        assert_eq!(
            problems[0].path.as_deref(),
            Some("objects/Invoice__c/fields/Broken__c.field-meta.xml")
        );
        assert_eq!(problems[0].line, Some(2));
    }

    #[test]
    fn a_file_that_does_not_decode_is_a_problem_at_its_line() {
        let mut files = Memory::default();
        let mut inventory = Inventory::default();
        let path = "/p/objects/Invoice__c/fields/Bad__c.field-meta.xml";
        inventory.add(Path::new(path));
        files.insert(
            PathBuf::from(path),
            "<CustomField>\n<type>Text\u{1b}</type>\n</CustomField>"
                .as_bytes()
                .to_vec(),
        );
        let definitions = Definitions::new(&inventory, None, &files, Path::new("/p"));
        assert!(matches!(
            definitions.field("Invoice__c", "Bad__c"),
            Presence::Defined(_)
        ));
        let problems = definitions.into_problems();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].line, Some(2));
        assert!(
            problems[0].message.contains("U+001B"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn exclusion_makes_absence_unknowable() {
        let (mut inventory, files) = project();
        inventory.add_hidden(
            Path::new("/p/objects/Invoice__c/fields/Secret__c.field-meta.xml"),
            false,
        );
        inventory.add_hidden(Path::new("/p/classes"), true);
        let definitions = Definitions::new(&inventory, None, &files, Path::new("/p"));
        assert_eq!(
            definitions.field("Invoice__c", "Secret__c"),
            Presence::Unknown
        );
        assert_eq!(
            definitions.component(ComponentKind::ApexClass, "Gone"),
            Presence::Unknown
        );
    }

    #[test]
    fn names_match_as_salesforce_matches_them() {
        let (inventory, files) = project();
        let definitions = Definitions::new(&inventory, Some("acme"), &files, Path::new("/p"));
        // Letter case, and the project's own namespace prefix, which file names leave out.
        assert!(matches!(
            definitions.field("invoice__c", "total__C"),
            Presence::Defined(_)
        ));
        assert!(matches!(
            definitions.field("acme__Invoice__c", "acme__Total__c"),
            Presence::Defined(_)
        ));
        assert!(matches!(
            definitions.component(ComponentKind::ApexClass, "acme__sync"),
            Presence::Defined(_)
        ));
        assert_eq!(
            definitions.field("pkg__Invoice__c", "Total__c"),
            Presence::Unknown
        );
        assert!(!same_name("Total__c", "acmeTotal__c", Some("acme")));
        assert!(!same_name("Total__c", "acme__", Some("acme")));
        // CumulusCI fills in the namespace at deploy time.
        assert_eq!(
            definitions.field("Invoice__c", "%%%NAMESPACE%%%Gone__c"),
            Presence::Unknown
        );
    }

    #[test]
    fn custom_objects_are_missing_only_where_the_project_defines_its_own() {
        let (inventory, files) = project();
        let definitions = Definitions::new(&inventory, Some("acme"), &files, Path::new("/p"));
        assert!(matches!(
            definitions.custom_object("Invoice__c"),
            Presence::Defined(_)
        ));
        assert_eq!(
            definitions.custom_object("Credit_Note__c"),
            Presence::Missing
        );
        assert_eq!(
            definitions.custom_object("acme__Credit_Note__c"),
            Presence::Missing
        );
        // Standard, another namespace, an object the project only adds fields to.
        assert_eq!(definitions.custom_object("Contact"), Presence::Unknown);
        assert_eq!(
            definitions.custom_object("pkg__Ledger__c"),
            Presence::Unknown
        );
        assert_eq!(definitions.custom_object("Account"), Presence::Unknown);

        let mut hidden = inventory.clone();
        hidden.add_hidden(Path::new("/p/objects"), true);
        let definitions = Definitions::new(&hidden, None, &files, Path::new("/p"));
        assert_eq!(
            definitions.custom_object("Credit_Note__c"),
            Presence::Unknown
        );
        // A project that defines no custom object of its own says nothing about them.
        let mut extends = Inventory::default();
        extends.add(Path::new(
            "/p/objects/Account/fields/Tier__c.field-meta.xml",
        ));
        let definitions = Definitions::new(&extends, None, &files, Path::new("/p"));
        assert_eq!(
            definitions.custom_object("Credit_Note__c"),
            Presence::Unknown
        );
    }

    #[test]
    fn names_their_namespace() {
        assert_eq!(namespace_of("pkg__Thing__c"), Some("pkg"));
        assert_eq!(namespace_of("Thing__c"), None);
        assert_eq!(namespace_of("pkg__Setting__mdt"), Some("pkg"));
        assert_eq!(namespace_of("pkg.Controller"), Some("pkg"));
        assert_eq!(namespace_of("pkg__Page"), Some("pkg"));
        assert_eq!(namespace_of("Account"), None);
    }
}
