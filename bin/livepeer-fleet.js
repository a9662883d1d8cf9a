#!/usr/bin/env node
"use strict";
const path = require("path");
const fs = require("fs");
const compiled = path.join(__dirname, "..", "dist", "src", "cli", "main.js");
// Output piped into a reader that stops early (`| head`): end quietly, as other CLIs do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (e) => {
    if (e && e.code === "EPIPE") process.exit(0);
    throw e;
  });
}
if (fs.existsSync(compiled)) {
  require(compiled).main(process.argv.slice(2));
} else {
  require("./register");
  require("../src/cli/main.ts").main(process.argv.slice(2));
}
