export { LocalArmServer } from "./local-arm-server.js";
export type { InjectedReply, LocalArmServerOptions, RecordedRequest } from "./local-arm-server.js";
export { selfSignedCertificate } from "./self-signed-cert.js";
