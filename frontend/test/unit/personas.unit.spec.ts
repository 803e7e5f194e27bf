/** The directory of who is who: asked once, and a username where it has no name. */
describe('people by name', () => {
  const fetchMock = jest.fn();
  let personas: typeof import('../../src/api/personas');

  /** The module anew (as a page load has it), with GET /people answering `status`, `body`. */
  const cargar = async (status: number, body: unknown) => {
    jest.resetModules();
    fetchMock.mockReset().mockResolvedValue(
      new Response(JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      }),
    );
    personas = await import('../../src/api/personas');
  };

  beforeAll(() => {
    global.fetch = fetchMock;
  });

  it('names those in the directory, asked for once, and no one else', async () => {
    await cargar(200, { personas: [{ username: 'teresa.t', nombre: 'Teresa Tramitadora' }] });
    const { nombreDe } = personas.usePersonas();
    expect(nombreDe('teresa.t')).toBeNull(); // not come yet
    await personas.cargarPersonas();
    expect(nombreDe('teresa.t')).toBe('Teresa Tramitadora');
    expect(nombreDe('cliente-maquina')).toBeNull();
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(String(fetchMock.mock.calls[0]?.[0])).toBe('/api/v1/people');
  });

  it('names no one, and says nothing, where there is no directory', async () => {
    await cargar(404, { status: 404, detail: 'No existe' });
    await expect(personas.cargarPersonas()).resolves.toBeUndefined();
    expect(personas.usePersonas().nombreDe('teresa.t')).toBeNull();
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});
