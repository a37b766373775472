#!/usr/bin/env node
/**
 * Makes sure the tests have a Chromium to run in: `$CHROMIUM_PATH`, or Debian's `chromium`
 * package at /usr/bin/chromium. Tests never download a browser of their own (that needs a
 * network this project does not assume). On a Debian-like machine, running as root, the package
 * is installed with apt-get; elsewhere this prints what to do and fails.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (existsSync(path)) process.exit(0);

const canApt = existsSync('/usr/bin/apt-get') && process.getuid?.() === 0;
if (!canApt || process.env.CHROMIUM_PATH) {
  console.error(
    `No Chromium at ${path}.\n` +
      'Install Debian/Ubuntu\'s package (sudo apt-get install -y chromium) or point CHROMIUM_PATH at a Chromium or Chrome binary.',
  );
  process.exit(1);
}
console.log('Installing Chromium from Debian packages (apt-get install chromium)…');
const apt = (...args) =>
  execFileSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
apt('update', '-qq');
apt('install', '-y', '-qq', '--no-install-recommends', 'chromium');
if (!existsSync(path)) {
  console.error(`apt-get finished but ${path} is still missing.`);
  process.exit(1);
}
