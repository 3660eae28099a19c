import { InitialSchema1795257251081 } from './1795257251081-InitialSchema';
import { OperationCommands1795300000000 } from './1795300000000-OperationCommands';
import { AsyncDelivery1795400000000 } from './1795400000000-AsyncDelivery';
import { AuditHashChain1796116036836 } from './1796116036836-AuditHashChain';
import { AuditTraceId1796200000000 } from './1796200000000-AuditTraceId';
import { ConsoleSessions1796300000000 } from './1796300000000-ConsoleSessions';
import { OperationTraceparent1796400000000 } from './1796400000000-OperationTraceparent';
import { OperationOwner1796500000000 } from './1796500000000-OperationOwner';
import { Connections1796600000000 } from './1796600000000-Connections';
import { EventsAndWebhooks1796700000000 } from './1796700000000-EventsAndWebhooks';
import { InboundWebhooks1796700000001 } from './1796700000001-InboundWebhooks';
import { Documents1796800000000 } from './1796800000000-Documents';
import { DocumentsBackfill1796800000001 } from './1796800000001-DocumentsBackfill';
import { AuditVerifications1796800000002 } from './1796800000002-AuditVerifications';
import { LedgerConnections1796900000000 } from './1796900000000-LedgerConnections';

/** Every migration, oldest first. Register each new one here. */
export const MIGRATIONS = [
  InitialSchema1795257251081,
  OperationCommands1795300000000,
  AsyncDelivery1795400000000,
  AuditHashChain1796116036836,
  AuditTraceId1796200000000,
  ConsoleSessions1796300000000,
  OperationTraceparent1796400000000,
  OperationOwner1796500000000,
  Connections1796600000000,
  EventsAndWebhooks1796700000000,
  InboundWebhooks1796700000001,
  Documents1796800000000,
  DocumentsBackfill1796800000001,
  AuditVerifications1796800000002,
  LedgerConnections1796900000000,
];
