import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { spawnSync } from "child_process";
import * as path from "path";
import { runPlan, Plan, PlannedResource } from "../../src/plan/engine";

const OPTS = { project: "livepeer-fleet", stack: "test", config: { "aws:region": "eu-west-1" } };
const SECRET_TEXT = "hunter2-xyz";

class Inner extends pulumi.ComponentResource {
  constructor(name: string, opts: pulumi.ComponentResourceOptions) {
    super("livepeer-fleet:test:Inner", name, {}, opts);
    new aws.ec2.Eip(`${name}-eip`, { domain: "vpc" }, { parent: this });
    this.registerOutputs({});
  }
}

class Edge extends pulumi.ComponentResource {
  readonly dnsName: pulumi.Output<string>;
  readonly secretArn: pulumi.Output<string>;
  readonly vpcId: pulumi.Output<string>;
  constructor(name: string, args: { cidr: string; provider: pulumi.ProviderResource }, opts: pulumi.ComponentResourceOptions) {
    super("livepeer-fleet:test:Edge", name, args, opts);
    const vpc = new aws.ec2.Vpc(`${name}-vpc`, { cidrBlock: args.cidr, tags: { Name: name } }, { parent: this });
    const secret = new aws.secretsmanager.Secret(`${name}-secret`, { name: `${name}/password` }, { parent: this });
    new aws.secretsmanager.SecretVersion(`${name}-secret-v1`, { secretId: secret.arn, secretString: pulumi.secret(SECRET_TEXT) }, { parent: this });
    const lb = new aws.lb.LoadBalancer(`${name}-nlb`, { loadBalancerType: "network", internal: false }, { parent: this });
    new Inner(`${name}-inner`, { parent: this });
    this.dnsName = lb.dnsName;
    this.secretArn = secret.arn;
    this.vpcId = vpc.id;
    this.registerOutputs({ dnsName: this.dnsName });
  }
}

/** Provider `use1`, a component using it (with a nested component), one bucket on the default provider. */
async function program() {
  const use1 = new aws.Provider("use1", { region: "us-east-1" });
  const edge = new Edge("edge", { cidr: "10.1.0.0/16", provider: use1 }, { provider: use1 });
  const bucket = new aws.s3.Bucket("default-bucket", { forceDestroy: true });
  return {
    dnsName: edge.dnsName,
    url: pulumi.interpolate`tcp://${edge.dnsName}:8935`,
    secretArn: edge.secretArn,
    vpcId: edge.vpcId,
    bucket: bucket.bucket,
    password: pulumi.secret(SECRET_TEXT),
    nested: { list: [pulumi.output(1), pulumi.secret("also-hidden")], plain: Promise.resolve("p") },
    provider: use1,
  };
}

function find(plan: Plan, type: string, name: string): PlannedResource {
  const r = plan.resources.find((x) => x.type === type && x.name === name);
  if (!r) throw new Error(`no ${type}::${name} in plan`);
  return r;
}

describe("runPlan", () => {
  let plan: Plan;
  beforeAll(async () => {
    plan = await runPlan(program, OPTS);
  });

  test("records every resource with exact parent, provider and custom flag, in tree order", () => {
    expect(plan.resources.map((r) => [r.type, r.name, r.parent, r.provider, r.custom])).toEqual([
      ["aws:s3/bucket:Bucket", "default-bucket", null, "", true],
      ["livepeer-fleet:test:Edge", "edge", null, "", false],
      ["aws:ec2/vpc:Vpc", "edge-vpc", "livepeer-fleet:test:Edge::edge", "use1", true],
      ["aws:lb/loadBalancer:LoadBalancer", "edge-nlb", "livepeer-fleet:test:Edge::edge", "use1", true],
      ["aws:secretsmanager/secret:Secret", "edge-secret", "livepeer-fleet:test:Edge::edge", "use1", true],
      ["aws:secretsmanager/secretVersion:SecretVersion", "edge-secret-v1", "livepeer-fleet:test:Edge::edge", "use1", true],
      ["livepeer-fleet:test:Inner", "edge-inner", "livepeer-fleet:test:Edge::edge", "", false],
      ["aws:ec2/eip:Eip", "edge-inner-eip", "livepeer-fleet:test:Inner::edge-inner", "use1", true],
      ["pulumi:providers:aws", "use1", null, "", true],
    ]);
  });

  test("inputs are the registered inputs, keys sorted, with computed mock values from dependencies", () => {
    expect(find(plan, "aws:ec2/vpc:Vpc", "edge-vpc").inputs).toEqual({ cidrBlock: "10.1.0.0/16", tags: { Name: "edge" } });
    expect(find(plan, "pulumi:providers:aws", "use1").inputs).toMatchObject({ region: "us-east-1" });
    const sv = find(plan, "aws:secretsmanager/secretVersion:SecretVersion", "edge-secret-v1");
    expect(Object.keys(sv.inputs)).toEqual(["secretId", "secretString"]);
    expect(sv.inputs.secretId).toBe("arn:aws:secretsmanager:us-east-1:123456789012:secret:edge/password-AbCdEf");
    // Component args are registered inputs too; a resource in them is rendered as a reference.
    expect(find(plan, "livepeer-fleet:test:Edge", "edge").inputs).toEqual({
      cidr: "10.1.0.0/16",
      provider: { $resource: "pulumi:providers:aws::use1" },
    });
  });

  test("secrets are replaced by [secret] and never appear in the plan", () => {
    const sv = find(plan, "aws:secretsmanager/secretVersion:SecretVersion", "edge-secret-v1");
    expect(sv.inputs.secretString).toBe("[secret]");
    const json = JSON.stringify(plan);
    expect(json).not.toContain(SECRET_TEXT);
    expect(json).not.toContain("also-hidden");
    expect(json).not.toContain("1b47061264138c4ac30d75fd1eb44270");
    expect(plan.summary.secretsRedacted).toBe(3);
  });

  test("outputs are fully resolved, with deterministic realistic mock values and secrets redacted", () => {
    expect(plan.outputs).toEqual({
      bucket: expect.stringMatching(/^default-bucket-[0-9a-f]{7}$/),
      dnsName: "edge-nlb-0123456789.elb.us-east-1.amazonaws.com",
      nested: { list: [1, "[secret]"], plain: "p" },
      password: "[secret]",
      provider: { $resource: "pulumi:providers:aws::use1" },
      secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:edge/password-AbCdEf",
      url: "tcp://edge-nlb-0123456789.elb.us-east-1.amazonaws.com:8935",
      vpcId: expect.stringMatching(/^vpc-[0-9a-f]{17}$/),
    });
    expect(JSON.stringify(plan)).not.toContain("undefined");
    expect(Object.keys(plan.outputs)).toEqual([...Object.keys(plan.outputs)].sort());
  });

  test("two runs in one process are deep-equal and byte-identical", async () => {
    const again = await runPlan(program, OPTS);
    expect(again).toEqual(plan);
    expect(JSON.stringify(again)).toBe(JSON.stringify(plan));
  });

  test("summary counts types, custom resources, providers and default-provider use", () => {
    expect(plan.summary).toMatchObject({
      project: "livepeer-fleet",
      stack: "test",
      total: 9,
      custom: 7,
      components: 2,
      onDefaultProvider: 1,
      providers: [{ name: "use1", type: "pulumi:providers:aws", resources: 5 }],
      invokes: {},
      reads: [],
      diagnostics: [],
    });
    expect((plan.summary.byType as Record<string, number>)["aws:ec2/vpc:Vpc"]).toBe(1);
    expect(Object.values(plan.summary.byType as Record<string, number>).reduce((a, b) => a + b, 0)).toBe(9);
  });
});

describe("mock state", () => {
  test("ids and computed outputs are realistic and derived from type and name only", async () => {
    const prog = () => {
      const eip = new aws.ec2.Eip("ip", { domain: "vpc" });
      const eni = new aws.ec2.NetworkInterface("eni", { subnetId: "subnet-1", privateIps: ["10.9.8.7"] });
      const lt = new aws.ec2.LaunchTemplate("lt", { imageId: "ami-1" });
      const key = new aws.kms.Key("key", {});
      const role = new aws.iam.Role("role", { assumeRolePolicy: "{}" });
      const asg = new aws.autoscaling.Group("asg", { minSize: 0, maxSize: 1, launchTemplate: { id: lt.id, version: pulumi.interpolate`${lt.latestVersion}` } });
      const vol = new aws.ebs.Volume("vol", { availabilityZone: "us-east-1a", size: 10 });
      const subnet = new aws.ec2.Subnet("subnet", { vpcId: "vpc-1", cidrBlock: "10.0.0.0/24" });
      return {
        eip: { publicIp: eip.publicIp, allocationId: eip.allocationId, id: eip.id },
        eni: { id: eni.id, privateIp: eni.privateIp },
        lt: { id: lt.id, latestVersion: lt.latestVersion, arn: lt.arn },
        key: { keyId: key.keyId, arn: key.arn },
        role: { name: role.name, arn: role.arn },
        asg: asg.name,
        vol: vol.id,
        subnet: subnet.id,
      };
    };
    const a = await runPlan(prog, { project: "p", stack: "s" });
    const o = a.outputs as Record<string, Record<string, unknown>>;
    expect(o.eip.publicIp).toMatch(/^198\.51\.100\.\d{1,3}$/);
    expect(o.eip.allocationId).toMatch(/^eipalloc-[0-9a-f]{17}$/);
    expect(o.eip.id).toBe(o.eip.allocationId);
    expect(o.eni).toEqual({ id: expect.stringMatching(/^eni-[0-9a-f]{17}$/), privateIp: "10.9.8.7" });
    expect(o.lt).toEqual({ id: expect.stringMatching(/^lt-[0-9a-f]{17}$/), latestVersion: 1, arn: `arn:aws:ec2:us-east-1:123456789012:launch-template/${o.lt.id}` });
    expect(o.key.keyId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(o.key.arn).toBe(`arn:aws:kms:us-east-1:123456789012:key/${o.key.keyId}`);
    expect(o.role).toEqual({ name: "role", arn: "arn:aws:iam::123456789012:role/role" });
    expect(o.asg).toBe("asg");
    expect(o.vol).toMatch(/^vol-[0-9a-f]{17}$/);
    expect(o.subnet).toMatch(/^subnet-[0-9a-f]{17}$/);
    // The launch template version reached the group as "1", not "undefined".
    expect(find(a, "aws:autoscaling/group:Group", "asg").inputs.launchTemplate).toEqual({ id: o.lt.id, version: "1" });
    // Same names in another run (even another project) give the same values.
    const b = await runPlan(prog, { project: "other", stack: "s2" });
    expect(b.outputs).toEqual(a.outputs);
  });

  test("resource region follows the explicit provider, then aws:region config", async () => {
    const prog = () => {
      const usw2 = new aws.Provider("usw2", { region: "us-west-2" });
      const a = new aws.lb.LoadBalancer("a", { loadBalancerType: "network" }, { provider: usw2 });
      const b = new aws.lb.LoadBalancer("b", { loadBalancerType: "network" });
      return { a: a.dnsName, b: b.dnsName, arnA: a.arn };
    };
    const plan = await runPlan(prog, { project: "p", stack: "s", config: { "aws:region": "eu-west-1" } });
    expect(plan.outputs.a).toBe("a-0123456789.elb.us-west-2.amazonaws.com");
    expect(plan.outputs.b).toBe("b-0123456789.elb.eu-west-1.amazonaws.com");
    expect(plan.outputs.arnA).toMatch(/^arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer\/net\/a\/[0-9a-f]{16}$/);
  });

  test("RandomPassword.result stays secret (additionalSecretOutputs honoured) wherever it flows", async () => {
    const prog = () => {
      const pw = new random.RandomPassword("pw", { length: 24 });
      new aws.ssm.Parameter("param", { type: "SecureString", value: pw.result });
      new aws.ec2.Vpc("v", { cidrBlock: "10.0.0.0/16", tags: { pw: pw.result, plain: "yes" } });
      return { pw: pw.result, len: pw.result.apply((r) => r.length) };
    };
    const plan = await runPlan(prog, { project: "p", stack: "s" });
    expect(find(plan, "aws:ssm/parameter:Parameter", "param").inputs.value).toBe("[secret]");
    // Secretness is kept at the exact position inside nested inputs.
    expect(find(plan, "aws:ec2/vpc:Vpc", "v").inputs.tags).toEqual({ plain: "yes", pw: "[secret]" });
    // Values derived from a secret are secret as well.
    expect(plan.outputs).toEqual({ len: "[secret]", pw: "[secret]" });
    expect(find(plan, "random:index/randomPassword:RandomPassword", "pw").provider).toBe("");
  });

  test("assets and resource references in inputs are rendered, not dumped", async () => {
    const prog = () => {
      const bucket = new aws.s3.Bucket("b", {});
      new aws.s3.BucketObject("o", { bucket: bucket.id, source: new pulumi.asset.StringAsset("#!/bin/sh\necho hi\n") });
      return {};
    };
    const plan = await runPlan(prog, { project: "p", stack: "s" });
    expect(find(plan, "aws:s3/bucketObject:BucketObject", "o").inputs).toEqual({
      bucket: expect.stringMatching(/^b-[0-9a-f]{7}$/),
      source: { $asset: { text: "#!/bin/sh\necho hi\n" } },
    });
  });
});

describe("providers and reads", () => {
  test("providers are counted per provider resource, even when two packages use the same name; reads are listed", async () => {
    const prog = () => {
      const awsP = new aws.Provider("x", { region: "ap-southeast-2" });
      const rndP = new random.Provider("x", {});
      new aws.ec2.Vpc("v", { cidrBlock: "10.0.0.0/16" }, { provider: awsP });
      new random.RandomPassword("pw", { length: 8 }, { provider: rndP });
      const existing = aws.ec2.Vpc.get("existing", "vpc-0123456789abcdef0", undefined, { provider: awsP });
      return { existing: existing.id };
    };
    const plan = await runPlan(prog, { project: "p", stack: "s" });
    expect(plan.resources.map((r) => `${r.type}::${r.name}@${r.provider}`)).toEqual([
      "aws:ec2/vpc:Vpc::v@x",
      "pulumi:providers:aws::x@",
      "pulumi:providers:random::x@",
      "random:index/randomPassword:RandomPassword::pw@x",
    ]);
    expect(plan.summary.providers).toEqual([
      { name: "x", type: "pulumi:providers:aws", resources: 1 },
      { name: "x", type: "pulumi:providers:random", resources: 1 },
    ]);
    expect(plan.summary.onDefaultProvider).toBe(0);
    expect(plan.summary.reads).toEqual(["aws:ec2/vpc:Vpc::existing"]);
    expect(plan.outputs).toEqual({ existing: "vpc-0123456789abcdef0" });
  });
});

describe("invokes", () => {
  test("the mocked invokes answer deterministically and honour the provider's region", async () => {
    const prog = async () => {
      const usw2 = new aws.Provider("usw2", { region: "us-west-2" });
      const [me, region, part, azs, defRegion] = await Promise.all([
        aws.getCallerIdentity({}, { provider: usw2 }),
        aws.getRegion({}, { provider: usw2 }),
        aws.getPartition({}, { provider: usw2 }),
        aws.getAvailabilityZones({ state: "available" }, { provider: usw2 }),
        aws.getRegion({}),
      ]);
      return { account: me.accountId, region: region.region, name: region.name, partition: part.partition, azs: azs.names, zoneIds: azs.zoneIds, defRegion: defRegion.region };
    };
    const plan = await runPlan(prog, { project: "p", stack: "s", config: { "aws:region": "eu-central-1" } });
    expect(plan.outputs).toEqual({
      account: "123456789012",
      region: "us-west-2",
      name: "us-west-2",
      partition: "aws",
      azs: ["us-west-2a", "us-west-2b", "us-west-2c"],
      zoneIds: ["usw2-az1", "usw2-az2", "usw2-az3"],
      defRegion: "eu-central-1",
    });
    expect(plan.summary.invokes).toEqual({
      "aws:index/getAvailabilityZones:getAvailabilityZones": 1,
      "aws:index/getCallerIdentity:getCallerIdentity": 1,
      "aws:index/getPartition:getPartition": 1,
      "aws:index/getRegion:getRegion": 2,
    });
  });

  test("an unmocked invoke rejects the plan with 'Mock not implemented: <token>'", async () => {
    await expect(runPlan(async () => ({ v: (await aws.ec2.getVpc({ default: true })).id }), { project: "p", stack: "s" })).rejects.toThrow(
      "Mock not implemented: aws:ec2/getVpc:getVpc",
    );
  });

  test("opts.invokes adds or overrides invoke mocks", async () => {
    const prog = async () => ({ vpc: (await aws.ec2.getVpc({ default: true })).id });
    const plan = await runPlan(prog, { project: "p", stack: "s", invokes: { "aws:ec2/getVpc:getVpc": () => ({ id: "vpc-pinned" }) } });
    expect(plan.outputs).toEqual({ vpc: "vpc-pinned" });
  });
});

describe("errors and isolation", () => {
  test("a program error propagates as the original error object", async () => {
    const err = new Error("regions[1].workers[0].maxSize: must be >= minSize (got 0, minSize 2)");
    await expect(runPlan(() => { throw err; }, { project: "p", stack: "s" })).rejects.toBe(err);
    await expect(runPlan(async () => { await Promise.resolve(); throw err; }, { project: "p", stack: "s" })).rejects.toBe(err);
  });

  test("a failed run returns nothing and leaves nothing behind for the next run", async () => {
    const err = new Error("boom after registering");
    const failing = () => {
      new aws.ec2.Vpc("leftover", { cidrBlock: "10.0.0.0/16" });
      throw err;
    };
    await expect(runPlan(failing, { project: "p", stack: "s" })).rejects.toBe(err);
    const next = await runPlan(() => {
      new aws.ec2.Vpc("fresh", { cidrBlock: "10.0.0.0/16" });
      return {};
    }, { project: "p", stack: "s" });
    expect(next.resources.map((r) => r.name)).toEqual(["fresh"]);
  });

  test("a duplicate URN fails the plan like the real engine does", async () => {
    const prog = () => {
      new aws.ec2.Vpc("dup", { cidrBlock: "10.0.0.0/16" });
      new aws.ec2.Vpc("dup", { cidrBlock: "10.1.0.0/16" });
      return {};
    };
    await expect(runPlan(prog, { project: "p", stack: "s" })).rejects.toThrow("Duplicate resource URN 'urn:pulumi:s::p::aws:ec2/vpc:Vpc::dup'");
  });

  test("one type and name under two parents fails the plan (the URNs differ, but a plan diff keys by type::name)", async () => {
    const prog = () => {
      const a = new pulumi.ComponentResource("test:index:A", "a");
      const b = new pulumi.ComponentResource("test:index:B", "b");
      new aws.ec2.Vpc("same", { cidrBlock: "10.0.0.0/16" }, { parent: a });
      new aws.ec2.Vpc("same", { cidrBlock: "10.1.0.0/16" }, { parent: b });
      return {};
    };
    await expect(runPlan(prog, { project: "p", stack: "s" })).rejects.toThrow("two resources are named aws:ec2/vpc:Vpc::same (under different parents)");
  });

  test("pulumi.log goes to summary.diagnostics; pulumi.log.error fails the plan", async () => {
    const spy = jest.spyOn(console, "log");
    const plan = await runPlan(() => {
      const v = new aws.ec2.Vpc("v", { cidrBlock: "10.0.0.0/16" });
      pulumi.log.info("hello");
      pulumi.log.warn("careful", v);
      return {};
    }, { project: "p", stack: "s" });
    expect(plan.summary.diagnostics).toEqual([
      { severity: "info", message: "hello", resource: null },
      { severity: "warning", message: "careful", resource: "aws:ec2/vpc:Vpc::v" },
    ]);
    expect(spy).not.toHaveBeenCalled();
    spy.mockRestore();
    await expect(runPlan(() => { pulumi.log.error("bad"); return {}; }, { project: "p", stack: "s" })).rejects.toThrow("pulumi.log.error during plan: bad");
  });

  test("config (plain and secret) comes from opts only", async () => {
    const prog = () => {
      const cfg = new pulumi.Config("livepeer-fleet");
      return { fleet: cfg.requireObject<{ name: string }>("fleet").name, rpc: cfg.requireSecret("rpcUrl"), missing: cfg.get("nope") ?? "unset" };
    };
    const plan = await runPlan(prog, {
      project: "livepeer-fleet",
      stack: "s",
      config: { "livepeer-fleet:fleet": JSON.stringify({ name: "ref" }), "livepeer-fleet:rpcUrl": "https://secret.example" },
      secretKeys: ["livepeer-fleet:rpcUrl"],
    });
    expect(plan.outputs).toEqual({ fleet: "ref", rpc: "[secret]", missing: "unset" });
    await expect(runPlan(prog, { project: "livepeer-fleet", stack: "s" })).rejects.toThrow(/fleet/);
  });

  test("runPlan does not disturb mocks a test installed globally (setMocks again afterwards works too)", async () => {
    const seen: string[] = [];
    await pulumi.runtime.setMocks({
      newResource: (a) => {
        seen.push(a.name);
        return { id: `${a.name}-global`, state: a.inputs };
      },
      call: () => ({}),
    });
    const before = new aws.ec2.Vpc("global-before", { cidrBlock: "10.0.0.0/16" });
    await runPlan(() => {
      new aws.ec2.Vpc("in-plan", { cidrBlock: "10.0.0.0/16" });
      return {};
    }, { project: "p", stack: "s" });
    const after = new aws.ec2.Vpc("global-after", { cidrBlock: "10.0.0.0/16" });
    const ids = await new Promise<string[]>((resolve) => pulumi.all([before.id, after.id]).apply(resolve));
    expect(ids).toEqual(["global-before-global", "global-after-global"]);
    expect(seen).toEqual(["global-before", "global-after"]);
  });

  test("concurrent runs are serialised and do not mix resources", async () => {
    const mk = (n: string) => () => {
      new aws.ec2.Vpc(n, { cidrBlock: "10.0.0.0/16" });
      return { n };
    };
    const [a, b] = await Promise.all([runPlan(mk("a"), OPTS), runPlan(mk("b"), OPTS)]);
    expect(a.resources.map((r) => r.name)).toEqual(["a"]);
    expect(b.resources.map((r) => r.name)).toEqual(["b"]);
  });
});

describe("in a real node process (as the CLI runs it)", () => {
  // Failures that never reach the program (an Output-form invoke or a throwing apply feeding a resource
  // input) surface in the SDK as unhandled promise rejections. runPlan catches those with a process
  // listener, which works in a real process; jest sandboxes `process` and reports them as test failures
  // itself, so these cases run in a child process.
  test("failures outside the program reject the plan; success leaves stdout/stderr clean and exit code 0", () => {
    const script = `
      const pulumi = require("@pulumi/pulumi");
      const aws = require("@pulumi/aws");
      const { runPlan } = require("./src/plan/engine.ts");
      const cases = {
        ok: () => { new aws.ec2.Vpc("v", { cidrBlock: "10.0.0.0/16" }); return {}; },
        invokeAsInput: () => {
          const vpc = aws.ec2.getVpcOutput({ default: true });
          new aws.ec2.Subnet("s", { vpcId: vpc.id, cidrBlock: "10.0.0.0/24" });
          return {};
        },
        invokeAsOutput: () => ({ vpc: aws.ec2.getVpcOutput({ default: true }).id }),
        applyThrows: () => {
          new aws.ec2.Vpc("v", { cidrBlock: pulumi.output("10.0.0.0/16").apply(() => { throw new Error("apply boom"); }) });
          return {};
        },
        // The SDK never settles the outputs of a resource whose inputs failed to serialise: a stack output
        // or another resource depending on it would wait forever (the CLI then ended unsettled, no message).
        applyThrowsFeedingOutput: () => {
          const v = new aws.ec2.Vpc("v", { cidrBlock: pulumi.output("10.0.0.0/16").apply(() => { throw new Error("apply boom 2"); }) });
          return { id: v.id };
        },
        applyThrowsFeedingDependent: () => {
          const v = new aws.ec2.Vpc("v", { cidrBlock: pulumi.output("10.0.0.0/16").apply(() => { throw new Error("apply boom 3"); }) });
          const s = new aws.ec2.Subnet("s", { vpcId: v.id, cidrBlock: "10.0.0.0/24" });
          return { subnet: s.id };
        },
        asyncProgramAwaitingIt: async () => {
          const v = new aws.ec2.Vpc("v", { cidrBlock: pulumi.output("10.0.0.0/16").apply(() => { throw new Error("apply boom 4"); }) });
          await new Promise((resolve) => v.id.apply(resolve));
          return {};
        },
        okAgain: () => { new aws.ec2.Vpc("w", { cidrBlock: "10.0.0.0/16" }); return {}; },
      };
      (async () => {
        const results = {};
        for (const [name, prog] of Object.entries(cases)) {
          try { results[name] = "ok:" + (await runPlan(prog, { project: "p", stack: "s" })).resources.map((r) => r.name).join(","); }
          catch (e) { results[name] = "rejected:" + e.message; }
        }
        process.stdout.write(JSON.stringify(results));
      })();
    `;
    const res = spawnSync(process.execPath, ["-r", "./bin/register.js", "-e", script], {
      cwd: path.resolve(__dirname, "../.."),
      encoding: "utf8",
      timeout: 60000,
    });
    expect(res.stderr).toBe("");
    expect(res.status).toBe(0);
    const results = JSON.parse(res.stdout) as Record<string, string>;
    expect(results.ok).toBe("ok:v");
    expect(results.invokeAsInput).toMatch(/^rejected:.*Mock not implemented: aws:ec2\/getVpc:getVpc/);
    expect(results.invokeAsOutput).toMatch(/^rejected:.*Mock not implemented: aws:ec2\/getVpc:getVpc/);
    expect(results.applyThrows).toMatch(/^rejected:.*apply boom/);
    expect(results.applyThrowsFeedingOutput).toMatch(/^rejected:.*apply boom 2/);
    expect(results.applyThrowsFeedingDependent).toMatch(/^rejected:.*apply boom 3/);
    expect(results.asyncProgramAwaitingIt).toMatch(/^rejected:.*apply boom 4/);
    expect(results.okAgain).toBe("ok:w");
  });
});
