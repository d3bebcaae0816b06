//! `sflint init` end to end, through the real binary: the candidates it finds in
//! `fixtures/init/acton/` (an Act-On profile and permission set, a profile of the Salesforce
//! Integration license, an API Only permission set, and `Contact_Onboarding`, which does not name
//! Act-On), what it writes for `--yes`, for flags and for answers, what it refuses, and the check it
//! runs afterwards. Each runs in a copy of the fixture, with no terminal.

use std::path::Path;

const HEADER: &str = "\
# sflint configuration, written by `sflint init`. Each [[integration]] is an integration user (the
# union of its profile, permission sets and permission set groups) checked against its vendor's
# pack; `sflint pack ID` shows what a pack requires and the options it takes.
";

const LISTING: &str = "\
sflint: found 3 candidate integration users:
  1. Act-On (pack act-on)
       profile ActOn Integration: named after Act-On, named like an integration
       permission set ActOn_Integration: named after Act-On, named like an integration
  2. Integration User (no pack matches)
       profile Integration User: named like an integration, Salesforce Integration license
  3. Reporting_Bot (no pack matches)
       permission set Reporting_Bot: API Only User
";

const FINDINGS_SAID: &str = "sflint: sflint.toml is written; the findings above are the project's to fix (`sflint check` shows them with their source, `sflint rule ID` explains each)\n";

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

/// A copy of `fixtures/init/acton`, to write into.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/init/acton"),
        dir.path(),
    );
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// `sflint ARGS` in `dir` with `input` on standard input (not a terminal).
fn run(dir: &Path, args: &[&str], input: &str) -> Run {
    let output = assert_cmd::cargo::cargo_bin_cmd!("sflint")
        .current_dir(dir)
        .args(args)
        .write_stdin(input)
        .output()
        .unwrap();
    Run {
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
        code: output.status.code().unwrap(),
    }
}

fn written(dir: &Path) -> Option<String> {
    std::fs::read_to_string(dir.join("sflint.toml")).ok()
}

#[test]
fn without_a_terminal_or_flags_it_lists_the_candidates_and_the_command_and_writes_nothing() {
    let dir = project();
    let result = run(dir.path(), &["init"], "");
    assert_eq!(result.code, 2);
    assert_eq!(result.stdout, "");
    assert_eq!(
        result.stderr,
        format!(
            "{LISTING}\
sflint: error: standard input is not a terminal, so nothing was asked and nothing written. To declare them, run:
  sflint init \\
    --integration Act-On=act-on --profile 'ActOn Integration' --permission-set ActOn_Integration \\
    --integration 'Integration User=PACK' --profile 'Integration User' \\
    --integration Reporting_Bot=PACK --permission-set Reporting_Bot
Replace PACK with a pack id (`sflint packs` lists them), or leave that integration out.
Or declare every candidate that has a pack: sflint init --yes
"
        )
    );
    assert_eq!(written(dir.path()), None);
}

#[test]
fn yes_declares_the_act_on_user_found_and_checks_the_project_with_it() {
    let dir = project();
    let result = run(dir.path(), &["init", "--yes"], "");
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert_eq!(
        result.stderr,
        format!(
            "{LISTING}\
sflint: left out, for want of a pack: Integration User, Reporting_Bot (declare them with --integration NAME=PACK)
sflint: wrote sflint.toml with Act-On (act-on); checking the project with it:
sflint: sflint.toml is written; the findings above are the project's to fix (`sflint check` shows them with their source, `sflint rule ID` explains each)
"
        )
    );
    // Act-On's Account 'Active' field is a custom field with no default name: not checked, said once.
    assert_eq!(
        result.stdout,
        "force-app/main/default/permissionsets/ActOn_Integration.permissionset-meta.xml:2:1: info unverifiable-requirement option account_active_field of integration user Act-On is not set, so the Account 'Active' field Act-On recommends reading is not checked (it is a custom field: name yours) [Act-On / act-on/option-account-active-field]\n\
         Found 1 info in 5 components (5 files, 1 integration user).\n"
    );
    assert_eq!(
        written(dir.path()).unwrap(),
        format!(
            "{HEADER}
[[integration]]
name = \"Act-On\"
pack = \"act-on\"
profile = \"ActOn Integration\"
permission_sets = [\"ActOn_Integration\"]
"
        )
    );
    // What init checked is what `sflint check` finds.
    let check = run(dir.path(), &["check", "--format", "concise"], "");
    assert_eq!(check.code, 0);
    assert_eq!(check.stdout, result.stdout);
}

#[test]
fn flags_declare_exactly_what_they_say_with_options_typed_as_the_pack_wants() {
    let dir = project();
    let result = run(
        dir.path(),
        &[
            "init",
            "--integration",
            "Act-On=act-on",
            "--profile",
            "ActOn Integration",
            "--permission-set",
            "ActOn_*",
            "--integration",
            "Ampersand=ampersand",
            "--profile",
            "Integration User",
            "--option",
            "subscribe_actions=false",
            "--option",
            "read_objects=[\"Account\"]",
            "--option",
            "variant=integration",
        ],
        "",
    );
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert_eq!(
        written(dir.path()).unwrap(),
        format!(
            "{HEADER}
[[integration]]
name = \"Act-On\"
pack = \"act-on\"
profile = \"ActOn Integration\"
permission_sets = [\"ActOn_*\"]

[[integration]]
name = \"Ampersand\"
pack = \"ampersand\"
profile = \"Integration User\"
[integration.options]
variant = \"integration\"
read_objects = [\"Account\"]
subscribe_actions = false
"
        )
    );
    // The check finds problems in the project; the file is written all the same, and init says so.
    let profile = "force-app/main/default/profiles/Integration User.profile-meta.xml";
    assert_eq!(
        result.stdout,
        format!(
            "force-app/main/default/permissionsets/ActOn_Integration.permissionset-meta.xml:2:1: info unverifiable-requirement option account_active_field of integration user Act-On is not set, so the Account 'Active' field Act-On recommends reading is not checked (it is a custom field: name yours) [Act-On / act-on/option-account-active-field]
{profile}:2:1: error missing-object-access integration user Ampersand lacks Read, View All Records, View All Fields on Account (no access) [Ampersand / ampersand/read-objects]
{profile}:2:1: error profile-required Ampersand needs profile Minimum Access - API Only Integrations or Salesforce API Only System Integrations; integration user Ampersand has profile Integration User [Ampersand / ampersand/integration-profile]
{profile}:2:1: info unverifiable-requirement Ampersand's OAuth policies are not checked: no option names the app (external_client_app or connected_app); check in Setup: Permitted Users set to All users may self-authorize, Refresh Token Policy set to Refresh token is valid until revoked and IP Relaxation set to Relax IP restrictions (requirements ampersand/oauth-permitted-users, ampersand/oauth-refresh-token and ampersand/oauth-ip-relaxation) [Ampersand / ampersand/oauth-permitted-users]
Found 2 errors and 2 infos in 5 components (5 files, 2 integration users).
"
        )
    );
    assert_eq!(
        result.stderr,
        format!(
            "sflint: wrote sflint.toml with Act-On (act-on), Ampersand (ampersand); checking the project with it:\n{FINDINGS_SAID}"
        )
    );
}

#[test]
fn a_required_option_left_out_is_refused_naming_it_and_its_choices() {
    let dir = project();
    let result = run(
        dir.path(),
        &[
            "init",
            "--integration",
            "Ampersand=ampersand",
            "--profile",
            "Integration User",
            "--option",
            "read_objects=[\"Account\"]",
        ],
        "",
    );
    assert_eq!(result.code, 2);
    assert_eq!(result.stdout, "");
    assert_eq!(
        result.stderr,
        "sflint: error: integration \"Ampersand\": pack ampersand needs option variant (the credentials given to the integration: a human user (System Administrator, or a Salesforce-licensed user) or a Salesforce Integration user); one of human, integration: add --option variant=VALUE; nothing written\n"
    );
    assert_eq!(written(dir.path()), None);
}

#[test]
fn yes_refuses_a_candidate_whose_pack_needs_a_choice() {
    let dir = project();
    std::fs::copy(
        dir.path()
            .join("force-app/main/default/permissionsets/Reporting_Bot.permissionset-meta.xml"),
        dir.path()
            .join("force-app/main/default/permissionsets/Segment_Sync.permissionset-meta.xml"),
    )
    .unwrap();
    let result = run(dir.path(), &["init", "--yes"], "");
    assert_eq!(result.code, 2);
    assert_eq!(
        result.stderr,
        "\
sflint: found 4 candidate integration users:
  1. Act-On (pack act-on)
       profile ActOn Integration: named after Act-On, named like an integration
       permission set ActOn_Integration: named after Act-On, named like an integration
  2. Segment (pack segment)
       permission set Segment_Sync: named after Segment, named like an integration, API Only User
  3. Integration User (no pack matches)
       profile Integration User: named like an integration, Salesforce Integration license
  4. Reporting_Bot (no pack matches)
       permission set Reporting_Bot: API Only User
sflint: error: Segment: pack segment needs option variant (the Segment connection this user serves: the Salesforce source, or the classic (deprecated) Salesforce destination); one of source, classic-destination, which --yes does not choose; nothing written. Declare it with flags:
  sflint init \\
    --integration Act-On=act-on --profile 'ActOn Integration' --permission-set ActOn_Integration \\
    --integration Segment=segment --permission-set Segment_Sync --option variant=VALUE \\
    --integration 'Integration User=PACK' --profile 'Integration User' \\
    --integration Reporting_Bot=PACK --permission-set Reporting_Bot
Replace PACK with a pack id (`sflint packs` lists them), or leave that integration out.
VALUE of variant for Segment: one of source, classic-destination; the Segment connection this user serves: the Salesforce source, or the classic (deprecated) Salesforce destination
"
    );
    assert_eq!(written(dir.path()), None);
}

#[test]
fn an_existing_configuration_is_kept_unless_forced() {
    let dir = project();
    std::fs::write(dir.path().join("sflint.toml"), "# mine\n").unwrap();
    let refused = run(dir.path(), &["init", "--yes"], "");
    assert_eq!(refused.code, 2);
    assert_eq!(
        refused.stderr,
        "sflint: error: sflint.toml already exists (use --force to overwrite it)\n"
    );
    assert_eq!(written(dir.path()).unwrap(), "# mine\n");
    let forced = run(dir.path(), &["init", "--yes", "--force"], "");
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert!(
        written(dir.path()).unwrap().starts_with(HEADER),
        "{:?}",
        written(dir.path())
    );
}

#[test]
fn mistakes_in_flags_are_refused_before_anything_is_written() {
    let dir = project();
    for (args, message) in [
        (
            &[
                "--integration",
                "Act-On=act-on",
                "--permission-set",
                "ActOn_Integraton",
            ][..],
            "integration \"Act-On\": no permission set \"ActOn_Integraton\" in the project (did you mean ActOn_Integration?)",
        ),
        (
            &[
                "--integration",
                "Act-On=act-onn",
                "--permission-set",
                "ActOn_Integration",
            ][..],
            "integration \"Act-On\": unknown pack \"act-onn\" (did you mean act-on?); `sflint packs` lists them, or give a pack file",
        ),
        (
            &["--integration", "Act-On=act-on"][..],
            "integration \"Act-On\" has no member: give its --profile, --permission-set or --permission-set-group after it",
        ),
        (
            &[
                "--permission-set",
                "ActOn_Integration",
                "--integration",
                "Act-On=act-on",
            ][..],
            "--permission-set \"ActOn_Integration\" comes before any --integration: give it after the --integration it belongs to",
        ),
        (
            &[
                "--integration",
                "Act-On=act-on",
                "--permission-set",
                "ActOn_Integration",
                "--option",
                "custom_objects=Invoice__c",
            ][..],
            "integration \"Act-On\": option custom_objects: expected a list of strings, found string (a list is written --option 'custom_objects=[\"A\", \"B\"]')",
        ),
        (
            &[
                "--integration",
                "Act-On=act-on",
                "--permission-set",
                "ActOn_Integration",
                "--option",
                "custom_object=[]",
            ][..],
            "integration \"Act-On\": pack act-on has no option \"custom_object\" (did you mean custom_objects?); its options: custom_objects, account_active_field, hard_bounce_fields, lead_score_fields, record_types",
        ),
        (
            &[
                "--integration",
                "Act-On=act-on",
                "--profile",
                "ActOn_Integration",
                "--integration",
                "Act-On=act-on",
                "--profile",
                "ActOn Integration",
            ][..],
            "integration \"Act-On\": no profile \"ActOn_Integration\" in the project (did you mean ActOn Integration?)",
        ),
    ] {
        let mut all = vec!["init"];
        all.extend(args);
        let result = run(dir.path(), &all, "");
        assert_eq!(result.code, 2, "{args:?}");
        assert_eq!(
            result.stderr,
            format!("sflint: error: {message}; nothing written\n"),
            "{args:?}"
        );
        assert_eq!(written(dir.path()), None, "{args:?}");
    }
}

#[test]
fn interactive_answers_choose_the_users_a_pack_and_its_options() {
    let dir = project();
    // Integration User and Act-On; a pack for Integration User, mistyped once; then the second
    // choice of the pack's required option.
    let result = run(
        dir.path(),
        &["init", "--interactive"],
        "2 1\nsegmnt\nsegment\n2\n",
    );
    assert_eq!(result.code, 0, "{}", result.stderr);
    assert_eq!(
        result.stderr,
        format!(
            "{LISTING}\
Declare which? Numbers, \"all\" or \"none\" [1]: 2 1
Pack for Integration User (an id from `sflint packs`, or a pack file; Enter leaves it out): segmnt
unknown pack \"segmnt\" (did you mean segment?); `sflint packs` lists them, or give a pack file
Pack for Integration User (an id from `sflint packs`, or a pack file; Enter leaves it out): segment
Integration User (segment) needs option variant: the Segment connection this user serves: the Salesforce source, or the classic (deprecated) Salesforce destination
  1. source
  2. classic-destination
Choose 1-2: 2
sflint: wrote sflint.toml with Act-On (act-on), Integration User (segment); checking the project with it:
{FINDINGS_SAID}"
        )
    );
    assert_eq!(
        written(dir.path()).unwrap(),
        format!(
            "{HEADER}
[[integration]]
name = \"Act-On\"
pack = \"act-on\"
profile = \"ActOn Integration\"
permission_sets = [\"ActOn_Integration\"]

[[integration]]
name = \"Integration User\"
pack = \"segment\"
profile = \"Integration User\"
[integration.options]
variant = \"classic-destination\"
"
        )
    );
    assert_eq!(
        result.stdout,
        "force-app/main/default/permissionsets/ActOn_Integration.permissionset-meta.xml:2:1: info unverifiable-requirement option account_active_field of integration user Act-On is not set, so the Account 'Active' field Act-On recommends reading is not checked (it is a custom field: name yours) [Act-On / act-on/option-account-active-field]\n\
         force-app/main/default/profiles/Integration User.profile-meta.xml:2:1: warning profile-required Segment needs profile Admin; integration user Integration User has profile Integration User [Integration User / segment/destination-system-administrator]\n\
         Found 1 warning and 1 info in 5 components (5 files, 2 integration users).\n"
    );
}

#[test]
fn input_that_ends_while_asking_writes_nothing() {
    let dir = project();
    let result = run(dir.path(), &["init", "--interactive"], "3\n");
    assert_eq!(result.code, 2);
    assert_eq!(
        result.stderr,
        format!(
            "{LISTING}\
Declare which? Numbers, \"all\" or \"none\" [1]: 3
Pack for Reporting_Bot (an id from `sflint packs`, or a pack file; Enter leaves it out): 
sflint: error: no answer (end of input); nothing written
"
        )
    );
    assert_eq!(written(dir.path()), None);
}

#[test]
fn a_project_with_no_candidate_says_how_to_declare_one() {
    let dir = project();
    let sets = dir.path().join("force-app/main/default");
    std::fs::remove_dir_all(sets.join("profiles")).unwrap();
    for name in ["ActOn_Integration", "Reporting_Bot"] {
        std::fs::remove_file(
            sets.join("permissionsets")
                .join(format!("{name}.permissionset-meta.xml")),
        )
        .unwrap();
    }
    let result = run(dir.path(), &["init", "--yes"], "");
    assert_eq!(result.code, 2);
    assert_eq!(
        result.stderr,
        "sflint: error: found no candidate integration user (no profile, permission set or permission set group named after a vendor pack or like an integration, or holding an integration license or API Only User); nothing written\n\
         Declare one with: sflint init --integration NAME=PACK --profile PROFILE --permission-set PERMISSION_SET\n"
    );
    assert_eq!(written(dir.path()), None);
}

/// Names and labels come from the repository: what a terminal would act on is escaped.
#[test]
fn names_and_labels_are_printed_escaped() {
    let dir = project();
    let sets = dir.path().join("force-app/main/default/permissionsets");
    let permission_set = |label: &str| {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<PermissionSet xmlns=\"http://soap.sforce.com/2006/04/metadata\">\n    <label>{label}</label>\n</PermissionSet>\n"
        )
    };
    std::fs::write(
        sets.join("Fivetran\u{1b}[2J_Sync.permissionset-meta.xml"),
        permission_set("Fivetran"),
    )
    .unwrap();
    std::fs::write(
        sets.join("Data_Loader.permissionset-meta.xml"),
        permission_set("Act-On\u{202e} Sync"),
    )
    .unwrap();
    let result = run(dir.path(), &["init"], "");
    assert_eq!(result.code, 2);
    assert!(
        !result.stderr.contains(['\u{1b}', '\u{202e}']),
        "{:?}",
        result.stderr
    );
    for expected in [
        "       permission set Data_Loader: labelled Act-On\\u{202e} Sync\n",
        "  2. Fivetran (pack fivetran)\n       permission set Fivetran\\u{1b}[2J_Sync: named after Fivetran, named like an integration\n",
        "--integration Fivetran=fivetran --permission-set 'Fivetran\\u{1b}[2J_Sync'",
    ] {
        assert!(result.stderr.contains(expected), "{}", result.stderr);
    }
}
