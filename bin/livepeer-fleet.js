#!/usr/bin/env node
"use strict";
const path = require("path");
const fs = require("fs");
const compiled = path.join(__dirname, "..", "dist", "src", "cli", "main.js");
if (fs.existsSync(compiled)) {
  require(compiled).main(process.argv.slice(2));
} else {
  require("./register");
  require("../src/cli/main.ts").main(process.argv.slice(2));
}
