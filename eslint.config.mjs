import nx from "@nx/eslint-plugin";

/** Cloud and native SDKs: each may be imported only by the lib (and subpath) that adapts it. */
const CLOUD_SDKS = ["@azure/*", "onnxruntime-*", "mssql", "tedious", "pg", "better-sqlite3", "rhea", "rhea-promise"];

/** Module boundaries: type, scope and SDK rules for every project (see the README's Workspace section). */
const BOUNDARIES = {
  enforceBuildableLibDependency: true,
  banTransitiveDependencies: true,
  // Loaded lazily on purpose: the Azure adapter only when a location is a URL (model-store), the
  // Application Insights exporter only when its connection string is set (monitor).
  checkDynamicDependenciesExceptions: ["@fleetscore/storage", "@fleetscore/log-monitor"],
  allow: [],
  depConstraints: [
    { sourceTag: "type:app", onlyDependOnLibsWithTags: ["type:lib", "type:contracts"] },
    { sourceTag: "type:lib", onlyDependOnLibsWithTags: ["type:lib", "type:contracts"] },
    { sourceTag: "type:contracts", onlyDependOnLibsWithTags: [], allowedExternalImports: ["zod", "vitest"] },
    // Scopes, from the data flow: ingest -> aggregate -> score -> ops; shared serves them all. A lib may
    // use its own scope, shared, and the scopes upstream of it (the scorer reads SQL aggregates; the
    // aggregator's sources read the event transport). ops (scheduler, pipeline-publisher, log-monitor,
    // monitor) watches and drives the rest.
    { sourceTag: "scope:shared", onlyDependOnLibsWithTags: ["scope:shared"] },
    { sourceTag: "scope:ingest", onlyDependOnLibsWithTags: ["scope:ingest", "scope:shared"] },
    { sourceTag: "scope:aggregate", onlyDependOnLibsWithTags: ["scope:aggregate", "scope:ingest", "scope:shared"] },
    { sourceTag: "scope:score", onlyDependOnLibsWithTags: ["scope:score", "scope:aggregate", "scope:shared"] },
    { sourceTag: "scope:ops", onlyDependOnLibsWithTags: ["scope:ops", "scope:score", "scope:aggregate", "scope:ingest", "scope:shared"] },
    { sourceTag: "sdk:none", bannedExternalImports: CLOUD_SDKS },
    { sourceTag: "sdk:onnxruntime", bannedExternalImports: CLOUD_SDKS.filter((p) => p !== "onnxruntime-*") },
    { sourceTag: "sdk:azure-storage", bannedExternalImports: [...CLOUD_SDKS.filter((p) => p !== "@azure/*"), "@azure/arm-*"] },
    // pipeline-publisher: Azure ML's management SDK and identity, no data-plane SDKs.
    {
      sourceTag: "sdk:azure-ml",
      bannedExternalImports: [...CLOUD_SDKS.filter((p) => p !== "@azure/*"), "@azure/storage-*", "@azure/event-hubs", "@azure/eventhubs-*"],
    },
    { sourceTag: "sdk:azure-monitor", bannedExternalImports: CLOUD_SDKS.filter((p) => p !== "@azure/*") },
    { sourceTag: "sdk:sql", bannedExternalImports: CLOUD_SDKS.filter((p) => !["mssql", "tedious", "pg", "better-sqlite3"].includes(p)) },
    { sourceTag: "sdk:sqlite", bannedExternalImports: CLOUD_SDKS.filter((p) => p !== "better-sqlite3") },
    // The local Event Hubs peer speaks AMQP with rhea and nothing else.
    { sourceTag: "sdk:rhea", bannedExternalImports: CLOUD_SDKS.filter((p) => p !== "rhea") },
    // The Event Hubs adapter: the Event Hubs SDK, its Blob checkpoint store (and the Blob and identity
    // clients it is built from), nothing else of Azure and no other cloud or native SDK.
    {
      sourceTag: "sdk:event-hubs",
      bannedExternalImports: CLOUD_SDKS.filter((p) => p !== "@azure/*"),
      // Tests also start Azurite (vitest globalSetup).
      allowedExternalImports: ["@azure/event-hubs", "@azure/eventhubs-checkpointstore-blob", "@azure/storage-blob", "@azure/identity", "zod", "vitest", "vitest/*", "azurite/*"],
    },
  ],
};

export default [
  ...nx.configs["flat/base"],
  ...nx.configs["flat/typescript"],
  { ignores: ["**/dist", "**/out-tsc", "**/node_modules", "**/.nx", "out/**", "tmp/**", "tools/workspace-checks/.readme-snippets/**"] },
  {
    files: ["**/*.ts", "**/*.mts", "**/*.js", "**/*.mjs"],
    rules: {
      "@nx/enforce-module-boundaries": [
        "error",
        BOUNDARIES,
      ],
    },
  },
  {
    // Within svm-scoring, onnxruntime-node stays behind the "./onnx" subpath so pure-TS users never load it.
    files: ["libs/svm-scoring/src/**/*.ts"],
    ignores: ["libs/svm-scoring/src/onnx/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["onnxruntime-*"], message: "Import onnxruntime only under libs/svm-scoring/src/onnx/." }] },
      ],
    },
  },
  {
    // Within storage, the Azure SDK stays behind the "./azure" subpath so folder-only users never load it.
    files: ["libs/storage/src/**/*.ts"],
    ignores: ["libs/storage/src/azure/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@azure/*"], message: "Import the Azure SDK only under libs/storage/src/azure/." }] },
      ],
    },
  },
  {
    // Within log-monitor, the Azure Monitor exporter stays behind the "./appinsights" subpath: it loads only when exporting.
    files: ["libs/log-monitor/src/**/*.ts"],
    ignores: ["libs/log-monitor/src/appinsights/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: ["@azure/*"], message: "Import the Azure SDK only under libs/log-monitor/src/appinsights/." }] },
      ],
    },
  },
  {
    files: ["**/*.ts"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // Options bags extend OperationOptions without members until they need some (Azure SDK style).
      "@typescript-eslint/no-empty-object-type": ["error", { allowInterfaces: "with-single-extends" }],
      "@typescript-eslint/no-empty-interface": ["error", { allowSingleExtends: true }],
      // With noUncheckedIndexedAccess, `!` marks an index the code has just checked.
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    // Each project's vitest config extends the one shared base at the workspace root.
    files: ["**/vitest.config.ts"],
    rules: { "@nx/enforce-module-boundaries": "off" },
  },
  {
    // End-to-end tests run the whole pipeline (simulator -> aggregator -> SQL -> scorer) on purpose, so they read
    // what the downstream scopes wrote (with their end-to-end-* fixtures); the scope fences hold for everything
    // else, the SDK fences here too.
    files: ["apps/*/src/end-to-end.test.ts", "apps/*/src/test-fixtures/end-to-end-*.ts"],
    rules: {
      "@nx/enforce-module-boundaries": ["error", { ...BOUNDARIES, depConstraints: BOUNDARIES.depConstraints.filter((c) => !c.sourceTag.startsWith("scope:")) }],
    },
  },
];
