/**
 * The instance template every fleet VM on GCP shares: a regional template (immutable: Pulumi auto-names
 * it and a change replaces it, so groups roll to the new one), Shielded VM, the node's own service
 * account, OS Login with project SSH keys blocked, the boot script as a plain startup-script, and an
 * external address only when the node has a public role. A function, not a component: it creates a child
 * of the calling component.
 */
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import { instanceMetadata, Scheduling } from "./policies";

export interface TemplateArgs {
  project: string;
  region: string;
  machineType: string;
  /** Pinned image `projects/<p>/global/images/<name>`. */
  imageId: string;
  rootDiskGb: number;
  subnetwork: pulumi.Input<string>;
  /** An external (1:1 NAT) address on nic0; the group's stateful config pins it to the reserved one. */
  externalAddress: boolean;
  serviceAccountEmail: pulumi.Input<string>;
  /** The boot script (plain text). Never an Output secret: it holds no secret. */
  startupScript: pulumi.Input<string>;
  /** GCE `shutdown-script` (workers: stop the containers within the shutdown window). */
  shutdownScript?: string;
  /** Enable guest attributes (orchestrators: their drain agent reports there). */
  guestAttributes?: boolean;
  scheduling: Scheduling;
  guestAccelerators?: { type: string; count: number }[];
  /** Secure Boot verifies every boot component; off for GPU workers unless their image's NVIDIA driver is signed. */
  secureBoot: boolean;
  networkTags: string[];
  labels: Record<string, string>;
  description: string;
}

export function instanceTemplate(name: string, parent: pulumi.Resource, args: TemplateArgs): gcp.compute.RegionInstanceTemplate {
  return new gcp.compute.RegionInstanceTemplate(name, {
    project: args.project,
    region: args.region,
    description: args.description,
    machineType: args.machineType,
    disks: [{ boot: true, autoDelete: true, sourceImage: args.imageId, diskSizeGb: args.rootDiskGb, diskType: "pd-balanced", labels: args.labels }],
    networkInterfaces: [{
      subnetwork: args.subnetwork,
      ...(args.externalAddress ? { accessConfigs: [{ networkTier: "PREMIUM" }] } : {}),
    }],
    serviceAccount: { email: args.serviceAccountEmail, scopes: ["cloud-platform"] },
    metadata: { ...instanceMetadata({ guestAttributes: args.guestAttributes }), ...(args.shutdownScript ? { "shutdown-script": args.shutdownScript } : {}) },
    metadataStartupScript: args.startupScript,
    shieldedInstanceConfig: { enableSecureBoot: args.secureBoot, enableVtpm: true, enableIntegrityMonitoring: true },
    scheduling: { ...args.scheduling },
    ...(args.guestAccelerators ? { guestAccelerators: args.guestAccelerators } : {}),
    canIpForward: false,
    tags: args.networkTags,
    labels: args.labels,
  }, { parent });
}
