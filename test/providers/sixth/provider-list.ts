import { ledgerlyDefinition } from './ledgerly.definition';

/**
 * The provider list as the sixth-provider suite sees it (jest.mock swaps it in for
 * src/providers/provider-list.ts): the listed providers, and one line more.
 */
const listed = jest.requireActual<typeof import('../../../src/providers/provider-list')>(
  '../../../src/providers/provider-list',
).PROVIDER_DEFINITIONS;

export const PROVIDER_DEFINITIONS = [...listed, ledgerlyDefinition] as const;
