import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CalendarioLaboral, diaEn } from '@expedientes/shared-kernel';
import { PlatformClient, ServiceUrls } from './platform-client';
import { eventually } from './processes';

export interface ScenarioUsers {
  readonly tramitador: PlatformClient;
  readonly validador: PlatformClient;
  readonly admin: PlatformClient;
}

/** What the scenario needs of a running platform, distributed or embedded. */
export interface PlatformUnderTest {
  readonly urls: ServiceUrls;
  readonly users: ScenarioUsers;
}

const pdf = (text: string): Buffer =>
  Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from(text), randomBytes(64 * 1024)]);

const fases = (detail: any): string[] =>
  detail.historialDeFases.map((paso: any) => paso.fase.codigo);

/** The holidays bpm ships, which the platforms under test count plazos on. */
const calendarioDeBpm = (): CalendarioLaboral => {
  const folder = join(__dirname, '..', '..', '..', '..', 'services', 'bpm', 'calendario');
  return new CalendarioLaboral(
    readdirSync(folder).flatMap((file) =>
      JSON.parse(readFileSync(join(folder, file), 'utf8')).festivos.map(
        (festivo: { fecha: string }) => festivo.fecha,
      ),
    ),
  );
};

/** The last day of the initial phase's plazo (10 días hábiles) for a process started at `at`. */
const vencimientoInicial = (at: Date): string =>
  calendarioDeBpm().vencimiento(diaEn(at, 'Europe/Madrid'), { dias: 10, computo: 'habiles' });

/**
 * The life of an expediente across the four services, as a user drives it: opened with two
 * documents, found in the list, the detail and search, walked through every phase with a
 * rejection and the way back, a transition refused for want of a role, a creation refused by
 * documents and compensated, the history and the expediente as it stood before.
 */
export function expedienteLifeScenario(platform: () => PlatformUnderTest): void {
  const run = randomUUID().slice(0, 8).toUpperCase();
  const codigo = `E2E-${run}`;
  const palabra = `zorzal${run.toLowerCase()}`;
  const contents = [pdf('informe técnico'), pdf('plano de situación')];
  let documentIds: string[] = [];
  let expedienteId = '';
  let beforeAnyTransition = '';
  let openedAt: readonly Date[] = [];

  const users = () => platform().users;

  it('uploads two documents and opens an expediente with them', async () => {
    const { tramitador } = users();
    const uploads = await Promise.all([
      tramitador.upload('informe técnico.pdf', contents[0]),
      tramitador.upload('plano de situación.pdf', contents[1]),
    ]);
    for (const upload of uploads) expect(upload.status).toBe(201);
    documentIds = uploads.map((upload) => upload.body.id ?? upload.body.documentId);

    const before = new Date();
    const opened = await tramitador.post('expedientes', '/expedientes', {
      codigo,
      opcionInicial: 'SEDE_ELECTRONICA',
      descripcion: `Licencia de obra menor ${palabra}`,
      documentIds,
    });
    openedAt = [before, new Date()];
    expect(opened.status).toBe(201);
    expedienteId = opened.body.expedienteId;
    expect(expedienteId).toBeTruthy();
  });

  it('shows it in the list, the detail and search', async () => {
    const { tramitador } = users();
    // Read your writes: right after the 201, whether or not the read model has caught up.
    const reply = await tramitador.get('expedientes', `/expedientes/${expedienteId}`);
    expect(reply.status).toBe(200);
    const detail = reply.body;
    expect(detail).toMatchObject({
      codigo,
      estado: 'abierto',
      opcionInicial: 'SEDE_ELECTRONICA',
      fase: { codigo: 'INICIAL' },
      creadoPor: 'ana.tramitadora',
    });
    expect(detail.documentos.map((documento: any) => documento.nombre).sort()).toEqual([
      'informe técnico.pdf',
      'plano de situación.pdf',
    ]);
    for (const documento of detail.documentos) {
      expect(documento).toMatchObject({ version: 1, mediaType: 'application/pdf' });
      expect(documento.sha256).toMatch(/^[0-9a-f]{64}$/);
    }

    const listed = await eventually(async () => {
      const list = await tramitador.get('expedientes', `/expedientes?q=${codigo}`);
      return list.status === 200 && list.body.total === 1 ? list.body : undefined;
    }, 'the expediente in the list');
    expect(listed.items.map((item: any) => item.codigo)).toEqual([codigo]);
    // The shipped procedure gives the initial phase 10 días hábiles on bpm's calendar.
    expect(openedAt.map(vencimientoInicial)).toContain(detail.plazo.vencimiento);
    expect(detail.plazo.estado).toBe('en-plazo');
    expect(listed.items[0].plazo).toEqual(detail.plazo);

    const found = await eventually(async () => {
      const reply = await tramitador.get('search', `/search?q=${palabra}`);
      return reply.body?.total === 1 ? reply.body.items[0] : undefined;
    }, 'the expediente in search');
    expect(found).toMatchObject({ expedienteId, codigo });
    beforeAnyTransition = new Date().toISOString();
  });

  it('downloads each document byte for byte as it was uploaded', async () => {
    const downloads = await Promise.all(documentIds.map((id) => users().tramitador.download(id)));
    downloads.forEach((bytes, index) => expect(bytes.equals(contents[index])).toBe(true));
  });

  const advance = (who: keyof ScenarioUsers, hacia: string, motivo?: string) =>
    users()[who].post('expedientes', `/expedientes/${expedienteId}/transitions`, {
      hacia,
      ...(motivo === undefined ? {} : { motivo }),
    });
  const motivo = 'Falta el informe técnico firmado';

  it('walks the procedure with a rejection, which needs its reason, and the way back', async () => {
    expect((await advance('tramitador', 'ANALISIS_TECNICO')).status).toBe(200);
    const sinMotivo = await advance('tramitador', 'RECHAZADO');
    expect(sinMotivo.status).toBe(422);
    expect(sinMotivo.body.code).toBe('BPM.MOTIVO_REQUERIDO');
    const rechazo = await advance('tramitador', 'RECHAZADO', motivo);
    expect(rechazo.status).toBe(200);
    expect(rechazo.body).toMatchObject({ hacia: { codigo: 'RECHAZADO' }, motivo });
    for (const hacia of ['INICIAL', 'ANALISIS_TECNICO', 'VALIDACION']) {
      const reply = await advance('tramitador', hacia);
      expect({ hacia, status: reply.status }).toEqual({ hacia, status: 200 });
    }
  });

  it('keeps comments, each with whom it mentions, in the detail and the audit', async () => {
    const texto = 'El informe llegó firmado.\n@victor.validador, puede validarlo.';
    const comentado = await users().tramitador.post(
      'expedientes',
      `/expedientes/${expedienteId}/comments`,
      { texto },
    );
    expect(comentado.status).toBe(201);
    expect(comentado.body.menciones).toEqual(['victor.validador']);
    // Read your writes: the validador's next read shows it, from either read model.
    const { body } = await users().validador.get('expedientes', `/expedientes/${expedienteId}`);
    expect(body.comentarios).toEqual([
      {
        version: comentado.body.version,
        texto,
        menciones: ['victor.validador'],
        por: 'ana.tramitadora',
        at: comentado.body.at,
      },
    ]);
  });

  it('refuses a validation decision to a tramitador, with the reason, and changes nothing', async () => {
    const refused = await advance('tramitador', 'FINALIZADO');
    expect(refused.status).toBe(422);
    expect(refused.body.detail).toMatch(/validador/i);
    const body = await eventually(async () => {
      const reply = await users().tramitador.get('expedientes', `/expedientes/${expedienteId}`);
      return reply.body?.fase?.codigo === 'VALIDACION' ? reply.body : undefined;
    }, 'the detail in Fase de validación');
    expect(body.estado).toBe('abierto');
    const proceso = await users().tramitador.get('bpm', `/procesos/${expedienteId}`);
    expect(JSON.stringify(proceso.body)).not.toContain('FINALIZADO"');
  });

  it('lets the validador finish it, and keeps the exact phase history', async () => {
    const finished = await advance('validador', 'FINALIZADO');
    expect(finished.status).toBe(200);
    // Read your writes: the detail shows the command that just answered.
    const { body } = await users().validador.get('expedientes', `/expedientes/${expedienteId}`);
    expect(body.estado).toBe('finalizado');
    expect(body.plazo).toBeNull();
    expect(body.version).toBe(finished.body.version);
    expect(fases(body)).toEqual([
      'INICIAL',
      'ANALISIS_TECNICO',
      'RECHAZADO',
      'INICIAL',
      'ANALISIS_TECNICO',
      'VALIDACION',
      'FINALIZADO',
    ]);
    const pasos = body.historialDeFases;
    pasos.slice(0, -1).forEach((paso: any, index: number) => {
      expect(paso.salidaAt).toBe(pasos[index + 1].entradaAt);
      expect(paso.salidaPor).toBe(pasos[index + 1].entradaPor);
    });
    expect(pasos.at(-1)).toMatchObject({ entradaPor: 'victor.validador', salidaAt: null });
    expect(pasos.map((paso: any) => paso.motivo)).toEqual([
      undefined,
      undefined,
      motivo,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('keeps the audit trail and shows the expediente as it stood before', async () => {
    const { tramitador } = users();
    const history = await tramitador.get('expedientes', `/expedientes/${expedienteId}/history`);
    expect(history.status).toBe(200);
    expect(history.body.entradas.length).toBeGreaterThanOrEqual(8);
    expect(history.body.entradas).toContainEqual(
      expect.objectContaining({
        tipo: 'fase-cambiada',
        resumen: expect.stringContaining(`Motivo: ${motivo}`),
      }),
    );
    const then = await tramitador.get(
      'expedientes',
      `/expedientes/${expedienteId}?asOf=${encodeURIComponent(beforeAnyTransition)}`,
    );
    expect(then.status).toBe(200);
    expect(then.body).toMatchObject({ estado: 'abierto', fase: { codigo: 'INICIAL' } });
    expect(then.body.documentos).toHaveLength(2);
  });

  it('compensates a creation documents refuses: rejected, nothing claimed, the code free', async () => {
    const { tramitador } = users();
    const spare = await tramitador.upload('anexo.pdf', pdf('anexo'));
    const spareId = spare.body.id ?? spare.body.documentId;
    const refusedCodigo = `${codigo}-B`;
    const refused = await tramitador.post('expedientes', '/expedientes', {
      codigo: refusedCodigo,
      opcionInicial: 'PETICION_DEPARTAMENTO',
      descripcion: 'Con un documento que no existe',
      documentIds: [spareId, `no-existe-${run}`],
    });
    expect(refused.status).toBe(422);
    const spareNow = await tramitador.get('documents', `/documents/${spareId}`);
    expect(spareNow.body.expedienteId ?? null).toBeNull();

    const again = await tramitador.post('expedientes', '/expedientes', {
      codigo: refusedCodigo,
      opcionInicial: 'PETICION_DEPARTAMENTO',
      descripcion: 'Ahora con documentos que existen',
      documentIds: [spareId],
    });
    expect(again.status).toBe(201);
  });

  it('refuses a duplicate code with a clear conflict', async () => {
    const { tramitador } = users();
    const extra = await tramitador.upload('otro.pdf', pdf('otro'));
    const duplicate = await tramitador.post('expedientes', '/expedientes', {
      codigo,
      opcionInicial: 'SEDE_ELECTRONICA',
      descripcion: 'Repetido',
      documentIds: [extra.body.id ?? extra.body.documentId],
    });
    expect(duplicate.status).toBe(409);
  });

  it('rebuilds its read models from the events equal to the live ones', async () => {
    const { admin } = users();
    const before = await admin.get('expedientes', `/expedientes/${expedienteId}`);
    const listBefore = await admin.get('expedientes', `/expedientes?q=${codigo}`);
    const rebuilt = await admin.post('expedientes', '/admin/rebuild-read-models');
    expect(rebuilt.status).toBe(200);
    const after = await eventually(async () => {
      const reply = await admin.get('expedientes', `/expedientes/${expedienteId}`);
      return reply.status === 200 && reply.body.version === before.body.version ? reply : undefined;
    }, 'the rebuilt detail');
    expect(after.body).toEqual(before.body);
    const listAfter = await admin.get('expedientes', `/expedientes?q=${codigo}`);
    expect(listAfter.body).toEqual(listBefore.body);
  });
}
