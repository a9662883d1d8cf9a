/** OrchestratorFleet validates before it registers anything, itself included. */
import * as pulumi from "@pulumi/pulumi";
import { OrchestratorFleet } from "../src/fleet";
import { FleetConfigError } from "../src/spec/errors";
import { referenceRaw, REF_DIR } from "./helpers/spec";

test("a bad spec throws FleetConfigError listing every problem, and nothing is registered", async () => {
  const registered: string[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (a) => {
        registered.push(`${a.type}::${a.name}`);
        return { id: `${a.name}-id`, state: a.inputs };
      },
      call: () => ({}),
    },
    "project",
    "stack",
    false,
  );
  const raw = referenceRaw();
  raw.images.livepeer = "livepeer/go-livepeer:latest";
  raw.regions[0].workers[0].maxSize = 0;
  raw.serviceUri = "http://orch.fleet.example.com";
  let err: unknown;
  try {
    new OrchestratorFleet("ref", { spec: raw, baseDir: REF_DIR });
  } catch (e) {
    err = e;
  }
  await new Promise((r) => setTimeout(r, 50));
  expect(err).toBeInstanceOf(FleetConfigError);
  expect((err as FleetConfigError).issues.map((i) => i.path).sort()).toEqual(["images.livepeer", "regions[0].workers[0].maxSize", "serviceUri"]);
  expect(registered).toEqual([]);
});
