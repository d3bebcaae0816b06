//! The rest of the project that permission files refer to: which objects, fields, record types,
//! tabs, apps, Apex classes and pages, flows, custom permissions, data sources, connected apps and
//! External Client Apps the project's package directories hold, known from file names alone.
//! Discovery fills it while it walks; nothing here reads a file. What the files say (a field's type,
//! an app's OAuth policies) is read on demand by [`crate::definitions`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::model::names::percent_decode;

/// A kind of component other than objects and their parts, recognised by its file suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ComponentKind {
    Tab,
    Application,
    ApexClass,
    ApexPage,
    Flow,
    CustomPermission,
    ExternalDataSource,
    ConnectedApp,
    ExternalClientApp,
    /// `ExtlClntAppOauthSettings`: an External Client App's OAuth plugin settings.
    EcaOauthSettings,
    /// `ExtlClntAppGlobalOauthSettings`: the consumer key and secret side, kept out of packages.
    EcaGlobalOauthSettings,
    /// `ExtlClntAppOauthConfigurablePolicies`: the admin's OAuth policies of an External Client App.
    EcaOauthPolicies,
    /// `ExtlClntAppConfigurablePolicies`: whether the app is enabled, and its plugin policies.
    EcaPolicies,
}

impl ComponentKind {
    /// The file suffixes: source format first, then Metadata API format. Apex classes and
    /// Visualforce pages are their code file, whose `-meta.xml` companion names the same component.
    fn suffixes(self) -> &'static [&'static str] {
        match self {
            ComponentKind::Tab => &[".tab-meta.xml", ".tab"],
            ComponentKind::Application => &[".app-meta.xml", ".app"],
            ComponentKind::ApexClass => &[".cls-meta.xml", ".cls"],
            ComponentKind::ApexPage => &[".page-meta.xml", ".page"],
            ComponentKind::Flow => &[".flow-meta.xml", ".flow"],
            ComponentKind::CustomPermission => &[".customPermission-meta.xml", ".customPermission"],
            ComponentKind::ExternalDataSource => &[".dataSource-meta.xml", ".dataSource"],
            ComponentKind::ConnectedApp => &[".connectedApp-meta.xml", ".connectedApp"],
            ComponentKind::ExternalClientApp => &[".eca-meta.xml", ".eca"],
            ComponentKind::EcaOauthSettings => &[".ecaOauth-meta.xml", ".ecaOauth"],
            ComponentKind::EcaGlobalOauthSettings => &[".ecaGlblOauth-meta.xml", ".ecaGlblOauth"],
            ComponentKind::EcaOauthPolicies => &[".ecaOauthPlcy-meta.xml", ".ecaOauthPlcy"],
            ComponentKind::EcaPolicies => &[".ecaPlcy-meta.xml", ".ecaPlcy"],
        }
    }

    /// The folder Salesforce keeps this kind in.
    pub fn folder(self) -> &'static str {
        match self {
            ComponentKind::Tab => "tabs",
            ComponentKind::Application => "applications",
            ComponentKind::ApexClass => "classes",
            ComponentKind::ApexPage => "pages",
            ComponentKind::Flow => "flows",
            ComponentKind::CustomPermission => "customPermissions",
            ComponentKind::ExternalDataSource => "dataSources",
            ComponentKind::ConnectedApp => "connectedApps",
            ComponentKind::ExternalClientApp => "externalClientApps",
            ComponentKind::EcaOauthSettings => "extlClntAppOauthSettings",
            ComponentKind::EcaGlobalOauthSettings => "extlClntAppGlobalOauthSets",
            ComponentKind::EcaOauthPolicies => "extlClntAppOauthPolicies",
            ComponentKind::EcaPolicies => "extlClntAppPolicies",
        }
    }

    /// Human wording.
    pub fn noun(self) -> &'static str {
        match self {
            ComponentKind::Tab => "tab",
            ComponentKind::Application => "app",
            ComponentKind::ApexClass => "Apex class",
            ComponentKind::ApexPage => "Visualforce page",
            ComponentKind::Flow => "flow",
            ComponentKind::CustomPermission => "custom permission",
            ComponentKind::ExternalDataSource => "external data source",
            ComponentKind::ConnectedApp => "connected app",
            ComponentKind::ExternalClientApp => "External Client App",
            ComponentKind::EcaOauthSettings => "External Client App OAuth settings",
            ComponentKind::EcaGlobalOauthSettings => "External Client App global OAuth settings",
            ComponentKind::EcaOauthPolicies => "External Client App OAuth policies",
            ComponentKind::EcaPolicies => "External Client App policies",
        }
    }

    pub const ALL: [ComponentKind; 13] = [
        ComponentKind::Tab,
        ComponentKind::Application,
        ComponentKind::ApexClass,
        ComponentKind::ApexPage,
        ComponentKind::Flow,
        ComponentKind::CustomPermission,
        ComponentKind::ExternalDataSource,
        ComponentKind::ConnectedApp,
        ComponentKind::ExternalClientApp,
        ComponentKind::EcaOauthSettings,
        ComponentKind::EcaGlobalOauthSettings,
        ComponentKind::EcaOauthPolicies,
        ComponentKind::EcaPolicies,
    ];
}

/// The files of one object: its definition and the parts decomposed from it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectFiles {
    /// `<Object>.object-meta.xml`, or `<Object>.object` in Metadata API format (which holds the
    /// fields and record types itself).
    pub definition: Option<PathBuf>,
    /// The object's folder in source format (`objects/<Object>/`).
    pub folder: Option<PathBuf>,
    /// `fields/<Field>.field-meta.xml`, by field name.
    pub fields: BTreeMap<String, PathBuf>,
    /// `recordTypes/<Name>.recordType-meta.xml`, by developer name.
    pub record_types: BTreeMap<String, PathBuf>,
}

impl ObjectFiles {
    /// Whether the object is in Metadata API format: one `.object` file holding its parts.
    pub fn is_single_file(&self) -> bool {
        self.definition.as_ref().is_some_and(|path| {
            path.extension()
                .is_some_and(|extension| extension == "object")
        })
    }
}

/// A file recognised by its path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Recognised {
    Object(String),
    Field { object: String, field: String },
    RecordType { object: String, name: String },
    Component(ComponentKind, String),
}

/// What the project holds besides permission metadata, by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inventory {
    pub objects: BTreeMap<String, ObjectFiles>,
    /// Every other component, by kind and API name: the file that defines it.
    pub components: BTreeMap<(ComponentKind, String), PathBuf>,
    /// Definitions `.forceignore` or excludes leave out, and folders of definitions left out whole:
    /// what they would define may well be in the org, so nothing there is reported as missing.
    pub hidden: Hidden,
}

/// What exclusion hid from the inventory.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hidden {
    /// Objects with an excluded part (or their whole folder excluded).
    pub objects: BTreeSet<String>,
    /// Kinds with an excluded file, or whose folder was excluded whole.
    pub kinds: BTreeSet<ComponentKind>,
    /// An excluded `objects` folder: any object may have hidden parts.
    pub all_objects: bool,
}

impl Inventory {
    /// Records `path` if it defines something permission files refer to; `false` if it does not.
    pub fn add(&mut self, path: &Path) -> bool {
        let Some(recognised) = recognise(path) else {
            return false;
        };
        match recognised {
            Recognised::Object(object) => {
                let files = self.objects.entry(object).or_default();
                if path.extension().is_some_and(|extension| extension == "xml") {
                    files.folder = path.parent().map(Path::to_path_buf);
                }
                files.definition = Some(path.to_path_buf());
            }
            Recognised::Field { object, field } => {
                let files = self.object_entry(object, path);
                files.fields.insert(field, path.to_path_buf());
            }
            Recognised::RecordType { object, name } => {
                let files = self.object_entry(object, path);
                files.record_types.insert(name, path.to_path_buf());
            }
            Recognised::Component(kind, name) => {
                // A class or page is two files; the code file is the one kept.
                let key = (kind, name);
                let is_meta = path
                    .file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| name.ends_with("-meta.xml"));
                if !(is_meta
                    && matches!(kind, ComponentKind::ApexClass | ComponentKind::ApexPage)
                    && self.components.contains_key(&key))
                {
                    self.components.insert(key, path.to_path_buf());
                }
            }
        }
        true
    }

    /// The files of the object a part at `path` belongs to, its folder recorded the first time.
    fn object_entry(&mut self, object: String, path: &Path) -> &mut ObjectFiles {
        let files = self.objects.entry(object).or_default();
        if files.folder.is_none() {
            files.folder = object_folder(path);
        }
        files
    }

    /// Records what an excluded file or directory hides.
    pub fn add_hidden(&mut self, path: &Path, is_dir: bool) {
        if is_dir {
            let name = path.file_name().and_then(|name| name.to_str());
            let parent = path
                .parent()
                .and_then(Path::file_name)
                .and_then(|name| name.to_str());
            if name == Some("objects") {
                self.hidden.all_objects = true;
            } else if parent == Some("objects") {
                // `objects/<Object>/`
                if let Some(object) = name {
                    self.hidden.objects.insert(percent_decode(object));
                }
            } else if let Some(object) = object_of_part_folder(path) {
                self.hidden.objects.insert(object);
            } else if let Some(kind) = ComponentKind::ALL
                .into_iter()
                .find(|kind| path.iter().any(|part| part == kind.folder()))
            {
                self.hidden.kinds.insert(kind);
            }
            return;
        }
        match recognise(path) {
            Some(Recognised::Object(object))
            | Some(Recognised::Field { object, .. })
            | Some(Recognised::RecordType { object, .. }) => {
                self.hidden.objects.insert(object);
            }
            Some(Recognised::Component(kind, _)) => {
                self.hidden.kinds.insert(kind);
            }
            None => {}
        }
    }

    /// Adds what another walk found (the rest of the project, for a run on named files).
    pub fn extend(&mut self, other: Inventory) {
        for (object, files) in other.objects {
            let into = self.objects.entry(object).or_default();
            into.definition = into.definition.take().or(files.definition);
            into.folder = into.folder.take().or(files.folder);
            into.fields.extend(files.fields);
            into.record_types.extend(files.record_types);
        }
        self.components.extend(other.components);
        self.hidden.objects.extend(other.hidden.objects);
        self.hidden.kinds.extend(other.hidden.kinds);
        self.hidden.all_objects |= other.hidden.all_objects;
    }

    pub fn is_empty(&self) -> bool {
        self.objects.is_empty() && self.components.is_empty()
    }

    /// Whether the project holds at least one component of `kind`.
    pub fn holds_kind(&self, kind: ComponentKind) -> bool {
        self.components
            .range((kind, String::new())..)
            .next()
            .is_some_and(|((found, _), _)| *found == kind)
    }

    pub fn component(&self, kind: ComponentKind, name: &str) -> Option<&Path> {
        self.components
            .get(&(kind, name.to_string()))
            .map(PathBuf::as_path)
    }

    /// The components of one kind, by name.
    pub fn components_of(&self, kind: ComponentKind) -> impl Iterator<Item = (&str, &Path)> {
        self.components
            .range((kind, String::new())..)
            .take_while(move |((found, _), _)| *found == kind)
            .map(|((_, name), path)| (name.as_str(), path.as_path()))
    }

    /// Whether exclusion may have hidden parts of `object`.
    pub fn object_may_be_hidden(&self, object: &str) -> bool {
        self.hidden.all_objects || self.hidden.objects.contains(object)
    }
}

/// `objects/<Object>/` of a file in `objects/<Object>/<parts>/`.
fn object_folder(path: &Path) -> Option<PathBuf> {
    path.parent()?.parent().map(Path::to_path_buf)
}

/// The object of a folder `objects/<Object>/fields` or `objects/<Object>/recordTypes` (or one inside).
fn object_of_part_folder(path: &Path) -> Option<String> {
    let parts: Vec<&str> = path.iter().filter_map(|part| part.to_str()).collect();
    let at = parts.iter().rposition(|part| *part == "objects")?;
    parts.get(at + 1).map(|object| percent_decode(object))
}

/// What a file defines, from its path: the suffix names the kind, and for the parts of an object
/// (fields, record types) the folder two levels up names the object, as the Salesforce CLI reads
/// them.
fn recognise(path: &Path) -> Option<Recognised> {
    // Split as text: parsing `Path` components costs more than the rest for the thousands of
    // files a project holds.
    let text = path.to_str()?;
    let mut parts = text.rsplit(std::path::is_separator);
    let name = parts.next()?;
    if let Some(stem) = name.strip_suffix(".field-meta.xml") {
        let object = part_of(parts, "fields")?;
        return Some(Recognised::Field {
            object,
            field: percent_decode(stem),
        });
    }
    if let Some(stem) = name.strip_suffix(".recordType-meta.xml") {
        let object = part_of(parts, "recordTypes")?;
        return Some(Recognised::RecordType {
            object,
            name: percent_decode(stem),
        });
    }
    if let Some(stem) = name
        .strip_suffix(".object-meta.xml")
        .or_else(|| name.strip_suffix(".object"))
        && !stem.is_empty()
    {
        return Some(Recognised::Object(percent_decode(stem)));
    }
    ComponentKind::ALL.into_iter().find_map(|kind| {
        kind.suffixes().iter().find_map(|suffix| {
            let stem = name.strip_suffix(suffix)?;
            (!stem.is_empty()).then(|| Recognised::Component(kind, percent_decode(stem)))
        })
    })
}

/// The object of a part in `<Object>/<folder>/<file>`, from the path's parts read backwards after
/// the file name.
fn part_of<'p>(mut parts: impl Iterator<Item = &'p str>, folder: &str) -> Option<String> {
    if parts.next()? != folder {
        return None;
    }
    let object = parts.next().filter(|object| !object.is_empty())?;
    Some(percent_decode(object))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inventory(paths: &[&str]) -> Inventory {
        let mut inventory = Inventory::default();
        for path in paths {
            inventory.add(Path::new(path));
        }
        inventory
    }

    #[test]
    fn recognises_objects_and_their_parts_in_both_formats() {
        let found = inventory(&[
            "p/objects/Invoice__c/Invoice__c.object-meta.xml",
            "p/objects/Invoice__c/fields/Total__c.field-meta.xml",
            "p/objects/Invoice__c/recordTypes/Standard.recordType-meta.xml",
            "p/objects/Account/fields/Tier__c.field-meta.xml",
            "m/objects/Order__c.object",
            // Not a field: not in a `fields` folder.
            "p/objects/Invoice__c/Stray.field-meta.xml",
            "p/objects/Invoice__c/listViews/All.listView-meta.xml",
        ]);
        let invoice = &found.objects["Invoice__c"];
        assert_eq!(
            invoice.definition.as_deref(),
            Some(Path::new("p/objects/Invoice__c/Invoice__c.object-meta.xml"))
        );
        assert_eq!(
            invoice.folder.as_deref(),
            Some(Path::new("p/objects/Invoice__c"))
        );
        assert_eq!(invoice.fields.keys().collect::<Vec<_>>(), vec!["Total__c"]);
        assert_eq!(
            invoice.record_types.keys().collect::<Vec<_>>(),
            vec!["Standard"]
        );
        assert!(!invoice.is_single_file());
        assert_eq!(found.objects["Account"].definition, None);
        assert!(found.objects["Order__c"].is_single_file());
        assert_eq!(found.objects.len(), 3);
    }

    #[test]
    fn recognises_components_by_suffix_and_keeps_the_code_file() {
        let found = inventory(&[
            "p/classes/Sync.cls",
            "p/classes/Sync.cls-meta.xml",
            "p/classes/Other.cls-meta.xml",
            "p/classes/Other.cls",
            "p/pages/Home.page",
            "p/tabs/Invoice__c.tab-meta.xml",
            "p/applications/Sales_Console.app-meta.xml",
            "p/flows/Route%20Lead.flow-meta.xml",
            "p/customPermissions/Can_Sync.customPermission-meta.xml",
            "p/connectedApps/Acme.connectedApp-meta.xml",
            "p/externalClientApps/Acme.eca-meta.xml",
            "p/extlClntAppOauthPolicies/Acme_oauthPlcy.ecaOauthPlcy-meta.xml",
            "p/lwc/widget/widget.js",
        ]);
        assert_eq!(
            found.component(ComponentKind::ApexClass, "Sync"),
            Some(Path::new("p/classes/Sync.cls"))
        );
        assert_eq!(
            found.component(ComponentKind::ApexClass, "Other"),
            Some(Path::new("p/classes/Other.cls"))
        );
        assert!(found.component(ComponentKind::Flow, "Route Lead").is_some());
        assert!(found.holds_kind(ComponentKind::Tab));
        assert!(!found.holds_kind(ComponentKind::ExternalDataSource));
        assert_eq!(
            found
                .components_of(ComponentKind::EcaOauthPolicies)
                .map(|(name, _)| name)
                .collect::<Vec<_>>(),
            vec!["Acme_oauthPlcy"]
        );
        assert_eq!(found.components.len(), 10);
    }

    #[test]
    fn exclusion_hides_objects_and_kinds() {
        let mut found = Inventory::default();
        found.add_hidden(Path::new("p/objects/Invoice__c/fields"), true);
        found.add_hidden(Path::new("p/objects/Order__c"), true);
        found.add_hidden(Path::new("p/classes/Legacy.cls"), false);
        found.add_hidden(Path::new("p/flows"), true);
        found.add_hidden(Path::new("p/lwc"), true);
        assert!(found.object_may_be_hidden("Invoice__c"));
        assert!(found.object_may_be_hidden("Order__c"));
        assert!(!found.object_may_be_hidden("Account"));
        assert_eq!(
            found.hidden.kinds,
            BTreeSet::from([ComponentKind::ApexClass, ComponentKind::Flow])
        );
        found.add_hidden(Path::new("p/objects"), true);
        assert!(found.object_may_be_hidden("Account"));
    }
}
