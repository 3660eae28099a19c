export * from './sim-types';
export * from './sim-config';
export type { FaultMode, FaultSpec, Fault } from './sim-faults';
export type { LoggedRequest } from './sim-request-log';
export type { TokenCheck } from './sim-tokens';
export { createDmsSimulator, DMS_SERVICE_ERROR_PREFIX, type DmsErrorCode } from './dms.simulator';
export {
  createGepSmartSimulator,
  GEP_SMART_PATHS,
  type GepBatchAnswer,
} from './gep-smart.simulator';
export { createGepQuantumSimulator, GEP_QUANTUM_PATHS } from './gep-quantum.simulator';
export {
  createDeliverySolutionsSimulator,
  DELIVERY_SOLUTIONS_PATHS,
  DS_MAGIC,
  type DsErrorBody,
  type DsErrorType,
} from './delivery-solutions.simulator';
export { GEP_MAGIC, gepExpiresMinutes } from './gep-common';
export {
  createSimulator,
  startAllSimulators,
  type RunningSimulators,
  type StartAllOptions,
} from './start-all';
