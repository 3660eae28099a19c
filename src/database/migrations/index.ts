import { InitialSchema1795257251081 } from './1795257251081-InitialSchema';

/** Every migration, oldest first. Register each new one here. */
export const MIGRATIONS = [InitialSchema1795257251081];
