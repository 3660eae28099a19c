import { ApiClientEntity } from './api-client.entity';
import { ConnectionEntity } from './connection.entity';
import { ConsoleSessionEntity } from './console-session.entity';
import { AuditChainAnchorEntity, AuditLogEntity } from './audit-log.entity';
import { CreditNoteEntity } from './credit-note.entity';
import { InvoiceEntity } from './invoice.entity';
import { OperationEntity } from './operation.entity';

export {
  ApiClientEntity,
  AuditChainAnchorEntity,
  AuditLogEntity,
  ConnectionEntity,
  ConsoleSessionEntity,
  CreditNoteEntity,
  InvoiceEntity,
  OperationEntity,
};

export const ENTITIES = [
  ApiClientEntity,
  AuditLogEntity,
  AuditChainAnchorEntity,
  CreditNoteEntity,
  InvoiceEntity,
  OperationEntity,
  ConsoleSessionEntity,
  ConnectionEntity,
];
