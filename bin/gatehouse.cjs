#!/usr/bin/env node
// The `gatehouse` command. It runs the compiled JavaScript in dist/ (`npm run build`) when that is at
// least as new as every TypeScript source, and otherwise the sources themselves through tsx's loader,
// so a checkout works without a build and a stale build is never run. Compiled, the server starts in
// about half the time and holds ≈ 50 MiB less (bench/README.md).
//
// CommonJS on purpose: it runs before anything has used libuv's threadpool, which an ES module entry
// has already started (reading its imports), so only here can the pool still be sized.
"use strict";
const { existsSync, readdirSync, statSync } = require("node:fs");
const { availableParallelism } = require("node:os");
const { join } = require("node:path");
const { pathToFileURL } = require("node:url");
const { lowerPoolPriority } = require("./pool-priority.cjs");

// The pool runs argon2id, which is memory-bound: one thread per core computes fastest
// (src/auth/password.ts). An operator's own setting wins.
process.env.UV_THREADPOOL_SIZE ??= String(availableParallelism());

const root = join(__dirname, "..");
const compiledEntry = join(root, "dist/cli/main.js");

/** The newest modification time under `dir`, in ms. */
function newestMtimeMs(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtimeMs(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function compiledIsCurrent() {
  if (!existsSync(compiledEntry)) return false;
  if (!existsSync(join(root, "src"))) return true; // an image that ships only the build
  // `npm run build` writes dist/.built last: it must be newer than the newest source.
  const builtAt = statSync(join(root, "dist/.built"), { throwIfNoEntry: false })?.mtimeMs ?? 0;
  return builtAt >= newestMtimeMs(join(root, "src"));
}

async function main() {
  await lowerPoolPriority();
  if (compiledIsCurrent()) {
    await import(pathToFileURL(compiledEntry).href);
  } else {
    const { register } = await import("tsx/esm/api");
    register();
    await import(pathToFileURL(join(root, "src/cli/main.ts")).href);
  }
}

void main();
