/** Renders a fleet plan as text or markdown (JSON is the Plan object itself). */
import type { FleetPlan } from "./plan";
import type { PinnedNodeLayout, RegionLayout } from "../layout/types";
import type { PlannedResource } from "../plan/engine";
import { formatArgv } from "../layout/argv";

const key = (r: PlannedResource) => `${r.type}::${r.name}`;

/** C0 controls but newline (ESC included), DEL, C1 controls, and invisible bidi/zero-width formatting characters. */
const CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g;

/** `s` without control characters (newlines kept): a spec value cannot drive the terminal it is printed on. */
export const stripControls = (s: string) => s.replace(CONTROLS, "");

/** A value as markdown text: controls stripped, on one line, every character markdown would act on escaped. */
export const mdText = (s: unknown) => stripControls(String(s)).replace(/\n/g, " ").replace(/[\\`*_[\]<>|~&$]/g, (c) => `\\${c}`);

/** A value as a markdown code span: controls stripped, on one line, fenced by more backticks than it holds. */
export function mdCode(s: unknown): string {
  const v = stripControls(String(s)).replace(/\n/g, " ");
  const longest = Math.max(0, ...(v.match(/`+/g) ?? []).map((r) => r.length));
  const fence = "`".repeat(longest + 1);
  const pad = longest > 0 || v.startsWith(" ") || v.endsWith(" ") ? " " : "";
  return `${fence}${pad}${v}${pad}${fence}`;
}

/** Children of each resource, by parent key. */
function childrenIndex(resources: PlannedResource[]): Map<string | null, PlannedResource[]> {
  const m = new Map<string | null, PlannedResource[]>();
  for (const r of resources) {
    const list = m.get(r.parent) ?? [];
    list.push(r);
    m.set(r.parent, list);
  }
  return m;
}

function countByType(rs: PlannedResource[]): string {
  const counts = new Map<string, number>();
  for (const r of rs) counts.set(shortType(r.type), (counts.get(shortType(r.type)) ?? 0) + 1);
  return [...counts.entries()].map(([t, n]) => (n > 1 ? `${t} ×${n}` : t)).join(", ");
}

/** `aws:ec2/launchTemplate:LaunchTemplate` → `ec2.LaunchTemplate`. */
export function shortType(t: string): string {
  const m = /^([^:]+):([^/:]+)\/[^:]+:(.+)$/.exec(t);
  if (m) return `${m[2]}.${m[3]}`;
  const c = /^livepeer-fleet:([^:]+):(.+)$/.exec(t);
  if (c) return c[2];
  return t;
}

function nodeLines(n: PinnedNodeLayout, md: boolean): string[] {
  const t = md ? mdText : (x: unknown) => stripControls(String(x));
  const where = [n.publicHostname, n.privateIp ? `private ${n.privateIp}` : "private (cloud-assigned)", n.zone, n.instanceType].filter(Boolean).map(t).join(", ");
  const wallet = n.walletAddress ? `wallet ${t(n.walletAddress)}` : "no wallet";
  const head = `${n.role} ${t(n.name)}: ${where}; ${wallet}`;
  // The monitoring node runs no go-livepeer: show its container's arguments instead.
  const cmd = n.argv.length > 0 ? commandLine(n.argv) : stripControls(n.boot.containers.map((c) => `${c.image} ${formatArgv(c.args)}`).join("; ")).replace(/\n/g, " ");
  return md ? [`- **${n.role} ${mdCode(n.name)}**: ${where}; ${n.walletAddress ? `wallet ${mdCode(n.walletAddress)}` : "no wallet"}`, `  \`\`\`\n  ${cmd}\n  \`\`\``] : [`  ${head}`, `    ${cmd}`];
}

/** Renderers of spec-derived values: `t` for text, `c` for a code span (markdown) or plain text. */
function renderers(md: boolean): { t: (x: unknown) => string; c: (x: unknown) => string } {
  const plain = (x: unknown) => stripControls(String(x));
  return md ? { t: mdText, c: mdCode } : { t: plain, c: plain };
}

/** An argv as one line of a command: controls stripped, newlines (already quoted by formatArgv) never raw. */
const commandLine = (argv: string[]) => stripControls(`livepeer ${formatArgv(argv)}`).replace(/\n/g, " ");

function regionSection(r: RegionLayout, fp: FleetPlan, md: boolean): string[] {
  const { t, c } = renderers(md);
  const out: string[] = [];
  const regionRes = fp.plan.resources.find((x: PlannedResource) => x.type === `livepeer-fleet:${r.cloud}:Region` && x.name === r.resourceName);
  // The region's provider: the one most of its cloud resources use (DNS records use the zone's own).
  const under = new Set<string>(regionRes ? [key(regionRes)] : []);
  const counts = new Map<string, number>();
  for (const x of fp.plan.resources) {
    if (!x.parent || !under.has(x.parent)) continue;
    under.add(key(x));
    if (x.custom && !/^(aws:route53|gcp:dns)\//.test(x.type)) counts.set(x.provider, (counts.get(x.provider) ?? 0) + 1);
  }
  const provider = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? "?";
  const where = `${r.cloud} ${t(r.region)}${r.project ? ` in project ${t(r.project)}` : ""}, provider ${t(provider)}`;
  out.push(md ? `### Region ${c(r.name)} (${where})` : `Region ${t(r.name)} (${where})`);
  const images = [...new Set([...r.orchestrators, ...(r.redeemer ? [r.redeemer] : []), ...(r.reward ? [r.reward] : [])].map((n) => n.imageId))];
  const gpuImages = [...new Set(r.workerGroups.map((g) => g.imageId))];
  out.push(`${md ? "- " : "  "}machine images: ${images.map(t).join(", ")}${gpuImages.length ? ` (GPU workers: ${gpuImages.map(t).join(", ")})` : ""}`);
  for (const n of [...r.orchestrators, ...(r.redeemer ? [r.redeemer] : []), ...(r.reward ? [r.reward] : []), ...(r.monitoring ? [r.monitoring] : [])]) out.push(...nodeLines(n, md));
  for (const g of r.workerGroups) {
    const cap = g.capacity;
    const unit = g.kind === "ai" ? "runner containers" : "sessions";
    const one = (n: number) => (n === 1 ? unit.replace(/s$/, "") : unit);
    const types = g.instanceTypes.map((x) => `${t(x.instanceType)} (${x.gpus} × ${t(x.gpuModel)}, ${x.perInstance} ${one(x.perInstance)})`).join(" | ");
    const size = `${g.minSize}–${g.maxSize} ${g.capacityUnit === "sessions" ? "sessions" : "instances"} (desired ${g.desiredSize})`;
    const scaling = g.scaling
      ? `scales on ${g.scaling.signal === "ai-containers" ? "AI runner containers" : "sessions"} in use at ${t(g.orchestrator)}, target ${g.scaling.targetUtilization}%`
      : "fixed size";
    const line = `${g.kind === "ai" ? "AI" : "transcoder"} group ${t(g.name)} → ${t(g.orchestrator)}: ${types} × ${size}${g.spot ? `, spot above ${g.spot.onDemandBase} on-demand` : ""}; ${scaling}; up to ${cap.maxSessions} ${one(cap.maxSessions)}`;
    out.push(md ? `- ${line}` : `  ${line}`);
    out.push(md ? `  \`\`\`\n  ${commandLine(g.argv)}\n  \`\`\`` : `    ${commandLine(g.argv)}`);
  }
  const lb = r.loadBalancer;
  const lbFacts = `TCP ${lb.port} → ${lb.targets.map(t).join(", ")}, health GET :${lb.healthCheck.port}${t(lb.healthCheck.path)}`;
  out.push(md ? `- load balancer ${c(lb.name)}: ${lbFacts}` : `  load balancer ${t(lb.name)}: ${lbFacts}`);
  if (regionRes) {
    const idx = childrenIndex(fp.plan.resources);
    const walk = (parent: PlannedResource, depth: number) => {
      const kids = idx.get(key(parent)) ?? [];
      const custom = kids.filter((k) => k.custom);
      const comps = kids.filter((k) => !k.custom);
      const pad = "  ".repeat(depth);
      const label = `${t(shortType(parent.type))} ${t(parent.name)}: ${t(countByType(custom) || "(no direct resources)")}`;
      out.push(md ? `${pad}- ${label}` : `  ${pad}${label}`);
      for (const comp of comps) walk(comp, depth + 1);
    };
    out.push(md ? `\n#### Resources of ${c(r.name)}` : "  resources:");
    walk(regionRes, md ? 0 : 1);
  }
  return out;
}

/**
 * The plan as text (or markdown). Every spec-derived value is printed without control characters (no
 * terminal escapes), and in markdown escaped (or in a code span) so a value cannot add markup.
 */
export function renderText(fp: FleetPlan, md = false): string {
  const { t, c } = renderers(md);
  const l = fp.layout;
  const s = fp.plan.summary as any;
  const out: string[] = [];
  out.push(md ? `## Fleet ${c(l.name)}` : `Fleet ${t(l.name)}`);
  const facts = [
    `service URI ${t(l.serviceUri)} (${l.dns.provider === "route53" ? "latency" : "geo"}-routed over ${l.regions.length} region${l.regions.length === 1 ? "" : "s"}; zone ${t(l.dns.zone)})`,
    `network ${t(l.network)} (chain ${l.chainId}), registered address ${t(l.registeredAddress)}`,
    `reward caller: ${t(l.rewardMode)}${s.fleet?.rewardNodeRegion ? ` (node in ${t(s.fleet.rewardNodeRegion)})` : ""}; redeemer: ${s.fleet?.redeemer ? t(s.fleet.redeemer) : "none (each O redeems its own tickets)"}`,
    `capacity: ${s.fleet?.capacity.minGpus}–${s.fleet?.capacity.maxGpus} GPUs, ${s.fleet?.capacity.minSessions}–${s.fleet?.capacity.maxSessions} transcoding sessions${s.fleet?.capacity.maxAiContainers ? `, ${s.fleet.capacity.minAiContainers}–${s.fleet.capacity.maxAiContainers} AI runner containers` : ""}`,
  ];
  const spec = fp.fleet.spec;
  const dnsWhere = l.dns.provider === "route53" ? `Route 53 zone ${t(l.dns.zone)} (${t(l.dns.zoneId)})` : `Cloud DNS zone ${t(l.dns.zone)} (${t(l.dns.managedZone)} in ${t(l.dns.project)})`;
  facts.push(
    `images: go-livepeer ${t(spec.images.livepeer)}, RPC proxy ${t(spec.images.rpcProxy)}; ${spec.rpcUrls.length} upstream RPC URL${spec.rpcUrls.length === 1 ? "" : "s"} (secret, failover order)`,
    `price: ${t(spec.pricing.pricePerUnit)}${/^\d+$/.test(spec.pricing.pricePerUnit ?? "") ? " wei" : ""} per ${t(spec.pricing.pixelsPerUnit)} pixel${spec.pricing.pixelsPerUnit === "1" ? "" : "s"}${spec.pricing.autoAdjustPrice ? " (auto-adjusted for redemption cost)" : ""}`,
    `DNS: ${dnsWhere}`,
  );
  if (spec.reward.mode === "external") facts.push(`reward is called outside the fleet: ${t(spec.reward.description)}`);
  const fund = Object.entries((fp.plan.outputs as any).walletsToFund ?? {}) as [string, string][];
  if (fund.length > 0) facts.push(`accounts to fund with ETH (they send transactions): ${fund.map(([n, a]) => `${t(n)} ${t(a)}`).join(", ")}`);
  out.push(...facts.map((f) => (md ? `- ${f}` : `  ${f}`)));
  if (l.warnings.length > 0) {
    out.push("");
    out.push(md ? "### Warnings" : "Warnings");
    for (const w of l.warnings) out.push(md ? `- ⚠ ${t(w)}` : `  ! ${t(w)}`);
  }
  out.push("");
  out.push(md ? "### Hostnames" : "Hostnames");
  for (const r of l.dnsRecords) {
    const target = r.kind === "service" ? `load balancer of ${t(r.region)}` : `static IP of ${t(r.node)}`;
    out.push(md ? `- ${c(r.name)} → ${target}` : `  ${t(r.name)} → ${target}${r.kind === "service" ? (l.dns.provider === "route53" ? " (latency record)" : " (geo record item)") : ""}`);
  }
  for (const r of l.regions) {
    out.push("");
    out.push(...regionSection(r, fp, md));
  }
  out.push("");
  const providers = ((s.providers ?? []) as { name: string; resources: number }[]).map((p) => `${t(p.name)}: ${p.resources}`).join(", ");
  out.push(md ? "### Summary" : "Summary");
  out.push(`${md ? "- " : "  "}${s.total} resources (${s.custom} custom, ${s.components} components); resources per provider: ${providers || "none"}; on the default provider: ${s.onDefaultProvider}`);
  out.push(`${md ? "- " : "  "}${s.secretsRedacted} secret inputs, shown as [secret]; secrets live only in the regions' secret stores`);
  // Defence in depth: nothing in the output drives a terminal, whatever a value above slipped through.
  return stripControls(out.join("\n")) + "\n";
}
