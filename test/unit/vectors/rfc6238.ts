/**
 * RFC 6238 Appendix B test vectors: 8-digit TOTP, 30-second period, T0 = 0.
 * Each algorithm has its own seed (the ASCII string "1234567890…" repeated to the hash's block of
 * 20, 32 and 64 bytes), as in the reference implementation of Appendix A.
 */

export const RFC6238_SEEDS = {
  SHA1: Buffer.from("12345678901234567890", "ascii"),
  SHA256: Buffer.from("12345678901234567890123456789012", "ascii"),
  SHA512: Buffer.from("1234567890123456789012345678901234567890123456789012345678901234", "ascii"),
} as const;

export const RFC6238_DIGITS = 8;
export const RFC6238_PERIOD_SECONDS = 30;

export interface Rfc6238Vector {
  unixSeconds: number;
  /** T, as the hex counter column of the table. */
  stepHex: string;
  algorithm: keyof typeof RFC6238_SEEDS;
  code: string;
}

export const RFC6238_VECTORS: readonly Rfc6238Vector[] = [
  { unixSeconds: 59, stepHex: "0000000000000001", algorithm: "SHA1", code: "94287082" },
  { unixSeconds: 59, stepHex: "0000000000000001", algorithm: "SHA256", code: "46119246" },
  { unixSeconds: 59, stepHex: "0000000000000001", algorithm: "SHA512", code: "90693936" },
  { unixSeconds: 1111111109, stepHex: "00000000023523EC", algorithm: "SHA1", code: "07081804" },
  { unixSeconds: 1111111109, stepHex: "00000000023523EC", algorithm: "SHA256", code: "68084774" },
  { unixSeconds: 1111111109, stepHex: "00000000023523EC", algorithm: "SHA512", code: "25091201" },
  { unixSeconds: 1111111111, stepHex: "00000000023523ED", algorithm: "SHA1", code: "14050471" },
  { unixSeconds: 1111111111, stepHex: "00000000023523ED", algorithm: "SHA256", code: "67062674" },
  { unixSeconds: 1111111111, stepHex: "00000000023523ED", algorithm: "SHA512", code: "99943326" },
  { unixSeconds: 1234567890, stepHex: "000000000273EF07", algorithm: "SHA1", code: "89005924" },
  { unixSeconds: 1234567890, stepHex: "000000000273EF07", algorithm: "SHA256", code: "91819424" },
  { unixSeconds: 1234567890, stepHex: "000000000273EF07", algorithm: "SHA512", code: "93441116" },
  { unixSeconds: 2000000000, stepHex: "0000000003F940AA", algorithm: "SHA1", code: "69279037" },
  { unixSeconds: 2000000000, stepHex: "0000000003F940AA", algorithm: "SHA256", code: "90698825" },
  { unixSeconds: 2000000000, stepHex: "0000000003F940AA", algorithm: "SHA512", code: "38618901" },
  { unixSeconds: 20000000000, stepHex: "0000000027BC86AA", algorithm: "SHA1", code: "65353130" },
  { unixSeconds: 20000000000, stepHex: "0000000027BC86AA", algorithm: "SHA256", code: "77737706" },
  { unixSeconds: 20000000000, stepHex: "0000000027BC86AA", algorithm: "SHA512", code: "47863826" },
];
