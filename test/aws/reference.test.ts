/**
 * The reference fleet planned under mocks: the AWS components' children, providers, names, secrets,
 * security groups and IAM scope.
 */
import * as fs from "fs";
import { secretPlaintexts } from "../helpers/spec";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { planFile, FleetPlan } from "../../src/cli/plan";
import type { PlannedResource } from "../../src/plan/engine";
import { decodeUserData as decode, isGzip } from "../helpers/userData";
import { UNHEALTHY_MIN_UPTIME } from "../../src/layout/boot";
import { LIFECYCLE_HOOK_MARGIN, LIFECYCLE_HOOK_NAME } from "../../src/layout/drain";

const REF = path.join(__dirname, "../../examples/reference/fleet.yaml");
const raw = parseYaml(fs.readFileSync(REF, "utf8"));
const SECRETS: string[] = secretPlaintexts(raw);
// Distinctive parts of the RPC URLs (their API keys) must not appear either.
const RPC_KEYS = raw.rpcUrls.map((u: string) => u.split("/").pop());

let fp: FleetPlan;
let rs: PlannedResource[];
const ofType = (t: string) => rs.filter((r) => r.type === t);
const byKey = (k: string) => rs.find((r) => `${r.type}::${r.name}` === k);

beforeAll(async () => {
  fp = await planFile(REF);
  rs = fp.plan.resources;
});

test("every custom resource is on a named provider, never the default one", () => {
  const custom = rs.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
  expect(custom.length).toBeGreaterThan(50);
  const onDefault = custom.filter((r) => r.provider === "");
  expect(onDefault.map((r) => `${r.type}::${r.name}`)).toEqual([]);
  const providers = new Set(custom.map((r) => r.provider));
  expect([...providers].sort()).toEqual(["ref-dns", "ref-use1"]);
  // the DNS zone has a provider of its own: only Route 53 records use it
  for (const r of custom.filter((x) => x.provider === "ref-dns")) expect(r.type).toMatch(/^aws:route53\//);
});

test("without orchSecret in the spec, a random one is generated on an explicit random provider and stays secret", async () => {
  const stack = await planFile(path.join(__dirname, "../../examples/reference/Pulumi.reference.yaml"));
  const pw = stack.plan.resources.filter((r) => r.type === "random:index/randomPassword:RandomPassword");
  expect(pw).toHaveLength(1);
  expect(pw[0].provider).toBe("ref-random");
  expect(pw[0].inputs).toMatchObject({ length: 48, special: false });
  expect(stack.plan.resources.filter((r) => r.custom && r.provider === "" && !r.type.startsWith("pulumi:providers:"))).toEqual([]);
  const orch = stack.plan.resources.find((r) => r.type === "aws:secretsmanager/secretVersion:SecretVersion" && r.name === "ref-use1-orch-secret")!;
  expect(orch.inputs.secretStringWo).toBe("[secret]");
});

test("no two resources share a type and name", () => {
  const keys = rs.map((r) => `${r.type}::${r.name}`);
  expect(keys.length).toBe(new Set(keys).size);
});

test("two orchestrators, a redeemer and a reward node, each a group of one", () => {
  const pinned = ofType("livepeer-fleet:aws:PinnedNode").map((r) => r.name).sort();
  expect(pinned).toEqual(["ref-use1-monitoring", "ref-use1-o1", "ref-use1-o2", "ref-use1-redeemer", "ref-use1-reward"]);
  for (const n of pinned) {
    const asg = byKey(`aws:autoscaling/group:Group::${n}`)!;
    expect(asg.parent).toBe(`livepeer-fleet:aws:PinnedNode::${n}`);
    expect([asg.inputs.minSize, asg.inputs.maxSize, asg.inputs.desiredCapacity]).toEqual([1, 1, 1]);
    expect(asg.inputs.vpcZoneIdentifiers).toHaveLength(1);
    // template pinned to its latest version, not $Latest
    expect((asg.inputs.launchTemplate as any).version).toBe("1");
  }
});

test("an Elastic IP, a persistent interface and a DNS record per orchestrator; none for redeemer/reward", () => {
  const eips = ofType("aws:ec2/eip:Eip").filter((r) => !r.name.includes("-nat-"));
  expect(eips.map((r) => r.name).sort()).toEqual(["ref-use1-o1", "ref-use1-o2"]);
  const assoc = ofType("aws:ec2/eipAssociation:EipAssociation");
  expect(assoc).toHaveLength(2);
  for (const a of assoc) expect(a.inputs.networkInterfaceId).toMatch(/^eni-/);
  const records = ofType("aws:route53/record:Record");
  const nodeRecords = records.filter((r) => !r.inputs.setIdentifier);
  expect(nodeRecords.map((r) => r.inputs.name).sort()).toEqual(["o1.fleet.example.com", "o2.fleet.example.com"]);
  for (const r of nodeRecords) {
    expect(r.inputs.type).toBe("A");
    expect(r.inputs.zoneId).toBe("Z0123456789ABCDEFGHIJ");
    expect((r.inputs.records as string[])[0]).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  }
  const enis = ofType("aws:ec2/networkInterface:NetworkInterface");
  expect(enis).toHaveLength(5); // o1, o2, redeemer, reward, monitoring
  const o1 = fp.layout.regions[0].orchestrators[0];
  expect(byKey("aws:ec2/networkInterface:NetworkInterface::ref-use1-o1")!.inputs.privateIps).toEqual([o1.privateIp]);
});

test("the O group depends on its DNS record and address association; workers do not wait on DNS", () => {
  const deps = fp.plan.dependencies!;
  for (const o of ["o1", "o2"]) {
    expect(deps[`aws:autoscaling/group:Group::ref-use1-${o}`]).toEqual(
      expect.arrayContaining([`aws:route53/record:Record::ref-use1-${o}`, `aws:ec2/eipAssociation:EipAssociation::ref-use1-${o}`]),
    );
  }
  expect(deps["aws:autoscaling/group:Group::ref-use1-redeemer"].some((d) => d.startsWith("aws:route53"))).toBe(false);
  // not in the JSON shape
  expect(Object.keys(fp.plan).sort()).toEqual(["outputs", "resources", "summary"]);
});

test("one network load balancer: TCP 8935 passthrough, cross-zone, readiness health check, no stickiness", () => {
  const [nlb] = ofType("aws:lb/loadBalancer:LoadBalancer");
  expect(ofType("aws:lb/loadBalancer:LoadBalancer")).toHaveLength(1);
  expect(nlb.inputs).toMatchObject({ loadBalancerType: "network", internal: false, enableCrossZoneLoadBalancing: true, name: "ref-use1" });
  expect(nlb.inputs.subnets).toHaveLength(2);
  const [listener] = ofType("aws:lb/listener:Listener");
  expect(ofType("aws:lb/listener:Listener")).toHaveLength(1);
  expect(listener.inputs).toMatchObject({ port: 8935, protocol: "TCP" });
  expect(listener.inputs.certificateArn).toBeUndefined();
  const [tg] = ofType("aws:lb/targetGroup:TargetGroup");
  expect(tg.inputs).toMatchObject({ port: 8935, protocol: "TCP", targetType: "ip", deregistrationDelay: 30 });
  expect(tg.inputs.stickiness).toMatchObject({ enabled: false });
  expect(tg.inputs.healthCheck).toMatchObject({ protocol: "HTTP", port: "8936", path: "/ready" });
  const att = ofType("aws:lb/targetGroupAttachment:TargetGroupAttachment").map((a) => a.inputs.targetId).sort();
  expect(att).toEqual(fp.layout.regions[0].orchestrators.map((o) => o.privateIp).sort());
});

test("the service URI is a latency-routed alias record set, identified by region", () => {
  const svc = ofType("aws:route53/record:Record").filter((r) => r.inputs.setIdentifier);
  expect(svc).toHaveLength(1);
  expect(svc[0].inputs).toMatchObject({ name: "orch.fleet.example.com", type: "A", setIdentifier: "use1", latencyRoutingPolicies: [{ region: "us-east-1" }] });
  expect((svc[0].inputs.aliases as any[])[0]).toMatchObject({ evaluateTargetHealth: true });
  expect((svc[0].inputs.aliases as any[])[0].name).toMatch(/elb/);
});

test("one launch template and autoscaling group per orchestrator for each pool, bound to that O", () => {
  const groups = ofType("livepeer-fleet:aws:WorkerGroup").map((g) => g.name).sort();
  expect(groups).toEqual(["ref-use1-sdxl-o1", "ref-use1-sdxl-o2", "ref-use1-t4-o1", "ref-use1-t4-o2"]);
  for (const o of fp.layout.regions[0].orchestrators) {
    const name = `ref-use1-t4-${o.name}`;
    const lt = byKey(`aws:ec2/launchTemplate:LaunchTemplate::${name}`)!;
    expect(lt.inputs).toMatchObject({ instanceType: "g4dn.xlarge", imageId: "ami-0f1e2d3c4b5a69788" });
    const script = decode(lt.inputs.userData as string);
    expect(script).toContain(`-orchAddr ${o.privateIp}:8935`);
    expect(script).toContain("--gpus all");
    const asg = byKey(`aws:autoscaling/group:Group::${name}`)!;
    expect(asg.inputs).toMatchObject({ minSize: 1, maxSize: 4, desiredCapacity: 1 });
    expect(asg.inputs.vpcZoneIdentifiers).toHaveLength(2);
    const ai = byKey(`aws:autoscaling/group:Group::ref-use1-sdxl-${o.name}`)!;
    expect(ai.inputs).toMatchObject({ minSize: 1, maxSize: 3, desiredCapacity: 1 });
    expect(decode(byKey(`aws:ec2/launchTemplate:LaunchTemplate::ref-use1-sdxl-${o.name}`)!.inputs.userData as string)).toContain(`-aiWorker -orchAddr ${o.privateIp}:8935`);
    expect((asg.inputs.instanceRefresh as any).strategy).toBe("Rolling");
    expect((asg.inputs.launchTemplate as any).version).toBe("1");
  }
});

test("every launch template requires IMDSv2 and encrypts its volumes; no SSH key", () => {
  const lts = ofType("aws:ec2/launchTemplate:LaunchTemplate");
  expect(lts).toHaveLength(9);
  for (const lt of lts) {
    expect(lt.inputs.metadataOptions).toMatchObject({ httpTokens: "required" });
    expect(lt.inputs.keyName).toBeUndefined();
    for (const b of lt.inputs.blockDeviceMappings as any[]) expect(b.ebs.encrypted).toBe("true");
  }
  for (const v of ofType("aws:ebs/volume:Volume")) expect(v.inputs.encrypted).toBe(true);
  expect(ofType("aws:ebs/volume:Volume").map((v) => v.name).sort()).toEqual(["ref-use1-monitoring", "ref-use1-redeemer", "ref-use1-reward"]);
});

test("user-data is never an Output secret: a gzip-compressed boot script (cloud-init) within EC2's 16 KB", () => {
  for (const lt of ofType("aws:ec2/launchTemplate:LaunchTemplate")) {
    expect(lt.inputs.userData).not.toBe("[secret]");
    const stored = Buffer.from(lt.inputs.userData as string, "base64");
    expect(isGzip(stored)).toBe(true);
    expect(stored.length).toBeLessThanOrEqual(16384);
    expect(decode(lt.inputs.userData as string)).toMatch(/^#!\/bin\/bash/);
  }
  // the orchestrators' scripts alone are over the limit uncompressed: compression is what makes them fit
  const o1 = byKey("aws:ec2/launchTemplate:LaunchTemplate::ref-use1-o1")!;
  expect(Buffer.byteLength(decode(o1.inputs.userData as string))).toBeGreaterThan(16384);
});

test("no plaintext secret appears anywhere in the plan (user-data decoded, tags, descriptions)", () => {
  const json = JSON.stringify(rs);
  const decoded = ofType("aws:ec2/launchTemplate:LaunchTemplate").map((lt) => decode(lt.inputs.userData as string)).join("\n");
  for (const s of [...SECRETS, ...RPC_KEYS]) {
    expect(json).not.toContain(s);
    expect(decoded).not.toContain(s);
  }
  expect(JSON.stringify(fp.plan.outputs)).not.toContain(raw.orchSecret);
});

test("every secret value reaches the secret store only, through the write-only field", () => {
  const versions = ofType("aws:secretsmanager/secretVersion:SecretVersion");
  // orch-secret, rpc-proxy-config, keystore + password for o1, o2, redeemer, reward
  expect(versions).toHaveLength(10);
  for (const v of versions) {
    expect(v.inputs.secretStringWo).toBe("[secret]");
    expect(v.inputs.secretString).toBeUndefined();
    // secretsVersion (1), plus the RPC proxy config's format revision (its listener moved to 0.0.0.0 in its
    // bridged container): existing stores get the new config at the next `pulumi up` without a manual bump
    expect([v.name, v.inputs.secretStringWoVersion]).toEqual([v.name, v.name === "ref-use1-rpc-proxy-config" ? 2 : 1]);
  }
  const [key] = ofType("aws:kms/key:Key");
  expect(key.inputs.enableKeyRotation).toBe(true);
  for (const s of ofType("aws:secretsmanager/secret:Secret")) expect(s.inputs.kmsKeyId).toMatch(/^arn:aws:kms:/);
});

test("security groups: only 8935 is open to the internet, only on orchestrators; no SSH, no CLI port", () => {
  const rules = ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
  const open = rules.filter((r) => r.inputs.cidrIpv4 === "0.0.0.0/0");
  expect(open.map((r) => [r.name, r.inputs.fromPort, r.inputs.toPort]).sort()).toEqual([
    ["ref-use1-o1-in-8935-internet", 8935, 8935],
    ["ref-use1-o2-in-8935-internet", 8935, 8935],
  ]);
  for (const r of rules) {
    expect([8935, 8936, 8937]).toContain(r.inputs.fromPort);
    expect(r.inputs.fromPort).toBe(r.inputs.toPort);
  }
  // the metrics-only listener: from the region's monitoring node's membership group only, on every chain node
  const monitors = byKey("aws:ec2/securityGroup:SecurityGroup::ref-use1-monitors")!;
  const metrics = rules.filter((r) => r.inputs.fromPort === 8937);
  expect(metrics.map((r) => r.name).sort()).toEqual(["o1", "o2", "redeemer", "reward"].map((n) => `ref-use1-${n}-in-8937-monitoring`));
  for (const r of metrics) expect([r.inputs.cidrIpv4, r.inputs.referencedSecurityGroupId]).toEqual([undefined, expect.stringMatching(/^sg-/)]);
  expect(new Set(metrics.map((r) => r.inputs.referencedSecurityGroupId)).size).toBe(1);
  // …which the monitoring node carries on its persistent interface and its instance's own (its scrapes leave by the latter)
  const monSg = byKey("aws:ec2/networkInterface:NetworkInterface::ref-use1-monitoring")!.inputs.securityGroups as string[];
  expect(monSg).toContain(metrics[0].inputs.referencedSecurityGroupId);
  expect(byKey("aws:ec2/launchTemplate:LaunchTemplate::ref-use1-monitoring")!.inputs.vpcSecurityGroupIds).toContain(metrics[0].inputs.referencedSecurityGroupId);
  expect(monitors.inputs.description).toMatch(/membership only/);
  // the monitoring node itself takes nothing (Grafana through SSM port forwarding)
  expect(rules.filter((r) => r.name.startsWith("ref-use1-monitoring"))).toEqual([]);
  const readiness = rules.filter((r) => r.inputs.fromPort === 8936);
  for (const r of readiness) expect(r.inputs.cidrIpv4).toBe("10.40.0.0/16");
  const redeemerIn = rules.filter((r) => r.name.startsWith("ref-use1-redeemer") && r.inputs.fromPort !== 8937);
  expect(redeemerIn).toHaveLength(1);
  expect(redeemerIn[0].inputs.cidrIpv4).toBeUndefined();
  expect(redeemerIn[0].inputs.referencedSecurityGroupId).toMatch(/^sg-|orchestrators/);
  expect(rules.filter((r) => r.name.startsWith("ref-use1-reward") && r.inputs.fromPort !== 8937)).toHaveLength(0);
  for (const sg of ofType("aws:ec2/securityGroup:SecurityGroup")) {
    expect(sg.inputs.ingress ?? []).toEqual([]);
  }
});

test("IAM: each node role reads only its own secrets; workers read only the orchestrator secret", () => {
  const arnOf = (id: string) => byKey(`aws:secretsmanager/secret:Secret::ref-use1-${id}`)!;
  expect(arnOf("o1-keystore")).toBeDefined();
  const policies = ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => !p.name.endsWith("-ssm"));
  const doc = (name: string) => JSON.parse(byKey(`aws:iam/rolePolicy:RolePolicy::${name}`)!.inputs.policy as string);
  const secretsRead = (name: string) =>
    (doc(name).Statement.find((s: any) => s.Sid === "ReadOwnSecrets")?.Resource ?? []).map((arn: string) => arn.replace(/^.*:secret:/, "").replace(/-[A-Za-z0-9]{6}$/, "")).sort();
  expect(policies).toHaveLength(9);
  expect(secretsRead("ref-use1-o1")).toEqual(["ref-use1-o1-keystore", "ref-use1-o1-password", "ref-use1-orch-secret", "ref-use1-rpc-proxy-config"]);
  expect(secretsRead("ref-use1-redeemer")).toEqual(["ref-use1-redeemer-keystore", "ref-use1-redeemer-password", "ref-use1-rpc-proxy-config"]);
  expect(secretsRead("ref-use1-reward")).toEqual(["ref-use1-reward-keystore", "ref-use1-reward-password", "ref-use1-rpc-proxy-config"]);
  expect(secretsRead("ref-use1-t4-o1")).toEqual(["ref-use1-orch-secret"]);
  expect(secretsRead("ref-use1-sdxl-o1")).toEqual(["ref-use1-orch-secret"]);
  // The AI workers read their model bucket (only that prefix), nothing else of S3.
  const models = doc("ref-use1-sdxl-o1").Statement.filter((s: any) => s.Action.some((a: string) => a.startsWith("s3:")));
  expect(models).toEqual([
    { Sid: "ListModelCache", Effect: "Allow", Action: ["s3:ListBucket"], Resource: ["arn:aws:s3:::ref-livepeer-models"], Condition: { StringLike: { "s3:prefix": ["huggingface/*", "huggingface"] } } },
    { Sid: "ReadModelCache", Effect: "Allow", Action: ["s3:GetObject"], Resource: ["arn:aws:s3:::ref-livepeer-models/huggingface/*"] },
  ]);
  expect(doc("ref-use1-t4-o1").Statement.some((s: any) => s.Action.some((a: string) => a.startsWith("s3:")))).toBe(false);
  // attach rights only for the node's own interface / volume, only onto its own tagged instances
  const o1 = doc("ref-use1-o1").Statement;
  const eniId = byKey("aws:ec2/networkInterface:NetworkInterface::ref-use1-o1")!;
  expect(o1.find((s: any) => s.Sid === "AttachOwnInterface").Resource).toEqual([expect.stringContaining(`network-interface/eni-`)]);
  expect(o1.find((s: any) => s.Sid === "AttachInterfaceToOwnInstance").Condition.StringEquals).toEqual({ "aws:ResourceTag/livepeer-fleet:node-id": "ref-use1-o1" });
  expect(eniId).toBeDefined();
  expect(doc("ref-use1-t4-o1").Statement.map((s: any) => s.Sid).sort()).toEqual(["CompleteOwnGroupLifecycleAction", "DecryptViaSecretsManager", "FindOwnGroup", "MarkOwnGroupInstanceUnhealthy", "ReadOwnSecrets", "WriteOwnLogGroups"]);
  // workers write to the container log group only (no metrics agent on them)
  expect(doc("ref-use1-t4-o1").Statement.find((s: any) => s.Sid === "WriteOwnLogGroups").Resource).toEqual([
    expect.stringMatching(/:log-group:\/livepeer-fleet\/ref\/use1\/containers$/), expect.stringMatching(/:log-group:\/livepeer-fleet\/ref\/use1\/containers:log-stream:\*$/),
  ]);
  // Session Manager only: no ssm:GetParameter* (the managed AmazonSSMManagedInstanceCore would allow
  // every parameter of the account), no managed policy attachments at all
  const ssm = ofType("aws:iam/rolePolicy:RolePolicy").filter((p) => p.name.endsWith("-ssm"));
  expect(ssm).toHaveLength(9);
  for (const p of ssm) {
    const actions = JSON.parse(p.inputs.policy as string).Statement.flatMap((s: any) => s.Action);
    expect(actions).toContain("ssm:UpdateInstanceInformation");
    expect(actions.filter((a: string) => /^ssm:Get|^ssm:\*|^\*$/.test(a))).toEqual([]);
  }
  expect(ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")).toEqual([]);
  for (const p of ofType("aws:iam/rolePolicy:RolePolicy")) {
    for (const s of JSON.parse(p.inputs.policy as string).Statement) {
      expect(s.Action).not.toContain("*");
      if (s.Resource === "*") expect(s.Action.every((a: string) => /^(ec2:Describe|autoscaling:DescribeAutoScalingInstances$|ssm:UpdateInstanceInformation$|ssmmessages:|ec2messages:)/.test(a))).toBe(true);
    }
  }
});

test("IAM: every node may mark instances Unhealthy (a failed boot), and O and worker nodes complete a lifecycle action (drain), only in their own Auto Scaling group, matched by that group's own tag", () => {
  const doc = (name: string) => JSON.parse(byKey(`aws:iam/rolePolicy:RolePolicy::${name}`)!.inputs.policy as string);
  const groups = ofType("aws:autoscaling/group:Group");
  expect(groups.map((g) => g.name).sort()).toEqual(["ref-use1-monitoring", "ref-use1-o1", "ref-use1-o2", "ref-use1-redeemer", "ref-use1-reward", "ref-use1-sdxl-o1", "ref-use1-sdxl-o2", "ref-use1-t4-o1", "ref-use1-t4-o2"]);
  for (const g of groups) {
    const key = /-(t4|sdxl)-/.test(g.name) ? "livepeer-fleet:group" : "livepeer-fleet:node-id";
    expect((g.inputs.tags as any[]).filter((t) => t.key === key)).toEqual([{ key, value: g.name, propagateAtLaunch: true }]);
    const marks = doc(g.name).Statement.filter((st: any) => st.Action.some((a: string) => a.startsWith("autoscaling:")));
    const ownGroup = {
      Resource: [expect.stringMatching(/^arn:aws:autoscaling:us-east-1:\d{12}:autoScalingGroup:\*$/)],
      Condition: { StringEquals: { [`autoscaling:ResourceTag/${key}`]: g.name } },
    };
    const drains = !/-(redeemer|reward|monitoring)$/.test(g.name);
    expect(marks).toEqual([
      { Sid: "MarkOwnGroupInstanceUnhealthy", Effect: "Allow", Action: ["autoscaling:SetInstanceHealth"], ...ownGroup },
      ...(drains
        ? [
            { Sid: "CompleteOwnGroupLifecycleAction", Effect: "Allow", Action: ["autoscaling:CompleteLifecycleAction"], ...ownGroup },
            { Sid: "FindOwnGroup", Effect: "Allow", Action: ["autoscaling:DescribeAutoScalingInstances"], Resource: "*" },
          ]
        : []),
    ]);
    // a failed boot waits this long before the call: the group would ignore it during its grace period
    expect(g.inputs.healthCheckGracePeriod).toBeLessThanOrEqual(UNHEALTHY_MIN_UPTIME);
    expect(g.inputs.healthCheckType).toBe("EC2");
  }
});

test("the RPC proxy cannot reach IMDS from its bridged container: every launch template keeps the IMDSv2 hop limit at 1", () => {
  for (const lt of ofType("aws:ec2/launchTemplate:LaunchTemplate")) {
    expect(lt.inputs.metadataOptions).toMatchObject({ httpTokens: "required", httpPutResponseHopLimit: 1 });
  }
  const o1 = decode(byKey("aws:ec2/launchTemplate:LaunchTemplate::ref-use1-o1")!.inputs.userData as string);
  expect(o1).toMatch(/^ExecStart=\/usr\/bin\/docker run --rm --name rpc-proxy --network bridge --publish 127\.0\.0\.1:4000:4000 /m);
  expect(o1).toMatch(/^ExecStart=\/usr\/bin\/docker run --rm --name livepeer --network host /m);
});

test("the network spans two zones with NAT egress for the private subnets", () => {
  expect(ofType("aws:ec2/vpc:Vpc")).toHaveLength(1);
  const subnets = ofType("aws:ec2/subnet:Subnet").map((s) => [s.inputs.availabilityZone, s.inputs.cidrBlock]).sort();
  expect(subnets).toEqual([
    ["us-east-1a", "10.40.0.0/24"],
    ["us-east-1a", "10.40.16.0/20"],
    ["us-east-1b", "10.40.1.0/24"],
    ["us-east-1b", "10.40.32.0/20"],
  ]);
  expect(ofType("aws:ec2/natGateway:NatGateway")).toHaveLength(2);
  for (const s of ofType("aws:ec2/subnet:Subnet")) expect(s.inputs.mapPublicIpOnLaunch).toBe(false);
});

test("outputs: service URI, per-node hostnames and IPs, wallets to fund, worker groups", () => {
  const o = fp.plan.outputs as any;
  expect(o.serviceUri).toBe("https://orch.fleet.example.com:8935");
  expect(o.nodes.o1).toMatchObject({ role: "orchestrator", region: "use1", hostname: "o1.fleet.example.com", walletAddress: raw.regions[0].orchestrators[0].address });
  expect(o.nodes.o1.publicIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
  expect(Object.keys(o.walletsToFund).sort()).toEqual(["redeemer", "reward"]);
  expect(Object.keys(o.workerGroups).sort()).toEqual(["sdxl-o1", "sdxl-o2", "t4-o1", "t4-o2"]);
});

test("drain: a terminate lifecycle hook on every O and worker group (timeout = drain bound + margin, then CONTINUE); none on redeemer/reward; O groups never roll by themselves", () => {
  const hooks = ofType("aws:autoscaling/lifecycleHook:LifecycleHook");
  expect(hooks.map((h) => h.name).sort()).toEqual(["ref-use1-o1-drain", "ref-use1-o2-drain", "ref-use1-sdxl-o1-drain", "ref-use1-sdxl-o2-drain", "ref-use1-t4-o1-drain", "ref-use1-t4-o2-drain"]);
  for (const h of hooks) {
    const owner = h.name.replace(/-drain$/, "");
    const group = byKey(`aws:autoscaling/group:Group::${owner}`)!;
    const isO = !/-(t4|sdxl)-/.test(owner);
    expect(h.parent).toBe(`livepeer-fleet:aws:${isO ? "PinnedNode" : "WorkerGroup"}::${owner}`);
    expect(h.inputs).toEqual({
      autoscalingGroupName: expect.stringContaining(owner),
      name: LIFECYCLE_HOOK_NAME,
      lifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
      // the reference spec leaves rollout.drainSeconds at its default (600)
      heartbeatTimeout: (isO ? 600 : 0) + LIFECYCLE_HOOK_MARGIN,
      defaultResult: "CONTINUE",
    });
    expect(group).toBeDefined();
    // the boot script carries the agent that completes exactly this hook
    const script = decode(byKey(`aws:ec2/launchTemplate:LaunchTemplate::${owner}`)!.inputs.userData as string);
    expect(script).toContain(`HOOK=${LIFECYCLE_HOOK_NAME}\n`);
    expect(script).toContain(isO ? "DRAIN_SECONDS=600\n" : "ROLE=worker\n");
  }
  for (const n of ["ref-use1-o1", "ref-use1-o2", "ref-use1-redeemer", "ref-use1-reward"]) {
    // no instanceRefresh: a template change reaches a pinned node only through `livepeer-fleet rollout` or a replacement
    const g = byKey(`aws:autoscaling/group:Group::${n}`)!;
    expect(g.inputs.instanceRefresh).toBeUndefined();
    // and every replacement terminates the old instance (after its drain) before launching: the interface moves over
    expect(g.inputs.instanceMaintenancePolicy).toEqual({ minHealthyPercentage: 0, maxHealthyPercentage: 100 });
  }
});
