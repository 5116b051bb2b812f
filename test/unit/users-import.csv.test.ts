import { describe, expect, test } from "vitest";
import { CliError } from "../../src/cli/io.ts";
import { IMPORT_MAX_BYTES, IMPORT_MAX_ROWS, planUserImport } from "../../src/cli/users-csv.ts";

const plan = (text: string | Buffer) => planUserImport(typeof text === "string" ? Buffer.from(text) : text);

/** The CliError a whole-file problem throws: its message, after checking it carries exit code 2. */
function fileError(text: string | Buffer): string {
  try {
    plan(text);
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    return (error as CliError).message;
  }
  throw new Error("the file was accepted");
}

describe("planUserImport()", () => {
  test("reads the columns in any order and case, after a UTF-8 BOM, with CRLF line ends; role defaults to client", () => {
    const result = plan("\uFEFFName,EMAIL,Role\r\nAnn Example,ann@example.com,\r\n\"Doe, Bob\",Bob@Example.com,SUPPORT\r\n");
    expect(result.failures).toEqual([]);
    expect(result.rows).toEqual([
      { line: 2, email: "ann@example.com", name: "Ann Example", role: "client" },
      { line: 3, email: "Bob@Example.com", name: "Doe, Bob", role: "support" },
    ]);
    expect(plan("email,name\ncy@example.com,  Cy   Young \n").rows).toEqual([{ line: 2, email: "cy@example.com", name: "Cy Young", role: "client" }]);
  });

  test("numbers each failure by the file's line, past blank lines and quoted fields spanning lines", () => {
    const file = ["email,name,role", "a@example.com,A,client", "", '"b@example.com","Two', 'Lines",client', "not-an-email,C,client", "   ,  ,  ", "d@example.com,D,boss"].join("\r\n");
    const result = plan(file);
    expect(result.rows.map((r) => [r.line, r.email])).toEqual([
      [2, "a@example.com"],
      [4, "b@example.com"],
    ]);
    expect(result.failures).toEqual([
      { line: 6, reason: "the e-mail address is not valid" },
      { line: 8, reason: "the role must be one of client, support, admin" },
    ]);
  });

  test("each bad line fails with its reason and the others go on", () => {
    const long = (n: number) => "x".repeat(n);
    const file = [
      "email,name,role",
      ",No Address,client",
      "no-name@example.com,,client",
      `${long(250)}@example.com,Long Address,client`,
      `long-name@example.com,${long(101)},client`,
      "ctrl@example.com,Bell\u0007Name,client",
      "few@example.com,Few",
      "many@example.com,Many,client,extra",
      "ok@example.com,Fine,admin",
      "OK@Example.com,Same Address,client",
      `"quote""inside@example.com",Q,client`,
    ].join("\n");
    const result = plan(file);
    expect(result.rows.map((r) => r.email)).toEqual(["ok@example.com"]);
    expect(result.failures).toEqual([
      { line: 2, reason: "the e-mail address is missing" },
      { line: 3, reason: "the name is missing" },
      { line: 4, reason: "the e-mail address is longer than 254 characters" },
      { line: 5, reason: "the name is longer than 100 characters" },
      { line: 6, reason: "the name must not contain control characters" },
      { line: 7, reason: "expected 3 fields, found 2" },
      { line: 8, reason: "expected 3 fields, found 4" },
      { line: 10, reason: "the e-mail address is already on line 9" },
      { line: 11, reason: "the e-mail address is not valid" },
    ]);
  });

  test("a quote inside an unquoted field is part of the name", () => {
    expect(plan('email,name\nob@example.com,Conan "The" OBrien\n').rows[0]?.name).toBe('Conan "The" OBrien');
  });

  test("an empty file, a missing header or wrong columns refuse the whole file with exit code 2", () => {
    expect(fileError("")).toMatch(/^the file is empty/);
    expect(fileError("\uFEFF\r\n\r\n")).toMatch(/^the file is empty/);
    expect(fileError("ann@example.com,Ann\n")).toMatch(/^unknown column "ann@example.com": the first line must name the columns/);
    expect(fileError("email,full name\n")).toMatch(/^unknown column "full name"/);
    expect(fileError("email,role\n")).toMatch(/^missing column "name"/);
    expect(fileError("name\n")).toMatch(/^missing column "email"/);
    expect(fileError("email,name,Email\n")).toMatch(/^the column "email" appears twice/);
  });

  test("a file that is not CSV, not UTF-8, too large or too long is refused before anything is read into rows", () => {
    expect(fileError('email,name\na@example.com,"open quote\nb@example.com,B\n')).toMatch(/^line \d+: not valid CSV \(Quote Not Closed\); nothing was imported$/);
    expect(fileError(Buffer.from([0x65, 0x6d, 0x61, 0x69, 0x6c, 0x2c, 0x6e, 0x61, 0x6d, 0x65, 0x0a, 0xff, 0xfe, 0x2c, 0x41]))).toMatch(/not UTF-8/);
    expect(fileError(Buffer.alloc(IMPORT_MAX_BYTES + 1, 0x61))).toMatch(/larger than 10 MiB/);
    const rows = Array.from({ length: IMPORT_MAX_ROWS + 1 }, (_, i) => `u${i}@example.com,U ${i}`);
    expect(fileError(["email,name", ...rows].join("\n"))).toBe(`the file has ${IMPORT_MAX_ROWS + 1} users, more than ${IMPORT_MAX_ROWS}; split it into smaller files`);
  });

  test("a header alone plans nothing", () => {
    expect(plan("email,name\n")).toEqual({ rows: [], failures: [] });
  });
});
