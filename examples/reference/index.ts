// The reference fleet: everything comes from Pulumi.reference.yaml (`livepeer-fleet:fleet`).
// In your own infra repo, import from "livepeer-fleet" instead of "../../src".
import { main } from "../../src/program";

export = main();
