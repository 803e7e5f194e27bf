import { BarrerSubidasPendientes } from '../../src/application/barrer-subidas-pendientes/barrer-subidas-pendientes';
import { SubirDocumento } from '../../src/application/subir-documento/subir-documento';
import { ana, harness } from './fakes/harness';
import { enTrozos, texto } from './mothers/contenidos';
import { DocumentoMother } from './mothers/documento-mother';

const HOUR = 60 * 60 * 1000;

function useCases() {
  const h = harness();
  return {
    ...h,
    subir: new SubirDocumento(h.documentos, h.contenidos, h.mensajes, h.clock, h.newId),
    barrer: new BarrerSubidasPendientes(h.documentos, h.contenidos, h.clock, 24 * HOUR),
  };
}

describe('BarrerSubidasPendientes', () => {
  it('removes staged uploads older than their time to live, with their content', async () => {
    const h = useCases();
    const subir = () =>
      h.subir.ejecutar({
        nombre: 'a.txt',
        contenido: enTrozos(texto()),
        actor: ana,
        correlationId: 'c',
      });
    const viejo = await subir();
    h.advance(2 * HOUR);
    const reciente = await subir();
    h.advance(23 * HOUR); // "viejo" has waited 25 h, "reciente" 23 h

    expect(await h.barrer.ejecutar()).toBe(1);

    expect(await h.documentos.buscar(viejo.id)).toBeNull();
    expect(await h.documentos.buscar(reciente.id)).not.toBeNull();
    expect(h.files.ids()).toEqual([reciente.ultimaVersion.contentId]);
    expect(await h.barrer.ejecutar()).toBe(0);
  });

  it('keeps claimed documents, however old', async () => {
    const h = useCases();
    await h.documentos.dado(DocumentoMother.registradoEn('exp-1', { id: 'a', at: h.clock() }));
    h.advance(100 * HOUR);
    expect(await h.barrer.ejecutar()).toBe(0);
    expect(await h.documentos.buscar('a')).not.toBeNull();
  });

  it('keeps a document claimed between being found and being removed', async () => {
    const h = useCases();
    await h.documentos.dado(DocumentoMother.pendiente({ id: 'a', at: h.clock() }));
    h.advance(25 * HOUR);
    const abandonados = h.documentos.abandonadosAntesDe.bind(h.documentos);
    h.documentos.abandonadosAntesDe = async (limite) => {
      const found = await abandonados(limite);
      const claimed = (await h.documentos.buscar('a'))!;
      claimed.registrarEn('exp-1');
      await h.documentos.guardar([claimed], []);
      return found;
    };

    expect(await h.barrer.ejecutar()).toBe(0);
    expect((await h.documentos.buscar('a'))?.expedienteId).toBe('exp-1');
  });
});
