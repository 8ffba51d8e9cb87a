import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { hashEmbedder } from '../adapters/models/embedders.ts';
import { openSqliteDatabase, type SqliteDatabase } from '../adapters/sqlite/sqlite-database.ts';
import { SqliteMemoryStore } from '../adapters/sqlite/sqlite-memory-store.ts';
import { MemoryService } from './memory-service.ts';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function setup(options: { embed?: boolean } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nova-memory-'));
  const database: SqliteDatabase = openSqliteDatabase(path.join(dir, 'nova.db'));
  cleanups.push(() => {
    database.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  let now = Date.parse('2026-11-22T10:00:00Z');
  let counter = 0;
  const store = new SqliteMemoryStore(database);
  const service = new MemoryService({
    store,
    files: store,
    ...(options.embed ? { embedder: hashEmbedder(256) } : {}),
    clock: { now: () => now, sleep: () => Promise.resolve() },
    ids: { next: (prefix) => `${prefix}_${String(++counter).padStart(4, '0')}` },
  });
  return { dir, database, service, advance: (ms: number) => (now += ms) };
}

describe('MemoryService', () => {
  it('deduplicates identical and near-identical writes in a scope, not across scopes', async () => {
    const { service } = setup();
    const first = await service.write({
      scope: 'global',
      kind: 'fact',
      text: 'The Acme ERP runs on PostgreSQL 16.',
      author: 'owner',
    });
    expect(first.outcome).toBe('created');
    expect(
      (
        await service.write({
          scope: 'global',
          kind: 'fact',
          text: 'the acme ERP runs on postgresql 16',
          author: 'owner',
        })
      ).outcome,
    ).toBe('duplicate');
    expect(
      (
        await service.write({
          scope: 'global',
          kind: 'fact',
          text: 'The Acme ERP runs on PostgreSQL 16 today.',
          author: 'owner',
        })
      ).outcome,
    ).toBe('duplicate');
    expect(
      (
        await service.write({
          scope: 'project:acme',
          kind: 'fact',
          text: 'The Acme ERP runs on PostgreSQL 16.',
          author: 'owner',
        })
      ).outcome,
    ).toBe('created');
  });

  it('supersedes a decision with the same key, keeps the history, and retrieves only the current one', async () => {
    const { service, advance } = setup();
    const old = await service.write({
      scope: 'project:acme',
      kind: 'decision',
      key: 'db-engine',
      text: 'Acme will use MariaDB for the ERP database.',
      author: 'owner',
    });
    advance(86_400_000);
    const changed = await service.write({
      scope: 'project:acme',
      kind: 'decision',
      key: 'db-engine',
      text: 'Acme switches the ERP database to PostgreSQL.',
      author: 'owner',
    });
    expect(changed).toMatchObject({ outcome: 'superseded', previous: { id: old.item.id } });
    const found = await service.search('ERP database', { scopes: ['project:acme'], limit: 5 });
    expect(found.map((hit) => hit.item.id)).toEqual([changed.item.id]);
    const withHistory = await service.search('ERP database', {
      scopes: ['project:acme'],
      limit: 5,
      includeHistory: true,
    });
    expect(withHistory).toHaveLength(2);
    expect((await service.history(old.item.id)).map((item) => item.text)).toEqual([
      'Acme will use MariaDB for the ERP database.',
      'Acme switches the ERP database to PostgreSQL.',
    ]);
    expect((await service.get(old.item.id)).supersededBy).toBe(changed.item.id);
  });

  it('searches only the scopes asked for, and forgets items', async () => {
    const { service } = setup();
    await service.write({
      scope: 'project:acme',
      kind: 'fact',
      text: 'Acme invoices are due in 30 days.',
      author: 'owner',
    });
    const globex = await service.write({
      scope: 'project:globex',
      kind: 'fact',
      text: 'Globex invoices are due in 14 days.',
      author: 'owner',
    });
    expect(
      (await service.search('invoices due', { scopes: ['project:acme'], limit: 5 })).map(
        (hit) => hit.item.text,
      ),
    ).toEqual(['Acme invoices are due in 30 days.']);
    await service.forget(globex.item.id);
    expect(await service.search('Globex invoices', { scopes: ['project:globex'], limit: 5 })).toEqual([]);
    await expect(service.forget(globex.item.id)).rejects.toThrow(/already forgotten/);
    await expect(
      service.write({ scope: 'everything', kind: 'fact', text: 'x', author: 'owner' }),
    ).rejects.toThrow(/not a memory scope/);
  });

  it('finds by meaning when embeddings are on, fusing text and vector hits, embedding each content once', async () => {
    const { service, database } = setup({ embed: true });
    await service.write({
      scope: 'global',
      kind: 'preference',
      text: 'The accountant prefers invoices as PDF attachments.',
      author: 'owner',
    });
    await service.write({
      scope: 'global',
      kind: 'fact',
      text: 'Office plants need water every Monday.',
      author: 'owner',
    });
    const hits = await service.search('accountant invoices PDF', { scopes: ['global'], limit: 2 });
    expect(hits[0]?.item.text).toContain('accountant');
    expect(hits[0]?.via).toEqual(expect.arrayContaining(['text', 'vector']));
    const count = (database.statement('SELECT COUNT(*) AS n FROM memory_embeddings').get() as { n: number })
      .n;
    expect(count).toBe(2);
    expect(await service.embedPending()).toBe(0);
  });

  it('indexes a project incrementally: unchanged files are not re-read, changed ones re-chunked, deleted ones removed', async () => {
    const { service, dir } = setup();
    const root = path.join(dir, 'acme');
    fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
    fs.writeFileSync(path.join(root, 'docs', 'go-live.md'), '# Go-live\nThe go-live is on 1 December.\n');
    fs.writeFileSync(path.join(root, 'docs', 'vat.md'), '# VAT\nVAT mapping is owned by the client.\n');
    fs.writeFileSync(path.join(root, '.env'), 'TOKEN=secret\n');
    const project = { id: 'acme', name: 'Acme', root, docs: [], tags: [] };
    expect(await service.indexProject(project)).toMatchObject({
      files: 2,
      read: 2,
      unchanged: 0,
      removed: 0,
      chunks: 2,
    });
    expect(await service.indexProject(project)).toMatchObject({ read: 0, unchanged: 2 });
    fs.writeFileSync(path.join(root, 'docs', 'go-live.md'), '# Go-live\nThe go-live moved to 8 December.\n');
    fs.rmSync(path.join(root, 'docs', 'vat.md'));
    expect(await service.indexProject(project)).toMatchObject({
      read: 1,
      unchanged: 0,
      removed: 1,
      chunks: 1,
    });
    const hits = await service.search('go-live December', { scopes: ['project:acme'], limit: 5 });
    expect(hits.map((hit) => hit.item.text)).toEqual(['# Go-live\nThe go-live moved to 8 December.']);
    expect(hits[0]?.item.location).toEqual({
      projectId: 'acme',
      path: 'docs/go-live.md',
      startLine: 1,
      endLine: 3,
    });
    expect(await service.search('VAT mapping', { scopes: ['project:acme'], limit: 5 })).toEqual([]);
    expect(await service.search('TOKEN secret', { scopes: ['project:acme'], limit: 5 })).toEqual([]);
  });
});
