import { ApiClientEntity } from './api-client.entity';
import { AuditLogEntity } from './audit-log.entity';
import { CreditNoteEntity } from './credit-note.entity';
import { InvoiceEntity } from './invoice.entity';
import { OperationEntity } from './operation.entity';

export { ApiClientEntity, AuditLogEntity, CreditNoteEntity, InvoiceEntity, OperationEntity };

export const ENTITIES = [
  ApiClientEntity,
  AuditLogEntity,
  CreditNoteEntity,
  InvoiceEntity,
  OperationEntity,
];
