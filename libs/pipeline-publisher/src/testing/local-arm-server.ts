import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { selfSignedCertificate } from "./self-signed-cert.js";

/** One request the server received, as a test asserts on it. */
export interface RecordedRequest {
  readonly method: string;
  /** Path with query string (so with `api-version`). */
  readonly path: string;
  readonly body: unknown;
  readonly authorization: string | undefined;
}

/** A canned reply for the next request that matches (a fault to inject). */
export interface InjectedReply {
  readonly method?: string;
  /** Matches when the request path (without query) ends with this. */
  readonly pathEndsWith?: string;
  readonly status: number;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;
}

export interface LocalArmServerOptions {
  /** The api-version every request must carry (others get 400 `InvalidApiVersion`). */
  readonly apiVersion: string;
  /** How many polls of an Azure-AsyncOperation say `InProgress` before `Succeeded` (default 1). */
  readonly pollsBeforeDone?: number;
  /**
   * Template deployments (Microsoft.Resources/deployments) cannot evaluate ARM expressions here: an output
   * whose value is an expression (`[reference(...)]`) gets the value named here, as Azure would compute it
   * (a literal output value is returned as it is; an expression without a value here comes back unevaluated).
   */
  readonly deploymentOutputs?: Readonly<Record<string, unknown>>;
}

/** The parts of an ARM template the local server reads. */
interface DeployedTemplate {
  readonly resources?: readonly { readonly type: string; readonly name: string }[];
  readonly outputs?: Readonly<Record<string, { readonly type: string; readonly value: unknown }>>;
}

/** Long-running PUTs in Azure ML's REST API (201 + Azure-AsyncOperation); the others answer at once. */
const ASYNC_COLLECTIONS = new Set(["computes", "schedules"]);
const DEPLOYMENT = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/Microsoft\.Resources\/deployments\/([^/]+)(\/whatIf)?$/i;
const RESOURCE = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+\/(computes|environments|components|schedules|jobs)(\/.*)?$/;

/**
 * An HTTPS server that plays Azure Resource Manager for the Azure ML resources the publisher deploys:
 * PUT stores a resource, GET returns it (404 `ResourceNotFound` otherwise), listing returns `{ value }`,
 * computes and schedules complete through Azure-AsyncOperation polling. Every request is recorded;
 * `inject` queues replies (429 + Retry-After, 409, 5xx, 403) for the next matching requests.
 * Template deployments too: PUT (Azure-AsyncOperation), GET, and POST `whatIf` (202 + Location), whose
 * changes compare the template's resources with the resource group's earlier deployments.
 */
export class LocalArmServer {
  readonly requests: RecordedRequest[] = [];
  readonly resources = new Map<string, Record<string, unknown>>();
  readonly #injected: InjectedReply[] = [];
  /** Polls so far per operation; a Location-polled operation (what-if) also has the result it ends with. */
  readonly #operations = new Map<string, { polls: number; result?: unknown }>();
  #nextOperation = 0;

  private constructor(
    readonly endpoint: string,
    /** The PEM certificate the client must trust. */
    readonly certificate: string,
    private readonly server: Server,
    private readonly options: LocalArmServerOptions,
  ) {}

  static async start(options: LocalArmServerOptions): Promise<LocalArmServer> {
    const { key, cert } = selfSignedCertificate();
    const holder: { self?: LocalArmServer } = {};
    const server = createServer({ key, cert }, (req, res) => void holder.self!.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    holder.self = new LocalArmServer(`https://127.0.0.1:${(server.address() as AddressInfo).port}`, cert, server, options);
    return holder.self;
  }

  inject(reply: InjectedReply): void {
    this.#injected.push(reply);
  }

  /** The recorded writes (PUT, PATCH, POST, DELETE) other than polling. */
  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method !== "GET");
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((e) => (e ? reject(e) : resolve())));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    const url = new URL(req.url ?? "/", this.endpoint);
    const method = req.method ?? "GET";
    this.requests.push({ method, path: `${url.pathname}${url.search}`, body: text ? JSON.parse(text) : undefined, authorization: req.headers.authorization });
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { "content-type": "application/json", "x-ms-request-id": String(this.requests.length), ...headers });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const error = (status: number, code: string, message: string): void => send(status, { error: { code, message } });

    const injected = this.#injected.findIndex((r) => (!r.method || r.method === method) && (!r.pathEndsWith || url.pathname.endsWith(r.pathEndsWith)));
    if (injected >= 0) {
      const [reply] = this.#injected.splice(injected, 1);
      return send(reply!.status, reply!.body, reply!.headers);
    }
    if (url.searchParams.get("api-version") !== this.options.apiVersion) {
      return error(400, "InvalidApiVersion", `api-version "${url.searchParams.get("api-version")}" is not ${this.options.apiVersion}`);
    }
    if (url.pathname.startsWith("/operations/")) return this.poll(url.pathname.slice("/operations/".length), send, error);
    const deployment = DEPLOYMENT.exec(url.pathname);
    if (deployment) return this.deployment(method, url.pathname, deployment, text, send, error);
    const match = RESOURCE.exec(url.pathname);
    if (!match) return error(404, "InvalidResourceType", `No route for ${method} ${url.pathname}`);
    const key = url.pathname.toLowerCase();
    const isCollection = match[2] === undefined || /^\/[^/]+\/versions$/.test(match[2]);
    if (method === "GET" && isCollection) {
      const prefix = `${key}/`;
      const value = [...this.resources.entries()].filter(([k]) => k.startsWith(prefix) && !k.slice(prefix.length).includes("/")).map(([, v]) => v);
      return send(200, { value: value.reverse() });
    }
    if (method === "GET") {
      const stored = this.resources.get(key);
      return stored ? send(200, stored) : error(404, "ResourceNotFound", `The resource ${url.pathname} was not found`);
    }
    if (method === "PUT") {
      const existed = this.resources.has(key);
      const name = decodeURIComponent(url.pathname.split("/").pop()!);
      const body = JSON.parse(text) as Record<string, unknown>;
      const properties = { ...(body["properties"] as Record<string, unknown>), provisioningState: "Succeeded" };
      if (match[1] === "jobs") Object.assign(properties, { status: "NotStarted" });
      const stored = { ...body, id: url.pathname, name, type: `Microsoft.MachineLearningServices/workspaces/${match[1]}`, properties };
      this.resources.set(key, stored);
      if (ASYNC_COLLECTIONS.has(match[1]!)) {
        const asyncUrl = this.startOperation();
        return send(existed ? 200 : 201, { ...stored, properties: { ...properties, provisioningState: existed ? "Updating" : "Creating" } }, { "Azure-AsyncOperation": asyncUrl });
      }
      return send(existed ? 200 : 201, stored);
    }
    return error(405, "MethodNotAllowed", `${method} is not supported on ${url.pathname}`);
  }

  /** A new long-running operation; its polling URL. */
  private startOperation(result?: unknown): string {
    const operation = `op-${++this.#nextOperation}`;
    this.#operations.set(operation, { polls: 0, ...(result !== undefined && { result }) });
    return `${this.endpoint}/operations/${operation}?api-version=${this.options.apiVersion}`;
  }

  private poll(operation: string, send: (s: number, b?: unknown, h?: Record<string, string>) => void, error: (s: number, c: string, m: string) => void): void {
    const state = this.#operations.get(operation);
    if (state === undefined) return error(404, "OperationNotFound", `No operation ${operation}`);
    state.polls += 1;
    const done = state.polls > (this.options.pollsBeforeDone ?? 1);
    // Location polling (what-if): 202 until done, then 200 with the result; Azure-AsyncOperation: a status body.
    if (state.result !== undefined) return done ? send(200, state.result) : send(202, undefined, { Location: `${this.endpoint}/operations/${operation}?api-version=${this.options.apiVersion}` });
    send(200, { name: operation, status: done ? "Succeeded" : "InProgress" });
  }

  /** Microsoft.Resources/deployments: PUT deploys (outputs per `deploymentOutputs`), GET reads, POST whatIf compares. */
  private deployment(
    method: string,
    path: string,
    [, subscription, group, name, whatIf]: RegExpExecArray,
    text: string,
    send: (s: number, b?: unknown, h?: Record<string, string>) => void,
    error: (s: number, c: string, m: string) => void,
  ): void {
    const key = path.toLowerCase();
    const body = (text ? JSON.parse(text) : {}) as { properties?: { template?: DeployedTemplate; parameters?: unknown; mode?: string } };
    const template = body.properties?.template ?? {};
    if (whatIf && method === "POST") {
      const deployed = this.deployedResources(`/subscriptions/${subscription}/resourcegroups/${group}/`.toLowerCase());
      const changes = (template.resources ?? []).map((r) => {
        // Microsoft.X/a/b + n1/n2 -> Microsoft.X/a/n1/b/n2, as ARM writes a child's id.
        const [namespace, ...types] = r.type.split("/");
        const names = r.name.split("/");
        const resourceId = `/subscriptions/${subscription}/resourceGroups/${group}/providers/${[namespace, ...types.flatMap((t, i) => [t, names[i]])].join("/")}`;
        const before = deployed.get(`${r.type}/${r.name}`.toLowerCase());
        const changeType = before === undefined ? "Create" : JSON.stringify(before) === JSON.stringify(r) ? "NoChange" : "Modify";
        return { resourceId, changeType };
      });
      const location = this.startOperation({ status: "Succeeded", properties: { changes } });
      return send(202, undefined, { Location: location, "Retry-After": "0" });
    }
    if (method === "GET") {
      const stored = this.resources.get(key);
      return stored ? send(200, stored) : error(404, "DeploymentNotFound", `Deployment ${decodeURIComponent(name!)} could not be found.`);
    }
    if (method !== "PUT") return error(405, "MethodNotAllowed", `${method} is not supported on ${path}`);
    const outputs = Object.fromEntries(
      Object.entries(template.outputs ?? {}).map(([output, { type, value }]) => {
        const isExpression = typeof value === "string" && value.startsWith("[") && !value.startsWith("[[");
        return [output, { type, value: isExpression && this.options.deploymentOutputs && output in this.options.deploymentOutputs ? this.options.deploymentOutputs[output] : value }];
      }),
    );
    const existed = this.resources.has(key);
    const stored = {
      id: path,
      name: decodeURIComponent(name!),
      type: "Microsoft.Resources/deployments",
      properties: { mode: body.properties?.mode, provisioningState: "Succeeded", parameters: body.properties?.parameters, outputs, template },
    };
    this.resources.set(key, stored);
    send(existed ? 200 : 201, { ...stored, properties: { ...stored.properties, provisioningState: "Running" } }, { "Azure-AsyncOperation": this.startOperation() });
  }

  /** The resources of the group's deployments so far, by `type/name`. */
  private deployedResources(groupPrefix: string): Map<string, unknown> {
    const deployed = new Map<string, unknown>();
    for (const [key, value] of this.resources) {
      if (!key.startsWith(groupPrefix) || !key.includes("/providers/microsoft.resources/deployments/")) continue;
      const resources = ((value as { properties: { template: DeployedTemplate } }).properties.template.resources ?? []);
      for (const r of resources) deployed.set(`${r.type}/${r.name}`.toLowerCase(), r);
    }
    return deployed;
  }
}
