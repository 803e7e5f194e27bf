import {
  ApiError,
  errorFromFallo,
  errorFromProblem,
  messageOf,
  networkError,
} from '../../src/api/problem';

describe('the API client reads a problem answer as plain words', () => {
  it('shows the detail of a problem', () => {
    const error = errorFromProblem(404, {
      title: 'Not Found',
      status: 404,
      detail: 'No existe el expediente 42',
      code: 'EXPEDIENTE.NO_ENCONTRADO',
    });
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(404);
    expect(error.message).toBe('No existe el expediente 42');
    expect(error.code).toBe('EXPEDIENTE.NO_ENCONTRADO');
    expect(error.fields).toEqual({});
  });

  it('falls back to the title, then to a general message when the body says nothing', () => {
    expect(errorFromProblem(403, { title: 'Forbidden', detail: '' }).message).toBe('Forbidden');
    expect(errorFromProblem(502, undefined).message).toBe('Algo ha fallado; vuelva a intentarlo');
    expect(errorFromProblem(500, 'not json').message).toBe('Algo ha fallado; vuelva a intentarlo');
  });

  it('maps the field errors of a 400 to their fields, the first message of each', () => {
    const error = errorFromProblem(400, {
      detail: 'La solicitud no es válida',
      code: 'REQUEST.INVALID',
      errors: [
        { field: 'codigo', message: 'Demasiado largo' },
        { field: 'codigo', message: 'Otra cosa' },
        { field: 'files.0', message: 'Adjunte al menos un archivo' },
        { field: '', message: 'Sin campo' },
      ],
    });
    expect(error.fields).toEqual({
      codigo: 'Demasiado largo',
      files: 'Adjunte al menos un archivo',
    });
  });

  it('puts a duplicate code on the code field', () => {
    const error = errorFromProblem(409, {
      detail: 'Ya existe un expediente con el código EXP-1',
      code: 'EXPEDIENTE.CODIGO_DUPLICADO',
    });
    expect(error.fields).toEqual({ codigo: 'Ya existe un expediente con el código EXP-1' });
  });

  it("puts auth's refusals of a new user on the field they are about", () => {
    const existe = errorFromProblem(409, {
      detail: 'Ya existe el usuario lucia.t',
      code: 'AUTH.USER_EXISTS',
    });
    expect(existe.fields).toEqual({ username: 'Ya existe el usuario lucia.t' });
    const invalido = errorFromProblem(422, {
      detail: 'nombre: entre 1 y 200 caracteres',
      code: 'AUTH.INVALID_USER',
      details: { campo: 'nombre' },
    });
    expect(invalido.fields).toEqual({ nombre: 'nombre: entre 1 y 200 caracteres' });
    const ultimo = errorFromProblem(409, { detail: 'Es el único', code: 'AUTH.LAST_ADMIN' });
    expect(ultimo.fields).toEqual({});
  });

  it('reads a failed operation the same way', () => {
    const error = errorFromFallo({
      code: 'EXPEDIENTE.CODIGO_DUPLICADO',
      message: 'Ya existe un expediente con el código EXP-2',
    });
    expect(error.message).toBe('Ya existe un expediente con el código EXP-2');
    expect(error.fields).toEqual({ codigo: 'Ya existe un expediente con el código EXP-2' });
    expect(errorFromFallo(null).message).toBe('La operación no se completó');
  });

  it('says the server could not be reached on a network error', () => {
    const error = networkError();
    expect(error.status).toBe(0);
    expect(error.message).toBe('No se pudo contactar con el servidor');
    expect(messageOf(error)).toBe('No se pudo contactar con el servidor');
    expect(messageOf(new TypeError('boom'))).toBe('Algo ha fallado; vuelva a intentarlo');
  });
});
