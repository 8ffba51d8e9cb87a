import type { LineageEdge, LineageStore, Refutation } from '../../ports/lineage-store.ts';
import { storageCall, type SqliteDatabase } from './sqlite-database.ts';

interface EdgeRow {
  root_id: string;
  from_node: string;
  to_node: string;
  relation: string;
  detail: string | null;
  at: string;
}

/** Lineage edges and refutations; an edge written twice is kept once. */
export class SqliteLineageStore implements LineageStore {
  readonly #database: SqliteDatabase;

  constructor(database: SqliteDatabase) {
    this.#database = database;
  }

  async addEdges(edges: readonly LineageEdge[]): Promise<void> {
    if (edges.length === 0) return;
    storageCall('saving lineage', () =>
      this.#database.transaction(() => {
        const insert = this.#database.statement(
          'INSERT INTO lineage_edges (root_id, from_node, to_node, relation, detail, at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
        );
        for (const edge of edges) {
          insert.run(
            edge.rootId,
            edge.from,
            edge.to,
            edge.relation,
            edge.detail ? JSON.stringify(edge.detail) : null,
            edge.at,
          );
        }
      }),
    );
  }

  async listEdges(rootId: string): Promise<LineageEdge[]> {
    const rows = storageCall('reading lineage', () =>
      this.#database
        .statement('SELECT * FROM lineage_edges WHERE root_id = ? ORDER BY at, from_node, to_node')
        .all(rootId),
    ) as unknown as EdgeRow[];
    return rows.map((row) => ({
      rootId: row.root_id,
      from: row.from_node,
      to: row.to_node,
      relation: row.relation as LineageEdge['relation'],
      ...(row.detail === null ? {} : { detail: JSON.parse(row.detail) as Record<string, unknown> }),
      at: row.at,
    }));
  }

  async addRefutation(refutation: Refutation): Promise<void> {
    storageCall('saving a refutation', () =>
      this.#database
        .statement('INSERT INTO refutations (id, root_id, assumption_id, reason, at) VALUES (?, ?, ?, ?, ?)')
        .run(refutation.id, refutation.rootId, refutation.assumptionId, refutation.reason, refutation.at),
    );
  }

  async listRefutations(rootId: string): Promise<Refutation[]> {
    const rows = storageCall('reading refutations', () =>
      this.#database.statement('SELECT * FROM refutations WHERE root_id = ? ORDER BY at, id').all(rootId),
    ) as Array<{ id: string; root_id: string; assumption_id: string; reason: string; at: string }>;
    return rows.map((row) => ({
      id: row.id,
      rootId: row.root_id,
      assumptionId: row.assumption_id,
      reason: row.reason,
      at: row.at,
    }));
  }
}
