import type { Outbox, OutgoingMessage } from '@expedientes/shared-kernel';
import {
  type Migration,
  outboxMigrationsOf,
  type SqlDatabase,
  type SqlExecutor,
  type TransactionExecutor,
} from '@expedientes/shared-kernel/adapters/sql';
import type { DocumentoRepository } from '../../application/documento-repository';
import { type DatosDeDocumento, Documento, type VersionDeDocumento } from '../../domain/documento';
import { DocumentoModificadoALaVez } from '../../domain/errores';

export const documentosMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'documentos y sus versiones',
    up: [
      `CREATE TABLE documentos (
        id TEXT PRIMARY KEY,
        expediente_id TEXT,
        pendiente_desde INTEGER,
        revision INTEGER NOT NULL
      )`,
      'CREATE INDEX documentos_pendientes ON documentos (pendiente_desde)',
      `CREATE TABLE versiones_de_documento (
        documento_id TEXT NOT NULL REFERENCES documentos (id) ON DELETE CASCADE,
        version INTEGER NOT NULL,
        nombre TEXT NOT NULL,
        content_id TEXT NOT NULL,
        media_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        sha256 TEXT NOT NULL,
        subido_at INTEGER NOT NULL,
        subido_por TEXT NOT NULL,
        PRIMARY KEY (documento_id, version)
      )`,
    ],
  },
];

/** One row per version, with its document's columns: a single statement reads a consistent whole. */
interface Fila {
  id: string;
  expediente_id: string | null;
  pendiente_desde: number | null;
  revision: number;
  version: number;
  nombre: string;
  content_id: string;
  media_type: string;
  size: number;
  sha256: string;
  subido_at: number;
  subido_por: string;
}

const SELECT = `SELECT d.id, d.expediente_id, d.pendiente_desde, d.revision, v.version, v.nombre,
    v.content_id, v.media_type, v.size, v.sha256, v.subido_at, v.subido_por
  FROM documentos d JOIN versiones_de_documento v ON v.documento_id = d.id`;

function documentosDe(filas: readonly Fila[]): Documento[] {
  const porId = new Map<string, { datos: DatosDeDocumento; versiones: VersionDeDocumento[] }>();
  for (const fila of filas) {
    let entrada = porId.get(fila.id);
    if (!entrada) {
      const versiones: VersionDeDocumento[] = [];
      const datos: DatosDeDocumento = {
        id: fila.id,
        versiones,
        expedienteId: fila.expediente_id,
        pendienteDesde:
          fila.pendiente_desde === null ? null : new Date(Number(fila.pendiente_desde)),
        revision: Number(fila.revision),
      };
      entrada = { datos, versiones };
      porId.set(fila.id, entrada);
    }
    entrada.versiones.push({
      version: Number(fila.version),
      nombre: fila.nombre,
      contentId: fila.content_id,
      mediaType: fila.media_type,
      size: Number(fila.size),
      sha256: fila.sha256,
      subidoAt: new Date(Number(fila.subido_at)),
      subidoPor: fila.subido_por,
    });
  }
  return [...porId.values()].map(({ datos }) => Documento.desde(datos));
}

/**
 * The outbox table of earlier versions, named apart from bpm's in the platform's file; its
 * messages now go straight to the bus in each save's transaction.
 */
export const DOCUMENTS_OUTBOX = 'documents_outbox';

const marcadores = (count: number): string => Array.from({ length: count }, () => '?').join(', ');

/**
 * The documents in SQLite (the embedded mode). A save is one transaction: the documents, each
 * checked against the revision it was read at, and the messages, in `outbox` (the embedded
 * bus's own, on the same database).
 */
export class SqliteDocumentoRepository implements DocumentoRepository {
  private constructor(
    private readonly database: SqlDatabase,
    private readonly outbox: Outbox<TransactionExecutor>,
  ) {}

  /**
   * Creates or upgrades its tables, and the outbox table of earlier versions, whose relay
   * publishes what they left there.
   */
  static async open(
    database: SqlDatabase,
    outbox: Outbox<TransactionExecutor>,
  ): Promise<SqliteDocumentoRepository> {
    if (database.dialect !== 'sqlite') {
      throw new Error(`SqliteDocumentoRepository needs SQLite, not ${database.dialect}`);
    }
    await database.migrate('documents', documentosMigrations);
    await database.migrate(DOCUMENTS_OUTBOX, outboxMigrationsOf(DOCUMENTS_OUTBOX));
    return new SqliteDocumentoRepository(database, outbox);
  }

  async buscar(id: string): Promise<Documento | null> {
    return (await this.buscarVarios([id]))[0] ?? null;
  }

  async buscarVarios(ids: readonly string[]): Promise<Documento[]> {
    if (ids.length === 0) return [];
    const filas = await this.database.query<Fila>(
      `${SELECT} WHERE d.id IN (${marcadores(ids.length)}) ORDER BY d.id, v.version`,
      ids,
    );
    return documentosDe(filas);
  }

  async guardar(documentos: readonly Documento[], mensajes: readonly OutgoingMessage[]) {
    await this.database.transaction(async (tx) => {
      for (const documento of documentos) await guardarUno(tx, documento.datosParaGuardar());
      await this.outbox.enqueue(tx, mensajes);
    });
  }

  async abandonadosAntesDe(limite: Date): Promise<Documento[]> {
    const filas = await this.database.query<Fila>(
      `${SELECT} WHERE d.pendiente_desde < ? ORDER BY d.id, v.version`,
      [limite.getTime()],
    );
    return documentosDe(filas);
  }

  async eliminar(documento: Documento): Promise<boolean> {
    const { id, revision } = documento.datosParaGuardar();
    // Its versions go with it (ON DELETE CASCADE).
    const { affectedRows } = await this.database.execute(
      'DELETE FROM documentos WHERE id = ? AND revision = ?',
      [id, revision],
    );
    // Its content is removed next: the document's removal must be on the disk first, also
    // where the file's commits wait for the disk only when asked.
    await this.database.flush();
    return affectedRows === 1;
  }
}

async function guardarUno(tx: SqlExecutor, datos: DatosDeDocumento): Promise<void> {
  const pendienteDesde = datos.pendienteDesde?.getTime() ?? null;
  const { affectedRows } =
    datos.revision === 0
      ? await tx.execute(
          `INSERT OR IGNORE INTO documentos (id, expediente_id, pendiente_desde, revision)
           VALUES (?, ?, ?, 1)`,
          [datos.id, datos.expedienteId, pendienteDesde],
        )
      : await tx.execute(
          `UPDATE documentos SET expediente_id = ?, pendiente_desde = ?, revision = revision + 1
           WHERE id = ? AND revision = ?`,
          [datos.expedienteId, pendienteDesde, datos.id, datos.revision],
        );
  if (affectedRows !== 1) throw new DocumentoModificadoALaVez(datos.id);
  // Versions never change: the ones stored already are left as they are.
  for (const version of datos.versiones) {
    await tx.execute(
      `INSERT OR IGNORE INTO versiones_de_documento (documento_id, version, nombre, content_id,
         media_type, size, sha256, subido_at, subido_por) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        datos.id,
        version.version,
        version.nombre,
        version.contentId,
        version.mediaType,
        version.size,
        version.sha256,
        version.subidoAt.getTime(),
        version.subidoPor,
      ],
    );
  }
}
