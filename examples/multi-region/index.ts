// The multi-region fleet: everything comes from Pulumi.multi-region.yaml (`livepeer-fleet:fleet`).
// In your own infra repo, import from "livepeer-fleet" instead of "../../src".
import { main } from "../../src/program";

export = main();
