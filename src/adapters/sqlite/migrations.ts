/**
 * Schema changes, applied in order, once each, inside a transaction, and recorded in
 * `schema_migrations`. To add tables (traces, memory, schedules, approvals, …) append one entry
 * with the next id; never edit or reorder one that has shipped, since databases in the field
 * already recorded it as applied. Ids must increase in list order (checked when a database opens).
 */
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}

export const migrations: readonly Migration[] = [
  {
    id: 1,
    name: 'runs and steps',
    sql: `
      CREATE TABLE runs (
        id TEXT PRIMARY KEY,
        agent TEXT NOT NULL,
        model TEXT NOT NULL,
        parent_run_id TEXT,
        root_run_id TEXT NOT NULL,
        status TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        owner TEXT NOT NULL,
        task TEXT NOT NULL,
        context TEXT NOT NULL,
        usage TEXT NOT NULL,
        outcome TEXT,
        error TEXT
      ) STRICT;
      CREATE INDEX runs_started ON runs (started_at DESC, id DESC);
      CREATE INDEX runs_status ON runs (status, started_at DESC);
      CREATE INDEX runs_agent ON runs (agent, started_at DESC);
      CREATE INDEX runs_parent ON runs (parent_run_id);
      CREATE TABLE steps (
        run_id TEXT NOT NULL REFERENCES runs (id),
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL,
        name TEXT NOT NULL,
        status TEXT NOT NULL,
        input TEXT NOT NULL,
        output TEXT,
        error TEXT,
        usage TEXT,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        duration_ms REAL,
        PRIMARY KEY (run_id, seq)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    id: 2,
    name: 'notes with full-text search',
    sql: `
      CREATE TABLE notes (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        text TEXT NOT NULL,
        tags TEXT NOT NULL,
        project_id TEXT,
        author TEXT NOT NULL,
        run_id TEXT,
        created_at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX notes_created ON notes (created_at DESC);
      CREATE VIRTUAL TABLE notes_fts USING fts5 (text, tags, content = 'notes', content_rowid = 'rowid');
      CREATE TRIGGER notes_after_insert AFTER INSERT ON notes BEGIN
        INSERT INTO notes_fts (rowid, text, tags) VALUES (new.rowid, new.text, new.tags);
      END;
    `,
  },
  {
    id: 3,
    name: 'run fingerprints for reuse',
    sql: `
      ALTER TABLE runs ADD COLUMN fingerprint TEXT;
      ALTER TABLE runs ADD COLUMN reused_from TEXT;
      CREATE INDEX runs_fingerprint ON runs (fingerprint, started_at DESC) WHERE fingerprint IS NOT NULL;
    `,
  },
  {
    id: 6,
    name: 'trace spans',
    sql: `
      CREATE TABLE spans (
        trace_id TEXT NOT NULL,
        span_id TEXT NOT NULL,
        parent_span_id TEXT,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        start_time TEXT NOT NULL,
        end_time TEXT,
        status TEXT NOT NULL,
        attributes TEXT NOT NULL,
        PRIMARY KEY (trace_id, span_id)
      ) STRICT;
      CREATE INDEX spans_start ON spans (trace_id, start_time);
    `,
  },
  {
    id: 7,
    name: 'pipeline runs, steps, effects, lineage, approvals',
    sql: `
      CREATE TABLE pipeline_runs (
        id TEXT PRIMARY KEY,
        pipeline TEXT NOT NULL,
        definition TEXT NOT NULL,
        definition_hash TEXT NOT NULL,
        input TEXT NOT NULL,
        status TEXT NOT NULL,
        owner TEXT NOT NULL,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        output TEXT,
        error TEXT,
        fork_of TEXT
      ) STRICT;
      CREATE INDEX pipeline_runs_started ON pipeline_runs (started_at DESC, id DESC);
      CREATE INDEX pipeline_runs_status ON pipeline_runs (status);
      CREATE TABLE pipeline_steps (
        run_id TEXT NOT NULL REFERENCES pipeline_runs (id),
        key TEXT NOT NULL,
        position INTEGER NOT NULL,
        step_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        attempt INTEGER NOT NULL,
        input TEXT,
        output TEXT,
        error TEXT,
        agent_run_ids TEXT NOT NULL,
        approval_id TEXT,
        reused_from TEXT,
        started_at TEXT NOT NULL,
        ended_at TEXT,
        PRIMARY KEY (run_id, key)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX pipeline_steps_position ON pipeline_steps (run_id, position);
      CREATE TABLE effects (
        key TEXT PRIMARY KEY,
        run_id TEXT NOT NULL,
        tool TEXT NOT NULL,
        input TEXT NOT NULL,
        status TEXT NOT NULL,
        output TEXT,
        started_at TEXT NOT NULL,
        ended_at TEXT
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE lineage_edges (
        root_id TEXT NOT NULL,
        from_node TEXT NOT NULL,
        to_node TEXT NOT NULL,
        relation TEXT NOT NULL,
        detail TEXT,
        at TEXT NOT NULL,
        PRIMARY KEY (root_id, from_node, to_node, relation)
      ) STRICT, WITHOUT ROWID;
      CREATE TABLE refutations (
        id TEXT PRIMARY KEY,
        root_id TEXT NOT NULL,
        assumption_id TEXT NOT NULL,
        reason TEXT NOT NULL,
        at TEXT NOT NULL
      ) STRICT;
      CREATE INDEX refutations_root ON refutations (root_id);
      CREATE TABLE approvals (
        id TEXT PRIMARY KEY,
        run_id TEXT NOT NULL,
        tool TEXT NOT NULL,
        input TEXT NOT NULL,
        reason TEXT NOT NULL,
        agent TEXT,
        key TEXT UNIQUE,
        sources TEXT,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        decision TEXT
      ) STRICT;
      CREATE INDEX approvals_pending ON approvals (created_at) WHERE decision IS NULL;
      ALTER TABLE notes ADD COLUMN idempotency_key TEXT;
      ALTER TABLE notes ADD COLUMN untrusted_sources TEXT;
      ALTER TABLE steps ADD COLUMN taint TEXT;
      CREATE TABLE clarifications (
        id TEXT PRIMARY KEY,
        text TEXT NOT NULL,
        project_id TEXT,
        question TEXT NOT NULL,
        candidates TEXT NOT NULL,
        created_at TEXT NOT NULL,
        answered_at TEXT,
        agent TEXT,
        run_id TEXT
      ) STRICT;
      CREATE UNIQUE INDEX notes_idempotency_key ON notes (idempotency_key) WHERE idempotency_key IS NOT NULL;
    `,
  },
  {
    id: 8,
    name: 'memory items, full-text and embeddings; indexed project files',
    sql: `
      CREATE TABLE memory_items (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        scope TEXT NOT NULL,
        kind TEXT NOT NULL,
        text TEXT NOT NULL,
        key TEXT,
        tags TEXT NOT NULL,
        confidence REAL NOT NULL,
        provenance TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        valid_from TEXT NOT NULL,
        valid_until TEXT,
        superseded_by TEXT,
        supersedes TEXT,
        location TEXT
      ) STRICT;
      CREATE INDEX memory_scope ON memory_items (scope, kind) WHERE valid_until IS NULL;
      CREATE INDEX memory_hash ON memory_items (scope, content_hash) WHERE valid_until IS NULL;
      CREATE INDEX memory_key ON memory_items (scope, kind, key) WHERE valid_until IS NULL AND key IS NOT NULL;
      CREATE VIRTUAL TABLE memory_fts USING fts5 (text, tags, content = 'memory_items', content_rowid = 'rowid', tokenize = 'porter unicode61');
      CREATE TRIGGER memory_after_insert AFTER INSERT ON memory_items BEGIN
        INSERT INTO memory_fts (rowid, text, tags) VALUES (new.rowid, new.text, new.tags);
      END;
      CREATE TRIGGER memory_after_delete AFTER DELETE ON memory_items BEGIN
        INSERT INTO memory_fts (memory_fts, rowid, text, tags) VALUES ('delete', old.rowid, old.text, old.tags);
      END;
      CREATE TABLE memory_embeddings (
        item_rowid INTEGER NOT NULL REFERENCES memory_items (rowid) ON DELETE CASCADE,
        model TEXT NOT NULL,
        content_hash TEXT NOT NULL,
        vector BLOB NOT NULL,
        PRIMARY KEY (item_rowid, model)
      ) STRICT;
      CREATE INDEX memory_embeddings_hash ON memory_embeddings (content_hash, model);
      CREATE TABLE indexed_files (
        project_id TEXT NOT NULL,
        path TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ms REAL NOT NULL,
        content_hash TEXT NOT NULL,
        chunk_ids TEXT NOT NULL,
        PRIMARY KEY (project_id, path)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    id: 9,
    name: 'reminders and inbox',
    sql: `
      CREATE TABLE schedules (
        id TEXT PRIMARY KEY,
        text TEXT NOT NULL,
        due_at TEXT NOT NULL,
        cron TEXT,
        time_zone TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        fired_at TEXT,
        cancelled_at TEXT
      ) STRICT;
      CREATE INDEX schedules_due ON schedules (due_at) WHERE fired_at IS NULL AND cancelled_at IS NULL;
      CREATE TABLE inbox (
        id TEXT PRIMARY KEY,
        schedule_id TEXT NOT NULL,
        text TEXT NOT NULL,
        due_at TEXT NOT NULL,
        fired_at TEXT NOT NULL,
        late INTEGER NOT NULL,
        acknowledged_at TEXT,
        UNIQUE (schedule_id, due_at)
      ) STRICT;
      CREATE INDEX inbox_unread ON inbox (fired_at) WHERE acknowledged_at IS NULL;
    `,
  },
  {
    id: 10,
    name: 'embedding cache',
    sql: `
      CREATE TABLE embedding_cache (
        model TEXT NOT NULL,
        text_hash TEXT NOT NULL,
        vector BLOB NOT NULL,
        created_at TEXT NOT NULL,
        PRIMARY KEY (model, text_hash)
      ) STRICT, WITHOUT ROWID;
    `,
  },
  {
    id: 11,
    name: 'to-do list',
    sql: `
      CREATE TABLE todos (
        id TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        project_id TEXT,
        priority TEXT NOT NULL,
        due TEXT,
        status TEXT NOT NULL,
        blocker TEXT,
        reason TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        created_by TEXT NOT NULL
      ) STRICT;
      CREATE INDEX todos_status ON todos (status, created_at);
    `,
  },
  {
    id: 12,
    name: 'e-mail drafts',
    sql: `
      CREATE TABLE email_drafts (
        id TEXT PRIMARY KEY,
        recipients TEXT NOT NULL,
        cc TEXT NOT NULL,
        subject TEXT NOT NULL,
        body TEXT NOT NULL,
        project_id TEXT,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        run_id TEXT,
        untrusted_sources TEXT
      ) STRICT;
      CREATE INDEX email_drafts_created ON email_drafts (created_at);
    `,
  },
];
