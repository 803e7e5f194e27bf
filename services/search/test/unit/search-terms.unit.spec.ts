import { maximumTerms, searchTerms } from '../../src/domain/search';

describe('searchTerms', () => {
  it('takes the words of the text in lower case, each once, accents as typed', () => {
    expect(searchTerms('Análisis del AGUA, análisis')).toEqual(['análisis', 'del', 'agua']);
  });

  it('splits codes and leaves out every search operator', () => {
    expect(searchTerms('EXP-2024-000123')).toEqual(['exp', '2024', '000123']);
    expect(searchTerms('+obra -menor "plano" (anexo)* ~x <a> @3 AND OR NEAR')).toEqual([
      'obra',
      'menor',
      'plano',
      'anexo',
      'and',
      'near',
    ]);
  });

  it('leaves out words shorter than three letters', () => {
    expect(searchTerms('de la obra en él')).toEqual(['obra']);
    expect(searchTerms('a b')).toEqual([]);
  });

  it('reads accents typed as combining marks as the same letters', () => {
    expect(searchTerms('ana\u0301lisis')).toEqual(['análisis']);
  });

  it('has no words for no text', () => {
    expect(searchTerms(undefined)).toEqual([]);
    expect(searchTerms('   ')).toEqual([]);
  });

  it(`keeps at most ${maximumTerms} words`, () => {
    const words = Array.from({ length: 15 }, (_, index) => `palabra${index}`);
    expect(searchTerms(words.join(' '))).toEqual(words.slice(0, maximumTerms));
  });
});
