import { Plazo } from '@expedientes/shared-kernel';
import {
  FaseDesconocidaError,
  MotivoRequeridoError,
  ProcedimientoInvalidoError,
  RolNoAutorizadoError,
  TransicionNoPermitidaError,
} from './errors';

/**
 * A phase of a procedure: its code, the name users read, whether it ends the process, and the
 * most a process may stay in it, where the procedure sets a plazo.
 */
export interface Fase {
  readonly codigo: string;
  readonly nombre: string;
  readonly final: boolean;
  readonly plazo?: Plazo;
}

/** A move between two phases and the roles allowed to make it. */
export interface Transicion {
  readonly desde: string;
  readonly hacia: string;
  readonly roles: readonly string[];
  /** Whoever makes it says why (a rejection, say): the reason goes with the change. */
  readonly requiereMotivo?: boolean;
}

export interface DefinicionDeProcedimiento {
  readonly codigo: string;
  /** Grows with every change: a running process stays on the version it started with. */
  readonly version: number;
  readonly nombre: string;
  readonly faseInicial: string;
  readonly fases: readonly Fase[];
  readonly transiciones: readonly Transicion[];
  /** Roles that may take every transition of the procedure (the administrators). */
  readonly rolesConTodasLasTransiciones: readonly string[];
}

const duplicates = (values: readonly string[]): string[] => [
  ...new Set(values.filter((value, index) => values.indexOf(value) !== index)),
];

function problemsOf(definicion: DefinicionDeProcedimiento): string[] {
  const codigos = new Set(definicion.fases.map((fase) => fase.codigo));
  const finales = new Set(definicion.fases.filter((fase) => fase.final).map((fase) => fase.codigo));
  const problems: string[] = [];
  if (!Number.isInteger(definicion.version) || definicion.version < 1) {
    problems.push('la versión debe ser un entero positivo');
  }
  for (const codigo of duplicates(definicion.fases.map((fase) => fase.codigo))) {
    problems.push(`la fase ${codigo} está repetida`);
  }
  if (!codigos.has(definicion.faseInicial)) {
    problems.push(`la fase inicial ${definicion.faseInicial} no es una de sus fases`);
  } else if (finales.has(definicion.faseInicial)) {
    problems.push(`la fase inicial ${definicion.faseInicial} no puede ser final`);
  }
  const pares = definicion.transiciones.map(({ desde, hacia }) => `${desde} -> ${hacia}`);
  for (const par of duplicates(pares)) problems.push(`la transición ${par} está repetida`);
  for (const { desde, hacia } of definicion.transiciones) {
    for (const fase of [desde, hacia].filter((codigo) => !codigos.has(codigo))) {
      problems.push(`la transición ${desde} -> ${hacia} nombra la fase ${fase}, que no existe`);
    }
    if (finales.has(desde)) {
      problems.push(`la transición ${desde} -> ${hacia} sale de una fase final`);
    }
  }
  const conSalida = new Set(definicion.transiciones.map(({ desde }) => desde));
  const sinSalida = definicion.fases.filter((fase) => !fase.final && !conSalida.has(fase.codigo));
  for (const fase of definicion.fases.filter((each) => each.plazo && each.final)) {
    problems.push(`la fase ${fase.codigo} es final: no puede tener plazo`);
  }
  for (const fase of sinSalida) {
    // A process that reached it could never move on.
    problems.push(`la fase ${fase.codigo} no es final y no tiene ninguna transición de salida`);
  }
  return problems;
}

/**
 * The definition of a procedure: its phases and the transitions between them, with the roles
 * that may take each. It decides whether a user may move a process from one phase to another.
 */
export class Procedimiento {
  private readonly fasesPorCodigo: ReadonlyMap<string, Fase>;

  private constructor(private readonly definicion: DefinicionDeProcedimiento) {
    this.fasesPorCodigo = new Map(definicion.fases.map((fase) => [fase.codigo, fase]));
  }

  /** Checks that the definition holds together; ProcedimientoInvalidoError lists what does not. */
  static definir(definicion: DefinicionDeProcedimiento): Procedimiento {
    const problems = problemsOf(definicion);
    if (problems.length > 0) {
      throw new ProcedimientoInvalidoError(`${definicion.codigo} v${definicion.version}`, problems);
    }
    return new Procedimiento(definicion);
  }

  get codigo(): string {
    return this.definicion.codigo;
  }

  get version(): number {
    return this.definicion.version;
  }

  get nombre(): string {
    return this.definicion.nombre;
  }

  get faseInicial(): Fase {
    return this.fase(this.definicion.faseInicial);
  }

  get fases(): readonly Fase[] {
    return this.definicion.fases;
  }

  get transiciones(): readonly Transicion[] {
    return this.definicion.transiciones;
  }

  get rolesConTodasLasTransiciones(): readonly string[] {
    return this.definicion.rolesConTodasLasTransiciones;
  }

  fase(codigo: string): Fase {
    const fase = this.fasesPorCodigo.get(codigo);
    if (!fase) throw new FaseDesconocidaError(codigo, this.nombre);
    return fase;
  }

  /** The phases a user with `roles` may move a process to from `desde`, in definition order. */
  transicionesDisponibles(desde: string, roles: readonly string[]): Fase[] {
    return this.transicionesDesde(desde)
      .filter((transicion) => this.puede(transicion, roles))
      .map((transicion) => this.fase(transicion.hacia));
  }

  /** Of the phases reachable from `desde`, the codes whose transition asks for a reason. */
  conMotivoDesde(desde: string): string[] {
    return this.transicionesDesde(desde)
      .filter((transicion) => transicion.requiereMotivo === true)
      .map((transicion) => transicion.hacia);
  }

  /**
   * The phase a user with `roles` may move a process to from `desde`, giving `motivo` where the
   * transition asks for one; refuses with the reason.
   */
  autorizarTransicion(
    desde: string,
    hacia: string,
    roles: readonly string[],
    motivo?: string,
  ): Fase {
    const origen = this.fase(desde);
    const destino = this.fase(hacia);
    const transicion = this.transicionesDesde(desde).find((each) => each.hacia === hacia);
    if (!transicion) {
      const posibles = this.transicionesDesde(desde).map((each) => this.fase(each.hacia).nombre);
      throw new TransicionNoPermitidaError(
        origen.nombre,
        destino.nombre,
        origen.final
          ? `${origen.nombre} es una fase final`
          : `desde ${origen.nombre} solo se puede pasar a ${posibles.join(' o ')}`,
      );
    }
    if (!this.puede(transicion, roles)) {
      throw new RolNoAutorizadoError(
        origen.nombre,
        destino.nombre,
        transicion.roles.length > 0 ? transicion.roles : this.rolesConTodasLasTransiciones,
      );
    }
    if (transicion.requiereMotivo && !motivo?.trim()) {
      throw new MotivoRequeridoError(origen.nombre, destino.nombre);
    }
    return destino;
  }

  private transicionesDesde(desde: string): Transicion[] {
    return this.definicion.transiciones.filter((transicion) => transicion.desde === desde);
  }

  private puede(transicion: Transicion, roles: readonly string[]): boolean {
    return roles.some(
      (rol) => transicion.roles.includes(rol) || this.rolesConTodasLasTransiciones.includes(rol),
    );
  }
}
