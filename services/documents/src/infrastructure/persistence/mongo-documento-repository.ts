import { type OutgoingMessage } from '@expedientes/shared-kernel';
import type {
  IndexPlan,
  MongoConnection,
  MongoOutbox,
} from '@expedientes/shared-kernel/adapters/mongodb';
import type { DocumentoRepository } from '../../application/documento-repository';
import { Documento, type VersionDeDocumento } from '../../domain/documento';
import { DocumentoModificadoALaVez } from '../../domain/errores';

/** A document and its versions, in one MongoDB document: one write changes it whole. */
interface DocumentoEnMongo {
  _id: string;
  expedienteId: string | null;
  pendienteDesde: Date | null;
  revision: number;
  versiones: VersionDeDocumento[];
}

type Db = ReturnType<MongoConnection['db']>;

const COLLECTION = 'documentos';
const coleccion = (db: Db) => db.collection<DocumentoEnMongo>(COLLECTION);

/** Duck-typed, as the kernel's adapters do: the driver's error classes are its own business. */
const esClaveDuplicada = (error: unknown): boolean =>
  (error as { code?: unknown } | undefined)?.code === 11000;

const documentoDe = ({ _id, ...resto }: DocumentoEnMongo): Documento =>
  Documento.desde({ id: _id, ...resto });

/**
 * The documents in MongoDB (FerretDB in the distributed mode), which has no transactions:
 * every write is conditional on the revision read, and messages go to the outbox only after
 * the writes succeeded (a relay publishes them, so a change does not wait for the broker). A
 * handler that fails in between is run again by the bus (the command is acknowledged only
 * after it returned), finds its own writes done and enqueues them again.
 */
export class MongoDocumentoRepository implements DocumentoRepository {
  static readonly indexes: IndexPlan = {
    [COLLECTION]: [{ key: { pendienteDesde: 1 }, name: 'documentos_pendienteDesde_v1' }],
  };

  private readonly documentos: ReturnType<typeof coleccion>;

  constructor(
    db: Db,
    private readonly outbox: MongoOutbox,
    private readonly onEnqueued: () => void = () => undefined,
  ) {
    this.documentos = coleccion(db);
  }

  async buscar(id: string): Promise<Documento | null> {
    const encontrado = await this.documentos.findOne({ _id: id });
    return encontrado && documentoDe(encontrado);
  }

  /**
   * A lookup by `_id` for each, not one `$in`: FerretDB hands only equalities on to its
   * backend and applies `$in` itself to the whole collection, so each attachment read every
   * document ever uploaded; MongoDB serves both from the `_id` index.
   */
  async buscarVarios(ids: readonly string[]): Promise<Documento[]> {
    const encontrados = await Promise.all([...new Set(ids)].map((id) => this.buscar(id)));
    return encontrados.filter((documento): documento is Documento => documento !== null);
  }

  async guardar(documentos: readonly Documento[], mensajes: readonly OutgoingMessage[]) {
    for (const documento of documentos) await this.guardarUno(documento);
    await this.outbox.enqueue(mensajes);
    this.onEnqueued();
  }

  async abandonadosAntesDe(limite: Date): Promise<Documento[]> {
    const encontrados = await this.documentos
      .find({ expedienteId: null, pendienteDesde: { $lt: limite } })
      .toArray();
    return encontrados.map(documentoDe);
  }

  async eliminar(documento: Documento): Promise<boolean> {
    const { id, revision } = documento.datosParaGuardar();
    const { deletedCount } = await this.documentos.deleteOne({ _id: id, revision });
    return deletedCount === 1;
  }

  private async guardarUno(documento: Documento): Promise<void> {
    const { id, revision, ...resto } = documento.datosParaGuardar();
    const guardado: DocumentoEnMongo = {
      _id: id,
      ...resto,
      versiones: [...resto.versiones],
      revision: revision + 1,
    };
    if (revision === 0) {
      try {
        await this.documentos.insertOne(guardado);
      } catch (error) {
        throw esClaveDuplicada(error) ? new DocumentoModificadoALaVez(id) : error;
      }
      return;
    }
    const { matchedCount } = await this.documentos.replaceOne({ _id: id, revision }, guardado);
    if (matchedCount !== 1) throw new DocumentoModificadoALaVez(id);
  }
}
