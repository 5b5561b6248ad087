/**
 * Memory bounds for the long-running server, applied before anything loads. Under load V8 grows its
 * young generation to 64 MiB per semi-space and lets the old generation reach about four times
 * what is live before collecting it, and glibc keeps an arena for each libuv thread that hashed a
 * password (argon2id takes 19 MiB): an instance went from 160 MB to 480 MB in its first half minute
 * at 100 connections. With these bounds it stays near 230 MB at about 4 % less throughput (measured
 * in docs/performance.md). They can be set at process start only, so `tenet start` re-executes
 * itself once, in place (same PID), with them, and with a later optimisation of WebAssembly (the
 * embedded database), which made a start cost twice the CPU it needs.
 */

/** V8 options, each with the name an operator's own setting of it would contain. */
export const V8_BOUNDS: readonly { name: string; flag: string }[] = [
  // A young generation of 2 × 16 MiB instead of up to 2 × 64 MiB.
  { name: 'semi-space-size', flag: '--max-semi-space-size=16' },
  // Collect the old generation when it has doubled since the last collection, not quadrupled.
  { name: 'heap-growing-percent', flag: '--heap-growing-percent=100' },
  // Optimise a WebAssembly function after ten times V8's default amount of execution: during a start
  // on the embedded database V8 optimised dozens of PGlite's functions on a second thread, its SQL
  // parser alone taking 2.4 s of CPU and 640 MB. Hot code is still optimised, a little later.
  { name: 'wasm-tiering-budget', flag: '--wasm-tiering-budget=130000000' },
];
/** glibc's arenas: two instead of eight per core. */
export const MALLOC_ARENAS = '2';
/** Set in the re-executed process, and by operators who want Node's defaults: never tune. */
export const TUNED_VARIABLE = 'TENET_RUNTIME_TUNED';

/** What to execute instead of this process, or null when it is already tuned or need not be. */
export function tunedExecution(
  argv: readonly string[],
  execArgv: readonly string[],
  env: NodeJS.ProcessEnv,
  platform: NodeJS.Platform = process.platform,
): { args: string[]; env: NodeJS.ProcessEnv } | null {
  // Only the server runs long enough to matter; only Linux has both glibc's arenas and execve.
  if (argv[2] !== 'start' || platform !== 'linux' || env[TUNED_VARIABLE]) return null;
  const [node = process.execPath, script = '', ...rest] = argv;
  const own = [...execArgv, env.NODE_OPTIONS ?? ''];
  const flags = V8_BOUNDS.filter(({ name }) => !own.some((option) => option.includes(name))).map(
    ({ flag }) => flag,
  );
  return {
    args: [node, ...flags, ...execArgv, script, ...rest],
    env: { ...env, MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX ?? MALLOC_ARENAS, [TUNED_VARIABLE]: '1' },
  };
}
