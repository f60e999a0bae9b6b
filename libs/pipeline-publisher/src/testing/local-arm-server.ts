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
}

/** Long-running PUTs in Azure ML's REST API (201 + Azure-AsyncOperation); the others answer at once. */
const ASYNC_COLLECTIONS = new Set(["computes", "schedules"]);
const RESOURCE = /^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+\/providers\/Microsoft\.MachineLearningServices\/workspaces\/[^/]+\/(computes|environments|components|schedules|jobs)(\/.*)?$/;

/**
 * An HTTPS server that plays Azure Resource Manager for the Azure ML resources the publisher deploys:
 * PUT stores a resource, GET returns it (404 `ResourceNotFound` otherwise), listing returns `{ value }`,
 * computes and schedules complete through Azure-AsyncOperation polling. Every request is recorded;
 * `inject` queues replies (429 + Retry-After, 409, 5xx, 403) for the next matching requests.
 */
export class LocalArmServer {
  readonly requests: RecordedRequest[] = [];
  readonly resources = new Map<string, Record<string, unknown>>();
  readonly #injected: InjectedReply[] = [];
  readonly #operations = new Map<string, number>();
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
        const operation = `op-${++this.#nextOperation}`;
        this.#operations.set(operation, 0);
        const asyncUrl = `${this.endpoint}/operations/${operation}?api-version=${this.options.apiVersion}`;
        return send(existed ? 200 : 201, { ...stored, properties: { ...properties, provisioningState: existed ? "Updating" : "Creating" } }, { "Azure-AsyncOperation": asyncUrl });
      }
      return send(existed ? 200 : 201, stored);
    }
    return error(405, "MethodNotAllowed", `${method} is not supported on ${url.pathname}`);
  }

  private poll(operation: string, send: (s: number, b?: unknown) => void, error: (s: number, c: string, m: string) => void): void {
    const polls = this.#operations.get(operation);
    if (polls === undefined) return error(404, "OperationNotFound", `No operation ${operation}`);
    this.#operations.set(operation, polls + 1);
    const done = polls >= (this.options.pollsBeforeDone ?? 1);
    send(200, { name: operation, status: done ? "Succeeded" : "InProgress" });
  }
}
