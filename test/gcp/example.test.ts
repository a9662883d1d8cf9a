/**
 * The GCP example fleet (examples/gcp) planned under mocks: the GCP components' exact children, providers,
 * names, firewall rules, IAM bindings, KMS/Secret Manager, stateful groups, worker groups, the passthrough
 * load balancer, Cloud DNS records, and that no secret appears anywhere.
 */
import * as fs from "fs";
import { secretPlaintexts } from "../helpers/spec";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { planFile, FleetPlan } from "../../src/cli/plan";
import type { PlannedResource } from "../../src/plan/engine";
import { GCP_NAME } from "../../src/naming";
import { gcpShutdownScript } from "../../src/layout/drain";

const DIR = path.join(__dirname, "../../examples/gcp");
const FILE = path.join(DIR, "fleet.yaml");
const raw = parseYaml(fs.readFileSync(FILE, "utf8"));
const SECRETS: string[] = secretPlaintexts(raw);
const RPC_KEYS = raw.rpcUrls.map((u: string) => u.split("/").pop());
const KEYSTORE_CIPHERTEXTS = fs.readdirSync(path.join(DIR, "keys")).filter((f) => f.endsWith(".json"))
  .map((f) => { const k = JSON.parse(fs.readFileSync(path.join(DIR, "keys", f), "utf8")); return (k.Crypto ?? k.crypto).ciphertext as string; });
const PROJECT = "livepeer-fleet-example";
const sa = (id: string) => `${id}@${PROJECT}.iam.gserviceaccount.com`;

let fp: FleetPlan;
let rs: PlannedResource[];
const key = (r: PlannedResource) => `${r.type}::${r.name}`;
const ofType = (t: string) => rs.filter((r) => r.type === t);
const byKey = (k: string) => rs.find((r) => key(r) === k);
const T = {
  firewall: "gcp:compute/firewall:Firewall",
  template: "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate",
  igm: "gcp:compute/instanceGroupManager:InstanceGroupManager",
  rigm: "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager",
  pic: "gcp:compute/perInstanceConfig:PerInstanceConfig",
  address: "gcp:compute/address:Address",
  secret: "gcp:secretmanager/secret:Secret",
  version: "gcp:secretmanager/secretVersion:SecretVersion",
  binding: "gcp:secretmanager/secretIamMember:SecretIamMember",
  record: "gcp:dns/recordSet:RecordSet",
};
/** Type → count of the custom children of one component. */
function children(parent: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of rs.filter((x) => x.parent === parent)) out[r.type] = (out[r.type] ?? 0) + 1;
  return out;
}

beforeAll(async () => {
  fp = await planFile(FILE);
  rs = fp.plan.resources;
});

test("every custom resource is on a named provider: the region's, and the DNS zone's for records", () => {
  const custom = rs.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
  expect(custom.length).toBeGreaterThan(80);
  expect(custom.filter((r) => r.provider === "").map(key)).toEqual([]);
  for (const r of custom) expect(r.provider).toBe(r.type === T.record ? "gref-dns" : "gref-euw4");
  const providers = rs.filter((r) => r.type === "pulumi:providers:gcp").map((p) => [p.name, p.inputs.project, p.inputs.region]);
  expect(providers).toEqual([["gref-dns", PROJECT, undefined], ["gref-euw4", PROJECT, "europe-west4"]]);
  // every GCP resource names its project explicitly too
  for (const r of custom.filter((x) => /^gcp:(compute|kms\/keyRing|secretmanager\/secret:|serviceaccount|projects)/.test(x.type))) {
    expect([key(r), r.inputs.project]).toEqual([key(r), PROJECT]);
  }
});

test("the stack file: same resources, no custom resource on the default provider, a generated orch secret on its own provider", async () => {
  const stack = await planFile(path.join(DIR, "Pulumi.gcp.yaml"));
  const srs = stack.plan.resources;
  expect(srs.filter((r) => r.custom && r.provider === "" && !r.type.startsWith("pulumi:providers:"))).toEqual([]);
  const pw = srs.filter((r) => r.type === "random:index/randomPassword:RandomPassword");
  expect(pw.map((r) => [r.name, r.provider])).toEqual([["gref-orch-secret", "gref-random"]]);
  const gcpKeys = (list: PlannedResource[]) => list.filter((r) => r.type.startsWith("gcp:")).map(key).sort();
  expect(gcpKeys(srs)).toEqual(gcpKeys(rs));
  for (const v of srs.filter((r) => r.type === T.version)) expect(v.inputs.secretDataWo).toBe("[secret]");
});

test("no two resources share a type and name", () => {
  const keys = rs.map(key);
  expect(keys.length).toBe(new Set(keys).size);
});

test("the components and their exact children", () => {
  const components = rs.filter((r) => !r.custom).map((r) => `${r.type.replace("livepeer-fleet:", "")}::${r.name}`).sort();
  expect(components).toEqual([
    "gcp:KeyVault::gref-euw4",
    "gcp:LoadBalancer::gref-euw4",
    "gcp:Network::gref-euw4",
    "gcp:PinnedNode::gref-euw4-o1",
    "gcp:PinnedNode::gref-euw4-o2",
    "gcp:PinnedNode::gref-euw4-redeemer",
    "gcp:PinnedNode::gref-euw4-reward",
    "gcp:Region::gref-euw4",
    "gcp:WorkerGroup::gref-euw4-l4-o1",
    "gcp:WorkerGroup::gref-euw4-l4-o2",
    "index:OrchestratorFleet::gref",
  ]);
  expect(children("livepeer-fleet:gcp:Network::gref-euw4")).toEqual({
    "gcp:compute/network:Network": 1, "gcp:compute/subnetwork:Subnetwork": 1, "gcp:compute/router:Router": 1, "gcp:compute/routerNat:RouterNat": 1, [T.firewall]: 2,
  });
  expect(children("livepeer-fleet:gcp:KeyVault::gref-euw4")).toEqual({
    "gcp:kms/keyRing:KeyRing": 1, "gcp:kms/cryptoKey:CryptoKey": 1, "gcp:projects/serviceIdentity:ServiceIdentity": 1, "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember": 1,
    "gcp:serviceaccount/account:Account": 6, [T.secret]: 10, [T.version]: 10, [T.binding]: 16,
  });
  for (const o of ["o1", "o2"]) {
    expect(children(`livepeer-fleet:gcp:PinnedNode::gref-euw4-${o}`)).toEqual({ [T.address]: 2, [T.firewall]: 2, [T.template]: 1, [T.igm]: 1, [T.pic]: 1, [T.record]: 1 });
  }
  // the redeemer: internal + a static external address held from the start (a second region then only adds rules)
  expect(children("livepeer-fleet:gcp:PinnedNode::gref-euw4-redeemer")).toEqual({ [T.address]: 2, [T.firewall]: 1, "gcp:compute/disk:Disk": 1, [T.template]: 1, [T.igm]: 1, [T.pic]: 1 });
  expect(children("livepeer-fleet:gcp:PinnedNode::gref-euw4-reward")).toEqual({ [T.address]: 1, "gcp:compute/disk:Disk": 1, [T.template]: 1, [T.igm]: 1, [T.pic]: 1 });
  for (const o of ["o1", "o2"]) expect(children(`livepeer-fleet:gcp:WorkerGroup::gref-euw4-l4-${o}`)).toEqual({ [T.template]: 2, [T.rigm]: 2, "gcp:compute/regionAutoscaler:RegionAutoscaler": 1 });
  expect(children("livepeer-fleet:gcp:LoadBalancer::gref-euw4")).toEqual({
    "gcp:compute/regionHealthCheck:RegionHealthCheck": 1, "gcp:compute/regionBackendService:RegionBackendService": 1, [T.address]: 1, "gcp:compute/forwardingRule:ForwardingRule": 1,
  });
  // the region itself only wires components; the service record is the fleet's (Cloud DNS keeps one geo record set)
  expect(children("livepeer-fleet:gcp:Region::gref-euw4")).toEqual({
    "gcp:projects/iAMMember:IAMMember": 10,
    "livepeer-fleet:gcp:Network": 1, "livepeer-fleet:gcp:KeyVault": 1, "livepeer-fleet:gcp:PinnedNode": 4, "livepeer-fleet:gcp:WorkerGroup": 2, "livepeer-fleet:gcp:LoadBalancer": 1,
  });
  expect(children("livepeer-fleet:index:OrchestratorFleet::gref")).toEqual({ [T.record]: 1, "pulumi:providers:gcp": 2, "livepeer-fleet:gcp:Region": 1 });
});

test("physical names: valid GCP names ≤ 63; auto-named resources leave room for Pulumi's suffix; service account ids 6–30", () => {
  for (const r of rs.filter((x) => x.type.startsWith("gcp:") && typeof x.inputs.name === "string" && x.type !== T.record)) {
    expect([key(r), r.inputs.name]).toEqual([key(r), expect.stringMatching(GCP_NAME)]);
  }
  // never deletable / replaced side by side: no fixed name
  for (const t of ["gcp:kms/keyRing:KeyRing", "gcp:kms/cryptoKey:CryptoKey", T.template, T.rigm]) {
    for (const r of ofType(t)) {
      expect(r.inputs.name).toBeUndefined();
      expect(r.name.length + 8).toBeLessThanOrEqual(63);
    }
  }
  const ids = ofType("gcp:serviceaccount/account:Account").map((a) => a.inputs.accountId as string).sort();
  expect(ids).toEqual(["gref-euw4-l4-o1", "gref-euw4-l4-o2", "gref-euw4-o1", "gref-euw4-o2", "gref-euw4-redeemer", "gref-euw4-reward"]);
  for (const id of ids) expect(id).toMatch(/^[a-z](?:[-a-z0-9]{4,28}[a-z0-9])$/);
});

test("network: custom-mode VPC, one regional subnetwork with Private Google Access, Cloud NAT for VMs without an address", () => {
  const [net] = ofType("gcp:compute/network:Network");
  expect(net.inputs).toMatchObject({ name: "gref-euw4", autoCreateSubnetworks: false, routingMode: "REGIONAL" });
  const [sub] = ofType("gcp:compute/subnetwork:Subnetwork");
  expect(sub.inputs).toMatchObject({ ipCidrRange: "10.60.0.0/20", region: "europe-west4", privateIpGoogleAccess: true, network: "projects/livepeer-fleet-example/global/networks/gref-euw4" });
  const [nat] = ofType("gcp:compute/routerNat:RouterNat");
  expect(nat.inputs).toMatchObject({ natIpAllocateOption: "AUTO_ONLY", sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS", region: "europe-west4" });
  expect(nat.inputs.subnetworks).toEqual([{ name: `projects/${PROJECT}/regions/europe-west4/subnetworks/gref-euw4`, sourceIpRangesToNats: ["ALL_IP_RANGES"] }]);
});

test("firewall: 8935 from anywhere only on Os, readiness only from the LB health-check ranges, redeemer only from the Os' service accounts, SSH only from IAP, deny the rest", () => {
  const rules = ofType(T.firewall).map((r) => {
    const i = r.inputs as any;
    return [r.name, i.allows ? `allow tcp:${i.allows[0].ports.join(",")}` : `deny ${i.denies[0].protocol}`, (i.sourceRanges ?? i.sourceServiceAccounts).join(" "), (i.targetServiceAccounts ?? i.targetTags).join(" "), i.priority];
  });
  expect(rules.sort()).toEqual([
    ["gref-euw4-deny-ingress", "deny all", "0.0.0.0/0", "gref-euw4-fleet", 65000],
    ["gref-euw4-iap-ssh", "allow tcp:22", "35.235.240.0/20", "gref-euw4-fleet", 1000],
    ["gref-euw4-o1-in-8935-internet", "allow tcp:8935", "0.0.0.0/0", sa("gref-euw4-o1"), 1000],
    ["gref-euw4-o1-in-8936-health-checks", "allow tcp:8936", "35.191.0.0/16 209.85.152.0/22 209.85.204.0/22", sa("gref-euw4-o1"), 1000],
    ["gref-euw4-o2-in-8935-internet", "allow tcp:8935", "0.0.0.0/0", sa("gref-euw4-o2"), 1000],
    ["gref-euw4-o2-in-8936-health-checks", "allow tcp:8936", "35.191.0.0/16 209.85.152.0/22 209.85.204.0/22", sa("gref-euw4-o2"), 1000],
    ["gref-euw4-redeemer-in-8935-orchestrators", "allow tcp:8935", `${sa("gref-euw4-o1")} ${sa("gref-euw4-o2")}`, sa("gref-euw4-redeemer"), 1000],
  ]);
  for (const r of ofType(T.firewall)) {
    expect(r.inputs).toMatchObject({ direction: "INGRESS", project: PROJECT, network: `projects/${PROJECT}/global/networks/gref-euw4` });
    // never a tag source, never both kinds of target
    expect(r.inputs.sourceTags).toBeUndefined();
    expect(r.inputs.targetTags !== undefined && r.inputs.targetServiceAccounts !== undefined).toBe(false);
  }
  // every fleet VM carries the network tag the IAP and deny rules target
  for (const t of ofType(T.template)) expect(t.inputs.tags).toEqual(["gref-euw4-fleet"]);
});

test("IAM: each service account reads exactly its own secrets; workers only the orchestrator secret; the Secret Manager agent holds the key", () => {
  const secretIdOf = (name: unknown) => String(name).replace(`projects/${PROJECT}/secrets/gref-euw4-`, "");
  const readers: Record<string, string[]> = {};
  for (const b of ofType(T.binding)) {
    expect(b.inputs.role).toBe("roles/secretmanager.secretAccessor");
    const member = String(b.inputs.member).replace(/^serviceAccount:gref-euw4-/, "").replace(/@.*$/, "");
    (readers[member] ??= []).push(secretIdOf(b.inputs.secretId));
  }
  for (const v of Object.values(readers)) v.sort();
  const r = fp.layout.regions[0];
  const want: Record<string, string[]> = {};
  for (const s of r.secrets) for (const n of s.readers) (want[n] ??= []).push(s.id);
  for (const v of Object.values(want)) v.sort();
  expect(readers).toEqual(want);
  expect(readers["o1"]).toEqual(["o1-keystore", "o1-password", "orch-secret", "rpc-proxy-config"]);
  expect(readers["redeemer"]).toEqual(["redeemer-keystore", "redeemer-password", "rpc-proxy-config"]);
  expect(readers["l4-o1"]).toEqual(["orch-secret"]);
  // project-wide only what Cloud Logging and Monitoring cannot scope narrower: each chain node's own account
  // writes logs (docker gcplogs) and metrics (its collector), each worker group's logs; nothing else, no policy
  // or binding replaced wholesale
  const projectIam = rs.filter((x) => /^gcp:(projects\/iAM|organizations|folder)|IAMPolicy|IAMBinding/.test(x.type));
  expect(projectIam.map((x) => [x.type, x.inputs.role, x.inputs.member]).sort()).toEqual(
    ["o1", "o2", "redeemer", "reward"].flatMap((n) => [
      ["gcp:projects/iAMMember:IAMMember", "roles/logging.logWriter", `serviceAccount:gref-euw4-${n}@livepeer-fleet-example.iam.gserviceaccount.com`],
      ["gcp:projects/iAMMember:IAMMember", "roles/monitoring.metricWriter", `serviceAccount:gref-euw4-${n}@livepeer-fleet-example.iam.gserviceaccount.com`],
    ]).concat(["l4-o1", "l4-o2"].map((g) => ["gcp:projects/iAMMember:IAMMember", "roles/logging.logWriter", `serviceAccount:gref-euw4-${g}@livepeer-fleet-example.iam.gserviceaccount.com`])).sort(),
  );
  const [grant] = ofType("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember");
  expect(grant.inputs).toMatchObject({ role: "roles/cloudkms.cryptoKeyEncrypterDecrypter", member: "serviceAccount:service-123456789012@gcp-sa-secretmanager.iam.gserviceaccount.com" });
  expect(ofType("gcp:projects/serviceIdentity:ServiceIdentity")[0].inputs.service).toBe("secretmanager.googleapis.com");
});

test("secrets: user-managed replication in the region only, CMEK with the region's key, values only through the write-only field", () => {
  const [ring] = ofType("gcp:kms/keyRing:KeyRing");
  expect(ring.inputs.location).toBe("europe-west4");
  const [ck] = ofType("gcp:kms/cryptoKey:CryptoKey");
  expect(ck.inputs).toMatchObject({ purpose: "ENCRYPT_DECRYPT", rotationPeriod: "7776000s" });
  const keyId = `projects/${PROJECT}/locations/europe-west4/keyRings/gref-euw4/cryptoKeys/gref-euw4`;
  const secrets = ofType(T.secret);
  expect(secrets.map((s) => s.inputs.secretId).sort()).toEqual(fp.layout.regions[0].secrets.map((s) => `gref-euw4-${s.id}`).sort());
  for (const s of secrets) {
    expect(s.inputs.replication).toEqual({ userManaged: { replicas: [{ location: "europe-west4", customerManagedEncryption: { kmsKeyName: keyId } }] } });
    expect(fp.plan.dependencies![key(s)]).toContain("gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember::gref-euw4-secretmanager");
  }
  const versions = ofType(T.version);
  expect(versions).toHaveLength(10);
  for (const v of versions) {
    expect(v.inputs.secretDataWo).toBe("[secret]");
    expect(v.inputs.secretData).toBeUndefined();
    // secretsVersion (1), plus the RPC proxy config's format revision
    expect([v.name, v.inputs.secretDataWoVersion]).toEqual([v.name, v.name === "gref-euw4-rpc-proxy-config" ? 2 : 1]);
  }
});

test("no plaintext secret anywhere: inputs, startup scripts, metadata, labels, outputs", () => {
  const json = JSON.stringify(rs);
  const scripts = ofType(T.template).map((t) => t.inputs.metadataStartupScript as string);
  expect(scripts).toHaveLength(8);
  for (const s of scripts) {
    expect(s).toMatch(/^#!\/bin\/bash\n/);
    expect(s).not.toBe("[secret]");
  }
  const metadata = JSON.stringify(ofType(T.template).map((t) => t.inputs.metadata));
  for (const s of [...SECRETS, ...RPC_KEYS, ...KEYSTORE_CIPHERTEXTS]) {
    expect(json).not.toContain(s);
    for (const sc of scripts) expect(sc).not.toContain(s);
    expect(metadata).not.toContain(s);
  }
  expect(JSON.stringify(fp.plan.outputs)).not.toContain(raw.orchSecret);
});

test("every VM: Shielded VM, its own service account, OS Login with project keys blocked, no SSH key; an external address only on Os and the redeemer", () => {
  const templates = ofType(T.template);
  for (const t of templates) {
    const i = t.inputs as any;
    const identity = t.name.replace(/-spot$/, "");
    expect(i.serviceAccount).toEqual({ email: sa(identity), scopes: ["cloud-platform"] });
    const isO = /-o[12]$/.test(t.name) && !t.name.includes("-l4-");
    const isWorker = t.name.includes("-l4-");
    expect(i.metadata).toEqual({
      "enable-oslogin": "TRUE", "block-project-ssh-keys": "TRUE", "serial-port-enable": "FALSE",
      // orchestrators report "drained" as a guest attribute; workers stop their containers at shutdown
      ...(isO ? { "enable-guest-attributes": "TRUE" } : {}),
      ...(isWorker ? { "shutdown-script": gcpShutdownScript() } : {}),
    });
    expect(i.shieldedInstanceConfig).toMatchObject({ enableVtpm: true, enableIntegrityMonitoring: true });
    expect(i.canIpForward).toBe(false);
    expect(i.disks).toEqual([expect.objectContaining({ boot: true, autoDelete: true, diskType: "pd-balanced" })]);
    const external = (i.networkInterfaces[0].accessConfigs ?? []).length > 0;
    expect([t.name, external]).toEqual([t.name, (/-o[12]$/.test(t.name) && !t.name.includes("-l4-")) || t.name.endsWith("-redeemer")]);
    expect(i.region).toBe("europe-west4");
  }
  for (const n of ["o1", "o2", "redeemer", "reward"]) {
    const t = byKey(`${T.template}::gref-euw4-${n}`)!.inputs as any;
    expect(t.shieldedInstanceConfig.enableSecureBoot).toBe(true);
    expect(t.scheduling).toEqual({ onHostMaintenance: "MIGRATE", automaticRestart: true, provisioningModel: "STANDARD" });
    expect(t.sourceImage ?? t.disks[0].sourceImage).toBe("projects/livepeer-fleet-example/global/images/livepeer-node-cpu-v20260101");
  }
  expect((byKey(`${T.template}::gref-euw4-o1`)!.inputs as any).machineType).toBe("n2-standard-2");
  expect((byKey(`${T.template}::gref-euw4-redeemer`)!.inputs as any).machineType).toBe("e2-medium");
});

test("each O, the redeemer and the reward node: a zonal stateful group of one keeping its addresses (and disk)", () => {
  const l = fp.layout.regions[0];
  for (const node of [...l.orchestrators, l.redeemer!, l.reward!]) {
    const n = `gref-euw4-${node.name}`;
    const igm = byKey(`${T.igm}::${n}`)!;
    expect(igm.parent).toBe(`livepeer-fleet:gcp:PinnedNode::${n}`);
    expect(igm.inputs).toMatchObject({ zone: node.zone, name: n, baseInstanceName: n });
    // the per-instance config creates the one VM; nothing heals on readiness (an O without workers is not recreated in a loop)
    expect(igm.inputs.targetSize).toBeUndefined();
    expect(igm.inputs.autoHealingPolicies).toBeUndefined();
    expect(igm.inputs.updatePolicy).toEqual({ type: "OPPORTUNISTIC", minimalAction: "REPLACE", replacementMethod: "RECREATE", maxSurgeFixed: 0, maxUnavailableFixed: 1 });
    expect((igm.inputs.versions as any[])[0].instanceTemplate).toContain(`/instanceTemplates/${n}`);
    const pic = byKey(`${T.pic}::${n}`)!;
    expect(pic.inputs).toMatchObject({ zone: node.zone, instanceGroupManager: n, name: n, minimalAction: "REPLACE" });
    const ps = pic.inputs.preservedState as any;
    expect(ps.internalIps).toEqual([{ interfaceName: "nic0", autoDelete: "NEVER", ipAddress: { address: expect.stringMatching(new RegExp(`/regions/europe-west4/addresses/${n}-internal$`)) } }]);
    const internal = byKey(`${T.address}::${n}-internal`)!;
    expect(internal.inputs).toMatchObject({ addressType: "INTERNAL", purpose: "GCE_ENDPOINT", subnetwork: `projects/${PROJECT}/regions/europe-west4/subnetworks/gref-euw4` });
    expect(internal.inputs.address).toBe(node.privateIp);
    if (node.role === "orchestrator") {
      expect(ps.externalIps).toEqual([{ interfaceName: "nic0", autoDelete: "NEVER", ipAddress: { address: expect.stringMatching(/\/addresses\/gref-euw4-o[12]-external$/) } }]);
      expect(byKey(`${T.address}::${n}-external`)!.inputs).toMatchObject({ addressType: "EXTERNAL", networkTier: "PREMIUM" });
      expect(ps.disks).toBeUndefined();
    } else {
      if (node.role === "redeemer") expect(ps.externalIps).toEqual([{ interfaceName: "nic0", autoDelete: "NEVER", ipAddress: { address: expect.stringMatching(/\/addresses\/gref-euw4-redeemer-external$/) } }]);
      else expect(ps.externalIps).toBeUndefined();
      expect(ps.disks).toEqual([{ deviceName: "data", source: expect.stringMatching(new RegExp(`/zones/${node.zone}/disks/${n}-data$`)), mode: "READ_WRITE", deleteRule: "NEVER" }]);
      expect(byKey(`gcp:compute/disk:Disk::${n}-data`)!.inputs).toMatchObject({ zone: node.zone, size: 20, type: "pd-balanced" });
    }
  }
  expect(byKey(`${T.address}::gref-euw4-reward-internal`)!.inputs.address).toBeUndefined();
});

test("an O's DNS record exists before its VM: its group and per-instance config depend on it; the VM also waits for its secret grants", () => {
  const deps = fp.plan.dependencies!;
  for (const o of ["o1", "o2"]) {
    for (const t of [T.igm, T.pic]) {
      expect(deps[`${t}::gref-euw4-${o}`]).toEqual(expect.arrayContaining([`${T.record}::gref-euw4-${o}`, `${T.binding}::gref-euw4-${o}-keystore-${o}`, `${T.version}::gref-euw4-${o}-keystore`]));
    }
    const rec = byKey(`${T.record}::gref-euw4-${o}`)!;
    expect(rec.inputs).toMatchObject({ project: PROJECT, managedZone: "fleet-example-com", name: `${o}.fleet.example.com.`, type: "A", ttl: 60 });
    expect(rec.inputs.rrdatas).toEqual([(fp.plan.outputs as any).nodes[o].publicIp]);
  }
  expect(deps[`${T.igm}::gref-euw4-redeemer`].some((d) => d.startsWith(T.record))).toBe(false);
  expect(deps[`${T.rigm}::gref-euw4-l4-o1`]).toEqual(expect.arrayContaining([`${T.binding}::gref-euw4-orch-secret-l4-o1`]));
});

test("worker groups: one (on-demand) + one (spot) regional group per O, GPUs, TERMINATE, rolled with surge one per zone", () => {
  const l = fp.layout.regions[0];
  for (const o of l.orchestrators) {
    for (const spot of [false, true]) {
      const n = `gref-euw4-l4-${o.name}${spot ? "-spot" : ""}`;
      const t = byKey(`${T.template}::${n}`)!.inputs as any;
      expect(t.machineType).toBe("g2-standard-8");
      expect(t.guestAccelerators).toEqual([{ type: "nvidia-l4", count: 1 }]);
      expect(t.disks[0]).toMatchObject({ sourceImage: "projects/livepeer-fleet-example/global/images/livepeer-node-gpu-v20260101", diskSizeGb: 100 });
      expect(t.scheduling).toEqual(spot
        ? { onHostMaintenance: "TERMINATE", automaticRestart: false, provisioningModel: "SPOT", preemptible: true, instanceTerminationAction: "DELETE" }
        : { onHostMaintenance: "TERMINATE", automaticRestart: true, provisioningModel: "STANDARD" });
      expect(t.shieldedInstanceConfig.enableSecureBoot).toBe(false);
      expect(t.networkInterfaces).toEqual([{ subnetwork: `projects/${PROJECT}/regions/europe-west4/subnetworks/gref-euw4` }]);
      const script = t.metadataStartupScript as string;
      expect(script).toContain(`-orchAddr ${o.privateIp}:8935`);
      expect(script).toContain("--gpus all");
      expect(script).toContain(`fetch_one orch-secret projects/${PROJECT}/secrets/gref-euw4-orch-secret orch-secret\n`);
      const g = byKey(`${T.rigm}::${n}`)!;
      expect(g.inputs).toMatchObject({
        region: "europe-west4",
        distributionPolicyZones: ["europe-west4-a", "europe-west4-b", "europe-west4-c"],
        distributionPolicyTargetShape: "BALANCED",
        updatePolicy: { type: "PROACTIVE", minimalAction: "REPLACE", maxSurgeFixed: 3, maxUnavailableFixed: 0, replacementMethod: "SUBSTITUTE" },
      });
      expect(g.inputs.autoHealingPolicies).toBeUndefined();
      expect((g.inputs.versions as any[])[0].instanceTemplate).toMatch(new RegExp(`/instanceTemplates/${n}$`));
      // The on-demand base stays fixed at 1; the spot group is sized by its autoscaler on the O's load.
      expect(g.inputs.targetSize).toBe(spot ? undefined : 1);
      const autoscalers = ofType("gcp:compute/regionAutoscaler:RegionAutoscaler").filter((a) => a.name === n);
      expect(autoscalers).toHaveLength(spot ? 1 : 0);
      if (spot) {
        expect(autoscalers[0].inputs).toMatchObject({
          region: "europe-west4",
          target: expect.stringMatching(new RegExp(`/instanceGroupManagers/`)),
          autoscalingPolicy: {
            minReplicas: 0, maxReplicas: 3, cooldownPeriod: 300, mode: "ON",
            metrics: [{
              name: "prometheus.googleapis.com/livepeer_transcoders_load/gauge",
              filter: `metric.type = "prometheus.googleapis.com/livepeer_transcoders_load/gauge" AND resource.type = "prometheus_target" AND metric.labels.fleet = "gref" AND metric.labels.fleet_region = "euw4" AND metric.labels.node = "${o.name}"`,
              singleInstanceAssignment: 14,
            }],
            scaleInControl: { maxScaledInReplicas: { fixed: 1 }, timeWindowSec: 600 },
          },
        });
      }
    }
  }
});

test("load balancer: external passthrough TCP 8935 on a static address, readiness health check, no affinity, draining", () => {
  const [hc] = ofType("gcp:compute/regionHealthCheck:RegionHealthCheck");
  expect(hc.inputs).toMatchObject({ region: "europe-west4", httpHealthCheck: { port: 8936, requestPath: "/ready" }, checkIntervalSec: 10, healthyThreshold: 2, unhealthyThreshold: 2 });
  const [bs] = ofType("gcp:compute/regionBackendService:RegionBackendService");
  expect(bs.inputs).toMatchObject({ protocol: "TCP", loadBalancingScheme: "EXTERNAL", sessionAffinity: "NONE", connectionDrainingTimeoutSec: 30, healthChecks: expect.stringContaining("/healthChecks/gref-euw4-ready") });
  expect((bs.inputs.backends as any[]).map((b) => [b.group, b.balancingMode])).toEqual([
    [`https://www.googleapis.com/compute/v1/projects/${PROJECT}/zones/europe-west4-a/instanceGroups/gref-euw4-o1`, "CONNECTION"],
    [`https://www.googleapis.com/compute/v1/projects/${PROJECT}/zones/europe-west4-b/instanceGroups/gref-euw4-o2`, "CONNECTION"],
  ]);
  const [fr] = ofType("gcp:compute/forwardingRule:ForwardingRule");
  const lbAddr = byKey(`${T.address}::gref-euw4-lb`)!;
  expect(lbAddr.inputs).toMatchObject({ addressType: "EXTERNAL", networkTier: "PREMIUM", region: "europe-west4" });
  expect(fr.inputs).toMatchObject({ region: "europe-west4", ipProtocol: "TCP", ports: ["8935"], loadBalancingScheme: "EXTERNAL", networkTier: "PREMIUM", backendService: expect.stringContaining("/backendServices/gref-euw4") });
  expect(fr.inputs.ipAddress).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  // the service URI: one geo record set in the fleet's Cloud DNS zone, this region's member = the forwarding rule's address
  const svc = ofType(T.record).filter((r) => r.name === "gref-service");
  expect(svc).toHaveLength(1);
  expect(svc[0].inputs).toMatchObject({ name: "orch.fleet.example.com.", type: "A", managedZone: "fleet-example-com", routingPolicy: { geos: [{ location: "europe-west4", rrdatas: [fr.inputs.ipAddress] }] } });
});

test("outputs: nodes with hostnames and static IPs, wallets to fund, the worker groups (on-demand and spot)", () => {
  const o = fp.plan.outputs as any;
  expect(o.serviceUri).toBe("https://orch.fleet.example.com:8935");
  expect(o.nodes.o1).toMatchObject({ role: "orchestrator", region: "euw4", hostname: "o1.fleet.example.com", walletAddress: raw.regions[0].orchestrators[0].address, privateIp: fp.layout.regions[0].orchestrators[0].privateIp, groupName: "gref-euw4-o1" });
  expect(o.nodes.o1.publicIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  expect(o.nodes.reward.publicIp).toBeUndefined();
  expect(o.nodes.reward.privateIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  expect(Object.keys(o.walletsToFund).sort()).toEqual(["redeemer", "reward"]);
  expect(Object.keys(o.workerGroups).sort()).toEqual(["l4-o1", "l4-o1-spot", "l4-o2", "l4-o2-spot"]);
});
