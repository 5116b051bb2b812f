"use strict";
// argon2id runs on libuv's threadpool and, under a sign-in storm, keeps every core busy. The event loop
// answers the shed sign-ins (503 at once) and the signed-in users' pages: it must not wait behind the
// hashing for a core (issue 19: "degrade by answering fast, not by queueing"). Linux keeps a nice value
// per thread, and a process may raise its own threads' nice without privileges, so the pool's threads,
// started here, are given nice +10 while the event loop stays at the process's own priority: the
// scheduler then gives the event loop about nine tenths of a contested core (CFS weights 1024 and 110).
// The hashing still gets every cycle the event loop does not need.
const { readdirSync } = require("node:fs");
const { randomFill } = require("node:crypto");
const { getPriority, setPriority } = require("node:os");

const POOL_NICE = 10;

/** Starts libuv's pool (it starts all its threads on first use) and lowers the new threads' priority. */
async function lowerPoolPriority() {
  if (process.platform !== "linux") return [];
  const before = new Set(readdirSync("/proc/self/task"));
  await new Promise((resolve) => randomFill(Buffer.alloc(1), resolve));
  const lowered = [];
  for (const tid of readdirSync("/proc/self/task")) {
    if (before.has(tid)) continue;
    try {
      setPriority(Number(tid), Math.max(getPriority(Number(tid)), POOL_NICE));
      lowered.push(Number(tid));
    } catch {
      // A thread that has ended, or a system that refuses: the portal runs as before.
    }
  }
  return lowered;
}

module.exports = { lowerPoolPriority, POOL_NICE };
