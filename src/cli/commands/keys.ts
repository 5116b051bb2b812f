import type { Command } from "commander";
import { ROTATION_BATCH_SIZE, rotateSecondFactorSecrets } from "../../auth/key-rotation.ts";
import { createKeyring } from "../../crypto/encryption.ts";
import { cryptoRandom } from "../../crypto/random.ts";
import { migrateToLatest } from "../../db/migrator.ts";
import { resealSigningKeys, rotateSigningKey } from "../../auth/signing-keys.ts";
import { systemClock } from "../../clock.ts";
import { CliError } from "../io.ts";
import { loadCliConfig, openCliDatabase } from "../open.ts";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

export function registerKeys(program: Command): void {
  const keys = program.command("keys").description("manage the SECRET_KEY keys that encrypt stored secrets");

  keys
    .command("rotate")
    .description("re-encrypt every stored second-factor secret under the last SECRET_KEY key; safe to run again or to restart")
    .option("--batch-size <rows>", "rows read at a time", String(ROTATION_BATCH_SIZE))
    .action(async (options: { batchSize: string }) => {
      const batchSize = /^\d{1,6}$/.test(options.batchSize) ? Number(options.batchSize) : 0;
      if (batchSize < 1) throw new CliError("--batch-size must be a whole number from 1 to 999999");
      const config = loadCliConfig();
      const keyring = createKeyring(config.secretKeys);
      const database = await openCliDatabase(config);
      try {
        if (config.migrateOnStart) await migrateToLatest(database);
        const report = await rotateSecondFactorSecrets(database.db, { keyring, random: cryptoRandom }, batchSize);
        // The single sign-on signing keys are sealed with SECRET_KEY too.
        const signing = await resealSigningKeys(database.db, { keyring, random: cryptoRandom });
        const done = `${plural(report.reencrypted, "secret")} re-encrypted under key ${keyring.current.id}, ${report.alreadyCurrent} already current`;
        if (report.undecryptable > 0) {
          const which = report.undecryptableKeyIds.join(", ");
          throw new CliError(`${plural(report.undecryptable, "second-factor secret")} cannot be decrypted with the keys in SECRET_KEY (sealed with: ${which}); add the missing key and run again (${done})`);
        }
        if (signing.undecryptableKeyIds.length > 0) {
          throw new CliError(`${plural(signing.undecryptableKeyIds.length, "signing key")} cannot be decrypted with the keys in SECRET_KEY (sealed with: ${[...new Set(signing.undecryptableKeyIds)].join(", ")}); add the missing key and run again (${done})`);
        }
        process.stdout.write(`Re-encrypted ${plural(report.reencrypted, "second-factor secret")} under key ${keyring.current.id}; ${report.alreadyCurrent} already current.\n`);
        if (signing.resealed + signing.alreadyCurrent > 0) process.stdout.write(`Re-encrypted ${plural(signing.resealed, "signing key")} under key ${keyring.current.id}; ${signing.alreadyCurrent} already current.\n`);
      } finally {
        await database.close();
      }
    });

  keys
    .command("rotate-signing-key")
    .description("make a new single sign-on signing key: it signs from each instance's next start; older keys stay published for a day")
    .action(async () => {
      const config = loadCliConfig();
      const keyring = createKeyring(config.secretKeys);
      const database = await openCliDatabase(config);
      try {
        if (config.migrateOnStart) await migrateToLatest(database);
        const kid = await rotateSigningKey(database.db, { keyring, random: cryptoRandom, clock: systemClock });
        process.stdout.write(`New signing key ${kid}; restart every instance to sign with it.\n`);
      } finally {
        await database.close();
      }
    });
}
