import { CalendarioLaboral, EnvelopeFactory, silentLogger } from '@expedientes/shared-kernel';
import { BpmMessages } from '../../src/application/bpm-messages';
import { PlazosAbiertos, RecountPlazos } from '../../src/application/recount-plazos/recount-plazos';
import { Procedimiento } from '../../src/domain/procedimiento';
import { Proceso } from '../../src/domain/proceso';
import { ReglaDePlazos } from '../../src/domain/regla-de-plazos';
import { InMemoryBpmStore } from '../support/in-memory-bpm-store';
import { ProcedimientoMother } from '../support/procedimiento-mother';
import { usuarios } from '../support/usuarios';

const madrid = (festivos: string[]) =>
  new ReglaDePlazos(new CalendarioLaboral(festivos), 'Europe/Madrid');
const conLaInmaculada = madrid(['2026-12-08']);
// Friday 4 December 2026, 10:00 in Madrid.
const viernes = new Date('2026-12-04T09:00:00Z');

// The shipped version 3, but technical analysis without plazo and validation in 5 naturales.
const definicion = ProcedimientoMother.estandarConPlazosDefinicion();
const procedimiento = Procedimiento.definir({
  ...definicion,
  fases: definicion.fases.map((fase) =>
    fase.codigo === 'ANALISIS_TECNICO'
      ? { ...fase, plazo: undefined }
      : fase.codigo === 'VALIDACION'
        ? { ...fase, plazo: { dias: 5, computo: 'naturales' } }
        : fase,
  ),
});

const iniciado = (expedienteId = 'exp-1', plazos = conLaInmaculada) =>
  Proceso.iniciar({
    expedienteId,
    sagaId: `saga-${expedienteId}`,
    procedimiento,
    por: usuarios.tramitadora.userId,
    at: viernes,
    plazos,
  });

describe('the plazos of a process', () => {
  it('counts the plazo of each phase it enters on the working calendar', () => {
    const proceso = iniciado();
    // 10 días hábiles from Monday the 7th, skipping the 8th and the weekends: the 21st.
    expect(proceso.vencimiento).toBe('2026-12-21');
    const [iniciadoEvent] = proceso.pullDomainEvents();
    expect(iniciadoEvent.data).toMatchObject({ vencimiento: '2026-12-21' });

    const sinPlazo = proceso.cambiarDeFase(
      'ANALISIS_TECNICO',
      usuarios.tramitadora,
      new Date('2026-12-09T08:00:00Z'),
      conLaInmaculada,
    );
    expect(sinPlazo.vencimiento).toBeNull();
    expect(proceso.vencimiento).toBeNull();

    // 5 naturales from Thursday the 10th end on Tuesday the 15th.
    const validacion = proceso.cambiarDeFase(
      'VALIDACION',
      usuarios.tramitadora,
      new Date('2026-12-10T12:00:00Z'),
      conLaInmaculada,
    );
    expect(validacion.vencimiento).toBe('2026-12-15');
    expect(proceso.historial.map((paso) => paso.vencimiento)).toEqual([
      '2026-12-21',
      null,
      '2026-12-15',
    ]);
  });

  it('counts it again when the calendar changes, saying so once', () => {
    const proceso = iniciado();
    proceso.pullDomainEvents();
    const conFiestaLocal = madrid(['2026-12-08', '2026-12-10']);

    expect(proceso.recalcularPlazo(conFiestaLocal, viernes)).toBe(true);
    expect(proceso.vencimiento).toBe('2026-12-22');
    expect(proceso.pullDomainEvents()).toEqual([
      {
        type: 'bpm.plazo.recalculado',
        occurredAt: viernes.toISOString(),
        data: { expedienteId: 'exp-1', fase: 'INICIAL', paso: 0, vencimiento: '2026-12-22' },
      },
    ]);
    expect(proceso.recalcularPlazo(conFiestaLocal, viernes)).toBe(false);
    expect(proceso.pullDomainEvents()).toEqual([]);
  });

  it('refuses a plazo on a final phase', () => {
    expect(() =>
      Procedimiento.definir(
        ProcedimientoMother.with({
          fases: ProcedimientoMother.estandarDefinicion().fases.map((fase) =>
            fase.final ? { ...fase, plazo: { dias: 1, computo: 'naturales' } } : fase,
          ),
        }),
      ),
    ).toThrow('la fase FINALIZADO es final: no puede tener plazo');
  });
});

describe('RecountPlazos', () => {
  class PlazosEnMemoria implements PlazosAbiertos {
    guardada: string | null = 'huella-vieja';
    constructor(private readonly store: InMemoryBpmStore) {}
    async huella() {
      return this.guardada;
    }
    async guardarHuella(huella: string) {
      this.guardada = huella;
    }
    async conPlazo(despuesDe: string | null, limite: number) {
      return [...this.store.procesos.stored.values()]
        .filter((datos) => datos.estado === 'activo' && datos.historial.at(-1)?.vencimiento)
        .map((datos) => datos.expedienteId)
        .filter((id) => despuesDe === null || id > despuesDe)
        .sort()
        .slice(0, limite);
    }
  }

  const setup = async (plazos: ReglaDePlazos) => {
    const store = new InMemoryBpmStore();
    for (const id of ['exp-1', 'exp-2']) await store.procesos.save(iniciado(id));
    const abiertos = new PlazosEnMemoria(store);
    const messages = new BpmMessages(new EnvelopeFactory(() => 'id'));
    const recount = new RecountPlazos(
      abiertos,
      store,
      plazos,
      messages,
      () => viernes,
      silentLogger,
    );
    return { store, abiertos, recount };
  };

  it('moves every open plazo the new calendar changes, and publishes each', async () => {
    const { store, abiertos, recount } = await setup(madrid(['2026-12-08', '2026-12-10']));

    await expect(recount.execute('huella-nueva')).resolves.toBe(2);

    expect(abiertos.guardada).toBe('huella-nueva');
    expect(store.takeSent().map(({ envelope }) => [envelope.type, envelope.payload])).toEqual([
      [
        'bpm.plazo.recalculado',
        { expedienteId: 'exp-1', fase: 'INICIAL', paso: 0, vencimiento: '2026-12-22' },
      ],
      [
        'bpm.plazo.recalculado',
        { expedienteId: 'exp-2', fase: 'INICIAL', paso: 0, vencimiento: '2026-12-22' },
      ],
    ]);
    expect(store.procesos.stored.get('exp-1')?.historial[0].vencimiento).toBe('2026-12-22');
  });

  it('does nothing while the calendar is the one the plazos were counted on', async () => {
    const { store, recount } = await setup(madrid(['2026-12-08', '2026-12-10']));

    await expect(recount.execute('huella-vieja')).resolves.toBe(0);

    expect(store.takeSent()).toEqual([]);
    expect(store.procesos.stored.get('exp-1')?.historial[0].vencimiento).toBe('2026-12-21');
  });
});
