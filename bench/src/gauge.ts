import { createHash } from 'node:crypto';

/** A view-like document: what the platform's processes mostly do is turn such into JSON and back. */
const SAMPLE = {
  id: '0190a7c4-5b1e-7d2a-9c3f-4e5d6a7b8c9d',
  codigo: 'EXP-2026/000123',
  descripcion: 'Licencia de obra mayor para la rehabilitación de un edificio',
  historial: Array.from({ length: 8 }, (_, index) => ({
    fase: { codigo: `FASE_${index}`, nombre: `Fase número ${index}` },
    entradaAt: '2026-12-07T10:00:00.000Z',
    entradaPor: 'ana.tramitadora',
  })),
  documentos: Array.from({ length: 4 }, (_, index) => ({
    documentId: `doc-${index}`,
    nombre: `documento-${index}.pdf`,
    sha256: 'a'.repeat(64),
    size: 102_400,
  })),
};
const BLOCK = Buffer.alloc(100 * 1024, 7);

/** The fixed work: JSON both ways and SHA-256, a few hundred CPU-ms on a 2-core VM. */
function work(): number {
  let kept = 0;
  for (let round = 0; round < 4_000; round++) {
    kept += (JSON.parse(JSON.stringify(SAMPLE)) as typeof SAMPLE).historial.length;
  }
  for (let round = 0; round < 300; round++) {
    kept += createHash('sha256').update(BLOCK).digest()[0];
  }
  return kept;
}

/**
 * CPU-ms of the same fixed work, the least of three tries: how fast the host runs code at
 * that moment. On a shared virtual machine it moves by a quarter from one hour to the next,
 * and every CPU-ms figure of the run with it; read two runs' figures beside their gauges.
 */
export function hostGauge(): number {
  let least = Infinity;
  for (let attempt = 0; attempt < 3; attempt++) {
    const before = process.cpuUsage();
    work();
    const used = process.cpuUsage(before);
    least = Math.min(least, (used.user + used.system) / 1000);
  }
  return least;
}
