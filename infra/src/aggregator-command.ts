import { CONTAINERS } from "./naming.js";
import { joinUrl, output, type DeploymentOutputs } from "./pipeline-config.js";

/**
 * The embedded aggregator's command line on the deployed resources (the alternative to the Stream Analytics
 * job): it reads the hub as the aggregator's identity (`AZURE_CLIENT_ID` picks it for DefaultAzureCredential,
 * on a host the identity is attached to), keeps its consumer-group checkpoints in `checkpoints`, and writes
 * the aggregates to Azure SQL with Entra authentication: no connection string, key or password.
 */
export function aggregatorCommand(outputs: DeploymentOutputs): string {
  const namespace = new URL(output(outputs, "eventHubsEndpoint")).hostname;
  const sql = `mssql://${output(outputs, "sqlServerFqdn")}:1433/${output(outputs, "sqlDatabase")}?encrypt=true&authentication=azure-active-directory-default`;
  return [
    `AZURE_CLIENT_ID=${output(outputs, "aggregatorIdentityClientId")} node apps/aggregator/dist/main.js run`,
    `--from eventhubs:${output(outputs, "eventHubName")} --namespace ${namespace} --consumer-group ${output(outputs, "aggregatorConsumerGroup")}`,
    `--checkpoints ${joinUrl(output(outputs, "blobEndpoint"), CONTAINERS.checkpoints)} --to "${sql}" --follow`,
  ].join(" ");
}
