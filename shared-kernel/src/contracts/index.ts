import { MessageRegistry } from '../messaging/message-registry';
import { bpmContracts } from './bpm';
import { documentsContracts } from './documents';
import { expedientesContracts } from './expedientes';

export * from './common';
export * as bpm from './bpm';
export * as documents from './documents';
export * as expedientes from './expedientes';

/** Every message of the published language; each process validates against all of them. */
export const publishedLanguage = (): MessageRegistry =>
  new MessageRegistry([...expedientesContracts, ...documentsContracts, ...bpmContracts]);
