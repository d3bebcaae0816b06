//! Writes a synthetic SFDX project shaped like a large real org, for benchmarks:
//! admin-like profiles that list every object and field (about 400 objects x 30 fields) and hundreds
//! of class, page, tab and layout entries, plus about 1,500 permission sets. Deterministic from the
//! seed.
//!
//! ```sh
//! cargo run --release --example synth -- --out /tmp/org --size-mb 500 --seed 1
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
    objects: Vec<String>,
    fields: Vec<Vec<String>>,
    classes: Vec<String>,
    pages: Vec<String>,
}

impl Org {
    fn new(rng: &mut Rng) -> Org {
        let mut objects: Vec<String> = STANDARD_OBJECTS.iter().map(|s| s.to_string()).collect();
        for index in 0..376 {
            objects.push(format!("Custom_Object_{index:03}__c"));
        }
        let fields = objects
            .iter()
            .map(|object| {
                let count = 20 + rng.below(21) as usize;
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
    for dependency in &catalog.dependencies {
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

fn profile(org: &Org, index: usize, rng: &mut Rng) -> String {
    let mut out = String::with_capacity(3 << 20);
    out.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Profile xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n");
    for class in &org.classes {
        let _ = write!(
            out,
            "    <classAccesses>\n        <apexClass>{class}</apexClass>\n        <enabled>{}</enabled>\n    </classAccesses>\n",
            boolean(rng.chance(50))
        );
    }
    let _ = writeln!(out, "    <custom>true</custom>");
    for (object, fields) in org.objects.iter().zip(&org.fields) {
        for field in fields {
            field_entry(&mut out, field, rng);
        }
        let _ = object;
    }
    for object in &org.objects {
        let _ = write!(
            out,
            "    <layoutAssignments>\n        <layout>{object}-{object} Layout</layout>\n    </layoutAssignments>\n"
        );
    }
    for object in &org.objects {
        object_entry(&mut out, object, rng, index.is_multiple_of(10));
    }
    for page in &org.pages {
        let _ = write!(
            out,
            "    <pageAccesses>\n        <apexPage>{page}</apexPage>\n        <enabled>{}</enabled>\n    </pageAccesses>\n",
            boolean(rng.chance(40))
        );
    }
    for object in org.objects.iter().skip(24) {
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
        for field in org.fields[object].iter().take(15 + rng.below(20) as usize) {
            field_entry(&mut out, field, rng);
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
    let chosen: Vec<&str> = PERMISSIONS
        .iter()
        .copied()
        .filter(|_| rng.chance(8))
        .collect();
    user_permissions(&mut out, &chosen);
    out.push_str("</PermissionSet>\n");
    out
}

fn main() {
    let mut out_dir: Option<PathBuf> = None;
    let mut size_mb: u64 = 500;
    let mut seed: u64 = 1;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--out" => out_dir = args.next().map(PathBuf::from),
            "--size-mb" => size_mb = args.next().and_then(|v| v.parse().ok()).unwrap_or(size_mb),
            "--seed" => seed = args.next().and_then(|v| v.parse().ok()).unwrap_or(seed),
            other => {
                eprintln!("usage: synth --out DIR [--size-mb N] [--seed N] (unknown {other})");
                std::process::exit(2);
            }
        }
    }
    let Some(out_dir) = out_dir else {
        eprintln!("usage: synth --out DIR [--size-mb N] [--seed N]");
        std::process::exit(2);
    };
    let mut rng = Rng(seed);
    let org = Org::new(&mut rng);
    let base = out_dir.join("force-app/main/default");
    let profiles_dir = base.join("profiles");
    let sets_dir = base.join("permissionsets");
    fs::create_dir_all(&profiles_dir).expect("create profiles dir");
    fs::create_dir_all(&sets_dir).expect("create permissionsets dir");
    write(
        &out_dir.join("sfdx-project.json"),
        "{\n  \"packageDirectories\": [{ \"path\": \"force-app\", \"default\": true }],\n  \"sourceApiVersion\": \"63.0\"\n}\n",
    );
    write(
        &out_dir.join("sflint.toml"),
        "[[integration]]\nname = \"Act-On\"\npack = \"act-on\"\nprofile = \"Profile_0001\"\npermission_sets = [\"Synthetic_0001\", \"Synthetic_0002\"]\n",
    );

    // Permission sets take about 15% of the bytes, as in real orgs; about 1,500 at 500 MB.
    let target = size_mb << 20;
    let set_budget = target * 15 / 100;
    let mut written = 0u64;
    let mut sets = 0usize;
    while written < set_budget {
        sets += 1;
        let text = permission_set(&org, sets, &mut rng);
        written += text.len() as u64;
        write(
            &sets_dir.join(format!("Synthetic_{sets:04}.permissionset-meta.xml")),
            &text,
        );
    }
    let mut profiles = 0usize;
    let mut largest = 0u64;
    while written < target {
        profiles += 1;
        let text = profile(&org, profiles, &mut rng);
        largest = largest.max(text.len() as u64);
        written += text.len() as u64;
        write(
            &profiles_dir.join(format!("Profile_{profiles:04}.profile-meta.xml")),
            &text,
        );
    }
    println!(
        "wrote {} MB: {profiles} profiles (largest {} KB), {sets} permission sets, in {}",
        written >> 20,
        largest >> 10,
        out_dir.display()
    );
}

fn write(path: &Path, text: &str) {
    fs::write(path, text).unwrap_or_else(|error| panic!("write {}: {error}", path.display()));
}
