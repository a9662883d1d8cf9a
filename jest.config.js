/** Transpile-only tests (@swc/jest); types are checked once by `tsc --noEmit` in `npm test`. */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/test"],
  testMatch: ["**/*.test.ts"],
  transform: { "^.+\\.ts$": ["@swc/jest", { jsc: { parser: { syntax: "typescript" }, target: "es2022" }, module: { type: "commonjs" } }] },
  testTimeout: 60000,
  // jest defaults to cores − 1 workers, i.e. one on a 2-core CI machine; plans are CPU-bound per file.
  maxWorkers: 2,
};
