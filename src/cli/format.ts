/** Renders a fleet plan as text or markdown (JSON is the Plan object itself). */
import type { FleetPlan } from "./plan";
import type { PinnedNodeLayout, RegionLayout } from "../layout/types";
import type { PlannedResource } from "../plan/engine";
import { formatArgv } from "../layout/argv";

const key = (r: PlannedResource) => `${r.type}::${r.name}`;

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
  const where = [n.publicHostname, n.privateIp ? `private ${n.privateIp}` : "private (cloud-assigned)", n.zone, n.instanceType].filter(Boolean).join(", ");
  const head = `${n.role} ${n.name}: ${where}; wallet ${n.walletAddress}`;
  const cmd = `livepeer ${formatArgv(n.argv)}`;
  return md ? [`- **${n.role} \`${n.name}\`**: ${where}; wallet \`${n.walletAddress}\``, `  \`\`\`\n  ${cmd}\n  \`\`\``] : [`  ${head}`, `    ${cmd}`];
}

function regionSection(r: RegionLayout, fp: FleetPlan, md: boolean): string[] {
  const out: string[] = [];
  const regionRes = fp.plan.resources.find((x: PlannedResource) => x.type === `livepeer-fleet:${r.cloud}:Region` && x.name === r.resourceName);
  const provider = fp.plan.resources.find((x: PlannedResource) => regionRes && x.parent === key(regionRes) && x.custom)?.provider ?? "?";
  const where = `${r.cloud} ${r.region}${r.project ? ` in project ${r.project}` : ""}, provider ${provider}`;
  out.push(md ? `### Region \`${r.name}\` (${where})` : `Region ${r.name} (${where})`);
  const images = [...new Set([...r.orchestrators, ...(r.redeemer ? [r.redeemer] : []), ...(r.reward ? [r.reward] : [])].map((n) => n.imageId))];
  const gpuImages = [...new Set(r.workerGroups.map((g) => g.imageId))];
  out.push(`${md ? "- " : "  "}machine images: ${images.join(", ")}${gpuImages.length ? ` (GPU workers: ${gpuImages.join(", ")})` : ""}`);
  for (const n of [...r.orchestrators, ...(r.redeemer ? [r.redeemer] : []), ...(r.reward ? [r.reward] : [])]) out.push(...nodeLines(n, md));
  for (const g of r.workerGroups) {
    const c = g.capacity;
    const line = `worker group ${g.name} → ${g.orchestrator}: ${g.instanceType} × ${g.minSize}–${g.maxSize} (desired ${g.desiredSize})${g.spot ? `, spot above ${g.spot.onDemandBase} on-demand` : ""}; ${c.gpusPerInstance} × ${c.gpuModel} and ${c.sessionsPerInstance} sessions per instance, up to ${c.maxSessions} sessions`;
    out.push(md ? `- ${line}` : `  ${line}`);
    out.push(md ? `  \`\`\`\n  livepeer ${formatArgv(g.argv)}\n  \`\`\`` : `    livepeer ${formatArgv(g.argv)}`);
  }
  out.push(md ? `- load balancer \`${r.loadBalancer.name}\`: TCP ${r.loadBalancer.port} → ${r.loadBalancer.targets.join(", ")}, health GET :${r.loadBalancer.healthCheck.port}${r.loadBalancer.healthCheck.path}` : `  load balancer ${r.loadBalancer.name}: TCP ${r.loadBalancer.port} → ${r.loadBalancer.targets.join(", ")}, health GET :${r.loadBalancer.healthCheck.port}${r.loadBalancer.healthCheck.path}`);
  if (regionRes) {
    const idx = childrenIndex(fp.plan.resources);
    const walk = (parent: PlannedResource, depth: number) => {
      const kids = idx.get(key(parent)) ?? [];
      const custom = kids.filter((k) => k.custom);
      const comps = kids.filter((k) => !k.custom);
      const pad = "  ".repeat(depth);
      const label = `${shortType(parent.type)} ${parent.name}: ${countByType(custom) || "(no direct resources)"}`;
      out.push(md ? `${pad}- ${label}` : `  ${pad}${label}`);
      for (const c of comps) walk(c, depth + 1);
    };
    out.push(md ? `\n#### Resources of \`${r.name}\`` : "  resources:");
    walk(regionRes, md ? 0 : 1);
  }
  return out;
}

export function renderText(fp: FleetPlan, md = false): string {
  const l = fp.layout;
  const s = fp.plan.summary as any;
  const out: string[] = [];
  out.push(md ? `## Fleet \`${l.name}\`` : `Fleet ${l.name}`);
  const facts = [
    `service URI ${l.serviceUri} (latency-routed over ${l.regions.length} region${l.regions.length === 1 ? "" : "s"}; zone ${l.dns.zone})`,
    `network ${l.network} (chain ${l.chainId}), registered address ${l.registeredAddress}`,
    `reward caller: ${l.rewardMode}${s.fleet?.rewardNodeRegion ? ` (node in ${s.fleet.rewardNodeRegion})` : ""}; redeemer: ${s.fleet?.redeemer ?? "none (each O redeems its own tickets)"}`,
    `capacity: ${s.fleet?.capacity.minGpus}–${s.fleet?.capacity.maxGpus} GPUs, ${s.fleet?.capacity.minSessions}–${s.fleet?.capacity.maxSessions} sessions`,
  ];
  const spec = fp.fleet.spec;
  const dnsWhere = l.dns.provider === "route53" ? `Route 53 zone ${l.dns.zone} (${l.dns.zoneId})` : `Cloud DNS zone ${l.dns.zone} (${l.dns.managedZone} in ${l.dns.project})`;
  facts.push(
    `images: go-livepeer ${spec.images.livepeer}, RPC proxy ${spec.images.rpcProxy}; ${spec.rpcUrls.length} upstream RPC URL${spec.rpcUrls.length === 1 ? "" : "s"} (secret, failover order)`,
    `price: ${spec.pricing.pricePerUnit}${/^\d+$/.test(spec.pricing.pricePerUnit ?? "") ? " wei" : ""} per ${spec.pricing.pixelsPerUnit} pixel${spec.pricing.pixelsPerUnit === "1" ? "" : "s"}${spec.pricing.autoAdjustPrice ? " (auto-adjusted for redemption cost)" : ""}`,
    `DNS: ${dnsWhere}`,
  );
  if (spec.reward.mode === "external") facts.push(`reward is called outside the fleet: ${spec.reward.description}`);
  const fund = Object.entries((fp.plan.outputs as any).walletsToFund ?? {}) as [string, string][];
  if (fund.length > 0) facts.push(`accounts to fund with ETH (they send transactions): ${fund.map(([n, a]) => `${n} ${a}`).join(", ")}`);
  out.push(...facts.map((f) => (md ? `- ${f}` : `  ${f}`)));
  if (l.warnings.length > 0) {
    out.push("");
    out.push(md ? "### Warnings" : "Warnings");
    for (const w of l.warnings) out.push(md ? `- ⚠ ${w}` : `  ! ${w}`);
  }
  out.push("");
  out.push(md ? "### Hostnames" : "Hostnames");
  for (const r of l.dnsRecords) out.push(md ? `- \`${r.name}\` → ${r.kind === "service" ? `load balancer of ${r.region}` : `static IP of ${r.node}`}` : `  ${r.name} → ${r.kind === "service" ? `load balancer of ${r.region} (latency record)` : `static IP of ${r.node}`}`);
  for (const r of l.regions) {
    out.push("");
    out.push(...regionSection(r, fp, md));
  }
  out.push("");
  const providers = ((s.providers ?? []) as { name: string; resources: number }[]).map((p) => `${p.name}: ${p.resources}`).join(", ");
  out.push(md ? "### Summary" : "Summary");
  out.push(`${md ? "- " : "  "}${s.total} resources (${s.custom} custom, ${s.components} components); resources per provider: ${providers || "none"}; on the default provider: ${s.onDefaultProvider}`);
  out.push(`${md ? "- " : "  "}${s.secretsRedacted} secret inputs, shown as [secret]; secrets live only in the regions' secret stores`);
  return out.join("\n") + "\n";
}
