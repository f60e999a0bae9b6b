/** The Azure ML REST api-version every request uses: the one @azure/arm-machinelearning 2.1.1 is generated for. */
export const AML_API_VERSION = "2022-10-01";

export type ArmResourceKind = "compute" | "environmentVersion" | "componentVersion" | "schedule" | "job";

/** One ARM request of a plan, as `--dry-run` prints it and as the deployer sends it. */
export interface ArmRequest {
  readonly method: "PUT";
  /** The resource path with `?api-version=`. */
  readonly path: string;
  readonly body: Record<string, unknown>;
  /** Which resource this is (for the deployer and the log; not part of the request). */
  readonly kind: ArmResourceKind;
  /** The path segments after the workspace: `[name]` or `[name, version]`. */
  readonly name: readonly string[];
}

/** Where the workspace lives. */
export interface WorkspaceRef {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly workspace: string;
}

const COLLECTION: Record<ArmResourceKind, string> = {
  compute: "computes",
  environmentVersion: "environments",
  componentVersion: "components",
  schedule: "schedules",
  job: "jobs",
};

/** The ARM id of the workspace: `/subscriptions/…/workspaces/<name>`. */
export function workspaceId(ws: WorkspaceRef): string {
  return (
    `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}` +
    `/providers/Microsoft.MachineLearningServices/workspaces/${ws.workspace}`
  );
}

/** The ARM id of a workspace resource, without api-version (as job definitions reference it). */
export function resourceId(ws: WorkspaceRef, kind: ArmResourceKind, name: readonly string[]): string {
  const [first, version] = name;
  const base = `${workspaceId(ws)}/${COLLECTION[kind]}/${encodeURIComponent(first!)}`;
  return version === undefined ? base : `${base}/versions/${encodeURIComponent(version)}`;
}

export function armPath(ws: WorkspaceRef, kind: ArmResourceKind, name: readonly string[]): string {
  return `${resourceId(ws, kind, name)}?api-version=${AML_API_VERSION}`;
}

export function putRequest(ws: WorkspaceRef, kind: ArmResourceKind, name: readonly string[], body: Record<string, unknown>): ArmRequest {
  return { method: "PUT", path: armPath(ws, kind, name), body, kind, name };
}
