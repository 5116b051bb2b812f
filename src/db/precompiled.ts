import type { Compilable, CompiledQuery, Kysely } from "kysely";
import type { DB } from "./schema.ts";

/**
 * A query Kysely builds and compiles once per database (per dialect adapter), then runs with new values.
 * Kysely builds and compiles every query anew, about a tenth of an authenticated page's event loop
 * (bench/README.md); the few queries every request runs are built here once instead. `build` gets a
 * placeholder for each parameter; every other value in it is fixed in the compiled query.
 */
export function precompiled<Row, Names extends string>(names: readonly Names[], build: (db: Kysely<DB>, p: Record<Names, string>) => Compilable<Row>) {
  const sentinels = Object.fromEntries(names.map((name) => [name, `\u0000gatehouse-parameter:${name}\u0000`])) as Record<Names, string>;
  const bySentinel = new Map<unknown, Names>(names.map((name) => [sentinels[name], name]));
  const templates = new WeakMap<object, { compiled: CompiledQuery<Row>; slots: (Names | { value: unknown })[] }>();
  return async (db: Kysely<DB>, values: Record<Names, string>): Promise<Row[]> => {
    const adapter = db.getExecutor().adapter;
    let template = templates.get(adapter);
    if (!template) {
      const compiled = build(db, sentinels).compile();
      const slots = compiled.parameters.map((value) => bySentinel.get(value) ?? { value });
      const missing = names.filter((name) => !slots.includes(name));
      if (missing.length) throw new Error(`precompiled query: parameter ${missing.join(", ")} not used`);
      templates.set(adapter, (template = { compiled, slots }));
    }
    const parameters = template.slots.map((slot) => (typeof slot === "string" ? values[slot] : slot.value));
    return (await db.executeQuery<Row>({ ...template.compiled, parameters })).rows;
  };
}
