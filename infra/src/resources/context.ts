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
