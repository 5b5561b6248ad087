import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Project } from '../kit/project.ts';

/** The names a project's configuration may have, looked up in this order in the current folder. */
export const PROJECT_FILES = ['tenet.config.ts', 'tenet.config.js', 'tenet.config.mjs'] as const;

/** A project's configuration that cannot be used; the message names the file and what is wrong. */
export class ProjectError extends Error {}

/** The project of a folder, its migration folders made absolute; `undefined` without a `tenet.config`. */
export async function loadProject(folder: string): Promise<(Project & { file: string }) | undefined> {
  const name = PROJECT_FILES.find((candidate) => existsSync(join(folder, candidate)));
  if (name === undefined) return undefined;
  const file = resolve(folder, name);
  let exported: unknown;
  try {
    exported = ((await import(pathToFileURL(file).href)) as { default?: unknown }).default;
  } catch (error) {
    throw new ProjectError(`${name} could not be loaded: ${(error as Error).message}`);
  }
  const project = exported as Partial<Project> | undefined;
  if (
    typeof project !== 'object' ||
    project === null ||
    !Array.isArray(project.modules) ||
    !Array.isArray(project.migrations) ||
    !project.migrations.every((entry) => typeof entry === 'string')
  ) {
    throw new ProjectError(`${name} must export default defineProject({ modules, migrations })`);
  }
  const migrations = project.migrations.map((entry) => resolve(folder, entry));
  for (const [index, path] of migrations.entries()) {
    if (!existsSync(path) || !statSync(path).isDirectory()) {
      throw new ProjectError(`${name}: the migrations folder "${project.migrations[index]}" does not exist`);
    }
  }
  return { modules: project.modules, migrations, file };
}
