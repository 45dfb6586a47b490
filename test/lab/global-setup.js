// One screenshot folder for the whole run: $PYSWITCH_LAB_ARTIFACTS, else a new temp dir; printed once.
const fs = require('fs');
const os = require('os');
const path = require('path');

module.exports = async () => {
  const dir = process.env.PYSWITCH_LAB_ARTIFACTS || fs.mkdtempSync(path.join(os.tmpdir(), 'pyswitch-lab-artifacts-'));
  fs.mkdirSync(dir, { recursive: true });
  process.env.PYSWITCH_LAB_ARTIFACTS = dir; // the test files' processes inherit it
  process.stdout.write(`\npyswitch lab screenshots: ${dir}\n`);
};
