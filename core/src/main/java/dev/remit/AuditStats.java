package dev.remit;

/**
 * Counters of an {@link AuditTrail}: nothing is lost silently. {@code offered = written + dropped
 * + queued} always holds; once the trail is closed or its writer has stopped, {@code queued} is 0
 * and whatever was still queued counts as dropped.
 *
 * <p>Every record offered ends as exactly one of written or dropped. A record one sink failed to
 * write but another accepted is <em>written</em> (and the failure is a sink error). A record that
 * could not be built, or that failed in every sink, is <em>dropped</em>: it reached no sink, so it
 * is lost exactly like a record the queue had no room for; each sink's failure on it is also
 * counted in {@code sinkErrors}. So {@code sinkErrors} counts failures, not records: with two sinks
 * one record can add two.
 *
 * @param offered records handed to the trail
 * @param written records at least one sink accepted
 * @param dropped records no sink received: the queue was full (policy DROP, or still full after
 *     {@link AuditTrail.Builder#maxWait} under BLOCK), the trail was closed or its writer stopped,
 *     or the record could not be built or failed in every sink
 * @param sinkErrors exceptions and errors thrown by sinks (write, flush or close)
 * @param queued records offered and not yet finished: waiting in the queue or being written now
 */
public record AuditStats(long offered, long written, long dropped, long sinkErrors, long queued) {}
