//! Writes a synthetic SFDX project for benchmarks, deterministic from the seed, in one of several
//! shapes (`--shape`):
//!
//! - `mixed` (the default): admin-like profiles that list every object and field (about 400 objects
//!   x 30 fields) and hundreds of class, page, tab and layout entries, plus about 1,500 permission
//!   sets per 500 MB;
//! - `sets`: only permission sets of about 50 KB, many of them;
//! - `huge`: a few huge profiles of 4 to 48 MB (an org of up to 8,000 objects);
//! - `tiny`: tens of thousands of tiny files: permission sets decomposed one entry per file (the
//!   beta layout), beside the object and field files of the project;
//! - `project`: the permission sets of `sets` beside the objects and fields of a real org's project
//!   (400 objects, about 20,000 field files: text, formula, roll-up, auto-number, required and
//!   master-detail fields), which the project checks read.
//!
//! ```sh
//! cargo run --release --example synth -- --out /tmp/org --size-mb 500 --seed 1 [--shape mixed]
//! ```

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

/// splitmix64: small, fast and good enough to vary synthetic data reproducibly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const STANDARD_OBJECTS: [&str; 24] = [
    "Account",
    "Asset",
    "Campaign",
    "CampaignMember",
    "Case",
    "Contact",
    "Contract",
    "Document",
    "Entitlement",
    "Idea",
    "Lead",
    "Opportunity",
    "OpportunityLineItem",
    "Order",
    "OrderItem",
    "Pricebook2",
    "Product2",
    "Quote",
    "QuoteLineItem",
    "ServiceContract",
    "Solution",
    "WorkOrder",
    "WorkOrderLineItem",
    "ContentVersion",
];

const PERMISSIONS: [&str; 40] = [
    "ApiEnabled",
    "ActivitiesAccess",
    "AllowUniversalSearch",
    "AssignTopics",
    "ChatterInternalUser",
    "ConvertLeads",
    "CreateCustomizeDashboards",
    "CreateCustomizeFilters",
    "CreateCustomizeReports",
    "CreateDashboardFolders",
    "CreateReportFolders",
    "EditEvent",
    "EditOppLineItemUnitPrice",
    "EditPublicDocuments",
    "EditPublicFilters",
    "EditPublicTemplates",
    "EditTask",
    "EmailMass",
    "EmailSingle",
    "ExportReport",
    "ImportLeads",
    "ImportPersonal",
    "LightningConsoleAllowedForUser",
    "LightningExperienceUser",
    "ListEmailSend",
    "ManageCategories",
    "ManageDashboards",
    "ManageReportsInPubFolders",
    "RunFlow",
    "RunReports",
    "SelectFilesFromSalesforce",
    "SendSitRequests",
    "ShowCompanyNameAsUserBadge",
    "SolutionImport",
    "SubmitMacrosAllowed",
    "TransferAnyEntity",
    "TransferAnyLead",
    "UseTeamReassignWizards",
    "ViewHelpLink",
    "ViewPublicReports",
];

struct Org {
    /// Fields of every kind (see [`FieldKind::of`]), and permission sets that grant them as a
    /// deployable file does.
    varied: bool,
    objects: Vec<String>,
    fields: Vec<Vec<String>>,
    classes: Vec<String>,
    pages: Vec<String>,
}

impl Org {
    fn new(
        rng: &mut Rng,
        custom_objects: usize,
        fields: std::ops::Range<usize>,
        varied: bool,
    ) -> Org {
        let mut objects: Vec<String> = STANDARD_OBJECTS.iter().map(|s| s.to_string()).collect();
        for index in 0..custom_objects {
            objects.push(format!("Custom_Object_{index:03}__c"));
        }
        let fields = objects
            .iter()
            .map(|object| {
                let count = fields.start + rng.below(fields.len() as u64) as usize;
                (0..count)
                    .map(|index| format!("{object}.Field_{index:02}__c"))
                    .collect()
            })
            .collect();
        let classes = (0..600)
            .map(|index| format!("OrgClass{index:04}"))
            .collect();
        let pages = (0..150).map(|index| format!("OrgPage{index:03}")).collect();
        Org {
            varied,
            objects,
            fields,
            classes,
            pages,
        }
    }
}

fn boolean(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}

/// Object access that Salesforce accepts: flags closed under their dependencies.
fn object_entry(out: &mut String, object: &str, rng: &mut Rng, broad: bool) {
    let modify_all = broad && rng.chance(30);
    let delete = modify_all || rng.chance(if broad { 60 } else { 15 });
    let edit = delete || rng.chance(if broad { 80 } else { 35 });
    let create = rng.chance(if broad { 80 } else { 30 });
    let view_all = modify_all || rng.chance(if broad { 50 } else { 10 });
    let read = true;
    let _ = write!(
        out,
        "    <objectPermissions>\n        <allowCreate>{}</allowCreate>\n        <allowDelete>{}</allowDelete>\n        <allowEdit>{}</allowEdit>\n        <allowRead>{}</allowRead>\n        <modifyAllRecords>{}</modifyAllRecords>\n        <object>{object}</object>\n        <viewAllRecords>{}</viewAllRecords>\n    </objectPermissions>\n",
        boolean(create),
        boolean(delete),
        boolean(edit),
        boolean(read),
        boolean(modify_all),
        boolean(view_all)
    );
}

fn read_only_field_entry(out: &mut String, field: &str) {
    let _ = write!(
        out,
        "    <fieldPermissions>\n        <editable>false</editable>\n        <field>{field}</field>\n        <readable>true</readable>\n    </fieldPermissions>\n"
    );
}

/// The master object of the project shape's master-detail fields (`STANDARD_OBJECTS[0]`).
const MASTER: &str = "Account";

/// The kind of the field at `index` of an object in the project shape: the mix of a real org.
#[derive(Clone, Copy, PartialEq)]
enum FieldKind {
    Text,
    MasterDetail,
    Formula,
    Summary,
    AutoNumber,
    Required,
}

impl FieldKind {
    fn of(object: &str, index: usize) -> FieldKind {
        match index {
            3 if object.ends_with("__c") => FieldKind::MasterDetail,
            _ if index % 20 == 7 => FieldKind::Formula,
            _ if index % 50 == 11 => FieldKind::Summary,
            _ if index % 60 == 13 => FieldKind::AutoNumber,
            _ if index % 25 == 5 => FieldKind::Required,
            _ => FieldKind::Text,
        }
    }
}

fn field_entry(out: &mut String, field: &str, rng: &mut Rng) {
    let editable = rng.chance(60);
    let _ = write!(
        out,
        "    <fieldPermissions>\n        <editable>{}</editable>\n        <field>{field}</field>\n        <readable>true</readable>\n    </fieldPermissions>\n",
        boolean(editable)
    );
}

/// Writes the chosen user permissions with the ones they depend on, sorted, as a retrieved file
/// would hold them: like real orgs, the synthetic one has few findings.
fn user_permissions(out: &mut String, chosen: &[&str]) {
    let catalog = sflint::catalog::Catalog::get();
    let mut names: Vec<&str> = chosen.to_vec();
    for dependency in catalog.dependencies() {
        if dependency.severity.is_some() && chosen.contains(&dependency.permission.as_str()) {
            names.push(dependency.requires.as_str());
        }
    }
    names.sort_unstable();
    names.dedup();
    for permission in names {
        let _ = write!(
            out,
            "    <userPermissions>\n        <enabled>true</enabled>\n        <name>{permission}</name>\n    </userPermissions>\n"
        );
    }
}

/// A profile listing the first `objects` objects of the org with all their fields.
fn profile(org: &Org, index: usize, rng: &mut Rng, objects: usize) -> String {
    let objects = objects.min(org.objects.len());
    let mut out = String::with_capacity((objects * 8) << 10);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Profile xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n");
    for class in &org.classes {
        let _ = write!(
            out,
            "    <classAccesses>\n        <apexClass>{class}</apexClass>\n        <enabled>{}</enabled>\n    </classAccesses>\n",
            boolean(rng.chance(50))
        );
    }
    let _ = writeln!(out, "    <custom>true</custom>");
    for fields in org.fields.iter().take(objects) {
        for field in fields {
            field_entry(&mut out, field, rng);
        }
    }
    for object in org.objects.iter().take(objects) {
        let _ = write!(
            out,
            "    <layoutAssignments>\n        <layout>{object}-{object} Layout</layout>\n    </layoutAssignments>\n"
        );
    }
    for object in org.objects.iter().take(objects) {
        object_entry(&mut out, object, rng, index.is_multiple_of(10));
    }
    for page in &org.pages {
        let _ = write!(
            out,
            "    <pageAccesses>\n        <apexPage>{page}</apexPage>\n        <enabled>{}</enabled>\n    </pageAccesses>\n",
            boolean(rng.chance(40))
        );
    }
    for object in org.objects.iter().take(objects).skip(24) {
        let _ = write!(
            out,
            "    <tabVisibilities>\n        <tab>{object}</tab>\n        <visibility>DefaultOn</visibility>\n    </tabVisibilities>\n"
        );
    }
    let _ = writeln!(out, "    <userLicense>Salesforce</userLicense>");
    let chosen: Vec<&str> = PERMISSIONS
        .iter()
        .copied()
        .filter(|_| rng.chance(70))
        .collect();
    user_permissions(&mut out, &chosen);
    out.push_str("</Profile>\n");
    out
}

fn permission_set(org: &Org, index: usize, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(64 << 10);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n");
    let _ = writeln!(
        out,
        "    <description>Synthetic permission set {index}</description>"
    );
    let objects = 4 + rng.below(14) as usize;
    let first = rng.below(org.objects.len() as u64) as usize;
    let chosen: Vec<usize> = (0..objects)
        .map(|offset| (first + offset * 7) % org.objects.len())
        .collect();
    for &object in &chosen {
        let take = 15 + rng.below(20) as usize;
        for (index, field) in org.fields[object].iter().enumerate().take(take) {
            match org
                .varied
                .then(|| FieldKind::of(&org.objects[object], index))
            {
                // Salesforce refuses field permissions on these.
                Some(FieldKind::Required | FieldKind::MasterDetail) => {}
                Some(FieldKind::Formula | FieldKind::Summary | FieldKind::AutoNumber) => {
                    read_only_field_entry(&mut out, field);
                }
                _ => field_entry(&mut out, field, rng),
            }
        }
    }
    let _ = writeln!(
        out,
        "    <hasActivationRequired>false</hasActivationRequired>"
    );
    let _ = writeln!(out, "    <label>Synthetic {index}</label>");
    for &object in &chosen {
        object_entry(&mut out, &org.objects[object], rng, false);
    }
    // The master of every custom object's master-detail field must be readable.
    if org.varied && !chosen.contains(&0) {
        object_entry(&mut out, MASTER, rng, false);
    }
    let chosen: Vec<&str> = PERMISSIONS
        .iter()
        .copied()
        .filter(|_| rng.chance(8))
        .collect();
    user_permissions(&mut out, &chosen);
    out.push_str("</PermissionSet>\n");
    out
}

#[derive(Clone, Copy, PartialEq)]
enum Shape {
    Mixed,
    Sets,
    Huge,
    Tiny,
    Project,
}

fn main() {
    let mut out_dir: Option<PathBuf> = None;
    let mut size_mb: u64 = 500;
    let mut seed: u64 = 1;
    let mut shape = Shape::Mixed;
    let usage =
        "usage: synth --out DIR [--size-mb N] [--seed N] [--shape mixed|sets|huge|tiny|project]";
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out_dir = args.next().map(PathBuf::from),
            "--size-mb" => size_mb = args.next().and_then(|v| v.parse().ok()).unwrap_or(size_mb),
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).unwrap_or(seed),
            "--shape" => {
                shape = match args.next().as_deref() {
                    Some("mixed") => Shape::Mixed,
                    Some("sets") => Shape::Sets,
                    Some("huge") => Shape::Huge,
                    Some("tiny") => Shape::Tiny,
                    Some("project") => Shape::Project,
                    _ => {
                        eprintln!("{usage}");
                        std::process::exit(2);
                    }
                }
            }
            other => {
                eprintln!("{usage} (unknown {other})");
                std::process::exit(2);
            }
        }
    }
    let Some(out_dir) = out_dir else {
        eprintln!("{usage}");
        std::process::exit(2);
    };
    let mut rng = Rng(seed);
    // Huge profiles need a bigger org: 48 MB is about 8,000 objects with their fields.
    let custom_objects = if shape == Shape::Huge { 8_000 } else { 376 };
    // A project keeps about 50 fields per object: 20,000 field files.
    let fields = if shape == Shape::Project {
        40..61
    } else {
        20..41
    };
    let org = Org::new(&mut rng, custom_objects, fields, shape == Shape::Project);
    let base = out_dir.join("force-app/main/default");
    let profiles_dir = base.join("profiles");
    let sets_dir = base.join("permissionsets");
    fs::create_dir_all(&profiles_dir).expect("create profiles dir");
    fs::create_dir_all(&sets_dir).expect("create permissionsets dir");
    let options = if shape == Shape::Tiny {
        ",\n  \"sourceBehaviorOptions\": [\"decomposePermissionSetBeta\"]"
    } else {
        ""
    };
    write(
        &out_dir.join("sfdx-project.json"),
        &format!(
            "{{\n  \"packageDirectories\": [{{ \"path\": \"force-app\", \"default\": true }}],\n  \"sourceApiVersion\": \"63.0\"{options}\n}}\n"
        ),
    );
    // One integration user, of the files each shape has.
    let integration = match shape {
        Shape::Mixed => {
            "profile = \"Profile_0001\"\npermission_sets = [\"Synthetic_0001\", \"Synthetic_0002\"]\n"
        }
        Shape::Sets | Shape::Project => {
            "permission_sets = [\"Synthetic_0001\", \"Synthetic_0002\"]\n"
        }
        Shape::Huge => "profile = \"Profile_0001\"\n",
        Shape::Tiny => "permission_sets = [\"Decomposed_0001\", \"Decomposed_0002\"]\n",
    };
    write(
        &out_dir.join("sflint.toml"),
        &format!("[[integration]]\nname = \"Act-On\"\npack = \"act-on\"\n{integration}"),
    );

    let target = size_mb << 20;
    let mut written = 0u64;
    let mut sets = 0usize;
    let mut profiles = 0usize;
    let mut largest = 0u64;
    let mut files = 0usize;
    match shape {
        Shape::Mixed | Shape::Sets | Shape::Project => {
            // In a mixed org permission sets take about 15% of the bytes, as in real orgs; about
            // 1,500 at 500 MB.
            let set_budget = if shape != Shape::Mixed {
                target
            } else {
                target * 15 / 100
            };
            while written < set_budget {
                sets += 1;
                let text = permission_set(&org, sets, &mut rng);
                written += text.len() as u64;
                largest = largest.max(text.len() as u64);
                write(
                    &sets_dir.join(format!("Synthetic_{sets:04}.permissionset-meta.xml")),
                    &text,
                );
            }
            while written < target {
                profiles += 1;
                let text = profile(&org, profiles, &mut rng, org.objects.len());
                largest = largest.max(text.len() as u64);
                written += text.len() as u64;
                write(
                    &profiles_dir.join(format!("Profile_{profiles:04}.profile-meta.xml")),
                    &text,
                );
            }
            files = sets + profiles;
            if shape == Shape::Project {
                let objects_dir = base.join("objects");
                for object in 0..org.objects.len() {
                    let (object_files, bytes) = object_files(&org, object, &objects_dir, true);
                    files += object_files;
                    written += bytes;
                }
            }
        }
        Shape::Huge => {
            // Profiles of about 48, 4, 16 and 8 MB in turn (about 5.8 KB per object).
            const OBJECTS: [usize; 4] = [8_024, 690, 2_760, 1_380];
            while written < target {
                let objects = OBJECTS[profiles % OBJECTS.len()];
                profiles += 1;
                let text = profile(&org, profiles, &mut rng, objects);
                largest = largest.max(text.len() as u64);
                written += text.len() as u64;
                write(
                    &profiles_dir.join(format!("Profile_{profiles:04}.profile-meta.xml")),
                    &text,
                );
            }
            files = profiles;
        }
        Shape::Tiny => {
            // Decomposed permission sets, one file per entry, and for every object the object
            // and field files of the project's metadata, one set or object at a time.
            let objects_dir = base.join("objects");
            let mut object = 0usize;
            while written < target {
                sets += 1;
                let (text_files, bytes) = decomposed_set(&org, sets, &mut rng, &sets_dir);
                files += text_files;
                written += bytes;
                if object < org.objects.len() {
                    let (object_files, bytes) = object_files(&org, object, &objects_dir, false);
                    files += object_files;
                    written += bytes;
                    object += 1;
                }
            }
            largest = 4 << 10;
        }
    }
    println!(
        "wrote {} MB in {files} files: {profiles} profiles (largest file {} KB), {sets} permission sets, in {}",
        written >> 20,
        largest >> 10,
        out_dir.display()
    );
}

const HEADER: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
const NAMESPACE: &str = "xmlns=\"http://soap.sforce.com/2006/04/metadata\"";

/// A permission set in the beta decomposed layout: its main file, and one file per field, object
/// and user permission entry. Returns the files and bytes written.
fn decomposed_set(org: &Org, index: usize, rng: &mut Rng, sets_dir: &Path) -> (usize, u64) {
    let name = format!("Decomposed_{index:04}");
    let dir = sets_dir.join(&name);
    let fields_dir = dir.join("fieldPermissions");
    let objects_dir = dir.join("objectPermissions");
    let users_dir = dir.join("userPermissions");
    fs::create_dir_all(&fields_dir).expect("create fieldPermissions dir");
    fs::create_dir_all(&objects_dir).expect("create objectPermissions dir");
    fs::create_dir_all(&users_dir).expect("create userPermissions dir");
    let mut files = 0usize;
    let mut bytes = 0u64;
    let mut emit = |path: PathBuf, text: String| {
        files += 1;
        bytes += text.len() as u64;
        write(&path, &text);
    };
    emit(
        dir.join(format!("{name}.permissionset-meta.xml")),
        format!(
            "{HEADER}<PermissionSet {NAMESPACE}>\n    <hasActivationRequired>false</hasActivationRequired>\n    <label>Decomposed {index}</label>\n</PermissionSet>\n"
        ),
    );
    let objects = 2 + rng.below(6) as usize;
    let first = rng.below(org.objects.len() as u64) as usize;
    let chosen: Vec<usize> = (0..objects)
        .map(|offset| (first + offset * 7) % org.objects.len())
        .collect();
    for &object in &chosen {
        for field in org.fields[object].iter().take(10 + rng.below(20) as usize) {
            let mut entry = String::new();
            field_entry(&mut entry, field, rng);
            let inner = entry
                .trim_start()
                .trim_start_matches("<fieldPermissions>")
                .trim_end()
                .trim_end_matches("</fieldPermissions>");
            emit(
                fields_dir.join(format!("{field}.fieldPermission-meta.xml")),
                format!("{HEADER}<FieldPermission {NAMESPACE}>{inner}</FieldPermission>\n"),
            );
        }
        let mut entry = String::new();
        object_entry(&mut entry, &org.objects[object], rng, false);
        let inner = entry
            .trim_start()
            .trim_start_matches("<objectPermissions>")
            .trim_end()
            .trim_end_matches("</objectPermissions>");
        emit(
            objects_dir.join(format!("{}.objectPermission-meta.xml", org.objects[object])),
            format!("{HEADER}<ObjectPermission {NAMESPACE}>{inner}</ObjectPermission>\n"),
        );
    }
    let chosen: Vec<&str> = PERMISSIONS
        .iter()
        .copied()
        .filter(|_| rng.chance(8))
        .collect();
    let mut entries = String::new();
    user_permissions(&mut entries, &chosen);
    for entry in entries
        .split("</userPermissions>\n")
        .filter(|e| !e.is_empty())
    {
        let inner = entry.trim_start().trim_start_matches("<userPermissions>");
        let permission = inner
            .split("<name>")
            .nth(1)
            .and_then(|rest| rest.split('<').next())
            .unwrap_or("Unknown");
        emit(
            users_dir.join(format!("{permission}.userPermission-meta.xml")),
            format!("{HEADER}<UserPermission {NAMESPACE}>{inner}</UserPermission>\n"),
        );
    }
    (files, bytes)
}

/// The object file and the field files of one object, as a project holds them: text fields, or
/// with `varied` the mix of [`FieldKind::of`] (one in 20 a formula, one in 50 a roll-up summary, one
/// in 60 an auto-number, one in 25 required, and on custom objects a master-detail field to
/// Account).
fn object_files(org: &Org, object: usize, objects_dir: &Path, varied: bool) -> (usize, u64) {
    let name = &org.objects[object];
    let dir = objects_dir.join(name);
    let fields_dir = dir.join("fields");
    fs::create_dir_all(&fields_dir).expect("create fields dir");
    let text = format!(
        "{HEADER}<CustomObject {NAMESPACE}>\n    <label>{name}</label>\n    <sharingModel>ReadWrite</sharingModel>\n</CustomObject>\n"
    );
    let mut bytes = text.len() as u64;
    write(&dir.join(format!("{name}.object-meta.xml")), &text);
    for (index, field) in org.fields[object].iter().enumerate() {
        let field_name = field.rsplit('.').next().unwrap_or(field);
        let kind = if varied {
            FieldKind::of(name, index)
        } else {
            FieldKind::Text
        };
        let body = match kind {
            FieldKind::MasterDetail => format!(
                "    <referenceTo>{MASTER}</referenceTo>\n    <relationshipName>{field_name}_r</relationshipName>\n    <type>MasterDetail</type>\n"
            ),
            FieldKind::Formula => {
                "    <formula>TEXT(CreatedDate)</formula>\n    <type>Text</type>\n".to_string()
            }
            FieldKind::Summary => {
                "    <summaryOperation>count</summaryOperation>\n    <type>Summary</type>\n"
                    .to_string()
            }
            FieldKind::AutoNumber => {
                "    <displayFormat>A-{0000}</displayFormat>\n    <type>AutoNumber</type>\n"
                    .to_string()
            }
            FieldKind::Required => {
                "    <required>true</required>\n    <type>Text</type>\n    <length>80</length>\n"
                    .to_string()
            }
            FieldKind::Text => "    <type>Text</type>\n    <length>80</length>\n".to_string(),
        };
        let text = format!(
            "{HEADER}<CustomField {NAMESPACE}>\n    <fullName>{field_name}</fullName>\n    <label>{field_name}</label>\n{body}</CustomField>\n"
        );
        bytes += text.len() as u64;
        write(
            &fields_dir.join(format!("{field_name}.field-meta.xml")),
            &text,
        );
    }
    (1 + org.fields[object].len(), bytes)
}

fn write(path: &Path, text: &str) {
    fs::write(path, text).unwrap_or_else(|error| panic!("write {}: {error}", path.display()));
}
