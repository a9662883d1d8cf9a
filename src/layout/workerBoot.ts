/**
 * Boot steps of worker instances beyond the common ones (boot.ts): the capacity of a mixed-type
 * transcoder (its -maxSessions from the instance type), and an AI worker's model cache filled from its
 * stated source before go-livepeer starts. Pure: each returns bash text.
 */
import { MAX_SESSIONS_VAR, PATHS } from "./types";
import type { BootSpec } from "./types";
import { shellQuote as q } from "./shell";

/** Where the capacity step writes the worker's environment (a systemd EnvironmentFile). */
export const CAPACITY_ENV = "/run/livepeer-fleet/capacity.env";
export const CAPACITY_SCRIPT = "/usr/local/sbin/livepeer-fleet-capacity";
export const MODEL_CACHE_SCRIPT = "/usr/local/sbin/livepeer-fleet-model-cache";
/** Written into the models directory once it is filled (later boots skip the fill). */
export const MODEL_CACHE_MARKER = ".livepeer-fleet-filled";

const HEAD = (tag: string) => ["#!/bin/bash", "set -euo pipefail", `TAG=${tag}`, String.raw`log() { printf '%s: %s\n' "$TAG" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }`];

/**
 * AWS mixed instance types: reads this instance's type (IMDSv2) and writes MAX_SESSIONS_VAR for the
 * worker's -maxSessions. A type the spec does not list refuses to start (it would advertise a guess).
 */
export function capacityScript(table: Record<string, number>): string {
  const cases = Object.entries(table).sort(([a], [b]) => a.localeCompare(b)).map(([t, n]) => `  ${q(t)}) n=${n};;`);
  return [
    ...HEAD("livepeer-fleet-capacity"),
    `ENV_FILE=${q(CAPACITY_ENV)}`,
    String.raw`token=$(curl -fsS --retry 5 --retry-connrefused --max-time 5 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token) || die "cannot reach IMDSv2"
type=$(curl -fsS --retry 5 --retry-connrefused --max-time 5 -H "X-aws-ec2-metadata-token: $token" http://169.254.169.254/latest/meta-data/instance-type) || die "cannot read the instance type"
case "$type" in`,
    ...cases,
    String.raw`  *) die "instance type $type is not one of this pool's types; refusing to guess its -maxSessions";;
esac
install -d -m 0755 "$(dirname "$ENV_FILE")"
printf '${MAX_SESSIONS_VAR}=%s\n' "$n" > "$ENV_FILE.tmp" && mv "$ENV_FILE.tmp" "$ENV_FILE"
log "instance type $type: -maxSessions $n"`,
  ].join("\n") + "\n";
}

/**
 * Fills (or checks) an AI worker's model cache. `image`: the directory must exist and be non-empty.
 * `bucket`: copied with the cloud's CLI under the instance's identity (read-only on that bucket).
 * `download`: each model fetched from Hugging Face by the pool's pinned runner image, the token passed
 * through a 0600 env file in the secrets tmpfs (never on a command line), removed afterwards.
 */
export function modelCacheScript(cache: NonNullable<BootSpec["modelCache"]>, cloud: "aws" | "gcp", region: string, runnerImage: string | undefined, guard: string | undefined): string {
  const dir = cache.dir;
  const lines = [...HEAD("livepeer-fleet-model-cache"), `DIR=${q(dir)}`];
  if (cache.source === "image") {
    lines.push(String.raw`[ -d "$DIR" ] || die "model directory $DIR is not on this machine image (modelCache.source image)"
[ -n "$(ls -A "$DIR")" ] || die "model directory $DIR is empty (modelCache.source image)"
log "models from the machine image at $DIR"`);
    return lines.join("\n") + "\n";
  }
  lines.push(`MARK="$DIR/${MODEL_CACHE_MARKER}"`, String.raw`if [ -e "$MARK" ]; then log "model cache at $DIR already filled"; exit 0; fi
install -d -m 0755 "$DIR"`);
  if (cache.source === "bucket") {
    const copy = cloud === "aws"
      ? `aws s3 sync --only-show-errors --region ${q(region)} ${q(cache.uri)} "$DIR"`
      : `gcloud storage rsync --recursive ${q(cache.uri)} "$DIR"`;
    lines.push(String.raw`ok=
for attempt in 1 2 3 4 5; do
  if ${copy}; then ok=1; break; fi
  log "copy from ${cache.uri.replace(/["$`\\]/g, "?")} failed (attempt $attempt/5)"; sleep $((attempt * 10))
done
[ -n "$ok" ] || die "could not fill the model cache from ${cache.uri.replace(/["$`\\]/g, "?")}"`);
  } else {
    if (!runnerImage) throw new Error("a download model cache needs a runner image to download with");
    const secretFile = `${PATHS.secretsDir}/model-token`;
    lines.push(`TOKEN_FILE=${q(secretFile)}`, `IMAGE=${q(runnerImage)}`, `ENV_FILE=${q(`${PATHS.secretsDir}/.model-token.env`)}`);
    if (guard) lines.push(`${q(guard)}`);
    lines.push(String.raw`[ -s "$TOKEN_FILE" ] || die "the model download token was not fetched"
trap 'rm -f "$ENV_FILE"' EXIT
tok=$(cat "$TOKEN_FILE")
# one line of printable characters: a newline would start another variable in the env file
case "$tok" in *[![:graph:]]*) die "the model download token holds spaces or control characters";; esac
( umask 077; printf 'HF_TOKEN=%s\n' "$tok" > "$ENV_FILE" )
unset tok`);
    for (const m of cache.modelIds) {
      lines.push(String.raw`docker run --rm --network bridge --env-file "$ENV_FILE" -v "$DIR:/models" --entrypoint huggingface-cli "$IMAGE" download ${q(m)} --cache-dir /models > /dev/null || die "download of ${m} failed"
log "downloaded ${m}"`);
    }
  }
  lines.push(String.raw`touch "$MARK"
log "model cache at $DIR filled"`);
  return lines.join("\n") + "\n";
}
