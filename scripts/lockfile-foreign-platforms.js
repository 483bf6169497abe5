#!/usr/bin/env node
// The npm registry reachable from this project's machines lacks some packages' builds for
// other platforms (darwin, win32, …), so `npm install` cannot record them and `npm ci` then
// refuses the lockfile as out of sync. This adds a lockfile entry for each such optional
// platform package, with the os/cpu its name declares: npm ci skips them on every platform
// they do not match, so they are never fetched here. Run after `npm install` changes the lock.
const fs = require('node:fs');
const path = require('node:path');

const lockPath = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(lockPath, 'utf8'));

const OS = ['darwin', 'win32', 'linux', 'freebsd', 'android', 'openharmony', 'sunos', 'netbsd', 'openbsd', 'aix'];
const CPU = [
  ['x64', 'x64'],
  ['arm64', 'arm64'],
  ['ia32', 'ia32'],
  ['arm-', 'arm'],
  ['ppc64', 'ppc64'],
  ['s390x', 's390x'],
  ['riscv64', 'riscv64'],
  ['loong64', 'loong64'],
  ['wasm32', 'wasm32'],
];

function platformOf(name) {
  const base = name.split('/').pop();
  const os = OS.find((o) => base.includes(`-${o}-`) || base.endsWith(`-${o}`));
  const cpu = CPU.find(([token]) => base.includes(`-${token}`) || base.endsWith(`-${token.replace('-', '')}`));
  const entry = {};
  if (os) entry.os = [os];
  if (cpu) entry.cpu = [cpu[1]];
  if (/musl/.test(base)) entry.libc = ['musl'];
  else if (/-gnu/.test(base) && os === 'linux') entry.libc = ['glibc'];
  return entry;
}

let added = 0;
for (const [location, pkg] of Object.entries(lock.packages)) {
  for (const [dep, range] of Object.entries(pkg.optionalDependencies ?? {})) {
    const nested = `${location}/node_modules/${dep}`;
    const hoisted = `node_modules/${dep}`;
    if (lock.packages[nested] || lock.packages[hoisted]) continue;
    const platform = platformOf(dep);
    if (!platform.os && !platform.cpu) continue; // not a platform build: leave real gaps visible
    lock.packages[hoisted] = { version: range.replace(/^[\^~=]/, ''), ...platform, dev: pkg.dev, optional: true };
    if (!pkg.dev) delete lock.packages[hoisted].dev;
    added++;
  }
}

lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
fs.writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(`added ${added} foreign-platform optional packages to package-lock.json\n`);
