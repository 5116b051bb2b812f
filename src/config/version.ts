import { readFileSync } from "node:fs";

/** Gatehouse's own version (package.json), read once: the same relative path from src/config and dist/config. */
export const GATEHOUSE_VERSION: string = (JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string }).version;
