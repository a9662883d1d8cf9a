// Root Pulumi program: the fleet described by stack config `livepeer-fleet:fleet` (see README.md).
import { main } from "./src/program";

export = main();
