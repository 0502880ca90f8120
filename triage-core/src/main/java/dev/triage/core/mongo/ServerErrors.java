package dev.triage.core.mongo;

import java.util.Set;

/**
 * MongoDB server error codes that say the cluster failed a command, not the command or document
 * itself: a primary stepping down or shutting down, network errors (the retryable-write codes of
 * MongoDB's retryable writes specification), time limits, write conflicts, locks, a full disk, and
 * authentication. Such a failure is waited out and retried; any other code is the request's own.
 */
public final class ServerErrors {

    private static final Set<Integer> CLUSTER_CODES = Set.of(
            6, 7, 63, 89, 91, 134, 150, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436, // retryable writes
            50, 112, 24, 46, 14031, // MaxTimeMSExpired, WriteConflict, LockTimeout, LockBusy, OutOfDiskSpace
            13, 18); // Unauthorized, AuthenticationFailed: a credentials or role change, not the request

    private ServerErrors() {
    }

    public static boolean isClusters(int code) {
        return CLUSTER_CODES.contains(code);
    }
}
