/** Pinned container images (no latest, no missing or floating tags; digests accepted) and pinned AMIs per region. */
import { load, mutated, expectIssues } from "../helpers/spec";
import { checkImagePinned, imageVersion } from "../../src/spec/validate";

const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;

describe("checkImagePinned", () => {
  test.each([
    "livepeer/go-livepeer:v0.9.1",
    "livepeer/go-livepeer:0.9.1",
    "livepeer/go-livepeer:v0.9.2-rc1",
    "ghcr.io/erpc/erpc:0.0.62",
    `livepeer/go-livepeer@${DIGEST}`,
    `livepeer/go-livepeer:v0.9.1@${DIGEST}`,
    `localhost:5000/livepeer/go-livepeer:v0.9.1`,
    `123456789012.dkr.ecr.us-east-1.amazonaws.com/go-livepeer:v0.9.1`,
  ])("pinned: %s", (image) => {
    expect(checkImagePinned(image)).toBeUndefined();
  });

  test.each<[string, RegExp]>([
    ["livepeer/go-livepeer", /has no tag \(that means `latest`\)/],
    ["localhost:5000/livepeer/go-livepeer", /has no tag/],
    ["livepeer/go-livepeer:latest", /floating tag `latest`/],
    ["livepeer/go-livepeer:LATEST", /floating tag/],
    ["livepeer/go-livepeer:stable", /floating tag `stable`/],
    ["livepeer/go-livepeer:master", /floating tag/],
    ["livepeer/go-livepeer:nightly", /floating tag/],
    ["livepeer/go-livepeer:latest-gpu", /floating tag `latest-gpu`/],
    ["livepeer/go-livepeer:v0.9", /tag `v0\.9`, which floats over patch releases/],
    ["livepeer/go-livepeer:0.9", /floats over patch releases/],
    ["livepeer/go-livepeer:v1", /floats over patch releases/],
    ["livepeer/go-livepeer:0.9.x", /wildcard tag/],
    ["livepeer/go-livepeer:", /invalid tag/],
    ["livepeer/go-livepeer@sha256:abc", /malformed digest/],
    [`livepeer/go-livepeer@${DIGEST.toUpperCase()}`, /malformed digest/],
    ["livepeer/go-livepeer:v0.9.1 ", /not an image reference/],
    ["", /not an image reference/],
  ])("not pinned: %s", (image, re) => {
    const msg = checkImagePinned(image);
    expect(msg).toMatch(re);
    expect(msg).toMatch(/accepted: `repo:tag` with an exact version tag .* or `repo@sha256:<64 hex>`/);
  });
});

describe("checkImagePinned parses a Docker reference", () => {
  test.each([
    "docker.io/livepeer/go-livepeer:v0.9.1",
    "registry.example.com:5000/team/sub/go_livepeer:v0.9.1",
    "gcr.io/my-project/go-livepeer.x__y:1.2.3",
    "Registry.Example.COM/livepeer/go-livepeer:v0.9.1", // registry host names are case-insensitive
    `go-livepeer:v0.9.1@${DIGEST}`,
  ])("well formed and pinned: %s", (image) => expect(checkImagePinned(image)).toBeUndefined());

  test.each<[string, RegExp]>([
    ["Livepeer/go-livepeer:v0.9.1", /invalid repository path component `Livepeer`/],
    ["livepeer/Go-Livepeer:v0.9.1", /invalid repository path component `Go-Livepeer`/],
    ["livepeer//go-livepeer:v0.9.1", /empty repository name or path component/],
    ["/go-livepeer:v0.9.1", /empty repository name or path component/],
    ["ghcr.io/:v0.9.1", /empty repository name or path component/],
    [":v0.9.1", /empty repository name/],
    [`@${DIGEST}`, /empty repository name/],
    ["-livepeer/go-livepeer:v0.9.1", /starts with `-`/],
    ["--privileged", /starts with `-`/],
    ["livepeer/-go-livepeer:v0.9.1", /invalid repository path component `-go-livepeer`/],
    ["livepeer/go-livepeer-:v0.9.1", /invalid repository path component/],
    ["livepeer/go..livepeer:v0.9.1", /invalid repository path component/],
    ["livepeer/go-livepeer:v0.9.1\u001b[2J", /not an image reference/],
    ["livepeer/go-livepeer:v0.9.1\n", /not an image reference/],
    ["livepeer/gö-livepeer:v0.9.1", /not an image reference/],
    ["livepeer/go-livepeer:v0.9.1;rm", /invalid tag/],
    ["livepeer/go-livepeer:-v0.9.1", /invalid tag/],
    ["livepeer/go-livepeer:.v0.9.1", /invalid tag/],
    [`livepeer/go-livepeer:${"v".repeat(129)}`, /invalid tag/],
    [`livepeer/go-livepeer:bad!tag@${DIGEST}`, /invalid tag/],
    ["reg_istry.io/livepeer/go-livepeer:v0.9.1", /invalid repository path component `reg_istry\.io`|invalid registry/],
    ["registry.example.com:99999x/go-livepeer:v0.9.1", /invalid registry/],
    [`${"a/".repeat(130)}b:v0.9.1`, /longer than 255/],
  ])("refused: %j", (image, re) => {
    const msg = checkImagePinned(image.replace(/\\u001b/g, "\u001b").replace(/\\n/g, "\n"));
    expect(msg).toMatch(re);
    expect(msg).toMatch(/accepted: `repo:tag`/);
  });

  test("refused in the spec too, with the image's path", () => {
    expectIssues(mutated((r) => (r.images.rpcProxy = "GHCR.io/ERPC/erpc:0.0.62")), [["images.rpcProxy", /invalid repository path component `ERPC`/]]);
  });
});

describe("imageVersion", () => {
  test.each<[string, [number, number, number] | undefined]>([
    ["livepeer/go-livepeer:v0.9.1", [0, 9, 1]],
    ["livepeer/go-livepeer:0.10.2-rc1", [0, 10, 2]],
    [`livepeer/go-livepeer:v1.2.3@${DIGEST}`, [1, 2, 3]],
    [`livepeer/go-livepeer@${DIGEST}`, undefined],
    ["localhost:5000/go-livepeer:master", undefined],
  ])("%s → %j", (image, v) => expect(imageVersion(image)).toEqual(v));
});

describe("images in the spec", () => {
  test.each<[string, string]>([
    ["livepeer", "livepeer/go-livepeer:latest"],
    ["livepeer", "livepeer/go-livepeer"],
    ["livepeer", "livepeer/go-livepeer:v0.9"],
    ["rpcProxy", "ghcr.io/erpc/erpc:stable"],
    ["rpcProxy", "ghcr.io/erpc/erpc"],
  ])("images.%s = %s is refused", (key, image) => {
    const [issue] = expectIssues(mutated((r) => (r.images[key] = image)), [[`images.${key}`, /accepted/]]);
    expect(issue.value).toBe(image);
  });

  test("a digest-pinned go-livepeer image is accepted", () => {
    expect(load(mutated((r) => (r.images.livepeer = `livepeer/go-livepeer@${DIGEST}`))).spec.images.livepeer).toContain("@sha256:");
  });

  test.each<[string, string]>([
    ["livepeer", "image"],
    ["rpcProxy", "image"],
  ])("images.%s missing is refused", (key) => {
    void expectIssues(mutated((r) => delete r.images[key]), [[`images.${key}`, /is required/]]);
  });
});

describe("machine images: pinned AMIs per region, a GPU image with workers", () => {
  test.each<[string, (r: any) => void, [string, RegExp][]]>([
    ["cpu AMI by name", (r) => (r.regions[0].machineImages.cpu = "ubuntu-22.04"), [["regions[0].machineImages.cpu", /pinned AMI id like `ami-0123456789abcdef0` \(no lookups/]]],
    ["cpu AMI `latest`", (r) => (r.regions[0].machineImages.cpu = "latest"), [["regions[0].machineImages.cpu", /pinned AMI id/]]],
    ["cpu AMI id too short", (r) => (r.regions[0].machineImages.cpu = "ami-123"), [["regions[0].machineImages.cpu", /pinned AMI id/]]],
    ["cpu AMI in uppercase hex", (r) => (r.regions[0].machineImages.cpu = "ami-0A1B2C3D4E5F60718"), [["regions[0].machineImages.cpu", /pinned AMI id/]]],
    ["cpu AMI missing", (r) => delete r.regions[0].machineImages.cpu, [["regions[0].machineImages.cpu", /is required/]]],
    ["gpu AMI as an SSM parameter", (r) => (r.regions[0].machineImages.gpu = "resolve:ssm:/aws/service/deeplearning/ami"), [["regions[0].machineImages.gpu", /pinned AMI id/]]],
    ["gpu AMI missing with workers", (r) => delete r.regions[0].machineImages.gpu, [["regions[0].machineImages.gpu", /is required when the region has worker pools/]]],
    ["an unknown machine image kind", (r) => (r.regions[0].machineImages.arm = "ami-0a1b2c3d4e5f60718"), [["regions[0].machineImages.arm", /unknown field/]]],
  ])("refused: %s", (_n, m, expected) => void expectIssues(mutated(m), expected));

  test.each<[string, (r: any) => void]>([
    ["an 8-digit legacy AMI id", (r) => (r.regions[0].machineImages.cpu = "ami-0a1b2c3d")],
    ["no gpu AMI in a region without workers", (r) => {
      delete r.regions[0].machineImages.gpu;
      r.regions[0].workers = [];
    }],
  ])("accepted: %s", (_n, m) => expect(() => load(mutated(m))).not.toThrow());
});
