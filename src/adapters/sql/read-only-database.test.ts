import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { readOnlyDatabaseContract } from '../../ports/read-only-database.contract.ts';
import mariadb, { type Connection } from 'mariadb';
import { MariaDbReadOnlyDatabase } from './mariadb-read-only-database.ts';
import { PostgresReadOnlyDatabase } from './postgres-read-only-database.ts';
import { SqliteReadOnlyDatabase } from './sqlite-read-only-database.ts';

const postgresUrl = process.env.NOVA_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const mariadbUrl = process.env.NOVA_TEST_MARIADB_URL ?? 'mariadb://root@127.0.0.1:3306/test';
const mariadbDatabase = `nova_ro_${process.pid}`;
let mariadbReachable = false;

async function mariadbAdmin(): Promise<Connection> {
  const url = new URL(mariadbUrl);
  return mariadb.createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username),
    password: decodeURIComponent(url.password),
    connectTimeout: 3_000,
    multipleStatements: true,
  });
}
const schema = `nova_ro_${process.pid}`;
let postgresReachable = false;

beforeAll(async () => {
  const admin = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 3_000 });
  try {
    await admin.connect();
  } catch (error) {
    // On a user's machine without PostgreSQL the suite is skipped; in CI it must run.
    if (process.env.CI === 'true')
      throw new Error(`PostgreSQL at ${postgresUrl} is required in CI`, { cause: error });
    console.warn(`PostgreSQL not reachable at ${postgresUrl}; skipping its ReadOnlyDatabase contract`);
    return;
  }
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.query(`CREATE TABLE ${schema}.items (id integer, name text)`);
  await admin.query(`INSERT INTO ${schema}.items VALUES (1, 'bolt'), (2, 'nut'), (3, 'washer')`);
  await admin.end();
  postgresReachable = true;
});

beforeAll(async () => {
  let admin: Connection;
  try {
    admin = await mariadbAdmin();
  } catch (error) {
    if (process.env.CI === 'true')
      throw new Error(`MariaDB at ${mariadbUrl} is required in CI`, { cause: error });
    console.warn(`MariaDB not reachable at ${mariadbUrl}; skipping its ReadOnlyDatabase contract`);
    return;
  }
  await admin.query(
    `DROP DATABASE IF EXISTS ${mariadbDatabase}; CREATE DATABASE ${mariadbDatabase}; CREATE TABLE ${mariadbDatabase}.items (id integer, name text); INSERT INTO ${mariadbDatabase}.items VALUES (1, 'bolt'), (2, 'nut'), (3, 'washer');`,
  );
  await admin.end();
  mariadbReachable = true;
});

afterAll(async () => {
  if (!mariadbReachable) return;
  const admin = await mariadbAdmin();
  await admin.query(`DROP DATABASE IF EXISTS ${mariadbDatabase}`);
  await admin.end();
});

afterAll(async () => {
  if (!postgresReachable) return;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

readOnlyDatabaseContract(
  'PostgreSQL',
  () =>
    Promise.resolve(
      postgresReachable
        ? new PostgresReadOnlyDatabase(`${postgresUrl}?options=-c%20search_path%3D${schema}`)
        : undefined,
    ),
  'SELECT pg_sleep(2)',
);

readOnlyDatabaseContract(
  'MariaDB',
  () => {
    const url = new URL(mariadbUrl);
    url.pathname = `/${mariadbDatabase}`;
    return Promise.resolve(mariadbReachable ? new MariaDbReadOnlyDatabase(url.toString()) : undefined);
  },
  'SELECT SLEEP(2)',
);

readOnlyDatabaseContract(
  'SQLite',
  () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nova-ro-')), 'erp.db');
    const writer = new DatabaseSync(file);
    writer.exec(
      "CREATE TABLE items (id integer, name text); INSERT INTO items VALUES (1, 'bolt'), (2, 'nut'), (3, 'washer');",
    );
    writer.close();
    return Promise.resolve(new SqliteReadOnlyDatabase(file));
  },
  // One row that takes seconds to compute.
  'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000000) SELECT count(*) FROM n',
);
