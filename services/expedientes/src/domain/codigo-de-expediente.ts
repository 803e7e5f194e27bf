import { ValueObject } from '@expedientes/shared-kernel';
import { CodigoInvalidoError } from './errors';

const formato = /^[A-Z0-9][A-Z0-9\-/._]{0,49}$/;

/**
 * The code people know an expediente by (`EXP-2025/001`), unique across the system. Written in
 * capitals whatever the user typed, so `exp-1` and `EXP-1` are the same code.
 */
export class CodigoDeExpediente extends ValueObject<{ valor: string }> {
  static crear(texto: string): CodigoDeExpediente {
    const valor = texto.trim().toUpperCase();
    if (!formato.test(valor)) throw new CodigoInvalidoError(texto);
    return new CodigoDeExpediente({ valor });
  }

  get valor(): string {
    return this.props.valor;
  }

  override toString(): string {
    return this.props.valor;
  }
}
