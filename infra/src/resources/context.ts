import type { ResourceRef } from "../arm/template.js";
import type { ResourceNames } from "../naming.js";
import type { InfraParameters } from "../parameters.js";

/** What every resource builder reads: the validated parameters, the names, the tags. */
export interface BuildContext {
  readonly parameters: InfraParameters;
  readonly names: ResourceNames;
  readonly tags: Readonly<Record<string, string>>;
  /** The template's location expression (`[parameters('location')]`). */
  readonly location: string;
}

/**
 * The envelope every located resource of the template starts with: type, api-version, name (a child's
 * names joined by `/`, as ARM wants), location and tags, in the order the templates list them.
 */
export function trackedResource(c: BuildContext, ref: ResourceRef, apiVersion: string) {
  return { type: ref.type, apiVersion, name: ref.names.join("/"), location: c.location, tags: c.tags } as const;
}
