/**
 * Route 53 latency routing needs an AWS region per record; a GCP region is mapped to the AWS region
 * nearest to it (same metro where both clouds have one, else the nearest by geography). Pure.
 */
export const GCP_TO_AWS_LATENCY_REGION: Record<string, string> = {
  // Americas
  "us-east1": "us-east-1", // South Carolina → N. Virginia
  "us-east4": "us-east-1", // N. Virginia
  "us-east5": "us-east-2", // Columbus
  "us-central1": "us-east-2", // Iowa → Ohio
  "us-south1": "us-east-2", // Dallas → Ohio
  "us-west1": "us-west-2", // Oregon
  "us-west2": "us-west-1", // Los Angeles → N. California
  "us-west3": "us-west-2", // Salt Lake City → Oregon
  "us-west4": "us-west-1", // Las Vegas → N. California
  "northamerica-northeast1": "ca-central-1", // Montréal
  "northamerica-northeast2": "ca-central-1", // Toronto → Montréal
  "northamerica-south1": "mx-central-1", // Querétaro
  "southamerica-east1": "sa-east-1", // São Paulo
  "southamerica-west1": "sa-east-1", // Santiago → São Paulo
  // Europe
  "europe-west1": "eu-west-3", // Belgium → Paris
  "europe-west2": "eu-west-2", // London
  "europe-west3": "eu-central-1", // Frankfurt
  "europe-west4": "eu-central-1", // Netherlands → Frankfurt
  "europe-west6": "eu-central-2", // Zürich
  "europe-west8": "eu-south-1", // Milan
  "europe-west9": "eu-west-3", // Paris
  "europe-west10": "eu-central-1", // Berlin → Frankfurt
  "europe-west12": "eu-south-1", // Turin → Milan
  "europe-north1": "eu-north-1", // Finland → Stockholm
  "europe-north2": "eu-north-1", // Stockholm
  "europe-central2": "eu-central-1", // Warsaw → Frankfurt
  "europe-southwest1": "eu-south-2", // Madrid → Spain
  // Middle East, Africa
  "me-west1": "il-central-1", // Tel Aviv
  "me-central1": "me-central-1", // Doha → UAE
  "me-central2": "me-central-1", // Dammam → UAE
  "africa-south1": "af-south-1", // Johannesburg → Cape Town
  // Asia Pacific
  "asia-east1": "ap-east-2", // Taiwan → Taipei
  "asia-east2": "ap-east-1", // Hong Kong
  "asia-northeast1": "ap-northeast-1", // Tokyo
  "asia-northeast2": "ap-northeast-3", // Osaka
  "asia-northeast3": "ap-northeast-2", // Seoul
  "asia-south1": "ap-south-1", // Mumbai
  "asia-south2": "ap-south-2", // Delhi → Hyderabad
  "asia-southeast1": "ap-southeast-1", // Singapore
  "asia-southeast2": "ap-southeast-3", // Jakarta
  "australia-southeast1": "ap-southeast-2", // Sydney
  "australia-southeast2": "ap-southeast-4", // Melbourne
};

/** The AWS latency region for a fleet region, or undefined when a GCP region has no mapping. */
export function latencyRegion(cloud: "aws" | "gcp", region: string): string | undefined {
  return cloud === "aws" ? region : GCP_TO_AWS_LATENCY_REGION[region];
}
