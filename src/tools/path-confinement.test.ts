import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NovaError } from '../domain/nova-error.ts';
import {
  isInsideRoot,
  projectRelative,
  resolveInsideProject,
  resolveNewPathInsideProject,
} from './path-confinement.ts';
import type { ProjectRef } from './tool.ts';

let base: string;
let root: string;
let project: ProjectRef;

beforeAll(() => {
  base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nova-confinement-')));
  root = path.join(base, 'acme');
  fs.mkdirSync(path.join(root, 'src/deep'), { recursive: true });
  fs.writeFileSync(path.join(root, 'src/deep/index.ts'), 'export {};\n');
  fs.writeFileSync(path.join(root, 'README.md'), '# Acme\n');
  fs.mkdirSync(path.join(base, 'acme2'));
  fs.writeFileSync(path.join(base, 'acme2/secret.txt'), 'sibling secret');
  fs.writeFileSync(path.join(base, 'outside.txt'), 'outside secret');
  // Links that leave the root: a file, a folder, a relative link, a sibling whose name shares the prefix.
  fs.symlinkSync(path.join(base, 'outside.txt'), path.join(root, 'escape.txt'));
  fs.symlinkSync(base, path.join(root, 'escape-dir'));
  fs.symlinkSync('../../outside.txt', path.join(root, 'src/relative-escape.txt'));
  fs.symlinkSync(path.join(base, 'acme2'), path.join(root, 'src/sibling'));
  fs.symlinkSync(path.join(base, 'nowhere'), path.join(root, 'dangling'));
  // Links that stay inside.
  fs.symlinkSync(path.join(root, 'README.md'), path.join(root, 'readme-link.md'));
  fs.symlinkSync('deep', path.join(root, 'src/shortcut'));
  fs.symlinkSync('loop-b', path.join(root, 'loop-a'));
  fs.symlinkSync('loop-a', path.join(root, 'loop-b'));
  project = { id: 'acme', name: 'Acme', root, docs: [], tags: [] };
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

async function refusal(promise: Promise<unknown>): Promise<NovaError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof NovaError)) throw new Error(`expected a NovaError, got ${String(error)}`);
  return error;
}

describe('resolveInsideProject', () => {
  it('returns the real absolute path of files and folders inside the root', async () => {
    expect(await resolveInsideProject(project, 'README.md')).toBe(path.join(root, 'README.md'));
    expect(await resolveInsideProject(project, './src/deep/')).toBe(path.join(root, 'src/deep'));
    expect(await resolveInsideProject(project, '.')).toBe(root);
    expect(await resolveInsideProject(project, 'src/./deep//index.ts')).toBe(
      path.join(root, 'src/deep/index.ts'),
    );
  });

  it('follows symbolic links that stay inside the root to their real target', async () => {
    expect(await resolveInsideProject(project, 'readme-link.md')).toBe(path.join(root, 'README.md'));
    expect(await resolveInsideProject(project, 'src/shortcut/index.ts')).toBe(
      path.join(root, 'src/deep/index.ts'),
    );
  });

  it.each([
    ['../outside.txt', 'contains ".."'],
    ['src/../../outside.txt', 'contains ".."'],
    ['src/..', 'contains ".."'],
    ['..\\outside.txt', 'contains ".."'],
    ['/etc/passwd', 'is absolute'],
    [path.join(os.tmpdir(), 'README.md'), 'is absolute'],
    ['C:\\Windows\\win.ini', 'is absolute'],
    ['\\\\server\\share\\file', 'is absolute'],
    ['README.md\0.png', 'NUL byte'],
  ])('refuses %j before touching the disk (%s)', async (requested, why) => {
    const error = await refusal(resolveInsideProject(project, requested));
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toContain(why);
    expect(error.message).toContain('stay inside project "acme"');
  });

  it.each([
    'escape.txt',
    'escape-dir',
    'escape-dir/outside.txt',
    'escape-dir/acme2/secret.txt',
    'src/relative-escape.txt',
    'src/sibling/secret.txt',
  ])('refuses %j, a symbolic link whose target lies outside the root', async (requested) => {
    const error = await refusal(resolveInsideProject(project, requested));
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toContain(`path "${requested}" is refused`);
    expect(error.message).toContain('outside the project');
    // The model must not learn where the link points.
    expect(error.message).not.toContain(base);
  });

  it('does not take a sibling folder sharing the root as a prefix for the inside', async () => {
    expect(isInsideRoot('/projects/acme', '/projects/acme2/secret.txt')).toBe(false);
    expect(isInsideRoot('/projects/acme', '/projects/acme')).toBe(true);
    expect(isInsideRoot('/projects/acme', '/projects/acme/x')).toBe(true);
    expect(isInsideRoot('/', '/etc')).toBe(true);
    // Through the real file system: a project whose root is a prefix of the sibling's name.
    const sibling = { ...project, id: 'acme2', root: path.join(base, 'acme2') };
    expect(await resolveInsideProject(sibling, 'secret.txt')).toBe(path.join(base, 'acme2/secret.txt'));
    expect((await refusal(resolveInsideProject(project, 'src/sibling/secret.txt'))).code).toBe('FORBIDDEN');
  });

  it('reports missing paths as NOT_FOUND, naming the path', async () => {
    for (const missing of ['nope.md', 'src/nope/index.ts', 'README.md/inside-a-file', 'dangling']) {
      const error = await refusal(resolveInsideProject(project, missing));
      expect(error.code, missing).toBe('NOT_FOUND');
      expect(error.message).toContain(`"${missing}" does not exist in project "acme"`);
    }
  });

  it('refuses a loop of symbolic links instead of failing with a raw error', async () => {
    const error = await refusal(resolveInsideProject(project, 'loop-a'));
    expect(error.code).toBe('FORBIDDEN');
    expect(error.message).toContain('loop');
  });

  it('says so when the project root itself is missing', async () => {
    const gone = { ...project, id: 'gone', root: path.join(base, 'gone') };
    const error = await refusal(resolveInsideProject(gone, 'README.md'));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toContain('root folder of project "gone"');
  });
});

describe('resolveNewPathInsideProject', () => {
  it('resolves a path that does not exist yet under its nearest existing parent', async () => {
    expect(await resolveNewPathInsideProject(project, 'src/new/file.ts')).toBe(
      path.join(root, 'src/new/file.ts'),
    );
    expect(await resolveNewPathInsideProject(project, 'src/shortcut/new.ts')).toBe(
      path.join(root, 'src/deep/new.ts'),
    );
    expect(await resolveNewPathInsideProject(project, 'README.md')).toBe(path.join(root, 'README.md'));
  });

  it('refuses new paths that would land outside the root', async () => {
    for (const requested of [
      'escape-dir/new.txt',
      'src/sibling/new.txt',
      'dangling',
      'dangling/new.txt',
      '../new.txt',
      '/tmp/new.txt',
    ]) {
      const error = await refusal(resolveNewPathInsideProject(project, requested));
      expect(error.code, requested).toBe('FORBIDDEN');
    }
  });
});

describe('projectRelative', () => {
  it('shows paths relative to the root with forward slashes', () => {
    expect(projectRelative(project, path.join(root, 'src', 'deep', 'index.ts'))).toBe('src/deep/index.ts');
    expect(projectRelative(project, root)).toBe('.');
  });
});

describe('looksLikeSecretFile', () => {
  it('flags the usual credential files and nothing else', async () => {
    const { looksLikeSecretFile } = await import('./path-confinement.ts');
    for (const name of [
      '.env',
      'app/.env.local',
      'deploy/key.pem',
      'id_rsa',
      'config/credentials.json',
      'secrets.yaml',
      '.npmrc',
    ]) {
      expect(looksLikeSecretFile(name), name).toBe(true);
    }
    for (const name of ['README.md', 'src/env.ts', 'docs/keys-and-locks.md', 'environment.md']) {
      expect(looksLikeSecretFile(name), name).toBe(false);
    }
  });
});
