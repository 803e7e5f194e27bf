import type { Db } from 'mongodb';
import type { ExpedientesCerrados } from '../../application/expedientes-cerrados';

interface ExpedienteCerradoEnMongo {
  /** The expediente's id. */
  _id: string;
  cerradoAt: Date;
}

/** The ended expedientes in documents' MongoDB database, one document each. */
export class MongoExpedientesCerrados implements ExpedientesCerrados {
  constructor(private readonly db: Db) {}

  private get coleccion() {
    return this.db.collection<ExpedienteCerradoEnMongo>('expedientes_cerrados');
  }

  async cerrar(expedienteId: string, at: Date): Promise<void> {
    await this.coleccion.updateOne(
      { _id: expedienteId },
      { $setOnInsert: { cerradoAt: at } },
      { upsert: true },
    );
  }

  async estaCerrado(expedienteId: string): Promise<boolean> {
    return (await this.coleccion.countDocuments({ _id: expedienteId }, { limit: 1 })) > 0;
  }
}
