import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultProcedimientosDir } from '../../src/composition-root';
import { loadProcedureFiles } from '../../src/infrastructure/procedures/procedure-files';
import { Procedimiento } from '../../src/domain/procedimiento';
import { ProcedimientoMother } from '../support/procedimiento-mother';

describe('procedure definition files', () => {
  let folder: string;
  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'bpm-procedures-'));
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  const write = (file: string, content: unknown): void =>
    writeFileSync(
      join(folder, file),
      typeof content === 'string' ? content : JSON.stringify(content),
    );

  it('ships the standard procedure: version 2 asks for the reason of a rejection, version 3 sets plazos', async () => {
    const [v1, v2, v3, ...others] = await loadProcedureFiles(defaultProcedimientosDir);
    expect(others).toEqual([]);
    expect(v1).toEqual(ProcedimientoMother.estandar());
    expect(v2).toEqual(Procedimiento.definir(ProcedimientoMother.estandarConMotivoDefinicion()));
    expect(v3).toEqual(ProcedimientoMother.estandarConPlazos());
  });

  it('takes plazos only from a definition that says it follows esquema 2', async () => {
    const definicion = ProcedimientoMother.estandarConPlazosDefinicion();
    write('estandar.v3.json', definicion);
    await expect(loadProcedureFiles(folder)).rejects.toThrow(
      'estandar.v3.json: plazos need "esquema": 2',
    );
    write('estandar.v3.json', { esquema: 2, ...definicion });
    await expect(loadProcedureFiles(folder)).resolves.toEqual([
      ProcedimientoMother.estandarConPlazos(),
    ]);
  });

  it('loads every version of a procedure', async () => {
    write('estandar.v1.json', ProcedimientoMother.estandarDefinicion());
    write('estandar.v2.json', { ...ProcedimientoMother.estandarDefinicion(), version: 2 });
    const loaded = await loadProcedureFiles(folder);
    expect(loaded.map(({ codigo, version }) => `${codigo} v${version}`)).toEqual([
      'estandar v1',
      'estandar v2',
    ]);
  });

  it.each([
    ['text that is not JSON', 'estandar.v1.json', '{ "codigo": ', /estandar\.v1\.json: not JSON/],
    [
      'a field it does not know',
      'estandar.v1.json',
      { ...ProcedimientoMother.estandarDefinicion(), fasesFinales: [] },
      /estandar\.v1\.json: .*fasesFinales/,
    ],
    [
      'a phase without a name',
      'estandar.v1.json',
      ProcedimientoMother.with({ fases: [{ codigo: 'INICIAL', final: false } as never] }),
      /fases\.0\.nombre/,
    ],
    [
      'a name that does not match its content',
      'estandar.v2.json',
      ProcedimientoMother.estandarDefinicion(),
      /estandar\.v2\.json: defines estandar v1, so it must be named estandar\.v1\.json/,
    ],
    [
      'a definition that does not hold together',
      'estandar.v1.json',
      ProcedimientoMother.with({ faseInicial: 'FINALIZADO' }),
      /la fase inicial FINALIZADO no puede ser final/,
    ],
  ])('refuses %s, naming the file and the problem', async (_case, file, content, message) => {
    write(file, content);
    await expect(loadProcedureFiles(folder)).rejects.toThrow(message);
  });

  it('refuses a folder without definitions', async () => {
    await expect(loadProcedureFiles(folder)).rejects.toThrow(/holds no procedure definition/);
  });
});
