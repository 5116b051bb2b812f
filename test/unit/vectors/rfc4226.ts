/** RFC 4226 Appendix D test vectors: HOTP-SHA1, 6 digits, counters 0 to 9. */

export const RFC4226_SECRET = Buffer.from("12345678901234567890", "ascii");

export const RFC4226_VECTORS: readonly { counter: number; code: string }[] = [
  { counter: 0, code: "755224" },
  { counter: 1, code: "287082" },
  { counter: 2, code: "359152" },
  { counter: 3, code: "969429" },
  { counter: 4, code: "338314" },
  { counter: 5, code: "254676" },
  { counter: 6, code: "287922" },
  { counter: 7, code: "162583" },
  { counter: 8, code: "399871" },
  { counter: 9, code: "520489" },
];
