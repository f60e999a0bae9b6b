#!/usr/bin/env node
/**
 * Stages what the scorer image needs into dist/docker/scorer/ (the only thing .dockerignore lets into the
 * build context): the built scorer and the built libs it depends on, each with its package.json, and the
 * production dependency closure from node_modules — the same set `npm ci --omit=dev` would install for the
 * scorer alone, but copied from this workspace, so the image builds with no network at all.
 * onnxruntime-node keeps only its linux/x64 binaries (the other platforms are ~250 MB).
 *
 * Usage: node tools/docker/stage-scorer-context.mjs   (after `nx run scorer:build`)
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const out = join(root, "dist/docker/scorer");
const readJson = (p) => JSON.parse(readFileSync(p, "utf8"));

/** Workspace packages by name -> folder. */
const workspace = new Map();
for (const group of ["apps", "libs"]) {
  for (const dir of readdirSync(join(root, group))) {
    const pkg = join(root, group, dir, "package.json");
    if (existsSync(pkg)) workspace.set(readJson(pkg).name, join(group, dir));
  }
}

/** Finds a dependency as Node would from `fromDir`: nearest node_modules up the tree. */
function resolvePackageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dir === root || dir === dirname(dir)) return undefined;
  }
}

const workspaceClosure = new Set();
const externalDirs = new Set();
function visit(name, fromDir) {
  if (workspace.has(name)) {
    if (workspaceClosure.has(name)) return;
    workspaceClosure.add(name);
    const dir = join(root, workspace.get(name));
    for (const dep of Object.keys(readJson(join(dir, "package.json")).dependencies ?? {})) visit(dep, dir);
    return;
  }
  const dir = resolvePackageDir(name, fromDir);
  if (!dir) throw new Error(`production dependency ${name} (needed from ${relative(root, fromDir)}) is not installed: run npm ci`);
  if (externalDirs.has(dir)) return;
  externalDirs.add(dir);
  const pkg = readJson(join(dir, "package.json"));
  for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
    if (resolvePackageDir(dep, dir)) visit(dep, dir);
    else if (!(dep in (pkg.optionalDependencies ?? {}))) throw new Error(`${pkg.name} needs ${dep}, which is not installed`);
  }
}
visit("@fleetscore/scorer", root);

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const rootPkg = readJson(join(root, "package.json"));
writeFileSync(join(out, "package.json"), JSON.stringify({ name: "fleetscore-scorer-image", version: rootPkg.version, private: true, type: "module" }, null, 2) + "\n");

for (const name of [...workspaceClosure].sort()) {
  const rel = workspace.get(name);
  const src = join(root, rel);
  if (!existsSync(join(src, "dist"))) throw new Error(`${rel}/dist is missing: run npx nx run scorer:build first`);
  mkdirSync(join(out, rel), { recursive: true });
  cpSync(join(src, "package.json"), join(out, rel, "package.json"));
  cpSync(join(src, "dist"), join(out, rel, "dist"), {
    recursive: true,
    filter: (p) => !p.endsWith(".tsbuildinfo") && !p.endsWith(".map") && !p.endsWith(".d.ts"),
  });
  // Workspace packages resolve through node_modules symlinks, as npm lays them out.
  const link = join(out, "node_modules", name);
  mkdirSync(dirname(link), { recursive: true });
  symlinkSync(relative(dirname(link), join(out, rel)), link);
}

for (const dir of [...externalDirs].sort()) {
  const target = join(out, relative(root, dir));
  cpSync(dir, target, { recursive: true, dereference: true });
}

// onnxruntime-node: only the binaries this image runs.
const ortBin = join(out, "node_modules/onnxruntime-node/bin/napi-v6");
if (existsSync(ortBin)) {
  for (const platform of readdirSync(ortBin)) {
    if (platform !== "linux") rmSync(join(ortBin, platform), { recursive: true, force: true });
    else for (const arch of readdirSync(join(ortBin, platform))) if (arch !== "x64") rmSync(join(ortBin, platform, arch), { recursive: true, force: true });
  }
}
console.log(`staged ${workspaceClosure.size} workspace packages and ${externalDirs.size} dependencies into ${relative(root, out)}`);
