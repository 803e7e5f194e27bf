import { ExpedienteAbierto, Outcome } from '../model/expedientes';
import { CallContext } from '../ports/caller';
import { ArchivoEntrante, DocumentsApi } from '../ports/documents-api';
import { ExpedientesApi, SolicitudDeApertura } from '../ports/expedientes-api';

/** A request whose files stream in first and whose data is known once they have been read. */
export interface FormularioConArchivos<TDatos> {
  readonly archivos: AsyncIterable<ArchivoEntrante>;
  /** Valid data; asked for only once every file has been read. */
  datos(): TDatos;
}

export type DatosDeApertura = Omit<SolicitudDeApertura, 'documentIds'>;

/**
 * Opens an expediente with the files that come with the request: each file is streamed to
 * documents as it arrives (staged there), then expedientes opens the expediente with them.
 * When the data is refused or the opening fails, the staged files are left to documents'
 * sweeper, which removes uploads no expediente claims.
 */
export class OpenExpediente {
  constructor(
    private readonly documents: DocumentsApi,
    private readonly expedientes: ExpedientesApi,
  ) {}

  async execute(
    formulario: FormularioConArchivos<DatosDeApertura>,
    call: CallContext,
  ): Promise<Outcome<ExpedienteAbierto>> {
    const documentIds: string[] = [];
    for await (const archivo of formulario.archivos) {
      documentIds.push((await this.documents.upload(archivo, call)).documentId);
    }
    return this.expedientes.open({ ...formulario.datos(), documentIds }, call);
  }
}
