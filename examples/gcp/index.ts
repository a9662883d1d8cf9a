// The GCP example fleet: everything comes from Pulumi.gcp.yaml (`livepeer-fleet:fleet`).
// In your own infra repo, import from "livepeer-fleet" instead of "../../src".
import { main } from "../../src/program";

export = main();
