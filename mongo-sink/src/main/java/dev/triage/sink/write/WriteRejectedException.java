package dev.triage.sink.write;

import com.mongodb.bulk.BulkWriteError;

/**
 * MongoDB refused one write for a reason of that document's own (see {@link WriteErrors}): the
 * error a record is dead-lettered with, carrying the server's code and message.
 */
public final class WriteRejectedException extends Exception {

    WriteRejectedException(String what, BulkWriteError error) {
        super("MongoDB refused to " + what + ": code " + error.getCode() + ", " + error.getMessage(), null, false, false);
    }
}
