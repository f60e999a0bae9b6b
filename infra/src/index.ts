// Parameters and names.
export { InfraParameters, loadInfraParameters, parseInfraParameters } from "./parameters.js";
export type { InfraParametersInput } from "./parameters.js";
export { CONTAINERS, resourceNames, resourceTags } from "./naming.js";
export type { ContainerRole, ResourceNames } from "./naming.js";
export { InfraError, isInfraError } from "./infra-error.js";
export type { InfraErrorCode, InfraErrorOptions, InfraStage } from "./infra-error.js";

// Templates and the SQL script.
export { buildTemplate, TEMPLATE_GENERATOR } from "./template.js";
export type { BuiltTemplate, DeploymentOutputName } from "./template.js";
export { ARTIFACT_FILES, buildArtifacts, writeArtifacts } from "./artifacts.js";
export type { InfraArtifacts } from "./artifacts.js";
export type { ArmExpression, ArmOutput, ArmParameter, ArmParametersFile, ArmResource, ArmTemplate, SdkProperties } from "./arm/template.js";
export { API_VERSIONS, BUILT_IN_ROLES } from "./arm/api-versions.js";
export { roleGrants } from "./resources/role-assignments.js";
export type { RoleGrant } from "./resources/role-assignments.js";
export { generatedJob, windowingOptions } from "./resources/stream-analytics.js";
export { schemaScript } from "./sql/schema-script.js";

// Deploying, and the pipeline config from the outputs.
export { DEPLOYMENTS_API_VERSION, DeploymentClient } from "./deploy/deployment-client.js";
export type { DeploymentClientOptions, DeploymentTarget, PlannedChange } from "./deploy/deployment-client.js";
export { formatPipelineConfig, pipelineConfigFromOutputs } from "./pipeline-config.js";
export { aggregatorCommand } from "./aggregator-command.js";
export type { DeploymentOutputs, PipelineConfigDocument } from "./pipeline-config.js";
