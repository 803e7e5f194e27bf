import { Intentos, RegistroDeIntentos } from '../../src/domain/intentos-de-acceso';

/** RegistroDeIntentos in memory: one process, so every change is atomic by itself. */
export class InMemoryIntentos implements RegistroDeIntentos {
  readonly stored = new Map<string, Intentos>();

  async cambiar(
    claves: readonly string[],
    cambio: (
      actuales: ReadonlyMap<string, Intentos | null>,
    ) => ReadonlyMap<string, Intentos | null>,
  ): Promise<ReadonlyMap<string, Intentos | null>> {
    const nuevos = cambio(new Map(claves.map((clave) => [clave, this.stored.get(clave) ?? null])));
    for (const [clave, intentos] of nuevos) {
      if (intentos) this.stored.set(clave, intentos);
      else this.stored.delete(clave);
    }
    return nuevos;
  }

  async olvidarAnterioresA(antes: number): Promise<number> {
    const viejas = [...this.stored].filter(
      ([, intentos]) => intentos.ultimo < antes && intentos.bloqueadoHasta < antes,
    );
    for (const [clave] of viejas) this.stored.delete(clave);
    return viejas.length;
  }
}
