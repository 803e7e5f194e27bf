import { partesDeComentario } from '../../src/comentarios/partes';

describe("a comment's text and its mentions", () => {
  it('splits the text at the mentions the API found, keeping its line breaks', () => {
    const texto = 'Revisado.\n@Valentin.Validador, ¿lo validas? Copia a @teresa.t.';
    expect(partesDeComentario(texto, ['valentin.validador', 'teresa.t'])).toEqual([
      { texto: 'Revisado.\n' },
      { mencion: 'valentin.validador', escrita: '@Valentin.Validador' },
      { texto: ', ¿lo validas? Copia a ' },
      { mencion: 'teresa.t', escrita: '@teresa.t' },
      { texto: '.' },
    ]);
  });

  it('leaves as text what the API did not take for a mention', () => {
    const texto = 'Escriba a ana@ejemplo.es o a @desconocido; @ab es corto';
    expect(partesDeComentario(texto, [])).toEqual([{ texto }]);
    expect(partesDeComentario(texto, ['ejemplo.es'])).toEqual([{ texto }]);
  });

  it('gives back the text unchanged when joined, markup included', () => {
    const texto = '<b>@luis</b> y @luis\n\n  fin';
    const partes = partesDeComentario(texto, ['luis']);
    expect(partes.filter((parte) => 'mencion' in parte)).toHaveLength(2);
    expect(partes.map((parte) => ('texto' in parte ? parte.texto : parte.escrita)).join('')).toBe(
      texto,
    );
    expect(partesDeComentario('', ['luis'])).toEqual([]);
  });
});
