import { SfCommand } from "@salesforce/sf-plugins-core";
import { passThrough, runSflint, sflintBinary } from "../../run.js";

export default class SflintCheck extends SfCommand {
  static summary = "Lint permission sets, profiles and integration users with sflint.";

  static description =
    "Runs `sflint check` with every argument and flag given, unchanged: paths, --fail-on, --config, --format, --report and the rest (`sf sflint check -- --help` lists them). The native binary comes from the sflint npm package, prebuilt for this platform.\n\n" +
    "With --json the result is sflint's JSON report in sf's envelope ({status, result, warnings}), and status is sflint's exit code: 0 clean, 1 findings at or above --fail-on, 2 sflint could not do all it was asked.";

  static examples = [
    "<%= config.bin %> <%= command.id %>",
    "<%= config.bin %> <%= command.id %> force-app --fail-on warning",
    "<%= config.bin %> <%= command.id %> --format github --report sarif=sflint.sarif",
    "<%= config.bin %> <%= command.id %> --json",
  ];

  // sflint's own options are not declared here: oclif hands them over unparsed.
  static strict = false;

  async run() {
    const json = this.jsonEnabled();
    const binary = sflintBinary();
    if (binary.error) this.error(binary.error, { exit: 2 });
    const args = ["check", ...(json ? ["--format", "json"] : []), ...passThrough(this.argv, { dropJson: json })];
    const { code, stdout } = await runSflint(binary.path, args, { capture: json });
    process.exitCode = code;
    if (!json) return undefined;
    try {
      return JSON.parse(stdout);
    } catch {
      this.error(`sflint exited with ${code} without a JSON report`, { exit: code || 2 });
    }
  }
}
