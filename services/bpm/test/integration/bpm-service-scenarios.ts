import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import {
  Actor,
  bpm,
  Consumer,
  Envelope,
  EnvelopeFactory,
  MessageBus,
  silentLogger,
  topics,
} from '@expedientes/shared-kernel';
import {
  createServiceHttpApp,
  JwtIdentityVerifier,
  Problem,
  ServiceMetrics,
  ServiceModule,
} from '@expedientes/shared-kernel/adapters/runtime';
import { TestTokenIssuer } from '@expedientes/shared-kernel/testing';
import { PayloadOf } from '../../src/application/bpm-messages';
import { ProcesoView } from '../../src/application/get-process/get-process-query';
import { BpmCommon, BpmInfrastructure, createBpmService } from '../../src/composition-root';
import {
  FaseEstandar,
  fases,
  fasesConPlazos,
  ProcedimientoMother,
} from '../support/procedimiento-mother';
import { usuarios } from '../support/usuarios';

/** What a scenario file provides: the infrastructure to run bpm on, and how to release it. */
export interface BpmTestInfrastructure {
  readonly infrastructure: BpmInfrastructure;
  /** The bus the other services would use; the same one bpm was given, or another member. */
  readonly bus: MessageBus;
  close(): Promise<void>;
}

const replyTypes = new Set(
  bpm.bpmContracts.filter((contract) => contract.kind === 'reply').map(({ type }) => type),
);
const eventTypes = new Set(
  bpm.bpmContracts.filter((contract) => contract.kind === 'event').map(({ type }) => type),
);

const eventually = async <T>(find: () => T | undefined, what: string, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/**
 * bpm as the other services see it: commands on bpm.commands as the expedientes sagas send
 * them, its replies and events read off the bus, its HTTP API called with real tokens.
 */
export function bpmServiceScenarios(
  name: string,
  open: () => Promise<BpmTestInfrastructure>,
): void {
  describe(name, () => {
    let opened: BpmTestInfrastructure;
    let module: ServiceModule;
    let server: Server;
    let baseUrl: string;
    let issuer: TestTokenIssuer;
    let collector: Consumer;
    const received: Envelope[] = [];
    /** bpm's clock: each step of a scenario sets it, so the history can be checked exactly. */
    let now = new Date('2025-03-01T09:00:00.000Z');
    const metrics = new ServiceMetrics('bpm');
    const envelopes = new EnvelopeFactory(randomUUID);

    beforeAll(async () => {
      opened = await open();
      issuer = await TestTokenIssuer.create();
      const common: BpmCommon = {
        logger: silentLogger,
        metrics,
        clock: () => now,
      };
      // The scenarios' days, March and April 2025, with a local holiday on Wednesday the 12th.
      const calendarioDir = mkdtempSync(join(tmpdir(), 'bpm-calendario-'));
      writeFileSync(
        join(calendarioDir, '2025.json'),
        JSON.stringify({
          anio: 2025,
          festivos: [{ fecha: '2025-03-12', nombre: 'Fiesta local de prueba', ambito: 'local' }],
        }),
      );
      module = await createBpmService({ ...opened.infrastructure, calendarioDir }, common);
      await module.start();
      collector = await opened.bus.subscribe({
        group: `bpm-test-${randomUUID()}`,
        topics: [topics.replies('bpm'), topics.events('bpm')],
        handler: async (message) => void received.push(message),
      });
      const app = createServiceHttpApp({
        service: module.name,
        logger: silentLogger,
        metrics: common.metrics,
        readiness: module.readiness,
        identity: new JwtIdentityVerifier({
          issuer: issuer.issuer,
          audience: issuer.audience,
          keys: issuer.jwks,
        }),
        api: module.api,
      });
      server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });

    afterAll(async () => {
      await new Promise((resolve) => server?.close(resolve));
      await collector?.stop();
      await module?.stop();
      await opened?.close();
    });

    const newExpediente = (): string => `exp-${randomUUID().slice(0, 8)}`;

    const send = async (
      contract: { type: string },
      payload: { expedienteId: string; sagaId: string } & Record<string, unknown>,
      actor: Actor,
    ): Promise<Envelope> => {
      const command = envelopes.create({
        type: contract.type,
        key: payload.expedienteId,
        actor,
        payload,
      });
      await opened.bus.publish(topics.commands('bpm'), [command]);
      return command;
    };

    /** Publishes a command again, as a redelivery would. */
    const resend = (command: Envelope) => opened.bus.publish(topics.commands('bpm'), [command]);

    const isReply = (message: Envelope): boolean => replyTypes.has(message.type);
    const repliesTo = (command: Envelope): Envelope[] =>
      received.filter((message) => isReply(message) && message.causationId === command.id);
    const replyTo = (command: Envelope): Promise<Envelope> =>
      eventually(() => repliesTo(command)[0], `the reply to ${command.type}`);

    const eventsOf = (expedienteId: string): Envelope[] =>
      received.filter((message) => message.key === expedienteId && eventTypes.has(message.type));

    /** The events of an expediente, once its change to `hacia` has been seen. */
    const eventsOnceChangedTo = (expedienteId: string, hacia: FaseEstandar) =>
      eventually(() => {
        const events = eventsOf(expedienteId);
        const changed = events.some(
          (event) =>
            event.type === bpm.FaseCambiada.type &&
            (event.payload as PayloadOf<typeof bpm.FaseCambiada>).hacia.codigo === hacia,
        );
        return changed ? events : undefined;
      }, `the change of ${expedienteId} to ${hacia}`);

    const start = async (expedienteId: string, sagaId = `open-${expedienteId}`) => {
      const command = await send(
        bpm.StartProcess,
        { sagaId, expedienteId, procedimiento: 'estandar' },
        usuarios.tramitadora,
      );
      return { command, reply: await replyTo(command) };
    };

    /** A rejection, which the standard procedure takes only with a reason, gets one. */
    const motivoPara = (hacia: string) =>
      hacia === 'RECHAZADO' ? { motivo: 'Falta el informe' } : {};
    const requestTransition = async (
      expedienteId: string,
      hacia: string,
      actor: Actor,
      motivo: { motivo?: string } = motivoPara(hacia),
    ) => {
      const sagaId = `advance-${randomUUID().slice(0, 8)}`;
      const command = await send(
        bpm.RequestTransition,
        { sagaId, expedienteId, hacia, ...motivo },
        actor,
      );
      return { command, sagaId, reply: await replyTo(command) };
    };

    /** A GET on bpm's HTTP API; `TBody` is what the test expects the body to be. */
    const get = async <TBody = unknown>(path: string, actor?: Actor) => {
      const headers = new Headers();
      if (actor) {
        headers.set('authorization', `Bearer ${await issuer.token(actor)}`);
      }
      const response = await fetch(`${baseUrl}${path}`, { headers });
      return { status: response.status, body: (await response.json()) as TBody };
    };

    const at = (minute: number): Date => new Date(Date.UTC(2025, 2, 1, 9, minute));
    /** Where each phase's plazo ends for a stay entered on Saturday 1 March 2025. */
    const vencimientos: Record<FaseEstandar, string | null> = {
      INICIAL: '2025-03-17',
      ANALISIS_TECNICO: '2025-04-14',
      VALIDACION: '2025-03-17',
      RECHAZADO: '2025-03-17',
      FINALIZADO: null,
    };

    it('is ready once its database and its command consumer are', async () => {
      const ready = await get<{ checks: { name: string }[] }>('/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.checks.map((check) => check.name)).toEqual(['database', 'commands']);
    });

    it('walks the whole standard procedure, through a rejection and back, keeping the exact history', async () => {
      const expedienteId = newExpediente();
      const { tramitadora, validador } = usuarios;
      now = at(0);
      const started = await start(expedienteId);
      expect(started.reply).toMatchObject({
        type: bpm.ProcessStarted.type,
        key: expedienteId,
        causationId: started.command.id,
        correlationId: started.command.correlationId,
        actor: tramitadora,
        payload: {
          sagaId: `open-${expedienteId}`,
          expedienteId,
          procedimiento: 'estandar',
          version: 3,
          fase: fases.INICIAL,
          // Saturday 1 March: 10 días hábiles from Monday the 3rd, skipping the 12th.
          vencimiento: '2025-03-17',
        },
      });

      const walk: Array<[FaseEstandar, Actor]> = [
        ['ANALISIS_TECNICO', tramitadora],
        ['RECHAZADO', tramitadora],
        ['INICIAL', tramitadora],
        ['ANALISIS_TECNICO', tramitadora],
        ['VALIDACION', tramitadora],
        ['FINALIZADO', validador],
      ];
      let desde = fases.INICIAL;
      for (const [index, [hacia, actor]] of walk.entries()) {
        now = at(index + 1);
        const { sagaId, reply } = await requestTransition(expedienteId, hacia, actor);
        const destino = fases[hacia];
        expect(reply).toMatchObject({
          type: bpm.TransitionRecorded.type,
          actor,
          // Phases repeat along the walk; the transition's number never does.
          payload: {
            sagaId,
            expedienteId,
            desde,
            hacia: destino,
            paso: index + 1,
            ...motivoPara(hacia),
            vencimiento: vencimientos[hacia],
          },
        });
        desde = destino;
      }

      const [ana, luis] = [tramitadora.userId, validador.userId];
      const paso = (
        fase: keyof typeof fases,
        [entrada, entradaPor]: [number, string],
        salida?: [number, string],
      ) => ({
        fase: fasesConPlazos[fase],
        entradaAt: at(entrada).toISOString(),
        entradaPor,
        vencimiento: vencimientos[fase],
        salidaAt: salida ? at(salida[0]).toISOString() : null,
        salidaPor: salida ? salida[1] : null,
      });
      const { status, body } = await get<ProcesoView>(`/procesos/${expedienteId}`, tramitadora);
      expect(status).toBe(200);
      expect(body).toEqual({
        expedienteId,
        procedimiento: { codigo: 'estandar', version: 3, nombre: 'Procedimiento estándar' },
        estado: 'activo',
        faseActual: fasesConPlazos.FINALIZADO,
        vencimiento: null,
        historial: [
          paso('INICIAL', [0, ana], [1, ana]),
          paso('ANALISIS_TECNICO', [1, ana], [2, ana]),
          paso('RECHAZADO', [2, ana], [3, ana]),
          paso('INICIAL', [3, ana], [4, ana]),
          paso('ANALISIS_TECNICO', [4, ana], [5, ana]),
          paso('VALIDACION', [5, ana], [6, luis]),
          paso('FINALIZADO', [6, luis]),
        ],
        transicionesDisponibles: [],
        conMotivo: [],
      });

      const events = await eventsOnceChangedTo(expedienteId, 'FINALIZADO');
      const visited: FaseEstandar[] = ['INICIAL', ...walk.map(([hacia]) => hacia)];
      expect(events.map((event) => [event.type, event.payload])).toEqual([
        [
          bpm.ProcesoIniciado.type,
          {
            expedienteId,
            procedimiento: 'estandar',
            version: 3,
            fase: fases.INICIAL,
            vencimiento: vencimientos.INICIAL,
          },
        ],
        ...walk.map((_, index) => [
          bpm.FaseCambiada.type,
          {
            expedienteId,
            desde: fases[visited[index]],
            hacia: fases[visited[index + 1]],
            paso: index + 1,
            ...motivoPara(visited[index + 1]),
            vencimiento: vencimientos[visited[index + 1]],
          },
        ]),
      ]);
    });

    it('refuses a transition for the wrong role and one not allowed from the phase, changing nothing', async () => {
      const expedienteId = newExpediente();
      now = at(10);
      await start(expedienteId);
      now = at(11);

      const wrongRole = await requestTransition(
        expedienteId,
        'ANALISIS_TECNICO',
        usuarios.validador,
      );
      const notAllowed = await requestTransition(expedienteId, 'VALIDACION', usuarios.tramitadora);

      expect(wrongRole.reply).toMatchObject({
        type: bpm.TransitionRefused.type,
        payload: {
          sagaId: wrongRole.sagaId,
          code: 'BPM.ROLE_NOT_ALLOWED',
          reason: 'Solo un tramitador puede pasar de Fase inicial a Fase de análisis técnico',
        },
      });
      expect(notAllowed.reply).toMatchObject({
        type: bpm.TransitionRefused.type,
        payload: {
          sagaId: notAllowed.sagaId,
          code: 'BPM.TRANSITION_NOT_ALLOWED',
          reason:
            'No se puede pasar de Fase inicial a Fase de validación: desde Fase inicial solo se puede pasar a Fase de análisis técnico',
        },
      });
      const { body } = await get<ProcesoView>(`/procesos/${expedienteId}`, usuarios.admin);
      expect(body.faseActual).toEqual(fasesConPlazos.INICIAL);
      expect(body.historial).toEqual([
        {
          fase: fasesConPlazos.INICIAL,
          entradaAt: at(10).toISOString(),
          entradaPor: usuarios.tramitadora.userId,
          vencimiento: '2025-03-17',
          salidaAt: null,
          salidaPor: null,
        },
      ]);

      // Events of one expediente keep their order: once the next change is seen, a change the
      // refusals had made would have been seen before it; nor did they take a transition number.
      now = at(12);
      await requestTransition(expedienteId, 'ANALISIS_TECNICO', usuarios.tramitadora);
      const events = await eventsOnceChangedTo(expedienteId, 'ANALISIS_TECNICO');
      expect(events.map((event) => event.payload)).toEqual([
        expect.objectContaining({ fase: fases.INICIAL }),
        {
          expedienteId,
          desde: fases.INICIAL,
          hacia: fases.ANALISIS_TECNICO,
          paso: 1,
          vencimiento: vencimientos.ANALISIS_TECNICO,
        },
      ]);
    });

    it('has no second effect for a redelivered command', async () => {
      const expedienteId = newExpediente();
      now = at(20);
      const started = await start(expedienteId);
      now = at(21);
      const moved = await requestTransition(expedienteId, 'ANALISIS_TECNICO', usuarios.tramitadora);
      now = at(22);

      await resend(started.command);
      await resend(moved.command);
      // Commands of one expediente are handled in order: once the next one is answered (and its
      // event seen), the redeliveries have been handled, and anything they sent seen before.
      await requestTransition(expedienteId, 'VALIDACION', usuarios.tramitadora);
      const events = await eventsOnceChangedTo(expedienteId, 'VALIDACION');

      expect(repliesTo(started.command)).toHaveLength(1);
      expect(repliesTo(moved.command)).toHaveLength(1);
      expect(events.map((event) => event.type)).toEqual([
        bpm.ProcesoIniciado.type,
        bpm.FaseCambiada.type,
        bpm.FaseCambiada.type,
      ]);
      const { body } = await get<ProcesoView>(`/procesos/${expedienteId}`, usuarios.tramitadora);
      expect(body.historial.map((paso) => [paso.fase.codigo, paso.entradaAt])).toEqual([
        ['INICIAL', at(20).toISOString()],
        ['ANALISIS_TECNICO', at(21).toISOString()],
        ['VALIDACION', at(22).toISOString()],
      ]);
    });

    it('takes a rejection only with its reason, and tells the reason in its reply and event', async () => {
      const expedienteId = newExpediente();
      const { tramitadora } = usuarios;
      await start(expedienteId);
      await requestTransition(expedienteId, 'ANALISIS_TECNICO', tramitadora);

      // A blank one does not even make a valid command (the contract trims it).
      const refused = await requestTransition(expedienteId, 'RECHAZADO', tramitadora, {});
      expect(refused.reply).toMatchObject({
        type: bpm.TransitionRefused.type,
        payload: {
          code: 'BPM.MOTIVO_REQUERIDO',
          reason:
            'Para pasar de Fase de análisis técnico a Fase rechazado hay que indicar el motivo',
        },
      });
      const motivo = { motivo: '  Falta el informe técnico  ' };
      const recorded = await requestTransition(expedienteId, 'RECHAZADO', tramitadora, motivo);
      expect(recorded.reply).toMatchObject({
        type: bpm.TransitionRecorded.type,
        payload: { hacia: fases.RECHAZADO, paso: 2, motivo: 'Falta el informe técnico' },
      });
      const events = await eventsOnceChangedTo(expedienteId, 'RECHAZADO');
      expect(
        events.find(
          (event) =>
            event.type === bpm.FaseCambiada.type &&
            (event.payload as PayloadOf<typeof bpm.FaseCambiada>).hacia.codigo === 'RECHAZADO',
        )?.payload,
      ).toMatchObject({ motivo: 'Falta el informe técnico' });
    });

    it('shows over HTTP the transitions each user may take now', async () => {
      const expedienteId = newExpediente();
      const { tramitadora, validador, admin } = usuarios;
      const disponibles = async (actor: Actor) => {
        const { status, body } = await get<ProcesoView>(`/procesos/${expedienteId}`, actor);
        expect(status).toBe(200);
        return body.transicionesDisponibles;
      };
      await start(expedienteId);
      await requestTransition(expedienteId, 'ANALISIS_TECNICO', tramitadora);

      expect(await disponibles(tramitadora)).toEqual([
        fasesConPlazos.VALIDACION,
        fasesConPlazos.RECHAZADO,
      ]);
      const view = await get<ProcesoView>(`/procesos/${expedienteId}`, tramitadora);
      expect(view.body.conMotivo).toEqual(['RECHAZADO']);
      expect(await disponibles(validador)).toEqual([]);
      expect(await disponibles(admin)).toEqual([
        fasesConPlazos.VALIDACION,
        fasesConPlazos.RECHAZADO,
      ]);

      await requestTransition(expedienteId, 'VALIDACION', tramitadora);

      expect(await disponibles(tramitadora)).toEqual([]);
      expect(await disponibles(validador)).toEqual([
        fasesConPlazos.FINALIZADO,
        fasesConPlazos.RECHAZADO,
      ]);
      expect(await disponibles(admin)).toEqual([
        fasesConPlazos.FINALIZADO,
        fasesConPlazos.RECHAZADO,
      ]);
    });

    it('answers 404 for an expediente with no process and 401 without a token', async () => {
      const missing = await get('/procesos/exp-que-no-existe', usuarios.admin);
      expect(missing).toEqual({
        status: 404,
        body: expect.objectContaining({
          code: 'BPM.PROCESS_NOT_FOUND',
          detail: 'El expediente exp-que-no-existe no tiene ningún proceso iniciado',
        }),
      });
      expect((await get('/procesos/exp-que-no-existe')).status).toBe(401);
    });

    it('counts the active processes past their plazo, by phase', async () => {
      const vencidos = async (): Promise<number> => {
        const text = await metrics.registry.metrics();
        const line = /^expedientes_plazo_vencido\{fase="INICIAL"[^}]*\} (\d+)$/m.exec(text);
        return Number(line?.[1] ?? 0);
      };
      now = new Date('2025-03-17T20:00:00.000Z');
      const antes = await vencidos();
      now = new Date('2025-03-18T09:00:00.000Z');
      const yaVencidos = await vencidos();
      // Started on 1 March, each process's initial plazo ended on the 17th.
      now = at(0);
      await start(newExpediente());
      now = new Date('2025-03-18T09:00:00.000Z');
      expect(await vencidos()).toBe(yaVencidos + 1);
      now = new Date('2025-03-17T20:00:00.000Z');
      expect(await vencidos()).toBe(antes);
    });

    it('publishes its procedure definitions', async () => {
      const { version, ...estandar } = ProcedimientoMother.estandarConPlazosDefinicion();
      const versiones = [1, 2, 3];
      expect(await get('/procedimientos', usuarios.tramitadora)).toEqual({
        status: 200,
        body: {
          procedimientos: [
            { codigo: 'estandar', nombre: 'Procedimiento estándar', version, versiones },
          ],
        },
      });
      expect(await get('/procedimientos/estandar', usuarios.tramitadora)).toEqual({
        status: 200,
        body: { ...estandar, version, versiones, faseInicial: fasesConPlazos.INICIAL },
      });
      const missing = await get<Problem>(
        '/procedimientos/estandar?version=9',
        usuarios.tramitadora,
      );
      expect(missing.status).toBe(404);
      expect(missing.body.detail).toBe('No existe la versión 9 del procedimiento estandar');
      expect((await get('/procedimientos/estandar?version=uno', usuarios.admin)).status).toBe(400);
      expect((await get('/procedimientos/urgente', usuarios.admin)).status).toBe(404);
    });

    it('answers its own saga again, refuses another one, and cancels idempotently', async () => {
      const expedienteId = newExpediente();
      const sagaId = `open-${expedienteId}`;
      await start(expedienteId, sagaId);

      const again = await start(expedienteId, sagaId);
      const other = await start(expedienteId, 'another-saga');
      expect(again.reply).toMatchObject({ type: bpm.ProcessStarted.type, payload: { sagaId } });
      expect(other.reply).toMatchObject({
        type: bpm.ProcessStartFailed.type,
        payload: {
          sagaId: 'another-saga',
          code: 'BPM.PROCESS_ALREADY_STARTED',
          reason: `El expediente ${expedienteId} ya tiene un proceso iniciado`,
        },
      });

      for (let time = 0; time < 2; time += 1) {
        const cancel = await send(
          bpm.CancelProcess,
          { sagaId, expedienteId },
          usuarios.tramitadora,
        );
        expect(await replyTo(cancel)).toMatchObject({
          type: bpm.ProcessCancelled.type,
          payload: { sagaId, expedienteId },
        });
      }
      const { body } = await get<ProcesoView>(`/procesos/${expedienteId}`, usuarios.admin);
      expect(body).toMatchObject({ estado: 'cancelado', transicionesDisponibles: [] });
      const events = await eventually(() => {
        const all = eventsOf(expedienteId);
        return all.length >= 2 ? all : undefined;
      }, 'the cancellation event');
      expect(events.map((event) => event.type)).toEqual([
        bpm.ProcesoIniciado.type,
        bpm.ProcesoCancelado.type,
      ]);
    });
  });
}
