/**
 * Boot scripts (EC2 user-data, GCE startup-script). Pure: a node's BootSpec + the ids of its cloud
 * resources → one bash script that runs as root at first boot (cloud-init on AWS; on GCP the guest
 * agent runs it at every boot and it exits early once installed). It installs scripts and systemd units
 * that do the real work at EVERY boot: (AWS) attach the node's pinned network interface and data volume,
 * (GCP) mount the stateful data disk the group keeps attached, fetch its secrets into a fresh tmpfs
 * (failing closed: go-livepeer uses a missing secret file's path as the secret, livepeer.md §10), then
 * run each container. No secret value is ever in the script, on a command line or in a log; boot
 * installs nothing from the internet except the pinned images.
 *
 * Failure (AWS): when the user-data fails (docker missing, an image that would not pull) or a boot unit
 * fails (secrets, network interface, data volume), the instance marks itself Unhealthy so its Auto Scaling
 * group replaces it, at most once per instance and never before it has been up UNHEALTHY_MIN_UPTIME
 * seconds (see unhealthyScript). GCP has no equivalent without an autohealing health check: the failure is
 * logged (serial console, journal) and the VM stays.
 *
 * Containers on a docker bridge (the RPC proxy) cannot reach the cloud's metadata service: on AWS IMDSv2
 * with hop limit 1 refuses them; on GCP (the metadata server has no hop limit) an iptables rule in
 * DOCKER-USER drops their traffic to it, checked before every start of such a container.
 */
import { shellQuote } from "./shell";
import { capacityScript, modelCacheScript, CAPACITY_ENV, CAPACITY_SCRIPT, MODEL_CACHE_SCRIPT } from "./workerBoot";
import { MAX_SESSIONS_VAR, PATHS, CONFIG_DIR, BootSpec, ContainerNetwork, ContainerUnit, SecretNeed } from "./types";
import { addDrainAgent, addRewardCatchUp } from "./drain";
import { METRICS_PROXY_PATH, METRICS_PROXY_PY, metricsProxyUnit } from "./metricsProxy";
import { METRICS, READY_GAUGE_PATH } from "./metrics";

export { READY_GAUGE_PATH };

export interface AwsBootContext {
  cloud: "aws";
  /** Cloud region, e.g. us-east-1 (for aws cli calls). */
  region: string;
  /** secret id (SecretNeed.id) -> Secrets Manager secret ARN */
  secretLocators: Record<string, string>;
  /** Pinned nodes: the ENI (eni-...) to attach at boot as device index 1; it carries the node's stable private IP (and, for orchestrators, its Elastic IP). */
  networkInterfaceId?: string;
  /** Redeemer/reward: EBS volume id (vol-...) to attach at boot and mount at PATHS.dataDir (format only if blank). */
  dataVolumeId?: string;
  /** The node's stable private IPv4 (its persistent interface's): the metrics-only listener binds to it. */
  privateIp?: string;
}

export interface GcpBootContext {
  cloud: "gcp";
  /** secret id (SecretNeed.id) -> Secret Manager secret name `projects/<project>/secrets/<secret id>` (its latest version is read). */
  secretLocators: Record<string, string>;
  /**
   * Redeemer/reward: device name of the stateful data disk the group attaches (no attach call: the
   * stateful managed instance group keeps it, and the node's addresses, across recreation). Mounted from
   * `/dev/disk/by-id/google-<name>` at PATHS.dataDir, formatted only if blank.
   */
  dataDiskDeviceName?: string;
  /** The node's stable internal IPv4 (its reserved address): the metrics-only listener binds to it. */
  privateIp?: string;
}

export type BootContext = AwsBootContext | GcpBootContext;

/** A Secret Manager secret name (the project may be an id or a number). */
const GCP_SECRET_NAME = /^projects\/[a-z0-9][a-z0-9-]{4,28}[a-z0-9]\/secrets\/[A-Za-z0-9_-]{1,255}$/;
/** A GCE disk device name (RFC 1035 label). */
const GCP_DEVICE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** GCE's metadata server (the only way to an access token without gcloud). */
export const GCE_METADATA = "http://metadata.google.internal/computeMetadata/v1";
/** The metadata server's fixed link-local address (EC2's IMDS and GCE's metadata.google.internal). */
export const METADATA_IP = "169.254.169.254";
/** Secret Manager's REST endpoint (global secrets with user-managed replication use it too). */
export const SECRET_MANAGER_API = "https://secretmanager.googleapis.com/v1";
/** Where the GCP data disk appears (guest environment udev rules). */
export const gcpDataDiskPath = (deviceName: string) => `/dev/disk/by-id/google-${deviceName}`;

/** Where boot installs things on the host. */
export const BOOT_PATHS = {
  secretsScript: "/usr/local/sbin/livepeer-fleet-secrets",
  networkInterfaceScript: "/usr/local/sbin/livepeer-fleet-network-interface",
  dataVolumeScript: "/usr/local/sbin/livepeer-fleet-data-volume",
  /** AWS: marks the instance Unhealthy in its Auto Scaling group (a boot step failed). */
  unhealthyScript: "/usr/local/sbin/livepeer-fleet-unhealthy",
  /** GCP: drops bridged containers' traffic to the metadata server (before every start of one). */
  metadataGuardScript: "/usr/local/sbin/livepeer-fleet-metadata-guard",
  readiness: "/usr/local/lib/livepeer-fleet/readiness.py",
  units: "/etc/systemd/system",
  /** Touch this file (e.g. over SSM) to drain an orchestrator: its readiness check then fails. */
  drainingFile: `${PATHS.stateDir}/draining`,
  /** GCP: written when the startup-script (run by the guest agent at every boot) has installed everything once. */
  installedMarker: `${PATHS.stateDir}/boot-installed`,
  /** AWS: written once this instance has been marked Unhealthy (the root volume dies with the instance). */
  unhealthyMarker: `${PATHS.stateDir}/unhealthy-reported`,
} as const;

export const unitName = (name: string) => `livepeer-fleet-${name}.service`;
export const UNITS = {
  secrets: unitName("secrets"), networkInterface: unitName("network-interface"), dataVolume: unitName("data-volume"), readiness: unitName("readiness"),
  metricsProxy: unitName("metrics-proxy"),
  /** AWS: started by a failed boot unit (OnFailure=) or the user-data's ERR trap; not enabled. */
  unhealthy: unitName("unhealthy"),
  capacity: unitName("capacity"), modelCache: unitName("model-cache"),
} as const;
const RESERVED = new Set(["secrets", "network-interface", "data-volume", "readiness", "unhealthy", "metadata-guard", "metrics-proxy", "capacity", "model-cache", "drain", "reward-catchup", "shutdown"]);
/** A config file's path: under CONFIG_DIR, plain names only (no `..`, no hidden files). */
const CONFIG_FILE = new RegExp(`^${CONFIG_DIR.replace(/[.\/]/g, "\\$&")}(/[A-Za-z0-9_][A-Za-z0-9._-]*)+$`);
/** Log driver option keys and values: names, regions, projects (no spaces, quotes or `$`). */
const LOG_OPT_KEY = /^[a-z][a-z0-9-]*$/;
const LOG_OPT_VALUE = /^[A-Za-z0-9_.:\/{}-]+$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
/** go-livepeer's RPC proxy container: the go-livepeer container starts after it. */
const RPC_PROXY = "rpc-proxy";
/** The EBS device name asked for at attach time (Nitro exposes it as NVMe; found by volume id). */
export const DATA_DEVICE = "/dev/sdf";
const HEREDOC = "LPF_EOF";
/** GCE refuses a metadata value over 256 KB. (EC2's 16 KB user-data limit is checked on the gzip-compressed script, in src/aws/instance.ts.) */
export const STARTUP_SCRIPT_LIMIT = 262144;
/**
 * AWS: an instance whose boot failed marks itself Unhealthy only once it has been up this long, so a
 * persistent failure (a broken image, a missing secret) replaces instances at most about once per this
 * period (plus launch time) per group. At least every group's health check grace period (300 s pinned,
 * 600 s workers): no instance is replaced sooner than its group would start judging it anyway (the call
 * itself passes --no-should-respect-grace-period, so the mark is never ignored).
 */
export const UNHEALTHY_MIN_UPTIME = 600;
/** AWS: set-instance-health calls per instance before giving up (the instance then stays, logged). */
export const UNHEALTHY_ATTEMPTS = 5;
/** A published port: on the host's loopback only. */
const LOOPBACK_PUBLISH = /^127\.0\.0\.1:(\d{1,5}):(\d{1,5})$/;


/** Quotes one word for a systemd Exec*= line: `%` specifiers and `$` expansion disabled, C escapes. */
export function systemdQuote(s: string): string {
  const t = s.replace(/%/g, "%%").replace(/\$/g, "$$$$");
  if (/^[A-Za-z0-9_@+=:,.\/-]+$/.test(t)) return t;
  return `"${t.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n").replace(/\t/g, "\\t")}"`;
}

const networkArgv = (n: ContainerNetwork): string[] =>
  n === "host" ? ["--network", "host"] : ["--network", "bridge", ...n.publish.flatMap((p) => ["--publish", p])];
const isBridged = (c: ContainerUnit) => c.network !== "host";

/** The `docker run` argv of a container (after `docker`). Args follow the image as given. */
export function dockerRunArgv(c: ContainerUnit): string[] {
  const gpus = c.gpus ? ["--gpus", "all"] : [];
  const user = c.user ? ["--user", c.user] : [];
  const logging = c.logging
    ? ["--log-driver", c.logging.driver, ...Object.keys(c.logging.options).sort().flatMap((k) => ["--log-opt", `${k}=${c.logging!.options[k]}`])]
    : [];
  return ["run", "--rm", "--name", c.name, ...networkArgv(c.network), "--pull", "never", ...user, ...gpus, ...c.mounts.flatMap((m) => ["-v", m]), ...logging, c.image, ...c.args];
}

const normAddress = (a: string) => a.toLowerCase().replace(/^0x/, "");
const isKeystoreNeed = (s: SecretNeed) => s.file.startsWith(`${PATHS.keystoreSubdir}/`);

function validate(node: { name: string; boot: BootSpec }, ctx: BootContext): void {
  const b = node.boot;
  const fail = (m: string) => { throw new Error(`boot script for node ${node.name}: ${m}`); };
  const files = new Set<string>();
  for (const s of b.secrets) {
    const parts = s.file.split("/");
    const okName = (p: string) => /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/.test(p);
    if (!parts.every(okName) || parts.length > 2 || (parts.length === 2 && parts[0] !== PATHS.keystoreSubdir)) {
      fail(`secret ${s.id} has file ${JSON.stringify(s.file)}; accepted: a plain file name, or ${PATHS.keystoreSubdir}/<name>`);
    }
    if (files.has(s.file)) fail(`two secrets share the file ${s.file}`);
    files.add(s.file);
    const locator = ctx.secretLocators[s.id];
    if (!locator) fail(`no secret ${ctx.cloud === "aws" ? "ARN" : "name"} given for secret ${s.id}`);
    if (ctx.cloud === "gcp" && !GCP_SECRET_NAME.test(locator)) fail(`secret ${s.id} has locator ${JSON.stringify(locator)}; accepted: projects/<project>/secrets/<secret id>`);
  }
  const ks = b.secrets.filter(isKeystoreNeed);
  if (ks.length > 1) fail(`the keystore directory must hold exactly one file, got ${ks.map((s) => s.file).join(", ")}`);
  if (b.keystoreAddress !== undefined && !/^[0-9a-f]{40}$/.test(normAddress(b.keystoreAddress))) fail(`keystoreAddress ${b.keystoreAddress} is not an address`);
  if (b.keystoreAddress !== undefined && ks.length === 0) fail("keystoreAddress is set but no keystore secret is fetched");
  if (ks.length === 1 && b.keystoreAddress === undefined) fail("a keystore is fetched but keystoreAddress is not set (a mismatched key would silently become a new account)");
  if (ctx.cloud === "aws") {
    if (b.dataVolume && !ctx.dataVolumeId) fail("the node needs a data volume but no dataVolumeId was given");
    if (ctx.dataVolumeId && !b.dataVolume) fail(`dataVolumeId ${ctx.dataVolumeId} given for a node without a data volume`);
  } else {
    if (b.dataVolume && !ctx.dataDiskDeviceName) fail("the node needs a data volume but no dataDiskDeviceName was given");
    if (ctx.dataDiskDeviceName && !b.dataVolume) fail(`dataDiskDeviceName ${ctx.dataDiskDeviceName} given for a node without a data volume`);
    if (ctx.dataDiskDeviceName && !GCP_DEVICE_NAME.test(ctx.dataDiskDeviceName)) fail(`dataDiskDeviceName ${JSON.stringify(ctx.dataDiskDeviceName)} is not a device name (lowercase letters, digits, '-')`);
  }
  const names = new Set<string>();
  for (const c of b.containers) {
    if (!/^[a-z0-9][a-z0-9_.-]*$/.test(c.name) || RESERVED.has(c.name) || names.has(c.name)) fail(`bad or duplicate container name ${JSON.stringify(c.name)}`);
    names.add(c.name);
    // Checked at run time too: JavaScript callers of the components may hand in any layout.
    const n = c.network as unknown;
    const publish = typeof n === "object" && n !== null ? (n as { publish?: unknown }).publish : undefined;
    if (n !== "host" && !Array.isArray(publish)) {
      fail(`container ${c.name} has network ${JSON.stringify(n)}; accepted: "host" or { publish: ["127.0.0.1:<host port>:<container port>"] }`);
    }
    for (const p of Array.isArray(publish) ? publish : []) {
      const m = typeof p === "string" ? LOOPBACK_PUBLISH.exec(p) : null;
      if (!m || [m[1], m[2]].some((x) => Number(x) < 1 || Number(x) > 65535)) {
        fail(`container ${c.name} publishes ${JSON.stringify(p)}; accepted: 127.0.0.1:<host port>:<container port> (loopback only)`);
      }
    }
  }
  if (b.containers.length === 0) fail("no containers to run");
  for (const c of b.containers) {
    if (!c.logging) continue;
    if (!["awslogs", "gcplogs"].includes(c.logging.driver)) fail(`container ${c.name} has log driver ${JSON.stringify(c.logging.driver)}; accepted: awslogs, gcplogs`);
    for (const [k, v] of Object.entries(c.logging.options)) {
      if (!LOG_OPT_KEY.test(k) || !LOG_OPT_VALUE.test(v)) fail(`container ${c.name} has log option ${JSON.stringify(`${k}=${v}`)}; accepted: lowercase keys, values of letters, digits and _ . : / { } -`);
    }
  }
  const paths = new Set<string>();
  for (const f of b.files ?? []) {
    if (!CONFIG_FILE.test(f.path) || f.path.split("/").includes("..")) fail(`config file ${JSON.stringify(f.path)} is not a plain path under ${CONFIG_DIR}`);
    if (paths.has(f.path)) fail(`two config files share the path ${f.path}`);
    paths.add(f.path);
  }
  if (b.metricsProxy && !(ctx.privateIp && IPV4.test(ctx.privateIp))) fail(`the metrics-only listener needs the node's private IPv4 (got ${JSON.stringify(ctx.privateIp)})`);
}

/** Shared by the installed bash scripts: log lines go to the journal (stderr). */
const LOG_CORE = String.raw`log() { printf '%s: %s\n' "$TAG" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
`;
const LOG_LIB = LOG_CORE + String.raw`export AWS_PAGER=''
`;
/** This instance's id via IMDSv2 (token first). */
const IMDS_LIB = String.raw`instance_id() {
  local token
  token=$(curl -fsS --retry 5 --retry-connrefused --max-time 5 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token) || return 1
  curl -fsS --retry 5 --retry-connrefused --max-time 5 -H "X-aws-ec2-metadata-token: $token" http://169.254.169.254/latest/meta-data/instance-id
}
IID=$(instance_id) || die "cannot read the instance id from IMDSv2"
`;

/** Secrets: checks shared by every cloud (missing/empty/blank, keystore alone in its dir, its account). */
const SECRETS_CHECK_LIB = String.raw`KEYSTORE_PY='import json, re, sys
d = json.load(open(sys.argv[1]))
if not isinstance(d.get("crypto", d.get("Crypto")), dict): sys.exit(3)
a = re.sub("^0x", "", str(d.get("address", "")).lower())
print(a if re.fullmatch("[0-9a-f]{40}", a) else "?")'
check_one() { # id path
  [ -f "$2" ] && [ -s "$2" ] || die "secret $1 is missing or empty ($2); refusing to start"
  grep -q '[^[:space:]]' "$2" || die "secret $1 is blank ($2); refusing to start"
  if [ "$(wc -l < "$2")" -le 1 ] && grep -qx 'None' "$2"; then die "secret $1 has no SecretString; refusing to start"; fi
}
check_keystore() { # id path expected-address (lowercase hex, no 0x)
  local dir n got
  dir=$(dirname "$2")
  n=$(find "$dir" -mindepth 1 -maxdepth 1 | wc -l)
  [ "$n" -eq 1 ] || die "keystore directory $dir must hold exactly one file (it holds $n); refusing to start"
  got=$(python3 -I -c "$KEYSTORE_PY" "$2" 2>/dev/null) || die "secret $1 is not an encrypted (V3) keystore JSON; refusing to start"
  [ "$got" = "$3" ] || die "secret $1 holds account 0x$got, not 0x$3; refusing to start (go-livepeer would silently create a new account)"
}
`;
/** AWS: fetch one secret with the AWS CLI. Values go only from aws stdout into files. */
const AWS_FETCH_LIB = String.raw`fetch_one() { # id arn relative-path [owner-uid]
  local out="$STAGE/$3" attempt
  mkdir -p "$(dirname "$out")"
  for attempt in 1 2 3 4 5 6; do
    if aws secretsmanager get-secret-value --region "$REGION" --secret-id "$2" --query SecretString --output text > "$out"; then
      chmod 0600 "$out"
      if [ "$#" -ge 4 ]; then chown "$4:$4" "$out"; fi
      check_one "$1" "$out"
      log "fetched secret $1"
      return 0
    fi
    log "fetching secret $1 failed (attempt $attempt/6)"
    sleep 5
  done
  die "could not fetch secret $1 ($2); refusing to start"
}
`;
const REPLACE_LIB = String.raw`replace_entry() { rm -rf -- "${"$"}{DIR:?}/${"$"}{1:?}"; mv -- "$STAGE/$1" "$DIR/$1"; }
`;

/** Secrets: fetch (every boot) and check (before every container start). Values go only from aws stdout into files. */
const SECRETS_LIB = SECRETS_CHECK_LIB + AWS_FETCH_LIB + REPLACE_LIB;

/**
 * GCP: fetch one secret's latest version from Secret Manager's REST API with an access token from the
 * metadata server (no gcloud). The token reaches curl on stdin (`-K -`, never argv); the payload is
 * base64-decoded by python3 straight into the file. Values never reach a command line or a log.
 */
const GCP_FETCH_LIB = String.raw`TOKEN_PY='import json, re, sys
t = json.load(sys.stdin).get("access_token", "")
if not isinstance(t, str) or not re.fullmatch("[A-Za-z0-9._~+/=-]+", t): sys.exit(3)
print(t)'
PAYLOAD_PY='import base64, json, sys
p = json.load(sys.stdin).get("payload") or {}
sys.stdout.buffer.write(base64.b64decode(p.get("data", ""), validate=True))'
access_token() {
  curl -fsS --retry 5 --retry-connrefused --max-time 5 -H 'Metadata-Flavor: Google' "$METADATA/instance/service-accounts/default/token" | python3 -I -c "$TOKEN_PY" 2> /dev/null
}
fetch_one() { # id secret-name relative-path [owner-uid]
  local out="$STAGE/$3" attempt token
  mkdir -p "$(dirname "$out")"
  # IAM grants to a new service account can take minutes to apply: retry for about 10 minutes.
  for attempt in $(seq 1 20); do
    if token=$(access_token) \
      && printf 'header = "Authorization: Bearer %s"\n' "$token" | curl -fsS --max-time 20 -K - "$API/$2/versions/latest:access" | python3 -I -c "$PAYLOAD_PY" > "$out" 2> /dev/null; then
      chmod 0600 "$out"
      if [ "$#" -ge 4 ]; then chown "$4:$4" "$out"; fi
      check_one "$1" "$out"
      log "fetched secret $1"
      return 0
    fi
    log "fetching secret $1 failed (attempt $attempt/20)"
    sleep 30
  done
  die "could not fetch secret $1 ($2); refusing to start"
}
`;

const SECRETS_MAIN = String.raw`mode=fetch; if [ "$#" -gt 0 ]; then mode=$1; fi
case "$mode" in
  check) check_all; exit 0 ;;
  fetch) ;;
  *) die "usage: $0 [fetch|check]" ;;
esac
install -d -m 0700 "$(dirname "$DIR")" "$DIR"
if ! mountpoint -q "$DIR"; then mount -t tmpfs -o mode=0700,noexec,nosuid,nodev,size=16m livepeer-fleet-secrets "$DIR"; fi
STAGE=$(mktemp -d "$DIR/.stage.XXXXXX")
trap 'rm -rf -- "$STAGE"' EXIT
fetch_all
check_all
log "all secrets present in $DIR"
`;

function secretsScript(boot: BootSpec, ctx: BootContext): string {
  const q = shellQuote;
  const ks = boot.secrets.find(isKeystoreNeed);
  const entries = [...new Set(boot.secrets.map((s) => s.file.split("/")[0]))];
  return [
    "#!/bin/bash",
    "# livepeer-fleet: `fetch` this node's secrets into a fresh tmpfs (every boot), or `check` them (before",
    "# every container start). Fails closed; never prints a secret value.",
    "set -euo pipefail", "umask 077", "TAG=livepeer-fleet-secrets",
    ...(ctx.cloud === "aws" ? [`REGION=${q(ctx.region)}`] : [`METADATA=${q(GCE_METADATA)}`, `API=${q(SECRET_MANAGER_API)}`]),
    `DIR=${q(PATHS.secretsDir)}`,
    (ctx.cloud === "aws" ? LOG_LIB + SECRETS_LIB : LOG_CORE + SECRETS_CHECK_LIB + GCP_FETCH_LIB + REPLACE_LIB) + "check_all() {",
    '  mountpoint -q "$DIR" || die "$DIR is not mounted; refusing to start"',
    '  [ "$(findmnt -n -o FSTYPE "$DIR")" = tmpfs ] || die "$DIR is not a tmpfs; refusing to start"',
    ...boot.secrets.map((s) => `  check_one ${q(s.id)} "$DIR"/${q(s.file)}`),
    ...(ks ? [`  check_keystore ${q(ks.id)} "$DIR"/${q(ks.file)} ${q(normAddress(boot.keystoreAddress!))}`] : []),
    "}",
    "fetch_all() {",
    "  :",
    ...boot.secrets.map((s) => `  fetch_one ${q(s.id)} ${q(ctx.secretLocators[s.id])} ${q(s.file)}${s.owner !== undefined ? ` ${s.owner}` : ""}`),
    ...entries.map((e) => `  replace_entry ${q(e)}`),
    "}",
    SECRETS_MAIN,
  ].join("\n");
}

/** Attaches $RES to this instance: idempotent; waits (bounded) for an old instance to release it. */
const ATTACH_LIB = String.raw`attach_loop() {
  local attempt out owner astate state
  for attempt in $(seq 1 120); do
    if out=$(describe); then
      read -r owner astate state <<< "$out"
      if [ "$owner" = "$IID" ] && [ "$astate" = attached ]; then log "$RES is attached to this instance"; return 0; fi
      if [ "$owner" = "$IID" ]; then log "$RES is $astate on this instance; waiting"
      elif [ "$state" = available ]; then log "attaching $RES to $IID"; do_attach > /dev/null || log "attaching $RES failed; retrying"
      else log "$RES is $state ($astate to $owner, an old instance?); waiting for it to be released ($attempt/120)"
      fi
    else log "describing $RES failed ($attempt/120)"
    fi
    sleep 5
  done
  die "$RES did not attach to $IID within 10 minutes"
}
`;

/** The ENI goes in as device index 1; then wait until an interface with its MAC is up with its private IP. */
const NETWORK_INTERFACE_BODY = String.raw`describe() { aws ec2 describe-network-interfaces --region "$REGION" --network-interface-ids "$RES" --query 'NetworkInterfaces[0].[Attachment.InstanceId,Attachment.Status,Status]' --output text; }
do_attach() { aws ec2 attach-network-interface --region "$REGION" --network-interface-id "$RES" --instance-id "$IID" --device-index 1; }
attach_loop
info=$(aws ec2 describe-network-interfaces --region "$REGION" --network-interface-ids "$RES" --query 'NetworkInterfaces[0].[MacAddress,PrivateIpAddress]' --output text) || die "cannot describe $RES"
read -r mac ip <<< "$info"
for attempt in $(seq 1 90); do
  for d in /sys/class/net/*; do
    if [ "$(cat "$d/address" 2> /dev/null)" = "$mac" ] && [ "$(cat "$d/operstate" 2> /dev/null)" = up ] \
      && ip -4 -o addr show dev "$(basename "$d")" | grep -qF " $ip/"; then
      log "$RES is up as $(basename "$d") with $ip"
      exit 0
    fi
  done
  sleep 2
done
die "$RES (mac $mac) is attached but no interface came up with $ip"
`;

/** AWS: attach the data volume to this instance (then DATA_MOUNT_BODY). */
const DATA_VOLUME_ATTACH = String.raw`describe() { aws ec2 describe-volumes --region "$REGION" --volume-ids "$RES" --query 'Volumes[0].[Attachments[0].InstanceId,Attachments[0].State,State]' --output text; }
do_attach() { aws ec2 attach-volume --region "$REGION" --volume-id "$RES" --instance-id "$IID" --device "$DEVICE"; }
attach_loop
`;
/** Wait for $DEV; format it ONLY if blkid finds nothing at all on it; mount it at $MNT. */
const DATA_MOUNT_BODY = String.raw`for _ in $(seq 1 60); do [ -b "$DEV" ] && break; sleep 2; done
[ -b "$DEV" ] || die "$RES is attached but $DEV did not appear"
udevadm settle || true
if mountpoint -q "$MNT"; then
  [ "$(readlink -f "$(findmnt -n -o SOURCE "$MNT")")" = "$(readlink -f "$DEV")" ] || die "$MNT is mounted from another device"
  log "$RES already mounted at $MNT"; exit 0
fi
rc=0; blkid -p "$DEV" > /dev/null 2>&1 || rc=$?
if [ "$rc" -eq 2 ]; then
  log "$RES is blank: creating an xfs filesystem"
  mkfs.xfs -q "$DEV"
elif [ "$rc" -ne 0 ]; then
  die "blkid could not probe $DEV (exit $rc); not formatting"
fi
fstype=$(blkid -p -o value -s TYPE "$DEV" || true)
[ -n "$fstype" ] || die "$DEV holds something that is not a filesystem; not formatting it"
install -d -m 0700 "$MNT"
mount -t "$fstype" -o noatime,nodev,nosuid "$DEV" "$MNT"
chmod 0700 "$MNT"
log "$RES ($fstype) mounted at $MNT"
`;
/** AWS: attach the data volume; format it ONLY if blkid finds nothing at all on it; mount it at $MNT. */
const DATA_VOLUME_BODY = DATA_VOLUME_ATTACH + DATA_MOUNT_BODY;

/** Nitro instances expose the EBS volume as NVMe; its by-id name carries the volume id without the dash. */
const dataVolumeVars = (vol: string) => [
  `DEVICE=${DATA_DEVICE}`,
  `DEV=${shellQuote(`/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${vol.replace("-", "")}`)}`,
  `MNT=${shellQuote(PATHS.dataDir)}`,
];
const attachScript = (tag: string, res: string, region: string, vars: string[], body: string) =>
  ["#!/bin/bash", "set -euo pipefail", `TAG=${tag}`, `REGION=${shellQuote(region)}`, `RES=${shellQuote(res)}`, ...vars, LOG_LIB + IMDS_LIB + ATTACH_LIB + body].join("\n");
/** GCP: the stateful group keeps the data disk attached; only wait for it, format-if-blank and mount. */
const gcpDataDiskScript = (deviceName: string) =>
  [
    "#!/bin/bash", "set -euo pipefail", "TAG=livepeer-fleet-data-volume", `RES=${shellQuote(deviceName)}`,
    `DEV=${shellQuote(gcpDataDiskPath(deviceName))}`, `MNT=${shellQuote(PATHS.dataDir)}`, LOG_CORE + DATA_MOUNT_BODY,
  ].join("\n");

/**
 * AWS: marks this instance Unhealthy so its Auto Scaling group terminates and replaces it. Started (not
 * enabled) by a failed boot unit (OnFailure=) or by the user-data's ERR trap. Bounded: at most once per
 * instance (a marker on the root volume, which is deleted with the instance), not before the instance has
 * been up UNHEALTHY_MIN_UPTIME seconds, and UNHEALTHY_ATTEMPTS calls at most; if every call fails the
 * instance stays (logged). The role may call set-instance-health only on its own group (nodePolicy).
 */
const unhealthyScript = (region: string) =>
  [
    "#!/bin/bash",
    "# livepeer-fleet: a boot step of this instance failed; mark it Unhealthy so its Auto Scaling group replaces it.",
    "set -euo pipefail", "TAG=livepeer-fleet-unhealthy", `REGION=${shellQuote(region)}`,
    `MARKER=${shellQuote(BOOT_PATHS.unhealthyMarker)}`, "UPTIME_FILE=/proc/uptime", `MIN_UPTIME=${UNHEALTHY_MIN_UPTIME}`, `ATTEMPTS=${UNHEALTHY_ATTEMPTS}`,
    LOG_LIB + IMDS_LIB + String.raw`if [ -e "$MARKER" ]; then log "$IID was already marked Unhealthy"; exit 0; fi
up=$(cut -d. -f1 "$UPTIME_FILE")
if [ "$up" -lt "$MIN_UPTIME" ]; then
  # A persistent failure (a broken image, a missing secret) must not replace instances in a tight loop.
  log "a boot step failed; marking $IID Unhealthy in $((MIN_UPTIME - up))s (instances live at least $MIN_UPTIME s)"
  sleep "$((MIN_UPTIME - up))"
fi
for attempt in $(seq 1 "$ATTEMPTS"); do
  if aws autoscaling set-instance-health --region "$REGION" --instance-id "$IID" --health-status Unhealthy --no-should-respect-grace-period; then
    install -d -m 0755 "$(dirname "$MARKER")"
    touch "$MARKER"
    log "marked $IID Unhealthy: its Auto Scaling group replaces it"
    exit 0
  fi
  log "set-instance-health failed (attempt $attempt/$ATTEMPTS)"
  sleep "$((attempt * 10))"
done
die "could not mark $IID Unhealthy; it stays until replaced by hand"
`,
  ].join("\n");

/**
 * GCP: the metadata server answers any process that can reach 169.254.169.254 with the header (no hop
 * limit), including a container on a docker bridge, which would get the VM service account's token (it
 * reads the node's keystore and password). Drop forwarded traffic to it in DOCKER-USER, which docker jumps
 * to before its own forwarding rules and never flushes; the host's own requests (OUTPUT) are unaffected.
 * Idempotent; run before every start of a bridged container, which does not start without the rule.
 * (The default bridge has no IPv6, so the metadata server's IPv6 address is out of reach.)
 */
const METADATA_GUARD_SCRIPT = [
  "#!/bin/bash",
  "# livepeer-fleet: containers on a docker bridge must not reach the GCE metadata server (its token is the node's identity).",
  "set -euo pipefail", "TAG=livepeer-fleet-metadata-guard", `METADATA_IP=${METADATA_IP}`,
  LOG_CORE + String.raw`iptables -w -n -L DOCKER-USER > /dev/null 2>&1 || die "iptables has no DOCKER-USER chain (docker without its iptables rules?); refusing to start a bridged container"
if ! iptables -w -C DOCKER-USER -d "$METADATA_IP/32" -j DROP 2> /dev/null; then
  iptables -w -I DOCKER-USER 1 -d "$METADATA_IP/32" -j DROP
  log "dropping containers' traffic to the metadata server ($METADATA_IP)"
fi
iptables -w -C DOCKER-USER -d "$METADATA_IP/32" -j DROP || die "the rule dropping containers' traffic to $METADATA_IP is not in place; refusing to start"
`,
].join("\n");



/** The readiness endpoint: GET /ready (and its gauge); it never forwards anything from the CLI port (a wallet API). */
export const READINESS_PY = String.raw`# livepeer-fleet readiness: GET /ready -> 200 if not draining and >= 1 transcoder attached (--no-workers-needed: the CLI answers), else 503. Other paths: 404.
# It reads go-livepeer's /metrics itself and never forwards anything from that port (a wallet API).
import argparse, http.server, math, os, sys, urllib.request
from urllib.parse import urlsplit

READY_GAUGE_PATH = "${READY_GAUGE_PATH}"

def metric_sum(text, name):  # summed over label sets; None if absent
    total = None
    for line in text.splitlines():
        rest = line.strip()[len(name):] if line.strip().startswith(name) else None
        if rest is None or rest[:1] not in ("{", " ", "\t"):
            continue  # not it, or another metric sharing the prefix
        if rest[:1] == "{":  # skip labels; quoted values may hold escaped quotes and braces
            quoted = escaped = False
            for i, c in enumerate(rest):
                if escaped: escaped = False
                elif c == "\\": escaped = True
                elif c == '"': quoted = not quoted
                elif c == "}" and not quoted: break
            else:
                continue
            rest = rest[i + 1:]
        try:
            value = float(rest.split()[0])
        except (IndexError, ValueError):
            continue
        if not math.isnan(value):
            total = (total or 0.0) + value
    return total

def readiness(a):
    try:
        os.stat(a.draining_file)
        return False, "draining"
    except FileNotFoundError:
        pass
    except OSError:
        return False, "drain state unknown"
    try:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open("http://127.0.0.1:%d/metrics" % a.metrics_port, timeout=a.timeout) as r:
            text = r.read(16 << 20).decode("utf-8", "replace")
    except Exception:
        return False, "metrics unavailable"
    if a.no_workers_needed:
        return True, "ready"
    workers = metric_sum(text, "livepeer_transcoders_number")
    return (True, "ready") if workers is not None and workers >= 1 else (False, "no workers attached")

class Handler(http.server.BaseHTTPRequestHandler):
    server_version, sys_version, timeout = "livepeer-fleet-readiness", "", 5

    def do_GET(self):
        path = urlsplit(self.path).path
        ok, reason = readiness(self.server.args) if path in ("/ready", READY_GAUGE_PATH) else (None, "not found")
        if ok is not None and reason != self.server.last:
            self.server.last = reason
            print("readiness: " + reason, file=sys.stderr, flush=True)
        if path == READY_GAUGE_PATH:
            # The same answer as gauges, for the node's own metrics agent: a drain is planned, not an alert.
            draining = reason == "draining"
            body = ("# HELP ${METRICS.unready.name} 1 when the readiness check fails for a reason other than a drain\n"
                    "# TYPE ${METRICS.unready.name} gauge\n${METRICS.unready.name} %d\n"
                    "# HELP ${METRICS.draining.name} 1 while the node drains\n"
                    "# TYPE ${METRICS.draining.name} gauge\n${METRICS.draining.name} %d\n"
                    % (0 if ok or draining else 1, 1 if draining else 0)).encode()
            code = 200
        else:
            body = (reason + "\n").encode()
            code = 404 if ok is None else 200 if ok else 503
        self.send_response(code)
        self.send_header("Content-Type", "text/plain; version=0.0.4; charset=utf-8" if path == READY_GAUGE_PATH else "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass

if __name__ == "__main__":
    p = argparse.ArgumentParser()
    for flag, kind in (("--port", int), ("--metrics-port", int), ("--draining-file", str)):
        p.add_argument(flag, type=kind, required=True)
    p.add_argument("--timeout", type=float, default=2.0)
    p.add_argument("--no-workers-needed", action="store_true", help="ready without attached workers (an AI-only region)")
    args = p.parse_args()
    server = http.server.ThreadingHTTPServer(("0.0.0.0", args.port), Handler)
    server.daemon_threads, server.args, server.last = True, args, None
    server.serve_forever()
`;

export { shellQuote };

const specifiers = (s: string) => s.replace(/%/g, "%%");
const execLine = (key: string, argv: string[]) => `${key}=${argv.map(systemdQuote).join(" ")}`;

function oneshotUnit(description: string, exec: string[], onFailure?: string): string {
  return [
    "[Unit]", `Description=${specifiers(description)}`, "Wants=network-online.target", "After=network-online.target",
    ...(onFailure ? [`OnFailure=${onFailure}`] : []), "",
    "[Service]", "Type=oneshot", "RemainAfterExit=yes", execLine("ExecStart", exec), "",
    "[Install]", "WantedBy=multi-user.target", "",
  ].join("\n");
}

/** AWS: the unit that marks the instance Unhealthy; never enabled, only started on failure. */
function unhealthyUnit(): string {
  return [
    "[Unit]", "Description=livepeer-fleet: a boot step failed; mark this instance Unhealthy so its Auto Scaling group replaces it",
    "Wants=network-online.target", "After=network-online.target", "",
    "[Service]", "Type=oneshot", "TimeoutStartSec=30min", execLine("ExecStart", [BOOT_PATHS.unhealthyScript]), "",
  ].join("\n");
}

/** The one argv word that systemd expands: a mixed-type worker's -maxSessions from the capacity step. */
const MAX_SESSIONS_WORD = `\${${MAX_SESSIONS_VAR}}`;
const execArgs = (argv: string[]) => argv.map((a) => (a === MAX_SESSIONS_WORD ? a : systemdQuote(a))).join(" ");

function containerUnit(c: ContainerUnit, deps: string[], after: string[], guard: boolean, envFile?: string): string {
  const requires = ["docker.service", ...deps];
  return [
    "[Unit]", `Description=${specifiers(`livepeer-fleet container ${c.name} (${c.image})`)}`, `Requires=${requires.join(" ")}`,
    ...(after.length ? [`Wants=${after.join(" ")}`] : []),
    `After=${["network-online.target", ...requires, ...after].join(" ")}`, "StartLimitIntervalSec=0", "",
    "[Service]", "Restart=always", "RestartSec=5", "TimeoutStopSec=60",
    execLine("ExecStartPre", ["-/usr/bin/docker", "rm", "-f", c.name]),
    execLine("ExecStartPre", [BOOT_PATHS.secretsScript, "check"]),
    ...(guard ? [execLine("ExecStartPre", [BOOT_PATHS.metadataGuardScript])] : []),
    ...(envFile ? [`EnvironmentFile=${envFile}`, `ExecStart=${execArgs(["/usr/bin/docker", ...dockerRunArgv(c)])}`] : [execLine("ExecStart", ["/usr/bin/docker", ...dockerRunArgv(c)])]),
    execLine("ExecStop", ["-/usr/bin/docker", "stop", "--time", "30", c.name]), "",
    "[Install]", "WantedBy=multi-user.target", "",
  ].join("\n");
}

function readinessUnit(r: NonNullable<BootSpec["readiness"]>): string {
  return [
    "[Unit]", "Description=livepeer-fleet readiness endpoint (GET /ready)", "After=network-online.target", "StartLimitIntervalSec=0", "",
    "[Service]",
    execLine("ExecStart", ["/usr/bin/python3", "-I", BOOT_PATHS.readiness, "--port", String(r.port), "--metrics-port", String(r.cliPort), "--draining-file", BOOT_PATHS.drainingFile, ...(r.requireWorkers === false ? ["--no-workers-needed"] : [])]),
    "Restart=always", "RestartSec=5", "DynamicUser=yes", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "",
    "[Install]", "WantedBy=multi-user.target", "",
  ].join("\n");
}

/** A file the boot script installs: absolute path, octal mode (`0644`), content. */
export interface BootFile { path: string; mode: string; content: string }

/** Every file the boot script installs, and the units to enable and start, in start order. */
export function bootPlan(node: { name: string; boot: BootSpec }, ctx: BootContext): { files: BootFile[]; units: string[] } {
  validate(node, ctx);
  const b = node.boot;
  const files: BootFile[] = [];
  const units: string[] = [];
  const unit = (name: string, content: string) => {
    files.push({ path: `${BOOT_PATHS.units}/${name}`, mode: "0644", content });
    units.push(name);
  };
  const deps = [UNITS.secrets];
  // AWS: installed first (the user-data's ERR trap starts it), enabled never; every boot oneshot triggers it on failure.
  const onFailure = ctx.cloud === "aws" ? UNITS.unhealthy : undefined;
  if (ctx.cloud === "aws") {
    files.push({ path: BOOT_PATHS.unhealthyScript, mode: "0700", content: unhealthyScript(ctx.region) });
    files.push({ path: `${BOOT_PATHS.units}/${UNITS.unhealthy}`, mode: "0644", content: unhealthyUnit() });
  }
  // The drain agent starts before anything that can fail (src/layout/drain.ts).
  addDrainAgent(b, ctx, files, unit);
  if (ctx.cloud === "aws" && ctx.networkInterfaceId) {
    files.push({ path: BOOT_PATHS.networkInterfaceScript, mode: "0700", content: attachScript("livepeer-fleet-network-interface", ctx.networkInterfaceId, ctx.region, [], NETWORK_INTERFACE_BODY) });
    unit(UNITS.networkInterface, oneshotUnit("livepeer-fleet: attach the node's network interface", [BOOT_PATHS.networkInterfaceScript], onFailure));
    deps.push(UNITS.networkInterface);
  }
  if (ctx.cloud === "aws" && ctx.dataVolumeId) {
    files.push({ path: BOOT_PATHS.dataVolumeScript, mode: "0700", content: attachScript("livepeer-fleet-data-volume", ctx.dataVolumeId, ctx.region, dataVolumeVars(ctx.dataVolumeId), DATA_VOLUME_BODY) });
    unit(UNITS.dataVolume, oneshotUnit(`livepeer-fleet: attach and mount the data volume at ${PATHS.dataDir}`, [BOOT_PATHS.dataVolumeScript], onFailure));
    deps.push(UNITS.dataVolume);
  }
  if (ctx.cloud === "gcp" && ctx.dataDiskDeviceName) {
    files.push({ path: BOOT_PATHS.dataVolumeScript, mode: "0700", content: gcpDataDiskScript(ctx.dataDiskDeviceName) });
    unit(UNITS.dataVolume, oneshotUnit(`livepeer-fleet: mount the data disk at ${PATHS.dataDir}`, [BOOT_PATHS.dataVolumeScript]));
    deps.push(UNITS.dataVolume);
  }
  // Plain config files (agent configs) first: containers mount them read-only.
  for (const f of b.files ?? []) files.push({ path: f.path, mode: "0644", content: f.content });
  files.push({ path: BOOT_PATHS.secretsScript, mode: "0700", content: secretsScript(b, ctx) });
  unit(UNITS.secrets, oneshotUnit(`livepeer-fleet: fetch secrets into ${PATHS.secretsDir}`, [BOOT_PATHS.secretsScript, "fetch"], onFailure));
  const guard = ctx.cloud === "gcp" && (b.containers.some(isBridged) || !!b.startsBridgedContainers);
  if (guard) files.push({ path: BOOT_PATHS.metadataGuardScript, mode: "0700", content: METADATA_GUARD_SCRIPT });
  const workerDeps = [...deps];
  if (b.maxSessionsByInstanceType) {
    if (ctx.cloud !== "aws") throw new Error(`boot script for node ${node.name}: mixed instance types are AWS only`);
    files.push({ path: CAPACITY_SCRIPT, mode: "0700", content: capacityScript(b.maxSessionsByInstanceType) });
    unit(UNITS.capacity, oneshotUnit("livepeer-fleet: -maxSessions from this instance's type", [CAPACITY_SCRIPT], onFailure));
    workerDeps.push(UNITS.capacity);
  }
  if (b.modelCache) {
    const runner = b.extraImages?.[0];
    files.push({ path: MODEL_CACHE_SCRIPT, mode: "0700", content: modelCacheScript(b.modelCache, ctx.cloud, ctx.cloud === "aws" ? ctx.region : "", runner, ctx.cloud === "gcp" && b.modelCache.source === "download" ? BOOT_PATHS.metadataGuardScript : undefined) });
    unit(UNITS.modelCache, oneshotUnit(`livepeer-fleet: model cache at ${b.modelCache.dir} (${b.modelCache.source})`, [MODEL_CACHE_SCRIPT], onFailure).replace("After=network-online.target", `After=network-online.target ${UNITS.secrets}\nRequires=${UNITS.secrets}`));
    workerDeps.push(UNITS.modelCache);
  }
  const hasProxy = b.containers.some((c) => c.name === RPC_PROXY);
  for (const c of b.containers) {
    const after = hasProxy && c.name !== RPC_PROXY ? [unitName(RPC_PROXY)] : [];
    const usesCapacity = c.args.includes(MAX_SESSIONS_WORD);
    if (usesCapacity && !b.maxSessionsByInstanceType) throw new Error(`boot script for node ${node.name}: container ${c.name} reads ${MAX_SESSIONS_VAR} but no capacity table is given`);
    const guarded = guard && (isBridged(c) || (c.name === "livepeer" && !!b.startsBridgedContainers));
    unit(unitName(c.name), containerUnit(c, c.name === "livepeer" ? workerDeps : deps, after, guarded, usesCapacity ? CAPACITY_ENV : undefined));
  }
  if (b.readiness) {
    files.push({ path: BOOT_PATHS.readiness, mode: "0644", content: READINESS_PY });
    unit(UNITS.readiness, readinessUnit(b.readiness));
  }
  addRewardCatchUp(b, files, unit);
  if (b.metricsProxy) {
    files.push({ path: METRICS_PROXY_PATH, mode: "0644", content: METRICS_PROXY_PY });
    const after = ctx.cloud === "aws" && ctx.networkInterfaceId ? [UNITS.networkInterface] : [];
    unit(UNITS.metricsProxy, metricsProxyUnit({ bind: ctx.privateIp!, ...b.metricsProxy }, after));
  }
  const clash = files.find((f) => f.content.split("\n").includes(HEREDOC));
  if (clash) throw new Error(`boot file ${clash.path} contains the heredoc delimiter ${HEREDOC}`);
  return { files, units };
}

/** Pulls a pinned image with bounded retries (the only thing boot fetches from the internet). */
const PULL_LIB = String.raw`pull_image() {
  local attempt
  for attempt in 1 2 3 4 5 6 7 8; do
    if docker pull --quiet "$1" > /dev/null; then log "pulled $1"; return 0; fi
    log "docker pull $1 failed (attempt $attempt/8)"; sleep $((attempt * 5))
  done
  log "could not pull $1"; return 1
}`;

/**
 * AWS user-data: when it fails, hand off to the unhealthy unit (non-blocking: it waits out the minimum
 * uptime) so the group replaces the instance. Reloads systemd first: the failure may precede the reload.
 */
const REPORT_UNHEALTHY = String.raw`report_unhealthy() {
  if systemctl daemon-reload && systemctl start --no-block ${UNITS.unhealthy}; then
    log "started ${UNITS.unhealthy}: this instance will be marked Unhealthy and replaced by its group"
  else
    log "could not start ${UNITS.unhealthy}; this instance stays until replaced by hand"
  fi
}`;

/**
 * The EC2 user-data (gzip-compressed by src/aws/instance.ts) / GCE startup-script for one node.
 * Deterministic: the same input gives the same string.
 */
export function renderBootScript(node: { name: string; boot: BootSpec }, ctx: BootContext): string {
  const { files, units } = bootPlan(node, ctx);
  const q = shellQuote;
  const images = [...new Set([...node.boot.containers.map((c) => c.image), ...(node.boot.extraImages ?? [])])];
  const dataDirMode = node.boot.dataVolume ? [] : [`install -d -m 0700 ${q(PATHS.dataDir)}`];
  const gcp = ctx.cloud === "gcp";
  // The GCE guest agent runs the startup-script at every boot; systemd already starts the installed
  // units then, so a later run stops here (a boot that failed before the end installs again).
  const once = gcp ? [`if [ -e ${q(BOOT_PATHS.installedMarker)} ]; then log 'installed at an earlier boot; systemd starts the units'; exit 0; fi`] : [];
  const script = [
    "#!/bin/bash",
    `# livepeer-fleet boot for node ${node.name.replace(/[^A-Za-z0-9_.-]/g, "?")} (generated; holds no secrets: they are fetched at every boot).`,
    "set -euo pipefail",
    "set -o errtrace",
    "umask 022",
    `log() { printf 'livepeer-fleet-boot: %s\\n' "$*" >&2; logger -t livepeer-fleet-boot -- "$*" 2> /dev/null || true; }`,
    ...(gcp ? [] : [REPORT_UNHEALTHY]),
    `on_error() { log "FAILED (exit $1) at line $2; see journalctl -u 'livepeer-fleet-*'"${gcp ? "" : "; report_unhealthy"}; }`,
    `trap 'on_error $? $LINENO' ERR`,
    ...once,
    `log ${q(`node ${node.name}: installing boot files`)}`,
    `install -d -m 0755 /usr/local/sbin /usr/local/lib/livepeer-fleet ${q(PATHS.stateDir)}${node.boot.files?.length ? ` ${q(CONFIG_DIR)}` : ""}`,
    ...dataDirMode,
    ...files.flatMap((f) => [`install -m ${f.mode} /dev/stdin ${q(f.path)} <<'${HEREDOC}'`, f.content.replace(/\n$/, ""), HEREDOC]),
    "systemctl daemon-reload",
    "systemctl enable --now docker.service",
    PULL_LIB,
    ...images.map((i) => `pull_image ${q(i)}`),
    `systemctl enable ${units.join(" ")}`,
    ...units.flatMap((u) => [`log ${q(`starting ${u}`)}`, `systemctl start ${u}`]),
    ...(gcp ? [`touch ${q(BOOT_PATHS.installedMarker)}`] : []),
    `log ${q(`node ${node.name}: boot complete`)}`,
    "",
  ].join("\n");
  const bytes = new TextEncoder().encode(script).length;
  if (gcp && bytes > STARTUP_SCRIPT_LIMIT) throw new Error(`boot script for node ${node.name} is ${bytes} bytes; a GCE metadata value is limited to ${STARTUP_SCRIPT_LIMIT}`);
  return script;
}
