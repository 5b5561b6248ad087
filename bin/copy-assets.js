#!/usr/bin/env node
// Copies what tsc does not emit (SQL migrations, the reference page's script) into dist/, beside
// the JavaScript that reads them from its own folder.
import { cpSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..');
const assetPattern = /\.(sql|js|css|html|json)$/;

function copyAssets(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) copyAssets(path);
    else if (assetPattern.test(entry.name)) {
      cpSync(path, join(root, 'dist', relative(join(root, 'src'), path)));
    }
  }
}

copyAssets(join(root, 'src'));
