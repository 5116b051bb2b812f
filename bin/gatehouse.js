#!/usr/bin/env node
// The `gatehouse` command. TypeScript sources are loaded through tsx's loader, so there is no build step.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
