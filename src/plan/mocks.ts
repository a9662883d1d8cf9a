/**
 * Deterministic Pulumi mocks for the offline plan (DESIGN §5).
 *
 * Every id and computed output is derived from the resource type and name (sha256), never from time or
 * randomness, so two plans of the same program are byte-identical. The values look like the real ones
 * (`vpc-…`, `eipalloc-…`, ARNs, DNS names) so interpolations never contain "undefined".
 *
 * Secrets: this module returns plain values. Secretness of computed state comes from the plan engine,
 * which does what the real Pulumi engine does and marks every `additionalSecretOutputs` key of the
 * registration as secret (e.g. RandomPassword `result`, SecretVersion `secretString`); the bare
 * `MockMonitor` ignores that option. Secret inputs copied into state stay secret because they are
 * still wire-format secret objects here.
 */
import { createHash } from "crypto";
import type * as pulumi from "@pulumi/pulumi";

export const MOCK_ACCOUNT_ID = "123456789012";
export const MOCK_GCP_PROJECT = "mock-project";
export const MOCK_GCP_PROJECT_NUMBER = "123456789012";
const DEFAULT_AWS_REGION = "us-east-1";
const DEFAULT_GCP_REGION = "us-central1";
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export type InvokeHandler = (args: pulumi.runtime.MockCallArgs) => Record<string, unknown>;

export interface MockContext {
  /** Stack config of the run (`aws:region`, `gcp:project`, …). */
  config: Record<string, string>;
  /** Plain inputs of an already registered provider, by provider reference (`urn::id`). */
  providerInputs(ref: string | undefined): Record<string, unknown> | undefined;
  /** Extra or overriding invoke handlers by token. */
  invokes?: Record<string, InvokeHandler>;
  /** The CIDR of a subnet / subnetwork registered earlier in the run, by id or self link (set by createMocks). */
  subnetCidr?(ref: string | undefined): string | undefined;
}

/** First `n` hex chars of sha256(parts joined), extended by re-hashing when n > 64. */
export function hex(n: number, ...parts: string[]): string {
  let out = "";
  let seed = parts.join("");
  while (out.length < n) {
    const h = createHash("sha256").update(seed).digest("hex");
    out += h;
    seed = h;
  }
  return out.slice(0, n);
}

function uuid(...parts: string[]): string {
  const h = hex(32, ...parts);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function digits(n: number, ...parts: string[]): string {
  return BigInt("0x" + hex(24, ...parts)).toString().padStart(n, "7").slice(0, n);
}

function byte(i: number, ...parts: string[]): number {
  return parseInt(hex(64, ...parts).slice(i * 2, i * 2 + 2), 16);
}

function unwrap(v: unknown): unknown {
  if (v && typeof v === "object" && (v as Record<string, unknown>)[SIG_KEY] === SECRET_SIG) {
    return (v as Record<string, unknown>).value;
  }
  return v;
}

function str(inputs: Record<string, unknown> | undefined, key: string): string | undefined {
  const v = unwrap(inputs?.[key]);
  return typeof v === "string" && v !== "" ? v : undefined;
}

function num(inputs: Record<string, unknown> | undefined, key: string): number | undefined {
  const v = unwrap(inputs?.[key]);
  return typeof v === "number" ? v : undefined;
}

function kebab(s: string): string {
  return s.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

/** `aws:ec2/launchTemplate:LaunchTemplate` → { pkg: "aws", module: "ec2", kind: "launchTemplate" }. */
function parseToken(type: string): { pkg: string; module: string; kind: string } {
  const [pkg = "", mid = "", cls = ""] = type.split(":");
  const [module = "", kind = ""] = mid.split("/");
  return { pkg, module, kind: kind || cls.charAt(0).toLowerCase() + cls.slice(1) };
}

// ---------------------------------------------------------------------------------------------------------
// AWS

const AWS_SERVICE: Record<string, string> = {
  lb: "elasticloadbalancing",
  alb: "elasticloadbalancing",
  elb: "elasticloadbalancing",
  vpc: "ec2",
  cloudwatch: "logs",
};
const AWS_GLOBAL = new Set(["iam", "route53", "s3", "cloudfront", "organizations"]);

const AWS_ID_PREFIX: Record<string, string> = {
  "aws:ec2/vpc:Vpc": "vpc",
  "aws:ec2/subnet:Subnet": "subnet",
  "aws:ec2/securityGroup:SecurityGroup": "sg",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
  "aws:ec2/securityGroupRule:SecurityGroupRule": "sgrule",
  "aws:ec2/internetGateway:InternetGateway": "igw",
  "aws:ec2/egressOnlyInternetGateway:EgressOnlyInternetGateway": "eigw",
  "aws:ec2/natGateway:NatGateway": "nat",
  "aws:ec2/routeTable:RouteTable": "rtb",
  "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
  "aws:ec2/route:Route": "r-rtb",
  "aws:ec2/networkAcl:NetworkAcl": "acl",
  "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
  "aws:ec2/launchTemplate:LaunchTemplate": "lt",
  "aws:ec2/eip:Eip": "eipalloc",
  "aws:ec2/eipAssociation:EipAssociation": "eipassoc",
  "aws:ec2/networkInterface:NetworkInterface": "eni",
  "aws:ec2/networkInterfaceAttachment:NetworkInterfaceAttachment": "eni-attach",
  "aws:ebs/volume:Volume": "vol",
  "aws:ec2/volume:Volume": "vol",
  "aws:ec2/volumeAttachment:VolumeAttachment": "vai",
  "aws:ec2/instance:Instance": "i",
  "aws:ec2/keyPair:KeyPair": "key",
  "aws:ec2/placementGroup:PlacementGroup": "pg",
  "aws:ec2/flowLog:FlowLog": "fl",
};

function awsRegion(args: pulumi.runtime.MockResourceArgs | pulumi.runtime.MockCallArgs, ctx: MockContext): string {
  return (
    str(args.inputs, "region") ??
    str(ctx.providerInputs(args.provider), "region") ??
    ctx.config["aws:region"] ??
    DEFAULT_AWS_REGION
  );
}

/** `us-east-1` → `use1`, `ap-southeast-2` → `apse2` (AWS zone-id prefixes). */
function zoneIdPrefix(region: string): string {
  const dir: Record<string, string> = {
    north: "n", south: "s", east: "e", west: "w", central: "c",
    northeast: "ne", northwest: "nw", southeast: "se", southwest: "sw",
  };
  const [geo = "", d = "", n = ""] = region.split("-");
  return `${geo}${dir[d] ?? d.charAt(0)}${n}`;
}

function publicIp(...parts: string[]): string {
  return `198.51.100.${1 + (parseInt(hex(4, ...parts), 16) % 254)}`;
}

function privateIp(...parts: string[]): string {
  return `10.0.${byte(0, ...parts)}.${4 + (byte(1, ...parts) % 250)}`;
}

/**
 * A stable private address inside `cidr` (IPv4 /8–/28), clear of the addresses clouds reserve at either end
 * (AWS the first four and the last; GCP the first two and the last two); without a CIDR, privateIp().
 */
export function privateIpIn(cidr: string | undefined, ...parts: string[]): string {
  const m = cidr ? /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr) : null;
  const bits = m ? Number(m[5]) : NaN;
  if (!m || !(bits >= 8 && bits <= 28)) return privateIp(...parts);
  const base = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
  const size = 2 ** (32 - bits);
  const ip = base + 4 + (parseInt(hex(8, ...parts), 16) % (size - 6));
  return [ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].join(".");
}

function awsState(args: pulumi.runtime.MockResourceArgs, ctx: MockContext): { id: string; state: Record<string, unknown> } {
  const { type, name, inputs } = args;
  const { module, kind } = parseToken(type);
  const region = awsRegion(args, ctx);
  const service = AWS_SERVICE[module] ?? module;
  const arnRegion = AWS_GLOBAL.has(module) ? "" : region;
  const h = (n: number, salt = "") => hex(n, type, name, salt);
  const prefix = AWS_ID_PREFIX[type];
  const logicalName = str(inputs, "name") ?? (str(inputs, "namePrefix") ? `${str(inputs, "namePrefix")}${h(8)}` : name);
  let id = prefix ? `${prefix}-${h(17)}` : h(17);
  const arn = (resource: string) => `arn:aws:${service}:${arnRegion}:${MOCK_ACCOUNT_ID}:${resource}`;
  const extra: Record<string, unknown> = { name: logicalName };
  const tags = inputs?.tags;
  if (tags !== undefined) extra.tagsAll = tags;

  switch (type) {
    case "aws:ec2/vpc:Vpc":
      Object.assign(extra, {
        defaultSecurityGroupId: `sg-${h(17, "sg")}`,
        defaultRouteTableId: `rtb-${h(17, "rtb")}`,
        mainRouteTableId: `rtb-${h(17, "rtb")}`,
        defaultNetworkAclId: `acl-${h(17, "acl")}`,
        dhcpOptionsId: `dopt-${h(17, "dopt")}`,
        ownerId: MOCK_ACCOUNT_ID,
      });
      break;
    case "aws:ec2/subnet:Subnet": {
      const az = str(inputs, "availabilityZone") ?? `${region}a`;
      extra.availabilityZone = az;
      extra.availabilityZoneId = `${zoneIdPrefix(region)}-az${(az.charCodeAt(az.length - 1) - 96) || 1}`;
      extra.ownerId = MOCK_ACCOUNT_ID;
      break;
    }
    case "aws:ec2/securityGroup:SecurityGroup":
      extra.ownerId = MOCK_ACCOUNT_ID;
      break;
    case "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule":
    case "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule":
      extra.securityGroupRuleId = id;
      break;
    case "aws:ec2/securityGroupRule:SecurityGroupRule":
      extra.securityGroupRuleId = `sgr-${h(17, "rule")}`;
      break;
    case "aws:ec2/launchTemplate:LaunchTemplate":
      extra.latestVersion = 1;
      extra.defaultVersion = 1;
      break;
    case "aws:ec2/eip:Eip": {
      const ip = publicIp(type, name);
      Object.assign(extra, {
        allocationId: id,
        publicIp: ip,
        publicDns: `ec2-${ip.replace(/\./g, "-")}.compute-1.amazonaws.com`,
        domain: str(inputs, "domain") ?? "vpc",
        publicIpv4Pool: str(inputs, "publicIpv4Pool") ?? "amazon",
      });
      break;
    }
    case "aws:ec2/networkInterface:NetworkInterface": {
      const ips = unwrap(inputs?.privateIps);
      const first = Array.isArray(ips) && typeof ips[0] === "string" ? (ips[0] as string) : privateIpIn(ctx.subnetCidr?.(str(inputs, "subnetId")), type, name);
      Object.assign(extra, {
        privateIp: first,
        privateIps: Array.isArray(ips) && ips.length > 0 ? ips : [first],
        privateIpList: Array.isArray(ips) && ips.length > 0 ? ips : [first],
        macAddress: `0e:${h(10, "mac").match(/../g)!.join(":")}`,
        ownerId: MOCK_ACCOUNT_ID,
      });
      break;
    }
    case "aws:ec2/instance:Instance":
      extra.privateIp = str(inputs, "privateIp") ?? privateIpIn(ctx.subnetCidr?.(str(inputs, "subnetId")), type, name);
      extra.primaryNetworkInterfaceId = `eni-${h(17, "eni")}`;
      extra.instanceState = "running";
      break;
    case "aws:ec2/keyPair:KeyPair":
      extra.keyName = str(inputs, "keyName") ?? name;
      extra.keyPairId = id;
      break;
    case "aws:kms/key:Key": {
      id = uuid(type, name);
      extra.keyId = id;
      break;
    }
    case "aws:kms/alias:Alias":
      id = logicalName;
      extra.arn = arn(logicalName);
      extra.targetKeyArn = arn(`key/${uuid(type, name, "target")}`);
      break;
    case "aws:secretsmanager/secret:Secret":
      extra.arn = arn(`secret:${logicalName}-AbCdEf`);
      id = extra.arn as string;
      break;
    case "aws:secretsmanager/secretVersion:SecretVersion": {
      const versionId = uuid(type, name);
      const secretId = str(inputs, "secretId") ?? name;
      id = `${secretId}|${versionId}`;
      extra.versionId = versionId;
      extra.arn = secretId;
      extra.versionStages = unwrap(inputs?.versionStages) ?? ["AWSCURRENT"];
      break;
    }
    case "aws:iam/role:Role":
      id = logicalName;
      extra.arn = arn(`role${str(inputs, "path") ?? "/"}${logicalName}`);
      extra.uniqueId = `AROA${h(17).toUpperCase()}`;
      break;
    case "aws:iam/instanceProfile:InstanceProfile":
      id = logicalName;
      extra.arn = arn(`instance-profile${str(inputs, "path") ?? "/"}${logicalName}`);
      extra.uniqueId = `AIPA${h(17).toUpperCase()}`;
      break;
    case "aws:iam/policy:Policy":
      extra.arn = arn(`policy${str(inputs, "path") ?? "/"}${logicalName}`);
      id = extra.arn as string;
      extra.policyId = `ANPA${h(17).toUpperCase()}`;
      break;
    case "aws:iam/rolePolicy:RolePolicy":
      id = `${str(inputs, "role") ?? "role"}:${logicalName}`;
      break;
    case "aws:iam/rolePolicyAttachment:RolePolicyAttachment":
      id = `${str(inputs, "role") ?? "role"}-${h(26)}`;
      break;
    case "aws:autoscaling/group:Group":
      id = logicalName;
      extra.arn = arn(`autoScalingGroup:${uuid(type, name)}:autoScalingGroupName/${logicalName}`);
      break;
    case "aws:autoscaling/policy:Policy":
      id = logicalName;
      extra.arn = arn(`scalingPolicy:${uuid(type, name)}:autoScalingGroupName/${str(inputs, "autoscalingGroupName") ?? "asg"}:policyName/${logicalName}`);
      break;
    case "aws:lb/loadBalancer:LoadBalancer":
    case "aws:alb/loadBalancer:LoadBalancer": {
      const lbType = str(inputs, "loadBalancerType") ?? "application";
      const short = lbType === "network" ? "net" : lbType === "gateway" ? "gwy" : "app";
      const arnSuffix = `${short}/${logicalName}/${h(16)}`;
      Object.assign(extra, {
        arn: arn(`loadbalancer/${arnSuffix}`),
        arnSuffix,
        dnsName: `${logicalName}-0123456789.elb.${region}.amazonaws.com`,
        zoneId: "Z26RNL4JYFTOTI",
        vpcId: `vpc-${h(17, "vpc")}`,
      });
      id = extra.arn as string;
      break;
    }
    case "aws:lb/targetGroup:TargetGroup":
    case "aws:alb/targetGroup:TargetGroup": {
      const arnSuffix = `targetgroup/${logicalName}/${h(16)}`;
      extra.arn = arn(arnSuffix);
      extra.arnSuffix = arnSuffix;
      id = extra.arn as string;
      break;
    }
    case "aws:lb/listener:Listener":
    case "aws:alb/listener:Listener":
      extra.arn = arn(`listener/net/${name}/${h(16, "lb")}/${h(16)}`);
      id = extra.arn as string;
      break;
    case "aws:route53/zone:Zone": {
      const zoneId = `Z${h(20).toUpperCase()}`;
      id = zoneId;
      extra.zoneId = zoneId;
      extra.arn = arn(`hostedzone/${zoneId}`);
      extra.nameServers = [1, 2, 3, 4].map((i) => `ns-${100 * i + byte(i, type, name)}.awsdns-${byte(i + 4, type, name) % 64}.net`);
      break;
    }
    case "aws:route53/record:Record": {
      const recName = str(inputs, "name") ?? name;
      id = `${str(inputs, "zoneId") ?? "Z"}_${recName}_${str(inputs, "type") ?? "A"}`;
      extra.name = recName;
      extra.fqdn = recName;
      break;
    }
    case "aws:cloudwatch/logGroup:LogGroup":
      id = logicalName;
      extra.arn = arn(`log-group:${logicalName}`);
      break;
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2": {
      const bucket = str(inputs, "bucket") ?? `${name}-${h(7)}`;
      id = bucket;
      Object.assign(extra, {
        bucket,
        arn: `arn:aws:s3:::${bucket}`,
        bucketDomainName: `${bucket}.s3.amazonaws.com`,
        bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com`,
        hostedZoneId: "Z3AQBSTGFYJSTF",
        region,
      });
      break;
    }
    case "aws:ssm/parameter:Parameter":
      id = logicalName;
      extra.arn = arn(`parameter/${logicalName.replace(/^\//, "")}`);
      extra.version = 1;
      break;
  }
  if (extra.arn === undefined) {
    extra.arn = arn(`${kebab(kind)}/${id}`);
  }
  return { id, state: { ...inputs, ...extra } };
}

// ---------------------------------------------------------------------------------------------------------
// GCP

function gcpScope(args: pulumi.runtime.MockResourceArgs, ctx: MockContext) {
  const prov = ctx.providerInputs(args.provider);
  return {
    project: str(args.inputs, "project") ?? str(prov, "project") ?? ctx.config["gcp:project"] ?? MOCK_GCP_PROJECT,
    region: str(args.inputs, "region") ?? str(prov, "region") ?? ctx.config["gcp:region"] ?? DEFAULT_GCP_REGION,
    zone: str(args.inputs, "zone"),
  };
}

function gcpState(args: pulumi.runtime.MockResourceArgs, ctx: MockContext): { id: string; state: Record<string, unknown> } {
  const { type, name, inputs } = args;
  const { module, kind } = parseToken(type);
  const { project, region, zone } = gcpScope(args, ctx);
  const h = (n: number, salt = "") => hex(n, type, name, salt);
  const logicalName = str(inputs, "name") ?? (str(inputs, "namePrefix") ? `${str(inputs, "namePrefix")}${h(8)}` : name);
  const extra: Record<string, unknown> = { name: logicalName, project };
  let id = `projects/${project}/${module}/${logicalName}`;

  if (module === "compute") {
    const base = kind.startsWith("region") ? kind.slice("region".length) : kind;
    const singular = `${base.charAt(0).toLowerCase()}${base.slice(1)}`;
    // Compute collections are plural, `addresses` included.
    const collection = singular.endsWith("s") ? `${singular}es` : `${singular}s`;
    const scoped = kind.startsWith("region") || (str(inputs, "region") !== undefined && !zone) || kind === "address" || kind === "forwardingRule" || kind === "subnetwork" || kind === "router";
    const scope = zone ? `zones/${zone}` : scoped ? `regions/${region}` : "global";
    id = `projects/${project}/${scope}/${collection}/${logicalName}`;
    const selfLink = `https://www.googleapis.com/compute/v1/${id}`;
    Object.assign(extra, { selfLink, selfLinkUnique: `${selfLink}?uniqueId=${digits(19, type, name)}` });
    if (scope.startsWith("regions/")) extra.region = region;
    switch (kind) {
      case "address": {
        const internal = str(inputs, "addressType") === "INTERNAL";
        extra.address = str(inputs, "address") ?? (internal ? privateIpIn(ctx.subnetCidr?.(str(inputs, "subnetwork")), type, name) : `203.0.113.${1 + (parseInt(h(4), 16) % 254)}`);
        extra.addressType = str(inputs, "addressType") ?? "EXTERNAL";
        break;
      }
      case "regionInstanceGroupManager":
      case "instanceGroupManager":
        extra.instanceGroup = selfLink.replace("/instanceGroupManagers/", "/instanceGroups/");
        break;
      case "forwardingRule":
        extra.ipAddress = str(inputs, "ipAddress") ?? `203.0.113.${1 + (parseInt(h(4), 16) % 254)}`;
        break;
    }
  } else {
    switch (type) {
      case "gcp:serviceaccount/account:Account": {
        const accountId = str(inputs, "accountId") ?? name;
        const email = `${accountId}@${project}.iam.gserviceaccount.com`;
        id = `projects/${project}/serviceAccounts/${email}`;
        Object.assign(extra, { email, name: id, uniqueId: digits(21, type, name), member: `serviceAccount:${email}` });
        break;
      }
      case "gcp:projects/serviceIdentity:ServiceIdentity": {
        const svc = (str(inputs, "service") ?? "service.googleapis.com").split(".")[0];
        const email = `service-${MOCK_GCP_PROJECT_NUMBER}@gcp-sa-${svc}.iam.gserviceaccount.com`;
        id = `projects/${project}/services/${str(inputs, "service") ?? svc}`;
        Object.assign(extra, { email, member: `serviceAccount:${email}` });
        break;
      }
      case "gcp:secretmanager/secret:Secret": {
        const secretId = str(inputs, "secretId") ?? name;
        id = `projects/${project}/secrets/${secretId}`;
        extra.name = `projects/${MOCK_GCP_PROJECT_NUMBER}/secrets/${secretId}`;
        break;
      }
      case "gcp:secretmanager/secretVersion:SecretVersion": {
        const secret = str(inputs, "secret") ?? `projects/${project}/secrets/${name}`;
        id = `${secret}/versions/1`;
        Object.assign(extra, { name: id, version: "1" });
        break;
      }
      case "gcp:kms/keyRing:KeyRing":
        id = `projects/${project}/locations/${str(inputs, "location") ?? region}/keyRings/${logicalName}`;
        break;
      case "gcp:kms/cryptoKey:CryptoKey":
        id = `${str(inputs, "keyRing") ?? `projects/${project}/locations/${region}/keyRings/ring`}/cryptoKeys/${logicalName}`;
        break;
      case "gcp:dns/managedZone:ManagedZone":
        id = `projects/${project}/managedZones/${logicalName}`;
        extra.nameServers = [1, 2, 3, 4].map((i) => `ns-cloud-a${i}.googledomains.com.`);
        break;
      case "gcp:dns/recordSet:RecordSet":
        id = `projects/${project}/managedZones/${str(inputs, "managedZone") ?? "zone"}/rrsets/${logicalName}/${str(inputs, "type") ?? "A"}`;
        break;
    }
  }
  return { id, state: { ...inputs, ...extra } };
}

// ---------------------------------------------------------------------------------------------------------
// random

function randomState(args: pulumi.runtime.MockResourceArgs): { id: string; state: Record<string, unknown> } {
  const { type, name, inputs } = args;
  const h = (n: number, salt = "") => hex(n, type, name, salt);
  const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const text = (len: number) => Array.from({ length: len }, (_, i) => chars[byte(i % 32, type, name, String(Math.floor(i / 32))) % chars.length]).join("");
  switch (type) {
    case "random:index/randomPassword:RandomPassword": {
      const result = text(num(inputs, "length") ?? 16);
      return { id: "none", state: { ...inputs, result, bcryptHash: `$2a$10$${h(53)}` } };
    }
    case "random:index/randomString:RandomString": {
      const result = text(num(inputs, "length") ?? 16);
      return { id: result, state: { ...inputs, result } };
    }
    case "random:index/randomId:RandomId": {
      const bytes = Buffer.from(h(2 * (num(inputs, "byteLength") ?? 8)), "hex");
      const b64Url = bytes.toString("base64url");
      return {
        id: b64Url,
        state: { ...inputs, hex: bytes.toString("hex"), b64Url, b64Std: bytes.toString("base64"), dec: BigInt("0x" + bytes.toString("hex")).toString() },
      };
    }
    case "random:index/randomBytes:RandomBytes": {
      const bytes = Buffer.from(h(2 * (num(inputs, "length") ?? 8)), "hex");
      return { id: "none", state: { ...inputs, hex: bytes.toString("hex"), base64: bytes.toString("base64") } };
    }
    case "random:index/randomPet:RandomPet": {
      const words = ["brave", "calm", "eager", "fancy", "gentle", "happy", "jolly", "lucky", "proud", "witty"];
      const pets = ["otter", "falcon", "lynx", "badger", "heron", "marmot", "ibex", "wombat", "koala", "puffin"];
      const id = [str(inputs, "prefix"), words[byte(0, type, name) % 10], pets[byte(1, type, name) % 10]].filter(Boolean).join(str(inputs, "separator") ?? "-");
      return { id, state: { ...inputs } };
    }
    case "random:index/randomInteger:RandomInteger": {
      const min = num(inputs, "min") ?? 0;
      const max = num(inputs, "max") ?? min + 100;
      const result = min + (parseInt(h(8), 16) % (max - min + 1));
      return { id: String(result), state: { ...inputs, result } };
    }
    case "random:index/randomUuid:RandomUuid": {
      const result = uuid(type, name);
      return { id: result, state: { ...inputs, result } };
    }
    case "random:index/randomShuffle:RandomShuffle":
      return { id: "-", state: { ...inputs, results: unwrap(inputs?.inputs) ?? [] } };
    default:
      return { id: h(16), state: { ...inputs } };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Invokes

function awsCallRegion(args: pulumi.runtime.MockCallArgs, ctx: MockContext): string {
  return str(args.inputs, "region") ?? str(args.inputs, "name") ?? awsRegion(args, ctx);
}

function filterValue(inputs: Record<string, unknown>, filterName: string): string | undefined {
  const filters = unwrap(inputs?.filters);
  if (!Array.isArray(filters)) return undefined;
  for (const f of filters as Array<Record<string, unknown>>) {
    const values = unwrap(f?.values);
    if (f?.name === filterName && Array.isArray(values) && typeof values[0] === "string") return values[0];
  }
  return undefined;
}

const BUILTIN_INVOKES: Record<string, (args: pulumi.runtime.MockCallArgs, ctx: MockContext) => Record<string, unknown>> = {
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    accountId: MOCK_ACCOUNT_ID,
    arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/livepeer-fleet-plan`,
    id: MOCK_ACCOUNT_ID,
    userId: "AIDAPLANMOCKUSERID000",
  }),
  "aws:index/getRegion:getRegion": (args, ctx) => {
    const region = awsCallRegion(args, ctx);
    return { id: region, name: region, region, description: `Mock (${region})`, endpoint: `ec2.${region}.amazonaws.com` };
  },
  "aws:index/getPartition:getPartition": () => ({
    id: "aws",
    partition: "aws",
    dnsSuffix: "amazonaws.com",
    reverseDnsPrefix: "com.amazonaws",
  }),
  "aws:index/getAvailabilityZones:getAvailabilityZones": (args, ctx) => {
    const region = awsCallRegion(args, ctx);
    const letters = ["a", "b", "c"];
    return {
      id: region,
      region,
      names: letters.map((l) => `${region}${l}`),
      zoneIds: letters.map((_, i) => `${zoneIdPrefix(region)}-az${i + 1}`),
      groupNames: [region],
      state: str(args.inputs, "state") ?? "available",
    };
  },
  "aws:ec2/getAmi:getAmi": (args) => {
    const key = JSON.stringify(args.inputs ?? {});
    const imageId = `ami-${hex(17, args.token, key)}`;
    const arch = filterValue(args.inputs, "architecture") ?? "x86_64";
    return {
      id: imageId,
      imageId,
      name: filterValue(args.inputs, "name")?.replace(/\*/g, "mock") ?? "mock-ami",
      architecture: arch,
      ownerId: (Array.isArray(args.inputs?.owners) && typeof args.inputs.owners[0] === "string" ? args.inputs.owners[0] : MOCK_ACCOUNT_ID),
      rootDeviceName: "/dev/xvda",
      rootDeviceType: "ebs",
      virtualizationType: "hvm",
      blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { volumeSize: "8", volumeType: "gp3", encrypted: "false" } }],
      arn: `arn:aws:ec2:us-east-1::image/${imageId}`,
    };
  },
  "aws:ssm/getParameter:getParameter": (args, ctx) => {
    const pname = str(args.inputs, "name") ?? "/mock";
    const value = /ami/i.test(pname) ? `ami-${hex(17, args.token, pname)}` : `mock-${hex(12, args.token, pname)}`;
    return {
      id: pname,
      name: pname,
      arn: `arn:aws:ssm:${awsCallRegion(args, ctx)}:${MOCK_ACCOUNT_ID}:parameter/${pname.replace(/^\//, "")}`,
      type: "String",
      value,
      insecureValue: value,
      version: 1,
    };
  },
  "aws:route53/getZone:getZone": (args) => {
    const zname = (str(args.inputs, "name") ?? "example.com").replace(/\.?$/, ".");
    const zoneId = str(args.inputs, "zoneId") ?? `Z${hex(20, args.token, zname).toUpperCase()}`;
    return {
      id: zoneId,
      zoneId,
      name: zname,
      arn: `arn:aws:route53:::hostedzone/${zoneId}`,
      privateZone: unwrap(args.inputs?.privateZone) === true,
      nameServers: [1, 2, 3, 4].map((i) => `ns-${i}.awsdns-mock.net`),
      resourceRecordSetCount: 2,
      callerReference: "mock",
      comment: "",
      tags: {},
    };
  },
  "gcp:compute/getImage:getImage": (args, ctx) => {
    const project = str(args.inputs, "project") ?? ctx.config["gcp:project"] ?? MOCK_GCP_PROJECT;
    const family = str(args.inputs, "family");
    const iname = str(args.inputs, "name") ?? `${family ?? "image"}-v${digits(8, args.token, JSON.stringify(args.inputs ?? {}))}`;
    const selfLink = `https://www.googleapis.com/compute/v1/projects/${project}/global/images/${iname}`;
    return { id: `projects/${project}/global/images/${iname}`, name: iname, family: family ?? "", project, selfLink, status: "READY", diskSizeGb: 10 };
  },
};

/** Builds the Mocks object for one plan run. */
export function createMocks(ctx0: MockContext): pulumi.runtime.Mocks {
  // Subnets seen so far (id, self link → CIDR), so that addresses the cloud would pick fall inside them.
  const cidrs = new Map<string, string>();
  const ctx: MockContext = { ...ctx0, subnetCidr: (ref) => (ref ? cidrs.get(ref) : undefined) };
  const remember = (type: string, inputs: Record<string, unknown>, result: { id: string; state: Record<string, unknown> }) => {
    const cidr = type === "aws:ec2/subnet:Subnet" ? str(inputs, "cidrBlock") : type === "gcp:compute/subnetwork:Subnetwork" ? str(inputs, "ipCidrRange") : undefined;
    if (!cidr) return;
    for (const ref of [result.id, result.state.selfLink, result.state.id]) if (typeof ref === "string") cidrs.set(ref, cidr);
  };
  return {
    newResource(args: pulumi.runtime.MockResourceArgs): pulumi.runtime.MockResourceResult {
      const { type, name } = args;
      if (!args.custom) {
        return { id: undefined, state: {} };
      }
      if (type.startsWith("pulumi:providers:")) {
        return { id: `${name}-id`, state: { ...args.inputs } };
      }
      if (type === "pulumi:pulumi:StackReference") {
        return { id: str(args.inputs, "name") ?? name, state: { ...args.inputs, outputs: {}, secretOutputNames: [] } };
      }
      let result: { id: string; state: Record<string, unknown> };
      switch (parseToken(type).pkg) {
        case "aws":
          result = awsState(args, ctx);
          break;
        case "gcp":
          result = gcpState(args, ctx);
          break;
        case "random":
          result = randomState(args);
          break;
        default:
          result = { id: hex(16, type, name), state: { ...args.inputs } };
      }
      remember(type, args.inputs ?? {}, result);
      // `get`/import reads keep the id they asked for.
      return { id: args.id ? args.id : result.id, state: result.state };
    },
    call(args: pulumi.runtime.MockCallArgs): pulumi.runtime.MockCallResult {
      const override = ctx.invokes?.[args.token];
      if (override) return override(args);
      const builtin = BUILTIN_INVOKES[args.token];
      if (builtin) return builtin(args, ctx);
      throw new Error(`Mock not implemented: ${args.token}`);
    },
  };
}

/** Invoke tokens the built-in mocks answer (without overrides). */
export const MOCKED_INVOKES: readonly string[] = Object.keys(BUILTIN_INVOKES).sort();
