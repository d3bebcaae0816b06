import { SfCommand } from "@salesforce/sf-plugins-core";
import { passThrough, runSflint, sflintBinary } from "../../run.js";

export default class SflintFmt extends SfCommand {
  static summary = "Sort permission metadata into the order a retrieve writes it, with sflint fmt.";

  static description =
    "Runs `sflint fmt` with every argument and flag given, unchanged (`sf sflint fmt -- --help` lists them): --check reports the files that are not in order, --diff shows the changes.";

  static examples = ["<%= config.bin %> <%= command.id %> force-app", "<%= config.bin %> <%= command.id %> --check"];

  static strict = false;

  // sflint fmt has no JSON report.
  static enableJsonFlag = false;

  async run() {
    const binary = sflintBinary();
    if (binary.error) this.error(binary.error, { exit: 2 });
    const { code } = await runSflint(binary.path, ["fmt", ...passThrough(this.argv, { dropJson: false })], {
      capture: false,
    });
    process.exitCode = code;
  }
}
