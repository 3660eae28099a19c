/** Injection token of the optional `UpstreamAuditSink` the factory gives every client. */
export const UPSTREAM_AUDIT_SINK = Symbol('UPSTREAM_AUDIT_SINK');
/** Injection token of the optional `UpstreamLogger` the factory gives every client. */
export const UPSTREAM_LOGGER = Symbol('UPSTREAM_LOGGER');
