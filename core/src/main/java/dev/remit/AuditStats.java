package dev.remit;

/**
 * Counters of an {@link AuditTrail}: nothing is lost silently.
 *
 * @param offered records handed to the trail
 * @param written records every sink accepted
 * @param dropped records dropped because the queue was full (policy DROP) or the trail was closed
 * @param sinkErrors exceptions thrown by sinks (write, flush or close)
 * @param queued records waiting in the queue now
 */
public record AuditStats(long offered, long written, long dropped, long sinkErrors, long queued) {}
