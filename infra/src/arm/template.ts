/**
 * ARM JSON template shapes. A resource's `properties` is typed with the model the matching `@azure/arm-*`
 * package exports (see `SdkProperties`), so a misspelt or mistyped property is a compile error.
 */

/** What the track-2 SDKs put beside `properties` in a flattened model: never inside `properties`. */
type Envelope = "id" | "name" | "type" | "location" | "tags" | "sku" | "identity" | "systemData" | "kind" | "etag" | "extendedLocation" | "managedBy" | "zones";

/**
 * The `properties` of a resource, from an SDK model. Track-2 packages (@azure/arm-eventhub, -sql,
 * -streamanalytics ...) flatten `properties` into the model beside the envelope fields; this takes the
 * envelope out. Only properties whose SDK name is the wire name are used here (checked by the tests):
 * the SDKs rename a few (`enableHttpsTrafficOnly` is `supportsHttpsTrafficOnly` on the wire). `Keep` keeps an
 * envelope name that this resource type carries inside `properties` (a streaming job's `sku`).
 */
export type SdkProperties<Model, Keep extends Envelope = never> = Omit<Model, Exclude<Envelope, Keep>>;

/** `[expression]`: an ARM template expression, evaluated by Resource Manager. */
export type ArmExpression = `[${string}]`;

export interface ArmResource<Properties = unknown> {
  readonly type: string;
  readonly apiVersion: string;
  readonly name: string;
  /** Extension resources (role assignments): the resource they apply to, `<namespace>/<type>/<name>...`. */
  readonly scope?: string;
  readonly location?: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly sku?: unknown;
  readonly kind?: string;
  readonly identity?: unknown;
  readonly dependsOn?: readonly string[];
  readonly properties: Properties;
}

export interface ArmParameter {
  readonly type: "string" | "int" | "bool" | "object" | "array" | "securestring";
  readonly defaultValue?: unknown;
  readonly metadata?: { readonly description: string };
}

export interface ArmOutput {
  readonly type: "string" | "int" | "object";
  readonly value: unknown;
}

export interface ArmTemplate {
  readonly $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#";
  readonly contentVersion: string;
  readonly metadata: { readonly description: string; readonly generator: string };
  readonly parameters: Readonly<Record<string, ArmParameter>>;
  readonly resources: readonly ArmResource[];
  readonly outputs: Readonly<Record<string, ArmOutput>>;
}

/** The parameters file `az deployment group create --parameters @file` and the deploy command read. */
export interface ArmParametersFile {
  readonly $schema: "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#";
  readonly contentVersion: string;
  readonly parameters: Readonly<Record<string, { readonly value: unknown }>>;
}

/** `'text'` inside an expression (quotes double). */
export const quote = (text: string): string => `'${text.replace(/'/g, "''")}'`;

/** `[resourceId('<type>', 'a', 'b')]` for a resource of this template. */
export function resourceId(type: string, ...names: readonly string[]): ArmExpression {
  return `[resourceId(${[type, ...names].map(quote).join(", ")})]`;
}

/** The same id without the brackets, to nest inside another expression. */
export const inner = (expression: ArmExpression): string => expression.slice(1, -1);

/** `[reference(<id>, '<apiVersion>'[, 'full']).<path>]`: a runtime property of a deployed resource. */
export function reference(id: ArmExpression, apiVersion: string, path: string, full = false): ArmExpression {
  return `[reference(${inner(id)}, ${quote(apiVersion)}${full ? ", 'Full'" : ""}).${path}]`;
}

/** A built-in role's definition id in the deployment's subscription. */
export const roleDefinitionId = (roleId: string): ArmExpression => `[subscriptionResourceId('Microsoft.Authorization/roleDefinitions', ${quote(roleId)})]`;

/** A resource's name with its type, as `dependsOn` and extension `scope` name it. */
export interface ResourceRef {
  readonly type: string;
  readonly names: readonly string[];
}

/** `Microsoft.X/a/b` + [n1, n2] -> `Microsoft.X/a/n1/b/n2`: the relative id `scope` takes. */
export function scopeOf(ref: ResourceRef): string {
  const [namespace, ...types] = ref.type.split("/");
  return [namespace, ...types.flatMap((t, i) => [t, ref.names[i]!])].join("/");
}

export const idOf = (ref: ResourceRef): ArmExpression => resourceId(ref.type, ...ref.names);
