// Where tenet keeps Node's compile cache. Plain JavaScript: it runs before the cache is enabled, so
// TypeScript here would be stripped afresh on every start.
import { lstatSync, mkdirSync } from 'node:fs';
import { enableCompileCache } from 'node:module';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * The user's own cache folder for it (`$XDG_CACHE_HOME/tenet/node-compile-cache`, by default under
 * `~/.cache`), made 0700, or undefined when it cannot be made or another account could write to it.
 * Never Node's default, the shared temporary folder: V8 runs the compiled code it finds in the cache,
 * so whoever can write the folder first can run code in every later tenet process.
 * @param {NodeJS.ProcessEnv} env
 * @param {number | undefined} uid
 * @returns {string | undefined}
 */
export function privateCompileCacheDir(env = process.env, uid = process.getuid?.()) {
  const base =
    env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : join(homedir(), '.cache');
  const own = join(base, 'tenet');
  const dir = join(own, 'node-compile-cache');
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    for (const folder of [own, dir]) {
      const stat = lstatSync(folder);
      if (!stat.isDirectory()) return undefined;
      // POSIX only: owned by this account and writable by no one else (Windows has no such bits).
      if (uid !== undefined && (stat.uid !== uid || (stat.mode & 0o022) !== 0)) return undefined;
    }
    return dir;
  } catch {
    return undefined; // no home, a read-only disk: run without the cache
  }
}

/**
 * Enables the compile cache: in `NODE_COMPILE_CACHE` when the operator names one, off with
 * `NODE_DISABLE_COMPILE_CACHE=1`, else in {@link privateCompileCacheDir}. Returns the folder used.
 * @param {NodeJS.ProcessEnv} env
 * @returns {string | undefined}
 */
export function enableTenetCompileCache(env = process.env) {
  if (env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  // With no folder given, Node takes NODE_COMPILE_CACHE's.
  if (env.NODE_COMPILE_CACHE) return enableCompileCache().directory;
  const dir = privateCompileCacheDir(env);
  return dir === undefined ? undefined : enableCompileCache(dir).directory;
}
