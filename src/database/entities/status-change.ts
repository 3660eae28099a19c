/** One status change of an invoice or credit note, as its upstream reported it. */
export interface StatusChange {
  status: string;
  /** When the upstream says it changed (its status_date), else when the gateway heard of it. */
  at: string;
  /** `dms-webhook`. */
  source: string;
  /** The inbound webhook that carried it. */
  inboundId: string;
  remarks?: string;
}
