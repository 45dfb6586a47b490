// The browser suite (`npm run test:lab`): its files one at a time, each with its own server and Chromium.
// ts-jest comes from the kernel's own dev dependencies, puppeteer-core from this folder's.
const path = require('path');

module.exports = {
  rootDir: __dirname,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/specs/**/*.lab.ts'],
  transform: { '^.+\\.ts$': [require.resolve('ts-jest', { paths: [path.resolve(__dirname, '..', '..')] }), { tsconfig: path.join(__dirname, 'tsconfig.json') }] },
  globalSetup: '<rootDir>/global-setup.js',
  modulePathIgnorePatterns: ['<rootDir>/build/'],
  // Generous: under load (eight builds on two cores) one browser step can take tens of seconds; every wait
  // inside a test has its own deadline.
  testTimeout: 300000,
  maxWorkers: 1,
};
