// Transpile-only loader for running the TypeScript sources directly (repo checkouts: npm start, bench).
// Installed packages use the compiled dist/ instead (see bin/livepeer-fleet.js).
"use strict";
const fs = require("fs");
const { transformSync } = require("@swc/core");

require.extensions[".ts"] = function (module, filename) {
  const source = fs.readFileSync(filename, "utf8");
  const { code } = transformSync(source, {
    filename,
    sourceMaps: "inline",
    jsc: { parser: { syntax: "typescript" }, target: "es2022" },
    module: { type: "commonjs" },
  });
  module._compile(code, filename);
};
