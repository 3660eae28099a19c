import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  GEP_MAGIC,
  gepExpiresMinutes,
  isInvalidGepDocument,
  matchStatus,
  startsWithMagic,
  type GepError,
} from './gep-common';
import { defaultGepSmartOptions, type GepSmartSimulatorOptions } from './sim-config';
import { bearerToken, header, isRecord, lowerKeys, parseIsoDate, safeEqual } from './sim-http';
import { buildSimulator } from './sim-server';
import type { TokenStore } from './sim-tokens';
import type { Simulator } from './sim-types';

export const GEP_SMART_PATHS = {
  token: '/token/gep',
  invoiceStatus: '/SmartInterfaceAPI/api/Invoice/InvoiceStatusdetails',
  creditMemoStatus: '/SmartInterfaceAPI/api/Invoice/CreditMemoStatusBatch',
} as const;

/** ASP.NET Web API's own 401 body (GEP publishes none). */
export const GEP_SMART_UNAUTHORIZED = {
  Message: 'Authorization has been denied for this request.',
};

export interface GepBatchAnswer {
  data: null;
  statusCode: '200' | '400';
  errorDetails: { key: string; errors: GepError[] }[];
  successDetails: { key: string }[];
}

type Kind = 'invoice' | 'creditMemo';

const WORDING = {
  invoice: {
    missingModels: 'InvoiceStatusModel is missing',
    statusField: 'documentstatusinfo',
    dateField: 'invoicedate',
    typeMandatory: 'There was an error in processing the Invoice Status as Type is mandatory',
    dateMandatory: 'Invoice Date is mandatory',
    invalidDocument: 'Invalid Invoice Number',
    invalidSource: 'Invalid source system',
  },
  creditMemo: {
    missingModels: 'InterfaceCreditMemoStatus is missing',
    statusField: 'documentstatus',
    dateField: 'creditmemodate',
    typeMandatory: 'There was an error in processing the CreditMemo Status as Type is mandatory',
    dateMandatory: 'Invoice date is mandatory',
    invalidDocument: 'Invalid Document Number',
    invalidSource: 'Invalid Source System',
  },
} as const;

const mandatory = (errorDescription: string): GepError => ({
  errorCode: 'MandatoryField',
  errorDescription,
});
const invalid = (errorDescription: string): GepError => ({
  errorCode: 'DataValidation',
  errorDescription,
});

function text(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

class GepServerError extends Error {}

/**
 * GEP SMART interface API: `GET /token/gep` (header `gep-auth-key`) and the two status batches
 * (`Authorization: Bearer <Token>`). Keys are bound case-insensitively, as GEP does.
 */
export function createGepSmartSimulator(
  overrides: Partial<GepSmartSimulatorOptions> = {},
): Simulator {
  const options: GepSmartSimulatorOptions = { ...defaultGepSmartOptions(), ...overrides };

  function validateModel(kind: Kind, model: unknown): { key: string; errors: GepError[] } {
    const words = WORDING[kind];
    if (!isRecord(model)) return { key: '', errors: [invalid('Invalid model')] };
    const errors: GepError[] = [];
    const documentNumber = text(model.documentnumber);
    if (startsWithMagic(documentNumber, GEP_MAGIC.serverError)) throw new GepServerError();
    if (documentNumber === undefined) errors.push(mandatory('Document Number is mandatory'));
    else if (isInvalidGepDocument(documentNumber)) errors.push(invalid(words.invalidDocument));

    const source = text(model.sourcesytemname);
    if (startsWithMagic(source, GEP_MAGIC.invalid)) errors.push(invalid(words.invalidSource));

    const rawStatus = model[words.statusField];
    let status: string | undefined;
    if (rawStatus === undefined || rawStatus === null || rawStatus === '') {
      errors.push(mandatory(words.typeMandatory));
    } else if (typeof rawStatus !== 'string') {
      errors.push(
        invalid(
          `There was an error in processing the invoice status as ${JSON.stringify(rawStatus)} is wrong Enum value`,
        ),
      );
    } else {
      status = matchStatus(options.statuses, rawStatus);
      if (status === undefined) {
        errors.push(
          invalid(
            `There was an error in processing the invoice status as ${rawStatus} is Invalid Invoice Status`,
          ),
        );
      } else if (startsWithMagic(documentNumber, GEP_MAGIC.paid)) {
        errors.push(
          invalid(
            'Invoice Status cannot be updated as Invoice is already in paid with Remittance Status',
          ),
        );
      }
    }

    const partner = text(model.clientpartnercode);
    if (partner === undefined) {
      if (options.partnerInvNoForPayment) {
        errors.push(mandatory('Client partner code is mandatory'));
      }
    } else if (startsWithMagic(partner, GEP_MAGIC.invalid)) {
      errors.push(invalid('Invalid client partner code'));
    } else if (startsWithMagic(partner, GEP_MAGIC.unknownSupplier)) {
      errors.push(invalid(`Invalid SupplierId: ${partner}`));
    }

    const rawDate = model[words.dateField];
    if (rawDate === undefined || rawDate === null || rawDate === '') {
      errors.push(mandatory(words.dateMandatory));
    } else {
      const date = parseIsoDate(rawDate);
      if (date === undefined) errors.push(invalid('Invoice date is not a valid date'));
      else if (date > options.now()) {
        errors.push(invalid('Invoice date cannot be greater than current date'));
      }
    }

    if (kind === 'invoice' && status !== undefined) {
      const exceptionType = text(model.exceptiontype);
      const isException = status.toLowerCase() === 'exception';
      if (isException && exceptionType === undefined) {
        errors.push(invalid('Exception types cannot be empty for Invoice Status'));
      } else if (!isException && exceptionType !== undefined) {
        errors.push(invalid(`Exception types cannot exist for Invoice Status: (${status})`));
      }
    }
    if (kind === 'creditMemo') errors.push(...validateHeader(model.header));
    return { key: documentNumber ?? '', errors };
  }

  function validateHeader(value: unknown): GepError[] {
    if (!isRecord(value)) return [mandatory('Header mandatory')];
    const errors: GepError[] = [];
    const party = (name: string, missing: string) => {
      const block = value[name];
      if (!isRecord(block)) {
        errors.push(mandatory(missing));
        return undefined;
      }
      if (text(block.identity) === undefined) errors.push(mandatory('Identity is mandatory'));
      return block;
    };
    party('from', 'From is mandatory');
    party('to', 'To is mandatory');
    const sender = party('sender', 'Sender is mandatory');
    if (sender) {
      const secret = typeof sender.sharedsecret === 'string' ? sender.sharedsecret : undefined;
      if (secret === undefined || secret === '')
        errors.push(mandatory('Shared Secret is mandatory'));
      else if (!safeEqual(secret, options.sharedSecret)) {
        errors.push(invalid('Invalid Shared Secret'));
      }
      if (text(sender.useragent) === undefined) errors.push(mandatory('User Agent is mandatory'));
    }
    return errors;
  }

  function batch(kind: Kind, tokens: TokenStore) {
    return async (request: FastifyRequest, reply: FastifyReply) => {
      if (tokens.check(bearerToken(request)) !== 'valid') {
        return reply.code(401).send(GEP_SMART_UNAUTHORIZED);
      }
      if (typeof request.body === 'string') {
        const type = header(request, 'content-type') ?? '';
        return reply.code(415).send({
          Message: `The request entity's media type '${type.split(';')[0]}' is not supported for this resource.`,
        });
      }
      const body = lowerKeys(request.body);
      const models = isRecord(body) ? body.models : undefined;
      if (!Array.isArray(models) || models.length === 0) {
        return reply
          .code(400)
          .send(answer([{ key: '', errors: [mandatory(WORDING[kind].missingModels)] }], []));
      }
      try {
        const results = models.map((model) => validateModel(kind, model));
        const failed = results.filter((result) => result.errors.length > 0);
        const succeeded = results
          .filter((result) => result.errors.length === 0)
          .map((result) => ({ key: result.key }));
        const result = answer(failed, succeeded);
        return reply.code(Number(result.statusCode)).send(result);
      } catch (error) {
        if (error instanceof GepServerError) {
          return reply.code(500).send({ Message: 'An error has occurred.' });
        }
        throw error;
      }
    };
  }

  return buildSimulator({
    id: 'gep-smart',
    options,
    tokenFormat: 'jwt',
    errorBody: gepSmartErrorBody,
    faultBody: (status) => gepSmartErrorBody(status, `Simulated fault ${status}`),
    routes(app, tokens) {
      app.get(GEP_SMART_PATHS.token, async (request, reply) => {
        const key = header(request, 'gep-auth-key');
        if (!key || !safeEqual(key, options.authKey)) {
          return reply.code(403).send({
            Expires: 0,
            Token: null,
            StatusCode: 403,
            ErrorMessage: key ? 'Invalid gep-auth-key' : 'gep-auth-key header is missing',
          });
        }
        const issued = tokens.issue('gep-smart');
        return {
          Expires: gepExpiresMinutes(tokens.lifetimeSeconds),
          Token: issued.token,
          StatusCode: 200,
          ErrorMessage: '',
        };
      });
      app.post(GEP_SMART_PATHS.invoiceStatus, batch('invoice', tokens));
      app.post(GEP_SMART_PATHS.creditMemoStatus, batch('creditMemo', tokens));
    },
    resetState() {
      // GEP SMART keeps no document state in the simulator.
    },
  });
}

/**
 * The batch answer: statusCode "200" (HTTP 200) when at least one model was accepted,
 * "400" (HTTP 400) when none was. GEP does not document mixed batches; see README.
 */
function answer(
  errorDetails: GepBatchAnswer['errorDetails'],
  successDetails: GepBatchAnswer['successDetails'],
): GepBatchAnswer {
  return {
    data: null,
    statusCode: successDetails.length > 0 ? '200' : '400',
    errorDetails,
    successDetails,
  };
}

/** ASP.NET Web API error shapes. */
function gepSmartErrorBody(status: number, message: string): unknown {
  if (status === 401) return GEP_SMART_UNAUTHORIZED;
  if (status === 404)
    return { Message: `No HTTP resource was found that matches the request URI. ${message}` };
  if (status >= 500) return { Message: 'An error has occurred.' };
  return { Message: status === 400 ? 'The request is invalid.' : message };
}
